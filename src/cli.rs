//! The command line: clap definitions and what each command prints. Exit codes are
//! decided in `main` only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::build::{BuildError, BuildOptions, BuildReport, build_to_disk};
use crate::diagnostics::Diagnostics;

/// fenjin (奋进): a static site generator for bilingual, Chinese-first sites.
#[derive(Debug, Parser)]
#[command(name = "fenjin", version, about, long_about = None, after_help = "Run `fenjin build` in a site's folder (the one with site.yaml) to write the site to public/.\nExit codes: 0 success, 1 errors in content or templates, 2 usage or I/O errors.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Check everything build checks, plus links, anchors, images, translations and
    /// hreflang pairs in the rendered site; writes nothing.
    Check(crate::check::CheckArgs),
    /// Build into memory, serve on 127.0.0.1:1111, rebuild on every change and reload
    /// open pages; a failed rebuild keeps the last good site and shows the error.
    Serve(crate::serve::ServeArgs),
    /// Start a new page of a content kind: content/SECTION/SLUG.md and SLUG.en.md.
    New(NewArgs),
    /// Create a new, working site in DIR, or in the current folder (new or empty).
    Init(InitArgs),
    /// List the site's content kinds and their fields (text or JSON), or write one JSON
    /// Schema per kind for editors' YAML tools.
    Kinds(crate::kinds_cmd::KindsArgs),
    /// Print a shell completion script: `fenjin completions bash > /etc/bash_completion.d/fenjin`.
    Completions(CompletionsArgs),
}

/// `fenjin completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub shell: clap_complete::Shell,
}

impl CompletionsArgs {
    /// Writes the script to standard output.
    pub fn run(&self) -> Result<(), BuildError> {
        use clap::CommandFactory;
        clap_complete::generate(self.shell, &mut Cli::command(), "fenjin", &mut std::io::stdout());
        Ok(())
    }
}

/// `fenjin new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The content kind: `page` or a kind the site declares in kinds/ (see `fenjin kinds`).
    pub kind: String,
    /// The file name without `.md` (letters, digits, `-`, `_`), such as `harbin`.
    pub slug: String,
    /// The site's folder.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

impl NewArgs {
    /// Writes the two files.
    pub fn run(&self) -> Result<(), BuildError> {
        crate::build::site_root(&self.root)?;
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC));
        let files = crate::scaffold::new_page(
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

/// `fenjin init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in (the current folder when left out).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

impl InitArgs {
    /// Writes the site.
    pub fn run(&self) -> Result<(), BuildError> {
        let n = crate::scaffold::init_site(&self.dir).map_err(|e| BuildError::Usage(e.0))?;
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

/// The flags every command that builds shares: which site, and what to include.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's folder, containing site.yaml, content/ and themes/.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(short = 'D', long)]
    pub drafts: bool,
    /// Include pages dated in the future.
    #[arg(short = 'F', long)]
    pub future: bool,
    /// Build as if it were this moment, for reproducible builds in CI
    /// (e.g. 2022-07-19 or 2022-07-19T09:00:00+08:00; without an offset, in the site's time zone).
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
}

impl SiteArgs {
    /// Build options with these flags and defaults for the rest.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            drafts: self.drafts,
            future: self.future,
            now: self.now.clone(),
            ..BuildOptions::default()
        }
    }
}

/// `fenjin build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site. Replaced as a whole, only after a successful build.
    /// [default: DIR/public]
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of site.yaml's `base_url` (e.g. for a preview host).
    #[arg(short = 'u', long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Replace the output folder even if it is not empty and fenjin did not create it.
    #[arg(long)]
    pub force: bool,
    /// Also write precompressed `.gz` and `.br` copies of every text file, for servers
    /// that serve them (nginx gzip_static/brotli_static, most CDNs).
    #[arg(long)]
    pub compress: bool,
    /// Print each page left out and the time each stage took.
    #[arg(long, short)]
    pub verbose: bool,
}

impl BuildArgs {
    /// Runs the build and prints its outcome. Returns the error for `main` to map to an
    /// exit code.
    pub fn run(&self) -> Result<(), BuildError> {
        let opts = BuildOptions {
            output: self.output.clone(),
            base_url: self.base_url.clone(),
            force: self.force,
            compress: self.compress,
            ..self.site.options()
        };
        let started = std::time::Instant::now();
        crate::progress::enable();
        let report = build_to_disk(&opts)?;
        self.print_report(&report, started.elapsed());
        Ok(())
    }

    fn print_report(&self, report: &BuildReport, elapsed: std::time::Duration) {
        print_diagnostics(&report.warnings);
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
        let out = self.output.clone().unwrap_or_else(|| self.site.root.join("public"));
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
pub fn left_out_summary(skipped: &[crate::model::Skipped]) -> Option<String> {
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

/// `1699` → `1,699`.
fn thousands(n: usize) -> String {
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

/// Prints diagnostics for people, sorted by file, with a summary line.
pub fn print_diagnostics(ds: &Diagnostics) {
    if ds.is_empty() {
        return;
    }
    let color = crate::diagnostics::stderr_color();
    for d in ds.clone().sorted() {
        eprintln!("{}", d.render(color));
    }
    if ds.has_errors() {
        eprintln!(
            "{} error(s), {} warning(s); nothing was written",
            ds.error_count(),
            ds.warning_count()
        );
    }
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
