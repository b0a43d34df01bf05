//! Site search that understands Chinese: a static index per language, written with the
//! site, and read by a small browser module (`themes/default/static/js/search.js`).
//!
//! **One tokenizer, both sides.** [`tokenize`] and the browser's `tokenize` cut text
//! the same way (a shared list of cases, `tests/search/tokenizer-cases.json`, holds both
//! to it): the text is normalised (NFKD, combining marks removed, lower case); a run of
//! Chinese characters gives every character and every pair of neighbouring characters,
//! so any two or more consecutive characters of a page are found (段简 in 这是一段简单的
//! 测试文本); quotation marks do not break such a run (新“食”尚 gives 食尚); a run of
//! letters and digits is one token (`craftsman`, `2022`, `500`).
//! A query keeps only the pairs of a longer Chinese run, so 二十大 asks for 二十 and 十大.
//!
//! **Layout** (under `/_search/<lang>/`, all JSON):
//! - `meta.json`: counts, the average length, kind and city names, and per document
//!   its kind, city and length (for filters and BM25);
//! - `t/<n>.json`: the postings of the terms whose hash falls in shard `n`: term →
//!   `[doc delta, weight, doc delta, weight, …]`; a query fetches only its terms' shards;
//! - `d/<n>.json`: documents `2n` and `2n+1`: URL, title, kind, city, date and text,
//!   fetched for the results shown.
//!
//! **Ranking**: BM25 over weighted term frequencies (title ×6, headings and the kind's
//! named fields ×3, description ×2, body ×1); every query term must match (else the
//! documents matching the most terms); among the best 10, a document containing the
//! whole query as written gets ×1.5, and ×1.5 again when its title does.

pub mod query;

use std::sync::Arc;

use rustc_hash::FxHashMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::content::kinds::{FieldValue, KindData};
use crate::content::markdown::Rendered;
use crate::model::{DocId, Site};

/// Documents per `d/<n>.json` file (a query fetches the files of its best ten).
pub const CHUNK: usize = 2;

/// Characters of a page's text kept for its excerpt.
const TEXT: usize = 500;

/// Field weights.
const TITLE: u32 = 6;
const HEADING: u32 = 3;
const DESCRIPTION: u32 = 2;
const BODY: u32 = 1;

/// Normalises text the way both sides do: NFKD, combining marks removed, lower case.
///
/// Fast path: ASCII and the common Chinese characters (U+4E00–U+9FFF) have no
/// decomposition and are starters, which canonical reordering never crosses, so only
/// the runs of other characters go through NFKD; the result is the same as NFKD of the
/// whole text (`normalize_matches_whole_text_nfkd` holds it to that).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let fast = rest.find(|c: char| !is_plain(c)).unwrap_or(rest.len());
        out.extend(rest[..fast].chars().map(|c| c.to_ascii_lowercase()));
        rest = &rest[fast..];
        let slow = rest.find(is_plain).unwrap_or(rest.len());
        out.extend(
            rest[..slow]
                .nfkd()
                .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
                .flat_map(char::to_lowercase),
        );
        rest = &rest[slow..];
    }
    out
}

/// A character [`normalize`] only lower-cases: ASCII or a common Chinese character.
fn is_plain(c: char) -> bool {
    c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// A Chinese (Han) character.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ffff}' | '\u{30000}'..='\u{3134f}')
}

/// Marks that a run of Chinese characters carries on through.
pub const QUOTES: &str = "“”‘’「」『』《》〈〉\"'";

/// One of [`QUOTES`] (a match, not a search of the string for every character of a run).
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '“' | '”'
            | '‘'
            | '’'
            | '「'
            | '」'
            | '『'
            | '』'
            | '《'
            | '》'
            | '〈'
            | '〉'
            | '"'
            | '\''
    )
}

/// Cuts normalised text into terms: Han characters and pairs, words of letters and digits.
/// `query`: a Han run of two or more characters gives only its pairs.
pub fn tokenize(text: &str, query: bool) -> Vec<String> {
    terms(text, if query { Singles::OnlyAlone } else { Singles::All })
}

/// Which single Han characters a text gives as terms.
#[derive(Clone, Copy, PartialEq)]
enum Singles {
    /// Every character (short fields of a page: one-character queries find them).
    All,
    /// Only a character standing alone (a query; and a page's body, which would
    /// otherwise double the index for the rare one-character query).
    OnlyAlone,
}

fn terms(text: &str, singles: Singles) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, singles, &mut |t| out.push(t.to_owned()));
    out
}

/// Calls `f` with each term of `text`, in order, without allocating a string per term.
fn each_term(text: &str, singles: Singles, f: &mut dyn FnMut(&str)) {
    let alone_only = singles == Singles::OnlyAlone;
    let text = normalize(text);
    let mut word = String::new();
    let mut han: Vec<char> = Vec::new();
    let mut buf = [0u8; 8];
    let mut flush_han = |han: &mut Vec<char>, f: &mut dyn FnMut(&str)| {
        if han.len() == 1 || !alone_only {
            for c in han.iter() {
                f(c.encode_utf8(&mut buf));
            }
        }
        for pair in han.windows(2) {
            let n = pair[0].len_utf8();
            pair[0].encode_utf8(&mut buf);
            let m = pair[1].encode_utf8(&mut buf[n..]).len();
            f(std::str::from_utf8(&buf[..n + m]).unwrap_or_default());
        }
        han.clear();
    };
    for c in text.chars() {
        // Quotation marks inside Chinese text do not end a run: 新“食”尚 gives 食尚.
        if !han.is_empty() && word.is_empty() && is_quote(c) {
            continue;
        }
        if is_han(c) {
            if !word.is_empty() {
                f(&word);
                word.clear();
            }
            han.push(c);
        } else if c.is_alphanumeric() {
            if !han.is_empty() {
                flush_han(&mut han, f);
            }
            word.push(c);
        } else {
            if !word.is_empty() {
                f(&word);
                word.clear();
            }
            if !han.is_empty() {
                flush_han(&mut han, f);
            }
        }
    }
    if !word.is_empty() {
        f(&word);
    }
    if !han.is_empty() {
        flush_han(&mut han, f);
    }
}

/// FNV-1a over the term's UTF-8 bytes: which shard holds it (the browser computes the same).
pub fn shard_of(term: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h as usize) % shards
}

/// The documents of a language that go into its index: published pages and sections
/// with their own text in that language (not a fallback copy of another language).
pub fn indexed_docs(site: &Site, lang: &str) -> Vec<DocId> {
    site.docs
        .iter()
        .filter(|d| d.lang == lang && !d.fallback && d.source.is_some())
        .map(|d| d.id)
        .collect()
}

/// How many shards an index of `docs` documents has: about 48 documents' worth of terms
/// per shard, a power of two between 8 and 1024.
pub fn shard_count(docs: usize) -> usize {
    (docs / 48).next_power_of_two().clamp(8, 1024)
}

/// How many `d/<n>.json` files.
pub fn chunk_count(docs: usize) -> usize {
    docs.div_ceil(CHUNK).max(1)
}

/// One language's index, ready to write.
#[derive(Debug)]
pub struct Index {
    /// `meta.json`.
    pub meta: Vec<u8>,
    /// `t/<n>.json`.
    pub shards: Vec<Vec<u8>>,
    /// `d/<n>.json`.
    pub chunks: Vec<Vec<u8>>,
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    n: usize,
    shards: usize,
    chunk: usize,
    avgdl: f64,
    kinds: Vec<&'a str>,
    cities: Vec<String>,
    /// Per document: kind index, city index (-1: none), length.
    k: Vec<usize>,
    c: Vec<i64>,
    l: Vec<u32>,
}

/// What a result shows.
#[derive(Serialize)]
struct Shown {
    u: String,
    t: String,
    k: String,
    c: String,
    d: String,
    x: String,
}

/// Plain text of rendered HTML: tags removed (a block's edge becomes a space, an inline
/// tag nothing, so 劳模<b>工匠</b> stays one run), entities decoded, spaces collapsed.
pub fn html_text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "td",
        "th",
        "tr",
        "table",
        "blockquote",
        "pre",
        "hr",
        "dt",
        "dd",
        "dl",
        "figure",
        "figcaption",
        "section",
        "article",
        "aside",
        "nav",
        "header",
        "footer",
        "img",
        "summary",
        "details",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag = &rest[i + 1..];
        let end = tag.find('>').map_or(rest.len(), |j| i + 1 + j + 1);
        // The tag's name, compared without allocating (ASCII letters and digits only).
        let name = tag.trim_start_matches('/');
        let name = &name[..name.bytes().take_while(u8::is_ascii_alphanumeric).count()];
        if BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name)) {
            out.push(' ');
        }
        rest = &rest[end.min(rest.len())..];
    }
    out.push_str(rest);
    // &nbsp; first: `&amp;nbsp;` is the text "&nbsp;", not a space.
    if out.contains("&nbsp;") {
        out = out.replace("&nbsp;", " ");
    }
    let decoded = crate::escape::unescape(&out);
    // Words joined by one space, without a list of them first.
    let mut text = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

/// The name of a document: its kind's `name` field, else its title.
fn name_of(d: &crate::model::Doc) -> String {
    d.data.display_name().map_or_else(|| d.title.clone(), str::to_owned)
}

/// The place facet of a document: the page itself when other kinds refer to pages of
/// its kind (a city), else the first page its `ref` fields name (a lecturer's city, the
/// first of a notice's cities), by name in its language.
fn city_of(site: &Site, id: DocId) -> Option<String> {
    let d = &site.docs[id];
    d.data.decl.as_ref()?;
    if site.kinds.refer_to(d.data.name()) {
        return Some(name_of(d));
    }
    let out = site.refs.outgoing.get(&id)?;
    let decl = d.data.decl.as_ref()?;
    let first = decl.fields.iter().find_map(|f| out.get(&f.name)?.first())?;
    Some(name_of(&site.docs[*first]))
}

/// The kind's searchable fields (`search:` in its file) with their weights, as text.
fn kind_fields(data: &KindData) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let Some(decl) = &data.decl else { return out };
    fn texts(v: &FieldValue, path: &[&str], out: &mut Vec<String>) {
        match (v, path) {
            (FieldValue::List(items), _) => items.iter().for_each(|i| texts(i, path, out)),
            (FieldValue::Object(map), [first, rest @ ..]) => {
                if let Some(x) = map.get(*first) {
                    texts(x, rest, out);
                }
            }
            (FieldValue::Text(t), []) => out.push(t.clone()),
            (FieldValue::Integer(i), []) => out.push(i.to_string()),
            (FieldValue::Number(n), []) => out.push(n.to_string()),
            _ => {}
        }
    }
    for (path, weight) in &decl.search {
        let parts: Vec<&str> = path.split('.').collect();
        let Some(v) = data.get(parts[0]) else { continue };
        let mut found = Vec::new();
        texts(v, &parts[1..], &mut found);
        out.extend(found.into_iter().map(|t| (t, *weight)));
    }
    out
}

/// A document's distinct terms: their text one after another in `text`, and per term
/// (in order of first occurrence) where it ends in `text`, its shard and its summed
/// weight.
struct DocTerms {
    text: String,
    terms: Vec<(u32, u32, u32)>,
}

impl DocTerms {
    /// From every occurrence, `(start, end, weight)` in `occ_text`.
    fn from_occurrences(occ_text: &str, occ: Vec<(u32, u32, u32)>, shards: usize) -> Self {
        // Keys borrow `occ_text`: no string is allocated per term.
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        seen.reserve(occ.len());
        let mut text = String::new();
        let mut terms: Vec<(u32, u32, u32)> = Vec::new();
        for (s, e, w) in occ {
            let t = &occ_text[s as usize..e as usize];
            match seen.get(t) {
                Some(&i) => terms[i].2 += w,
                None => {
                    seen.insert(t, terms.len());
                    text.push_str(t);
                    terms.push((text.len() as u32, shard_of(t, shards) as u32, w));
                }
            }
        }
        DocTerms { text, terms }
    }

    /// Each term with its shard and weight.
    fn each(&self) -> impl Iterator<Item = (&str, u32, u32)> {
        let mut start = 0;
        self.terms.iter().map(move |&(end, shard, w)| {
            let t = &self.text[start..end as usize];
            start = end as usize;
            (t, shard, w)
        })
    }
}

/// Documents analysed by one task: their terms go straight into per-shard lists, so a
/// document's terms are held once (not per document and again per shard).
const STRETCH: usize = 512;

/// Postings of one shard from one stretch of documents: the terms' text one after
/// another, and per posting its document number, weight and where its term ends in
/// `text`; in document order.
#[derive(Default)]
struct Postings {
    text: String,
    entries: Vec<(u32, u32, u32)>,
}

/// What the index keeps of a document besides its terms.
struct DocInfo<'a> {
    /// Number of terms (with repeats), for BM25.
    len: u32,
    kind: &'a str,
    city: Option<String>,
    shown: Shown,
}

/// A stretch of documents, analysed: each document's info and the shards' postings.
struct Stretch<'a> {
    docs: Vec<DocInfo<'a>>,
    shards: Vec<Postings>,
}

/// One document's terms with their weights, its length in terms, and the start of its
/// body's text (all an excerpt can show).
fn analyse_doc<'a>(
    site: &Site,
    rendered: &[Arc<Rendered>],
    html: &(dyn Fn(DocId) -> &'a str + Sync),
    id: DocId,
    shards: usize,
) -> (DocTerms, u32, String) {
    let d = &site.docs[id];
    let body = if rendered.get(id).is_some() { html_text(html(id)) } else { String::new() };
    // Every occurrence, its text one after the other in `occ_text` (no string per term:
    // a page has hundreds).
    let mut occ_text = String::new();
    let mut occ: Vec<(u32, u32, u32)> = Vec::new();
    let mut len = 0;
    let mut add = |text: &str, w: u32| {
        let singles = if w == BODY { Singles::OnlyAlone } else { Singles::All };
        each_term(text, singles, &mut |t| {
            let start = occ_text.len() as u32;
            occ_text.push_str(t);
            occ.push((start, occ_text.len() as u32, w));
            len += 1;
        });
    };
    add(&d.title, TITLE);
    if let Some(desc) = &d.description {
        add(desc, DESCRIPTION);
    }
    fn headings(toc: &[crate::content::markdown::TocEntry], add: &mut dyn FnMut(&str, u32)) {
        for h in toc {
            add(&h.title, HEADING);
            headings(&h.children, add);
        }
    }
    if let Some(r) = rendered.get(id) {
        headings(&r.toc, &mut add);
    }
    for (f, w) in kind_fields(&d.data) {
        add(&f, w);
    }
    add(&body, BODY);
    // Only the start of the body can reach the excerpt (TEXT characters; one more keeps
    // a space at the cut, which the trim in `doc_info` would remove, as it is in the
    // whole text): the rest need not be kept until then.
    let body = match body.char_indices().nth(TEXT + 1) {
        Some((cut, _)) => body[..cut].to_owned(),
        None => body,
    };
    (DocTerms::from_occurrences(&occ_text, occ, shards), len, body)
}

/// A document's kind, place and what a result shows (`body`: the start of its text).
fn doc_info<'a>(
    site: &'a Site,
    id: DocId,
    len: u32,
    body: &str,
    kind_label: &(dyn Fn(&str) -> String + Sync),
) -> DocInfo<'a> {
    let d = &site.docs[id];
    let kind = if d.is_section { "section" } else { d.data.name() };
    let city = city_of(site, id);
    let date = d.date.as_ref().map(|t| t.date().to_string());
    // What the excerpt can show: the description, the kind's named fields (a lecturer's
    // honours), then the body.
    let mut text = d.description.clone().unwrap_or_default();
    for (f, _) in kind_fields(&d.data) {
        text = format!("{text} {f}");
    }
    let mut text = format!("{} {body}", text.trim()).trim().to_owned();
    if text.chars().count() > TEXT {
        text = text.chars().take(TEXT).collect();
    }
    let shown = Shown {
        u: site.permalink(d),
        t: d.title.clone(),
        k: kind_label(kind),
        c: city.clone().unwrap_or_default(),
        d: date.unwrap_or_default(),
        x: text,
    };
    DocInfo { len, kind, city, shown }
}

/// Analyses the documents `ids`, numbered from `first` in the index.
fn analyse_stretch<'a, 'h>(
    site: &'a Site,
    rendered: &[Arc<Rendered>],
    html: &(dyn Fn(DocId) -> &'h str + Sync),
    ids: &[DocId],
    first: usize,
    shards: usize,
    kind_label: &(dyn Fn(&str) -> String + Sync),
) -> Stretch<'a> {
    let mut out = Stretch {
        docs: Vec::with_capacity(ids.len()),
        shards: (0..shards).map(|_| Postings::default()).collect(),
    };
    for (i, &id) in ids.iter().enumerate() {
        let (terms, len, body) = analyse_doc(site, rendered, html, id, shards);
        let n = (first + i) as u32;
        for (t, shard, w) in terms.each() {
            let p = &mut out.shards[shard as usize];
            p.text.push_str(t);
            p.entries.push((n, w, p.text.len() as u32));
        }
        out.docs.push(doc_info(site, id, len, &body, kind_label));
    }
    out
}

/// One shard's file from its postings (one part per stretch, in document order): a
/// JSON object of term → `[doc delta, weight, …]`, terms in order (the output must not
/// depend on hashing).
fn shard_file(parts: &[Postings]) -> Vec<u8> {
    let mut terms: FxHashMap<&str, (u32, Vec<u32>)> = FxHashMap::default();
    for p in parts {
        let mut start = 0;
        for &(n, w, end) in &p.entries {
            let t = &p.text[start..end as usize];
            start = end as usize;
            let e = terms.entry(t).or_insert((0, Vec::new()));
            e.1.push(n - e.0);
            e.1.push(w);
            e.0 = n;
        }
    }
    let mut sorted: Vec<(&str, Vec<u32>)> = terms.into_iter().map(|(t, (_, v))| (t, v)).collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::with_capacity(sorted.iter().map(|(t, v)| t.len() + v.len() * 4 + 8).sum());
    out.push(b'{');
    for (i, (t, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend(crate::escape::safe_json(t));
        out.push(b':');
        out.extend(crate::escape::safe_json(v));
    }
    out.push(b'}');
    out
}

/// `meta.json` and the shown documents, in document order, from the stretches' infos.
fn meta_and_shown<'a>(
    docs: impl Iterator<Item = DocInfo<'a>>,
    n: usize,
    shards: usize,
) -> (Vec<u8>, Vec<Shown>) {
    let mut kinds: Vec<&str> = Vec::new();
    let mut cities: Vec<String> = Vec::new();
    let (mut k, mut c, mut l) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let mut shown = Vec::with_capacity(n);
    for info in docs {
        let ki = kinds.iter().position(|x| *x == info.kind).unwrap_or_else(|| {
            kinds.push(info.kind);
            kinds.len() - 1
        });
        let ci = match info.city {
            Some(city) => cities.iter().position(|x| *x == city).unwrap_or_else(|| {
                cities.push(city);
                cities.len() - 1
            }) as i64,
            None => -1,
        };
        k.push(ki);
        c.push(ci);
        l.push(info.len);
        shown.push(info.shown);
    }
    let total: u64 = l.iter().map(|&x| u64::from(x)).sum();
    let avgdl = if n == 0 { 0.0 } else { (total as f64 / n as f64 * 100.0).round() / 100.0 };
    let meta = Meta { v: 1, n, shards, chunk: CHUNK, avgdl, kinds, cities, k, c, l };
    (crate::escape::safe_json(&meta), shown)
}

/// Builds the index of `lang` from the model and the rendered bodies (`rendered`, by
/// document id, for their headings; `html` gives a body's HTML). `kind_label` names a
/// kind in that language.
///
/// Stretches of documents are analysed in parallel, each into per-shard postings; each
/// shard's file is then made from its parts, in parallel, freeing them as it goes.
pub fn build<'h>(
    site: &Site,
    rendered: &[Arc<Rendered>],
    html: &(dyn Fn(DocId) -> &'h str + Sync),
    lang: &str,
    kind_label: &(dyn Fn(&str) -> String + Sync),
) -> Index {
    use rayon::prelude::*;
    let ids = indexed_docs(site, lang);
    let shards = shard_count(ids.len());
    let stretches: Vec<Stretch<'_>> = ids
        .par_chunks(STRETCH)
        .enumerate()
        .map(|(i, chunk)| {
            analyse_stretch(site, rendered, html, chunk, i * STRETCH, shards, kind_label)
        })
        .collect();
    let mut by_shard: Vec<Vec<Postings>> =
        (0..shards).map(|_| Vec::with_capacity(stretches.len())).collect();
    let mut infos = Vec::with_capacity(stretches.len());
    for s in stretches {
        for (parts, p) in by_shard.iter_mut().zip(s.shards) {
            parts.push(p);
        }
        infos.push(s.docs);
    }
    let (meta, shown) = meta_and_shown(infos.into_iter().flatten(), ids.len(), shards);
    let shard_files: Vec<Vec<u8>> =
        by_shard.into_par_iter().map(|parts| shard_file(&parts)).collect();
    let mut chunks: Vec<Vec<u8>> = shown.par_chunks(CHUNK).map(crate::escape::safe_json).collect();
    if chunks.is_empty() {
        chunks.push(b"[]".to_vec());
    }
    Index { meta, shards: shard_files, chunks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_cut_into_characters_and_pairs() {
        assert_eq!(tokenize("二十大", false), ["二", "十", "大", "二十", "十大"]);
        assert_eq!(tokenize("二十大", true), ["二十", "十大"]);
        assert_eq!(tokenize("劳", true), ["劳"]);
        // Any two consecutive characters of the text are among its terms.
        let text = tokenize("这是一段简单的测试文本", false);
        for q in ["段简", "简单", "测试文本"] {
            assert!(tokenize(q, true).iter().all(|t| text.contains(t)), "{q}");
        }
    }

    #[test]
    fn latin_words_are_folded_and_numbers_kept() {
        assert_eq!(tokenize("Craftsman's Café, 2022!", false), ["craftsman", "s", "cafe", "2022"]);
        assert_eq!(tokenize("500万人次", false), ["500", "万", "人", "次", "万人", "人次"]);
        assert_eq!(tokenize("ＣＣＴＶ２０２２", false), ["cctv2022"], "full-width letters");
    }

    #[test]
    fn normalize_matches_whole_text_nfkd() {
        let whole = |t: &str| -> String {
            t.nfkd()
                .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
                .flat_map(char::to_lowercase)
                .collect()
        };
        for t in [
            "",
            "ＣＣＴＶ２０２２，全省职工喜迎二十大！",
            "Café e\u{301}\u{316}x Ω ℌ ﬁ 劳模「工匠」",
            "a\u{5b0}\u{591}b\u{316}\u{301}中\u{301}\u{316}",
            "丽\u{f900}豈 ①② Ǆ İ ΣΑΣ",
        ] {
            assert_eq!(normalize(t), whole(t), "{t:?}");
        }
    }

    #[test]
    fn shards_are_stable() {
        assert_eq!(shard_of("劳模", 1), 0);
        assert_eq!(shard_of("", 16), (0x811c_9dc5u32 as usize) % 16);
        assert!(shard_of("craftsman", 64) < 64);
    }

    #[test]
    fn is_quote_is_quotes() {
        for c in QUOTES.chars() {
            assert!(is_quote(c), "{c}");
        }
        for c in ['a', '中', '。', '，', ' ', '-', '\u{2018}'] {
            assert_eq!(is_quote(c), QUOTES.contains(c), "{c}");
        }
        assert_eq!(QUOTES.chars().count(), 14);
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(html_text("<p>劳模<b>工匠</b></p>\n<p>A &amp; B</p>"), "劳模工匠 A & B");
        assert_eq!(html_text("a<BR>b<Br/>c<brx>d</P >e<h2 id=x>f"), "a b cd e f");
        assert_eq!(html_text("a&nbsp;b &amp;nbsp; &lt;c&gt;\n\t d "), "a b &nbsp; <c> d");
    }
}
