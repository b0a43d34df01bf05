//! `fenjin serve`: build into memory, serve, watch, rebuild, reload open pages.
//!
//! Serve is build plus a loop: the same pipeline ([`crate::build::prepare`]) makes the
//! site in memory and pages are served from memory, so no request can ever read a file
//! outside the built site (there is no disk path to traverse to). A watcher (notify,
//! after 50 ms of quiet, reads left out) rebuilds after each change; open pages reload
//! through server-sent events on the same port. A failed rebuild keeps serving the last good site and shows the
//! error, with file, line and hint, as an overlay on every open page until it is fixed.
//!
//! A rebuild reuses what did not change ([`crate::cache`]): only the files the watcher
//! reported are read, only bodies whose file or links changed are rendered again. The
//! model is made afresh unless the save changed only bodies, templates, interface
//! strings or static files (then the last build's is reused, since the model never
//! reads a body or the theme); the values are made afresh every time, and pages are
//! rendered from them when first asked for, so a page is never older than the last
//! save. The reload is sent as soon as the new model is ready; every page is then
//! rendered in the background, and a page that fails is served from the last good site
//! with the error overlay. A test holds every served file to byte equality with a fresh
//! full build after each kind of edit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::build::{BuildError, BuildOptions, Prepared, prepare};
use crate::cache::BuildCache;
use crate::escape::escape_attr;

/// What to serve and how: the site (`build`'s root, drafts, future and `now`; its
/// `base_url` is set here) and the address.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site and what to include.
    pub build: BuildOptions,
    /// The port; 0 picks a free one (the address is printed).
    pub port: u16,
    /// The address to listen on (`127.0.0.1`; `0.0.0.0` for phones on the network).
    pub bind: String,
    /// The address readers use, when it is not this server's (a tunnel or a proxy).
    /// Without it, every page links to the host name each request came to.
    pub base_url: Option<String>,
    /// Open the site in the default browser.
    pub open: bool,
    /// Stop after this many seconds (for tests and scripts).
    pub stop_after: Option<u64>,
}

/// A rendered output file: its bytes (`None`: nothing to write), or the error.
type Made = Result<Option<Arc<Vec<u8>>>, String>;

/// One build of the site: its output files, each rendered on first request.
struct Generation {
    prepared: Prepared,
    /// Output path → index in `prepared.jobs`.
    by_path: std::collections::HashMap<String, usize>,
    /// Each job's bytes once rendered (`None`: nothing to write), or its error.
    done: Vec<std::sync::OnceLock<Made>>,
    /// Set when a newer generation replaced this one: background rendering stops.
    superseded: AtomicBool,
    /// Set when one of its files failed to render.
    failed: AtomicBool,
}

impl Generation {
    fn new(prepared: Prepared) -> Self {
        let by_path = prepared.jobs.iter().enumerate().map(|(i, j)| (j.out.clone(), i)).collect();
        let done = prepared.jobs.iter().map(|_| std::sync::OnceLock::new()).collect();
        Generation {
            prepared,
            by_path,
            done,
            superseded: AtomicBool::new(false),
            failed: AtomicBool::new(false),
        }
    }

    /// The bytes of output file `path`: `None` if the site has no such file.
    fn file(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        let &i = self.by_path.get(path)?;
        self.render(i).transpose()
    }

    fn has(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    fn render(&self, i: usize) -> Made {
        self.done[i]
            .get_or_init(|| match self.prepared.render_job(&self.prepared.jobs[i]) {
                Ok(bytes) => Ok(bytes.map(Arc::new)),
                Err(d) => {
                    self.failed.store(true, Ordering::Relaxed);
                    Err(d.render_human())
                }
            })
            .clone()
    }

    /// Renders every file not rendered yet; the errors, unless superseded first.
    fn render_all(&self) -> Option<Vec<String>> {
        use rayon::prelude::*;
        let errors: Vec<String> = (0..self.done.len())
            .into_par_iter()
            .filter_map(|i| {
                if self.superseded.load(Ordering::Relaxed) {
                    return None;
                }
                self.render(i).err()
            })
            .collect();
        (!self.superseded.load(Ordering::Relaxed)).then_some(errors)
    }
}

/// What the server holds: the site being served and the current error, if any.
#[derive(Default)]
struct State {
    /// The newest generation that built; `None` until one does.
    current: Option<Arc<Generation>>,
    /// The generation before `current` that had no file fail to render (or the one
    /// before it, and so on): a file that fails to render in `current` is served from it.
    good: Option<Arc<Generation>>,
    error: Option<String>,
    /// Bumped after every rebuild, good or bad; event streams wait on it.
    version: u64,
}

/// What the server threads share: the site being served, the reload signal, and how to
/// answer another host.
struct LiveSite {
    state: Mutex<State>,
    changed: Condvar,
    stopping: AtomicBool,
    /// How to give each request the URLs of the host it came to.
    rewrite: Option<Rewrite>,
}

/// The site is built once for the server's own address (`http://127.0.0.1:1111`); a
/// request that came to another host name (`Host: 192.168.1.20:1111`, a phone on the
/// local network) gets its text files with that origin instead, so every link,
/// stylesheet, script, image and the manifest resolve on the host the reader used.
/// The reload stream is reached by a root-relative URL and needs nothing.
struct Rewrite {
    from: String,
}

impl Rewrite {
    /// The body for a request with this `Host` header: unchanged for the server's own
    /// address, a missing or malformed header, or a binary file.
    fn apply(&self, body: Vec<u8>, host: Option<&str>, path: &str) -> Vec<u8> {
        let Some(host) = host.filter(|h| valid_host(h)) else { return body };
        let to = format!("http://{host}");
        if to == self.from || !is_text(path) {
            return body;
        }
        match String::from_utf8(body) {
            Ok(text) => text.replace(&self.from, &to).into_bytes(),
            Err(e) => e.into_bytes(),
        }
    }
}

/// A host name or address with an optional port, as a `Host` header carries it:
/// nothing that could end the URL or start markup.
fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

fn is_text(path: &str) -> bool {
    let m = mime(path);
    m.starts_with("text/") || m.contains("json") || m.contains("xml") || m.contains("manifest")
}

const EVENTS: &str = "/__fenjin/events";

/// Serves until Ctrl-C (or `--stop-after`).
pub fn serve(opts: &ServeOptions) -> Result<(), BuildError> {
    let addr = format!("{}:{}", opts.bind, opts.port);
    let server = tiny_http::Server::http(&addr)
        .map_err(|e| BuildError::Usage(format!("cannot listen on {addr}: {e}")))?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(opts.port);
    let host = if opts.bind == "0.0.0.0" || opts.bind == "::" {
        "127.0.0.1".to_owned()
    } else {
        opts.bind.clone()
    };
    let local_url = format!("http://{host}:{port}");
    let base_url = opts.base_url.clone().unwrap_or_else(|| local_url.clone());
    // Pages are built for `local_url` and answered for the host each request names;
    // with --base-url they keep that address.
    let rewrite = opts.base_url.is_none().then(|| Rewrite { from: local_url.clone() });
    if opts.bind != "127.0.0.1" && opts.bind != "localhost" && opts.bind != "::1" {
        eprintln!(
            "warning: serving on {} makes the site visible to every device on the network",
            opts.bind
        );
    }
    let root = crate::build::site_root(&opts.build.root)?;
    let build =
        BuildOptions { root: root.clone(), base_url: Some(base_url.clone()), ..opts.build.clone() };
    // A bad --base-url is reported before anything starts.
    crate::build::check_base_url(&base_url)?;
    let shared = Arc::new(LiveSite {
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
        stopping: AtomicBool::new(false),
        rewrite,
    });
    // Watch before the first build and before telling anyone the address, so that no
    // change made after the address is printed can go unnoticed.
    watch(&root, build, shared.clone())?;
    announce(&local_url, opts.base_url.as_ref().map(|_| base_url.as_str()));
    let server = Arc::new(server);
    stop_on_signals(&server, &shared, opts.stop_after.map(Duration::from_secs));
    if opts.open {
        open_browser(&format!("{local_url}/"));
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

/// Prints the address on one line of standard output: scripts read it and may close the
/// pipe after it. Written, not println!: a closed stdout (`fenjin serve | head -1`, a
/// supervisor that stopped reading) must not take the server down with a broken pipe.
fn announce(local_url: &str, base_url: Option<&str>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = match base_url {
        Some(base_url) => {
            writeln!(out, "serving {local_url}/, pages link to {base_url}/  (Ctrl-C to stop)")
        }
        None => writeln!(out, "serving {local_url}/  (Ctrl-C to stop)"),
    };
    let _ = out.flush();
}

/// Stops the server on Ctrl-C, and after `after` when given.
fn stop_on_signals(
    server: &Arc<tiny_http::Server>,
    shared: &Arc<LiveSite>,
    after: Option<Duration>,
) {
    let stop = {
        let (server, shared) = (server.clone(), shared.clone());
        move || {
            shared.stopping.store(true, Ordering::SeqCst);
            shared.changed.notify_all();
            server.unblock();
        }
    };
    if let Some(after) = after {
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            stop();
        });
    }
    let _ = ctrlc::set_handler(stop);
}

/// Rebuilds (reusing `cache`) and serves the result; on failure keeps the last good
/// site and records the error for the overlay. `changed` lists the files the watcher
/// reported (`None`: unknown, read everything).
fn rebuild(
    opts: &BuildOptions,
    cache: &mut BuildCache,
    changed: Option<std::collections::HashSet<PathBuf>>,
    shared: &Arc<LiveSite>,
) {
    let started = Instant::now();
    // Stop rendering the pages of the site being replaced: this build needs the cores.
    if let Some(current) = &shared.state.lock().unwrap_or_else(|e| e.into_inner()).current {
        current.superseded.store(true, Ordering::Relaxed);
    }
    cache.sources.set_changed(changed);
    let result = prepare(opts, Some(cache));
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(prepared) => {
            crate::diagnostics::eprint(prepared.warnings());
            let documents = prepared.shared.site.docs.len();
            let stages: Vec<String> = prepared
                .timings()
                .iter()
                .map(|(stage, d)| format!("{stage} {}", d.as_millis()))
                .collect();
            let generation = Arc::new(Generation::new(prepared));
            if let Some(old) = state.current.replace(generation.clone()) {
                old.superseded.store(true, Ordering::Relaxed);
                let replaced = if old.failed.load(Ordering::Relaxed) {
                    None
                } else {
                    state.good.replace(old.clone())
                };
                // Freeing a large site takes a while: not under the lock, not before the
                // reload.
                std::thread::spawn(move || drop((old, replaced)));
            }
            state.error = None;
            let (read, parsed) = cache.last_reads();
            eprintln!(
                "rebuilt {documents} pages in {} ms ({read} files read, {parsed} parsed, {} bodies rendered{}; ms: {})",
                started.elapsed().as_millis(),
                cache.last_rendered(),
                if cache.last_reused_model() { ", model reused" } else { "" },
                stages.join(", "),
            );
            // Render everything in the background: template errors show up, and later
            // requests are answered from memory.
            let shared = shared.clone();
            std::thread::spawn(move || verify(generation, &shared));
        }
        Err(BuildError::Content(ds)) => {
            crate::diagnostics::eprint(&ds);
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

/// Renders every page of a new generation (after a quiet moment); if one fails, shows
/// the error on every page (the failing ones are served from the last good site).
fn verify(generation: Arc<Generation>, shared: &LiveSite) {
    // On a pool of its own, one thread: the background work must never hold up the next
    // rebuild, which runs on the global pool.
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok());
    // Wait for a quiet moment: while an editor keeps saving, every new site is replaced
    // before the background work would finish, and it would only slow the next rebuild.
    for _ in 0..10 {
        if generation.superseded.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(75));
    }
    let work = || {
        // Outside the parallel loop, as in `render::run`.
        generation.prepared.shared.make_search_index();
        generation.render_all()
    };
    let result = match pool {
        Some(p) => p.install(work),
        None => work(),
    };
    let Some(errors) = result else { return };
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    if errors.is_empty() || !state.current.as_ref().is_some_and(|c| Arc::ptr_eq(c, &generation)) {
        return; // all good, or a newer build took over
    }
    for e in &errors {
        eprintln!("{e}");
    }
    // The pages that fail are served from the last good site; all show the error.
    state.error = Some(errors.join("\n"));
    state.version += 1;
    shared.changed.notify_all();
}

/// The site's inputs: site.yaml and these folders.
const WATCHED: &[&str] = &["content", "themes", "templates", "static", "i18n", "kinds", "data"];

/// How long the inputs must stay quiet before a rebuild starts. An editor's save is a
/// write, or a write to a temporary file and a rename, all within a few milliseconds; a
/// rebuild that starts on a half-written file is followed by another (the content hash
/// changes again), so a short wait costs nothing but a rare extra rebuild.
const QUIET: Duration = Duration::from_millis(50);

/// A stream of events that never goes quiet (a tool writing without pause) still
/// rebuilds this often.
const LONGEST_WAIT: Duration = Duration::from_secs(1);

/// Whether a watcher event only reports a read. Every rebuild opens the folders it
/// lists and the files it reads, and so does looking at a reported folder: if such
/// events counted, serve would rebuild (or look again) forever on its own reads.
fn is_read(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    matches!(
        kind,
        EventKind::Access(
            AccessKind::Open(_) | AccessKind::Read | AccessKind::Close(AccessMode::Read)
        )
    )
}

/// A file watcher that sends every event but reads to `tx`.
fn watcher(
    tx: std::sync::mpsc::Sender<notify::Result<notify::Event>>,
) -> notify::Result<notify::RecommendedWatcher> {
    notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if !event.as_ref().is_ok_and(|e| is_read(&e.kind)) {
            // The receiver is gone only when serve stops.
            let _ = tx.send(event);
        }
    })
}

/// Starts watching, runs the first build, and rebuilds in a thread after each change.
fn watch(root: &Path, opts: BuildOptions, shared: Arc<LiveSite>) -> Result<(), BuildError> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = watcher(tx)
        .map_err(|e| BuildError::Usage(format!("cannot watch the site's files: {e}")))?;
    // The root itself, not recursively: site.yaml (editors often save by replacing the
    // file) and folders such as i18n/ that appear while serving.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| BuildError::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let mut watching = std::collections::BTreeSet::new();
    ensure_watched(&mut watcher, root, &mut watching);
    let root = root.to_path_buf();
    // Content hashes of the inputs, taken before the first build: a change made while it
    // runs is seen by the next one.
    let mut known = Inputs::scan(&root);
    let mut cache = BuildCache::new();
    rebuild(&opts, &mut cache, None, &shared);
    std::thread::spawn(move || {
        while let Some(reported) = next_changes(&rx, &root) {
            if shared.stopping.load(Ordering::SeqCst) {
                break;
            }
            ensure_watched(&mut watcher, &root, &mut watching);
            // Only a change of a file's content or presence triggers a rebuild.
            let reported: Vec<PathBuf> = reported.into_iter().collect();
            let changed = known.update(&root, &reported);
            if changed.is_empty() {
                continue;
            }
            rebuild(&opts, &mut cache, Some(changed), &shared);
        }
    });
    Ok(())
}

/// Waits for the next change and returns every path reported until the inputs have been
/// quiet for [`QUIET`] (or for [`LONGEST_WAIT`] in all); `None` once the watcher is gone.
/// A lost track (an overflow, an error) reports the root: every file is looked at.
fn next_changes(
    rx: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    root: &Path,
) -> Option<std::collections::BTreeSet<PathBuf>> {
    use std::sync::mpsc::RecvTimeoutError;
    let first = rx.recv().ok()?;
    let started = Instant::now();
    let mut reported = std::collections::BTreeSet::new();
    let mut add = |event: notify::Result<notify::Event>| match event {
        Ok(e) if !e.need_rescan() => reported.extend(e.paths),
        _ => {
            reported.insert(root.to_path_buf());
        }
    };
    add(first);
    while started.elapsed() < LONGEST_WAIT {
        match rx.recv_timeout(QUIET) {
            Ok(event) => add(event),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
    Some(reported)
}

/// Size, modification time and content hash of every input file, kept up to date
/// from the watcher's reports.
struct Inputs {
    files: BTreeMap<PathBuf, Stamp>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    hash: blake3::Hash,
}

impl Inputs {
    fn scan(root: &Path) -> Inputs {
        let mut inputs = Inputs { files: BTreeMap::new() };
        inputs.update(root, &[root.to_path_buf()]);
        inputs
    }

    /// Looks again at the reported paths and returns the files that appeared,
    /// disappeared or changed content. A reported file is hashed again; a reported
    /// folder is only listed (a file changed inside it is reported itself), so that the
    /// events a build raises by listing folders cost no reading.
    fn update(&mut self, root: &Path, reported: &[PathBuf]) -> std::collections::HashSet<PathBuf> {
        let is_input = |p: &Path| {
            p.strip_prefix(root).ok().and_then(|r| r.components().next()).is_some_and(|c| {
                let c = c.as_os_str();
                c == "site.yaml" || WATCHED.iter().any(|w| c == *w)
            })
        };
        let mut paths: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
        for p in reported {
            if p.is_dir() {
                // The folder's own entries: files and folders that are new or gone.
                let names: std::collections::HashSet<std::ffi::OsString> = std::fs::read_dir(p)
                    .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
                    .unwrap_or_default();
                for (k, _) in self.files.range(p.clone()..).take_while(|(k, _)| k.starts_with(p)) {
                    let child = k.strip_prefix(p).ok().and_then(|r| r.components().next());
                    if child.is_some_and(|c| !names.contains(c.as_os_str())) {
                        paths.insert(k.clone());
                    }
                }
                for name in names {
                    let child = p.join(&name);
                    let known = self
                        .files
                        .range(child.clone()..)
                        .next()
                        .is_some_and(|(k, _)| k.starts_with(&child));
                    if known {
                        continue; // a change inside is reported by itself
                    }
                    for entry in
                        walkdir::WalkDir::new(&child).follow_links(true).into_iter().flatten()
                    {
                        if entry.file_type().is_file() && is_input(entry.path()) {
                            paths.insert(entry.path().to_path_buf());
                        }
                    }
                }
            } else if is_input(p) || self.files.contains_key(p) {
                paths.insert(p.clone());
            }
        }
        // A file is read again only when its size or time changed (reading raises access
        // events on some platforms, which must not start another round), and counts as
        // changed only when its content did.
        let now: Vec<(PathBuf, Option<Stamp>)> = paths
            .into_iter()
            .map(|p| {
                let Ok(meta) = std::fs::metadata(&p) else { return (p, None) };
                let (len, modified) = (meta.len(), meta.modified().ok());
                if let Some(known) = self.files.get(&p)
                    && known.len == len
                    && known.modified == modified
                {
                    return (p, Some(*known));
                }
                let stamp =
                    std::fs::read(&p).ok().map(|b| Stamp { len, modified, hash: blake3::hash(&b) });
                (p, stamp)
            })
            .collect();
        let mut changed = std::collections::HashSet::new();
        for (p, stamp) in now {
            let before = match stamp {
                Some(s) => self.files.insert(p.clone(), s),
                None => self.files.remove(&p),
            };
            if before.map(|s| s.hash) != stamp.map(|s| s.hash) {
                changed.insert(p);
            }
        }
        changed
    }
}

/// Watches each input folder that exists and is not watched yet (folders can appear
/// while serving).
fn ensure_watched(
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    watching: &mut std::collections::BTreeSet<&'static str>,
) {
    use notify::{RecursiveMode, Watcher};
    for name in WATCHED {
        let p = root.join(name);
        if !watching.contains(name)
            && p.is_dir()
            && watcher.watch(&p, RecursiveMode::Recursive).is_ok()
        {
            watching.insert(name);
        }
    }
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
        Some("webmanifest") => "application/manifest+json; charset=utf-8",
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

/// An HTML answer with `status`: the site's 404 page (or a bare one) with the overlay.
fn page(
    status: u16,
    not_found: Option<Result<Arc<Vec<u8>>, String>>,
    error: Option<&str>,
    rewrite: &dyn Fn(Vec<u8>, &str) -> Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let html = match &not_found {
        Some(Ok(b)) => b.as_slice(),
        _ => b"<!DOCTYPE html><title>404</title><p>404</p>".as_slice(),
    };
    tiny_http::Response::from_data(rewrite(with_reload(html, error), "404.html"))
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-cache"))
}

fn respond(request: tiny_http::Request, shared: &LiveSite) {
    let url = request.url().to_owned();
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_owned());
    let rewrite = |body: Vec<u8>, path: &str| match &shared.rewrite {
        Some(r) => r.apply(body, host.as_deref(), path),
        None => body,
    };
    if url.split('?').next() == Some(EVENTS) {
        serve_events(request, shared);
        return;
    }
    let Some(path) = resolve_path(&url) else {
        let _ =
            request.respond(tiny_http::Response::from_string("bad request").with_status_code(400));
        return;
    };
    let (generation, good, error) = {
        let state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        (state.current.clone(), state.good.clone(), state.error.clone())
    };
    let file = |p: &str| generation.as_ref().and_then(|g| g.file(p));
    let mut found = file(&path);
    let mut error = error;
    if let Some(Err(message)) = &found {
        // This file does not render now: the last good version of it, with the error.
        if let Some(Some(Ok(bytes))) = good.as_ref().map(|g| g.file(&path)) {
            error = Some(error.unwrap_or_else(|| message.clone()));
            found = Some(Ok(bytes));
        }
    }
    let response = match found {
        Some(Ok(bytes)) => {
            let body = if path.ends_with(".html") {
                with_reload(&bytes, error.as_deref())
            } else {
                bytes.as_ref().clone()
            };
            let body = rewrite(body, &path);
            tiny_http::Response::from_data(body)
                .with_header(header("Content-Type", mime(&path)))
                .with_header(header("Cache-Control", "no-cache"))
        }
        // `/cities/harbin` → `/cities/harbin/` when that is a page.
        None if generation.as_ref().is_some_and(|g| g.has(&format!("{path}/index.html"))) => {
            let location = format!("{}/", url.split('?').next().unwrap_or("/"));
            tiny_http::Response::from_data(Vec::new())
                .with_status_code(301)
                .with_header(header("Location", &location))
        }
        // This page does not render: the error, over the site's 404 page.
        Some(Err(message)) => page(500, file("404.html"), Some(&message), &rewrite),
        None => page(404, file("404.html"), error.as_deref(), &rewrite),
    };
    let _ = request.respond(response);
}

/// A server-sent event stream: one `reload` message after each rebuild, written and
/// flushed as it happens (a chunked response body would sit in a buffer).
fn serve_events(request: tiny_http::Request, shared: &LiveSite) {
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
    fn reading_the_site_is_no_change_but_writing_is() {
        use notify::{RecursiveMode, Watcher};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), "---\ntitle: A\n---\n").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut w = watcher(tx).unwrap();
        w.watch(&root, RecursiveMode::Recursive).unwrap();
        // What a rebuild does: list the folders and read the files. Before, each of
        // these raised events that started another look at the folders, for ever.
        for _ in 0..3 {
            for entry in walkdir::WalkDir::new(&root) {
                let entry = entry.unwrap();
                if entry.file_type().is_file() {
                    std::fs::read(entry.path()).unwrap();
                }
            }
        }
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err(), "reading raised an event");
        std::fs::write(root.join("content/a.md"), "---\ntitle: B\n---\n").unwrap();
        let changes = next_changes(&rx, &root).unwrap();
        assert!(changes.contains(&root.join("content/a.md")), "{changes:?}");
        // One save, one batch: nothing is left over for a second rebuild.
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
    }

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
    fn text_files_get_the_origin_of_the_host_the_request_came_to() {
        let r = Rewrite { from: "http://127.0.0.1:1111".into() };
        let html = b"<a href=\"http://127.0.0.1:1111/cities/\">x</a>".to_vec();
        let phone = r.apply(html.clone(), Some("192.168.1.20:1111"), "index.html");
        assert_eq!(phone, b"<a href=\"http://192.168.1.20:1111/cities/\">x</a>");
        assert_eq!(r.apply(html.clone(), Some("127.0.0.1:1111"), "index.html"), html);
        assert_eq!(r.apply(html.clone(), None, "index.html"), html);
        for bad in ["evil.org/\"><script>", "a b", "", "x\ny"] {
            assert_eq!(r.apply(html.clone(), Some(bad), "index.html"), html, "{bad:?}");
        }
        let png = b"\x89PNG http://127.0.0.1:1111".to_vec();
        assert_eq!(r.apply(png.clone(), Some("10.0.0.2:1111"), "a.png"), png);
        let json = b"{\"u\":\"http://127.0.0.1:1111/x/\"}".to_vec();
        assert_eq!(
            r.apply(json, Some("[fe80::1]:1111"), "_search/zh/d/0.json"),
            b"{\"u\":\"http://[fe80::1]:1111/x/\"}"
        );
        assert!(is_text("manifest.webmanifest") && is_text("calendar.ics") && is_text("a.svg"));
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
