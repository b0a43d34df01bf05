//! Loading `content/`: walk the folder, tell pages, sections and assets apart, read each
//! Markdown file's front matter. Files are read and parsed in parallel; every problem of
//! every file is collected.
//!
//! Input: the content folder and the config. Output: [`Loaded`] (source documents and
//! assets, sorted by path) and diagnostics. After this stage nothing reads the disk
//! except the writer copying assets.
//!
//! `serve` passes a [`SourceCache`]: a file the watcher did not report is taken from the
//! cache unread, and a reported file whose content hash is unchanged is not parsed again.

pub mod front_matter;
pub mod highlight;
pub mod kinds;
pub mod markdown;
pub mod safe_urls;
pub mod schema;
pub mod switchers;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use front_matter::{FrontMatter, SplitError};
use kinds::{KindDecl, Kinds};

/// A Markdown file of `content/`, split and with its front matter parsed.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Path relative to `content/`, `/`-separated: `cities/harbin.en.md`.
    pub rel: String,
    /// Path for messages, relative to the site root: `content/cities/harbin.en.md`.
    pub file: PathBuf,
    /// Language code.
    pub lang: String,
    /// `rel` without the language suffix; translations share it: `cities/harbin.md`.
    pub canonical: String,
    /// An `_index.md`.
    pub is_section: bool,
    /// The whole file, normalised (no BOM, LF line ends).
    pub text: String,
    /// Byte offset of the body in `text`.
    pub body_start: usize,
    /// Line of the file the body starts after.
    pub body_line_offset: usize,
    /// Line the front matter opens on.
    pub front_matter_line: usize,
    /// The front matter as written.
    pub front_matter: FrontMatter,
    /// Hash of the file's bytes: the key of the caches kept between builds.
    pub hash: blake3::Hash,
    /// Warnings about the file (control characters removed from the body).
    pub warnings: Vec<Diagnostic>,
}

impl SourceDoc {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// A file of `content/` that is not Markdown: copied to the output.
#[derive(Debug, Clone)]
pub struct SourceAsset {
    /// Path relative to `content/`, `/`-separated.
    pub rel: String,
    /// Absolute path on disk.
    pub abs: PathBuf,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Markdown files: the sections, then the pages, each in the order of the walk.
    pub docs: Vec<Arc<SourceDoc>>,
    /// Other files, sorted by `rel`.
    pub assets: Vec<SourceAsset>,
    /// The site's content kinds.
    pub kinds: Kinds,
}

/// Parsed files kept between builds by `serve`, keyed by path and content hash.
#[derive(Debug, Default)]
pub struct SourceCache {
    entries: HashMap<String, Cached>,
    /// The last listing of `content/`, reused while no file appears or disappears.
    listing: Option<Arc<Listing>>,
    /// Files changed since the last load, as the watcher reported them (absolute paths).
    /// `None`: not known, so every file is read and its hash compared.
    changed: Option<HashSet<PathBuf>>,
    /// How many files the last load read and parsed (for tests and `serve`'s message).
    pub(crate) last_read: usize,
    pub(crate) last_parsed: usize,
}

/// A file read and parsed, or its errors.
type Parsed = Result<Arc<SourceDoc>, Vec<Diagnostic>>;

#[derive(Debug)]
struct Cached {
    hash: blake3::Hash,
    /// The kind the file was read as (its section's `kind:` can change).
    kind: Option<Arc<KindDecl>>,
    result: Parsed,
}

impl SourceCache {
    /// Tells the cache which files changed since the last load; only those are read.
    /// Files told of before and not read yet (a build that stopped before reading
    /// `content/`, at a broken kind file) are kept with them; `None` (not known) makes
    /// every file be read.
    pub fn set_changed(&mut self, paths: Option<HashSet<PathBuf>>) {
        self.changed = match (self.changed.take(), paths) {
            (Some(mut before), Some(paths)) => {
                before.extend(paths);
                Some(before)
            }
            (_, paths) => paths,
        };
    }

    /// Forgets everything (after a change of site.yaml, which parsing depends on).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.listing = None;
    }

    /// The last listing of `content/`, when the files reported changed since are all in
    /// it and are still plain files: only their content changed, so a walk would find
    /// the same files (a file that appeared, went away or became a link is walked for).
    /// Listing 20,000 files is a fifth of a one-page rebuild in `serve`.
    fn unchanged_listing(&self) -> Option<Arc<Listing>> {
        let listing = self.listing.as_ref()?;
        let changed = self.changed.as_ref()?;
        let same = changed.iter().all(|p| {
            !p.starts_with(&listing.dir)
                || (listing.files.contains(p)
                    && std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file()))
        });
        same.then(|| listing.clone())
    }
}

/// The files of a save that changed no front matter and no file of `content/` but
/// Markdown bodies, read again by [`SourceCache::changed_bodies`]: the model made from
/// the sources is the one the last load gave.
#[derive(Debug, Default)]
pub(crate) struct ChangedBodies {
    /// Each changed file of `content/` as now read.
    pub docs: Vec<Arc<SourceDoc>>,
    /// The changed files outside `content/` (a template, site.yaml…), for the caller to
    /// judge.
    pub elsewhere: Vec<PathBuf>,
    /// The cache entries to keep for them.
    fresh: Vec<(String, Cached)>,
}

impl SourceCache {
    /// The files of `content/` reported changed, read again, when each of them is a
    /// Markdown file of the last listing, still a plain file, that the last load parsed
    /// without error or warning and that parses again, read as the same kind, without
    /// error or warning and with the same front matter, byte for byte; and the files
    /// reported outside `content/`. `None` when another file of `content/` changed (a
    /// photo), a file came or went, or any of the above does not hold: then [`load`]
    /// must run. Reads only; [`SourceCache::take_bodies`] keeps the result.
    pub(crate) fn changed_bodies(
        &self,
        root: &Path,
        config: &Config,
        kinds: &Kinds,
    ) -> Option<ChangedBodies> {
        let listing = self.unchanged_listing()?;
        let reader = ContentReader {
            root,
            config,
            kinds,
            langs: config.languages.iter().map(|l| l.code.as_str()).collect(),
            taxonomies: config.taxonomies.iter().map(|t| t.name.as_str()).collect(),
            cache: None,
        };
        let mut out = ChangedBodies::default();
        for abs in self.changed.as_ref()? {
            let Ok(rel) = abs.strip_prefix(&listing.dir) else {
                out.elsewhere.push(abs.clone());
                continue;
            };
            // Of content/, only Markdown files.
            let rel = rel.to_str()?.replace('\\', "/");
            let cached = self.entries.get(&rel)?;
            let old = cached.result.as_ref().ok()?;
            if !rel.ends_with(".md") || !old.warnings.is_empty() {
                return None;
            }
            let bytes = std::fs::read(abs).ok()?;
            let hash = blake3::hash(&bytes);
            if hash == cached.hash {
                continue;
            }
            let file = crate::diagnostics::relative_to(abs, root);
            let new = reader.parse_doc(&rel, bytes, hash, &file, cached.kind.as_ref()).ok()?;
            let same_front_matter = new.warnings.is_empty()
                && new.text[..new.body_start] == old.text[..old.body_start]
                && new.body_line_offset == old.body_line_offset;
            if !same_front_matter {
                return None;
            }
            let new = Arc::new(new);
            out.fresh
                .push((rel, Cached { hash, kind: cached.kind.clone(), result: Ok(new.clone()) }));
            out.docs.push(new);
        }
        Some(out)
    }

    /// Keeps the files [`SourceCache::changed_bodies`] read, as [`load`] would have.
    pub(crate) fn take_bodies(&mut self, bodies: ChangedBodies) {
        self.last_read = bodies.fresh.len();
        self.last_parsed = bodies.fresh.len();
        self.entries.extend(bodies.fresh);
        self.changed = None;
    }
}

/// Files an editor or the OS leaves behind, never content.
fn ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name == "Thumbs.db"
}

/// Reads `content_dir` with the site's `kinds`. `root` is the site root, for message
/// paths.
pub fn load(
    content_dir: &Path,
    root: &Path,
    config: &Config,
    kinds: &Kinds,
    mut cache: Option<&mut SourceCache>,
) -> (Loaded, Diagnostics) {
    let mut ds = Diagnostics::new();
    let listing = match cache.as_deref().and_then(SourceCache::unchanged_listing) {
        Some(listing) => listing,
        None => {
            let listing = Arc::new(Listing::new(content_dir, root));
            if let Some(c) = cache.as_deref_mut() {
                c.listing = Some(listing.clone());
            }
            listing
        }
    };
    ds.extend(listing.diagnostics.iter().cloned());
    let (md_files, assets) = (&listing.md_files, listing.assets.clone());
    // Sections first: their `kind:` decides how the pages below them are read.
    let (sections, pages): (Vec<_>, Vec<_>) = md_files.iter().partition(|(rel, _)| {
        let base = rel.rsplit('/').next().unwrap_or(rel);
        base == "_index.md" || (base.starts_with("_index.") && base.ends_with(".md"))
    });
    let reader = ContentReader {
        root,
        config,
        kinds,
        langs: config.languages.iter().map(|l| l.code.as_str()).collect(),
        taxonomies: config.taxonomies.iter().map(|t| t.name.as_str()).collect(),
        cache: cache.as_deref(),
    };
    let mut results = reader.read(&sections, &BTreeMap::new());
    let folders = folder_kinds(&results, config, kinds);
    results.extend(reader.read(&pages, &folders));
    let mut docs = Vec::with_capacity(results.len());
    let mut fresh = Vec::new();
    for (rel, (r, f)) in sections.iter().chain(&pages).map(|(rel, _)| rel).zip(results) {
        match r {
            Ok(doc) => {
                ds.extend(doc.warnings.iter().cloned());
                docs.push(doc);
            }
            Err(errs) => ds.extend(errs),
        }
        if let Some(f) = f {
            fresh.push((rel.clone(), f));
        }
    }
    if let Some(cache) = cache {
        cache.update(md_files, fresh);
    }
    (Loaded { docs, assets, kinds: kinds.clone() }, ds)
}

/// The files of `content/`, as one walk found them.
#[derive(Debug)]
struct Listing {
    /// The folder listed.
    dir: PathBuf,
    /// The Markdown files: path below `content/`, absolute path.
    md_files: Vec<(String, PathBuf)>,
    /// The other files.
    assets: Vec<SourceAsset>,
    /// What the walk reported (links that leave the site, names that are not UTF-8).
    diagnostics: Vec<Diagnostic>,
    /// Every file above, by absolute path.
    files: HashSet<PathBuf>,
}

impl Listing {
    fn new(content_dir: &Path, root: &Path) -> Listing {
        let mut ds = Diagnostics::new();
        let (md_files, assets) = list(content_dir, root, &mut ds);
        let files = md_files
            .iter()
            .map(|(_, abs)| abs.clone())
            .chain(assets.iter().map(|a| a.abs.clone()))
            .collect();
        Listing {
            dir: content_dir.to_path_buf(),
            md_files,
            assets,
            diagnostics: ds.into_iter().collect(),
            files,
        }
    }
}

/// The Markdown files below `content_dir` (path below it, absolute path) and the other
/// files, as assets. A name that is not UTF-8 is an error.
fn list(
    content_dir: &Path,
    root: &Path,
    ds: &mut Diagnostics,
) -> (Vec<(String, PathBuf)>, Vec<SourceAsset>) {
    let mut md_files = Vec::new();
    let mut assets = Vec::new();
    let (found, walk_ds) = crate::walk::walk(content_dir, root, &ignored);
    ds.extend(walk_ds);
    for entry in found {
        let abs = entry.path;
        let Some(rel) = abs
            .strip_prefix(content_dir)
            .ok()
            .and_then(|r| r.to_str())
            .map(|r| r.replace('\\', "/"))
        else {
            ds.push(
                Diagnostic::error(codes::E0109, "a file name is not valid UTF-8")
                    .file(crate::diagnostics::relative_to(&abs, root))
                    .hint("rename the file using UTF-8 characters"),
            );
            continue;
        };
        if rel.ends_with(".md") {
            md_files.push((rel, abs));
        } else {
            assets.push(SourceAsset { rel, abs });
        }
    }
    (md_files, assets)
}

/// Folder → declared kind, from the sections read without errors (default language
/// first, so a translation cannot change the kind). `kind: page` maps the folder to no
/// kind, which stops a kind declared higher up.
fn folder_kinds(
    sections: &[(Parsed, Option<Cached>)],
    config: &Config,
    kinds: &Kinds,
) -> BTreeMap<String, Option<Arc<KindDecl>>> {
    let mut folders: BTreeMap<String, Option<Arc<KindDecl>>> = BTreeMap::new();
    let mut ordered: Vec<&SourceDoc> =
        sections.iter().filter_map(|r| r.0.as_deref().ok()).collect();
    ordered.sort_by_key(|d| d.lang != config.default_language);
    for d in ordered {
        if let Some(name) = d.front_matter.kind.as_deref()
            && kinds.is_known(name)
        {
            let dir = d.canonical.trim_end_matches("_index.md").trim_end_matches('/').to_owned();
            folders.entry(dir).or_insert_with(|| kinds.get(name).cloned());
        }
    }
    folders
}

impl SourceCache {
    /// Keeps the entries of the files still present (`md_files`) and takes the `fresh`
    /// ones, counting those parsed anew.
    fn update(&mut self, md_files: &[(String, PathBuf)], fresh: Vec<(String, Cached)>) {
        let present: HashSet<&str> = md_files.iter().map(|(rel, _)| rel.as_str()).collect();
        self.entries.retain(|rel, _| present.contains(rel.as_str()));
        self.last_read = fresh.len();
        self.last_parsed = 0;
        for (rel, f) in fresh {
            let unchanged =
                self.entries.get(&rel).is_some_and(|e| e.hash == f.hash && e.kind == f.kind);
            if !unchanged {
                self.last_parsed += 1;
            }
            self.entries.insert(rel, f);
        }
        self.changed = None;
    }
}

/// What reading a Markdown file needs of the site.
struct ContentReader<'a> {
    root: &'a Path,
    config: &'a Config,
    kinds: &'a Kinds,
    langs: Vec<&'a str>,
    taxonomies: Vec<&'a str>,
    cache: Option<&'a SourceCache>,
}

impl ContentReader<'_> {
    /// Reads and parses the files of `list` in parallel, each as the kind `folders` gives
    /// it, reusing the cache's result for a file that did not change. Each result comes
    /// with the cache entry to keep, when the file was read.
    fn read(
        &self,
        list: &[&(String, PathBuf)],
        folders: &BTreeMap<String, Option<Arc<KindDecl>>>,
    ) -> Vec<(Parsed, Option<Cached>)> {
        list.par_iter()
            .map(|(rel, abs)| {
                let kind = kind_of(rel, folders);
                let cached = self.cache.and_then(|c| c.entries.get(rel)).filter(|e| e.kind == kind);
                if let (Some(e), Some(changed)) =
                    (cached, self.cache.and_then(|c| c.changed.as_ref()))
                    && !changed.contains(abs)
                {
                    return (e.result.clone(), None);
                }
                let file = crate::diagnostics::relative_to(abs, self.root);
                let bytes = match std::fs::read(abs) {
                    Ok(b) => b,
                    Err(e) => {
                        let d =
                            Diagnostic::error(codes::E0109, format!("cannot read the file: {e}"))
                                .file(&file);
                        return (Err(vec![d]), None);
                    }
                };
                let hash = blake3::hash(&bytes);
                if let Some(e) = cached.filter(|e| e.hash == hash) {
                    return (
                        e.result.clone(),
                        Some(Cached { hash, kind, result: e.result.clone() }),
                    );
                }
                let result = self.parse_doc(rel, bytes, hash, &file, kind.as_ref()).map(Arc::new);
                let fresh = Cached { hash, kind, result: result.clone() };
                (result, Some(fresh))
            })
            .collect()
    }

    /// One Markdown file: its language and canonical path from its name, its front
    /// matter read as `kind`, its body cleaned of control characters.
    fn parse_doc(
        &self,
        rel: &str,
        bytes: Vec<u8>,
        hash: blake3::Hash,
        file: &Path,
        kind: Option<&Arc<KindDecl>>,
    ) -> Result<SourceDoc, Vec<Diagnostic>> {
        let (config, langs) = (self.config, &self.langs);
        let raw = String::from_utf8(bytes).map_err(|e| {
            let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
            vec![
                Diagnostic::error(codes::E0109, "the file is not valid UTF-8 text")
                    .file(file)
                    .line(line)
                    .hint("save the file as UTF-8 (in most editors: Save with Encoding → UTF-8); GBK is not supported"),
            ]
        })?;
        let (canonical, lang) = language_of(rel, &config.default_language, langs).map_err(|suffix| {
            vec![
                Diagnostic::error(codes::E0108, format!("`.{suffix}.md` names a language that is not in site.yaml"))
                    .file(file)
                    .hint(format!(
                        "add `{suffix}` under `languages:` in site.yaml, or rename the file (languages: {})",
                        langs.join(", ")
                    )),
            ]
        })?;
        let mut text = front_matter::normalize(&raw);
        let mut split = split_front_matter(&text, file)?;
        let base = canonical.rsplit('/').next().unwrap_or(&canonical);
        let is_section = base == "_index.md";
        let mut warnings = Vec::new();
        if let Some((cleaned, warning)) = strip_control_chars(&text, split.body, file) {
            warnings.push(warning);
            text = cleaned;
            split = front_matter::split(&text).expect("the front matter did not change");
        }
        let fm = FrontMatter::parse(
            &split,
            &text,
            file,
            &self.taxonomies,
            is_section,
            if is_section { None } else { kind },
            self.kinds,
        )?;
        let body_start = text.len() - split.body.len();
        let body_line_offset = split.body_line_offset;
        let front_matter_line = split.yaml_line_offset;
        Ok(SourceDoc {
            rel: rel.to_owned(),
            file: file.to_path_buf(),
            lang,
            canonical,
            is_section,
            text,
            body_start,
            body_line_offset,
            front_matter_line,
            front_matter: fm,
            hash,
            warnings,
        })
    }
}

/// The file's front matter and body; a file without front matter, or with front matter
/// that is never closed, is an error (TOML front matter is named as such).
fn split_front_matter<'t>(
    text: &'t str,
    file: &Path,
) -> Result<front_matter::Split<'t>, Vec<Diagnostic>> {
    match front_matter::split(text) {
        Ok(s) => Ok(s),
        Err(SplitError::Missing) => {
            if let Some((message, hint)) = switchers::toml_front_matter(text) {
                return Err(vec![
                    Diagnostic::error(codes::E0101, message).file(file).at(text, 1, 1).hint(hint),
                ]);
            }
            Err(vec![
                Diagnostic::error(codes::E0101, "the file has no front matter")
                    .file(file)
                    .at(text, 1, 1)
                    .hint("start the file with a `---` line, then `title: …`, then another `---` line"),
            ])
        }
        Err(SplitError::Unclosed(line)) => Err(vec![
            Diagnostic::error(
                codes::E0102,
                format!("the front matter that begins on line {line} is never closed"),
            )
            .file(file)
            .at(text, line, 1)
            .hint("add a line containing only `---` after the last front-matter field"),
        ]),
    }
}

/// Control characters pasted into the body (Word and WPS leave U+000B, U+000C, U+0001)
/// would make the feeds invalid XML: the text without them, with a warning naming the
/// first, when there are any. In the front matter they are refused (see `limits`).
fn strip_control_chars(text: &str, body: &str, file: &Path) -> Option<(String, Diagnostic)> {
    let (offset, c) =
        body.char_indices().find(|(_, c)| crate::diagnostics::is_forbidden_char(*c))?;
    let body_start = text.len() - body.len();
    let at = body_start + offset;
    let line = text[..at].matches('\n').count() + 1;
    let column =
        text[..at].rfind('\n').map_or(&text[..at], |i| &text[i + 1..at]).chars().count() + 1;
    let count = body.chars().filter(|c| crate::diagnostics::is_forbidden_char(*c)).count();
    let warning = Diagnostic::warning(
        codes::W0112,
        format!(
            "the body contains {count} control character{} (the first is {}); {} removed",
            if count == 1 { "" } else { "s" },
            crate::limits::char_name(c),
            if count == 1 { "it was" } else { "they were" }
        ),
    )
    .file(file)
    .at(text, line, column)
    .hint("text pasted from Word or WPS often carries them; delete them from the file");
    Some((format!("{}{}", &text[..body_start], crate::limits::strip_forbidden(body)), warning))
}

/// The kind of the page at `rel`: declared by the nearest folder above it (`None`:
/// a plain page).
fn kind_of(rel: &str, folders: &BTreeMap<String, Option<Arc<KindDecl>>>) -> Option<Arc<KindDecl>> {
    let mut dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    loop {
        if let Some(k) = folders.get(dir) {
            return k.clone();
        }
        match dir.rsplit_once('/') {
            Some((parent, _)) => dir = parent,
            None if !dir.is_empty() => dir = "",
            None => return None,
        }
    }
}

/// Splits `name.en.md` into (`name.md`, `en`); `name.md` is the default language.
fn language_of(rel: &str, default: &str, langs: &[&str]) -> Result<(String, String), String> {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let (dir, base) = match stem.rfind('/') {
        Some(i) => (&stem[..=i], &stem[i + 1..]),
        None => ("", stem),
    };
    if let Some((name, suffix)) = base.rsplit_once('.') {
        if langs.contains(&suffix) {
            return Ok((format!("{dir}{name}.md"), suffix.to_owned()));
        }
        let looks_like_lang =
            (2..=3).contains(&suffix.len()) && suffix.chars().all(|c| c.is_ascii_lowercase());
        if looks_like_lang {
            return Err(suffix.to_owned());
        }
    }
    Ok((rel.to_owned(), default.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_listed_again_only_when_a_file_appears_goes_or_becomes_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let content = root.join("content");
        std::fs::create_dir_all(content.join("news")).unwrap();
        for f in ["_index.md", "news/a.md", "news/photo.jpg"] {
            std::fs::write(content.join(f), "x").unwrap();
        }
        let listing = Arc::new(Listing::new(&content, &root));
        assert_eq!(listing.md_files.len(), 2);
        assert_eq!(listing.assets.len(), 1);
        let mut cache = SourceCache { listing: Some(listing.clone()), ..SourceCache::default() };
        let reused = |cache: &mut SourceCache, changed: &[PathBuf]| {
            cache.changed = None; // as a load leaves it
            cache.set_changed(Some(changed.iter().cloned().collect()));
            cache.unchanged_listing().is_some_and(|l| Arc::ptr_eq(&l, &listing))
        };
        // Changed content, and files outside content/: the same files.
        std::fs::write(content.join("news/a.md"), "y").unwrap();
        assert!(reused(&mut cache, &[content.join("news/a.md"), content.join("news/photo.jpg")]));
        assert!(reused(&mut cache, &[root.join("templates/base.html"), root.join("site.yaml")]));
        // A new file, a file gone, a file that became a link: walked again.
        std::fs::write(content.join("news/b.md"), "x").unwrap();
        assert!(!reused(&mut cache, &[content.join("news/b.md")]));
        std::fs::remove_file(content.join("news/photo.jpg")).unwrap();
        assert!(!reused(&mut cache, &[content.join("news/photo.jpg")]));
        std::fs::remove_file(content.join("news/a.md")).unwrap();
        std::os::unix::fs::symlink(content.join("_index.md"), content.join("news/a.md")).unwrap();
        assert!(!reused(&mut cache, &[content.join("news/a.md")]));
        // Not known what changed (the first build, a lost track): walked.
        cache.set_changed(None);
        assert!(cache.unchanged_listing().is_none());
    }

    #[test]
    fn language_from_file_name() {
        let langs = ["zh", "en"];
        assert_eq!(
            language_of("cities/harbin.md", "zh", &langs),
            Ok(("cities/harbin.md".into(), "zh".into()))
        );
        assert_eq!(
            language_of("cities/harbin.en.md", "zh", &langs),
            Ok(("cities/harbin.md".into(), "en".into()))
        );
        assert_eq!(
            language_of("_index.en.md", "zh", &langs),
            Ok(("_index.md".into(), "en".into()))
        );
        assert_eq!(
            language_of("a/b/index.en.md", "zh", &langs),
            Ok(("a/b/index.md".into(), "en".into()))
        );
        assert_eq!(language_of("a/v1.2.md", "zh", &langs), Ok(("a/v1.2.md".into(), "zh".into())));
        assert_eq!(language_of("a/x.fr.md", "zh", &langs), Err("fr".into()));
    }

    #[test]
    fn ignored_files() {
        assert!(ignored(".DS_Store"));
        assert!(ignored("harbin.md~"));
        assert!(ignored("#harbin.md#"));
        assert!(!ignored("harbin.md"));
    }
}
