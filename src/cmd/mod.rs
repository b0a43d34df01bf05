//! The command line: one file per command, each holding its clap flags and what it
//! prints. The library (`fenjin::…`) knows nothing of clap: a command turns its flags
//! into the library's options ([`fenjin::build::BuildOptions`],
//! [`fenjin::serve::ServeOptions`]), calls it, and prints the outcome. Exit codes are
//! decided in `main` only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use fenjin::build::BuildOptions;

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod init;
pub(crate) mod kinds;
pub(crate) mod new;
pub(crate) mod serve;

/// fenjin (奋进): a static site generator for bilingual, Chinese-first sites.
#[derive(Debug, Parser)]
#[command(name = "fenjin", version, about, long_about = None, after_help = "Run `fenjin build` in a site's folder (the one with site.yaml) to write the site to public/.\nExit codes: 0 success, 1 errors in content or templates, 2 usage or I/O errors.")]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(build::BuildArgs),
    /// Check everything build checks, plus links, anchors, images, translations and
    /// hreflang pairs in the rendered site; writes nothing.
    Check(check::CheckArgs),
    /// Build into memory, serve on 127.0.0.1:1111, rebuild on every change and reload
    /// open pages; a failed rebuild keeps the last good site and shows the error.
    Serve(serve::ServeArgs),
    /// Start a new page of a content kind: content/SECTION/SLUG.md and SLUG.en.md.
    New(new::NewArgs),
    /// Create a new, working site in DIR, or in the current folder (new or empty).
    Init(init::InitArgs),
    /// List the site's content kinds and their fields (text or JSON), or write one JSON
    /// Schema per kind for editors' YAML tools.
    Kinds(kinds::KindsArgs),
    /// Print a shell completion script: `fenjin completions bash > /etc/bash_completion.d/fenjin`.
    Completions(completions::CompletionsArgs),
}

/// The flags every command that builds shares: which site, and what to include.
#[derive(Debug, Args)]
pub(crate) struct SiteArgs {
    /// The site's folder, containing site.yaml, content/ and themes/.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(short = 'D', long)]
    pub(crate) drafts: bool,
    /// Include pages dated in the future.
    #[arg(short = 'F', long)]
    pub(crate) future: bool,
    /// Build as if it were this moment, for reproducible builds in CI
    /// (e.g. 2022-07-19 or 2022-07-19T09:00:00+08:00; without an offset, in the site's time zone).
    #[arg(long, value_name = "DATETIME")]
    pub(crate) now: Option<String>,
}

impl SiteArgs {
    /// Build options with these flags and defaults for the rest.
    pub(crate) fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            drafts: self.drafts,
            future: self.future,
            now: self.now.clone(),
            ..BuildOptions::default()
        }
    }
}

/// `1699` → `1,699`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(7), "7");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1699), "1,699");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }

    /// clap's own consistency checks over every command and flag.
    #[test]
    fn verify_app() {
        super::Cli::command().debug_assert();
    }
}
