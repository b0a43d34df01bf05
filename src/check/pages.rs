//! Checks of the rendered pages other than their links: images without a text
//! alternative (W0402) and hreflang pairs that are not reciprocal (E0404).

use std::collections::BTreeMap;

use super::{BuiltSite, html::Scanned};
use crate::diagnostics::{Diagnostic, Diagnostics, codes};

/// W0402: an `<img>` without `alt`, or with an empty one on an image that is not marked
/// decorative. A resized copy is named, and found in the source, by its original.
pub(super) fn alt_text(ctx: &BuiltSite, ds: &mut Diagnostics) {
    for page in ctx.pages() {
        for img in &page.scanned.images {
            let missing = img.alt.is_none() || (img.alt.as_deref() == Some("") && !img.decorative);
            if !missing {
                continue;
            }
            let src_attr = img.src.as_str();
            let out = src_attr.strip_prefix(ctx.base).unwrap_or(src_attr).trim_start_matches('/');
            let original = crate::images::source_of(ctx.images, out);
            let shown = original.map_or(src_attr.to_owned(), |o| format!("content/{o}"));
            let needle = original.unwrap_or(src_attr).rsplit('/').next().unwrap_or(src_attr);
            let msg = format!("the image `{shown}` has no text alternative");
            ds.push(
                ctx.locate(&page, needle, Diagnostic::warning(codes::W0402, msg))
                    .hint("describe it: `![一句描述](photo.jpg)`; readers with screen readers and slow networks see only this text"),
            );
        }
    }
}

/// E0404: a page names another as its version in a language (`<link rel="alternate"
/// hreflang>`), and that page does not name it back. Only alternates on the site at
/// `base` are followed.
pub(super) fn hreflang(pages: &BTreeMap<&str, Scanned>, base: &str, ds: &mut Diagnostics) {
    for (page, scanned) in pages {
        let me = format!("{base}/{}", page.trim_end_matches("index.html"));
        for (lang, href) in &scanned.alternates {
            let Some(rest) = href.strip_prefix(base) else { continue };
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, on_output};
    use super::*;

    #[test]
    fn alt_text_is_wanted_unless_the_image_is_decorative() {
        let html = concat!(
            "<img src=\"https://example.org/a.png\">",
            "<img src=\"b.png\" alt=\"\">",
            "<img src=\"c.png\" alt=\"\" role=\"presentation\">",
            "<img src=\"d.png\" alt=\"\" aria-hidden=\"true\">",
            "<img src=\"e.png\" alt=\"一张照片\">",
        );
        let redirect = "<meta http-equiv=refresh content=\"0; url=/\"><img src=\"r.png\">";
        let files = [("p/index.html", html), ("old/index.html", redirect)];
        let (ds, ()) = on_output(&files, &[], alt_text);
        assert_eq!(
            findings(&ds),
            [
                ("W0402", "the image `https://example.org/a.png` has no text alternative"),
                ("W0402", "the image `b.png` has no text alternative"),
            ]
        );
        let (ds, ()) =
            on_output(&[("p/index.html", "<img src=\"e.png\" alt=\"x\">")], &[], alt_text);
        assert!(ds.is_empty(), "{ds:?}");
    }

    #[test]
    fn hreflang_pairs_must_name_each_other_back() {
        let alt = |lang: &str, href: &str| {
            format!(
                "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"https://example.org{href}\">"
            )
        };
        let files = [
            ("a/index.html", alt("en", "/en/a/")),
            ("en/a/index.html", alt("zh-Hans", "/a/")),
            ("b/index.html", alt("en", "/en/b/")),
            ("en/b/index.html", alt("zh-Hans", "/a/")),
            (
                "c/index.html",
                "<link rel=\"alternate\" hreflang=\"en\" href=\"https://other.org/c/\">".into(),
            ),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, h)| (*p, h.as_str())).collect();
        let (ds, ()) = on_output(&files, &[], |ctx, ds| hreflang(ctx.pages, ctx.base, ds));
        assert_eq!(
            findings(&ds),
            [
                (
                    "E0404",
                    "/b/index.html names https://example.org/en/b/ as its `en` version, which does not name it back"
                ),
                (
                    "E0404",
                    "/en/b/index.html names https://example.org/a/ as its `zh-Hans` version, which does not name it back"
                ),
            ]
        );
        assert_eq!(ds[0].file.as_deref(), Some(std::path::Path::new("public/b/index.html")));
    }
}
