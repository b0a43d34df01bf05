//! `fenjin check`: the rendered site's links, anchors, images, translations and
//! hreflang pairs, in three formats, writing nothing.

mod common;

use common::{SiteTest, fenjin, stderr};

fn check(t: &SiteTest, extra: &[&str]) -> (i32, String, String) {
    let root = t.root();
    let mut args = vec!["check", "--root", root.to_str().unwrap(), "--now", "2026-11-24"];
    args.extend_from_slice(extra);
    let o = fenjin(&args, t.dir.path());
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), stderr(&o))
}

#[test]
fn human_format_snapshot() {
    let t = SiteTest::new("check");
    let (code, _, err) = check(&t, &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_human", err);
    assert!(!t.root().join("public").exists() && !t.out().exists(), "check wrote output");
}

#[test]
fn json_format_snapshot() {
    let t = SiteTest::new("check");
    let (code, out, _) = check(&t, &["--format", "json"]);
    assert_eq!(code, 1);
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
        for key in ["severity", "code", "file", "line", "column", "message", "hint"] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
    }
    insta::assert_snapshot!("check_json", out);
}

#[test]
fn github_format_snapshot() {
    let t = SiteTest::new("check");
    let (code, out, _) = check(&t, &["--format", "github"]);
    assert_eq!(code, 1);
    assert!(out.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")), "{out}");
    insta::assert_snapshot!("check_github", out);
}

#[test]
fn each_code_is_found() {
    let t = SiteTest::new("check");
    let (_, out, _) = check(&t, &["--format", "json"]);
    for code in ["E0401", "E0402", "E0406", "W0402", "W0403", "W0405"] {
        assert!(out.contains(&format!("\"code\":\"{code}\"")), "{code} not reported:\n{out}");
    }
}

#[test]
fn non_reciprocal_hreflang_is_an_error() {
    let t = SiteTest::new("check");
    // A site template that claims a wrong English version for every page.
    t.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block og %}<link rel=\"alternate\" hreflang=\"en\" href=\"https://check.example.org/en/\">{% endblock og %}\n{% block content %}{{ page.content | safe }}{% endblock content %}\n",
    );
    let (_, out, _) = check(&t, &["--format", "json"]);
    assert!(out.contains("\"code\":\"E0404\""), "{out}");
    assert!(
        out.contains(
            "names https://check.example.org/en/ as its `en` version, which does not name it back"
        ),
        "{out}"
    );
}

#[test]
fn a_clean_site_passes_and_deny_warnings_turns_warnings_into_failure() {
    let t = SiteTest::new("check");
    std::fs::remove_file(t.root().join("content/news/problems.md")).unwrap();
    // The photo only problems.md showed would now be an unreferenced image (W0702).
    std::fs::remove_file(t.root().join("content/news/photo.png")).unwrap();
    let (code, _, err) = check(&t, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.ends_with("0 error(s), 0 warning(s)\n"), "{err}");
    t.write("content/news/nodesc.md", "---\ntitle: 无摘要\ndate: 2022-07-21\n---\n正文。\n");
    t.write(
        "content/news/nodesc.en.md",
        "---\ntitle: No description\ndescription: x\n---\nText.\n",
    );
    let (code, _, err) = check(&t, &[]);
    assert_eq!(code, 0, "warnings alone pass: {err}");
    let (code, _, _) = check(&t, &["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn build_errors_are_reported_in_every_format() {
    let t = SiteTest::new("check");
    t.write("content/news/bad.md", "---\ntitle: 坏\ndraft: yes\n---\n");
    let (code, out, _) = check(&t, &["--format", "github"]);
    assert_eq!(code, 1);
    assert!(out.contains("::error file=content/news/bad.md,line=3,col=8,title=E0105::`draft` must be `true` or `false`"), "{out}");
}
