//! Searching a built index, exactly as the browser module does: the same terms, shards,
//! BM25 and bonuses. Tests run the quality set through it against the files a build
//! wrote; `search.js` is the same algorithm in JavaScript.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::{normalize, shard_of, tokenize};

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// How many of the best documents are fetched and looked at for the phrase bonus.
pub const RERANK: usize = 10;

#[derive(Debug, Deserialize)]
struct Meta {
    n: usize,
    shards: usize,
    chunk: usize,
    avgdl: f64,
    kinds: Vec<String>,
    cities: Vec<String>,
    k: Vec<usize>,
    c: Vec<i64>,
    l: Vec<u32>,
}

/// A document as a result shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct Hit {
    /// URL.
    #[serde(rename = "u")]
    pub url: String,
    /// Title.
    #[serde(rename = "t")]
    pub title: String,
    /// Kind, in the index's language.
    #[serde(rename = "k")]
    pub kind: String,
    /// City, or empty.
    #[serde(rename = "c")]
    pub city: String,
    /// Date, or empty.
    #[serde(rename = "d")]
    pub date: String,
    /// Text for the excerpt.
    #[serde(rename = "x")]
    pub text: String,
}

/// Filters of a query.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    /// A kind name (`lecturer`, `city`, `notice`, `activity`, `page`, `section`).
    pub kind: Option<String>,
    /// A city name, as the index has it.
    pub city: Option<String>,
}

/// A language's index, read through `load` (a path under `/_search/<lang>/` → bytes).
pub struct Searcher<F: Fn(&str) -> Option<Vec<u8>>> {
    load: F,
    meta: Meta,
    /// Bytes read so far (uncompressed), for measurements.
    pub bytes: std::cell::Cell<usize>,
}

impl<F: Fn(&str) -> Option<Vec<u8>>> Searcher<F> {
    /// Reads `meta.json`.
    pub fn open(load: F) -> Option<Self> {
        let raw = load("meta.json")?;
        let meta = serde_json::from_slice(&raw).ok()?;
        Some(Searcher { load, meta, bytes: std::cell::Cell::new(raw.len()) })
    }

    fn json<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Option<T> {
        let raw = (self.load)(path)?;
        self.bytes.set(self.bytes.get() + raw.len());
        serde_json::from_slice(&raw).ok()
    }

    /// The best `limit` documents for `q`.
    pub fn search(&self, q: &str, filters: &Filters, limit: usize) -> Vec<Hit> {
        let mut terms = tokenize(q, true);
        terms.sort();
        terms.dedup();
        if terms.is_empty() || self.meta.n == 0 {
            return Vec::new();
        }
        let m = &self.meta;
        let kind = filters.kind.as_ref().map(|k| m.kinds.iter().position(|x| x == k));
        let city = filters.city.as_ref().map(|c| m.cities.iter().position(|x| x == c));
        let allowed = |d: usize| {
            kind.is_none_or(|k| k == Some(m.k[d]))
                && city.is_none_or(|c| c.map(|c| c as i64) == Some(m.c[d]))
        };
        // Shards, each once.
        let mut shards: BTreeMap<usize, HashMap<String, Vec<u32>>> = BTreeMap::new();
        for t in &terms {
            let s = shard_of(t, m.shards);
            shards
                .entry(s)
                .or_insert_with(|| self.json(&format!("t/{s}.json")).unwrap_or_default());
        }
        // doc → (score, terms matched)
        let mut scores: HashMap<usize, (f64, usize)> = HashMap::new();
        for t in &terms {
            let Some(list) = shards[&shard_of(t, m.shards)].get(t) else { continue };
            let df = (list.len() / 2) as f64;
            let idf = (1.0 + (m.n as f64 - df + 0.5) / (df + 0.5)).ln();
            let mut doc = 0usize;
            for pair in list.chunks(2) {
                doc += pair[0] as usize;
                if !allowed(doc) {
                    continue;
                }
                let tf = f64::from(pair[1]);
                let len = f64::from(m.l[doc]);
                let norm = if m.avgdl > 0.0 { len / m.avgdl } else { 1.0 };
                let s = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * norm));
                let e = scores.entry(doc).or_insert((0.0, 0));
                e.0 += s;
                e.1 += 1;
            }
        }
        let most = scores.values().map(|v| v.1).max().unwrap_or(0);
        let mut ranked: Vec<(usize, f64)> =
            scores.into_iter().filter(|(_, v)| v.1 == most).map(|(d, v)| (d, v.0)).collect();
        sort(&mut ranked);
        // The phrase bonus among the best.
        let phrase: String = normalize(q).split_whitespace().collect::<Vec<_>>().join(" ");
        let top: Vec<(usize, f64)> = ranked.iter().take(RERANK).copied().collect();
        let mut chunks: HashMap<usize, Vec<Hit>> = HashMap::new();
        let mut rescored = Vec::with_capacity(top.len());
        for (d, mut s) in top {
            let c = d / m.chunk;
            chunks
                .entry(c)
                .or_insert_with(|| self.json(&format!("d/{c}.json")).unwrap_or_default());
            if let Some(hit) = chunks[&c].get(d % m.chunk) {
                if normalize(&format!("{} {}", hit.title, hit.text)).contains(&phrase) {
                    s *= 1.5;
                }
                if normalize(&hit.title).contains(&phrase) {
                    s *= 1.5;
                }
            }
            rescored.push((d, s));
        }
        sort(&mut rescored);
        rescored
            .into_iter()
            .take(limit)
            .filter_map(|(d, _)| {
                chunks.get(&(d / m.chunk)).and_then(|c| c.get(d % m.chunk)).cloned()
            })
            .collect()
    }
}

/// Best first; ties by document order (both sides sort the same way).
fn sort(v: &mut [(usize, f64)]) {
    v.sort_by(|a, b| {
        b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0))
    });
}
