//! Precompressed copies for servers that serve them (nginx `gzip_static` and
//! `brotli_static`, most CDNs): `--compress` writes `x.gz` and `x.br` beside each text
//! file. Both are deterministic (gzip with no name and a zero timestamp), so two builds
//! stay byte-identical.
//!
//! Levels were chosen by measurement (`examples/compress_levels.rs`, figures in
//! docs/publishing.md): Brotli quality [`BROTLI_QUALITY`] is already smaller in total
//! than `gzip -9` while costing a fraction of quality 11, and gzip stays at 9 (it is
//! cheap; the `.gz` copies are for clients without Brotli).
//!
//! A [`CompressCache`] (`.fenjin-cache/compress/`) keeps the compressed bytes of the
//! previous build by the BLAKE3 hash of the file and the levels, so an unchanged file is
//! copied, not compressed again. Entries are written to a temporary file and renamed
//! into place, so a killed build leaves no partial entry; a successful build removes
//! the entries it did not use.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use super::Sink;

/// File types worth compressing.
const TEXT: &[&str] =
    &["html", "css", "js", "xml", "txt", "json", "webmanifest", "svg", "ics", "csv", "md", "map"];

/// Smaller files are not compressed: they gain nothing and cost a lookup.
pub const MIN_BYTES: usize = 256;

/// gzip level (flate2's best).
pub const GZIP_LEVEL: u32 = 9;
/// Brotli quality (0–11).
pub const BROTLI_QUALITY: u32 = 5;
/// Brotli window: 2^22 = 4 MiB (what `brotli_static` expects).
const BROTLI_WINDOW: u32 = 22;

/// Whether `rel` is a text file `--compress` compresses (when it has [`MIN_BYTES`]).
pub fn is_text(rel: &str) -> bool {
    rel.rsplit_once('.').is_some_and(|(_, ext)| TEXT.contains(&ext.to_ascii_lowercase().as_str()))
}

/// gzip at [`GZIP_LEVEL`], with no file name and a zero modification time.
pub fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::with_capacity(bytes.len() / 3), flate2::Compression::new(GZIP_LEVEL));
    enc.write_all(bytes)?;
    enc.finish()
}

/// Brotli at [`BROTLI_QUALITY`] with a 4 MiB window.
pub fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    brotli_at(bytes, BROTLI_QUALITY)
}

/// Brotli at `quality` with a 4 MiB window.
pub fn brotli_at(bytes: &[u8], quality: u32) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, quality, BROTLI_WINDOW);
        w.write_all(bytes)?;
    }
    Ok(out)
}

/// The cache key of a file's bytes at the current levels: 32 hex digits of BLAKE3.
fn key(bytes: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(format!("gz{GZIP_LEVEL};br{BROTLI_QUALITY}w{BROTLI_WINDOW}").as_bytes());
    h.update(&[0]);
    h.update(bytes);
    h.finalize().to_hex()[..32].to_owned()
}

/// `<key>.gz` or `<key>.br`.
fn is_entry(name: &str) -> bool {
    name.len() == 35
        && (name.ends_with(".gz") || name.ends_with(".br"))
        && name[..32].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Compressed bytes of previous builds, by content hash (see the module doc).
#[derive(Debug)]
pub struct CompressCache {
    dir: PathBuf,
    used: Mutex<HashSet<String>>,
    reused: AtomicUsize,
    compressed: AtomicUsize,
}

impl CompressCache {
    /// Opens (creating) the cache folder; an error when it cannot be written.
    pub fn open(dir: &Path) -> io::Result<CompressCache> {
        std::fs::create_dir_all(dir)?;
        tempfile::tempfile_in(dir)?;
        Ok(CompressCache {
            dir: dir.to_path_buf(),
            used: Mutex::default(),
            reused: AtomicUsize::new(0),
            compressed: AtomicUsize::new(0),
        })
    }

    fn path(&self, key: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{key}.{ext}"))
    }

    fn mark(&self, key: &str) {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_owned());
    }

    /// Stores one file: written beside, then renamed into place.
    fn store(&self, key: &str, ext: &str, bytes: &[u8]) -> io::Result<()> {
        let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(&self.dir)?;
        tmp.write_all(bytes)?;
        tmp.persist(self.path(key, ext)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Files reused from the previous build, and files compressed, so far.
    pub fn counts(&self) -> (usize, usize) {
        (self.reused.load(Ordering::Relaxed), self.compressed.load(Ordering::Relaxed))
    }

    /// Removes the entries this build did not use and temporary files older than an
    /// hour (left by a killed build). Call only after a successful build. Returns the
    /// number of files removed.
    pub fn prune(&self) -> usize {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(list) = std::fs::read_dir(&self.dir) else { return 0 };
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let mut removed = 0;
        for entry in list.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale = if is_entry(&name) {
                !used.contains(&name[..32])
            } else {
                name.starts_with(".tmp-")
                    && entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < hour_ago)
            };
            if stale && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// Wraps a sink: every text file is also written as `.gz` and `.br`.
pub struct CompressingSink<'a> {
    inner: &'a dyn Sink,
    cache: Option<&'a CompressCache>,
}

impl<'a> CompressingSink<'a> {
    /// Compresses into `inner`, reusing and filling `cache` when there is one.
    pub fn new(inner: &'a dyn Sink, cache: Option<&'a CompressCache>) -> Self {
        CompressingSink { inner, cache }
    }

    fn compressed(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let (gz_rel, br_rel) = (format!("{rel}.gz"), format!("{rel}.br"));
        let Some(cache) = self.cache else {
            let (gz, br) = rayon::join(|| gzip(bytes), || brotli(bytes));
            self.inner.write(&gz_rel, &gz?)?;
            return self.inner.write(&br_rel, &br?);
        };
        let key = key(bytes);
        cache.mark(&key);
        let (gz_path, br_path) = (cache.path(&key, "gz"), cache.path(&key, "br"));
        if gz_path.is_file() && br_path.is_file() {
            cache.reused.fetch_add(1, Ordering::Relaxed);
            self.inner.copy(&gz_rel, &gz_path)?;
            return self.inner.copy(&br_rel, &br_path);
        }
        let (gz, br) = rayon::join(|| gzip(bytes), || brotli(bytes));
        let (gz, br) = (gz?, br?);
        cache.compressed.fetch_add(1, Ordering::Relaxed);
        self.inner.write(&gz_rel, &gz)?;
        self.inner.write(&br_rel, &br)?;
        // A cache that cannot be written only costs the next build time.
        let _ = cache.store(&key, "gz", &gz).and_then(|_| cache.store(&key, "br", &br));
        Ok(())
    }
}

impl Sink for CompressingSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(rel, bytes)?;
        if is_text(rel) && bytes.len() >= MIN_BYTES {
            self.compressed(rel, bytes)?;
        }
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        if is_text(rel) {
            let bytes = std::fs::read(from)?;
            self.write(rel, &bytes)
        } else {
            self.inner.copy(rel, from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::MemorySink;
    use std::io::Read;

    fn gunzip(gz: &[u8]) -> Vec<u8> {
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(gz).read_to_end(&mut back).unwrap();
        back
    }

    fn unbrotli(br: &[u8]) -> Vec<u8> {
        let mut back = Vec::new();
        brotli::Decompressor::new(br, 4096).read_to_end(&mut back).unwrap();
        back
    }

    #[test]
    fn both_round_trip_and_are_deterministic() {
        let text = "全省职工喜迎二十大。".repeat(100);
        let gz = gzip(text.as_bytes()).unwrap();
        assert_eq!(gz, gzip(text.as_bytes()).unwrap());
        assert_eq!(gunzip(&gz), text.as_bytes());
        let br = brotli(text.as_bytes()).unwrap();
        assert_eq!(br, brotli(text.as_bytes()).unwrap());
        assert_eq!(unbrotli(&br), text.as_bytes());
        assert!(br.len() < text.len() / 5);
    }

    #[test]
    fn only_text_files() {
        assert!(is_text("a/index.html"));
        assert!(is_text("calendar.ics"));
        assert!(!is_text("photo.jpg"));
    }

    fn page(n: usize) -> Vec<u8> {
        format!("<!doctype html><p>{}</p>", format!("第{n}条新闻，全省职工喜迎二十大。").repeat(40))
            .into_bytes()
    }

    /// Builds `files` through a compressing sink with the cache in `dir`.
    fn build(
        dir: &Path,
        files: &[(&str, Vec<u8>)],
    ) -> (std::collections::BTreeMap<String, Vec<u8>>, (usize, usize)) {
        let cache = CompressCache::open(dir).unwrap();
        let mem = MemorySink::new();
        let sink = CompressingSink::new(&mem, Some(&cache));
        for (rel, bytes) in files {
            sink.write(rel, bytes).unwrap();
        }
        sink.write("tiny.html", b"<p>hi</p>").unwrap();
        cache.prune();
        let counts = cache.counts();
        (mem.into_files(), counts)
    }

    #[test]
    fn cached_files_decompress_to_the_file_and_are_reused_only_when_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![("a/index.html", page(1)), ("b/index.html", page(2))];
        let (first, counts) = build(dir.path(), &files);
        assert_eq!(counts, (0, 2));
        for (rel, bytes) in &files {
            assert_eq!(gunzip(&first[&format!("{rel}.gz")]), *bytes);
            assert_eq!(unbrotli(&first[&format!("{rel}.br")]), *bytes);
        }
        // Too small to compress.
        assert!(first.contains_key("tiny.html") && !first.contains_key("tiny.html.gz"));

        // Same input: both reused, output identical.
        let (second, counts) = build(dir.path(), &files);
        assert_eq!(counts, (2, 0));
        assert_eq!(first, second);

        // One file changes: only it is compressed again, and its copies hold the new text.
        let changed = vec![("a/index.html", page(1)), ("b/index.html", page(3))];
        let (third, counts) = build(dir.path(), &changed);
        assert_eq!(counts, (1, 1));
        assert_eq!(gunzip(&third["b/index.html.gz"]), page(3));
        assert_eq!(unbrotli(&third["b/index.html.br"]), page(3));
        assert_eq!(third["a/index.html.br"], first["a/index.html.br"]);
        // The entry of page(2) was pruned: a cache of only what the last build used.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(!names.iter().any(|n| n.starts_with(&key(&page(2)))));
    }

    #[test]
    fn a_killed_build_leaves_nothing_that_is_reused() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = page(7);
        // A build killed between the two files of an entry: only the `.gz` is there, and
        // a temporary file was left half-written.
        std::fs::write(dir.path().join(format!("{}.gz", key(&bytes))), gzip(&bytes).unwrap())
            .unwrap();
        std::fs::write(dir.path().join(".tmp-half"), b"\x1b\x00").unwrap();
        let (out, counts) = build(dir.path(), &[("x.html", bytes.clone())]);
        assert_eq!(counts, (0, 1));
        assert_eq!(unbrotli(&out["x.html.br"]), bytes);
        // A fresh temporary file may belong to a build still running: kept.
        assert!(dir.path().join(".tmp-half").exists());
    }
}
