//! The front-matter splitter and parser, on any text: as a plain page, as a section, and
//! as a page of each content kind the default theme declares (typed fields, refs,
//! lists of objects).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use fenjin::content::front_matter::{FrontMatter, normalize, split};
use fenjin::content::kinds::Kinds;
use libfuzzer_sys::fuzz_target;

/// The default theme's kinds, read once (an empty site folder: only the embedded theme).
fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<(tempfile::TempDir, Kinds)> = OnceLock::new();
    &KINDS
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let kinds = Kinds::load(dir.path(), "default").expect("the theme's kinds load");
            (dir, kinds)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = normalize(text);
    if let Ok(s) = split(&text) {
        let file = Path::new("content/news/a.md");
        let kinds = kinds();
        let _ = FrontMatter::parse(&s, &text, file, &["tags"], false, None, kinds);
        let _ = FrontMatter::parse(&s, &text, file, &["tags"], true, None, kinds);
        for kind in kinds.iter() {
            let _ = FrontMatter::parse(&s, &text, file, &["tags"], false, Some(kind), kinds);
        }
    }
});
