//! `fenjin init [DIR]`: a new, working site ([`fenjin::scaffold::init_site`]).

use std::path::PathBuf;

use clap::Args;
use fenjin::build::BuildError;

/// `fenjin init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The folder to create the site in (the current folder when left out).
    #[arg(default_value = ".")]
    pub(crate) dir: PathBuf,
}

impl InitArgs {
    /// Writes the site.
    pub(crate) fn run(&self) -> Result<(), BuildError> {
        let n = fenjin::scaffold::init_site(&self.dir).map_err(|e| BuildError::Usage(e.0))?;
        if self.dir == std::path::Path::new(".") {
            eprintln!("created a new site in the current folder ({n} files); next: fenjin build");
        } else {
            eprintln!(
                "created a new site in {} ({n} files); next: cd {} && fenjin build",
                self.dir.display(),
                self.dir.display()
            );
        }
        Ok(())
    }
}
