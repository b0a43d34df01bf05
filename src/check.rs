//! `fenjin check`: everything `build` validates, plus checks of the rendered site, with
//! no output written (the image cache in `.fenjin-cache/images/` is used and pruned as
//! by `build`). [`check_site`] runs the same pipeline into a [`MemorySink`], reads every
//! HTML page (`html.rs`), then calls its checks in turn, each a function with its own
//! tests:
//!
//! - `links::links`: every URL of every page — local `href`, `src`, `srcset` and
//!   `og:image` resolved against the output (with its `#anchor`), links to expired pages,
//!   scripts and `data:` in links; external links are counted and listed, and only
//!   `--external` fetches them ([`fetch_external`], `external.rs`);
//! - `pages::alt_text`: images without text alternatives;
//! - `crate::images::editor_warnings`: photos too large, or shown on no page;
//! - `pages::hreflang`: hreflang pairs that are not reciprocal;
//! - `content::descriptions` and `content::translations`: pages without a description,
//!   pages of the default language without a translation.
//!
//! Diagnostics are printed for people (rustc-like), as JSON (one object per line) or as
//! GitHub Actions annotations.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::build::{BuildError, BuildOptions, run_pipeline};
use crate::content::SourceDoc;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::images::Images;
use crate::model::{Site, Skipped};
use crate::output::MemorySink;
use crate::theme::TextFile;

mod content;
mod external;
mod html;
mod links;
mod pages;

pub use external::{MAX_WAIT, Politeness, fetch_external};

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Errors and warnings, sorted by file.
    pub diagnostics: Vec<Diagnostic>,
    /// External links found: URL → the sources of the pages that have it.
    pub external: BTreeMap<String, BTreeSet<String>>,
    /// Whether the external links were fetched (`--external`).
    pub fetched: bool,
}

/// Checks the site at `opts.root` without writing anything: the build into memory, every
/// page read, then each check in turn.
pub fn check_site(opts: &BuildOptions) -> Result<CheckReport, BuildError> {
    let opts = BuildOptions { root: crate::build::site_root(&opts.root)?, ..opts.clone() };
    let sink = MemorySink::new();
    let built = match run_pipeline(&opts, &sink) {
        Ok(b) => b,
        Err(BuildError::Content(ds)) => {
            return Ok(CheckReport { diagnostics: ds.sorted(), ..CheckReport::default() });
        }
        Err(e) => return Err(e),
    };
    let files = sink.into_files();
    let site = &built.shared.site;
    let images = &built.shared.tables.images;
    let mut ds = built.report.warnings;
    let pages = scan_pages(&files);
    // The templates, to point at the one that wrote a URL that no Markdown file has.
    let templates: Vec<TextFile> = crate::theme::Theme::load(&opts.root, &site.config.theme)
        .map(|t| t.templates.into_values().collect())
        .unwrap_or_default();
    let ctx = BuiltSite::new(site, &files, &pages, &templates, images);

    let found = links::links(&ctx, &mut ds);
    pages::alt_text(&ctx, &mut ds);
    ds.extend(crate::images::editor_warnings(site, images, &found.referenced));
    pages::hreflang(&pages, ctx.base, &mut ds);
    content::descriptions(site, &mut ds);
    content::translations(site, &mut ds);

    let mut all = Diagnostics::new();
    all.extend(merge_repeats(ds.into_iter().collect()));
    Ok(CheckReport { diagnostics: all.sorted(), external: found.external, fetched: false })
}

/// Every HTML file of the output, read (in parallel), by output path.
fn scan_pages(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&str, html::Scanned> {
    use rayon::prelude::*;
    let html: Vec<(&String, &Vec<u8>)> =
        files.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    html.par_iter().map(|(p, b)| (p.as_str(), html::scan(&String::from_utf8_lossy(b)))).collect()
}

/// What the checks of the rendered site share.
struct BuiltSite<'a> {
    /// Every output file: output path → bytes.
    files: &'a BTreeMap<String, Vec<u8>>,
    /// Every HTML file, read.
    pages: &'a BTreeMap<&'a str, html::Scanned>,
    /// The Markdown file each page comes from, for locations: output path → source.
    sources: HashMap<String, &'a SourceDoc>,
    /// `base_url`: URLs starting with it are local.
    base: &'a str,
    /// The theme's and the site's templates.
    templates: &'a [TextFile],
    /// Pages left out because they expired: URL path → why.
    expired: HashMap<String, &'a Skipped>,
    /// The photos and their resized copies.
    images: &'a Images,
}

/// A rendered page a check looks at.
struct Page<'a> {
    /// Its output path: `news/a/index.html`.
    path: &'a str,
    /// What it holds.
    scanned: &'a html::Scanned,
    /// Its Markdown file, if it has one.
    src: Option<&'a SourceDoc>,
}

impl<'a> BuiltSite<'a> {
    /// What the checks need of the site and its output.
    fn new(
        site: &'a Site,
        files: &'a BTreeMap<String, Vec<u8>>,
        pages: &'a BTreeMap<&'a str, html::Scanned>,
        templates: &'a [TextFile],
        images: &'a Images,
    ) -> BuiltSite<'a> {
        let mut source_of: HashMap<String, usize> = HashMap::new(); // output path → doc
        for d in site.docs.iter() {
            source_of.insert(format!("{}index.html", d.path.trim_start_matches('/')), d.id);
        }
        let sources = source_of
            .into_iter()
            .filter_map(|(p, i)| Some((p, &*site.sources[site.docs[i].source?])))
            .collect();
        let expired =
            site.skipped.iter().filter(|s| s.expired).map(|s| (s.path.clone(), s)).collect();
        let base = site.config.base_url.as_str();
        BuiltSite { files, pages, sources, base, templates, expired, images }
    }

    /// The pages to check, in order of output path: all but alias redirects, which point
    /// at pages checked on their own.
    fn pages(&self) -> impl Iterator<Item = Page<'_>> {
        self.pages.iter().filter(|(_, s)| !s.redirect).map(|(path, scanned)| Page {
            path,
            scanned,
            src: self.sources.get(*path).copied(),
        })
    }

    /// [`locate`] for a finding on `page`.
    fn locate(&self, page: &Page, needle: &str, d: Diagnostic) -> Diagnostic {
        locate(page.src, self.templates, page.path, needle, d)
    }
}

/// One finding per place: a template line that makes the same problem on many pages is
/// reported once, with the pages in its notes.
fn merge_repeats(ds: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(ds.len());
    // (code, file, line, column, message) → index in `out`.
    type Place = (String, Option<std::path::PathBuf>, Option<usize>, Option<usize>, String);
    let mut seen: HashMap<Place, usize> = HashMap::new();
    for d in ds {
        let key = (d.code.to_owned(), d.file.clone(), d.line, d.column, d.message.clone());
        if d.line.is_none() {
            out.push(d);
            continue;
        }
        match seen.get(&key) {
            Some(&i) => {
                for n in d.notes {
                    if !out[i].notes.contains(&n) {
                        out[i].notes.push(n);
                    }
                }
            }
            None => {
                seen.insert(key, out.len());
                out.push(d);
            }
        }
    }
    out
}

/// Places a finding about a rendered page: at the first line of the page's Markdown
/// source that contains `needle`, else at the first template line that does, else on
/// the page's source file (or the output path) with a note.
fn locate(
    src: Option<&SourceDoc>,
    templates: &[TextFile],
    path: &str,
    needle: &str,
    d: Diagnostic,
) -> Diagnostic {
    let find = |text: &str| {
        text.lines()
            .enumerate()
            .find_map(|(i, l)| l.find(needle).map(|p| (i + 1, l[..p].chars().count() + 1)))
    };
    if !needle.is_empty() {
        if let Some(s) = src
            && let Some((l, c)) = find(&s.text)
        {
            return d.file(&s.file).at(&s.text, l, c);
        }
        for t in templates {
            if let Some((l, c)) = find(&t.text) {
                return d.file(&t.display).at(&t.text, l, c).note(format!("in /{path}"));
            }
        }
    }
    match src {
        Some(s) => d.file(&s.file).note(format!("in the template's output of /{path}")),
        None => d.file(format!("public/{path}")).note("in a page made by the theme"),
    }
}

/// rustc-like text, with a summary and the external links.
pub fn format_human(report: &CheckReport, color: bool) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&d.render(color));
        out.push('\n');
    }
    if !report.external.is_empty() {
        let how = if report.fetched { "fetched" } else { "not fetched; --external fetches them" };
        out.push_str(&format!("{} external links ({how}):\n", report.external.len()));
        for (url, pages) in &report.external {
            let first = pages.iter().next().map(String::as_str).unwrap_or("");
            out.push_str(&format!(
                "  {url}  (on {first}{})\n",
                if pages.len() > 1 {
                    format!(" and {} more", pages.len() - 1)
                } else {
                    String::new()
                }
            ));
        }
    }
    let errors = report.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    out.push_str(&format!(
        "{} error(s), {} warning(s)\n",
        errors,
        report.diagnostics.len() - errors
    ));
    out
}

/// One JSON object per diagnostic, one per line.
pub fn format_json(ds: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in ds {
        let v = serde_json::json!({
            "severity": d.severity.as_str(),
            "code": d.code,
            "file": d.file.as_ref().map(|f| f.display().to_string()),
            "line": d.line,
            "column": d.column,
            "message": d.message,
            "hint": d.hint,
            "notes": d.notes,
        });
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// GitHub Actions workflow commands: one annotation per diagnostic.
pub fn format_github(ds: &[Diagnostic]) -> String {
    fn escape_data(s: &str) -> String {
        s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }
    fn escape_prop(s: &str) -> String {
        escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in ds {
        let level = if d.severity == Severity::Error { "error" } else { "warning" };
        let mut props = Vec::new();
        if let Some(f) = &d.file {
            props.push(format!("file={}", escape_prop(&f.display().to_string())));
        }
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", escape_prop(d.code)));
        let mut msg = d.message.clone();
        if let Some(h) = &d.hint {
            msg.push_str("\nhint: ");
            msg.push_str(h);
        }
        out.push_str(&format!("::{level} {}::{}\n", props.join(","), escape_data(&msg)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::codes;

    /// Runs `check` on an output of `files` (output path → HTML) of the site at
    /// https://example.org, with `expired` pages (URL path, Markdown file) left out: the
    /// diagnostics it pushed and what it returned.
    pub(super) fn on_output<T>(
        files: &[(&str, &str)],
        expired: &[(&str, &str)],
        check: impl FnOnce(&BuiltSite, &mut Diagnostics) -> T,
    ) -> (Vec<Diagnostic>, T) {
        let files: BTreeMap<String, Vec<u8>> =
            files.iter().map(|(p, h)| ((*p).to_owned(), h.as_bytes().to_vec())).collect();
        let pages = scan_pages(&files);
        let skipped: Vec<Skipped> = expired
            .iter()
            .map(|(path, file)| Skipped {
                file: file.into(),
                reason: "expired on 2022-01-01".into(),
                path: (*path).to_owned(),
                expired: true,
                publishes: None,
            })
            .collect();
        let images = Images::default();
        let ctx = BuiltSite {
            files: &files,
            pages: &pages,
            sources: HashMap::new(),
            base: "https://example.org",
            templates: &[],
            expired: skipped.iter().map(|s| (s.path.clone(), s)).collect(),
            images: &images,
        };
        let mut ds = Diagnostics::new();
        let found = check(&ctx, &mut ds);
        (ds.into_iter().collect(), found)
    }

    /// (code, message) of each diagnostic, in order.
    pub(super) fn findings(ds: &[Diagnostic]) -> Vec<(&str, &str)> {
        ds.iter().map(|d| (d.code, d.message.as_str())).collect()
    }

    #[test]
    fn alias_redirects_are_not_checked() {
        let redirect = "<meta http-equiv=refresh content=\"0; url=/b/\"><a href=\"/gone/\">x</a>";
        let listed = |html: &str| {
            on_output(&[("a/index.html", html)], &[], |ctx, _| {
                ctx.pages().map(|p| p.path.to_owned()).collect::<Vec<_>>()
            })
            .1
        };
        assert_eq!(listed("<a href=\"/gone/\">x</a>"), ["a/index.html"]);
        assert!(listed(redirect).is_empty());
    }

    #[test]
    fn github_format_escapes() {
        let d = Diagnostic::error(codes::E0401, "a, b: c\nd").file("content/a,b.md").line(3);
        assert_eq!(
            format_github(&[d]),
            "::error file=content/a%2Cb.md,line=3,title=E0401::a, b: c%0Ad\n"
        );
    }

    #[test]
    fn json_is_one_object_per_line() {
        let d = Diagnostic::warning(codes::W0405, "the page has no description")
            .file("content/a.md")
            .line(1)
            .hint("add it");
        let out = format_json(&[d]);
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["code"], "W0405");
        assert_eq!(v["line"], 1);
        assert_eq!(v["hint"], "add it");
    }
}
