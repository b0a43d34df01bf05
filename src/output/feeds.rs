//! Atom feeds (RFC 4287) for the site, each section and each taxonomy term, per
//! language. Entries are the newest dated pages; the feed's `updated` is the newest
//! entry's, so identical input gives identical feeds.

use std::fmt::Write as _;

use crate::dates::rfc3339;
use crate::model::{DocId, Site};
use crate::output::{ascii_url, escape_attr};

/// Which pages a feed lists.
#[derive(Debug, Clone)]
pub enum FeedSource {
    /// Every page of a language.
    Site(String),
    /// A section's pages.
    Section(DocId),
    /// A term's pages (taxonomy index, term index).
    Term(usize, usize),
}

/// The feed as XML.
pub fn atom<'a>(site: &Site, html: &dyn Fn(DocId) -> &'a str, source: &FeedSource) -> String {
    let c = &site.config;
    let (lang, title, self_path, alt_path, ids) = feed_of(site, source);
    let hreflang = c.language(lang).map(|l| l.hreflang.as_str()).unwrap_or(lang);
    let entries: Vec<DocId> =
        ids.iter().copied().filter(|&i| site.docs[i].date.is_some()).take(c.feed_limit).collect();
    let updated = entries
        .iter()
        .filter_map(|&i| site.docs[i].updated.as_ref().or(site.docs[i].date.as_ref()))
        .max_by_key(|z| z.timestamp())
        .map(rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let mut x = String::with_capacity(4096 + entries.len() * 4096);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n<updated>{updated}</updated>\n<generator uri=\"https://crates.io/crates/fenjin\">fenjin</generator>\n",
        escape_attr(hreflang),
        escape_attr(&title),
        escape_attr(&ascii_url(&c.permalink(&self_path))),
        escape_attr(&ascii_url(&c.permalink(&alt_path))),
        escape_attr(&ascii_url(&c.permalink(&self_path))),
    );
    for &i in &entries {
        let d = &site.docs[i];
        let url = escape_attr(&ascii_url(&site.permalink(d)));
        let published = d.date.as_ref().map(rfc3339).unwrap_or_default();
        let updated = d.updated.as_ref().map(rfc3339).unwrap_or_else(|| published.clone());
        let _ = write!(
            x,
            "<entry xml:lang=\"{}\">\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<id>{url}</id>\n<published>{published}</published>\n<updated>{updated}</updated>\n<author><name>{}</name></author>\n",
            escape_attr(c.language(&d.lang).map(|l| l.hreflang.as_str()).unwrap_or(&d.lang)),
            escape_attr(&d.title),
            escape_attr(&c.language(&d.lang).map(|l| l.title.clone()).unwrap_or_default()),
        );
        if let Some(desc) = &d.description {
            let _ = writeln!(x, "<summary>{}</summary>", escape_attr(desc));
        }
        let html = html(i);
        let _ = writeln!(
            x,
            "<content type=\"html\" xml:base=\"{url}\">{}</content>\n</entry>",
            escape_attr(html)
        );
    }
    x.push_str("</feed>\n");
    x
}

/// What a feed is of: its language, title, own path, the page it is the feed of, and the
/// pages it may list (newest first).
fn feed_of<'s>(
    site: &'s Site,
    source: &'s FeedSource,
) -> (&'s str, String, String, String, &'s [DocId]) {
    let c = &site.config;
    match source {
        FeedSource::Site(lang) => {
            let l = c.language(lang).expect("configured language");
            let home = format!("{}/", c.lang_prefix(lang));
            (
                lang,
                l.title.clone(),
                format!("{home}atom.xml"),
                home,
                site.latest.get(lang).map(Vec::as_slice).unwrap_or(&[]),
            )
        }
        FeedSource::Section(id) => {
            let d = &site.docs[*id];
            let l = c.language(&d.lang).expect("configured language");
            (
                &d.lang,
                format!("{} - {}", l.title, d.title),
                format!("{}atom.xml", d.path),
                d.path.clone(),
                d.section.pages.as_slice(),
            )
        }
        FeedSource::Term(ti, i) => {
            let t = &site.taxonomies[*ti];
            let term = &t.terms[*i];
            let l = c.language(&t.lang).expect("configured language");
            (
                &t.lang,
                format!("{} - {}", l.title, term.name),
                format!("{}atom.xml", term.path),
                term.path.clone(),
                term.pages.as_slice(),
            )
        }
    }
}
