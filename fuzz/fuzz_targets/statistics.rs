//! The statistics table (`data/statistics.csv`) of a site whose campaign has two
//! reporting units, a city and a union: decoding (UTF-8, BOM, GBK, UTF-16), the CSV
//! reader, every cell check, the figures, and the blank form written for it.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SITE_YAML: &str = "base_url: https://fuzz.example.org\ndefault_language: zh\nlanguages:\n  zh: {hreflang: zh-Hans, title: 模糊测试}\n  en: {hreflang: en, title: Fuzz}\ncampaign:\n  target_person_times: 1000\n  report_deadline: 2022-12-10\n  units: [city, union]\n  phases:\n    - {id: 1, title: {zh: 一, en: One}, starts: 2022-07-19, ends: 2022-10-16}\n";

fuzz_target!(|data: &[u8]| {
    fenjin_fuzz::build_with(&[
        ("site.yaml", SITE_YAML.as_bytes()),
        ("content/figures.md", "---\ntitle: 统计\ntemplate: figures.html\n---\n".as_bytes()),
        ("content/cities/_index.md", "---\ntitle: 城市\nkind: city\n---\n".as_bytes()),
        ("content/cities/harbin.md", "---\ntitle: 哈尔滨\ncity: 哈尔滨市\nfeature: 示例\n---\n".as_bytes()),
        ("content/unions/_index.md", "---\ntitle: 产业工会\nkind: union\n---\n".as_bytes()),
        ("content/unions/transport.md", "---\ntitle: 交通\nunion: 交通运输产业工会\nfeature: 示例\n---\n".as_bytes()),
        ("data/statistics.csv", data),
    ]);
});
