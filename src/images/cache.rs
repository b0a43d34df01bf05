//! The image cache: one folder per source and settings, `<key>/` with the encoded files
//! and a `meta.json` written last. An entry is used only when its `meta.json` reads and
//! every file it lists is there with the size it records, so a half-written or
//! tampered entry is made again. Entries are written into a temporary folder and
//! renamed into place, so parallel builds never see a partial entry.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::process::Output;

/// The cache key of a source: BLAKE3 of the settings and the bytes, 32 hex digits.
pub(super) fn key(bytes: &[u8], fingerprint: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(fingerprint.as_bytes());
    h.update(&[0]);
    h.update(bytes);
    h.finalize().to_hex()[..32].to_owned()
}

fn is_key(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct EntryVariant {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) webp_bytes: u64,
    pub(super) fallback_bytes: u64,
}

/// What `meta.json` records.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Entry {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) png: bool,
    pub(super) variants: Vec<EntryVariant>,
    pub(super) og_bytes: u64,
}

#[derive(Debug)]
pub(super) struct Cache {
    dir: PathBuf,
    used: Mutex<HashSet<String>>,
    _temporary: Option<tempfile::TempDir>,
}

impl Cache {
    pub(super) fn open(dir: &Path) -> io::Result<Cache> {
        std::fs::create_dir_all(dir)?;
        // A folder fenjin can read but not write is no cache.
        tempfile::tempfile_in(dir)?;
        Ok(Cache { dir: dir.to_path_buf(), used: Mutex::default(), _temporary: None })
    }

    pub(super) fn temporary() -> io::Result<Cache> {
        let t = tempfile::tempdir()?;
        Ok(Cache { dir: t.path().to_path_buf(), used: Mutex::default(), _temporary: Some(t) })
    }

    pub(super) fn file(&self, key: &str, name: &str) -> PathBuf {
        self.dir.join(key).join(name)
    }

    fn mark(&self, key: &str) {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_owned());
    }

    /// The entry for `key`, when it is complete.
    pub(super) fn get(&self, key: &str) -> Option<Entry> {
        let dir = self.dir.join(key);
        let meta = std::fs::read(dir.join("meta.json")).ok()?;
        let entry: Entry = serde_json::from_slice(&meta).ok()?;
        let ext = if entry.png { "png" } else { "jpg" };
        let size = |name: String| std::fs::metadata(dir.join(name)).map(|m| m.len()).ok();
        let complete = !entry.variants.is_empty()
            && entry.variants.iter().all(|v| {
                size(format!("{}.webp", v.width)) == Some(v.webp_bytes)
                    && size(format!("{}.{ext}", v.width)) == Some(v.fallback_bytes)
            })
            && size("og.jpg".into()) == Some(entry.og_bytes);
        if complete {
            self.mark(key);
            Some(entry)
        } else {
            None
        }
    }

    /// Writes the entry for `key`.
    pub(super) fn put(&self, key: &str, out: &Output) -> io::Result<Entry> {
        let tmp = tempfile::Builder::new().prefix(".tmp-").tempdir_in(&self.dir)?;
        let ext = if out.png { "png" } else { "jpg" };
        let mut variants = Vec::new();
        for v in &out.variants {
            std::fs::write(tmp.path().join(format!("{}.webp", v.width)), &v.webp)?;
            std::fs::write(tmp.path().join(format!("{}.{ext}", v.width)), &v.fallback)?;
            variants.push(EntryVariant {
                width: v.width,
                height: v.height,
                webp_bytes: v.webp.len() as u64,
                fallback_bytes: v.fallback.len() as u64,
            });
        }
        std::fs::write(tmp.path().join("og.jpg"), &out.og.2)?;
        let entry = Entry {
            width: out.width,
            height: out.height,
            png: out.png,
            variants,
            og_bytes: out.og.2.len() as u64,
        };
        let json = serde_json::to_vec(&entry).map_err(io::Error::other)?;
        std::fs::write(tmp.path().join("meta.json"), json)?;
        let target = self.dir.join(key);
        if target.exists() {
            // An incomplete entry, or one another build just finished: replace it.
            let _ = std::fs::remove_dir_all(&target);
        }
        let tmp_path = tmp.keep();
        if let Err(e) = std::fs::rename(&tmp_path, &target) {
            let _ = std::fs::remove_dir_all(&tmp_path);
            if self.get(key).is_none() {
                return Err(e);
            }
        }
        self.mark(key);
        Ok(entry)
    }

    /// Removes the entries not used since the cache was opened, and temporary folders
    /// left by an interrupted build more than an hour ago. Touches nothing else.
    pub(super) fn prune(&self) -> usize {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(list) = std::fs::read_dir(&self.dir) else { return 0 };
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let mut removed = 0;
        for entry in list.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if !kind.is_dir() {
                continue;
            }
            let stale_tmp = name.starts_with(".tmp-")
                && entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < hour_ago);
            let stale = (is_key(&name) && !used.contains(&name)) || stale_tmp;
            if stale && std::fs::remove_dir_all(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_bytes_and_settings() {
        let a = key(b"photo", "v1;q=75");
        assert!(is_key(&a));
        assert_ne!(a, key(b"photo", "v1;q=60"));
        assert_ne!(a, key(b"photO", "v1;q=75"));
        assert_eq!(a, key(b"photo", "v1;q=75"));
    }

    #[test]
    fn prune_keeps_used_entries_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let used = key(b"a", "");
        let stale = key(b"b", "");
        for k in [&used, &stale] {
            std::fs::create_dir(dir.path().join(k)).unwrap();
        }
        std::fs::create_dir(dir.path().join("not-ours")).unwrap();
        cache.mark(&used);
        assert_eq!(cache.prune(), 1);
        assert!(dir.path().join(&used).is_dir());
        assert!(!dir.path().join(&stale).exists());
        assert!(dir.path().join("not-ours").is_dir());
    }
}
