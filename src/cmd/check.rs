//! `fenjin check`: the flags of [`fenjin::check::check_site`], `--external` fetching
//! ([`fenjin::check::fetch_external`]), the three output formats and the exit status
//! (`--deny-warnings`).

use std::time::Duration;

use clap::{Args, ValueEnum};
use fenjin::build::BuildError;
use fenjin::check::{
    Politeness, check_site, fetch_external, format_github, format_human, format_json,
};
use fenjin::diagnostics::{Diagnostics, Severity};

use super::SiteArgs;

/// Output format of `fenjin check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// rustc-like, coloured on a terminal.
    Human,
    /// One JSON object per diagnostic, per line.
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::…`).
    Github,
}

/// `fenjin check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub(crate) format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// Also fetch every external link (needs the network).
    #[arg(long)]
    pub(crate) external: bool,
    /// Seconds to wait for each external link.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, requires = "external")]
    pub(crate) timeout: u64,
    /// Tries after the first for an external link that fails in a way that may pass
    /// (no connection, a server error, 429 Too Many Requests).
    #[arg(long, value_name = "N", default_value_t = 2, requires = "external")]
    pub(crate) retries: u32,
    /// External requests to one host at a time.
    #[arg(long, value_name = "N", default_value_t = 2, requires = "external")]
    pub(crate) per_host: usize,
}

impl CheckArgs {
    /// Runs the check and prints it. `Err(BuildError::Reported)` when it failed.
    pub(crate) fn run(&self) -> Result<(), BuildError> {
        let mut report = check_site(&self.site.options())?;
        if self.external {
            let how = Politeness {
                timeout: Duration::from_secs(self.timeout),
                retries: self.retries,
                per_host: self.per_host,
                backoff: Duration::from_millis(500),
            };
            let found = fetch_external(&report.external, &how);
            let mut all = Diagnostics::new();
            all.extend(std::mem::take(&mut report.diagnostics));
            all.extend(found);
            report.diagnostics = all.sorted();
            report.fetched = true;
        }
        let errors = report.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = report.diagnostics.len() - errors;
        let out = match self.format {
            Format::Human => format_human(&report, fenjin::diagnostics::stderr_color()),
            Format::Json => format_json(&report.diagnostics),
            Format::Github => format_github(&report.diagnostics),
        };
        match self.format {
            Format::Human => eprint!("{out}"),
            _ => print!("{out}"),
        }
        if errors > 0 || (self.deny_warnings && warnings > 0) {
            Err(BuildError::Reported)
        } else {
            Ok(())
        }
    }
}
