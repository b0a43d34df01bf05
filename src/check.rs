//! `fenjin check`: everything `build` validates, plus checks of the rendered site, with
//! no output written (the image cache in `.fenjin-cache/images/` is used and pruned as
//! by `build`). The same pipeline runs into a [`MemorySink`]; then every local
//! `href` and `src` of every page is resolved against the output (with its `#anchor`),
//! images without text alternatives, missing translations, non-reciprocal hreflang
//! pairs, pages without a description and links to expired pages are reported. External
//! links are counted and listed; only `--external` fetches them ([`fetch_external`]).
//!
//! Diagnostics are printed for people (rustc-like), as JSON (one object per line) or as
//! GitHub Actions annotations.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::build::{BuildError, BuildOptions, run_pipeline};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, codes};
use crate::output::MemorySink;

mod external;
mod html;

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

/// Checks the site at `opts.root` without writing anything.
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
    let mut ds = built.report.warnings;
    let base = site.config.base_url.clone();

    // Which source file each page comes from, for locations.
    let mut source_of: HashMap<String, usize> = HashMap::new(); // output path → doc
    for d in &site.docs {
        source_of.insert(format!("{}index.html", d.path.trim_start_matches('/')), d.id);
    }
    let pages: BTreeMap<&str, html::Scanned> = {
        use rayon::prelude::*;
        let html: Vec<(&String, &Vec<u8>)> =
            files.iter().filter(|(p, _)| p.ends_with(".html")).collect();
        html.par_iter()
            .map(|(p, b)| (p.as_str(), html::scan(&String::from_utf8_lossy(b))))
            .collect()
    };
    let expired: HashMap<String, &crate::model::Skipped> =
        site.skipped.iter().filter(|s| s.expired).map(|s| (s.path.clone(), s)).collect();
    // The templates, to point at the one that wrote a URL that no Markdown file has.
    let templates: Vec<crate::theme::TextFile> =
        crate::theme::Theme::load(&opts.root, &site.config.theme)
            .map(|t| t.templates.into_values().collect())
            .unwrap_or_default();

    let mut external: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut referenced: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (path, page) in &pages {
        if page.redirect {
            continue; // alias redirects point at pages checked on their own
        }
        let doc = source_of.get(*path).map(|&i| &site.docs[i]);
        let src = doc.and_then(|d| d.source).map(|s| &*site.sources[s]);
        let locate = |needle: &str, code: codes::Code, severity: Severity, msg: String| {
            let mut d = Diagnostic::error(code, msg);
            d.severity = severity;
            locate(src, &templates, path, needle, d)
        };
        for r in &page.urls {
            let value =
                r.url.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
            // Browsers ignore tabs and newlines inside a URL: `java\tscript:` still runs.
            let scheme: String = value
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .take_while(|&c| c != ':' && c != '/' && c != '?' && c != '#')
                .collect::<String>()
                .to_ascii_lowercase();
            let has_scheme = value.contains(':')
                && value.len() > scheme.len()
                && value
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .nth(scheme.chars().count())
                    == Some(':');
            if has_scheme && matches!(scheme.as_str(), "javascript" | "vbscript") {
                // The value as written, else its scheme as most people write it.
                let written = if src.is_some_and(|s| s.text.contains(value))
                    || templates.iter().any(|t| t.text.contains(value))
                {
                    value.to_owned()
                } else {
                    format!("{scheme}:")
                };
                ds.push(
                    locate(&written, codes::E0409, Severity::Error, format!("`<{} {}>` runs a script: `{}`", r.tag, r.attr, shorten(value)))
                        .hint("link to a page or file instead; scripts in links do nothing on many phones and are a way in for attacks"),
                );
                continue;
            }
            if has_scheme && scheme == "data" {
                if matches!(r.attr.as_str(), "href" | "action" | "formaction") && r.tag != "link" {
                    ds.push(
                        locate("data:", codes::W0409, Severity::Warning, format!("`<{} {}>` is a `data:` URL: `{}`", r.tag, r.attr, shorten(value)))
                            .hint("browsers refuse to open `data:` links; put the content in a file of the site and link to that"),
                    );
                }
                continue;
            }
            let local = if let Some(rest) = value.strip_prefix(base.as_str()) {
                if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
                    None // https://example.org.evil/ is not https://example.org
                } else {
                    Some(format!("/{}", rest.trim_start_matches('/')))
                }
            } else if has_scheme && !matches!(scheme.as_str(), "http" | "https") {
                continue; // mailto:, tel:, sms:, weixin: …
            } else {
                None
            };
            let local = match local {
                Some(l) => l,
                None if has_scheme || value.starts_with("//") => {
                    let page =
                        src.map_or_else(|| format!("/{path}"), |s| s.file.display().to_string());
                    external.entry(value.to_owned()).or_default().insert(page);
                    continue;
                }
                None if value.starts_with('/') => value.to_owned(),
                None if value.is_empty() || value.starts_with(['#', '?']) => {
                    // The page itself.
                    format!("/{}{value}", path.trim_end_matches("index.html"))
                }
                None => {
                    // Relative to the page's folder.
                    let dir = path
                        .rsplit_once('/')
                        .map(|(d, _)| format!("/{d}/"))
                        .unwrap_or_else(|| "/".into());
                    format!("{dir}{value}")
                }
            };
            let (url_path, fragment) = match local.split_once('#') {
                Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
                None => (local.clone(), None),
            };
            let url_path = url_path.split('?').next().unwrap_or("").to_owned();
            let decoded =
                percent_encoding::percent_decode_str(&url_path).decode_utf8_lossy().into_owned();
            let mut target = crate::output::normalize_path(std::path::Path::new(&decoded))
                .to_string_lossy()
                .trim_start_matches('/')
                .to_owned();
            if decoded.ends_with('/') || target.is_empty() {
                target = if target.is_empty() {
                    "index.html".into()
                } else {
                    format!("{target}/index.html")
                };
            }
            referenced.insert(target.clone());
            let exists =
                files.contains_key(&target) || files.contains_key(&format!("{target}/index.html"));
            // A resized copy is found in the source by its original's name.
            let original = crate::images::source_of(&built.shared.tables.images, &target);
            let needle = original
                .map(|o| o.rsplit('/').next().unwrap_or(o).to_owned())
                .unwrap_or_else(|| url_path.clone());
            if !exists {
                let page_path = format!("/{}", decoded.trim_start_matches('/'));
                let d = if let Some(s) = expired.get(&page_path) {
                    locate(
                        &needle,
                        codes::E0406,
                        Severity::Error,
                        format!(
                            "links to `{page_path}`, a page that expired and is no longer published"
                        ),
                    )
                    .note(format!("{} {}", s.file.display(), s.reason))
                    .hint("remove the link, or extend the page's `expires:`")
                } else if r.attr.starts_with("og:") || r.attr.starts_with("twitter:") {
                    locate(&needle, codes::E0408, Severity::Error, format!("the `{}` of the page, `{value}`, is no file of the site", r.attr))
                        .hint("chat apps fetch this address for the preview of a shared link; set `image:` in the front matter to a file beside the page")
                } else if r.attr == "href" && r.tag == "a" {
                    locate(&needle, codes::E0401, Severity::Error, format!("the link `{value}` leads to no page or file of the site"))
                        .hint("fix the path; for content, prefer `@/path/to/page.md` links, which fenjin resolves and checks")
                } else {
                    locate(
                        &needle,
                        codes::E0401,
                        Severity::Error,
                        format!(
                            "`<{} {}>` names `{value}`, which is no page or file of the site",
                            r.tag, r.attr
                        ),
                    )
                    .hint("fix the path, or add the file (beside the page, or under `static/`)")
                };
                ds.push(d);
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty() && f != "top") {
                let f = percent_encoding::percent_decode_str(&f).decode_utf8_lossy().into_owned();
                let target_page = if files.contains_key(&target) {
                    target.clone()
                } else {
                    format!("{target}/index.html")
                };
                if let Some(p) = pages.get(target_page.as_str())
                    && !p.ids.contains(&f)
                {
                    let known: Vec<&str> = p.ids.iter().map(String::as_str).collect();
                    let hint = match crate::diagnostics::closest(&f, known) {
                        Some(best) => format!("did you mean `#{best}`?"),
                        None => {
                            "link to a heading id of that page (see its table of contents)".into()
                        }
                    };
                    ds.push(
                        locate(
                            &format!("#{f}"),
                            codes::E0402,
                            Severity::Error,
                            format!("the anchor `#{f}` does not exist on /{target_page}"),
                        )
                        .hint(hint),
                    );
                }
            }
        }
        for img in &page.images {
            if img.alt.is_none() || (img.alt.as_deref() == Some("") && !img.decorative) {
                let src_attr = img.src.as_str();
                let out = src_attr.strip_prefix(&base).unwrap_or(src_attr).trim_start_matches('/');
                let original = crate::images::source_of(&built.shared.tables.images, out);
                let shown = original.map_or(src_attr.to_owned(), |o| format!("content/{o}"));
                let needle = original.unwrap_or(src_attr).rsplit('/').next().unwrap_or(src_attr);
                ds.push(
                    locate(needle, codes::W0402, Severity::Warning, format!("the image `{shown}` has no text alternative"))
                        .hint("describe it: `![一句描述](photo.jpg)`; readers with screen readers and slow networks see only this text"),
                );
            }
        }
    }

    ds.extend(crate::images::editor_warnings(site, &built.shared.tables.images, &referenced));

    // hreflang pairs must be reciprocal.
    for (page, scanned) in &pages {
        let me = format!("{base}/{}", page.trim_end_matches("index.html"));
        for (lang, href) in &scanned.alternates {
            let Some(rest) = href.strip_prefix(&base) else { continue };
            let target = format!("{}index.html", rest.trim_start_matches('/'));
            let back = pages
                .get(target.as_str())
                .is_some_and(|p| p.alternates.iter().any(|(_, h)| *h == me));
            if !back {
                ds.push(
                    Diagnostic::error(codes::E0404, format!("/{page} names {href} as its `{lang}` version, which does not name it back"))
                        .file(format!("public/{page}"))
                        .hint("hreflang pairs must be reciprocal; check the translations' file names and `slug:`/`path:`"),
                );
            }
        }
    }

    // Content-level warnings.
    for d in site.docs.iter().filter(|d| !d.fallback && d.source.is_some()) {
        let src = &site.sources[d.source.unwrap_or_default()];
        if d.description.is_none() && !d.is_section {
            ds.push(
                Diagnostic::warning(codes::W0405, "the page has no description")
                    .file(&src.file)
                    .at(&src.text, src.front_matter_line.max(1), 1)
                    .hint("add `description: …`: chat apps show it under the link when the page is shared"),
            );
        }
        if d.lang == site.config.default_language {
            for l in site.config.languages.iter().filter(|l| l.code != d.lang) {
                let translated = site.get(&d.canonical, &l.code).is_some_and(|t| !t.fallback);
                if !translated {
                    let expected = src.file.with_extension(format!("{}.md", l.code));
                    ds.push(
                        Diagnostic::warning(codes::W0403, format!("no `{}` translation", l.code))
                            .file(&src.file)
                            .note(format!("expected {}", expected.display()))
                            .hint(match site.config.translations {
                                crate::config::TranslationPolicy::Omit => "the page is left out of that language (`translations: omit`)",
                                crate::config::TranslationPolicy::Fallback => "the Chinese text is shown there with a notice (`translations: fallback`)",
                            }),
                    );
                }
            }
        }
    }

    let mut all = Diagnostics::new();
    all.extend(merge_repeats(ds.into_iter().collect()));
    Ok(CheckReport { diagnostics: all.sorted(), external, fetched: false })
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

/// A URL cut to a readable length for a message.
fn shorten(url: &str) -> String {
    if url.chars().count() <= 60 {
        url.to_owned()
    } else {
        format!("{}…", url.chars().take(59).collect::<String>())
    }
}

/// Places a finding about a rendered page: at the first line of the page's Markdown
/// source that contains `needle`, else at the first template line that does, else on
/// the page's source file (or the output path) with a note.
fn locate(
    src: Option<&crate::content::SourceDoc>,
    templates: &[crate::theme::TextFile],
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
