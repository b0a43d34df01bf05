//! Link resolution for one document: `@/cities/harbin.md#anchor` to the target's URL in
//! the document's language, and relative links to files of `content/` to where those
//! files are written.

use std::collections::{HashMap, HashSet};

use super::{Doc, Site};
use crate::content::markdown::{LinkAction, LinkResolver};
use crate::diagnostics::closest;

/// Lookup tables shared by every document's resolver.
#[derive(Debug)]
pub struct LinkTables {
    assets: HashMap<String, String>,
    /// Canonical paths of every source file, published or not.
    all_sources: HashSet<String>,
}

impl LinkTables {
    /// Builds the tables from the site.
    pub fn new(site: &Site) -> Self {
        LinkTables {
            assets: site.assets.iter().map(|a| (a.rel.clone(), a.out.clone())).collect(),
            all_sources: site.sources.iter().map(|s| s.canonical.clone()).collect(),
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
        let (path, rest) = match dest.find(['#', '?']) {
            Some(i) => (&dest[..i], &dest[i..]),
            None => (dest, ""),
        };
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let mut parts: Vec<&str> =
            if self.dir.is_empty() { Vec::new() } else { self.dir.split('/').collect() };
        for seg in decoded.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return LinkAction::Keep;
                    }
                }
                s => parts.push(s),
            }
        }
        let rel = parts.join("/");
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
