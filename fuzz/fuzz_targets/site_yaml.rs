//! site.yaml, on any text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = fenjin::config::Config::parse(text, Path::new("site.yaml"));
});
