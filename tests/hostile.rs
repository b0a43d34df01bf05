//! Hostile input and faults: what a careless or hostile contributor, a paste from Word or
//! WPS, or a killed CI job produce. Each test builds `tests/sites/hostile/` (or `kinds/`)
//! with the hostile files added, with the real binary, and asserts the exit code, that
//! nothing leaked or was left behind, and the exact diagnostics (insta snapshots, the
//! temporary folder shown as `[ROOT]`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{SiteTest, stderr, tree};

/// stderr with the scratch folder shown as `[ROOT]`.
fn clean(t: &SiteTest, o: &Output) -> String {
    let mut e = stderr(o).replace(&t.dir.path().display().to_string(), "[ROOT]");
    if let Ok(real) = t.dir.path().canonicalize() {
        e = e.replace(&real.display().to_string(), "[ROOT]");
    }
    e
}

/// Builds and asserts the exit code and that no output and no staging folder exist.
fn fails(t: &SiteTest, extra: &[&str], code: i32) -> String {
    let o = t.build(extra);
    let e = clean(t, &o);
    assert_eq!(o.status.code(), Some(code), "{e}");
    assert!(!e.contains("panicked"), "{e}");
    assert_eq!(leftovers(t), Vec::<String>::new(), "{e}");
    assert!(!t.out().exists(), "a failed build wrote the output\n{e}");
    e
}

/// Entries of the scratch folder other than the site, its home and the output.
fn leftovers(t: &SiteTest) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !matches!(n.as_str(), "site" | "home" | "public" | "outside"))
        .collect();
    v.sort();
    v
}

fn headlines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("error[") || l.starts_with("warning[")).collect()
}

fn locations(stderr: &str) -> Vec<&str> {
    stderr.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).collect()
}

/// A folder beside the site, as a contributor's link would reach.
fn outside(t: &SiteTest) -> PathBuf {
    let p = t.dir.path().join("outside");
    std::fs::create_dir_all(&p).unwrap();
    p
}

// ---------------------------------------------------------------------------------------
// 1. Content stays inside the site

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused_everywhere() {
    use std::os::unix::fs::symlink;
    let t = SiteTest::new("hostile");
    let out = outside(&t);
    std::fs::write(out.join("secret.md"), "---\ntitle: SECRET-TOKEN\n---\nSECRET-TOKEN\n").unwrap();
    std::fs::create_dir_all(out.join("keys")).unwrap();
    std::fs::write(out.join("keys/id_rsa"), "SECRET-TOKEN").unwrap();
    std::fs::write(out.join("photo.jpg"), "SECRET-TOKEN").unwrap();
    let root = t.root();
    symlink(out.join("secret.md"), root.join("content/news/leak.md")).unwrap();
    symlink(out.join("keys"), root.join("content/cities")).unwrap();
    symlink(out.join("photo.jpg"), root.join("content/news/photo.jpg")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    symlink(out.join("keys"), root.join("static/keys")).unwrap();
    symlink(out.join("keys"), root.join("templates")).unwrap();
    symlink(out.join("keys"), root.join("i18n")).unwrap();
    let e = fails(&t, &[], 1);
    assert!(!e.contains("SECRET-TOKEN"), "{e}");
    assert_eq!(headlines(&e).len(), 6, "{e}");
    insta::assert_snapshot!("symlinks_outside", e);
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed_once_and_loops_refused() {
    use std::os::unix::fs::symlink;
    let t = SiteTest::new("hostile");
    let root = t.root();
    t.write("files/report.pdf", "PDF");
    symlink(root.join("files/report.pdf"), root.join("content/news/report.pdf")).unwrap();
    t.build_ok(&[]);
    assert_eq!(t.read("news/report.pdf"), "PDF");

    symlink(root.join("content"), root.join("content/news/loop")).unwrap();
    let e = fails_keeping_output(&t);
    insta::assert_snapshot!("symlink_loop", e);
}

#[cfg(unix)]
#[test]
fn a_theme_folder_linked_from_outside_is_refused() {
    use std::os::unix::fs::symlink;
    let t = SiteTest::new("hostile");
    let out = outside(&t);
    std::fs::create_dir_all(out.join("theme/templates")).unwrap();
    std::fs::write(out.join("theme/templates/page.html"), "SECRET-TOKEN").unwrap();
    std::fs::create_dir_all(t.root().join("themes")).unwrap();
    symlink(out.join("theme"), t.root().join("themes/default")).unwrap();
    let e = fails(&t, &[], 1);
    assert!(!e.contains("SECRET-TOKEN"), "{e}");
    assert!(headlines(&e).iter().all(|h| h.starts_with("error[E0113]")), "{e}");
}

/// Builds a site whose previous output exists: exit 1, the output unchanged.
fn fails_keeping_output(t: &SiteTest) -> String {
    let before = tree(&t.out());
    let o = t.build(&[]);
    let e = clean(t, &o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert_eq!(tree(&t.out()), before, "a failed build changed the output");
    assert_eq!(leftovers(t), Vec::<String>::new());
    e
}

// ---------------------------------------------------------------------------------------
// 2. Safe URLs and valid output formats

#[test]
fn script_urls_in_markdown_are_errors_unless_trusted() {
    let t = SiteTest::new("hostile");
    let body = "---\ntitle: 点我\n---\n[点我](javascript:alert(1))\n\n![图](data:text/html;base64,PHNjcmlwdD4=)\n\n<a href=\"JaVa&#x53;cript:alert(1)\">链接</a>\n\n段落 <img src=x onerror=alert(1)> 和 <a href='vbscript:msgbox'>x</a>\n\n<script>alert(1)</script>\n\n![像素](data:image/png;base64,iVBORw0KGgo=)\n\n<https://example.org/javascript:ok>\n";
    t.write("content/news/click.md", body);
    let e = fails(&t, &[], 1);
    assert_eq!(
        locations(&e),
        [
            "content/news/click.md:4:1",
            "content/news/click.md:6:1",
            "content/news/click.md:8:4",
            "content/news/click.md:10:15",
            "content/news/click.md:10:38",
            "content/news/click.md:12:1",
        ],
        "{e}"
    );
    insta::assert_snapshot!("script_urls", e);

    let yaml = std::fs::read_to_string(t.root().join("site.yaml")).unwrap();
    t.write("site.yaml", &format!("{yaml}trusted_html: true\n"));
    t.build_ok(&[]);
    assert!(t.read("news/click/index.html").contains("href=\"javascript:alert(1)\""));
}

/// Characters XML 1.0 cannot hold.
fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' | '\u{fffe}' | '\u{ffff}')
}

#[test]
fn control_characters_in_bodies_are_removed_from_every_output() {
    let t = SiteTest::new("kinds");
    // What Word and WPS paste: vertical tab, form feed, start of heading.
    for page in ["content/activities/open.md", "content/cities/daqing.md", "content/lecturers/a.md"]
    {
        let text = std::fs::read_to_string(t.root().join(page)).unwrap();
        t.write(page, &format!("{text}\n粘贴\u{b}自\u{c}文字\u{1}处理 <b>&</b>\n"));
    }
    let o = t.build_ok(&[]);
    let e = clean(&t, &o);
    assert_eq!(headlines(&e).len(), 3, "{e}");
    assert!(headlines(&e).iter().all(|h| h.starts_with("warning[W0112]")), "{e}");
    insta::assert_snapshot!("control_characters_removed", headlines(&e).join("\n"));
    let files = tree(&t.out());
    for ext in [".xml", ".json", ".ics", ".csv", ".html"] {
        assert!(files.keys().any(|k| k.ends_with(ext)), "no {ext} output");
    }
    for (name, bytes) in &files {
        let Ok(text) = std::str::from_utf8(bytes) else { continue };
        assert!(!text.chars().any(forbidden), "{name} holds a control character");
        if name.ends_with(".xml") {
            let mut r = quick_xml::Reader::from_str(text);
            loop {
                match r.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(err) => panic!("{name} is not well-formed XML: {err}"),
                }
            }
        }
        if name.ends_with(".json") {
            assert!(serde_json::from_str::<serde_json::Value>(text).is_ok(), "{name}");
            assert!(!text.contains(['<', '>', '&']), "{name} has raw markup characters");
        }
    }
    assert!(t.read("activities/open/index.html").contains("粘贴自文字处理"));
}

#[test]
fn control_characters_in_front_matter_and_settings_are_refused_where_written() {
    let t = SiteTest::new("hostile");
    t.write("content/news/escaped.md", "---\ntitle: \"标题\\v换页\"\n---\n");
    t.write("content/news/raw.md", "---\ntitle: 标题\u{c}换页\n---\n");
    t.write("content/news/nested.md", "---\ntitle: 好\nextra:\n  note: \"\\x01\"\n---\n");
    let e = fails(&t, &[], 1);
    assert_eq!(
        locations(&e),
        ["content/news/escaped.md:2:11", "content/news/nested.md:4:10", "content/news/raw.md:2:10"],
        "{e}"
    );
    insta::assert_snapshot!("control_characters_front_matter", e);

    let t = SiteTest::new("hostile");
    let yaml = std::fs::read_to_string(t.root().join("site.yaml")).unwrap();
    t.write("site.yaml", &yaml.replace("description: 测试站点", "description: \"测试\\u0001\""));
    let e = fails(&t, &[], 1);
    assert_eq!(locations(&e), ["site.yaml:3:56"], "{e}");
    insta::assert_snapshot!("control_characters_site_yaml", e);

    let t = SiteTest::new("hostile");
    t.write("i18n/en.yaml", "home: \"Home\\f\"\n");
    let e = fails(&t, &[], 1);
    assert_eq!(locations(&e), ["i18n/en.yaml:1:12"], "{e}");
}

#[test]
fn markup_from_front_matter_is_escaped_in_search_data() {
    let t = SiteTest::new("hostile");
    t.write(
        "content/news/markup.md",
        "---\ntitle: \"<img src=x onerror=alert(1)> & 标题\"\ndescription: \"</script><b>粗</b>\"\n---\n正文 &lt;i&gt;\n",
    );
    t.build_ok(&[]);
    let files = tree(&t.out().join("_search"));
    let all: String = files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("\\u003cimg src=x onerror=alert(1)\\u003e \\u0026 标题"), "{all}");
    assert!(!all.contains(['<', '>', '&']), "{all}");
}

// ---------------------------------------------------------------------------------------
// 3. Every input finishes

/// Runs `fenjin build` and kills it if it has not finished in `limit` (a hang guard, not
/// a speed measurement: the inputs here hung or took minutes before their fix).
fn build_within(t: &SiteTest, limit: Duration) -> Output {
    let root = t.root();
    let out = t.out();
    let home = t.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(["build", "--root", root.to_str().unwrap(), "--output", out.to_str().unwrap()])
        .args(["--now", "2026-11-24"])
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read stderr while it runs: a long report must not fill the pipe and stall it.
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).unwrap();
        v
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("fenjin build did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut o = child.wait_with_output().unwrap();
    o.stderr = reader.join().unwrap();
    o
}

#[test]
fn a_template_that_includes_itself_is_an_error_naming_the_chain() {
    let t = SiteTest::new("hostile");
    t.write("templates/page.html", "{% include \"page.html\" %}\n");
    let o = build_within(&t, Duration::from_secs(60));
    let e = clean(&t, &o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    insta::assert_snapshot!("template_includes_itself", e);

    let t = SiteTest::new("hostile");
    t.write("templates/page.html", "{% extends \"a.html\" %}\n");
    t.write("templates/a.html", "<p>\n{% include \"b.html\" %}\n");
    t.write("templates/b.html", "{% include 'a.html' %}\n");
    let o = build_within(&t, Duration::from_secs(60));
    let e = clean(&t, &o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert_eq!(
        headlines(&e),
        ["error[E0305]: templates include themselves: a.html → b.html → a.html"],
        "{e}"
    );
}

#[test]
fn a_component_that_calls_itself_is_reported_once_naming_it() {
    let t = SiteTest::new("hostile");
    for n in 0..5 {
        t.write(&format!("content/news/p{n}.md"), &format!("---\ntitle: 第{n}篇\n---\n"));
    }
    t.write(
        "templates/components.html",
        "{% component forever(name: string) %}{{ <again name={name} /> }}{% endcomponent forever %}\n{% component again(name: string) %}{{ <forever name={name} /> }}{% endcomponent again %}\n",
    );
    t.write("templates/page.html", "<p>{{ <forever name=\"x\" /> }}</p>\n");
    let o = build_within(&t, Duration::from_secs(60));
    let e = clean(&t, &o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert_eq!(headlines(&e).len(), 1, "{e}");
    assert!(e.contains("a component calls itself without end: again → forever → again"), "{e}");
    assert!(e.contains("templates/components.html:2:1"), "{e}");
    assert!(e.contains("other pages"), "{e}");
}

#[test]
fn deep_nesting_aliases_and_size_are_refused_before_parsing() {
    let t = SiteTest::new("hostile");
    // 200 KB of nested lists: about 45 s of serde_yaml before the limit.
    let deep = format!(
        "---\ntitle: 深\nextra:\n  x: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    t.write("content/news/deep.md", &deep);
    let mut block = String::from("---\ntitle: 块\nextra:\n");
    for i in 1..60 {
        block.push_str(&format!("{}- \n", "  ".repeat(i)));
    }
    block.push_str("---\n");
    t.write("content/news/block.md", &block);
    let mut laughs = String::from(
        "---\ntitle: 笑\nextra:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 0..80 {
        laughs.push_str(&format!("  b{i}: [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"));
    }
    laughs.push_str("---\n");
    t.write("content/news/laughs.md", &laughs);
    t.write(
        "content/news/huge.md",
        &format!("---\ntitle: 大\ndescription: \"{}\"\n---\n", "长".repeat(400_000)),
    );
    let o = build_within(&t, Duration::from_secs(60));
    let e = clean(&t, &o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert_eq!(
        headlines(&e),
        [
            "error[E0111]: the YAML is nested more than 32 levels deep",
            "error[E0111]: the YAML is nested more than 32 levels deep",
            "error[E0111]: the YAML is 1171 KB; fenjin reads at most 1024 KB",
            "error[E0111]: the YAML uses more than 64 aliases (`*name`)",
        ],
        "{e}"
    );
    assert_eq!(
        locations(&e),
        [
            "content/news/block.md:19:33",
            "content/news/deep.md:4:36",
            "content/news/huge.md:2:1",
            "content/news/laughs.md:12:12",
        ],
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// Wrong types and collisions

#[test]
fn a_yes_no_value_where_text_is_meant_is_an_error() {
    let t = SiteTest::new("hostile");
    t.write("content/news/bool.md", "---\ntitle: true\n---\n");
    t.write("content/news/float.md", "---\ntitle: 好\ndescription: 1.50\n---\n");
    t.write("content/news/year.md", "---\ntitle: 2022\n---\n");
    let e = fails(&t, &[], 1);
    assert_eq!(locations(&e), ["content/news/bool.md:2:8"], "{e}");
    insta::assert_snapshot!("bool_title", e);
    // Numbers keep their text as written.
    std::fs::remove_file(t.root().join("content/news/bool.md")).unwrap();
    t.build_ok(&[]);
    assert!(t.read("news/float/index.html").contains("1.50"));
    assert!(t.read("news/year/index.html").contains("<title>2022"));
}

#[test]
fn a_url_collision_names_the_line_of_the_slug() {
    let t = SiteTest::new("hostile");
    t.write("content/news/a.md", "---\ntitle: 甲\ndate: 2022-07-19\nslug: ok\n---\n");
    let e = fails(&t, &[], 1);
    assert!(e.contains("content/news/a.md:4 (`slug: ok`)"), "{e}");
    insta::assert_snapshot!("collision_slug_line", e);
}

// ---------------------------------------------------------------------------------------
// 4. Faults leave no debris

/// A site big enough that building it takes a while (about a second in release).
fn big_site(t: &SiteTest, pages: usize) {
    let para = "全省职工喜迎二十大，奋进新征程。".repeat(40);
    for i in 0..pages {
        t.write(
            &format!("content/news/p{i:05}.md"),
            &format!("---\ntitle: 第{i}篇\ndate: 2022-07-19\ntags: [劳模, t{}]\n---\n{para}\n\n## 小节\n\n{para}\n", i % 50),
        );
    }
}

fn spawn_build(t: &SiteTest, extra: &[&str]) -> Child {
    let root = t.root();
    let out = t.out();
    let home = t.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(["build", "--root", root.to_str().unwrap(), "--output", out.to_str().unwrap()])
        .args(["--now", "2026-11-24"])
        .args(extra)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Staging folders beside the output.
fn staging(t: &SiteTest) -> Vec<String> {
    leftovers(t)
        .into_iter()
        .filter(|n| n.contains("fenjin-tmp") || n.contains("fenjin-old"))
        .collect()
}

#[test]
fn a_killed_build_leaves_the_old_output_and_the_next_build_removes_its_debris() {
    let t = SiteTest::new("hostile");
    t.build_ok(&[]);
    let old = tree(&t.out());
    big_site(&t, 3000);
    // Someone else's folder that merely looks like a staging folder: never touched.
    let foreign = t.dir.path().join(".public.fenjin-tmp-notours");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();

    let mut child = spawn_build(&t, &[]);
    // Kill it while it writes into its staging folder.
    let start = Instant::now();
    loop {
        let writing = staging(&t).iter().any(|n| {
            n != ".public.fenjin-tmp-notours" && {
                let p = t.dir.path().join(n).join("news");
                p.is_dir()
            }
        });
        if writing || start.elapsed() > Duration::from_secs(120) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            panic!("the build finished before it could be killed; make the site bigger");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(tree(&t.out()), old, "a killed build changed the output");
    assert_eq!(staging(&t).len(), 2, "the killed build left no staging folder: {:?}", staging(&t));

    t.build_ok(&[]);
    assert_eq!(staging(&t), [".public.fenjin-tmp-notours"]);
    assert_eq!(std::fs::read_to_string(foreign.join("keep.txt")).unwrap(), "mine");
    assert!(t.exists("news/p02999/index.html"));
}

#[test]
fn two_builds_at_once_end_with_one_complete_site() {
    let t = SiteTest::new("hostile");
    big_site(&t, 300);
    let a = spawn_build(&t, &["--base-url", "https://a.example.org"]);
    let b = spawn_build(&t, &["--base-url", "https://b.example.org"]);
    for c in [a, b] {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(staging(&t), Vec::<String>::new());
    let files = tree(&t.out());
    let sitemap = String::from_utf8_lossy(&files["sitemap.xml"]).into_owned();
    let winner = if sitemap.contains("https://a.example.org") { "a" } else { "b" };
    let loser = if winner == "a" { "b" } else { "a" };
    // Every page is from the same build.
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(&format!("https://{loser}.example.org")),
            "{name} is from the other build"
        );
    }
    assert!(files.contains_key("news/p00299/index.html"));
}

/// A tmpfs mounted for one test, unmounted when dropped; `None` where this process may
/// not mount (not root, or in a container without the capability).
struct Mount(PathBuf);

impl Mount {
    fn new(at: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "fenjin-test", at.to_str().unwrap()])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(Mount(at.to_path_buf()))
        } else {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            None
        }
    }

    fn remount(&self, options: &str) {
        let s = Command::new("mount")
            .args(["-o", &format!("remount,{options}"), self.0.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(s.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn an_output_folder_that_is_a_mount_point_is_replaced_in_place() {
    let t = SiteTest::new("hostile");
    let Some(_m) = Mount::new(&t.out(), "size=16m") else { return };
    t.build_ok(&[]);
    assert!(t.exists("news/ok/index.html"));
    t.write("content/news/new.md", "---\ntitle: 新\n---\n");
    std::fs::remove_file(t.root().join("content/news/ok.md")).unwrap();
    t.build_ok(&[]);
    assert!(t.exists("news/new/index.html"));
    assert!(!t.exists("news/ok/index.html"), "the old output's files must go");
    let hidden: Vec<String> = std::fs::read_dir(t.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".fenjin-output")
        .collect();
    assert_eq!(hidden, Vec::<String>::new());
}

#[test]
fn a_full_disk_or_a_read_only_output_is_exit_2_with_the_old_output_intact() {
    let t = SiteTest::new("hostile");
    let disk = t.dir.path().join("disk");
    let Some(m) = Mount::new(&disk, "size=2m") else { return };
    let out = disk.join("public");
    let args = ["--output", out.to_str().unwrap()];
    let build = |extra: &[&str]| {
        let root = t.root();
        let mut a = vec!["build", "--root", root.to_str().unwrap(), "--now", "2026-11-24"];
        a.extend_from_slice(extra);
        common::fenjin(&a, t.dir.path())
    };
    let o = build(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let old = tree(&out);
    // Fill the disk, then build a site that needs more room.
    let free = std::fs::read_dir(&disk).map(|_| ()).ok();
    let _ = free;
    let filler = vec![b'x'; 1 << 20];
    for i in 0.. {
        if std::fs::write(disk.join(format!("fill{i}")), &filler).is_err() {
            break;
        }
    }
    big_site(&t, 50);
    let o = build(&args);
    let e = clean(&t, &o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("No space left on device"), "{e}");
    assert_eq!(tree(&out), old);
    let names: Vec<String> = std::fs::read_dir(&disk)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("fill") && n != "public")
        .collect();
    assert_eq!(names, Vec::<String>::new(), "debris after a full disk");

    m.remount("ro");
    let o = build(&args);
    let e = clean(&t, &o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("Read-only file system"), "{e}");
    assert_eq!(tree(&out), old);
}
