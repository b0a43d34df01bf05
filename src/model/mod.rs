//! The model: the [`Site`] every later stage reads.
//!
//! Input: the config and the loaded sources. Output: documents (pages and sections) in
//! every language they are published in, with URLs, parent sections, sorted page lists,
//! translations, taxonomies and assets. Links between items are indices into
//! `Site::docs`, never pointers; translations are grouped by the canonical path (the
//! path minus the language suffix). Built once, then only read.

mod doc;
mod paths;
pub mod refs;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use jiff::{Timestamp, Zoned};

use crate::config::{Config, TranslationPolicy};
use crate::content::front_matter::{FrontMatter, SortBy};
use crate::content::kinds::KindData;
use crate::content::{Loaded, SourceAsset, SourceDoc};
use crate::diagnostics::Diagnostics;
use crate::slug::slugify;
use doc::make_doc;

pub use paths::{content_path, is_relative};

/// Index of a document in [`Site::docs`].
pub type DocId = usize;

/// Which publishing switches are on, and the clock.
#[derive(Debug, Clone)]
pub struct PublishRules {
    /// Include drafts.
    pub drafts: bool,
    /// Include future-dated pages.
    pub future: bool,
    /// The build's "now".
    pub now: Timestamp,
}

/// A page or a section in one language.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Its index.
    pub id: DocId,
    /// Index into `Site::sources` of the text shown (for a fallback, the original's).
    /// `None` for a section fenjin made up (a home page without `_index.md`).
    pub source: Option<usize>,
    /// Canonical path shared by translations: `cities/harbin.md`.
    pub canonical: String,
    /// Language code.
    pub lang: String,
    /// Whether it is a section (`_index.md`).
    pub is_section: bool,
    /// Default-language content shown in another language, with a notice.
    pub fallback: bool,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Publication date.
    pub date: Option<Zoned>,
    /// Last update.
    pub updated: Option<Zoned>,
    /// When it stops being published.
    pub expires: Option<Zoned>,
    /// The fields of its content kind (after inheritance).
    pub data: KindData,
    /// The dates among those fields, parsed.
    pub kind_dates: KindDates,
    /// Weight for sorting.
    pub weight: Option<i64>,
    /// Whether it is a draft (only present with `--drafts`).
    pub draft: bool,
    /// Placeholder content.
    pub sample: bool,
    /// Cover image as written.
    pub image: Option<String>,
    /// Old URLs that redirect here, as root-relative paths.
    pub aliases: Vec<String>,
    /// Template override.
    pub template: Option<String>,
    /// `extra:` values.
    pub extra: crate::yaml::Mapping,
    /// Taxonomy terms by taxonomy name.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Root-relative URL path, ending in `/`: `/en/cities/harbin/`.
    pub path: String,
    /// Parent section in the same language.
    pub parent: Option<DocId>,
    /// Section data (empty for pages).
    pub section: SectionData,
}

/// The dates of a kind's fields, read in the site's time zone.
#[derive(Debug, Clone, Default)]
pub struct KindDates {
    /// The top-level `date` and `datetime` fields, by name.
    pub fields: BTreeMap<String, Zoned>,
    /// The dates of the kind's calendar events, in the order of its `calendar.list`.
    pub events: Vec<Option<Zoned>>,
}

impl KindDates {
    /// When the page's declared `window` opens and closes, as read.
    pub fn window(&self, data: &KindData) -> Option<(&Zoned, &Zoned)> {
        let (starts, ends) = data.decl.as_ref()?.window.as_ref()?;
        Some((self.fields.get(starts)?, self.fields.get(ends)?))
    }
}

/// What a section adds to a document.
#[derive(Debug, Clone, Default)]
pub struct SectionData {
    /// Its pages, sorted.
    pub pages: Vec<DocId>,
    /// Its direct subsections, sorted by weight then title.
    pub subsections: Vec<DocId>,
    /// How pages are sorted.
    pub sort_by: SortBy,
    /// Pages per listing page (0 = all).
    pub paginate_by: usize,
    /// Template for its pages.
    pub page_template: Option<String>,
    /// Content kind of its pages.
    pub kind: Option<String>,
}

/// A term of a taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Term {
    /// As written (the most frequent spelling when several slugify alike).
    pub name: String,
    /// URL segment, Chinese kept.
    pub slug: String,
    /// Root-relative path.
    pub path: String,
    /// Pages, newest first.
    pub pages: Vec<DocId>,
}

/// A taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Its name (`tags`).
    pub name: String,
    /// Language code.
    pub lang: String,
    /// Root-relative path of the list page.
    pub path: String,
    /// Whether term pages get feeds.
    pub feed: bool,
    /// Terms sorted by slug.
    pub terms: Vec<Term>,
}

/// A file copied from `content/`.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to `content/`.
    pub rel: String,
    /// Absolute source path.
    pub abs: PathBuf,
    /// Root-relative output path (URL-style, no leading `/`): `cities/harbin/cover.jpg`.
    pub out: String,
}

/// A page left out of the build, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub file: PathBuf,
    /// The reason: draft, future or expired.
    pub reason: String,
    /// The URL path it would have had.
    pub path: String,
    /// Whether it was left out because it expired.
    pub expired: bool,
    /// Its title, and when it will be published (a future-dated page).
    pub publishes: Option<(Zoned, String)>,
}

/// The whole site. What a save of one body leaves alone is shared (`Arc`), so `serve`
/// can make the next site from this one by replacing a source and the clock.
#[derive(Debug, Clone)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Loaded source files.
    pub sources: Vec<Arc<SourceDoc>>,
    /// Every published document in every language.
    pub docs: Arc<Vec<Doc>>,
    /// (canonical, lang) → document.
    pub by_key: Arc<HashMap<(String, String), DocId>>,
    /// Taxonomies, per language in config order.
    pub taxonomies: Arc<Vec<Taxonomy>>,
    /// Files copied from `content/`.
    pub assets: Arc<Vec<Asset>>,
    /// Pages left out, for the build log.
    pub skipped: Arc<Vec<Skipped>>,
    /// Newest-first list of the dated pages (not sections) per language.
    pub latest: Arc<BTreeMap<String, Vec<DocId>>>,
    /// References between kinds, both ways.
    pub refs: Arc<refs::Refs>,
    /// The build's clock.
    pub now: Timestamp,
    /// The site's content kinds.
    pub kinds: crate::content::kinds::Kinds,
}

impl Site {
    /// The document with this canonical path in this language.
    pub fn get(&self, canonical: &str, lang: &str) -> Option<&Doc> {
        self.by_key.get(&(canonical.to_owned(), lang.to_owned())).map(|&id| &self.docs[id])
    }

    /// The absolute URL of a document.
    pub fn permalink(&self, doc: &Doc) -> String {
        self.config.permalink(&doc.path)
    }

    /// The file a document's text comes from, for messages.
    pub fn file_of(&self, doc: &Doc) -> PathBuf {
        doc.source
            .map(|s| self.sources[s].file.clone())
            .unwrap_or_else(|| PathBuf::from("content/_index.md"))
    }

    /// The versions of a document in the other languages (real translations only).
    pub fn translations(&self, doc: &Doc) -> Vec<&Doc> {
        self.config
            .languages
            .iter()
            .filter(|l| l.code != doc.lang)
            .filter_map(|l| self.get(&doc.canonical, &l.code))
            .filter(|d| !d.fallback)
            .collect()
    }

    /// Where the language switch leads from `doc` to `lang`: the translation, else the
    /// nearest ancestor section that exists in `lang`, else that language's home.
    pub fn switch_target(&self, doc: &Doc, lang: &str) -> Option<&Doc> {
        if let Some(d) = self.get(&doc.canonical, lang) {
            return Some(d);
        }
        let mut dir = parent_dir_of(&doc.canonical, doc.is_section);
        loop {
            let key =
                if dir.is_empty() { "_index.md".to_owned() } else { format!("{dir}/_index.md") };
            if let Some(d) = self.get(&key, lang) {
                return Some(d);
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map(|(a, _)| a.to_owned()).unwrap_or_default();
        }
    }
}

/// The folder a document lives in for parent lookup: `cities` for `cities/harbin.md`,
/// `cities/harbin/index.md` and (for a section) `cities/_index.md` → its parent's folder.
fn parent_dir_of(canonical: &str, is_section: bool) -> String {
    let dir = canonical.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let base = canonical.rsplit('/').next().unwrap_or("");
    let dir = if is_section || base == "index.md" {
        dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    } else {
        dir
    };
    dir.to_owned()
}

/// Builds the model.
pub fn build(config: Config, loaded: Loaded, rules: &PublishRules) -> (Site, Diagnostics) {
    let mut ds = Diagnostics::new();
    let Loaded { docs: sources, assets: source_assets, kinds } = loaded;
    let default = config.default_language.clone();

    let (mut docs, skipped) = published_docs(&config, &sources, rules, &mut ds);
    if config.translations == TranslationPolicy::Fallback {
        add_fallbacks(&config, &mut docs);
    }
    add_homes(&config, &mut docs);
    let by_key = number(&config, &mut docs);
    link_sections(&mut docs, &by_key);
    let latest = latest_pages(&config, &docs);
    let taxonomies = build_taxonomies(&config, &docs);
    let assets = place_assets(&source_assets, &sources, &docs, &by_key, &default);
    let (refs, ref_ds) = refs::resolve(&config, &kinds, &docs, &by_key, &sources, &assets);
    ds.extend(ref_ds);

    let site = Site {
        config,
        sources,
        docs: Arc::new(docs),
        by_key: Arc::new(by_key),
        taxonomies: Arc::new(taxonomies),
        assets: Arc::new(assets),
        skipped: Arc::new(skipped),
        latest: Arc::new(latest),
        refs: Arc::new(refs),
        now: rules.now,
        kinds,
    };
    (site, ds)
}

/// The documents of the sources (in parallel, kept in source order), translations
/// inheriting the default language's front matter; and those left out, with why.
fn published_docs(
    config: &Config,
    sources: &[Arc<SourceDoc>],
    rules: &PublishRules,
    ds: &mut Diagnostics,
) -> (Vec<Doc>, Vec<Skipped>) {
    let default = &config.default_language;
    // Default-language front matter by canonical path, for inheritance.
    let originals: HashMap<&str, &FrontMatter> = sources
        .iter()
        .filter(|s| s.lang == *default)
        .map(|s| (s.canonical.as_str(), &s.front_matter))
        .collect();

    let mut docs: Vec<Doc> = Vec::with_capacity(sources.len());
    let mut skipped = Vec::new();
    let made: Vec<(Option<Doc>, Diagnostics)> = sources
        .par_iter()
        .enumerate()
        .map(|(i, src)| {
            let mut fm = src.front_matter.clone();
            if src.lang != *default
                && let Some(orig) = originals.get(src.canonical.as_str())
            {
                fm.inherit_from(orig);
            }
            let mut ds = Diagnostics::new();
            (make_doc(config, src, i, fm, &mut ds), ds)
        })
        .collect();
    for ((doc, doc_ds), src) in made.into_iter().zip(sources) {
        ds.extend(doc_ds);
        let Some(doc) = doc else {
            continue;
        };
        if let Some(reason) = unpublished(&doc, rules) {
            let expired = reason.starts_with("expired");
            let publishes = doc
                .date
                .clone()
                .filter(|d| !doc.draft && !expired && d.timestamp() > rules.now)
                .map(|d| (d, doc.title.clone()));
            skipped.push(Skipped {
                file: src.file.clone(),
                reason,
                path: doc.path.clone(),
                expired,
                publishes,
            });
            continue;
        }
        docs.push(doc);
    }
    (docs, skipped)
}

/// Fallback: the default-language text wherever a translation is missing.
fn add_fallbacks(config: &Config, docs: &mut Vec<Doc>) {
    let default = &config.default_language;
    let present: HashSet<(String, String)> =
        docs.iter().map(|d| (d.canonical.clone(), d.lang.clone())).collect();
    let mut extra = Vec::new();
    for d in docs.iter().filter(|d| d.lang == *default) {
        for l in config.languages.iter().filter(|l| l.code != *default) {
            if !present.contains(&(d.canonical.clone(), l.code.clone())) {
                let mut f = d.clone();
                f.lang = l.code.clone();
                f.fallback = true;
                f.aliases.clear();
                f.path = format!("{}{}", config.lang_prefix(&l.code), d.path);
                extra.push(f);
            }
        }
    }
    docs.extend(extra);
}

/// Every language has a home, even without an `_index.md`.
fn add_homes(config: &Config, docs: &mut Vec<Doc>) {
    for l in &config.languages {
        if !docs.iter().any(|d| d.canonical == "_index.md" && d.lang == l.code) {
            docs.push(Doc {
                id: 0,
                source: None,
                canonical: "_index.md".into(),
                lang: l.code.clone(),
                is_section: true,
                fallback: false,
                title: l.title.clone(),
                description: Some(l.description.clone()),
                date: None,
                updated: None,
                expires: None,
                data: KindData::page(),
                kind_dates: KindDates::default(),
                weight: None,
                draft: false,
                sample: false,
                image: None,
                aliases: Vec::new(),
                template: None,
                extra: crate::yaml::Mapping::new(),
                taxonomies: BTreeMap::new(),
                path: format!("{}/", config.lang_prefix(&l.code)),
                parent: None,
                section: SectionData { paginate_by: config.paginate_by, ..SectionData::default() },
            });
        }
    }
}

/// Puts the documents in their stable order (by language in config order, then canonical
/// path), numbers them, and returns their ids by (canonical path, language).
fn number(config: &Config, docs: &mut Vec<Doc>) -> HashMap<(String, String), DocId> {
    let lang_rank: HashMap<&str, usize> =
        config.languages.iter().enumerate().map(|(i, l)| (l.code.as_str(), i)).collect();
    // The keys are unique, so an unstable (parallel) sort is deterministic. The positions
    // are sorted, not the documents: each is hundreds of bytes, and moving them about
    // made this step a quarter of the model's time at 20,000 documents.
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let rank: Vec<usize> = docs.iter().map(|d| lang_rank[d.lang.as_str()]).collect();
    order.par_sort_unstable_by(|&a, &b| {
        (rank[a], &docs[a].canonical).cmp(&(rank[b], &docs[b].canonical))
    });
    let mut slots: Vec<Option<Doc>> = std::mem::take(docs).into_iter().map(Some).collect();
    docs.extend(order.iter().filter_map(|&i| slots[i].take()));
    let mut by_key = HashMap::with_capacity(docs.len());
    for (i, d) in docs.iter_mut().enumerate() {
        d.id = i;
        by_key.insert((d.canonical.clone(), d.lang.clone()), i);
    }
    by_key
}

/// Each document's parent (the nearest section above it in its language), and each
/// section's pages and subsections, sorted.
fn link_sections(docs: &mut [Doc], by_key: &HashMap<(String, String), DocId>) {
    for doc in docs.iter_mut() {
        if doc.canonical == "_index.md" {
            continue;
        }
        let mut dir = parent_dir_of(&doc.canonical, doc.is_section);
        let lang = doc.lang.clone();
        let parent = loop {
            let key =
                if dir.is_empty() { "_index.md".to_owned() } else { format!("{dir}/_index.md") };
            if let Some(&p) = by_key.get(&(key, lang.clone())) {
                break Some(p);
            }
            if dir.is_empty() {
                break None;
            }
            dir = dir.rsplit_once('/').map(|(a, _)| a.to_owned()).unwrap_or_default();
        };
        doc.parent = parent;
    }
    let mut children: BTreeMap<DocId, (Vec<DocId>, Vec<DocId>)> = BTreeMap::new();
    for d in docs.iter() {
        if let Some(p) = d.parent {
            let entry = children.entry(p).or_default();
            if d.is_section { entry.1.push(d.id) } else { entry.0.push(d.id) }
        }
    }
    for (section, (mut pages, mut subs)) in children {
        let sort_by = docs[section].section.sort_by;
        sort_pages(&mut pages, docs, sort_by);
        subs.sort_by(|a, b| {
            let (x, y) = (&docs[*a], &docs[*b]);
            (x.weight.unwrap_or(i64::MAX), &x.title, &x.canonical).cmp(&(
                y.weight.unwrap_or(i64::MAX),
                &y.title,
                &y.canonical,
            ))
        });
        docs[section].section.pages = pages;
        docs[section].section.subsections = subs;
    }
}

/// Each language's dated pages, newest first. Only dated pages are "latest": an undated
/// about page is not news.
fn latest_pages(config: &Config, docs: &[Doc]) -> BTreeMap<String, Vec<DocId>> {
    let mut latest: BTreeMap<String, Vec<DocId>> = BTreeMap::new();
    for l in &config.languages {
        let mut pages: Vec<DocId> = docs
            .iter()
            .filter(|d| !d.is_section && d.lang == l.code && d.date.is_some())
            .map(|d| d.id)
            .collect();
        sort_pages(&mut pages, docs, SortBy::Date);
        latest.insert(l.code.clone(), pages);
    }
    latest
}

fn sort_pages(pages: &mut [DocId], docs: &[Doc], sort_by: SortBy) {
    match sort_by {
        SortBy::Date => pages.sort_by(|a, b| {
            let (x, y) = (&docs[*a], &docs[*b]);
            // Newest first; undated pages last; ties by path for determinism.
            let xd = x.date.as_ref().map(|d| d.timestamp());
            let yd = y.date.as_ref().map(|d| d.timestamp());
            yd.cmp(&xd).then_with(|| x.canonical.cmp(&y.canonical))
        }),
        SortBy::Weight => pages.sort_by(|a, b| {
            let (x, y) = (&docs[*a], &docs[*b]);
            (x.weight.unwrap_or(i64::MAX), &x.canonical)
                .cmp(&(y.weight.unwrap_or(i64::MAX), &y.canonical))
        }),
        SortBy::Title => pages.sort_by(|a, b| {
            let (x, y) = (&docs[*a], &docs[*b]);
            (&x.title, &x.canonical).cmp(&(&y.title, &y.canonical))
        }),
        SortBy::None => pages.sort_by(|a, b| docs[*a].canonical.cmp(&docs[*b].canonical)),
    }
}

/// Why a document is left out, if it is.
fn unpublished(doc: &Doc, rules: &PublishRules) -> Option<String> {
    if doc.draft && !rules.drafts {
        return Some("draft (build with --drafts to include it)".into());
    }
    if let Some(date) = &doc.date
        && date.timestamp() > rules.now
        && !rules.future
    {
        return Some(format!(
            "dated in the future ({}; build with --future to include it)",
            crate::dates::rfc3339(date)
        ));
    }
    if let Some(expires) = &doc.expires
        && expires.timestamp() <= rules.now
    {
        return Some(format!("expired on {}", crate::dates::rfc3339(expires)));
    }
    None
}

fn build_taxonomies(config: &Config, docs: &[Doc]) -> Vec<Taxonomy> {
    // Each language's pages, newest first, sorted once: a term's pages, taken in this
    // order, are in the order a sort of each term's list would give (the sort is
    // stable and starts from the same order), without sorting every term.
    // In config order, as the languages.
    let by_date: Vec<Vec<DocId>> = config
        .languages
        .par_iter()
        .map(|l| {
            let mut pages: Vec<DocId> =
                docs.iter().filter(|d| d.lang == l.code && !d.is_section).map(|d| d.id).collect();
            sort_pages(&mut pages, docs, SortBy::Date);
            pages
        })
        .collect();
    // One task per language and taxonomy, in config order.
    let pairs: Vec<_> = config
        .languages
        .iter()
        .zip(&by_date)
        .flat_map(|(l, pages)| config.taxonomies.iter().map(move |tc| (l, pages, tc)))
        .collect();
    pairs
        .into_par_iter()
        .map(|(l, pages, tc)| {
            let prefix = config.lang_prefix(&l.code);
            // slug → (spelling counts, pages)
            let mut terms: BTreeMap<String, (BTreeMap<String, usize>, Vec<DocId>)> =
                BTreeMap::new();
            // A site has few terms and many pages: each spelling is slugified once.
            let mut slugs: HashMap<&str, String> = HashMap::new();
            for d in pages.iter().map(|&id| &docs[id]) {
                let Some(names) = d.taxonomies.get(&tc.name) else {
                    continue;
                };
                let mut seen = HashSet::new();
                for name in names {
                    let slug = slugs.entry(name).or_insert_with(|| slugify(name));
                    if slug.is_empty() || !seen.insert(slug.clone()) {
                        continue;
                    }
                    let entry = terms.entry(slug.clone()).or_default();
                    *entry.0.entry(name.clone()).or_default() += 1;
                    entry.1.push(d.id);
                }
            }
            let terms = terms
                .into_iter()
                .map(|(slug, (spellings, pages))| {
                    let name = spellings
                        .iter()
                        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                        .map(|(n, _)| n.clone())
                        .unwrap_or_default();
                    Term { path: format!("{prefix}/{}/{slug}/", tc.name), name, slug, pages }
                })
                .collect();
            Taxonomy {
                name: tc.name.clone(),
                lang: l.code.clone(),
                path: format!("{prefix}/{}/", tc.name),
                feed: tc.feed,
                terms,
            }
        })
        .collect()
}

/// Where each content asset goes: next to its page when it belongs to one (inside a page
/// bundle folder, or named after a page file: `harbin.jpg` beside `harbin.md`), else at
/// its own path.
fn place_assets(
    assets: &[SourceAsset],
    sources: &[Arc<SourceDoc>],
    docs: &[Doc],
    by_key: &HashMap<(String, String), DocId>,
    default: &str,
) -> Vec<Asset> {
    if assets.is_empty() {
        return Vec::new();
    }
    // Bundle folders and plain page stems, each with the default-language URL (or any).
    let mut owners: BTreeMap<String, String> = BTreeMap::new(); // prefix → out dir
    let mut stems: HashMap<String, String> = HashMap::new(); // "cities/harbin" → out dir
    for s in sources.iter().filter(|s| !s.is_section) {
        let doc = by_key
            .get(&(s.canonical.clone(), default.to_owned()))
            .or_else(|| by_key.get(&(s.canonical.clone(), s.lang.clone())));
        let Some(&id) = doc else { continue };
        let out_dir = docs[id].path.trim_start_matches('/').to_owned();
        if let Some(dir) = s.canonical.strip_suffix("/index.md") {
            owners.insert(format!("{dir}/"), out_dir);
        } else if let Some(stem) = s.canonical.strip_suffix(".md") {
            stems.insert(stem.to_owned(), out_dir);
        }
    }
    assets
        .iter()
        .map(|a| {
            let bundle = owners
                .range(..=a.rel.clone())
                .rev()
                .find(|(prefix, _)| a.rel.starts_with(prefix.as_str()));
            let out = if let Some((prefix, dir)) = bundle {
                format!("{dir}{}", &a.rel[prefix.len()..])
            } else {
                let (dir, name) = a.rel.rsplit_once('/').unwrap_or(("", &a.rel));
                let stem = name.split('.').next().unwrap_or(name);
                let key = if dir.is_empty() { stem.to_owned() } else { format!("{dir}/{stem}") };
                match stems.get(&key) {
                    Some(out_dir) => format!("{out_dir}{name}"),
                    None => a.rel.clone(),
                }
            };
            Asset { rel: a.rel.clone(), abs: a.abs.clone(), out }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_dirs() {
        assert_eq!(parent_dir_of("cities/harbin.md", false), "cities");
        assert_eq!(parent_dir_of("cities/harbin/index.md", false), "cities");
        assert_eq!(parent_dir_of("cities/_index.md", true), "");
        assert_eq!(parent_dir_of("a/b/_index.md", true), "a");
        assert_eq!(parent_dir_of("about.md", false), "");
    }
}
