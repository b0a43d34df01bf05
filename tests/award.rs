//! A kind nobody compiled in: the `award` test site declares `kinds/award.yaml` (a `ref`
//! to cities, an `enum` level, a `date`) and a template `award.html`, and builds. Its
//! broken pages and broken kind files give the same diagnostics and codes as the
//! portal's own kinds (insta snapshots of what an editor reads), and `fenjin kinds`
//! lists it and writes its JSON Schema.

mod common;

use common::{SiteTest, fenjin, stderr};

fn fails(t: &SiteTest) -> String {
    let out = t.build(&["--now", "2022-09-01"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!t.out().exists(), "nothing is written after errors");
    stderr(&out)
}

#[test]
fn a_kind_declared_by_the_site_builds_with_its_template() {
    let t = SiteTest::new("award");
    t.build_ok(&["--now", "2022-09-01"]);
    let zh = t.read("awards/medal/index.html");
    assert!(zh.contains("<h1 class=\"award-winner\">示例获奖者甲</h1>"), "{zh}");
    assert!(zh.contains("<p class=\"award-level\">national</p>"), "{zh}");
    // A date field is a date the date filters accept, parsed and as written.
    assert!(
        zh.contains("<time datetime=\"2022-04-28T00:00:00+08:00\">2022年4月28日</time>"),
        "{zh}"
    );
    assert!(zh.contains("<time class=\"as-written\">2022年4月28日</time>"), "{zh}");
    // A ref is the named page's name and URL in the current language.
    assert!(
        zh.contains("<p class=\"award-city\"><a href=\"https://award.example.org/cities/harbin/\">哈尔滨市</a></p>"),
        "{zh}"
    );
    // The translation inherits the ref, the level and the date, and links to the
    // English city page.
    let en = t.read("en/awards/medal/index.html");
    assert!(en.contains("<h1 class=\"award-winner\">Sample Winner A</h1>"), "{en}");
    assert!(en.contains("<p class=\"award-level\">national</p>"), "{en}");
    assert!(en.contains("datetime=\"2022-04-28T00:00:00+08:00\""), "{en}");
    assert!(
        en.contains("<a href=\"https://award.example.org/en/cities/harbin/\">Harbin</a>"),
        "{en}"
    );
    // The city lists the pages of any kind whose ref names it, grouped by kind.
    let city = t.read("cities/harbin/index.html");
    assert!(
        city.contains("<section class=\"refs refs-award\"><ul><li><a href=\"https://award.example.org/awards/medal/\">示例获奖者甲</a> (national)</li></ul></section>"),
        "{city}"
    );
    let city_en = t.read("en/cities/harbin/index.html");
    assert!(city_en.contains(">Sample Winner A</a>"), "{city_en}");
}

#[test]
fn an_award_is_found_by_its_searchable_field() {
    let t = SiteTest::new("award");
    // The winner's name is only in the front matter, never in the body.
    t.build_ok(&["--now", "2022-09-01"]);
    let files = common::tree(&t.out());
    let part = |dir: &str| -> String {
        files
            .iter()
            .filter(|(p, _)| p.starts_with(dir))
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect()
    };
    // `示例` is in no title, description or body of the site: only in the winner field.
    assert!(part("_search/zh/t/").contains("\"示例\""), "the winner's name is indexed");
    assert!(part("_search/zh/d/").contains("示例获奖者甲"), "and shown in the excerpt");
    // Results name the kind by the kind file's label when the theme has no string for it.
    assert!(part("_search/en/d/").contains("\"k\":\"Awards\""), "the kind's label");
    // The place facet follows the award's ref to its city.
    assert!(part("_search/en/d/").contains("\"k\":\"Awards\",\"c\":\"Harbin\""), "the facet");
}

#[test]
fn broken_award_pages_give_the_built_in_kinds_diagnostics() {
    let cases = [
        (
            "typo",
            "---\ntitle: 奖\nwiner: 乙\ncity: harbin\nlevel: city\nawarded: 2022-05-01\n---\n",
        ),
        (
            "wrong_type",
            "---\ntitle: 奖\nwinner: 乙\ncity: harbin\nlevel: county\nawarded: 2022年5月1日\n---\n",
        ),
        (
            "dangling_ref",
            "---\ntitle: 奖\nwinner: 乙\ncity: 哈尔滨\nlevel: city\nawarded: 2022-05-01\n---\n",
        ),
        ("missing_required", "---\ntitle: 奖\nwinner: 乙\ncity: harbin\n---\n"),
    ];
    for (name, text) in cases {
        let t = SiteTest::new("award");
        t.write("content/awards/b.md", text);
        insta::assert_snapshot!(format!("award_page_{name}"), fails(&t));
    }
}

#[test]
fn broken_kind_files_name_the_kind_file_line_and_column() {
    let head = "label: {zh: 奖项, en: Awards}\nfields:\n  winner: {type: text, required: true}\n";
    let cases = [
        ("unknown_type", format!("{head}  awarded: {{type: dat}}\n")),
        ("ref_to_missing_section", format!("{head}  unit: {{type: ref, section: unions}}\n")),
        ("field_declared_twice", format!("{head}  winner: text\n")),
    ];
    for (name, text) in cases {
        let t = SiteTest::new("award");
        t.write("kinds/award.yaml", &text);
        insta::assert_snapshot!(format!("award_kind_{name}"), fails(&t));
    }
}

#[test]
fn kinds_lists_every_kind_as_text_and_json_and_writes_json_schemas() {
    let t = SiteTest::new("award");
    let root = t.root();
    let root = root.to_str().unwrap();
    let o = fenjin(&["kinds", "--root", root], t.dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    // The theme's four kinds and the site's own.
    for kind in ["activity  ", "award  ", "city  ", "lecturer  ", "notice  "] {
        assert!(text.lines().any(|l| l.starts_with(kind)), "{kind}: {text}");
    }
    // Labels and help texts in the site's language order: Chinese, the default, first.
    assert!(text.contains("award  奖项 / Awards  (kinds/award.yaml)"), "{text}");
    assert!(
        text.contains("  level    enum (national | provincial | city), required, inherit  — 级别：national、provincial 或 city（必填） / level: national, provincial or city (required)"),
        "{text}"
    );
    assert!(text.contains("  city     ref to a city page, required, inherit"), "{text}");

    let o = fenjin(&["kinds", "--root", root, "--format", "json"], t.dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let award = json["kinds"].as_array().unwrap().iter().find(|k| k["name"] == "award").unwrap();
    assert_eq!(award["file"], "kinds/award.yaml");
    assert_eq!(award["fields"][1]["type"], serde_json::json!({"type": "ref", "kind": "city"}));
    assert_eq!(award["fields"][2]["type"]["values"][0], "national");

    let dir = t.dir.path().join("schemas");
    let o =
        fenjin(&["kinds", "--root", root, "--json-schema", dir.to_str().unwrap()], t.dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        names,
        [
            "activity.schema.json",
            "award.schema.json",
            "city.schema.json",
            "lecturer.schema.json",
            "notice.schema.json",
            "union.schema.json",
        ]
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("award.schema.json")).unwrap())
            .unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["properties"]["level"]["enum"][1], "provincial");
    assert_eq!(schema["required"], serde_json::json!(["winner"]));

    // A broken kind file is a content error (exit 1) naming the file.
    t.write("kinds/award.yaml", "fields:\n  a: {type: txet}\n");
    let o = fenjin(&["kinds", "--root", root], t.dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error[E0110]: `txet` is not a field type\n --> kinds/award.yaml:2:13"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn new_scaffolds_a_declared_kind_with_its_help_texts() {
    let t = SiteTest::new("award");
    let root = t.root();
    let o = fenjin(&["new", "award", "prize", "--root", root.to_str().unwrap()], t.dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let zh = std::fs::read_to_string(root.join("content/awards/prize.md")).unwrap();
    assert!(zh.contains("winner: \"\"  # 获奖者（必填）\n"), "{zh}");
    assert!(zh.contains("level: national  # 级别"), "{zh}");
    let en = std::fs::read_to_string(root.join("content/awards/prize.en.md")).unwrap();
    assert!(en.contains("winner: \"\"  # who won (required)\n"), "{en}");
    assert!(
        en.contains("# city: \"\"  # slug of the city page, e.g. harbin (required) (inherited from the Chinese file when left out)"),
        "{en}"
    );
    // The scaffold is a draft, so the site still builds.
    t.build_ok(&["--now", "2022-09-01"]);
}
