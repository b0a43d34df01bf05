//! An interface-strings file (`i18n/en.yaml`), read as the site's override of the
//! default theme's English strings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fenjin_fuzz::build_with(&[("i18n/en.yaml", data)]);
});
