//! `fenjin serve`: build into memory, serve, watch, rebuild, reload open pages.
//!
//! Serve is build plus a loop: the same pipeline runs into a [`MemorySink`]; the site is
//! served from memory, so no request can ever read a file outside the built site (there
//! is no disk path to traverse to). A watcher (notify, debounced) rebuilds after each
//! change; open pages reload through server-sent events on the same port. A failed
//! rebuild keeps serving the last good site and shows the error, with file, line and
//! hint, as an overlay on every open page until it is fixed.
//!
//! Every rebuild is a full rebuild in memory, as Zola chose after its incremental
//! attempts bred bugs (zola #1114).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use clap::Args;

use crate::build::{BuildError, BuildOptions, run_pipeline};
use crate::output::{MemorySink, escape_attr};

/// `fenjin serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub site: crate::cli::SiteArgs,
    /// The port; 0 picks a free one (the address is printed).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. 0.0.0.0 previews on a phone over the local network,
    /// and makes the site visible to everyone on that network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Stop after this many seconds (for tests and scripts).
    #[arg(long, value_name = "SECONDS", hide = true)]
    pub stop_after: Option<u64>,
}

/// What the server holds: the last good site and the current error, if any.
#[derive(Default)]
struct State {
    files: BTreeMap<String, Vec<u8>>,
    error: Option<String>,
    /// Bumped after every rebuild, good or bad; event streams wait on it.
    version: u64,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    stopping: AtomicBool,
}

const EVENTS: &str = "/__fenjin/events";

impl ServeArgs {
    /// Serves until Ctrl-C (or `--stop-after`).
    pub fn run(&self) -> Result<(), BuildError> {
        let addr = format!("{}:{}", self.bind, self.port);
        let server = tiny_http::Server::http(&addr)
            .map_err(|e| BuildError::Usage(format!("cannot listen on {addr}: {e}")))?;
        let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(self.port);
        let host = if self.bind == "0.0.0.0" || self.bind == "::" {
            "127.0.0.1".to_owned()
        } else {
            self.bind.clone()
        };
        let base_url = format!("http://{host}:{port}");
        if self.bind != "127.0.0.1" && self.bind != "localhost" && self.bind != "::1" {
            eprintln!(
                "warning: serving on {} makes the site visible to every device on the network",
                self.bind
            );
        }
        let root = std::env::current_dir()
            .map(|d| d.join(&self.site.root))
            .unwrap_or_else(|_| self.site.root.clone());
        if !root.join("site.yaml").is_file() {
            return Err(BuildError::Usage(format!(
                "no site.yaml in {}: run fenjin serve in a site's folder, or pass --root DIR",
                root.display()
            )));
        }
        let opts = BuildOptions {
            root: root.clone(),
            base_url: Some(base_url.clone()),
            ..self.site.options()
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            stopping: AtomicBool::new(false),
        });
        // Watch before the first build and before telling anyone the address, so that no
        // change made after the address is printed can go unnoticed.
        watch(&root, opts.clone(), shared.clone())?;
        rebuild(&opts, &shared);
        println!("serving {base_url}/  (Ctrl-C to stop)");

        let server = Arc::new(server);
        {
            let (server, shared) = (server.clone(), shared.clone());
            let _ = ctrlc::set_handler(move || {
                shared.stopping.store(true, Ordering::SeqCst);
                shared.changed.notify_all();
                server.unblock();
            });
        }
        if let Some(secs) = self.stop_after {
            let (server, shared) = (server.clone(), shared.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(secs));
                shared.stopping.store(true, Ordering::SeqCst);
                shared.changed.notify_all();
                server.unblock();
            });
        }
        if self.open {
            open_browser(&format!("{base_url}/"));
        }
        for request in server.incoming_requests() {
            if shared.stopping.load(Ordering::SeqCst) {
                break;
            }
            let shared = shared.clone();
            std::thread::spawn(move || respond(request, &shared));
        }
        eprintln!("stopped");
        Ok(())
    }
}

/// Builds into memory; on success replaces the served site, on failure keeps it and
/// records the error for the overlay.
fn rebuild(opts: &BuildOptions, shared: &Shared) {
    let started = Instant::now();
    let sink = MemorySink::new();
    let result = run_pipeline(opts, &sink);
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(built) => {
            state.files = sink.into_files();
            state.error = None;
            crate::cli::print_diagnostics(&built.report.warnings);
            eprintln!(
                "rebuilt {} pages in {} ms",
                built.report.documents,
                started.elapsed().as_millis()
            );
        }
        Err(BuildError::Content(ds)) => {
            crate::cli::print_diagnostics(&ds);
            let text: String =
                ds.sorted().iter().map(|d| d.render_human()).collect::<Vec<_>>().join("\n");
            state.error = Some(text);
        }
        Err(e) => {
            let msg = match e {
                BuildError::Usage(m) => m,
                _ => "the build failed".to_owned(),
            };
            eprintln!("error: {msg}");
            state.error = Some(msg);
        }
    }
    state.version += 1;
    shared.changed.notify_all();
}

/// The site's inputs: site.yaml and these folders.
const WATCHED: &[&str] = &["content", "themes", "templates", "static", "i18n"];

fn watch(root: &Path, opts: BuildOptions, shared: Arc<Shared>) -> Result<(), BuildError> {
    use notify_debouncer_mini::notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_mini::new_debouncer(Duration::from_millis(50), tx)
        .map_err(|e| BuildError::Usage(format!("cannot watch the site's files: {e}")))?;
    // The root itself, not recursively: site.yaml (editors often save by replacing the
    // file) and folders such as i18n/ that appear while serving.
    debouncer
        .watcher()
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| BuildError::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let mut watching = std::collections::BTreeSet::new();
    ensure_watched(&mut debouncer, root, &mut watching);
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        // Reading files for a rebuild raises access events on some platforms; only a real
        // change of a file's size, time or presence triggers a rebuild.
        let mut last = fingerprint(&root);
        for _events in rx {
            if shared.stopping.load(Ordering::SeqCst) {
                break;
            }
            ensure_watched(&mut debouncer, &root, &mut watching);
            let now = fingerprint(&root);
            if now == last {
                continue;
            }
            last = now;
            rebuild(&opts, &shared);
        }
    });
    Ok(())
}

/// Watches each input folder that exists and is not watched yet (folders can appear
/// while serving).
fn ensure_watched(
    debouncer: &mut notify_debouncer_mini::Debouncer<
        notify_debouncer_mini::notify::RecommendedWatcher,
    >,
    root: &Path,
    watching: &mut std::collections::BTreeSet<&'static str>,
) {
    use notify_debouncer_mini::notify::RecursiveMode;
    for name in WATCHED {
        let p = root.join(name);
        if !watching.contains(name)
            && p.is_dir()
            && debouncer.watcher().watch(&p, RecursiveMode::Recursive).is_ok()
        {
            watching.insert(name);
        }
    }
}

/// Size and modification time of every file the site is built from.
fn fingerprint(root: &Path) -> BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)> {
    let mut out = BTreeMap::new();
    for name in std::iter::once(&"site.yaml").chain(WATCHED) {
        for entry in walkdir::WalkDir::new(root.join(name)).follow_links(true).into_iter().flatten()
        {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                out.insert(entry.path().to_path_buf(), (meta.len(), meta.modified().ok()));
            }
        }
    }
    out
}

/// Maps a request path to a file of the built site. `None` for paths that try to leave
/// it (`..`, encoded slashes or dots, backslashes, NUL): answered 400.
fn resolve_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
        || path.contains('\\')
    {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    Some(if decoded.ends_with('/') || joined.is_empty() {
        if joined.is_empty() { "index.html".to_owned() } else { format!("{joined}/index.html") }
    } else {
        joined
    })
}

fn mime(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("mp4") => "video/mp4",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The script every served page gets: reload on each rebuild.
const RELOAD: &str = "<script>(function(){var s=new EventSource('/__fenjin/events');s.onmessage=function(){location.reload();};})();</script>";

fn with_reload(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let overlay = error.map(|e| {
        format!(
            "<div id=\"fenjin-error\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:1rem;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap\"><strong>fenjin: the last change did not build; showing the last good version.</strong>\n\n{}</div>",
            escape_attr(e)
        )
    });
    let insert = format!("{}{RELOAD}", overlay.unwrap_or_default());
    let out = match text.rfind("</body>") {
        Some(i) => format!("{}{insert}{}", &text[..i], &text[i..]),
        None => format!("{text}{insert}"),
    };
    out.into_bytes()
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond(request: tiny_http::Request, shared: &Shared) {
    let url = request.url().to_owned();
    if url.split('?').next() == Some(EVENTS) {
        serve_events(request, shared);
        return;
    }
    let Some(path) = resolve_path(&url) else {
        let _ =
            request.respond(tiny_http::Response::from_string("bad request").with_status_code(400));
        return;
    };
    let state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let error = state.error.clone();
    let found = state.files.get(&path).map(|b| (path.clone(), b.clone()));
    // `/cities/harbin` → `/cities/harbin/` when that is a page.
    let redirect = found.is_none() && state.files.contains_key(&format!("{path}/index.html"));
    let not_found = state.files.get("404.html").cloned();
    drop(state);
    let response = if let Some((p, bytes)) = found {
        let body = if p.ends_with(".html") { with_reload(&bytes, error.as_deref()) } else { bytes };
        tiny_http::Response::from_data(body)
            .with_header(header("Content-Type", mime(&p)))
            .with_header(header("Cache-Control", "no-cache"))
    } else if redirect {
        let location = format!("{}/", url.split('?').next().unwrap_or("/"));
        tiny_http::Response::from_data(Vec::new())
            .with_status_code(301)
            .with_header(header("Location", &location))
    } else {
        let body = with_reload(
            &not_found.unwrap_or_else(|| b"<!DOCTYPE html><title>404</title><p>404</p>".to_vec()),
            error.as_deref(),
        );
        tiny_http::Response::from_data(body)
            .with_status_code(404)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-cache"))
    };
    let _ = request.respond(response);
}

/// A server-sent event stream: one `reload` message after each rebuild, written and
/// flushed as it happens (a chunked response body would sit in a buffer).
fn serve_events(request: tiny_http::Request, shared: &Shared) {
    use std::io::Write;
    let mut seen = shared.state.lock().map(|s| s.version).unwrap_or(0);
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|_| out.write_all(b": connected\n\n"))
        .and_then(|_| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = {
            let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if shared.stopping.load(Ordering::SeqCst) {
                    return;
                }
                if state.version != seen {
                    seen = state.version;
                    break format!("id: {seen}\ndata: reload\n\n");
                }
                let (s, timeout) = shared
                    .changed
                    .wait_timeout(state, Duration::from_secs(15))
                    .unwrap_or_else(|e| e.into_inner());
                state = s;
                // A comment now and then keeps proxies from closing an idle stream.
                if timeout.timed_out() && state.version == seen {
                    break ": keep-alive\n\n".to_owned();
                }
            }
        };
        if out.write_all(message.as_bytes()).and_then(|_| out.flush()).is_err() {
            return; // the page went away
        }
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        assert_eq!(resolve_path("/"), Some("index.html".into()));
        assert_eq!(resolve_path("/cities/harbin/"), Some("cities/harbin/index.html".into()));
        assert_eq!(resolve_path("/tags/%E5%8A%B3%E6%A8%A1/"), Some("tags/劳模/index.html".into()));
        assert_eq!(resolve_path("/css/site.css?v=1"), Some("css/site.css".into()));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fetc",
            "/a%5c..%5cb",
            "/a\\..\\b",
            "/%00",
            "/a/../../b",
        ] {
            assert_eq!(resolve_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_get_the_reload_script_and_the_error_overlay() {
        let html = b"<html><body><p>x</p></body></html>";
        let ok = String::from_utf8(with_reload(html, None)).unwrap();
        assert!(ok.contains("EventSource('/__fenjin/events')"));
        assert!(!ok.contains("fenjin-error"));
        let err = String::from_utf8(with_reload(html, Some("error[E0103]: <bad>"))).unwrap();
        assert!(err.contains("id=\"fenjin-error\""));
        assert!(err.contains("error[E0103]: &lt;bad&gt;"));
        assert!(err.find("fenjin-error").unwrap() < err.find("</body>").unwrap());
    }
}
