//! The front-matter splitter and parser, on any text.
#![no_main]

use std::path::Path;

use fenjin::content::front_matter::{FrontMatter, normalize, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = normalize(text);
    if let Ok(s) = split(&text) {
        let file = Path::new("content/news/a.md");
        let _ = FrontMatter::parse(&s, &text, file, &["tags"], false, Default::default());
        let _ = FrontMatter::parse(&s, &text, file, &["tags"], true, Default::default());
    }
});
