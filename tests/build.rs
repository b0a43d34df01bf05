//! Integration tests of `fenjin build` on fixture sites: output structure, languages and
//! translations, publishing rules, feeds, sitemap, determinism and output safety.

mod common;

use common::{SiteTest, fenjin, stderr, tree};

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn kitchen_sink_builds_every_kind_of_output() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    for f in [
        "index.html",
        "en/index.html",
        "about/index.html",
        "en/about/index.html",
        "news/index.html",
        "news/page/2/index.html",
        "news/first/index.html",
        "en/news/first/index.html",
        "tags/index.html",
        "en/tags/index.html",
        "tags/劳模/index.html",
        "tags/重庆/index.html",
        "en/tags/model-workers/index.html",
        "atom.xml",
        "en/atom.xml",
        "news/atom.xml",
        "tags/劳模/atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "en/404.html",
        "favicon.ico",
        "manifest.webmanifest",
        "en/manifest.webmanifest",
        ".fenjin-output",
    ] {
        assert!(t.exists(f), "missing {f}");
    }
}

#[test]
fn first_page_main_snapshot() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    insta::assert_snapshot!(
        "kitchen_sink_first_zh_main",
        main_of(&t.read("news/first/index.html"))
    );
}

#[test]
fn chinese_markdown_rules() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let zh = t.read("news/first/index.html");
    // Soft break between Chinese characters (the file has CRLF line ends) is dropped.
    assert!(zh.contains("<p>全省职工喜迎二十大。</p>"), "{zh}");
    // Unique Chinese heading ids.
    assert!(zh.contains("<h2 id=\"背景\">") && zh.contains("<h2 id=\"背景-1\">"));
    // The horizontal rule in the body did not end the front matter early.
    assert!(zh.contains("<hr />"));
    // English keeps the line break as whitespace.
    let en = t.read("en/news/first/index.html");
    assert!(en.contains("<p>Workers across\nthe province.</p>"), "{en}");
}

#[test]
fn internal_links_resolve_in_the_page_language() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let zh = t.read("news/first/index.html");
    assert!(
        zh.contains("href=\"https://ks.example.org/about/#%E8%81%94%E7%B3%BB%E6%96%B9%E5%BC%8F\""),
        "{zh}"
    );
    let en = t.read("en/news/first/index.html");
    assert!(en.contains("href=\"https://ks.example.org/en/about/#contact\""), "{en}");
}

#[test]
fn hreflang_alternates_are_reciprocal_on_every_page() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let base = "https://ks.example.org/";
    let files = tree(&t.out());
    let mut checked = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        if html.contains("http-equiv=\"refresh\"") {
            continue; // alias redirects are not content pages
        }
        let alts = alternates(&html);
        for (lang, href) in alts.iter().filter(|(l, _)| l != "x-default") {
            let rel = href.strip_prefix(base).unwrap();
            let target = files
                .get(&format!("{rel}index.html"))
                .or_else(|| files.get(rel))
                .unwrap_or_else(|| panic!("{path}: alternate {href} does not exist"));
            let back = alternates(&String::from_utf8_lossy(target));
            assert_eq!(
                back, alts,
                "{path} lists {lang} {href}, which does not list the same set back"
            );
            checked += 1;
        }
        if !alts.is_empty() {
            assert!(alts.iter().any(|(l, _)| l == "x-default"), "{path} has no x-default");
        }
    }
    assert!(checked > 20, "only {checked} alternates checked");
}

fn alternates(html: &str) -> Vec<(String, String)> {
    html.lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\" hreflang="))
        .map(|l| {
            let lang = l.split("hreflang=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            let href = l.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            (lang, href)
        })
        .collect()
}

#[test]
fn missing_translation_is_omitted_and_switch_leads_to_nearest_section() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    assert!(!t.exists("en/news/second/index.html"));
    let zh = t.read("news/second/index.html");
    assert!(zh.contains("<a href=\"https://ks.example.org/en/news/\" hreflang=\"en\" lang=\"en\" rel=\"nofollow\">English</a>"), "{zh}");
    // A section missing in English leads to the English home.
    let city = t.read("cities/重庆/index.html");
    assert!(city.contains("<a href=\"https://ks.example.org/en/\" hreflang=\"en\""), "{city}");
}

#[test]
fn fallback_policy_renders_untranslated_text_with_notice_lang_and_canonical() {
    let t = SiteTest::new("fallback");
    t.build_ok(&[]);
    let en = t.read("en/only-zh/index.html");
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(
        en.contains("<link rel=\"canonical\" href=\"https://fb.example.org/only-zh/\">"),
        "{en}"
    );
    assert!(en.contains("class=\"notice-untranslated\""));
    assert!(en.contains("<article class=\"page kind-page\" lang=\"zh-Hans\">"));
    // The body's links point at the English side.
    assert!(en.contains("href=\"https://fb.example.org/en/\""), "{en}");
    // The fallback is not advertised as a translation.
    assert!(!en.contains("hreflang=\"en\" href=\"https://fb.example.org/en/only-zh/\""));
    assert!(!t.read("sitemap.xml").contains("/en/only-zh/"));
}

#[test]
fn translations_inherit_untranslated_fields() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    // first.en.md has no date: it inherits 2022-07-19 09:00 (Asia/Shanghai).
    let en = t.read("en/news/first/index.html");
    assert!(
        en.contains("<time datetime=\"2022-07-19T09:00:00+08:00\">19 July 2022</time>"),
        "{en}"
    );
    // The bundle's English page inherits the cover image.
    let bundle = t.read("en/news/bundle/index.html");
    assert!(
        bundle.contains(
            "<meta property=\"og:image\" content=\"https://ks.example.org/news/bundle/photo.svg\">"
        ),
        "{bundle}"
    );
}

#[test]
fn drafts_future_and_expired_pages_are_left_out_and_logged() {
    let t = SiteTest::new("kitchen-sink");
    // The translation inherits `expires` from the original.
    t.write("content/news/expired.en.md", "---\ntitle: Expired notice\n---\nOld.\n");
    // Without -v: one line of counts by reason, no page by name, and no progress bar
    // (stderr is not a terminal here).
    let quiet = stderr(&t.build_ok(&[]));
    assert!(!quiet.contains("left out:"), "{quiet}");
    assert_eq!(
        quiet.lines().filter(|l| l.starts_with("left out")).collect::<Vec<_>>(),
        [
            "left out 4 pages: 1 draft, 1 dated in the future, 2 expired (fenjin build -v lists them)"
        ],
        "{quiet}"
    );
    assert!(!quiet.contains('\r') && !quiet.contains('\u{1b}'), "{quiet:?}");
    assert!(!quiet.contains("rendering"), "{quiet}");
    // With -v: one line per page.
    let out = t.build_ok(&["-v"]);
    let log = stderr(&out);
    assert_eq!(log.lines().filter(|l| l.starts_with("left out: ")).count(), 4, "{log}");
    assert!(
        log.contains("left out: content/news/expired.en.md: expired on 2022-01-01T00:00:00+08:00"),
        "{log}"
    );
    assert!(log.contains("left out: content/news/draft.md: draft"), "{log}");
    assert!(
        log.contains(
            "left out: content/news/future.md: dated in the future (2030-01-01T00:00:00+08:00"
        ),
        "{log}"
    );
    assert!(
        log.contains("left out: content/news/expired.md: expired on 2022-01-01T00:00:00+08:00"),
        "{log}"
    );
    assert!(!t.exists("news/draft/index.html"));
    assert!(!t.exists("news/future/index.html"));
    assert!(!t.exists("news/expired/index.html"));
    t.build_ok(&["--drafts", "--future"]);
    assert!(t.exists("news/draft/index.html"));
    assert!(t.exists("news/future/index.html"));
    assert!(!t.exists("news/expired/index.html"));
}

#[test]
fn dates_without_offset_are_in_the_site_time_zone() {
    let t = SiteTest::new("kitchen-sink");
    // A page dated 2022-07-19 09:00 in Asia/Shanghai = 01:00 UTC (and no links to pages
    // that are not out yet at that moment).
    t.write(
        "content/news/first.md",
        "---\ntitle: 第一条新闻\ndate: 2022-07-19 09:00\n---\n正文。\n",
    );
    let before = t.build(&["--now", "2022-07-19T00:30:00Z"]);
    assert!(before.status.success());
    assert!(!t.exists("news/first/index.html"), "published before its time");
    let after = t.build(&["--now", "2022-07-19T01:30:00Z"]);
    assert!(after.status.success());
    assert!(
        t.exists("news/first/index.html"),
        "a UTC clock hid a page that is already out in Shanghai"
    );
}

#[test]
fn atom_feeds_are_valid() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let feed: atom_syndication::Feed = t.read("atom.xml").parse().expect("valid Atom");
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles, ["第三条新闻", "第二条新闻", "第一条新闻", "图片页", "重庆"]);
    assert_eq!(feed.updated().to_rfc3339(), "2022-09-02T00:00:00+08:00");
    let en: atom_syndication::Feed = t.read("en/atom.xml").parse().expect("valid Atom");
    assert_eq!(en.entries().len(), 2);
    for f in
        ["news/atom.xml", "tags/劳模/atom.xml", "en/tags/model-workers/atom.xml", "cities/atom.xml"]
    {
        let _: atom_syndication::Feed = t.read(f).parse().unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    let term: atom_syndication::Feed = t.read("tags/劳模/atom.xml").parse().unwrap();
    assert_eq!(term.entries().len(), 2);
    assert_eq!(term.links()[0].href(), "https://ks.example.org/tags/%E5%8A%B3%E6%A8%A1/atom.xml");
}

#[test]
fn sitemap_has_hreflang_alternates_and_is_well_formed() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let xml = t.read("sitemap.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("sitemap is not well-formed: {e}"),
        }
    }
    assert!(xml.contains("<url><loc>https://ks.example.org/news/first/</loc><lastmod>2022-07-19T09:00:00+08:00</lastmod>\n  <xhtml:link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"https://ks.example.org/news/first/\"/>\n  <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://ks.example.org/en/news/first/\"/>\n  <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://ks.example.org/news/first/\"/>"), "{xml}");
    assert!(xml.contains("<loc>https://ks.example.org/tags/%E9%87%8D%E5%BA%86/</loc>"));
    assert_eq!(
        t.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://ks.example.org/sitemap.xml\n"
    );
}

#[test]
fn aliases_redirect_and_keep_the_fragment() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    for f in ["old-about/index.html", "legacy/about.html"] {
        let html = t.read(f);
        assert!(html.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://ks.example.org/about/\">"
        ));
        assert!(html.contains("<link rel=\"canonical\" href=\"https://ks.example.org/about/\">"));
        assert!(
            html.contains("location.replace(\"https://ks.example.org/about/\" + location.hash)")
        );
    }
}

#[test]
fn taxonomy_terms_keep_chinese_in_urls() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let list = t.read("tags/index.html");
    assert!(list.contains("<a href=\"https://ks.example.org/tags/重庆/\">重庆</a>"), "{list}");
    assert!(!list.contains("zhong-qing"));
    let term = t.read("tags/劳模/index.html");
    assert!(term.contains("第三条新闻") && term.contains("第一条新闻"));
}

#[test]
fn co_located_assets_are_copied_and_linked_in_every_language() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    assert!(t.exists("news/bundle/photo.svg"));
    assert!(t.exists("cities/重庆/chongqing.svg"));
    assert!(
        t.read("news/bundle/index.html")
            .contains("src=\"https://ks.example.org/news/bundle/photo.svg\"")
    );
    assert!(
        t.read("en/news/bundle/index.html")
            .contains("src=\"https://ks.example.org/news/bundle/photo.svg\"")
    );
    assert!(
        t.read("cities/重庆/index.html")
            .contains("src=\"https://ks.example.org/cities/%E9%87%8D%E5%BA%86/chongqing.svg\"")
    );
}

#[test]
fn sections_paginate_and_sort() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let p1 = t.read("news/index.html");
    let p2 = t.read("news/page/2/index.html");
    let first = p1.find("第三条新闻").unwrap();
    let second = p1.find("第二条新闻").unwrap();
    assert!(first < second, "newest first");
    assert!(p1.contains("rel=\"next\" href=\"https://ks.example.org/news/page/2/\""));
    assert!(p2.contains("第一条新闻") && p2.contains("图片页"));
    assert!(p2.contains("rel=\"prev\" href=\"https://ks.example.org/news/\""));
}

/// `latest(n=…)` is the hidden-cost guard of the home page: taking the N latest pages
/// makes N page values, not one per page of the site (the lists are sorted once, with
/// the model). Counted with `Shared::values_made` on a site of 300 more news pages.
#[test]
fn latest_pages_cost_n_values_not_the_whole_site() {
    let t = SiteTest::new("kitchen-sink");
    for i in 0..300 {
        t.write(
            &format!("content/news/extra-{i:03}.md"),
            &format!(
                "---\ntitle: 第{i}条补充新闻\ndate: 2021-{:02}-{:02}T08:00:00+08:00\n---\n正文。\n",
                i % 12 + 1,
                i % 28 + 1
            ),
        );
    }
    // Values made by rendering the home page alone, with `latest(n=N)` in its template.
    let cost = |n: usize| {
        t.write(
            "templates/index.html",
            &format!(
                "{{% extends \"base.html\" %}}{{% block content %}}<ol>{{% for p in latest(n={n}) %}}<li>{{{{ p.title }}}}</li>{{% endfor %}}</ol>{{% endblock content %}}"
            ),
        );
        let opts = fenjin::build::BuildOptions {
            root: t.root(),
            now: Some("2026-11-24".into()),
            ..Default::default()
        };
        let prepared = fenjin::build::prepare(&opts, None).expect("the site builds");
        let home = prepared.jobs.iter().find(|j| j.out == "index.html").expect("a home page");
        assert_eq!(prepared.shared.values_made(), 0, "no value is made before rendering");
        let html = prepared.render_job(home).expect("renders").expect("has bytes");
        let html = String::from_utf8(html).unwrap();
        assert_eq!(html.matches("<li>").count(), n, "{html}");
        (prepared.shared.values_made(), prepared.shared.site.docs.len())
    };
    let (none, docs) = cost(0);
    let (three, _) = cost(3);
    let (thirty, _) = cost(30);
    assert!(docs > 300, "{docs} documents");
    // Each latest page costs exactly one value; the rest of the page costs the same.
    assert_eq!(three - none, 3, "latest(n=3) made {three} values, the page without it {none}");
    assert_eq!(thirty - none, 30, "latest(n=30) made {thirty} values, without it {none}");
    // And the rest of the home page is a handful of values, not the site's 300 pages.
    assert!(none <= 10, "the home page without `latest` made {none} values of {docs}");
}

#[test]
fn site_templates_override_the_theme_and_latest_lists_newest_first() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let home = t.read("index.html");
    assert!(home.contains("<p class=\"override\">site override</p>"));
    assert!(
        home.contains(
            "<ol class=\"latest\"><li>第三条新闻</li><li>第二条新闻</li><li>第一条新闻</li></ol>"
        ),
        "{home}"
    );
}

#[test]
fn base_url_flag_replaces_the_configured_one() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&["--base-url", "http://127.0.0.1:1111/"]);
    assert!(
        t.read("index.html").contains("<link rel=\"canonical\" href=\"http://127.0.0.1:1111/\">")
    );
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let first = tree(&t.out());
    t.build_ok(&[]);
    let second = tree(&t.out());
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (k, v) in &first {
        assert!(second[k] == *v, "{k} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let before = tree(&t.out());
    t.write("content/news/broken.md", "---\ntitle: [坏\n---\n");
    let out = t.build(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing was written"));
    assert_eq!(tree(&t.out()), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("fenjin"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_embedded_theme_is_used_without_a_themes_folder() {
    let t = SiteTest::new("fallback");
    assert!(!t.root().join("themes").exists());
    t.build_ok(&[]);
    let css = linked(&t.read("index.html"), "rel=\"stylesheet\" href=\"");
    assert!(t.read(&css).contains("mobile first"));
}

/// The output path of the first URL after `marker` in `html`.
fn linked(html: &str, marker: &str) -> String {
    let url = html.split(marker).nth(1).unwrap_or_else(|| panic!("no {marker} in the page"));
    let url = url.split('"').next().unwrap();
    url.split_once("://").unwrap().1.split_once('/').unwrap().1.to_owned()
}

fn is_hashed(path: &str, stem: &str, ext: &str) -> bool {
    path.strip_prefix(stem)
        .and_then(|r| r.strip_suffix(ext))
        .and_then(|h| h.strip_prefix('.'))
        .and_then(|h| h.strip_suffix('.'))
        .is_some_and(|h| h.len() == 8 && h.chars().all(|c| c.is_ascii_hexdigit()))
}

#[test]
fn css_js_and_theme_images_are_fingerprinted_and_pages_link_the_hashed_names() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&[]);
    let home = t.read("index.html");
    let css = linked(&home, "rel=\"stylesheet\" href=\"");
    assert!(is_hashed(&css, "css/site", "css"), "{css}");
    assert!(t.read(&css).contains("mobile first"));
    assert!(!t.exists("css/site.css"), "the unhashed name is not written");
    let icon = linked(&home, "<link rel=\"icon\" href=\"");
    assert_eq!(icon, "favicon.ico", "browsers ask for /favicon.ico: it keeps its name");
    assert!(t.exists("favicon.ico"));
    let touch = linked(&home, "rel=\"apple-touch-icon\" href=\"");
    assert!(is_hashed(&touch, "apple-touch-icon", "png"), "{touch}");
    assert!(t.exists(&touch));
    let search = t.read("search/index.html");
    let js = linked(&search, "<script type=\"module\" src=\"");
    assert!(is_hashed(&js, "js/search", "js") && t.exists(&js), "{js}");
    // The manifest of each language: its name, language, start page and icons.
    for (lang, prefix) in [("zh-Hans", ""), ("en", "en/")] {
        let page = t.read(&format!("{prefix}index.html"));
        let m = linked(&page, "rel=\"manifest\" href=\"");
        assert_eq!(m, format!("{prefix}manifest.webmanifest"));
        let v: serde_json::Value = serde_json::from_str(&t.read(&m)).unwrap();
        assert_eq!(v["lang"], lang);
        assert_eq!(v["theme_color"], "#c00000");
        assert!(v["start_url"].as_str().unwrap().ends_with(&format!("/{prefix}")));
        assert!(!v["name"].as_str().unwrap().is_empty());
        let icons = v["icons"].as_array().unwrap();
        assert!(icons.iter().any(|i| i["sizes"] == "512x512"));
        for i in icons {
            let src = i["src"].as_str().unwrap();
            let path = src.split_once("://").unwrap().1.split_once('/').unwrap().1;
            assert!(t.exists(path), "{src}");
            let (stem, ext) = path.rsplit_once('.').unwrap();
            let stem = stem.rsplit_once('.').unwrap().0;
            assert!(is_hashed(path, stem, ext), "{path}");
        }
    }
    // A site's own stylesheet replaces the theme's under its own hash.
    t.write("static/css/site.css", "body { color: #111 }\n");
    t.build_ok(&[]);
    let own = linked(&t.read("index.html"), "rel=\"stylesheet\" href=\"");
    assert!(is_hashed(&own, "css/site", "css") && own != css, "{own}");
    assert_eq!(t.read(&own), "body { color: #111 }\n");
}

mod refusals {
    use super::*;

    fn refused(t: &SiteTest, output: &std::path::Path, extra: &[&str]) -> String {
        let root = t.root();
        let mut args =
            vec!["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = fenjin(&args, t.dir.path());
        assert_eq!(out.status.code(), Some(2), "not refused: {}", stderr(&out));
        stderr(&out)
    }

    #[test]
    fn refuses_the_file_system_root() {
        let t = SiteTest::new("fallback");
        assert!(
            refused(&t, std::path::Path::new("/"), &["--force"])
                .contains("it is the file-system root")
        );
    }

    #[test]
    fn refuses_the_home_folder() {
        let t = SiteTest::new("fallback");
        // HOME is `<temporary folder>/home` (see common::fenjin).
        assert!(
            refused(&t, &t.dir.path().join("home"), &["--force"])
                .contains("it is your home folder")
        );
    }

    #[test]
    fn refuses_the_site_root() {
        let t = SiteTest::new("fallback");
        assert!(refused(&t, &t.root(), &["--force"]).contains("it is the site's own folder"));
    }

    #[test]
    fn refuses_content_and_themes() {
        let t = SiteTest::new("fallback");
        let msg = refused(&t, &t.root().join("content"), &["--force"]);
        assert!(msg.contains("inside the site's `content/` folder"), "{msg}");
        let msg = refused(&t, &t.root().join("themes"), &["--force"]);
        assert!(msg.contains("inside the site's `themes/` folder"), "{msg}");
        assert!(t.root().join("content/_index.md").exists());
    }

    #[test]
    fn refuses_an_ancestor_of_the_site() {
        let t = SiteTest::new("fallback");
        let parent = t.root().join("..");
        assert!(refused(&t, &parent, &["--force"]).contains("it contains the site"));
    }

    #[test]
    fn refuses_a_non_empty_folder_fenjin_did_not_create_unless_forced() {
        let t = SiteTest::new("fallback");
        let out = t.dir.path().join("mine");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep me").unwrap();
        let msg = refused(&t, &out, &[]);
        assert!(msg.contains("it is not empty and fenjin did not create it"), "{msg}");
        assert_eq!(std::fs::read_to_string(out.join("precious.txt")).unwrap(), "keep me");
        // --force replaces it.
        let root = t.root();
        let o = fenjin(
            &[
                "build",
                "--root",
                root.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
                "--force",
            ],
            t.dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!out.join("precious.txt").exists());
        assert!(out.join(".fenjin-output").exists());
        // Its own output it replaces without --force.
        let o = fenjin(
            &["build", "--root", root.to_str().unwrap(), "--output", out.to_str().unwrap()],
            t.dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }

    #[test]
    fn an_empty_folder_is_fine() {
        let t = SiteTest::new("fallback");
        let out = t.dir.path().join("empty");
        std::fs::create_dir_all(&out).unwrap();
        let root = t.root();
        let o = fenjin(
            &["build", "--root", root.to_str().unwrap(), "--output", out.to_str().unwrap()],
            t.dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

#[test]
fn help_is_usable_and_unknown_flags_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let help = fenjin(&["build", "--help"], dir.path());
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["--root", "--output", "--base-url", "--drafts", "--future", "--now", "--force"] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
    let bad = fenjin(&["build", "--no-such-flag"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_site_replacing_base_html_builds_without_the_theme_layouts_it_does_not_use() {
    // The benchmark's templates replace base.html with one that has none of the default
    // theme's blocks; theme templates the site never renders must not be loaded.
    let t = SiteTest::new("kitchen-sink");
    let bench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/templates");
    for entry in std::fs::read_dir(bench).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), t.root().join("templates").join(entry.file_name())).unwrap();
    }
    // The benchmark's templates format every page's date and list its `cities`.
    let yaml = std::fs::read_to_string(t.root().join("site.yaml")).unwrap();
    t.write("site.yaml", &yaml.replace("taxonomies: [tags]", "taxonomies: [tags, cities]"));
    std::fs::remove_dir_all(t.root().join("content/cities")).unwrap(); // it would collide with /cities/
    t.write("content/about.md", "---\ntitle: 关于\ndate: 2022-07-01\n---\n");
    t.write("content/about.en.md", "---\ntitle: About\n---\n");
    t.build_ok(&[]);
    assert!(t.read("news/first/index.html").contains("<body data-kind=\"page\">"));
    assert!(t.read("index.html").contains("<body data-kind=\"home\">"));
}

#[test]
fn a_missing_template_names_the_page_that_needs_it() {
    let t = SiteTest::new("kitchen-sink");
    t.write(
        "content/news/second.md",
        "---\ntitle: 第二条新闻\ndate: 2022-08-01\ntemplate: nope.html\n---\n",
    );
    let out = t.build(&[]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("error[E0301]: the template `nope.html` does not exist"), "{e}");
    assert!(e.contains("note: needed by content/news/second.md"), "{e}");
}

#[test]
fn the_next_change_is_printed_and_written_outside_the_published_tree() {
    let t = SiteTest::new("kinds");
    let next = |now: &str| {
        let out = t.build_ok(&["--now", now]);
        let line = stderr(&out).lines().find(|l| l.starts_with("next change:")).unwrap().to_owned();
        let file = t.root().join(".fenjin-cache/next-change.json");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        (line, json["next_change"].clone())
    };
    // Before the activity: it opens; while it runs: it closes at the end of its last day.
    let (line, json) = next("2022-07-01");
    assert_eq!(line, "next change: 2022-07-19 00:00 +08:00 — 进行中的活动 opens");
    assert_eq!(json["event"], "opens");
    assert_eq!(json["file"], "content/activities/open.md");
    let (line, json) = next("2022-08-01");
    assert_eq!(line, "next change: 2022-10-17 00:00 +08:00 — 进行中的活动 closes");
    assert_eq!(json["at"], "2022-10-17T00:00:00+08:00");
    let (line, json) = next("2023-01-01");
    assert_eq!(line, "next change: none scheduled (no future dates in the content)");
    assert!(json.is_null());
    assert!(!tree(&t.out()).keys().any(|f| f.contains("next-change")), "not published");

    // A future-dated page is published on its date; an expiry counts too.
    let t = SiteTest::new("kitchen-sink");
    let out = t.build_ok(&["--now", "2021-06-01"]);
    assert!(
        stderr(&out).contains("next change: 2022-01-01 00:00 +08:00 — 过期通知 expires"),
        "{}",
        stderr(&out)
    );
    let out = t.build_ok(&[]);
    assert!(
        stderr(&out).contains("next change: 2030-01-01 00:00 +08:00 — 未来的新闻 publishes"),
        "{}",
        stderr(&out)
    );
}

/// Every output file of a prepared site, rendered: path and bytes (or the error's text).
fn outputs_of(p: &fenjin::build::Prepared) -> String {
    let files: Vec<_> = p
        .jobs
        .iter()
        .map(|j| (j.out.clone(), p.render_job(j).map_err(|d| d.render_human())))
        .collect();
    format!("{files:?}")
}

/// What a build made, comparable: its files and warnings, or its errors.
fn made(r: Result<fenjin::build::Prepared, fenjin::build::BuildError>) -> String {
    match r {
        Ok(p) => {
            let warnings: Vec<String> = p.warnings().iter().map(|d| d.render_human()).collect();
            format!("{}\nwarnings: {warnings:?}", outputs_of(&p))
        }
        Err(fenjin::build::BuildError::Content(ds)) => {
            let errors: Vec<String> = ds.sorted().iter().map(|d| d.render_human()).collect();
            format!("errors: {errors:?}")
        }
        Err(e) => format!("{e:?}"),
    }
}

/// `serve`'s builds, after each save: whether the save started from the last build's
/// model, and that what it made equals a fresh full build of the same files at the same
/// clock.
struct Saves {
    t: SiteTest,
    cache: fenjin::cache::BuildCache,
}

impl Saves {
    fn new(site: &str, now: &str) -> Saves {
        let t = SiteTest::new(site);
        let mut cache = fenjin::cache::BuildCache::new();
        fenjin::build::prepare(&Saves::options(&t, now), Some(&mut cache)).expect("builds");
        Saves { t, cache }
    }

    fn options(t: &SiteTest, now: &str) -> fenjin::build::BuildOptions {
        fenjin::build::BuildOptions { root: t.root(), now: Some(now.into()), ..Default::default() }
    }

    /// Applies `edit` to the files `rel` and builds as serve does; returns whether the
    /// build started from the last build's model.
    fn save(&mut self, step: &str, rel: &[&str], now: &str, edit: impl Fn(&str) -> String) -> bool {
        let root = self.t.root();
        for r in rel {
            let text = std::fs::read_to_string(root.join(r)).unwrap_or_default();
            self.t.write(r, &edit(&text));
        }
        self.build(step, rel, now)
    }

    /// Builds as serve does after the files `rel` changed; as [`Saves::save`].
    fn build(&mut self, step: &str, rel: &[&str], now: &str) -> bool {
        let root = self.t.root();
        let opts = Saves::options(&self.t, now);
        self.cache.sources.set_changed(Some(rel.iter().map(|r| root.join(r)).collect()));
        let incremental = made(fenjin::build::prepare(&opts, Some(&mut self.cache)));
        let full = made(fenjin::build::prepare(&opts, None));
        assert!(incremental == full, "{step}: serve's build differs from a full build");
        self.cache.last_reused_model()
    }
}

#[test]
fn a_save_that_leaves_the_model_alone_starts_from_the_last_build_and_equals_a_full_build() {
    const NOW: &str = "2026-11-24";
    let mut s = Saves::new("kitchen-sink", NOW);
    let add = |more: &'static str| move |text: &str| format!("{text}\n{more}\n");

    assert!(s.save("a paragraph", &["content/news/third.md"], NOW, add("又一段。")));
    assert!(s.save(
        "a link and a code block",
        &["content/news/third.md"],
        NOW,
        add("见[第二条](@/news/second.md)。\n\n```rust\nfn main() {}\n```")
    ));
    assert!(s.save(
        "a translation and a section, together",
        &["content/news/first.en.md", "content/news/_index.md"],
        NOW,
        add("More.")
    ));
    // Errors take the full path, which reports them with everything else.
    assert!(!s.save("a broken link", &["content/news/third.md"], NOW, add("[坏](@/nope.md)")));
    assert!(!s.save("the link mended", &["content/news/third.md"], NOW, |t| {
        t.replace("[坏](@/nope.md)", "")
    }));
    assert!(s.save("after a full build, bodies again", &["content/about.md"], NOW, add("关于。")));
    // Whatever can change the model takes the full path.
    assert!(!s.save("a title", &["content/news/third.md"], NOW, |t| {
        t.replace("title: 第三条新闻", "title: 第三条")
    }));
    assert!(!s.save("a control character", &["content/about.md"], NOW, add("响\u{7}铃")));
    assert!(!s.save("a new page", &["content/news/fourth.md"], NOW, |_| {
        "---\ntitle: 第四条\ndate: 2022-10-01\n---\n第四条。\n".into()
    }));
    // Templates, interface strings and static files: the model stays, the jobs are
    // planned again.
    assert!(s.save("a template", &["templates/index.html"], NOW, |t| t.replace("override", "o")));
    assert!(s.save(
        "a template and a body, together",
        &["templates/index.html", "content/news/second.md"],
        NOW,
        |t| match t.starts_with("---") {
            true => format!("{t}\n再一段。\n"),
            false => t.replace("<p class=\"o\">", "<p class=\"o2\">"),
        }
    ));
    assert!(
        s.save("a new interface string file", &["i18n/en.yaml"], NOW, |_| "home: Start\n".into())
    );
    assert!(s.save("a new static file", &["static/robots-extra.txt"], NOW, |_| "x\n".into()));
    assert!(!s.save("a template that names none", &["templates/index.html"], NOW, |t| {
        format!("{{% include \"nowhere.html\" %}}{t}")
    }));
    assert!(!s.save("the template mended", &["templates/index.html"], NOW, |t| {
        t.replace("{% include \"nowhere.html\" %}", "")
    }));
    assert!(!s.save("site.yaml", &["site.yaml"], NOW, |t| t.replace("厨房水槽", "厨房")));
    assert!(!s.save("a data file", &["data/notes.txt"], NOW, |_| "x\n".into()));
    assert!(s.save("bodies, once more", &["content/news/second.md"], NOW, add("再一段。")));
    // The clock passes future.md's date (2030-01-01): the page is published.
    assert!(!s.save("a later clock", &["content/news/second.md"], "2030-01-02", add("后来。")));
    assert!(s.save(
        "a later clock, nothing due",
        &["content/news/second.md"],
        "2030-02-01",
        add("。")
    ));
    assert!(!s.save("an earlier clock", &["content/news/second.md"], "2026-11-24", add("早。")));
}

#[test]
fn a_save_of_bodies_only_equals_a_full_build_with_kinds_references_and_statistics() {
    const NOW: &str = "2022-08-01";
    let mut s = Saves::new("kinds", NOW);
    let add = |text: &str| format!("{text}\n一段新的正文。\n");
    assert!(s.save("a lecturer", &["content/lecturers/a.md"], NOW, add));
    assert!(s.save("an activity", &["content/activities/open.md"], NOW, add));
    // A later clock with nothing published or expired: the same model, the new clock
    // (a lecturer's talk on 2022-08-16 is now past).
    assert!(s.save("a later clock", &["content/lecturers/a.md"], "2022-09-01", add));
    // The activity closes on 2022-10-16: after that, the full path.
    assert!(!s.save("after the activity", &["content/activities/open.md"], "2022-10-20", add));
    let mut s = Saves::new("statistics", NOW);
    assert!(s.save("a city with figures", &["content/cities/harbin.md"], NOW, add));
    assert!(s.save("the figures page", &["content/figures.en.md"], NOW, add));
    // The figures count the months that have ended by the clock.
    assert!(s.save("a month later", &["content/figures.md"], "2022-09-02", add));
}

#[test]
fn a_save_whose_build_stops_early_is_still_read_by_the_next_build() {
    const NOW: &str = "2022-08-01";
    let mut s = Saves::new("kinds", NOW);
    // One save breaks a kind file and changes a title: the build stops at the kinds,
    // before any page is read.
    s.t.write("kinds/broken.yaml", "fields: [\n");
    let page = "content/lecturers/a.md";
    let text = std::fs::read_to_string(s.t.root().join(page)).unwrap();
    s.t.write(page, &text.replace("title: 讲师甲", "title: 讲师甲（新）"));
    assert!(!s.build("a broken kind file and a title", &["kinds/broken.yaml", page], NOW));
    // The next save mends the kind file alone; the title is read all the same.
    std::fs::remove_file(s.t.root().join("kinds/broken.yaml")).unwrap();
    assert!(!s.build("the kind file mended", &["kinds/broken.yaml"], NOW));
    let opts = Saves::options(&s.t, NOW);
    let p = fenjin::build::prepare(&opts, Some(&mut s.cache)).expect("builds");
    assert!(p.shared.site.docs.iter().any(|d| d.title == "讲师甲（新）"));
}
