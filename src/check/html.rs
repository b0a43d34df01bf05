//! What `fenjin check` reads from a rendered page, with html5gum's WHATWG tokenizer:
//! every URL-bearing attribute, every `id`, the hreflang alternates and the images'
//! text alternatives. Comments are comments, `<script>` and `<style>` hold no tags, and
//! every named and numeric character reference is decoded, as in a browser.
//!
//! html5gum rather than lol_html: check only reads, and a tokenizer that yields tokens
//! with decoded attribute values is all it needs; lol_html is a streaming rewriter (CSS
//! selectors, output buffering) and much larger. html5gum passes html5lib's tokenizer
//! tests and has no dependencies.

use std::collections::BTreeSet;

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// One URL in a page, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlRef {
    /// The element, lower-case (`a`, `img`, `meta`).
    pub tag: String,
    /// What holds the URL: an attribute name, or `og:image`/`og:url` for meta tags.
    pub attr: String,
    /// The URL, decoded (`&#x27;` is `'`), not yet resolved.
    pub url: String,
}

/// An `<img>`, for the text-alternative check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Img {
    /// Its `src`.
    pub src: String,
    /// Its `alt`, if it has one.
    pub alt: Option<String>,
    /// `role="presentation"` or `aria-hidden="true"`: an empty `alt` is right.
    pub decorative: bool,
}

/// What a page holds.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    /// Every `id` (and `<a name>`), the targets of `#fragment` links.
    pub ids: BTreeSet<String>,
    /// Every URL, in document order.
    pub urls: Vec<UrlRef>,
    /// `<link rel="alternate" hreflang>` pairs (hreflang, href), without `x-default`.
    pub alternates: Vec<(String, String)>,
    /// Every `<img>`.
    pub images: Vec<Img>,
    /// A `<meta http-equiv="refresh">` page (an alias redirect).
    pub redirect: bool,
}

/// Attributes that hold one URL, on any element.
const URL_ATTRS: &[&str] = &["href", "src", "poster", "action", "formaction", "data", "cite"];

/// Reads a page.
pub(crate) fn scan(html: &str) -> Scanned {
    let mut emitter = DefaultEmitter::default();
    // Script, style, textarea and title hold text, not tags.
    emitter.naively_switch_states(true);
    let mut out = Scanned::default();
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        let Token::StartTag(tag) = token else { continue };
        let name = String::from_utf8_lossy(&tag.name).into_owned();
        let attr = |key: &str| {
            tag.attributes
                .get(key.as_bytes())
                .map(|v| String::from_utf8_lossy(&v.value).into_owned())
        };
        if let Some(id) = attr("id") {
            out.ids.insert(id);
        }
        if name == "a"
            && let Some(n) = attr("name")
        {
            out.ids.insert(n);
        }
        for key in URL_ATTRS {
            if let Some(url) = attr(key) {
                out.urls.push(UrlRef { tag: name.clone(), attr: (*key).to_owned(), url });
            }
        }
        if let Some(set) = attr("srcset") {
            for url in srcset_urls(&set) {
                out.urls.push(UrlRef { tag: name.clone(), attr: "srcset".into(), url: url.into() });
            }
        }
        match name.as_str() {
            "meta" => {
                let property = attr("property").or_else(|| attr("name")).unwrap_or_default();
                if matches!(
                    property.as_str(),
                    "og:image" | "og:url" | "og:image:url" | "twitter:image"
                ) && let Some(content) = attr("content")
                {
                    out.urls.push(UrlRef { tag: name.clone(), attr: property, url: content });
                }
                if attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh")) {
                    out.redirect = true;
                }
            }
            "link" => {
                let rel = attr("rel").unwrap_or_default();
                if rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("alternate"))
                    && let Some(lang) = attr("hreflang").filter(|h| h != "x-default")
                {
                    out.alternates.push((lang, attr("href").unwrap_or_default()));
                }
            }
            "img" => {
                let decorative = attr("role").as_deref() == Some("presentation")
                    || attr("aria-hidden").as_deref() == Some("true");
                out.images.push(Img {
                    src: attr("src").unwrap_or_default(),
                    alt: attr("alt"),
                    decorative,
                });
            }
            _ => {}
        }
    }
    out
}

/// The URLs of a `srcset` (`a.jpg 320w, b.jpg 640w`), as the HTML standard splits it: a
/// URL runs to the next white space (trailing commas end the candidate), and its
/// descriptors to the next comma outside parentheses.
pub(crate) fn srcset_urls(set: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    let mut rest = set;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest.find(|c: char| c.is_ascii_whitespace()).unwrap_or(rest.len());
        let url = &rest[..end];
        rest = &rest[end..];
        let trimmed = url.trim_end_matches(',');
        if trimmed.len() < url.len() {
            // `a.jpg,b.jpg`: the comma ended this candidate (no descriptors).
            urls.push(trimmed);
            continue;
        }
        urls.push(url);
        // Skip the descriptors up to a comma outside parentheses.
        let mut depth = 0usize;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    cut = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[cut..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_scripts_and_styles_hold_no_tags() {
        let s = scan(
            "<!-- <a href=\"/in-comment/\">x</a> --><script>if (a<b) { x = '<a href=\"/in-script/\">' }</script><style>a[href='/in-style/']{}</style><textarea><a href=/in-textarea/></textarea><a href=\"/real/\">r</a>",
        );
        let urls: Vec<&str> = s.urls.iter().map(|u| u.url.as_str()).collect();
        assert_eq!(urls, ["/real/"]);
    }

    #[test]
    fn every_entity_is_decoded() {
        let s = scan(
            "<a href=\"/it&#x27;s/?a=1&amp;b=2&lt;&eacute;&#233;&#xE9;&nbsp;&hellip;\" id=\"caf&eacute;\">x</a><a href='/q&quot;'>y</a><a href=/bare&amp;>z</a>",
        );
        assert_eq!(s.urls[0].url, "/it's/?a=1&b=2<ééé\u{a0}…");
        assert_eq!(s.urls[1].url, "/q\"");
        assert_eq!(s.urls[2].url, "/bare&");
        assert!(s.ids.contains("café"));
    }

    #[test]
    fn url_attributes_srcset_candidates_and_meta_tags() {
        let s = scan(concat!(
            "<meta property=\"og:image\" content=\"https://a.org/x.jpg\">",
            "<meta property=\"og:url\" content=\"https://a.org/p/\">",
            "<meta name=\"description\" content=\"not a url\">",
            "<link rel=\"alternate\" hreflang=\"en\" href=\"https://a.org/en/\">",
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://a.org/\">",
            "<picture><source type=\"image/webp\" srcset=\"a.320.webp 320w, a.640.webp 640w\">",
            "<img src=\"a.jpg\" srcset=\"a,1.jpg 1x,a.2.jpg 2x\" alt=\"\"></picture>",
            "<video poster=\"p.jpg\" src=\"v.mp4\"></video><form action=\"/search/\"></form>",
            "<img src=\"d.png\" alt=\"\" role=\"presentation\"><IMG SRC=\"e.png\">",
        ));
        let got: Vec<(&str, &str, &str)> =
            s.urls.iter().map(|u| (u.tag.as_str(), u.attr.as_str(), u.url.as_str())).collect();
        assert_eq!(
            got,
            [
                ("meta", "og:image", "https://a.org/x.jpg"),
                ("meta", "og:url", "https://a.org/p/"),
                ("link", "href", "https://a.org/en/"),
                ("link", "href", "https://a.org/"),
                ("source", "srcset", "a.320.webp"),
                ("source", "srcset", "a.640.webp"),
                ("img", "src", "a.jpg"),
                ("img", "srcset", "a,1.jpg"),
                ("img", "srcset", "a.2.jpg"),
                ("video", "src", "v.mp4"),
                ("video", "poster", "p.jpg"),
                ("form", "action", "/search/"),
                ("img", "src", "d.png"),
                ("img", "src", "e.png"),
            ]
        );
        assert_eq!(s.alternates, [("en".to_owned(), "https://a.org/en/".to_owned())]);
        let alts: Vec<(Option<&str>, bool)> =
            s.images.iter().map(|i| (i.alt.as_deref(), i.decorative)).collect();
        assert_eq!(alts, [(Some(""), false), (Some(""), true), (None, false)]);
        assert!(!s.redirect);
    }

    #[test]
    fn srcset_is_split_as_the_standard_says() {
        assert_eq!(srcset_urls("a.jpg 320w, b.jpg 640w"), ["a.jpg", "b.jpg"]);
        assert_eq!(srcset_urls(" a.jpg, b.jpg 2x ,, c.jpg"), ["a.jpg", "b.jpg", "c.jpg"]);
        // A comma inside a URL belongs to it; only trailing commas end a candidate.
        assert_eq!(srcset_urls("a,1.jpg,, b.jpg"), ["a,1.jpg", "b.jpg"]);
        assert_eq!(srcset_urls("x.jpg (a, b) 1x, y.jpg"), ["x.jpg", "y.jpg"]);
        assert_eq!(srcset_urls("data:image/png;base64,AAA 1x"), ["data:image/png;base64,AAA"]);
        assert!(srcset_urls("  ").is_empty());
    }
}
