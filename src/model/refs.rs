//! References between pages: every `ref` field of every kind (a lecturer's `city`, the
//! `cities` of notices and activities, any kind a site declares), every `file` field
//! (a notice's attachments), and an integer field named `phase` (a campaign phase of
//! site.yaml). Each is checked (a dangling one is an error naming both files) and
//! references are turned around, so a page lists every page of any kind that names it
//! without anyone maintaining the lists.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;

use super::{Asset, Doc, DocId};
use crate::config::Config;
use crate::content::SourceDoc;
use crate::content::kinds::{FieldType, FieldValue, Kinds, RefTarget};
use crate::diagnostics::{Diagnostic, Diagnostics, closest, codes};

/// The references of the whole site.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// Document → kind name → the documents of that kind whose `ref` fields name it
    /// (same language, or the default language's page when it has no translation).
    pub incoming: HashMap<DocId, BTreeMap<String, Vec<DocId>>>,
    /// Document → `ref` field → the documents it names.
    pub outgoing: HashMap<DocId, BTreeMap<String, Vec<DocId>>>,
}

/// The slug a page is referred to by: its file name (`harbin` for `cities/harbin.md`
/// or `cities/harbin/index.md`).
pub fn ref_slug(canonical: &str) -> &str {
    let stem = canonical
        .strip_suffix("/index.md")
        .or_else(|| canonical.strip_suffix(".md"))
        .unwrap_or(canonical);
    stem.rsplit('/').next().unwrap_or(stem)
}

/// The pages a `ref` may name: slug → canonical, and editors' names for them.
#[derive(Default)]
struct Targets<'a> {
    /// slug → canonical path of every page of the target (published or not, any
    /// language).
    slugs: BTreeMap<&'a str, &'a str>,
    /// slug → (name in the default language, every name and title).
    names: BTreeMap<&'a str, (String, Vec<&'a str>)>,
    /// The section the pages are in, for messages (`cities`).
    section: Option<String>,
}

/// The slug of the page whose name or title an editor wrote instead of its slug:
/// `哈尔滨市` or `哈尔滨` for `harbin` (哈尔滨市), `Harbin` for its English title.
fn named<'a>(names: &BTreeMap<&'a str, (String, Vec<&str>)>, written: &str) -> Option<&'a str> {
    let written = written.trim();
    let fold = |s: &str| s.trim().to_lowercase();
    let w = fold(written);
    if w.chars().count() < 2 {
        return None;
    }
    let exact = names.iter().find(|(_, (_, all))| all.iter().any(|n| fold(n) == w));
    // A name written without its suffix (哈尔滨 for 哈尔滨市, 大兴安岭 for 大兴安岭地区),
    // when only one page's name starts with it.
    let prefix = || {
        let mut hits =
            names.iter().filter(|(_, (_, all))| all.iter().any(|n| fold(n).starts_with(&w)));
        let first = hits.next()?;
        hits.next().is_none().then_some(first)
    };
    exact.or_else(prefix).map(|(slug, _)| *slug)
}

/// Checks every reference and builds the lists both ways.
pub fn resolve(
    config: &Config,
    kinds: &Kinds,
    docs: &[Doc],
    by_key: &HashMap<(String, String), DocId>,
    sources: &[std::sync::Arc<SourceDoc>],
    assets: &[Asset],
) -> (Refs, Diagnostics) {
    let mut ds = Diagnostics::new();
    let r = Resolver {
        config,
        by_key,
        sources,
        targets: targets(config, kinds, sources),
        asset_rels: assets.iter().map(|a| a.rel.as_str()).collect(),
        phases: config
            .campaign
            .as_ref()
            .map(|c| c.phases.iter().map(|p| i64::from(p.id)).collect())
            .unwrap_or_default(),
    };
    let mut refs = Refs::default();
    for d in docs.iter().filter(|d| !d.fallback) {
        if d.data.decl.is_none() {
            continue;
        }
        r.refs(d, &mut refs, &mut ds);
        r.files(d, &mut ds);
        r.phase(d, &mut ds);
    }
    // Fallback pages show what names their original.
    for d in docs.iter().filter(|d| d.fallback) {
        if let Some(orig) = by_key.get(&(d.canonical.clone(), config.default_language.clone()))
            && let Some(r) = refs.incoming.get(orig).cloned()
        {
            refs.incoming.insert(d.id, r);
        }
    }
    for lists in refs.incoming.values_mut() {
        for list in lists.values_mut() {
            list.sort_by(|a, b| {
                (docs[*a].weight, &docs[*a].canonical).cmp(&(docs[*b].weight, &docs[*b].canonical))
            });
            list.dedup();
        }
    }
    (refs, ds)
}

/// Every target some `ref` field names, with its pages.
fn targets<'a>(
    config: &Config,
    kinds: &'a Kinds,
    sources: &'a [std::sync::Arc<SourceDoc>],
) -> HashMap<&'a RefTarget, Targets<'a>> {
    let mut wanted: Vec<&RefTarget> = Vec::new();
    for k in kinds.iter() {
        for f in &k.fields {
            collect_targets(&f.ty, &mut wanted);
        }
    }
    let mut targets = HashMap::new();
    for target in wanted {
        if !targets.contains_key(target) {
            targets.insert(target, target_pages(config, target, sources));
        }
    }
    targets
}

/// The pages of one target (published or not, any language), with their names.
fn target_pages<'a>(
    config: &Config,
    target: &RefTarget,
    sources: &'a [std::sync::Arc<SourceDoc>],
) -> Targets<'a> {
    let mut t = Targets::default();
    for s in sources {
        let member = match target {
            RefTarget::Kind(k) => {
                if s.is_section {
                    if t.section.is_none()
                        && s.lang == config.default_language
                        && s.front_matter.kind.as_deref() == Some(k.as_str())
                    {
                        t.section = Some(
                            s.canonical
                                .trim_end_matches("_index.md")
                                .trim_end_matches('/')
                                .to_owned(),
                        );
                    }
                    false
                } else {
                    s.front_matter.data.name() == k
                }
            }
            RefTarget::Section(sec) => {
                t.section = Some(sec.clone());
                !s.is_section && s.canonical.starts_with(&format!("{sec}/"))
            }
        };
        if !member {
            continue;
        }
        let slug = ref_slug(&s.canonical);
        t.slugs.insert(slug, &s.canonical);
        let entry = t.names.entry(slug).or_default();
        let own = s.front_matter.data.display_name();
        let name = own.or(s.front_matter.title.as_deref());
        if s.lang == config.default_language || entry.0.is_empty() {
            entry.0 = name.unwrap_or(slug).to_owned();
        }
        entry.1.extend(own);
        entry.1.extend(s.front_matter.title.as_deref());
    }
    t
}

/// What checking a document's references needs of the site.
struct Resolver<'a> {
    config: &'a Config,
    by_key: &'a HashMap<(String, String), DocId>,
    sources: &'a [std::sync::Arc<SourceDoc>],
    targets: HashMap<&'a RefTarget, Targets<'a>>,
    /// The paths of the site's files below content/.
    asset_rels: HashSet<&'a str>,
    /// The campaign's phase numbers (site.yaml).
    phases: Vec<i64>,
}

impl Resolver<'_> {
    fn file_of(&self, d: &Doc) -> String {
        d.source.map(|s| self.sources[s].file.display().to_string()).unwrap_or_default()
    }

    fn text_of(&self, d: &Doc) -> &str {
        d.source.map(|s| self.sources[s].text.as_str()).unwrap_or("")
    }

    /// The line and column of the first `needle` in the document's file.
    fn line_of(&self, d: &Doc, needle: &str) -> (usize, usize) {
        self.text_of(d)
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(needle).map(|p| (i + 1, l[..p].chars().count() + 1)))
            .unwrap_or((1, 1))
    }

    /// The document of `canonical` in `lang`, or in the default language when it has no
    /// translation.
    fn doc_of(&self, canonical: &str, lang: &str) -> Option<DocId> {
        self.by_key
            .get(&(canonical.to_owned(), lang.to_owned()))
            .or_else(|| {
                self.by_key.get(&(canonical.to_owned(), self.config.default_language.clone()))
            })
            .copied()
    }

    /// The document's `ref` fields, added to the lists both ways; a slug that names no
    /// page of the target is an error.
    fn refs(&self, d: &Doc, refs: &mut Refs, ds: &mut Diagnostics) {
        let kind = d.data.name();
        d.data.each(&|ty| matches!(ty, FieldType::Ref(_)), &mut |leaf| {
            let (FieldType::Ref(target), FieldValue::Text(slug)) = (leaf.ty, leaf.value) else {
                return;
            };
            let Some(t) = self.targets.get(target) else { return };
            match t.slugs.get(slug.as_str()).and_then(|c| self.doc_of(c, &d.lang)) {
                Some(to) => {
                    refs.outgoing
                        .entry(d.id)
                        .or_default()
                        .entry(leaf.field.name.clone())
                        .or_default()
                        .push(to);
                    refs.incoming
                        .entry(to)
                        .or_default()
                        .entry(kind.to_owned())
                        .or_default()
                        .push(d.id);
                }
                None if !t.slugs.contains_key(slug.as_str()) => {
                    ds.push(self.dangling(d, slug, &leaf.field.name, target, t))
                }
                None => {} // the page exists but is not published in this build
            }
        });
    }

    /// The error for `field: slug`, which names no page of `target`, with the page the
    /// editor most likely meant.
    fn dangling(
        &self,
        d: &Doc,
        slug: &str,
        field: &str,
        target: &RefTarget,
        t: &Targets<'_>,
    ) -> Diagnostic {
        let (l, c) = self.line_of(d, slug);
        let (what, note) = match (target, &t.section) {
            (RefTarget::Kind(k), Some(sec)) => (
                format!("a {k} page"),
                format!(
                    "no {k} page content/{sec}/{slug}.md (or any `kind: {k}` page named `{slug}`)"
                ),
            ),
            (RefTarget::Kind(k), None) => {
                (format!("a {k} page"), format!("no `kind: {k}` page is named `{slug}`"))
            }
            (RefTarget::Section(sec), _) => {
                (format!("a page of content/{sec}/"), format!("no page content/{sec}/{slug}.md"))
            }
        };
        let hint = match named(&t.names, slug).or_else(|| closest(slug, t.slugs.keys().copied())) {
            Some(best) => match t.names.get(best) {
                Some((name, _)) if name != best => format!("did you mean `{best}` ({name})?"),
                _ => format!("did you mean `{best}`?"),
            },
            None => match (t.slugs.iter().next(), target) {
                (Some((example, canonical)), _) => format!(
                    "use the file name of the page, such as `{example}` for content/{canonical}"
                ),
                (None, RefTarget::Kind(k)) => {
                    format!("use the file name of a page in a section with `kind: {k}`")
                }
                (None, RefTarget::Section(sec)) => {
                    format!("use the file name of a page in content/{sec}/")
                }
            },
        };
        Diagnostic::error(codes::E0204, format!("`{field}: {slug}` does not name {what}"))
            .file(self.file_of(d))
            .at(self.text_of(d), l, c)
            .note(note)
            .hint(hint)
    }

    /// The document's `file` fields: each names a file beside the page (or `@/` a
    /// content file) that exists.
    fn files(&self, d: &Doc, ds: &mut Diagnostics) {
        let dir = d
            .source
            .map(|s| self.sources[s].rel.rsplit_once('/').map(|(a, _)| a).unwrap_or(""))
            .unwrap_or("");
        d.data.each(&|ty| matches!(ty, FieldType::File), &mut |leaf| {
            let FieldValue::Text(file) = leaf.value else { return };
            let ok = if let Some(target) = file.strip_prefix("@/") {
                let target = target.split('#').next().unwrap_or(target);
                self.sources.iter().any(|s| s.canonical == target || s.rel == target)
            } else {
                let rel = if dir.is_empty() { file.clone() } else { format!("{dir}/{file}") };
                self.asset_rels.contains(rel.as_str()) || self.asset_rels.contains(file.as_str())
            };
            if !ok {
                let (l, c) = self.line_of(d, file);
                let expected = if let Some(target) = file.strip_prefix("@/") {
                    format!("content/{target}")
                } else if dir.is_empty() {
                    format!("content/{file}")
                } else {
                    format!("content/{dir}/{file}")
                };
                ds.push(
                    Diagnostic::error(codes::E0204, format!("the file `{file}` does not exist"))
                        .file(self.file_of(d))
                        .at(self.text_of(d), l, c)
                        .note(format!("expected the file {expected}"))
                        .hint(format!("put the file beside the page, or fix `{}:`", leaf.name)),
                );
            }
        });
    }

    /// An integer field `phase` names a phase of the campaign.
    fn phase(&self, d: &Doc, ds: &mut Diagnostics) {
        let Some(FieldValue::Integer(p)) = d.data.get("phase") else { return };
        if self.phases.contains(p) {
            return;
        }
        let (l, c) = self.line_of(d, "phase");
        let known: Vec<String> = self.phases.iter().map(i64::to_string).collect();
        ds.push(
            Diagnostic::error(codes::E0204, format!("`phase: {p}` is not a phase of the campaign"))
                .file(self.file_of(d))
                .at(self.text_of(d), l, c)
                .note("the phases are listed in site.yaml under `campaign: phases:`")
                .hint(if known.is_empty() {
                    "add `campaign: phases:` to site.yaml".to_owned()
                } else {
                    format!("use one of: {}", known.join(", "))
                }),
        );
    }
}

fn collect_targets<'a>(ty: &'a FieldType, out: &mut Vec<&'a RefTarget>) {
    match ty {
        FieldType::Ref(t) => out.push(t),
        FieldType::List(of) => collect_targets(of, out),
        FieldType::Object(fields) => fields.iter().for_each(|f| collect_targets(&f.ty, out)),
        _ => {}
    }
}

/// When the page's declared `window` opens and closes (the moments its status
/// changes). A bare date in the closing field (no time) means the end of that day.
pub fn window(d: &Doc) -> Option<(jiff::Zoned, jiff::Zoned)> {
    let (_, ends_field) = d.data.decl.as_ref()?.window.as_ref()?;
    let (starts, ends) = d.kind_dates.window(&d.data)?;
    let bare = d.data.text(ends_field).is_some_and(|e| e.trim().len() == 10);
    let end = if bare { ends.checked_add(jiff::Span::new().days(1)).ok()? } else { ends.clone() };
    Some((starts.clone(), end))
}

/// Whether a page with a `window` is upcoming, open or closed at `now`.
pub fn window_status(d: &Doc, now: Timestamp) -> Option<&'static str> {
    let (starts, end) = window(d)?;
    Some(if now < starts.timestamp() {
        "upcoming"
    } else if now < end.timestamp() {
        "open"
    } else {
        "closed"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lead_to_slugs() {
        let mut names = BTreeMap::new();
        names.insert("harbin", ("哈尔滨市".to_owned(), vec!["哈尔滨市", "哈尔滨", "Harbin"]));
        names.insert("daxinganling", ("大兴安岭地区".to_owned(), vec!["大兴安岭地区"]));
        names.insert("daqing", ("大庆市".to_owned(), vec!["大庆市"]));
        assert_eq!(named(&names, "哈尔滨市"), Some("harbin"));
        assert_eq!(named(&names, "harbin"), Some("harbin"));
        assert_eq!(named(&names, "大兴安岭"), Some("daxinganling"));
        // 大 starts two names (and is one character): no guess.
        assert_eq!(named(&names, "大"), None);
        assert_eq!(named(&names, "大庆"), Some("daqing"));
        assert_eq!(named(&names, "齐齐哈尔"), None);
    }

    #[test]
    fn ref_slugs() {
        assert_eq!(ref_slug("cities/harbin.md"), "harbin");
        assert_eq!(ref_slug("cities/harbin/index.md"), "harbin");
    }
}
