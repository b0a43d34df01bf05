//! `sitemap.xml` with `xhtml:link` hreflang alternates (and `x-default`) for every URL
//! that has versions in several languages. Untranslated fallback pages are left out:
//! their canonical URL is the original's.

use std::fmt::Write as _;

use crate::dates::rfc3339;
use crate::model::Site;
use crate::output::{ascii_url, escape_attr};

/// The sitemap as XML.
pub fn sitemap(site: &Site) -> String {
    let c = &site.config;
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let loc = |path: &str| escape_attr(&ascii_url(&c.permalink(path)));
    for d in site.docs.iter().filter(|d| !d.fallback) {
        let _ = write!(x, "<url><loc>{}</loc>", loc(&d.path));
        if let Some(z) = d.updated.as_ref().or(d.date.as_ref()) {
            let _ = write!(x, "<lastmod>{}</lastmod>", rfc3339(z));
        }
        let versions: Vec<_> = c
            .languages
            .iter()
            .filter_map(|l| site.get(&d.canonical, &l.code).filter(|v| !v.fallback).map(|v| (l, v)))
            .collect();
        if versions.len() > 1 {
            for (l, v) in &versions {
                let _ = write!(
                    x,
                    "\n  <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape_attr(&l.hreflang),
                    loc(&v.path)
                );
            }
            if let Some((_, v)) = versions.iter().find(|(l, _)| l.code == c.default_language) {
                let _ = write!(
                    x,
                    "\n  <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                    loc(&v.path)
                );
            }
            x.push('\n');
        }
        x.push_str("</url>\n");
    }
    for t in site.taxonomies.iter() {
        let _ = writeln!(x, "<url><loc>{}</loc></url>", loc(&t.path));
        for term in &t.terms {
            let _ = writeln!(x, "<url><loc>{}</loc></url>", loc(&term.path));
        }
    }
    x.push_str("</urlset>\n");
    x
}
