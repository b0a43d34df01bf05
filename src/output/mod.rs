//! Output: the one place that writes.
//!
//! A [`Sink`] receives each output file; [`DiskSink`] writes into a staging folder that
//! [`Staging::commit`] swaps in for the output folder only after the whole build has
//! succeeded (a failed build leaves the previous output untouched, byte for byte, where
//! Zola and mdBook empty it first); [`MemorySink`] keeps files in memory for `serve` and
//! tests. [`check_output_dir`] refuses folders that must never be replaced.

pub mod calendar;
pub mod compress;
pub mod feeds;
pub mod sitemap;

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

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

/// A staging folder beside the output folder.
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    output: PathBuf,
}

impl Staging {
    /// Creates `.<name>.fenjin-tmp-XXXX` beside `output` (creating `output`'s parent if
    /// needed).
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = normalize_path(output);
        let parent =
            output.parent().ok_or_else(|| io::Error::other("the output folder has no parent"))?;
        std::fs::create_dir_all(parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir =
            tempfile::Builder::new().prefix(&format!(".{name}.fenjin-tmp-")).tempdir_in(parent)?;
        std::fs::write(
            dir.path().join(MARKER),
            "This folder was written by fenjin build; it is replaced on every build.\n",
        )?;
        Ok(Staging { dir, output })
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Swaps the staging folder in for the output folder. The old output is moved aside
    /// first and deleted only after the new one is in place.
    pub fn commit(self) -> io::Result<()> {
        let staged = self.dir.keep();
        let parent = self.output.parent().unwrap_or(Path::new("."));
        if self.output.exists() {
            let old = tempfile::Builder::new().prefix(".fenjin-old-").tempdir_in(parent)?.keep();
            // `old` exists and is empty; rename replaces an empty directory on Unix.
            std::fs::remove_dir(&old)?;
            std::fs::rename(&self.output, &old)?;
            if let Err(e) = std::fs::rename(&staged, &self.output) {
                // Put the old output back.
                let _ = std::fs::rename(&old, &self.output);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
            std::fs::remove_dir_all(&old)?;
        } else if let Err(e) = std::fs::rename(&staged, &self.output) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        Ok(())
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

/// Undoes [`escape_attr`] (and the same entities written by Markdown and Tera).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Escapes text for an XML/HTML attribute or text node.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A URL with non-ASCII characters percent-encoded (as sitemaps and feeds require).
pub fn ascii_url(url: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');
    percent_encoding::utf8_percent_encode(url, SET).to_string()
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
