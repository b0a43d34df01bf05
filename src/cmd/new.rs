//! `fenjin new KIND SLUG`: a new page of a content kind in both languages
//! ([`fenjin::scaffold::new_page`]).

use std::path::PathBuf;

use clap::Args;
use fenjin::build::BuildError;

/// `fenjin new`.
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The content kind: `page` or a kind the site declares in kinds/ (see `fenjin kinds`).
    pub(crate) kind: String,
    /// The file name without `.md` (letters, digits, `-`, `_`), such as `harbin`.
    pub(crate) slug: String,
    /// The site's folder.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
}

impl NewArgs {
    /// Writes the two files.
    pub(crate) fn run(&self) -> Result<(), BuildError> {
        fenjin::build::site_root(&self.root)?;
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC));
        let files = fenjin::scaffold::new_page(
            &self.root,
            &self.kind,
            &self.slug,
            &today.strftime("%Y-%m-%d").to_string(),
        )
        .map_err(|e| BuildError::Usage(e.0))?;
        for f in files {
            eprintln!("created {}", f.display());
        }
        eprintln!(
            "fill in the fields (each has a comment), set `draft: false` to publish, then run fenjin build"
        );
        Ok(())
    }
}
