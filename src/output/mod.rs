//! Output: where the built site is written.
//!
//! A [`Sink`] receives each output file; [`DiskSink`] writes into a staging folder that
//! [`Staging::commit`] swaps in for the output folder only after the whole build has
//! succeeded (a failed build leaves the previous output untouched, byte for byte, where
//! Zola and mdBook empty it first); [`MemorySink`] keeps files in memory for `check` and
//! tests (`serve` renders each file when it is asked for, see `serve.rs`).
//! [`check_output_dir`] refuses folders that must never be replaced.
//!
//! Outside the output folder fenjin writes only its caches under `.fenjin-cache/`
//! (`images/cache.rs`, `compress.rs`, the next-change note in `build.rs`) and the files
//! that `fenjin init`, `new` and `kinds --json-schema` are asked to create.

pub mod calendar;
pub mod compress;
pub mod feeds;
pub mod sitemap;

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::escape::escape_attr;
use crate::progress::Progress;

/// The file fenjin leaves in every output folder it creates; a non-empty folder without
/// it is not fenjin's to replace (unless `--force`).
pub const MARKER: &str = ".fenjin-output";

/// Receives output files. Paths are relative and `/`-separated.
pub trait Sink: Sync {
    /// Writes bytes to `rel`.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copies the file at `from` to `rel`.
    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let bytes = std::fs::read(from)?;
        self.write(rel, &bytes)
    }
}

/// Refuses output paths that escape the folder.
fn checked_rel(rel: &str) -> io::Result<&Path> {
    let p = Path::new(rel);
    if p.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(p)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("output path `{rel}` leaves the output folder"),
        ))
    }
}

/// Writes under a folder.
#[derive(Debug)]
pub struct DiskSink {
    root: PathBuf,
}

impl DiskSink {
    /// A sink writing under `root`.
    pub fn new(root: PathBuf) -> Self {
        DiskSink { root }
    }
}

impl Sink for DiskSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.root.join(checked_rel(rel)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let path = self.root.join(checked_rel(rel)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, path).map(|_| ())
    }
}

/// Keeps files in memory.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// The files written, by path.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        checked_rel(rel)?;
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_owned(), bytes.to_vec());
        Ok(())
    }
}

/// Why an output folder is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

/// Lexically normalises an absolute path (no symlink resolution): `a/./b/../c` → `a/c`.
pub fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves symlinks in the longest existing prefix of `p`, keeping the rest.
fn resolve(p: &Path) -> PathBuf {
    let p = normalize_path(p);
    let mut existing = p.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_owned()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

/// Checks that `output` may be replaced by a build of the site at `root`. Both paths
/// must be absolute.
pub fn check_output_dir(output: &Path, root: &Path, force: bool) -> Result<(), Refusal> {
    let out = resolve(output);
    let root = resolve(root);
    let shown = output.display();
    if out.parent().is_none() {
        return Err(Refusal(format!(
            "refusing to use `{shown}` as the output folder: it is the file-system root"
        )));
    }
    if let Some(home) =
        std::env::var_os("HOME").map(PathBuf::from).filter(|h| !h.as_os_str().is_empty())
        && out == resolve(&home)
    {
        return Err(Refusal(format!(
            "refusing to use `{shown}` as the output folder: it is your home folder"
        )));
    }
    if out == root {
        return Err(Refusal(format!(
            "refusing to use `{shown}` as the output folder: it is the site's own folder"
        )));
    }
    if root.starts_with(&out) {
        return Err(Refusal(format!(
            "refusing to use `{shown}` as the output folder: it contains the site"
        )));
    }
    for protected in ["content", "themes", "templates", "static", "i18n", ".git"] {
        let p = root.join(protected);
        if out.starts_with(&p) {
            return Err(Refusal(format!(
                "refusing to use `{shown}` as the output folder: it is inside the site's `{protected}/` folder"
            )));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(Refusal(format!(
            "refusing to use `{shown}` as the output folder: it is a file"
        )));
    }
    if !force && out.is_dir() {
        let non_empty = std::fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(true);
        if non_empty && !out.join(MARKER).is_file() {
            return Err(Refusal(format!(
                "refusing to replace `{shown}`: it is not empty and fenjin did not create it (no `{MARKER}` file); pass --force to replace it anyway"
            )));
        }
    }
    Ok(())
}

/// Staging folders are named `.<output name>.fenjin-tmp-XXXXXX` beside the output
/// folder, or `.fenjin-tmp-XXXXXX` inside it when it is a mount point.
const STAGING_INFIX: &str = ".fenjin-tmp-";
/// The former output while it is being deleted (the fallback swap).
const OLD_PREFIX: &str = ".fenjin-old-";

/// A staging folder for one build.
///
/// - It lives beside the output folder (same file system, so the swap is a rename), and
///   holds fenjin's marker file and an exclusive `flock` for as long as its build runs:
///   the kernel drops the lock when the process ends in any way, SIGKILL included.
/// - A new staging folder first removes the stale ones: named like its own, with the
///   marker, and whose lock can be taken (their build is gone). Nothing else is touched.
/// - [`Staging::commit`] swaps it with the output in one step where the platform allows
///   (Linux `renameat2(RENAME_EXCHANGE)`), so there is no moment without an output
///   folder and a concurrent build's swap cannot interleave with it: the last build to
///   swap wins, whole. Elsewhere the old output is renamed aside first.
/// - When the output folder is a mount point (a container volume), which cannot be
///   renamed, the staging folder is made inside it and its contents replace the
///   output's entry by entry.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// The staging folder is inside the output folder (a mount point).
    inside: bool,
    /// The open staging folder, locked while the build runs.
    _lock: Option<std::fs::File>,
    committed: bool,
}

impl Staging {
    /// Creates the staging folder for `output` (creating `output`'s parent if needed),
    /// after removing stale ones.
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = normalize_path(output);
        let parent =
            output.parent().ok_or_else(|| io::Error::other("the output folder has no parent"))?;
        std::fs::create_dir_all(parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let inside = output.is_dir() && is_mount_point(&output, parent);
        let (home, prefix) = if inside {
            (output.as_path(), STAGING_INFIX.to_owned())
        } else {
            (parent, format!(".{name}{STAGING_INFIX}"))
        };
        remove_stale(home, &prefix);
        if inside {
            remove_stale(&output, OLD_PREFIX);
        }
        let dir = tempfile::Builder::new().prefix(&prefix).tempdir_in(home)?.keep();
        // Lock before the marker: a folder with the marker is always locked while its
        // build lives. From here on, dropping `staging` deletes the folder.
        let lock = lock_dir(&dir);
        let staging = Staging { dir, output, inside, _lock: lock, committed: false };
        std::fs::write(
            staging.dir.join(MARKER),
            "This folder was written by fenjin build; it is replaced on every build.\n",
        )?;
        Ok(staging)
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Puts the staging folder in place of the output folder.
    pub fn commit(mut self) -> io::Result<()> {
        self.committed = true;
        let result = if self.inside { self.replace_contents() } else { self.swap() };
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        result
    }

    fn swap(&self) -> io::Result<()> {
        let staged = &self.dir;
        if !self.output.exists() {
            match std::fs::rename(staged, &self.output) {
                Ok(()) => return Ok(()),
                // Another build's output appeared meanwhile: swap with it instead.
                Err(_) if self.output.is_dir() => {}
                Err(e) => return Err(e),
            }
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            match renameat_with(CWD, staged, CWD, &self.output, RenameFlags::EXCHANGE) {
                Ok(()) => {
                    // `staged` now holds the old output.
                    let _ = std::fs::remove_dir_all(staged);
                    return Ok(());
                }
                // The file system cannot exchange (or the kernel is too old): rename.
                Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
                Err(e) => return Err(e.into()),
            }
        }
        let parent = self.output.parent().unwrap_or(Path::new("."));
        let old = tempfile::Builder::new().prefix(OLD_PREFIX).tempdir_in(parent)?.keep();
        // `old` exists and is empty; rename replaces an empty directory on Unix.
        std::fs::remove_dir(&old)?;
        std::fs::rename(&self.output, &old)?;
        if let Err(e) = std::fs::rename(staged, &self.output) {
            // Put the old output back.
            let _ = std::fs::rename(&old, &self.output);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)
    }

    /// The fallback for a mount point: move the output's entries into a folder of old
    /// ones, the staging folder's entries up, then delete the old ones.
    fn replace_contents(&self) -> io::Result<()> {
        let old = tempfile::Builder::new().prefix(OLD_PREFIX).tempdir_in(&self.output)?.keep();
        std::fs::write(old.join(MARKER), "")?;
        let skip = |n: &std::ffi::OsStr| {
            let n = n.to_string_lossy();
            n.starts_with(STAGING_INFIX) || n.starts_with(OLD_PREFIX)
        };
        for e in std::fs::read_dir(&self.output)? {
            let e = e?;
            if !skip(&e.file_name()) && e.file_name() != MARKER {
                std::fs::rename(e.path(), old.join(e.file_name()))?;
            }
        }
        for e in std::fs::read_dir(&self.dir)? {
            let e = e?;
            std::fs::rename(e.path(), self.output.join(e.file_name()))?;
        }
        std::fs::remove_dir(&self.dir)?;
        std::fs::remove_dir_all(&old)
    }
}

impl Drop for Staging {
    /// A failed build leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether `dir` is a mount point: on another device than its parent.
fn is_mount_point(dir: &Path, parent: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(dir), std::fs::metadata(parent)) {
            (Ok(d), Ok(p)) => d.dev() != p.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, parent);
        false
    }
}

/// Opens `dir` and takes an exclusive lock on it without waiting; `None` when another
/// process holds it (or locks are not available here).
fn lock_dir(dir: &Path) -> Option<std::fs::File> {
    let f = std::fs::File::open(dir).ok()?;
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        flock(&f, FlockOperation::NonBlockingLockExclusive).ok()?;
    }
    Some(f)
}

/// Removes the staging folders in `dir` named `prefix…` that a build left behind when
/// it was killed: only folders with fenjin's marker whose lock nobody holds.
fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(list) = std::fs::read_dir(dir) else { return };
    for e in list.flatten() {
        let name = e.file_name();
        let recognised = name.to_string_lossy().starts_with(prefix)
            && e.file_type().is_ok_and(|t| t.is_dir())
            && e.path().join(MARKER).is_file();
        if recognised && let Some(_held) = lock_dir(&e.path()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A redirect page for an old URL: meta refresh (for browsers without scripts), a
/// canonical link (for search engines), and a script that keeps the `#fragment`.
pub fn alias_page(target: &str) -> String {
    let t = escape_attr(target);
    let js = target.replace('\\', "\\\\").replace('"', "\\\"").replace('<', "\\u003c");
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Redirect</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n<script>location.replace(\"{js}\" + location.hash);</script>\n</head><body><p><a href=\"{t}\">{t}</a></p></body></html>\n"
    )
}

/// A URL with non-ASCII characters percent-encoded (as sitemaps and feeds require).
pub fn ascii_url(url: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');
    percent_encoding::utf8_percent_encode(url, SET).to_string()
}

/// A sink that counts the files going through it on a [`Progress`] bar.
pub struct CountingSink<'a> {
    inner: &'a dyn Sink,
    progress: Progress,
}

impl<'a> CountingSink<'a> {
    /// Counts the files written into `inner`, out of `total`.
    pub fn new(inner: &'a dyn Sink, what: &'static str, total: usize) -> Self {
        CountingSink { inner, progress: Progress::new(what, total) }
    }
}

impl Sink for CountingSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let r = self.inner.write(rel, bytes);
        self.progress.inc();
        r
    }

    fn copy(&self, rel: &str, from: &std::path::Path) -> std::io::Result<()> {
        let r = self.inner.copy(rel, from);
        self.progress.inc();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize_path(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }

    #[test]
    fn rel_paths_cannot_escape() {
        assert!(checked_rel("a/b.html").is_ok());
        assert!(checked_rel("../x").is_err());
        assert!(checked_rel("/etc/passwd").is_err());
    }

    #[test]
    fn alias_keeps_fragment_and_escapes() {
        let html = alias_page("https://example.org/cities/哈尔滨/");
        assert!(
            html.contains(
                "location.replace(\"https://example.org/cities/哈尔滨/\" + location.hash)"
            )
        );
        assert!(
            html.contains("<link rel=\"canonical\" href=\"https://example.org/cities/哈尔滨/\">")
        );
        assert!(html.contains("content=\"0; url=https://example.org/cities/哈尔滨/\""));
    }

    #[test]
    fn ascii_urls() {
        assert_eq!(ascii_url("https://e.org/tags/劳模/"), "https://e.org/tags/%E5%8A%B3%E6%A8%A1/");
    }
}
