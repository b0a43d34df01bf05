//! A whole small site: the input is cut at 0xFF bytes (never part of UTF-8 text) into
//! site.yaml, the home page, a page, its translation and a site template, in that order;
//! the parts not given keep the base site's file.
#![no_main]

use libfuzzer_sys::fuzz_target;

const PARTS: &[&str] = &[
    "site.yaml",
    "content/_index.md",
    "content/news/a.md",
    "content/news/a.en.md",
    "templates/page.html",
];

fuzz_target!(|data: &[u8]| {
    let parts: Vec<(&str, &[u8])> =
        PARTS.iter().copied().zip(data.split(|b| *b == 0xFF)).collect();
    fenjin_fuzz::build_with(&parts);
});
