//! References between content kinds: a lecturer's `city`, the `cities` of notices and
//! activities, a notice's `attachments`, an activity's `phase`. Each is checked (a
//! dangling one is an error naming both files) and turned around, so a city page can
//! list its lecturers, notices and activities without anyone maintaining the lists.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use super::{Asset, Doc, DocId};
use crate::config::Config;
use crate::content::SourceDoc;
use crate::content::kinds::KindData;
use crate::diagnostics::{Diagnostic, Diagnostics, closest};

/// What links to a city page, per document of the city (same language).
#[derive(Debug, Clone, Default)]
pub struct CityRefs {
    /// Lecturers of the city.
    pub lecturers: Vec<DocId>,
    /// Notices naming it.
    pub notices: Vec<DocId>,
    /// Activities naming it.
    pub activities: Vec<DocId>,
}

/// The references of the whole site.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// City document → what names it.
    pub cities: HashMap<DocId, CityRefs>,
    /// Lecturer document → its city's document in the same language (or the default).
    pub city_of: HashMap<DocId, DocId>,
}

/// The slug a city is referred to by: its file name (`harbin` for `cities/harbin.md`
/// or `cities/harbin/index.md`).
pub fn city_slug(canonical: &str) -> &str {
    let stem = canonical
        .strip_suffix("/index.md")
        .or_else(|| canonical.strip_suffix(".md"))
        .unwrap_or(canonical);
    stem.rsplit('/').next().unwrap_or(stem)
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

/// Checks every reference and builds the reverse lists.
pub fn resolve(
    config: &Config,
    docs: &[Doc],
    by_key: &HashMap<(String, String), DocId>,
    sources: &[std::sync::Arc<SourceDoc>],
    assets: &[Asset],
) -> (Refs, Diagnostics) {
    let mut ds = Diagnostics::new();
    // slug → canonical of every city source (published or not, any language).
    let mut city_sources: BTreeMap<&str, &str> = BTreeMap::new();
    // Editors think in names: (slug, name in the default language, every name and title).
    let mut city_names: BTreeMap<&str, (String, Vec<&str>)> = BTreeMap::new();
    for s in sources {
        if let KindData::City(f) = &s.front_matter.data {
            let slug = city_slug(&s.canonical);
            city_sources.insert(slug, &s.canonical);
            let entry = city_names.entry(slug).or_default();
            let name = f.city.as_deref().or(s.front_matter.title.as_deref());
            if s.lang == config.default_language || entry.0.is_empty() {
                entry.0 = name.unwrap_or(slug).to_owned();
            }
            entry.1.extend(f.city.as_deref());
            entry.1.extend(s.front_matter.title.as_deref());
        }
    }
    let file_of =
        |d: &Doc| d.source.map(|s| sources[s].file.display().to_string()).unwrap_or_default();
    let text_of = |d: &Doc| d.source.map(|s| sources[s].text.as_str()).unwrap_or("");
    let line_of = |d: &Doc, needle: &str| -> (usize, usize) {
        let text = text_of(d);
        text.lines()
            .enumerate()
            .find_map(|(i, l)| l.find(needle).map(|p| (i + 1, l[..p].chars().count() + 1)))
            .unwrap_or((1, 1))
    };
    let dangling_city = |d: &Doc, slug: &str, field: &str| {
        let (l, c) = line_of(d, slug);
        let hint = match named(&city_names, slug).or_else(|| closest(slug, city_sources.keys().copied())) {
            Some(best) => match city_names.get(best) {
                Some((name, _)) if name != best => format!("did you mean `{best}` ({name})?"),
                _ => format!("did you mean `{best}`?"),
            },
            None => "use the file name of a page in a section with `kind: city`, such as `harbin` for content/cities/harbin.md".to_owned(),
        };
        Diagnostic::error("E0204", format!("`{field}: {slug}` does not name a city page"))
            .file(file_of(d))
            .at(text_of(d), l, c)
            .note(format!(
                "no city page content/cities/{slug}.md (or any `kind: city` page named `{slug}`)"
            ))
            .hint(hint)
    };
    let city_doc = |slug: &str, lang: &str| -> Option<DocId> {
        let canonical = city_sources.get(slug)?;
        by_key
            .get(&(canonical.to_string(), lang.to_owned()))
            .or_else(|| by_key.get(&(canonical.to_string(), config.default_language.clone())))
            .copied()
    };
    let asset_rels: std::collections::HashSet<&str> =
        assets.iter().map(|a| a.rel.as_str()).collect();
    let phases: Vec<u32> = config
        .campaign
        .as_ref()
        .map(|c| c.phases.iter().map(|p| p.id).collect())
        .unwrap_or_default();

    let mut refs = Refs::default();
    for d in docs.iter().filter(|d| !d.fallback) {
        match &d.data {
            KindData::Lecturer(l) => {
                if let Some(slug) = &l.city {
                    match city_doc(slug, &d.lang) {
                        Some(c) => {
                            refs.city_of.insert(d.id, c);
                            refs.cities.entry(c).or_default().lecturers.push(d.id);
                        }
                        None if !city_sources.contains_key(slug.as_str()) => {
                            ds.push(dangling_city(d, slug, "city"))
                        }
                        None => {} // the city exists but is not published in this build
                    }
                }
            }
            KindData::Notice(n) => {
                for slug in n.cities.iter().flatten() {
                    match city_doc(slug, &d.lang) {
                        Some(c) => refs.cities.entry(c).or_default().notices.push(d.id),
                        None if !city_sources.contains_key(slug.as_str()) => {
                            ds.push(dangling_city(d, slug, "cities"))
                        }
                        None => {}
                    }
                }
                let dir = d
                    .source
                    .map(|s| sources[s].rel.rsplit_once('/').map(|(a, _)| a).unwrap_or(""))
                    .unwrap_or("");
                for a in n.attachments.iter().flatten() {
                    let ok = if let Some(target) = a.file.strip_prefix("@/") {
                        let target = target.split('#').next().unwrap_or(target);
                        sources.iter().any(|s| s.canonical == target || s.rel == target)
                    } else {
                        let rel = if dir.is_empty() {
                            a.file.clone()
                        } else {
                            format!("{dir}/{}", a.file)
                        };
                        asset_rels.contains(rel.as_str()) || asset_rels.contains(a.file.as_str())
                    };
                    if !ok {
                        let (l, c) = line_of(d, &a.file);
                        let expected = if a.file.starts_with("@/") {
                            format!("content/{}", &a.file[2..])
                        } else if dir.is_empty() {
                            format!("content/{}", a.file)
                        } else {
                            format!("content/{dir}/{}", a.file)
                        };
                        ds.push(
                            Diagnostic::error(
                                "E0204",
                                format!("the attachment `{}` does not exist", a.file),
                            )
                            .file(file_of(d))
                            .at(text_of(d), l, c)
                            .note(format!("expected the file {expected}"))
                            .hint("put the file beside the notice, or fix `file:`"),
                        );
                    }
                }
            }
            KindData::Activity(a) => {
                if let Some(p) = a.phase
                    && !phases.contains(&p)
                {
                    let (l, c) = line_of(d, "phase");
                    let known: Vec<String> = phases.iter().map(u32::to_string).collect();
                    ds.push(
                        Diagnostic::error(
                            "E0204",
                            format!("`phase: {p}` is not a phase of the campaign"),
                        )
                        .file(file_of(d))
                        .at(text_of(d), l, c)
                        .note("the phases are listed in site.yaml under `campaign: phases:`")
                        .hint(if known.is_empty() {
                            "add `campaign: phases:` to site.yaml".to_owned()
                        } else {
                            format!("use one of: {}", known.join(", "))
                        }),
                    );
                }
                for slug in a.cities.iter().flatten() {
                    match city_doc(slug, &d.lang) {
                        Some(c) => refs.cities.entry(c).or_default().activities.push(d.id),
                        None if !city_sources.contains_key(slug.as_str()) => {
                            ds.push(dangling_city(d, slug, "cities"))
                        }
                        None => {}
                    }
                }
            }
            _ => {}
        }
    }
    // Fallback city pages show what names their original.
    for d in docs.iter().filter(|d| d.fallback && matches!(d.data, KindData::City(_))) {
        if let Some(orig) = by_key.get(&(d.canonical.clone(), config.default_language.clone()))
            && let Some(r) = refs.cities.get(orig).cloned()
        {
            refs.cities.insert(d.id, r);
        }
    }
    for r in refs.cities.values_mut() {
        for list in [&mut r.lecturers, &mut r.notices, &mut r.activities] {
            list.sort_by(|a, b| {
                (docs[*a].weight, &docs[*a].canonical).cmp(&(docs[*b].weight, &docs[*b].canonical))
            });
            list.dedup();
        }
    }
    (refs, ds)
}

/// When an activity opens and closes (the moment its status changes). A bare date in
/// `ends` (no time) means the end of that day.
pub fn activity_window(d: &Doc) -> Option<(jiff::Zoned, jiff::Zoned)> {
    let KindData::Activity(a) = &d.data else { return None };
    let starts = d.kind_dates.starts.clone()?;
    let ends = d.kind_dates.ends.as_ref()?;
    let bare = a.ends.as_deref().is_some_and(|e| e.trim().len() == 10);
    let end = if bare { ends.checked_add(jiff::Span::new().days(1)).ok()? } else { ends.clone() };
    Some((starts, end))
}

/// Whether an activity is upcoming, open or closed at `now`. A bare date in `ends`
/// (no time) means the end of that day.
pub fn activity_status(d: &Doc, now: Timestamp) -> Option<&'static str> {
    let (starts, end) = activity_window(d)?;
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
    fn city_slugs() {
        assert_eq!(city_slug("cities/harbin.md"), "harbin");
        assert_eq!(city_slug("cities/harbin/index.md"), "harbin");
    }
}
