//! The repository's own portal: it builds, it holds the real campaign content in both
//! languages, and no page goes over the page-weight budget.

mod common;

use std::path::Path;

use common::{fenjin, stderr, tree};

/// HTML + CSS + JS of one page, uncompressed (images, feeds and the search index aside).
/// The budget is set for workers on cheap phones and slow networks; the longest page
/// (the English notice) is about a third of it. Documented in README ("Page weight").
const PAGE_BUDGET: usize = 80 * 1024;

#[test]
fn the_portal_builds_complete_and_within_the_page_weight_budget() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = dir.path().join("public");
    let o = fenjin(
        &["build", "--root", root, "--output", out.to_str().unwrap(), "--now", "2026-11-24"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let read =
        |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    // The founding notice, faithful, in both languages.
    let zh = read("announcements/campaign-plan-2022/index.html");
    assert!(zh.contains("黑工办发〔2022〕27号"));
    assert!(zh.contains("500 万人次"));
    assert!(zh.contains("hljszghxjb@126.com"));
    let en = read("en/announcements/campaign-plan-2022/index.html");
    assert!(en.contains("5 million participant-times"), "the English notice lost the target");

    // Every part the campaign portal needs, in both languages.
    let cities = [
        "harbin",
        "qiqihar",
        "mudanjiang",
        "jiamusi",
        "daqing",
        "jixi",
        "shuangyashan",
        "yichun",
        "qitaihe",
        "hegang",
        "heihe",
        "suihua",
        "daxinganling",
    ];
    let activities =
        ["red-footprints", "talent-stage", "positive-energy", "read-classics", "clean-plate"];
    let mut pages: Vec<String> = vec![
        "".into(),
        "about/".into(),
        "figures/".into(),
        "plan/".into(),
        "lecture-tour/".into(),
        "lecturers/".into(),
    ];
    pages.extend(cities.iter().map(|c| format!("cities/{c}/")));
    pages.extend(activities.iter().map(|a| format!("activities/{a}/")));
    let unions = ["education", "energy-chemical", "agriculture", "transport", "construction"];
    pages.push("unions/".into());
    pages.extend(unions.iter().map(|u| format!("unions/{u}/")));
    for prefix in ["", "en/"] {
        for p in &pages {
            assert!(out.join(format!("{prefix}{p}index.html")).exists(), "missing /{prefix}{p}");
        }
    }
    let lecturers = std::fs::read_dir(out.join("lecturers"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert!(lecturers >= 8, "{lecturers} lecturer pages");
    // Placeholders are marked as such.
    assert!(read("cities/harbin/index.html").contains("<span class=\"badge\">示例</span>"));
    assert!(read("en/cities/harbin/index.html").contains("<span class=\"badge\">Sample</span>"));
    // The industry unions, beside the cities: in the navigation, marked as samples, and
    // each listing the lecturers whose `union:` names it (a lecturer links back).
    for (prefix, badge) in [("", "示例"), ("en/", "Sample")] {
        let home = read(&format!("{prefix}index.html"));
        let nav = &home[home.find("class=\"main-nav").unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert!(nav.contains(&format!("https://example.org/{prefix}unions/\"")), "{nav}");
        for u in unions {
            let page = read(&format!("{prefix}unions/{u}/index.html"));
            assert!(page.contains(&format!("<span class=\"badge\">{badge}</span>")), "{u}");
        }
        let union = read(&format!("{prefix}unions/agriculture/index.html"));
        assert!(union.contains(&format!("https://example.org/{prefix}lecturers/sample-c/")));
        assert!(!union.contains("lecturers/sample-a/"), "sample-a names no union");
        let lecturer = read(&format!("{prefix}lecturers/sample-c/index.html"));
        assert!(lecturer.contains(&format!("https://example.org/{prefix}unions/agriculture/")));
        // Search filters by every declared kind, the unions too, in the page's language.
        let search = read(&format!("{prefix}search/index.html"));
        let label = if prefix.is_empty() { "产业工会" } else { "Industry union" };
        for kind in ["notice", "lecturer", "city", "activity"] {
            assert!(search.contains(&format!("<option value=\"{kind}\">")), "{kind}");
        }
        assert!(search.contains(&format!("<option value=\"union\">{label}</option>")));
    }
    // The figures come from data/statistics.csv: every city and union, in two groups, with
    // the unit type in the CSV download, who has reported, and the blank form.
    let csv = read("figures/participation.csv");
    assert_eq!(csv.lines().count(), 1 + cities.len() + unions.len() + 1, "{csv}");
    assert!(csv.starts_with("\u{feff}单位,类别,活动场次,参与人次,线上浏览量\r\n"), "{csv}");
    assert!(csv.contains("\n教科文卫产业工会,产业工会,"), "{csv}");
    assert!(csv.contains("\n哈尔滨市,一市（地）一特色,"), "{csv}");
    for prefix in ["", "en/"] {
        let figures = read(&format!("{prefix}figures/index.html"));
        assert!(
            figures.contains("id=\"group-city-h\"") && figures.contains("id=\"group-union-h\"")
        );
        assert!(figures.contains(&format!(
            "href=\"https://example.org/{prefix}figures/statistics-form.xlsx\" download"
        )));
        assert!(figures.contains("id=\"reporting-h\""));
        assert!(out.join(format!("{prefix}figures/statistics-form.xlsx")).is_file());
        // A union's page shows what it reported.
        let union = read(&format!("{prefix}unions/education/index.html"));
        assert!(union.contains("<th scope=\"row\">2022-08</th>"), "{prefix}unions/education/");
    }
    let notice = read("announcements/campaign-plan-2022/index.html");
    assert!(notice.contains("href=\"https://example.org/figures/statistics-form.xlsx\" download"));

    // Page weight.
    let files = tree(&out);
    let mut heaviest = (0, String::new());
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let mut total = bytes.len();
        for asset in linked_assets(&html) {
            let local = asset.strip_prefix("https://example.org/").unwrap_or(&asset);
            total += files.get(local).map_or(0, Vec::len);
        }
        assert!(
            total <= PAGE_BUDGET,
            "{path} weighs {total} bytes (HTML+CSS+JS), over the {PAGE_BUDGET}-byte budget"
        );
        if total > heaviest.0 {
            heaviest = (total, path.clone());
        }
    }
    eprintln!("heaviest page: {} at {} bytes", heaviest.1, heaviest.0);
    assert!(Path::new(&out).join("calendar.ics").exists());
}

/// The `href` of stylesheets and `src` of scripts.
fn linked_assets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in html.lines() {
        for (marker, attr) in [("<link rel=\"stylesheet\"", "href=\""), ("<script", "src=\"")] {
            if let Some(i) = line.find(marker)
                && let Some(j) = line[i..].find(attr)
            {
                let rest = &line[i + j + attr.len()..];
                out.push(rest.split('"').next().unwrap_or("").to_owned());
            }
        }
    }
    out
}
