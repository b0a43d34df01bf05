//! The Markdown renderer with fenjin's link and image rewriting: the input is the body
//! of a page in a small real site (with a section, a translation, an asset and a tag to
//! link to), built by the whole pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut file = b"---\ntitle: Fuzz\n---\n".to_vec();
    file.extend_from_slice(data);
    fenjin_fuzz::build_with(&[("content/news/a.md", &file)]);
});
