//! Shared by the fuzz targets: a small real site in a temporary folder, built in memory
//! by fenjin's own pipeline, with some of its files replaced by the fuzzer's input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fenjin::build::{BuildOptions, build_site};
use fenjin::output::MemorySink;

/// site.yaml of the fuzzed site.
pub const SITE_YAML: &str = "base_url: https://fuzz.example.org\ndefault_language: zh\nlanguages:\n  zh: {hreflang: zh-Hans, title: 模糊测试, description: 测试}\n  en: {hreflang: en, title: Fuzz, description: A test}\ntaxonomies: [tags]\npaginate_by: 2\n";

/// The files every fuzzed site starts from (path, contents).
pub const BASE: &[(&str, &str)] = &[
    ("site.yaml", SITE_YAML),
    ("content/_index.md", "---\ntitle: 首页\n---\n欢迎。\n"),
    ("content/_index.en.md", "---\ntitle: Home\n---\nWelcome.\n"),
    ("content/news/_index.md", "---\ntitle: 新闻\nsort_by: date\n---\n"),
    ("content/news/b.md", "---\ntitle: 乙\ndate: 2022-07-19\ntags: [劳模]\n---\n## 背景\n正文。\n"),
    ("content/news/b.en.md", "---\ntitle: B\n---\nText.\n"),
    ("content/news/a.md", "---\ntitle: 甲\n---\n正文\n"),
    ("content/news/file.txt", "an asset\n"),
];

/// The scratch folder of this process (created once; the fuzzer runs one input at a time).
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::Builder::new().prefix("fenjin-fuzz-").tempdir().expect("tempdir"))
        .path()
}

/// Writes the base site with `replace` (path, contents) on top into a fresh folder and
/// builds it in memory. Errors are the expected result of most inputs; a panic, a hang
/// or a crash is what the fuzzer is looking for.
pub fn build_with(replace: &[(&str, &[u8])]) {
    let root: PathBuf = scratch().join("site");
    let _ = std::fs::remove_dir_all(&root);
    for (rel, text) in BASE {
        write(&root, rel, text.as_bytes());
    }
    for (rel, bytes) in replace {
        write(&root, rel, bytes);
    }
    let opts = BuildOptions {
        root,
        now: Some("2026-11-24".into()),
        ..BuildOptions::default()
    };
    let sink = MemorySink::new();
    let _ = build_site(&opts, &sink);
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}
