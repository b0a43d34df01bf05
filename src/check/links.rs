//! The links check of `fenjin check`: every URL of every rendered page. Scripts in links
//! (E0409) and `data:` links (W0409) are reported; other sites' pages are collected for
//! the list of external links; every local `href`, `src`, `srcset` candidate and
//! `og:image` is resolved against the rendered files and reported when it leads nowhere
//! (E0406 for an expired page, E0408 for a preview image, else E0401), or when its
//! `#anchor` is no `id` of the page it leads to (E0402).
//!
//! [`classify`] and [`target`] are pure: a URL as written becomes a script, a `data:`
//! URL, another scheme, an external link or a local path, and a local path becomes the
//! output file it names.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{BuiltSite, Page, html::UrlRef};
use crate::diagnostics::{Diagnostic, Diagnostics, codes};

/// What a URL of a page is, before anything is looked up.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Url {
    /// `javascript:` or `vbscript:` (the scheme, lower-case): it runs a script.
    Script(String),
    /// A `data:` URL.
    Data,
    /// Another scheme that is not followed: `mailto:`, `tel:`, `sms:`, `weixin:` …
    Other,
    /// Another site's page (`https://…`, `//host/…`).
    External,
    /// A path of this site, from its root, with its query and fragment: `/news/a/?q#b`.
    Local(String),
}

/// What a page's URL `value` (already trimmed) is, on the page at output path `page`
/// (`news/a/index.html`) of the site at `base` (`https://example.org`). Browsers ignore
/// tabs and newlines inside a URL and the case of its scheme: `Java\tScript:` still runs.
pub(super) fn classify(value: &str, base: &str, page: &str) -> Url {
    let scheme: String = value
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take_while(|&c| c != ':' && c != '/' && c != '?' && c != '#')
        .collect::<String>()
        .to_ascii_lowercase();
    let has_scheme = value.contains(':')
        && value.len() > scheme.len()
        && value.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).nth(scheme.chars().count())
            == Some(':');
    if has_scheme && matches!(scheme.as_str(), "javascript" | "vbscript") {
        return Url::Script(scheme);
    }
    if has_scheme && scheme == "data" {
        return Url::Data;
    }
    if let Some(rest) = value.strip_prefix(base) {
        // https://example.org.evil/ is not https://example.org
        if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
            return Url::Local(format!("/{}", rest.trim_start_matches('/')));
        }
    } else if has_scheme && !matches!(scheme.as_str(), "http" | "https") {
        return Url::Other;
    }
    if has_scheme || value.starts_with("//") {
        Url::External
    } else if value.starts_with('/') {
        Url::Local(value.to_owned())
    } else if value.is_empty() || value.starts_with(['#', '?']) {
        // The page itself.
        Url::Local(format!("/{}{value}", page.trim_end_matches("index.html")))
    } else {
        // Relative to the page's folder.
        let dir =
            page.rsplit_once('/').map(|(d, _)| format!("/{d}/")).unwrap_or_else(|| "/".into());
        Url::Local(format!("{dir}{value}"))
    }
}

/// The output file a local URL names.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Target {
    /// The output path it names: `news/a/index.html` for `/news/a/`.
    pub file: String,
    /// The URL's path as written, without query and fragment: `/news/a/`.
    pub url_path: String,
    /// `url_path` percent-decoded.
    pub decoded: String,
    /// The fragment, still percent-encoded, if there is a `#`.
    pub fragment: Option<String>,
}

/// Resolves a [`Url::Local`] path (`/news/%E5%9B%BE/../a/?q#b`) to the output file it names.
pub(super) fn target(local: &str) -> Target {
    let (url_path, fragment) = match local.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (local, None),
    };
    let url_path = url_path.split('?').next().unwrap_or("").to_owned();
    let decoded = percent_encoding::percent_decode_str(&url_path).decode_utf8_lossy().into_owned();
    let mut file = crate::output::normalize_path(std::path::Path::new(&decoded))
        .to_string_lossy()
        .trim_start_matches('/')
        .to_owned();
    if decoded.ends_with('/') || file.is_empty() {
        file = if file.is_empty() { "index.html".into() } else { format!("{file}/index.html") };
    }
    Target { file, url_path, decoded, fragment }
}

/// What the links check finds besides problems.
#[derive(Debug, Default)]
pub(super) struct LinkReport {
    /// External links: URL → the pages that have it (their source file, else `/path`).
    pub external: BTreeMap<String, BTreeSet<String>>,
    /// Every output file a page links to or shows, for the unused-image warning.
    pub referenced: HashSet<String>,
}

/// Checks every URL of every page (alias redirects point at pages checked on their own).
pub(super) fn links(ctx: &BuiltSite, ds: &mut Diagnostics) -> LinkReport {
    let mut report = LinkReport::default();
    for page in ctx.pages() {
        for r in &page.scanned.urls {
            url(ctx, &page, r, &mut report, ds);
        }
    }
    report
}

/// Checks one URL of a page.
fn url(ctx: &BuiltSite, page: &Page, r: &UrlRef, report: &mut LinkReport, ds: &mut Diagnostics) {
    let value = r.url.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    let local = match classify(value, ctx.base, page.path) {
        Url::Script(scheme) => {
            ds.push(script_link(ctx, page, r, value, &scheme));
            return;
        }
        Url::Data => {
            ds.extend(data_link(ctx, page, r, value));
            return;
        }
        Url::Other => return,
        Url::External => {
            let on = page
                .src
                .map_or_else(|| format!("/{}", page.path), |s| s.file.display().to_string());
            report.external.entry(value.to_owned()).or_default().insert(on);
            return;
        }
        Url::Local(l) => l,
    };
    let t = target(&local);
    report.referenced.insert(t.file.clone());
    let exists = ctx.files.contains_key(&t.file)
        || ctx.files.contains_key(&format!("{}/index.html", t.file));
    if !exists {
        ds.push(missing_target(ctx, page, r, value, &t));
    } else if let Some(d) = missing_anchor(ctx, page, &t) {
        ds.push(d);
    }
}

/// E0409: a link that runs a script, at the value as written, else at its scheme as most
/// people write it.
fn script_link(ctx: &BuiltSite, page: &Page, r: &UrlRef, value: &str, scheme: &str) -> Diagnostic {
    let written = if page.src.is_some_and(|s| s.text.contains(value))
        || ctx.templates.iter().any(|t| t.text.contains(value))
    {
        value.to_owned()
    } else {
        format!("{scheme}:")
    };
    let d = Diagnostic::error(
        codes::E0409,
        format!("`<{} {}>` runs a script: `{}`", r.tag, r.attr, shorten(value)),
    );
    ctx.locate(page, &written, d).hint(
        "link to a page or file instead; scripts in links do nothing on many phones and are a way in for attacks",
    )
}

/// W0409: a `data:` URL where a browser would open it (not an `<img src>` or `<link>`).
fn data_link(ctx: &BuiltSite, page: &Page, r: &UrlRef, value: &str) -> Option<Diagnostic> {
    if !matches!(r.attr.as_str(), "href" | "action" | "formaction") || r.tag == "link" {
        return None;
    }
    let d = Diagnostic::warning(
        codes::W0409,
        format!("`<{} {}>` is a `data:` URL: `{}`", r.tag, r.attr, shorten(value)),
    );
    Some(ctx.locate(page, "data:", d).hint(
        "browsers refuse to open `data:` links; put the content in a file of the site and link to that",
    ))
}

/// The error for a local URL `value` whose target `t` is no output file: E0406 when it
/// is a page that expired, E0408 for a preview image (`og:image`), else E0401. It is
/// placed at the URL's path in the source, or at a resized image's original name.
pub(super) fn missing_target(
    ctx: &BuiltSite,
    page: &Page,
    r: &UrlRef,
    value: &str,
    t: &Target,
) -> Diagnostic {
    // A resized copy is found in the source by its original's name.
    let needle = crate::images::source_of(ctx.images, &t.file)
        .map(|o| o.rsplit('/').next().unwrap_or(o).to_owned())
        .unwrap_or_else(|| t.url_path.clone());
    let page_path = format!("/{}", t.decoded.trim_start_matches('/'));
    if let Some(s) = ctx.expired.get(&page_path) {
        let msg = format!("links to `{page_path}`, a page that expired and is no longer published");
        ctx.locate(page, &needle, Diagnostic::error(codes::E0406, msg))
            .note(format!("{} {}", s.file.display(), s.reason))
            .hint("remove the link, or extend the page's `expires:`")
    } else if r.attr.starts_with("og:") || r.attr.starts_with("twitter:") {
        let msg = format!("the `{}` of the page, `{value}`, is no file of the site", r.attr);
        ctx.locate(page, &needle, Diagnostic::error(codes::E0408, msg)).hint(
            "chat apps fetch this address for the preview of a shared link; set `image:` in the front matter to a file beside the page",
        )
    } else if r.attr == "href" && r.tag == "a" {
        let msg = format!("the link `{value}` leads to no page or file of the site");
        ctx.locate(page, &needle, Diagnostic::error(codes::E0401, msg)).hint(
            "fix the path; for content, prefer `@/path/to/page.md` links, which fenjin resolves and checks",
        )
    } else {
        let msg = format!(
            "`<{} {}>` names `{value}`, which is no page or file of the site",
            r.tag, r.attr
        );
        ctx.locate(page, &needle, Diagnostic::error(codes::E0401, msg))
            .hint("fix the path, or add the file (beside the page, or under `static/`)")
    }
}

/// E0402: the fragment of `t` (an existing file) is no `id` of the page it names. An
/// empty fragment and `#top` always exist; files that are not pages have no ids to check.
pub(super) fn missing_anchor(ctx: &BuiltSite, page: &Page, t: &Target) -> Option<Diagnostic> {
    let f = t.fragment.as_deref().filter(|f| !f.is_empty() && *f != "top")?;
    let f = percent_encoding::percent_decode_str(f).decode_utf8_lossy().into_owned();
    let target_page = if ctx.files.contains_key(&t.file) {
        t.file.clone()
    } else {
        format!("{}/index.html", t.file)
    };
    let p = ctx.pages.get(target_page.as_str())?;
    if p.ids.contains(&f) {
        return None;
    }
    let hint = match crate::diagnostics::closest(&f, p.ids.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `#{best}`?"),
        None => "link to a heading id of that page (see its table of contents)".into(),
    };
    let msg = format!("the anchor `#{f}` does not exist on /{target_page}");
    Some(ctx.locate(page, &format!("#{f}"), Diagnostic::error(codes::E0402, msg)).hint(hint))
}

/// A URL cut to a readable length for a message.
fn shorten(url: &str) -> String {
    if url.chars().count() <= 60 {
        url.to_owned()
    } else {
        format!("{}…", url.chars().take(59).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, on_output};
    use super::*;

    const PAGE: &str = "news/a/index.html";

    #[test]
    fn classify_tells_scripts_data_other_schemes_external_and_local_apart() {
        let c = |v: &str| classify(v, "https://example.org", PAGE);
        assert_eq!(c("javascript:go()"), Url::Script("javascript".into()));
        assert_eq!(c("Java\tScript:go()"), Url::Script("javascript".into()));
        assert_eq!(c("VBScript:x"), Url::Script("vbscript".into()));
        assert_eq!(c("data:text/plain,x"), Url::Data);
        assert_eq!(c("mailto:a@example.org"), Url::Other);
        assert_eq!(c("weixin://dl/chat"), Url::Other);
        assert_eq!(c("https://other.org/x"), Url::External);
        assert_eq!(c("//cdn.example.net/x.js"), Url::External);
        assert_eq!(c("https://example.org.evil/x"), Url::External);
        assert_eq!(c("https://example.org"), Url::Local("/".into()));
        assert_eq!(c("https://example.org/news/?q=1#b"), Url::Local("/news/?q=1#b".into()));
        assert_eq!(c("/about/"), Url::Local("/about/".into()));
        assert_eq!(c("#top"), Url::Local("/news/a/#top".into()));
        assert_eq!(c(""), Url::Local("/news/a/".into()));
        assert_eq!(c("photo.jpg"), Url::Local("/news/a/photo.jpg".into()));
        // No colon: a folder called `javascript`, not a script.
        assert_eq!(c("javascript/x.html"), Url::Local("/news/a/javascript/x.html".into()));
        assert_eq!(
            classify("x.png", "https://example.org", "404.html"),
            Url::Local("/x.png".into())
        );
    }

    #[test]
    fn target_is_the_output_file_a_local_url_names() {
        let t = target("/news/%E5%9B%BE/../a/?q=1#b%20c");
        assert_eq!(t.file, "news/a/index.html");
        assert_eq!(t.url_path, "/news/%E5%9B%BE/../a/");
        assert_eq!(t.decoded, "/news/图/../a/");
        assert_eq!(t.fragment.as_deref(), Some("b%20c"));
        assert_eq!(target("/").file, "index.html");
        assert_eq!(target("/?q").file, "index.html");
        assert_eq!(target("/news/a/photo.jpg").file, "news/a/photo.jpg");
        assert_eq!(target("/news").fragment, None);
    }

    #[test]
    fn links_reports_scripts_and_data_links_and_lists_external_ones() {
        let html = concat!(
            "<a href=\"javascript:go()\">a</a>",
            "<a href=\"data:text/plain,x\">b</a>",
            "<img src=\"data:image/png;base64,AAAA\" alt=\"点\">",
            "<a href=\"mailto:a@example.org\">c</a>",
            "<a href=\"https://other.org/x\">d</a>",
            "<a href=\"https://example.org/b/\">e</a>",
        );
        let files = [(PAGE, html), ("b/index.html", "<p>b</p>")];
        let (ds, found) = on_output(&files, &[], links);
        assert_eq!(
            findings(&ds),
            [
                ("E0409", "`<a href>` runs a script: `javascript:go()`"),
                ("W0409", "`<a href>` is a `data:` URL: `data:text/plain,x`"),
            ]
        );
        assert_eq!(ds[0].file.as_deref(), Some(std::path::Path::new("public/news/a/index.html")));
        let external: Vec<(&str, Vec<&str>)> = found
            .external
            .iter()
            .map(|(u, on)| (u.as_str(), on.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(external, [("https://other.org/x", vec!["/news/a/index.html"])]);
        assert!(found.referenced.contains("b/index.html"), "{:?}", found.referenced);
        // A page with none of these has no findings and no external links.
        let (ds, found) = on_output(&[(PAGE, "<a href=\"/b/\">b</a>"), files[1]], &[], links);
        assert!(ds.is_empty() && found.external.is_empty(), "{ds:?}");
    }

    #[test]
    fn links_to_no_file_are_errors_by_what_they_are() {
        let html = concat!(
            "<a href=\"/nope/\">a</a>",
            "<img src=\"/no.png\" alt=\"x\">",
            "<meta property=\"og:image\" content=\"https://example.org/og.jpg\">",
            "<a href=\"/old/\">old</a>",
            "<a href=\"/b/\">b</a><a href=\"/b\">b</a><img src=\"/b/p.png\" alt=\"p\">",
        );
        let files = [(PAGE, html), ("b/index.html", ""), ("b/p.png", "")];
        let (ds, _) = on_output(&files, &[("/old/", "content/old.md")], links);
        assert_eq!(
            findings(&ds),
            [
                ("E0401", "the link `/nope/` leads to no page or file of the site"),
                ("E0401", "`<img src>` names `/no.png`, which is no page or file of the site"),
                (
                    "E0408",
                    "the `og:image` of the page, `https://example.org/og.jpg`, is no file of the site"
                ),
                ("E0406", "links to `/old/`, a page that expired and is no longer published"),
            ]
        );
        assert_eq!(
            ds[3].notes,
            ["in a page made by the theme", "content/old.md expired on 2022-01-01"]
        );
    }

    #[test]
    fn missing_anchors_are_errors_with_the_closest_id() {
        let html = concat!(
            "<a href=\"/b/#intro\">ok</a><a href=\"/b/#top\">top</a><a href=\"/b/#\">empty</a>",
            "<a href=\"/b/#%E8%83%8C%E6%99%AF\">encoded</a><a href=\"/f.txt#x\">not a page</a>",
            "<a href=\"/b/#intr\">typo</a><a href=\"/b#zzzzzz\">far</a>",
        );
        let b = "<h2 id=\"intro\">i</h2><h2 id=\"背景\">b</h2>";
        let files = [(PAGE, html), ("b/index.html", b), ("f.txt", "")];
        let (ds, _) = on_output(&files, &[], links);
        assert_eq!(
            findings(&ds),
            [
                ("E0402", "the anchor `#intr` does not exist on /b/index.html"),
                ("E0402", "the anchor `#zzzzzz` does not exist on /b/index.html"),
            ]
        );
        assert_eq!(ds[0].hint.as_deref(), Some("did you mean `#intro`?"));
        assert_eq!(
            ds[1].hint.as_deref(),
            Some("link to a heading id of that page (see its table of contents)")
        );
    }
}
