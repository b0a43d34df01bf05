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

/// A server on 127.0.0.1 answering by path: `/ok` 200, `/moved` a redirect to `/ok`,
/// `/gone` 404, `/no-head` 405 to HEAD and 200 to GET, `/broken` 500, `/slow` never.
/// It stops when the test ends (the thread dies with the process; it also stops after
/// 60 seconds without a request).
fn link_server() -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = server.server_addr().to_ip().unwrap().to_string();
    std::thread::spawn(move || {
        while let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(60)) {
            // Each request on its own thread: a slow answer holds up no other.
            std::thread::spawn(move || {
                let head = *req.method() == tiny_http::Method::Head;
                let code = match req.url() {
                    "/ok" => 200,
                    "/moved" => 301,
                    "/gone" => 404,
                    "/no-head" if head => 405,
                    "/no-head" => 200,
                    "/broken" => 500,
                    "/slow" => {
                        // Hold the request past the client's timeout, then drop it.
                        std::thread::sleep(std::time::Duration::from_secs(20));
                        return;
                    }
                    _ => 404,
                };
                let mut r = tiny_http::Response::from_string("x").with_status_code(code);
                if code == 301 {
                    r = r.with_header(tiny_http::Header::from_bytes("Location", "/ok").unwrap());
                }
                let _ = req.respond(r);
            });
        }
    });
    addr
}

#[test]
fn external_links_are_fetched_only_with_external() {
    let addr = link_server();
    let t = SiteTest::new("kitchen-sink");
    let links: String = ["ok", "moved", "gone", "no-head", "broken", "slow"]
        .iter()
        .map(|p| format!("- [{p}](http://{addr}/{p})\n"))
        .collect();
    t.write(
        "content/news/links.md",
        &format!("---\ntitle: 外部链接\ndescription: 链接\n---\n{links}"),
    );

    // Without --external nothing is fetched: the links are only listed.
    let (_, out, _) = check(&t, &["--format", "json"]);
    assert!(!out.contains("E0407") && !out.contains("W0408"), "{out}");

    let (code, out, _) = check(&t, &["--format", "json", "--external", "--timeout", "8"]);
    assert_eq!(code, 1, "a dead external link is an error:\n{out}");
    let found: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let about = |path: &str| {
        found
            .iter()
            .filter(|v| v["message"].as_str().unwrap().contains(&format!("{addr}/{path}`")))
            .map(|v| v["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(about("gone"), ["E0407"]);
    assert_eq!(about("broken"), ["W0408"]);
    assert_eq!(about("slow"), ["W0408"]);
    assert!(
        about("ok").is_empty() && about("moved").is_empty() && about("no-head").is_empty(),
        "{out}"
    );
    let gone = found.iter().find(|v| v["code"] == "E0407").unwrap();
    assert_eq!(gone["file"], "content/news/links.md", "names the page's source");
}

/// The rendered pages are read with a real HTML tokenizer: links inside comments,
/// scripts and styles are not links, `&#x27;` is an apostrophe, each `srcset` candidate
/// and the `og:image` are checked, and `javascript:`/`data:` links are reported at the
/// template line that wrote them — once, naming the pages.
#[test]
fn html_findings_snapshot() {
    let t = SiteTest::new("check-html");
    let (code, out, err) = check(&t, &["--format", "json"]);
    assert_eq!(code, 1, "{err}");
    for not_a_link in ["in-comment", "old.png", "template-comment", "in-script", "in-style"] {
        assert!(!out.contains(not_a_link), "{not_a_link} was read as a link:\n{out}");
    }
    assert!(!out.contains("brien"), "`&#x27;` must decode to an apostrophe:\n{out}");
    let codes: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["code"].to_string())
        .collect();
    assert_eq!(
        codes,
        ["\"E0408\"", "\"E0408\"", "\"E0402\"", "\"E0401\"", "\"E0409\"", "\"W0409\""],
        "{out}"
    );
    let (_, _, human) = check(&t, &[]);
    insta::assert_snapshot!("check_html_human", human);
}

/// Browsers drop tabs and newlines inside URLs and ignore the scheme's case, so
/// `JavaScript:` and `java&#9;script:` are scripts too.
#[test]
fn disguised_script_links_are_found() {
    let t = SiteTest::new("check-html");
    t.write(
        "templates/back-link.html",
        "{% extends \"article.html\" %}\n{% block after_body %}<a href=\" JavaScript:go()\">a</a><a href=\"java&#9;script:go()\">b</a><a href=\"vbscript:x\">c</a><a href=\"mailto:a@example.org\">d</a><img src=\"data:image/png;base64,AAAA\" alt=\"点\">{% endblock after_body %}\n",
    );
    let (_, out, _) = check(&t, &["--format", "json"]);
    for script in ["JavaScript:go()", "java\\tscript:go()", "vbscript:x"] {
        assert!(out.contains(&format!("runs a script: `{script}`")), "{script}: {out}");
    }
    assert!(!out.contains("W0409") && !out.contains("mailto"), "{out}");
}

/// A server on 127.0.0.1 that tests politeness: `/limited` answers 429 with
/// `Retry-After: 1` until a second has passed since its first request, `/flaky` 503 the
/// first time, `/never` 429 asking for an hour, `/busy/N` 200 after 300 ms. It records the
/// most requests it had in flight at once. It stops after 60 seconds without a request.
fn polite_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = server.server_addr().to_ip().unwrap().to_string();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let seen: Arc<Mutex<std::collections::HashMap<String, std::time::Instant>>> = Arc::default();
    let most_out = most.clone();
    std::thread::spawn(move || {
        while let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(60)) {
            let (in_flight, most, seen) = (in_flight.clone(), most.clone(), seen.clone());
            std::thread::spawn(move || {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                let url = req.url().to_owned();
                let first = *seen
                    .lock()
                    .unwrap()
                    .entry(url.clone())
                    .or_insert_with(std::time::Instant::now);
                let mut r = tiny_http::Response::from_string("x");
                if url == "/limited" && first.elapsed() < std::time::Duration::from_millis(900) {
                    r = r
                        .with_status_code(429)
                        .with_header(tiny_http::Header::from_bytes("Retry-After", "1").unwrap());
                } else if url == "/flaky" && first.elapsed() < std::time::Duration::from_millis(100)
                {
                    r = r.with_status_code(503);
                } else if url == "/never" {
                    r = r
                        .with_status_code(429)
                        .with_header(tiny_http::Header::from_bytes("Retry-After", "3600").unwrap());
                } else if url.starts_with("/busy/") {
                    std::thread::sleep(std::time::Duration::from_millis(300));
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = req.respond(r);
            });
        }
    });
    (addr, most_out)
}

#[test]
fn external_links_are_retried_rate_limited_per_host_and_honour_retry_after() {
    let (addr, most) = polite_server();
    let t = SiteTest::new("kitchen-sink");
    let mut paths: Vec<String> =
        ["limited", "flaky", "never"].iter().map(|s| s.to_string()).collect();
    paths.extend((0..8).map(|i| format!("busy/{i}")));
    let links: String = paths.iter().map(|p| format!("- [{p}](http://{addr}/{p})\n")).collect();
    t.write(
        "content/news/links.md",
        &format!("---\ntitle: 外部链接\ndescription: 链接\n---\n{links}"),
    );
    let started = std::time::Instant::now();
    let (_, out, err) = check(&t, &["--format", "json", "--external", "--per-host", "2"]);
    let found: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let about = |path: &str| {
        found
            .iter()
            .filter(|v| v["message"].as_str().unwrap().contains(&format!("{addr}/{path}`")))
            .map(|v| v["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // Waited as Retry-After asked, then got through; tried again after the 503.
    assert!(about("limited").is_empty(), "{out}{err}");
    assert!(about("flaky").is_empty(), "{out}{err}");
    // An hour is too long to wait: reported at once, with what the server asked.
    assert_eq!(about("never").len(), 1, "{out}");
    assert!(about("never")[0].contains("HTTP 429 (too many requests; retry after 3600 s)"));
    // Never more than two requests at once to the one host.
    let most = most.load(std::sync::atomic::Ordering::SeqCst);
    assert!(most <= 2, "{most} requests at once");
    assert!(most == 2, "the two lanes ran side by side ({most})");
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
}
