//! Link resolution for one document: `@/cities/harbin.md#anchor` to the target's URL in
//! the document's language, and relative links to files of `content/` to where those
//! files are written.

use std::collections::{HashMap, HashSet};

use crate::content::markdown::{LinkAction, LinkResolver, PictureAction};
use crate::diagnostics::closest;
use crate::images::Images;
use crate::model::{Doc, Site, content_path, is_relative};

/// What a link in a body can lead to, shared by every document's resolver: the files of
/// `content/`, every source file, and the processed photos (a photo becomes a
/// `<picture>`).
#[derive(Debug)]
pub struct LinkTables {
    assets: HashMap<String, String>,
    /// Canonical paths of every source file, published or not.
    all_sources: HashSet<String>,
    /// The photos of `content/`, processed.
    pub images: Images,
}

impl LinkTables {
    /// Builds the tables from the site and its processed photos.
    pub fn new(site: &Site, images: Images) -> Self {
        LinkTables {
            assets: site.assets.iter().map(|a| (a.rel.clone(), a.out.clone())).collect(),
            all_sources: site.sources.iter().map(|s| s.canonical.clone()).collect(),
            images,
        }
    }
}

/// The resolver of one document.
pub struct DocLinks<'a> {
    site: &'a Site,
    doc: &'a Doc,
    tables: &'a LinkTables,
    /// Folder of the source file relative to `content/` (`cities` for
    /// `cities/harbin.md`), where relative links start.
    dir: String,
}

impl<'a> DocLinks<'a> {
    /// The resolver for `doc`.
    pub fn new(site: &'a Site, doc: &'a Doc, tables: &'a LinkTables) -> Self {
        let rel = doc.source.map(|s| site.sources[s].rel.as_str()).unwrap_or("");
        let dir = rel.rsplit_once('/').map(|(d, _)| d.to_owned()).unwrap_or_default();
        DocLinks { site, doc, tables, dir }
    }

    fn internal(&self, target: &str) -> LinkAction {
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, format!("#{f}")),
            None => (target, String::new()),
        };
        let path = path.trim_start_matches('/');
        let langs: Vec<&str> = self.site.config.languages.iter().map(|l| l.code.as_str()).collect();
        // `@/cities/harbin.en.md` names a language explicitly.
        let (canonical, lang) = match path.strip_suffix(".md").and_then(|s| s.rsplit_once('.')) {
            Some((stem, l)) if langs.contains(&l) => (format!("{stem}.md"), l.to_owned()),
            _ => (path.to_owned(), self.doc.lang.clone()),
        };
        let candidates =
            [canonical.clone(), format!("{}/index.md", canonical.trim_end_matches(".md"))];
        for c in &candidates {
            let found = self
                .site
                .get(c, &lang)
                .or_else(|| self.site.get(c, &self.site.config.default_language));
            if let Some(d) = found {
                return LinkAction::Rewrite(format!("{}{fragment}", self.site.permalink(d)));
            }
        }
        if candidates.iter().any(|c| self.tables.all_sources.contains(c)) {
            return LinkAction::Broken(
                format!(
                    "the link `@/{path}` points to a page that is not published in this build (a draft, future-dated or expired)"
                ),
                "publish the target page, build with --drafts/--future, or remove the link".into(),
            );
        }
        let known = self.tables.all_sources.iter().map(String::as_str);
        let hint = match closest(&canonical, known) {
            Some(best) => format!("did you mean `@/{best}`?"),
            None => "write the path of a Markdown file relative to content/, such as `@/about.md`"
                .into(),
        };
        LinkAction::Broken(format!("the link `@/{path}` does not match any file in content/"), hint)
    }

    fn relative(&self, dest: &str) -> LinkAction {
        let rest = dest.find(['#', '?']).map_or("", |i| &dest[i..]);
        let Some(rel) = content_path(&self.dir, dest) else { return LinkAction::Keep };
        if let Some(out) = self.tables.assets.get(&rel) {
            return LinkAction::Rewrite(format!(
                "{}{rest}",
                self.site.config.permalink(&format!("/{out}"))
            ));
        }
        if rel.ends_with(".md") && self.tables.all_sources.iter().any(|s| *s == rel) {
            return self.internal(&format!("{rel}{rest}"));
        }
        LinkAction::Keep
    }
}

impl LinkResolver for DocLinks<'_> {
    fn picture(&self, dest: &str, alt: &str, title: &str, index: usize) -> PictureAction {
        if !is_relative(dest) {
            return PictureAction::Keep;
        }
        let Some(rel) = content_path(&self.dir, dest) else { return PictureAction::Keep };
        let site = self.site;
        let found = crate::images::lookup(&self.tables.images, &site.assets, &rel);
        if let crate::images::Use::Ready(p) = found {
            // The first image of the body is above the fold unless the page shows a
            // photo in its header.
            let eager = index == 0 && !crate::images::fields::has_header_picture(self.doc);
            let mut v = crate::images::PictureValue::new(p, &site.config, alt);
            v.title = Some(title.to_owned()).filter(|t| !t.is_empty());
            return PictureAction::Html(v.html(&site.config.images.sizes, eager, None));
        }
        match crate::images::problem_diagnostic(&found, &site.assets) {
            Some(d) => PictureAction::Problem(d),
            None => PictureAction::Keep,
        }
    }

    fn resolve(&self, dest: &str) -> LinkAction {
        if let Some(target) = dest.strip_prefix("@/") {
            return self.internal(target);
        }
        let is_relative = !dest.is_empty()
            && !dest.starts_with(['/', '#', '?'])
            && !dest.split(['/', '#', '?']).next().unwrap_or("").contains(':');
        if is_relative { self.relative(dest) } else { LinkAction::Keep }
    }
}
