//! Checks of the content rather than the rendered pages: pages without a description
//! (W0405) and pages of the default language without a translation (W0403). Fallback
//! copies and pages that no Markdown file wrote are left out.

use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use crate::model::{Doc, Site};

/// The documents written in a Markdown file, with their source.
fn written(site: &Site) -> impl Iterator<Item = (&Doc, &crate::content::SourceDoc)> {
    site.docs
        .iter()
        .filter(|d| !d.fallback && d.source.is_some())
        .map(|d| (d, &*site.sources[d.source.unwrap_or_default()]))
}

/// W0405: a page (not a section) without `description:`.
pub(super) fn descriptions(site: &Site, ds: &mut Diagnostics) {
    for (_, src) in written(site).filter(|(d, _)| d.description.is_none() && !d.is_section) {
        ds.push(
            Diagnostic::warning(codes::W0405, "the page has no description")
                .file(&src.file)
                .at(&src.text, src.front_matter_line.max(1), 1)
                .hint("add `description: …`: chat apps show it under the link when the page is shared"),
        );
    }
}

/// W0403: a page of the default language that another language of the site has no
/// translation of (a fallback copy is none).
pub(super) fn translations(site: &Site, ds: &mut Diagnostics) {
    let hint = match site.config.translations {
        crate::config::TranslationPolicy::Omit => {
            "the page is left out of that language (`translations: omit`)"
        }
        crate::config::TranslationPolicy::Fallback => {
            "the Chinese text is shown there with a notice (`translations: fallback`)"
        }
    };
    for (d, src) in written(site).filter(|(d, _)| d.lang == site.config.default_language) {
        for l in site.config.languages.iter().filter(|l| l.code != d.lang) {
            if site.get(&d.canonical, &l.code).is_some_and(|t| !t.fallback) {
                continue;
            }
            let expected = src.file.with_extension(format!("{}.md", l.code));
            ds.push(
                Diagnostic::warning(codes::W0403, format!("no `{}` translation", l.code))
                    .file(&src.file)
                    .note(format!("expected {}", expected.display()))
                    .hint(hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;
    use super::*;

    /// The model of a site in Chinese and English with these Markdown files.
    fn site(content: &[(&str, &str)]) -> std::sync::Arc<crate::render::Shared> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "base_url: https://example.org\nlanguages:\n  zh: {hreflang: zh-Hans, title: 站}\n  en: {hreflang: en, title: Site}\n",
        )
        .unwrap();
        for (rel, text) in content {
            let p = dir.path().join("content").join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let opts = crate::build::BuildOptions {
            root: crate::build::site_root(dir.path()).unwrap(),
            now: Some("2026-11-24".into()),
            ..Default::default()
        };
        let prepared = crate::build::prepare(&opts, None).unwrap_or_else(|e| panic!("{e:?}"));
        prepared.shared
    }

    const SECTIONS: [(&str, &str); 2] =
        [("_index.md", "---\ntitle: 首页\n---\n"), ("_index.en.md", "---\ntitle: Home\n---\n")];

    fn run(content: &[(&str, &str)], check: fn(&Site, &mut Diagnostics)) -> Vec<Diagnostic> {
        let mut files = SECTIONS.to_vec();
        files.extend_from_slice(content);
        let shared = site(&files);
        let mut ds = Diagnostics::new();
        check(&shared.site, &mut ds);
        ds.sorted()
    }

    #[test]
    fn descriptions_are_wanted_on_pages_not_sections() {
        let ds = run(
            &[
                ("a.md", "---\ntitle: 甲\n---\n正文\n"),
                ("b.md", "---\ntitle: 乙\ndescription: 有\n---\n正文\n"),
                ("c.en.md", "---\ntitle: C\n---\nText\n"),
            ],
            descriptions,
        );
        assert_eq!(
            findings(&ds),
            [("W0405", "the page has no description"), ("W0405", "the page has no description")]
        );
        let files: Vec<_> = ds.iter().map(|d| (d.file.clone().unwrap(), d.line)).collect();
        assert_eq!(files, [("content/a.md".into(), Some(1)), ("content/c.en.md".into(), Some(1))]);
    }

    #[test]
    fn translations_are_wanted_for_pages_of_the_default_language() {
        let ds = run(
            &[
                ("a.md", "---\ntitle: 甲\n---\n正文\n"),
                ("b.md", "---\ntitle: 乙\n---\n正文\n"),
                ("b.en.md", "---\ntitle: B\n---\nText\n"),
                ("c.en.md", "---\ntitle: C\n---\nText\n"),
            ],
            translations,
        );
        assert_eq!(findings(&ds), [("W0403", "no `en` translation")]);
        assert_eq!(ds[0].file.as_deref(), Some(std::path::Path::new("content/a.md")));
        assert_eq!(ds[0].notes, ["expected content/a.en.md"]);
        assert_eq!(
            ds[0].hint.as_deref(),
            Some("the page is left out of that language (`translations: omit`)")
        );
    }
}
