//! Search: the quality set (tests/search/queries.json: each query, its language and the
//! pages that must be among the first three, `all` of them or `any` one) against the index the portal's
//! build writes, the shared tokenizer cases, and what the index leaves out.

mod common;

use std::path::Path;

use common::SiteTest;
use fenjin::search::query::{Filters, Searcher};

#[derive(serde::Deserialize)]
struct Case {
    q: String,
    lang: String,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
}

fn searcher(out: &Path, lang: &str) -> Searcher<impl Fn(&str) -> Option<Vec<u8>> + use<>> {
    let dir = out.join("_search").join(lang);
    Searcher::open(move |p: &str| std::fs::read(dir.join(p)).ok()).expect("meta.json")
}

fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/".to_owned(), |i| rest[i..].to_owned())
}

#[test]
fn the_quality_set_finds_the_expected_pages_in_the_top_three() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let o = common::fenjin(
        &[
            "build",
            "--root",
            repo.to_str().unwrap(),
            "--output",
            out.path().join("p").to_str().unwrap(),
            "--now",
            "2026-11-24",
        ],
        out.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = out.path().join("p");
    let cases: Vec<Case> = serde_json::from_str(
        &std::fs::read_to_string(repo.join("tests/search/queries.json")).unwrap(),
    )
    .unwrap();
    assert!(cases.len() >= 30, "at least 30 queries");
    let mut failures = Vec::new();
    for c in &cases {
        let s = searcher(&out, &c.lang);
        let top: Vec<String> =
            s.search(&c.q, &Filters::default(), 5).iter().map(|h| path_of(&h.url)).collect();
        let top3 = &top[..top.len().min(3)];
        let ok = c.all.iter().all(|p| top3.contains(p))
            && (c.any.is_empty() || c.any.iter().any(|p| top3.contains(p)));
        if !ok {
            failures.push(format!(
                "{} ({}): got {:?}, expected all {:?} any {:?}",
                c.q, c.lang, top, c.all, c.any
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn drafts_future_and_expired_pages_stay_out_and_filters_work() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let s = searcher(&t.out(), "zh");
    let titles =
        |q: &str, f: &Filters| s.search(q, f, 10).into_iter().map(|h| h.title).collect::<Vec<_>>();
    // The fixture's draft, future and expired pages all say so in their titles.
    for q in ["草稿", "未来", "过期"] {
        assert!(titles(q, &Filters::default()).is_empty(), "{q} found an unpublished page");
    }
    assert!(!titles("全省职工", &Filters::default()).is_empty());
    let only_sections = Filters { kind: Some("section".into()), city: None };
    assert!(titles("全省职工", &only_sections).iter().all(|t| !t.contains("第一条")));
}

#[test]
fn the_tokenizer_cases_hold_in_rust() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(repo.join("tests/search/tokenizer-cases.json")).unwrap(),
    )
    .unwrap();
    for c in cases {
        let text = c["text"].as_str().unwrap();
        let query = c["query"].as_bool().unwrap();
        let want: Vec<String> = serde_json::from_value(c["terms"].clone()).unwrap();
        assert_eq!(fenjin::search::tokenize(text, query), want, "{text:?} (query: {query})");
    }
}
