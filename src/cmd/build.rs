//! `fenjin build`: the flags of a build to disk ([`fenjin::build::build_to_disk`]) and
//! the lines it prints: warnings, pages left out, stage times with `-v`, what was
//! written, and when the output next changes by itself.

use std::path::PathBuf;

use clap::Args;
use fenjin::build::{BuildError, BuildOptions, BuildReport, build_to_disk};

use super::{SiteArgs, thousands};

/// `fenjin build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// Where to write the site. Replaced as a whole, only after a successful build.
    /// [default: DIR/public]
    #[arg(long, short, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
    /// Use this base URL instead of site.yaml's `base_url` (e.g. for a preview host).
    #[arg(short = 'u', long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Replace the output folder even if it is not empty and fenjin did not create it.
    #[arg(long)]
    pub(crate) force: bool,
    /// Also write precompressed `.gz` and `.br` copies of every text file, for servers
    /// that serve them (nginx gzip_static/brotli_static, most CDNs).
    #[arg(long)]
    pub(crate) compress: bool,
    /// Print each page left out and the time each stage took.
    #[arg(long, short)]
    pub(crate) verbose: bool,
}

impl BuildArgs {
    /// Runs the build and prints its outcome. Returns the error for `main` to map to an
    /// exit code.
    pub(crate) fn run(&self) -> Result<(), BuildError> {
        let opts = BuildOptions {
            output: self.output.clone(),
            base_url: self.base_url.clone(),
            force: self.force,
            compress: self.compress,
            ..self.site.options()
        };
        let started = std::time::Instant::now();
        fenjin::progress::enable();
        let report = build_to_disk(&opts)?;
        self.print_report(&report, started.elapsed());
        Ok(())
    }

    fn print_report(&self, report: &BuildReport, elapsed: std::time::Duration) {
        fenjin::diagnostics::eprint(&report.warnings);
        if self.verbose {
            for s in &report.skipped {
                eprintln!("left out: {}: {}", s.file.display(), s.reason);
            }
        } else if let Some(line) = left_out_summary(&report.skipped) {
            eprintln!("{line}");
        }
        if self.verbose {
            for (stage, t) in &report.timings {
                eprintln!("  {stage:<10} {:>8.1} ms", t.as_secs_f64() * 1000.0);
            }
        }
        let out = report.output.as_deref().unwrap_or(std::path::Path::new("public"));
        eprintln!(
            "built {} pages and sections into {} files in {} ({:.2} s)",
            report.documents,
            report.files,
            out.display(),
            elapsed.as_secs_f64()
        );
        if let Some(line) = report.images.summary() {
            eprintln!("{line}");
        }
        if let Some(c) = report.compressed {
            eprintln!(
                "compressed {} text files into .gz and .br ({} reused from the previous build)",
                thousands(c.reused + c.compressed),
                thousands(c.reused)
            );
        }
        match &report.next_change {
            Some(c) => eprintln!("next change: {}", c.describe()),
            None => eprintln!("next change: none scheduled (no future dates in the content)"),
        }
    }
}

/// One line of counts by reason for the pages left out (`-v` lists them one per line),
/// such as `left out 1,699 pages: 12 drafts, 1,650 dated in the future, 37 expired (-v lists them)`.
fn left_out_summary(skipped: &[fenjin::model::Skipped]) -> Option<String> {
    if skipped.is_empty() {
        return None;
    }
    let drafts = skipped.iter().filter(|s| s.reason.starts_with("draft")).count();
    let expired = skipped.iter().filter(|s| s.expired).count();
    let future = skipped.len() - drafts - expired;
    let plural = |n: usize, one: &str, many: &str| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    };
    let mut parts = Vec::new();
    if drafts > 0 {
        parts.push(plural(drafts, "draft", "drafts"));
    }
    if future > 0 {
        parts.push(format!("{} dated in the future", thousands(future)));
    }
    if expired > 0 {
        parts.push(format!("{} expired", thousands(expired)));
    }
    Some(format!(
        "left out {}: {} (fenjin build -v lists them)",
        plural(skipped.len(), "page", "pages"),
        parts.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use fenjin::model::Skipped;

    fn skipped(reason: &str, expired: bool) -> Skipped {
        Skipped {
            file: "content/x.md".into(),
            reason: reason.into(),
            path: "/x/".into(),
            expired,
            publishes: None,
        }
    }

    #[test]
    fn left_out_is_one_line_of_counts_by_reason() {
        assert_eq!(super::left_out_summary(&[]), None);
        let mut all = vec![skipped("draft", false)];
        all.extend((0..1650).map(|_| skipped("dated in the future (2030-01-01)", false)));
        all.extend((0..2).map(|_| skipped("expired on 2022-01-01", true)));
        assert_eq!(
            super::left_out_summary(&all).unwrap(),
            "left out 1,653 pages: 1 draft, 1,650 dated in the future, 2 expired (fenjin build -v lists them)"
        );
    }
}
