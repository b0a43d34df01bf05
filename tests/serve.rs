//! `fenjin serve` over real HTTP: pages, MIME types, 404, path traversal, and the
//! reload loop (edit, add, delete, rename, break, fix).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::SiteTest;

/// A running `fenjin serve`, killed when dropped (it also stops by itself after 120 s).
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(t: &SiteTest) -> Server {
    serve_with(t, &[])
}

fn serve_with(t: &SiteTest, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(["serve", "--root", t.root().to_str().unwrap(), "--port", "0", "--stop-after", "120"])
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fenjin serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server { child, addr }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

fn get(s: &Server, path: &str) -> Reply {
    get_from(s, path, &s.addr)
}

/// A request that names `host` in its `Host` header, as a phone on the local network
/// asking for http://192.168.1.20:1111/ would.
fn get_from(s: &Server, path: &str, host: &str) -> Reply {
    // Chinese characters in a link travel percent-encoded, as a browser sends them.
    let path = percent_encoding::utf8_percent_encode(path, percent_encoding::CONTROLS);
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Reply { status, head: head.to_owned(), body: body.to_owned() }
}

/// Subscribes to reload events; each `recv` waits for the next one.
fn events(s: &Server) -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel();
    let addr = s.addr.clone();
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&addr).unwrap();
        write!(stream, "GET /__fenjin/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let reader = BufReader::new(stream);
        for line in reader.lines() {
            let Ok(line) = line else { break };
            if line == ": connected" {
                let _ = ready_tx.send(());
            }
            if line == "data: reload" && tx.send(()).is_err() {
                break;
            }
        }
    });
    ready_rx.recv_timeout(Duration::from_secs(10)).expect("event stream connected");
    rx
}

/// Polls until `cond` holds (a change can take more than one rebuild to settle, for
/// example a rename seen as a delete and an add).
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(15), "never true: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_reload(rx: &mpsc::Receiver<()>) -> Duration {
    let start = Instant::now();
    rx.recv_timeout(Duration::from_secs(15)).expect("a reload event after the change");
    start.elapsed()
}

#[test]
fn serves_pages_types_and_404_and_never_a_file_outside_the_site() {
    let t = SiteTest::new("kitchen-sink");
    let s = serve(&t);
    let page = get(&s, "/news/first/");
    assert_eq!(page.status, 200);
    assert!(page.head.contains("Content-Type: text/html; charset=utf-8"), "{}", page.head);
    assert!(page.head.contains("Cache-Control: no-cache"));
    assert!(page.body.contains("全省职工喜迎二十大"));
    assert!(
        page.body.contains(&format!("http://{}/news/first/", s.addr)),
        "links point at the local server"
    );
    assert!(page.body.contains("EventSource('/__fenjin/events')"));
    assert_eq!(get(&s, "/tags/%E5%8A%B3%E6%A8%A1/").status, 200);
    let css = page.body.split("rel=\"stylesheet\" href=\"").nth(1).unwrap();
    let css = css.split('"').next().unwrap().strip_prefix(&format!("http://{}", s.addr)).unwrap();
    assert!(css.starts_with("/css/site.") && css.len() == "/css/site.12345678.css".len(), "{css}");
    let css = get(&s, css);
    assert!(css.head.contains("Content-Type: text/css; charset=utf-8"));
    assert_eq!(get(&s, "/css/site.css").status, 404, "only the fingerprinted name");
    let manifest = get(&s, "/en/manifest.webmanifest");
    assert!(manifest.head.contains("Content-Type: application/manifest+json"), "{}", manifest.head);
    let redirect = get(&s, "/news/first");
    assert_eq!(redirect.status, 301);
    assert!(redirect.head.contains("Location: /news/first/"), "{}", redirect.head);
    let missing = get(&s, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("页面不存在"), "the site's own 404 page");
    for bad in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/news/..%2f..%2f..%2fetc/passwd",
        "/..\\..\\etc\\passwd",
        "/%5c..%5c..%5cetc%5cpasswd",
        "/etc/passwd",
        "//etc/passwd",
        "/site.yaml",
        "/content/news/first.md",
        "/%00",
    ] {
        let r = get(&s, bad);
        assert!(r.status == 400 || r.status == 404, "{bad} answered {}", r.status);
        assert!(!r.body.contains("root:") && !r.body.contains("base_url"), "{bad} leaked a file");
    }
}

#[test]
fn edits_reload_open_pages_and_a_broken_rebuild_keeps_the_last_good_site() {
    let t = SiteTest::new("kitchen-sink");
    let s = serve(&t);
    let rx = events(&s);

    // Change a page.
    let first = std::fs::read_to_string(t.root().join("content/news/first.md")).unwrap();
    t.write("content/news/first.md", &first.replace("全省职工", "全市职工"));
    let took = wait_reload(&rx);
    eprintln!("reload after an edit: {} ms", took.as_millis());
    eventually("the edit is served", || {
        get(&s, "/news/first/").body.contains("全市职工喜迎二十大")
    });

    // Add a page, then rename it, then delete it.
    t.write("content/news/added.md", "---\ntitle: 新增的页面\ndate: 2022-09-09\n---\n新增。\n");
    wait_reload(&rx);
    eventually("the new page is served", || get(&s, "/news/added/").status == 200);
    std::fs::rename(
        t.root().join("content/news/added.md"),
        t.root().join("content/news/renamed.md"),
    )
    .unwrap();
    wait_reload(&rx);
    eventually("the old name is gone", || get(&s, "/news/added/").status == 404);
    eventually("the new name is served", || get(&s, "/news/renamed/").body.contains("新增的页面"));
    std::fs::remove_file(t.root().join("content/news/renamed.md")).unwrap();
    wait_reload(&rx);
    eventually("the deleted page is gone", || get(&s, "/news/renamed/").status == 404);

    // Break it: the last good site stays, with the error on every page.
    t.write("content/news/broken.md", "---\ntitle: 坏\ndraft: yes\n---\n");
    wait_reload(&rx);
    eventually("the error is shown", || get(&s, "/news/first/").body.contains("fenjin-error"));
    let page = get(&s, "/news/first/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("全市职工喜迎二十大"), "last good content");
    assert!(page.body.contains("id=\"fenjin-error\""));
    assert!(
        page.body.contains("error[E0105]: `draft` must be `true` or `false`"),
        "the error with its code"
    );
    assert!(page.body.contains("content/news/broken.md:3:8"), "file, line and column");
    // Fix it: the overlay goes away.
    std::fs::remove_file(t.root().join("content/news/broken.md")).unwrap();
    wait_reload(&rx);
    eventually("the overlay goes away", || !get(&s, "/news/first/").body.contains("fenjin-error"));

    // A template that compiles but fails while rendering one page: found by the
    // background render, which brings back the last good site with the error.
    t.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}{% set p = get_page(path=\"@/nope.md\") %}{{ p.title }}{% endblock content %}",
    );
    eventually("the render error is shown", || {
        get(&s, "/news/first/").body.contains("fenjin-error")
    });
    let page = get(&s, "/news/first/");
    assert!(page.body.contains("全市职工喜迎二十大"), "last good content");
    assert!(page.body.contains("E0302"), "the render error's code: {}", page.body);
    let home = get(&s, "/");
    assert_eq!(home.status, 200, "the failing page is served from the last good site");
    assert!(home.body.contains("site override"), "{}", home.body);
    std::fs::remove_file(t.root().join("templates/index.html")).unwrap();
    wait_reload(&rx);
    eventually("the overlay goes away", || !get(&s, "/").body.contains("fenjin-error"));

    // A template and an interface string.
    t.write("i18n/zh.yaml", "home: 主页\n");
    t.write("i18n/en.yaml", "home: Start\n");
    wait_reload(&rx);
    eventually("the site's new i18n folder is watched and overrides the theme's strings", || {
        get(&s, "/news/first/").body.contains(">主页</a>")
    });
}

/// Every file of a fresh full build of the same tree, fetched from serve, byte for byte
/// (HTML without the reload script serve adds). Returns the paths compared, or the first
/// difference.
fn serve_equals_full_build(t: &SiteTest, s: &Server, step: &str) -> Result<Vec<String>, String> {
    let out = t.dir.path().join("full");
    let status = Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(["build", "--root", t.root().to_str().unwrap(), "--output"])
        .arg(&out)
        .args(["--force", "--now", NOW, "--base-url", &format!("http://{}", s.addr)])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{step}: the full build fails: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(&out).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&out).unwrap().to_str().unwrap().replace('\\', "/");
        if rel == ".fenjin-output" {
            continue;
        }
        let expected = std::fs::read(entry.path()).unwrap();
        let url = url_of(&rel);
        let reply = get_bytes(s, &format!("/{url}"));
        if reply.0 != 200 {
            return Err(format!("{step}: /{rel} is not served ({})", reply.0));
        }
        let mut body = reply.1;
        if rel.ends_with(".html") {
            let text = String::from_utf8(body).unwrap();
            let start =
                text.rfind("<script>(function(){var s=new EventSource").expect("reload script");
            let end = text[start..].find("</script>").unwrap() + start + "</script>".len();
            body = format!("{}{}", &text[..start], &text[end..]).into_bytes();
        }
        if body != expected {
            return Err(format!(
                "{step}: /{rel} differs from the full build\n--- serve\n{}\n--- full build\n{}",
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(&expected)
            ));
        }
        paths.push(rel);
    }
    Ok(paths)
}

/// The URL path of an output file, each segment percent-encoded.
fn url_of(rel: &str) -> String {
    rel.split('/')
        .map(|seg| {
            percent_encoding::utf8_percent_encode(seg, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn get_bytes(s: &Server, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, raw[split + 4..].to_vec())
}

const NOW: &str = "2026-11-24";

#[test]
fn after_every_kind_of_edit_serve_holds_exactly_what_a_full_build_makes() {
    let t = SiteTest::new("kitchen-sink");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(["serve", "--root", t.root().to_str().unwrap(), "--port", "0"])
        .args(["--stop-after", "120", "--now", NOW])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fenjin serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).unwrap().to_owned();
    let s = Server { child, addr };
    let rx = events(&s);
    let mut before = serve_equals_full_build(&t, &s, "start").unwrap();

    let read = |rel: &str| std::fs::read_to_string(t.root().join(rel)).unwrap();
    type Edit<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let edits: Vec<Edit<'_>> = vec![
        (
            "change a page",
            Box::new(|| {
                t.write("content/news/third.md", &(read("content/news/third.md") + "\n又一段。\n"))
            }),
        ),
        (
            "add a page",
            Box::new(|| {
                t.write(
                "content/news/fourth.md",
                "---\ntitle: 第四条\ndate: 2022-10-01\ntags: [新标签]\n---\n链接到[第二条](@/news/second.md)。\n",
            )
            }),
        ),
        // A page that others link to moves: the linking pages change too.
        (
            "move a linked page",
            Box::new(|| {
                t.write(
                    "content/news/second.md",
                    &read("content/news/second.md").replacen("title:", "slug: moved\ntitle:", 1),
                )
            }),
        ),
        // A photo shown on a page, then a new version of it: the page's <picture>
        // (sizes, file names) follows.
        (
            "add a photo",
            Box::new(|| {
                image::RgbImage::from_pixel(900, 600, image::Rgb([200, 30, 30]))
                    .save(t.root().join("content/news/photo.jpg"))
                    .unwrap();
                t.write(
                    "content/news/first.md",
                    &(read("content/news/first.md") + "\n![红色的照片](photo.jpg)\n"),
                )
            }),
        ),
        (
            "change the photo",
            Box::new(|| {
                image::RgbImage::from_pixel(1400, 700, image::Rgb([30, 30, 200]))
                    .save(t.root().join("content/news/photo.jpg"))
                    .unwrap()
            }),
        ),
        (
            "delete a page",
            Box::new(|| std::fs::remove_file(t.root().join("content/news/third.md")).unwrap()),
        ),
        (
            "rename a page",
            Box::new(|| {
                std::fs::rename(
                    t.root().join("content/news/fourth.md"),
                    t.root().join("content/news/renamed.md"),
                )
                .unwrap()
            }),
        ),
        (
            "change a translation",
            Box::new(|| {
                t.write(
                    "content/news/first.en.md",
                    &read("content/news/first.en.md").replace("See", "Read"),
                )
            }),
        ),
        (
            "add a translation",
            Box::new(|| {
                t.write("content/news/renamed.en.md", "---\ntitle: Fourth\n---\nIn English.\n")
            }),
        ),
        (
            "change a template",
            Box::new(|| {
                t.write(
                    "templates/index.html",
                    &read("templates/index.html").replace("site override", "site override, edited"),
                )
            }),
        ),
        (
            "change an interface string",
            Box::new(|| {
                t.write("i18n/zh.yaml", "home: 主页\n");
                t.write("i18n/en.yaml", "home: Start\n");
            }),
        ),
        (
            "change site.yaml",
            Box::new(|| t.write("site.yaml", &read("site.yaml").replace("厨房水槽", "厨房"))),
        ),
        (
            "delete a section",
            Box::new(|| std::fs::remove_dir_all(t.root().join("content/cities")).unwrap()),
        ),
    ];
    for (step, edit) in &edits {
        // Writes a moment apart, so that each edit is its own change.
        std::thread::sleep(Duration::from_millis(20));
        edit();
        rx.recv_timeout(Duration::from_secs(15))
            .unwrap_or_else(|_| panic!("{step}: no reload event"));
        // A change can arrive in more than one event batch: wait until serve has it.
        let start = Instant::now();
        let now = loop {
            match serve_equals_full_build(&t, &s, step) {
                Ok(paths) => break paths,
                Err(e) if start.elapsed() > Duration::from_secs(10) => panic!("{e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        };
        // What the full build no longer has, serve no longer serves.
        for gone in before.iter().filter(|p| !now.contains(p)) {
            let url = url_of(gone);
            assert_eq!(get_bytes(&s, &format!("/{url}")).0, 404, "{step}: /{gone} is still served");
        }
        before = now;
    }
}

/// Every local URL (`href`, `src`, `srcset`, the manifest's icons) in `body`, as paths.
fn local_urls(body: &str, origin: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in ["href=\"", "src=\"", "srcset=\"", "\"src\": \"", "\"start_url\": \""] {
        for part in body.split(marker).skip(1) {
            let value = part.split('"').next().unwrap_or("");
            for url in value.split(", ") {
                let url = url.split(' ').next().unwrap_or("").split('#').next().unwrap_or("");
                if let Some(path) = url.strip_prefix(origin) {
                    out.push(path.to_owned());
                } else if url.starts_with('/') && !url.starts_with("//") {
                    out.push(url.to_owned());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn a_phone_on_the_local_network_gets_links_to_the_host_it_asked() {
    let t = SiteTest::new("kitchen-sink");
    let s = serve(&t);
    let port = s.addr.rsplit(':').next().unwrap().to_owned();
    let phone = format!("192.168.1.20:{port}");
    let origin = format!("http://{phone}");
    let mut todo = vec!["/".to_owned(), "/en/".to_owned(), "/no/such/page/".to_owned()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = todo.pop() {
        if !seen.insert(path.clone()) || seen.len() > 400 {
            continue;
        }
        let r = get_from(&s, &path, &phone);
        let expected = if path == "/no/such/page/" { 404 } else { 200 };
        assert_eq!(r.status, expected, "{path} from the phone");
        assert!(!r.body.contains(&s.addr), "{path} still names {}", s.addr);
        let text = r.head.contains("text/html") || r.head.contains("manifest+json");
        if text {
            assert!(r.body.contains(&origin), "{path} has no link to {origin}");
            todo.extend(
                local_urls(&r.body, &origin).into_iter().filter(|u| !u.starts_with("/__fenjin")),
            );
        }
    }
    for must in
        ["/css/site.", "/favicon.", "/apple-touch-icon.", "/en/manifest.webmanifest", "/icon-512."]
    {
        assert!(seen.iter().any(|p| p.starts_with(must)), "never reached {must}");
    }
    assert!(seen.len() > 20, "followed only {} URLs", seen.len());
    // The reload stream is root-relative, so it works from the phone too.
    assert!(get_from(&s, "/", &phone).body.contains("EventSource('/__fenjin/events')"));
}

#[test]
fn serve_keeps_serving_when_its_output_is_closed() {
    // The reader of stdout goes away before serve prints its address lines (it builds
    // first): println! would panic on the broken pipe and drop every connection.
    let t = SiteTest::new("kitchen-sink");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(["serve", "--root", t.root().to_str().unwrap(), "--port", &port.to_string()])
        .args(["--stop-after", "60", "--base-url", "https://preview.example.org"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fenjin serve");
    drop(child.stdout.take());
    let s = Server { child, addr: format!("127.0.0.1:{port}") };
    let started = Instant::now();
    while TcpStream::connect(&s.addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "serve never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300)); // past the address lines
    for _ in 0..3 {
        let page = get(&s, "/news/first/");
        assert_eq!(page.status, 200, "{}", page.body);
    }
}

#[test]
fn serve_base_url_is_the_address_pages_link_to() {
    let t = SiteTest::new("kitchen-sink");
    let s = serve_with(&t, &["--base-url", "https://preview.example.org"]);
    for host in [s.addr.clone(), "192.168.1.20:1111".to_owned()] {
        let page = get_from(&s, "/news/first/", &host);
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("https://preview.example.org/news/first/"), "{host}");
        assert!(!page.body.contains(&s.addr) && !page.body.contains("192.168.1.20"));
    }
    let bad = common::fenjin(
        &["serve", "--root", t.root().to_str().unwrap(), "--port", "0", "--base-url", "preview"],
        t.dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        common::stderr(&bad).contains("--base-url must be an absolute URL"),
        "{}",
        common::stderr(&bad)
    );
}

#[test]
fn a_new_row_in_the_statistics_table_reloads_the_figures() {
    let t = SiteTest::new("statistics");
    let s = serve(&t);
    let rx = events(&s);
    let csv = |s: &Server| get(s, "/figures/participation.csv").body;
    assert!(csv(&s).contains("\n大庆市,一市（地）一特色,5,500,100\r\n"), "{}", csv(&s));
    let table = std::fs::read_to_string(t.root().join("data/statistics.csv")).unwrap();
    t.write("data/statistics.csv", &(table + "大庆市,2022-11,1,1000,1\n"));
    wait_reload(&rx);
    eventually("the new row is summed", || {
        csv(&s).contains("\n大庆市,一市（地）一特色,6,1500,101\r\n")
    });
    // A bad row: the last good figures stay, with the error shown.
    let table = std::fs::read_to_string(t.root().join("data/statistics.csv")).unwrap();
    t.write("data/statistics.csv", &(table + "大庆市,2022-12,-1,1,1\n"));
    wait_reload(&rx);
    eventually("the error is shown", || get(&s, "/figures/").body.contains("fenjin-error"));
    assert!(get(&s, "/figures/").body.contains("E0804"));
}
