//! `fenjin check`: everything `build` validates, plus checks of the rendered site, with
//! nothing written. The same pipeline runs into a [`MemorySink`]; then every local
//! `href` and `src` of every page is resolved against the output (with its `#anchor`),
//! images without text alternatives, missing translations, non-reciprocal hreflang
//! pairs, pages without a description and links to expired pages are reported. External
//! links are counted and listed, never fetched (no network is assumed).
//!
//! Diagnostics are printed for people (rustc-like), as JSON (one object per line) or as
//! GitHub Actions annotations.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::build::{BuildError, BuildOptions, run_pipeline};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::output::MemorySink;

/// Output format of `fenjin check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like, coloured on a terminal.
    Human,
    /// One JSON object per diagnostic, per line.
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::…`).
    Github,
}

/// `fenjin check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub site: crate::cli::SiteArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also fetch every external link (needs the network).
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external link.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, requires = "external")]
    pub timeout: u64,
}

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

impl CheckArgs {
    /// Runs the check and prints it. `Err(BuildError::Reported)` when it failed.
    pub fn run(&self) -> Result<(), BuildError> {
        let mut report = check_site(&self.site.options())?;
        if self.external {
            let found = fetch_external(&report, Duration::from_secs(self.timeout));
            let mut all = crate::diagnostics::Diagnostics::new();
            all.extend(std::mem::take(&mut report.diagnostics));
            all.extend(found);
            report.diagnostics = all.sorted();
            report.fetched = true;
        }
        let errors = report.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = report.diagnostics.len() - errors;
        let out = match self.format {
            Format::Human => format_human(&report, crate::diagnostics::stderr_color()),
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

/// Checks the site at `opts.root` without writing anything.
pub fn check_site(opts: &BuildOptions) -> Result<CheckReport, BuildError> {
    let cwd = std::env::current_dir()
        .map_err(|e| BuildError::Usage(format!("cannot read the current folder: {e}")))?;
    let opts = BuildOptions { root: cwd.join(&opts.root), ..opts.clone() };
    if !opts.root.is_dir() {
        return Err(BuildError::Usage(format!(
            "the site folder `{}` does not exist",
            opts.root.display()
        )));
    }
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
    let ids: HashMap<&str, BTreeSet<String>> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p.as_str(), collect_ids(&String::from_utf8_lossy(b))))
        .collect();
    let expired: HashMap<String, &crate::model::Skipped> =
        site.skipped.iter().filter(|s| s.expired).map(|s| (s.path.clone(), s)).collect();

    let mut external: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut referenced: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        if html.contains("http-equiv=\"refresh\"") {
            continue; // alias redirects point at pages checked on their own
        }
        let doc = source_of.get(path).map(|&i| &site.docs[i]);
        let src = doc.and_then(|d| d.source).map(|s| &site.sources[s]);
        let locate =
            |needle: &str, code: &'static str, severity: Severity, msg: String| -> Diagnostic {
                let mut d = Diagnostic::error(code, msg);
                d.severity = severity;
                match src {
                    Some(s) => {
                        let hit = s.text.lines().enumerate().find_map(|(i, l)| {
                            l.find(needle).map(|p| (i + 1, l[..p].chars().count() + 1))
                        });
                        match hit {
                            Some((l, c)) => d.file(&s.file).at(&s.text, l, c),
                            None => {
                                d.file(&s.file).note(format!("in the template's output of /{path}"))
                            }
                        }
                    }
                    None => d.file(format!("public/{path}")).note("in a page made by the theme"),
                }
            };
        for tag in tags(&html) {
            if tag.name == "meta" && tag.attr("property") == Some("og:image") {
                let url = crate::output::unescape(tag.attr("content").unwrap_or(""));
                if let Some(rest) = url.strip_prefix(&base) {
                    referenced.insert(rest.trim_start_matches('/').to_owned());
                }
            }
            for attr in ["href", "src"] {
                let Some(value) = tag.attr(attr) else { continue };
                let value = crate::output::unescape(value);
                if value.starts_with("mailto:")
                    || value.starts_with("tel:")
                    || value.starts_with("data:")
                    || value.starts_with("javascript:")
                {
                    continue;
                }
                let local = if let Some(rest) = value.strip_prefix(&base) {
                    Some(rest.to_owned())
                } else if value.starts_with("http://")
                    || value.starts_with("https://")
                    || value.starts_with("//")
                {
                    let page =
                        src.map_or_else(|| format!("/{path}"), |s| s.file.display().to_string());
                    external.entry(value.clone()).or_default().insert(page);
                    None
                } else if let Some(rest) = value.strip_prefix('/') {
                    Some(format!("/{rest}"))
                } else if value.starts_with('#') {
                    Some(format!("/{}{value}", path.trim_end_matches("index.html")))
                } else {
                    // Relative to the page's folder.
                    let dir = path
                        .rsplit_once('/')
                        .map(|(d, _)| format!("/{d}/"))
                        .unwrap_or_else(|| "/".into());
                    Some(format!("{dir}{value}"))
                };
                let Some(local) = local else { continue };
                let (url_path, fragment) = match local.split_once('#') {
                    Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
                    None => (local.clone(), None),
                };
                let url_path = url_path.split('?').next().unwrap_or("").to_owned();
                let decoded = percent_encoding::percent_decode_str(&url_path)
                    .decode_utf8_lossy()
                    .into_owned();
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
                let exists = files.contains_key(&target)
                    || files.contains_key(&format!("{target}/index.html"));
                if !exists {
                    let page_path = format!("/{}", decoded.trim_start_matches('/'));
                    let d = if let Some(s) = expired.get(&page_path) {
                        locate(&url_path, "E0406", Severity::Error, format!("links to `{page_path}`, a page that expired and is no longer published"))
                            .note(format!("{} {}", s.file.display(), s.reason))
                            .hint("remove the link, or extend the page's `expires:`")
                    } else {
                        locate(&url_path, "E0401", Severity::Error, format!("the link `{value}` leads to no page or file of the site"))
                            .hint("fix the path; for content, prefer `@/path/to/page.md` links, which fenjin resolves and checks")
                    };
                    ds.push(d);
                    continue;
                }
                if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                    let f =
                        percent_encoding::percent_decode_str(&f).decode_utf8_lossy().into_owned();
                    let page = if files.contains_key(&target) {
                        target.clone()
                    } else {
                        format!("{target}/index.html")
                    };
                    if let Some(set) = ids.get(page.as_str())
                        && !set.contains(&f)
                    {
                        let known: Vec<&str> = set.iter().map(String::as_str).collect();
                        let hint = match crate::diagnostics::closest(&f, known) {
                            Some(best) => format!("did you mean `#{best}`?"),
                            None => "link to a heading id of that page (see its table of contents)"
                                .into(),
                        };
                        ds.push(
                            locate(
                                &format!("#{}", f),
                                "E0402",
                                Severity::Error,
                                format!("the anchor `#{f}` does not exist on /{page}"),
                            )
                            .hint(hint),
                        );
                    }
                }
            }
            if tag.name == "img" {
                let alt = tag.attr("alt");
                let decorative = tag.attr("role") == Some("presentation")
                    || tag.attr("aria-hidden") == Some("true");
                if alt.is_none() || (alt == Some("") && !decorative) {
                    let src_attr = tag.attr("src").unwrap_or("");
                    let out =
                        src_attr.strip_prefix(&base).unwrap_or(src_attr).trim_start_matches('/');
                    // A resized copy is found in the source by its original's name.
                    let original = crate::images::source_of(&site.images, out);
                    let shown = original.map_or(src_attr.to_owned(), |o| format!("content/{o}"));
                    let needle =
                        original.unwrap_or(src_attr).rsplit('/').next().unwrap_or(src_attr);
                    ds.push(
                        locate(needle, "W0402", Severity::Warning, format!("the image `{shown}` has no text alternative"))
                            .hint("describe it: `![一句描述](photo.jpg)`; readers with screen readers and slow networks see only this text"),
                    );
                }
            }
        }
    }

    ds.extend(crate::images::editor_warnings(site, &referenced));

    // hreflang pairs must be reciprocal.
    let alternates: HashMap<&str, Vec<(String, String)>> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            let html = String::from_utf8_lossy(b);
            let alts = tags(&html)
                .filter(|t| {
                    t.name == "link"
                        && t.attr("rel") == Some("alternate")
                        && t.attr("hreflang").is_some_and(|h| h != "x-default")
                })
                .map(|t| {
                    (
                        t.attr("hreflang").unwrap_or("").to_owned(),
                        t.attr("href").unwrap_or("").to_owned(),
                    )
                })
                .collect();
            (p.as_str(), alts)
        })
        .collect();
    for (page, alts) in &alternates {
        let me = format!("{base}/{}", page.trim_end_matches("index.html"));
        for (lang, href) in alts {
            let Some(rest) = href.strip_prefix(&base) else { continue };
            let target = format!("{}index.html", rest.trim_start_matches('/'));
            let back =
                alternates.get(target.as_str()).is_some_and(|a| a.iter().any(|(_, h)| *h == me));
            if !back {
                ds.push(
                    Diagnostic::error("E0404", format!("/{page} names {href} as its `{lang}` version, which does not name it back"))
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
                Diagnostic::warning("W0405", "the page has no description")
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
                        Diagnostic::warning("W0403", format!("no `{}` translation", l.code))
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
    all.extend(ds);
    Ok(CheckReport { diagnostics: all.sorted(), external, fetched: false })
}

/// Fetches each external link once, a few at a time: a link that answers 404 or 410 is
/// an error (E0407); one that fails otherwise (a server error, no answer, a bad name or
/// certificate) is a warning (W0408), as it may be passing. Each diagnostic names the
/// sources of the pages with the link.
pub fn fetch_external(report: &CheckReport, timeout: Duration) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        // A fresh connection for every request: each link is asked once or twice, and a
        // server that refused HEAD may have left its connection in any state.
        .max_idle_connections(0)
        .max_idle_connections_per_host(0)
        .user_agent(concat!("fenjin-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(8).build() else {
        return Vec::new();
    };
    let links: Vec<(&String, &BTreeSet<String>)> = report.external.iter().collect();
    let found: Vec<Option<Diagnostic>> = pool.install(|| {
        links
            .par_iter()
            .map(|(url, pages)| {
                let target =
                    if url.starts_with("//") { format!("https:{url}") } else { (*url).clone() };
                let problem = match agent.head(&target).call() {
                    // Some servers refuse HEAD: ask again with GET.
                    Ok(r) if matches!(r.status().as_u16(), 403 | 405 | 501) => {
                        agent.get(&target).call().map(|r| r.status().as_u16())
                    }
                    other => other.map(|r| r.status().as_u16()),
                };
                let d = match problem {
                    Ok(code) if code < 400 => return None,
                    Ok(code @ (404 | 410)) => Diagnostic::error(
                        "E0407",
                        format!("the external link `{url}` leads nowhere (HTTP {code})"),
                    )
                    .hint("update or remove the link; the Internet Archive may have a copy"),
                    Ok(code) => Diagnostic::warning(
                        "W0408",
                        format!("the external link `{url}` answered HTTP {code}"),
                    )
                    .hint("the site may be down for now; check again later or in a browser"),
                    Err(e) => Diagnostic::warning(
                        "W0408",
                        format!("the external link `{url}` could not be fetched: {e}"),
                    )
                    .hint(
                        "check the address in a browser; it may be down, slow or blocked from here",
                    ),
                };
                let mut pages = pages.iter();
                let first = pages.next().cloned().unwrap_or_default();
                let mut d = d.file(first);
                for more in pages {
                    d = d.note(format!("also on {more}"));
                }
                Some(d)
            })
            .collect()
    });
    found.into_iter().flatten().collect()
}

/// A start tag and its attributes.
struct Tag<'a> {
    name: String,
    attrs: Vec<(&'a str, &'a str)>,
}

impl<'a> Tag<'a> {
    fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }
}

/// The start tags of (well-formed, fenjin-made) HTML. Text inside `<script>` and
/// `<style>` is skipped.
fn tags(html: &str) -> impl Iterator<Item = Tag<'_>> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            let start = pos + html[pos..].find('<')?;
            let rest = &html[start + 1..];
            if rest.starts_with('!') || rest.starts_with('/') || rest.starts_with('?') {
                pos = start + 1;
                continue;
            }
            let name_len = rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len());
            let name = rest[..name_len].to_ascii_lowercase();
            let mut i = start + 1 + name_len;
            let mut attrs = Vec::new();
            let bytes = html.as_bytes();
            loop {
                while i < html.len() && (bytes[i] as char).is_whitespace() {
                    i += 1;
                }
                if i >= html.len()
                    || bytes[i] == b'>'
                    || (bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'>'))
                {
                    break;
                }
                let key_start = i;
                while i < html.len()
                    && !matches!(bytes[i], b'=' | b'>' | b' ' | b'\n' | b'\t' | b'/')
                {
                    i += 1;
                }
                let key = &html[key_start..i];
                if i < html.len() && bytes[i] == b'=' {
                    i += 1;
                    let quote = bytes.get(i).copied();
                    if matches!(quote, Some(b'"') | Some(b'\'')) {
                        let q = quote.unwrap_or(b'"') as char;
                        let vstart = i + 1;
                        let vend = html[vstart..].find(q).map_or(html.len(), |e| vstart + e);
                        attrs.push((key, &html[vstart..vend]));
                        i = (vend + 1).min(html.len());
                    } else {
                        let vstart = i;
                        while i < html.len() && !matches!(bytes[i], b'>' | b' ' | b'\n' | b'\t') {
                            i += 1;
                        }
                        attrs.push((key, &html[vstart..i]));
                    }
                } else {
                    if key.is_empty() {
                        i += 1;
                        continue;
                    }
                    attrs.push((key, ""));
                }
            }
            pos = i;
            if (name == "script" || name == "style")
                && let Some(end) = html[pos..].find(&format!("</{name}"))
            {
                pos += end;
            }
            return Some(Tag { name, attrs });
        }
    })
}

fn collect_ids(html: &str) -> BTreeSet<String> {
    tags(html).filter_map(|t| t.attr("id").map(crate::output::unescape)).collect()
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
    fn tags_and_attributes() {
        let html = "<p class=x><a href=\"/a/#b\" id='c'>x</a><img src=a.png alt=\"\"><script>if (a<b) {}</script><br/></p>";
        let t: Vec<Tag<'_>> = tags(html).collect();
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "a", "img", "script", "br"]);
        assert_eq!(t[1].attr("href"), Some("/a/#b"));
        assert_eq!(t[1].attr("id"), Some("c"));
        assert_eq!(t[2].attr("alt"), Some(""));
        assert_eq!(t[0].attr("class"), Some("x"));
    }

    #[test]
    fn github_format_escapes() {
        let d = Diagnostic::error("E0401", "a, b: c\nd").file("content/a,b.md").line(3);
        assert_eq!(
            format_github(&[d]),
            "::error file=content/a%2Cb.md,line=3,title=E0401::a, b: c%0Ad\n"
        );
    }

    #[test]
    fn json_is_one_object_per_line() {
        let d = Diagnostic::warning("W0405", "the page has no description")
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
