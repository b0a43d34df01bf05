//! Template values, built once per document and shared (tera values are reference
//! counted, so a list of 10,000 pages is 10,000 pointer copies, not 10,000 pages).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Map, Value};

use crate::content::markdown::TocEntry;
use crate::dates::rfc3339;
use crate::model::{Doc, DocId, Site};

#[derive(Serialize)]
struct TermRef<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: String,
}

#[derive(Serialize)]
struct Link<'a> {
    lang: &'a str,
    hreflang: &'a str,
    title: &'a str,
    permalink: String,
}

#[derive(Serialize)]
struct Crumb<'a> {
    title: &'a str,
    permalink: String,
}

#[derive(Serialize)]
struct DocValue<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<String>,
    updated: Option<String>,
    permalink: String,
    path: &'a str,
    lang: &'a str,
    hreflang: &'a str,
    canonical: &'a str,
    relative_path: &'a str,
    is_section: bool,
    fallback: bool,
    draft: bool,
    sample: bool,
    weight: Option<i64>,
    image: Option<String>,
    og_image: Option<String>,
    cover: Option<crate::images::PictureValue>,
    images: BTreeMap<&'a str, crate::images::fields::ImagesValue>,
    extra: &'a crate::yaml::Mapping,
    taxonomies: BTreeMap<&'a str, Vec<TermRef<'a>>>,
    translations: Vec<Link<'a>>,
    ancestors: Vec<Crumb<'a>>,
    toc: &'a [TocEntry],
    word_count: usize,
    reading_time: usize,
    kind: Option<&'a str>,
    section_kind: Option<&'a str>,
    page_kind: &'a str,
    page_count: usize,
    has_code: bool,
    data: &'a crate::content::kinds::KindData,
    dates: BTreeMap<&'a str, Option<String>>,
    starts: Option<String>,
    ends: Option<String>,
    status: Option<&'static str>,
    links: BTreeMap<&'a str, Option<Links<'a>>>,
    refs: Option<BTreeMap<&'a str, Vec<RefItem<'a>>>>,
    files: BTreeMap<&'a str, Option<Value>>,
}

/// What a `ref` field leads to: one page, or one per item of a list.
#[derive(Serialize)]
#[serde(untagged)]
enum Links<'a> {
    One(Crumb<'a>),
    Many(Vec<Crumb<'a>>),
}

#[derive(Serialize)]
struct RefItem<'a> {
    title: &'a str,
    permalink: String,
    date: Option<String>,
    data: &'a crate::content::kinds::KindData,
    sample: bool,
}

/// The value of one document, without its section's page lists; `content` is its body
/// as HTML (a string value, shared, not copied).
pub fn doc_value(
    site: &Site,
    doc: &Doc,
    tables: &super::LinkTables,
    rendered: Option<&std::sync::Arc<crate::content::markdown::Rendered>>,
    content: Value,
) -> Value {
    let hreflang =
        site.config.language(&doc.lang).map(|l| l.hreflang.as_str()).unwrap_or(&doc.lang);
    let image = doc.image.as_deref().map(|img| resolve_image(site, doc, img, tables));
    let v = DocValue {
        title: &doc.title,
        description: doc.description.as_deref(),
        date: doc.date.as_ref().map(rfc3339),
        updated: doc.updated.as_ref().map(rfc3339),
        permalink: site.permalink(doc),
        path: &doc.path,
        lang: &doc.lang,
        hreflang,
        canonical: &doc.canonical,
        relative_path: doc.source.map(|s| site.sources[s].rel.as_str()).unwrap_or(""),
        is_section: doc.is_section,
        fallback: doc.fallback,
        draft: doc.draft,
        sample: doc.sample,
        weight: doc.weight,
        og_image: crate::images::fields::og_image(site, &tables.images, doc)
            .or_else(|| image.clone()),
        image,
        cover: crate::images::fields::cover(site, &tables.images, doc),
        images: crate::images::fields::images(site, &tables.images, doc),
        extra: &doc.extra,
        taxonomies: taxonomies_value(site, doc),
        translations: translations_value(site, doc),
        ancestors: ancestors_value(site, doc),
        toc: rendered.map(|r| r.toc.as_slice()).unwrap_or(&[]),
        word_count: rendered.map_or(0, |r| r.word_count),
        reading_time: rendered.map_or(0, |r| r.reading_time),
        page_kind: doc.data.name(),
        has_code: content.as_str().is_some_and(|h| h.contains("<pre class=\"code\"")),
        data: &doc.data,
        dates: dates_value(doc),
        starts: doc.kind_dates.window(&doc.data).map(|(s, _)| rfc3339(s)),
        ends: doc.kind_dates.window(&doc.data).map(|(_, e)| rfc3339(e)),
        status: crate::model::refs::window_status(doc, site.now),
        links: links_value(site, doc),
        refs: refs_value(site, doc),
        files: files_value(site, doc, tables),
        kind: doc.section.kind.as_deref(),
        section_kind: doc.parent.and_then(|p| site.docs[p].section.kind.as_deref()),
        page_count: doc.section.pages.len(),
    };
    let base = Value::from_serializable(&v);
    let mut map = base.into_map().unwrap_or_default();
    let summary = rendered.and_then(|r| r.summary.as_deref());
    map.insert("content".into(), content);
    map.insert("summary".into(), summary.map(Value::safe_string).unwrap_or_else(Value::none));
    Value::from(map)
}

/// Every configured taxonomy with the page's terms (empty when it has none), so templates
/// can loop over `page.taxonomies.tags` without testing for it.
fn taxonomies_value<'a>(site: &'a Site, doc: &'a Doc) -> BTreeMap<&'a str, Vec<TermRef<'a>>> {
    site.config
        .taxonomies
        .iter()
        .map(|tc| {
            let name = tc.name.as_str();
            let terms = doc.taxonomies.get(name).map(Vec::as_slice).unwrap_or(&[]);
            let refs = terms
                .iter()
                .filter_map(|t| {
                    let slug = crate::slug::slugify(t);
                    let tax =
                        site.taxonomies.iter().find(|x| x.name == name && x.lang == doc.lang)?;
                    let term = tax.terms.iter().find(|x| x.slug == slug)?;
                    Some(TermRef {
                        name: t,
                        slug: &term.slug,
                        permalink: site.config.permalink(&term.path),
                    })
                })
                .collect();
            (name, refs)
        })
        .collect()
}

/// The page in the site's other languages.
fn translations_value<'a>(site: &'a Site, doc: &'a Doc) -> Vec<Link<'a>> {
    site.translations(doc)
        .into_iter()
        .map(|t| Link {
            lang: &t.lang,
            hreflang: site.config.language(&t.lang).map(|l| l.hreflang.as_str()).unwrap_or(&t.lang),
            title: &t.title,
            permalink: site.permalink(t),
        })
        .collect()
}

/// The sections above the page, from the home down.
fn ancestors_value<'a>(site: &'a Site, doc: &'a Doc) -> Vec<Crumb<'a>> {
    let mut ancestors = Vec::new();
    let mut p = doc.parent;
    while let Some(id) = p {
        let a = &site.docs[id];
        ancestors.push(Crumb { title: &a.title, permalink: site.permalink(a) });
        p = a.parent;
    }
    ancestors.reverse();
    ancestors
}

/// The pages of each kind whose `ref` fields name this one (every kind present, so
/// templates can test `page.refs.lecturer`); None when none do.
fn refs_value<'a>(site: &'a Site, doc: &'a Doc) -> Option<BTreeMap<&'a str, Vec<RefItem<'a>>>> {
    site.refs.incoming.get(&doc.id).map(|by_kind| {
        let mut out: BTreeMap<&str, Vec<RefItem<'_>>> =
            site.kinds.names().map(|k| (k, Vec::new())).collect();
        for (kind, ids) in by_kind {
            let items = ids
                .iter()
                .map(|&i| {
                    let d = &site.docs[i];
                    RefItem {
                        title: &d.title,
                        permalink: site.permalink(d),
                        date: d.date.as_ref().map(rfc3339),
                        data: &d.data,
                        sample: d.sample,
                    }
                })
                .collect();
            out.insert(kind.as_str(), items);
        }
        out
    })
}

/// A cover image: absolute URLs as written, site paths made absolute, and relative
/// paths resolved like links in the body (to a co-located asset).
fn resolve_image(site: &Site, doc: &Doc, img: &str, tables: &super::LinkTables) -> String {
    use crate::content::markdown::{LinkAction, LinkResolver};
    if img.contains("://") {
        return img.to_owned();
    }
    if img.starts_with('/') {
        return site.config.permalink(img);
    }
    match super::DocLinks::new(site, doc, tables).resolve(img) {
        LinkAction::Rewrite(url) => url,
        _ => site.config.permalink(&format!("{}{img}", doc.path)),
    }
}

/// A section's value with `pages` and `subsections` added.
pub fn section_value<'a>(site: &Site, id: DocId, value: &dyn Fn(DocId) -> &'a Value) -> Value {
    let doc = &site.docs[id];
    let mut map: Map = value(id).as_map().cloned().unwrap_or_default();
    let pages: Vec<Value> = doc.section.pages.iter().map(|&p| value(p).clone()).collect();
    let subs: Vec<Value> = doc.section.subsections.iter().map(|&p| value(p).clone()).collect();
    map.insert("pages".into(), Value::from(pages));
    map.insert("subsections".into(), Value::from(subs));
    Value::from(map)
}

/// The `site` value for a language.
pub fn site_value(site: &Site, lang: &str) -> Value {
    #[derive(Serialize)]
    struct Lang<'a> {
        code: &'a str,
        hreflang: &'a str,
        title: &'a str,
        permalink: String,
    }
    #[derive(Serialize)]
    struct KindValue<'a> {
        name: &'a str,
        label: &'a str,
        section: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct SiteValue<'a> {
        title: &'a str,
        description: &'a str,
        base_url: &'a str,
        default_language: &'a str,
        lang: &'a str,
        hreflang: &'a str,
        home: String,
        feed_url: String,
        languages: Vec<Lang<'a>>,
        taxonomies: Vec<&'a str>,
        kinds: Vec<KindValue<'a>>,
        icp: Option<&'a str>,
        public_security_filing: Option<&'a str>,
        search_url: Option<String>,
        timezone: &'a str,
        extra: Option<&'a crate::yaml::Value>,
    }
    let c = &site.config;
    let l = c.language(lang).expect("configured language");
    Value::from_serializable(&SiteValue {
        title: &l.title,
        description: &l.description,
        base_url: &c.base_url,
        default_language: &c.default_language,
        lang,
        hreflang: &l.hreflang,
        home: c.permalink(&format!("{}/", c.lang_prefix(lang))),
        feed_url: c.permalink(&format!("{}/atom.xml", c.lang_prefix(lang))),
        languages: c
            .languages
            .iter()
            .map(|x| Lang {
                code: &x.code,
                hreflang: &x.hreflang,
                title: &x.title,
                permalink: c.permalink(&format!("{}/", c.lang_prefix(&x.code))),
            })
            .collect(),
        taxonomies: c.taxonomies.iter().map(|t| t.name.as_str()).collect(),
        kinds: site
            .kinds
            .iter()
            .map(|k| KindValue {
                name: &k.name,
                label: k
                    .label
                    .get(lang)
                    .or_else(|| k.label.get(&c.default_language))
                    .map_or(&k.name, String::as_str),
                section: k.section.as_deref(),
            })
            .collect(),
        icp: c.icp.as_deref(),
        public_security_filing: c.public_security_filing.as_deref(),
        search_url: c.search.then(|| c.permalink(&format!("{}/search/", c.lang_prefix(lang)))),
        timezone: &c.timezone_name,
        extra: c.extra.as_ref(),
    })
}

/// `page.dates`: every top-level `date` and `datetime` field of the kind, as an
/// RFC 3339 moment in the site's zone (`null` when left out).
fn dates_value(doc: &Doc) -> BTreeMap<&str, Option<String>> {
    use crate::content::kinds::FieldType;
    let Some(decl) = &doc.data.decl else { return BTreeMap::new() };
    decl.fields
        .iter()
        .filter(|f| matches!(f.ty, FieldType::Date | FieldType::Datetime))
        .map(|f| (f.name.as_str(), doc.kind_dates.fields.get(&f.name).map(rfc3339)))
        .collect()
}

/// `page.links`: every `ref` field, as the title (the page's name field, else its
/// title) and URL of the page it names in the current language; a list of them for a
/// list of refs; `null` when left out or not published.
fn links_value<'a>(site: &'a Site, doc: &'a Doc) -> BTreeMap<&'a str, Option<Links<'a>>> {
    use crate::content::kinds::FieldType;
    let Some(decl) = &doc.data.decl else { return BTreeMap::new() };
    let out = site.refs.outgoing.get(&doc.id);
    let crumb = |id: DocId| {
        let d = &site.docs[id];
        Crumb { title: d.data.display_name().unwrap_or(&d.title), permalink: site.permalink(d) }
    };
    decl.fields
        .iter()
        .filter_map(|f| {
            let many = match &f.ty {
                FieldType::Ref(_) => false,
                FieldType::List(of) if matches!(**of, FieldType::Ref(_)) => true,
                _ => return None,
            };
            let ids = out.and_then(|o| o.get(&f.name)).map(Vec::as_slice).unwrap_or(&[]);
            let v = if many {
                Some(Links::Many(ids.iter().map(|&i| crumb(i)).collect()))
            } else {
                ids.first().map(|&i| Links::One(crumb(i)))
            };
            Some((f.name.as_str(), v))
        })
        .collect()
}

/// `page.files`: every field that holds `file`s, as written but with each file turned
/// into its URL (a file beside the page, or an `@/` link to a page).
fn files_value<'a>(
    site: &Site,
    doc: &'a Doc,
    tables: &super::LinkTables,
) -> BTreeMap<&'a str, Option<Value>> {
    use crate::content::kinds::{FieldType, FieldValue};
    use crate::content::markdown::{LinkAction, LinkResolver};
    fn has_file(ty: &FieldType) -> bool {
        match ty {
            FieldType::File => true,
            FieldType::List(of) => has_file(of),
            FieldType::Object(fields) => fields.iter().any(|f| has_file(&f.ty)),
            _ => false,
        }
    }
    fn resolved(ty: &FieldType, v: &FieldValue, url: &dyn Fn(&str) -> String) -> FieldValue {
        match (ty, v) {
            (FieldType::File, FieldValue::Text(t)) => FieldValue::Text(url(t)),
            (FieldType::List(of), FieldValue::List(items)) => {
                FieldValue::List(items.iter().map(|i| resolved(of, i, url)).collect())
            }
            (FieldType::Object(fields), FieldValue::Object(map)) => FieldValue::Object(
                map.iter()
                    .map(|(k, x)| {
                        let ty = fields.iter().find(|f| &f.name == k).map(|f| &f.ty);
                        (k.clone(), ty.map_or_else(|| x.clone(), |ty| resolved(ty, x, url)))
                    })
                    .collect(),
            ),
            _ => v.clone(),
        }
    }
    let Some(decl) = &doc.data.decl else { return BTreeMap::new() };
    let links = super::DocLinks::new(site, doc, tables);
    let url = |file: &str| match links.resolve(file) {
        LinkAction::Rewrite(u) => u,
        _ => file.to_owned(),
    };
    decl.fields
        .iter()
        .filter(|f| has_file(&f.ty))
        .map(|f| {
            let v =
                doc.data.get(&f.name).map(|v| Value::from_serializable(&resolved(&f.ty, v, &url)));
            (f.name.as_str(), v)
        })
        .collect()
}
