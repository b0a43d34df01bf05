//! What `serve` keeps between two builds, so that saving one page costs one page.
//!
//! Two caches, both keyed by a file's path and the hash of its bytes, never by time:
//!
//! - [`SourceCache`]: parsed files. A file the watcher did not report is taken unread; a
//!   reported file whose hash is unchanged is not parsed again.
//! - `MarkdownCache`: rendered bodies. A body is rendered again when its file's hash or
//!   its language changed, or when one of the links or pictures it resolved last time
//!   now resolves differently (a page it links to moved, appeared or went away; an image
//!   it shows changed). Every resolution is recorded while rendering, so the check is
//!   exact, not a guess.
//!
//! Everything else — the model, the values, the pages — is made again from these on
//! every build, so an incremental build is the full build with some work skipped, and
//! a test holds the two to byte equality. A change of site.yaml clears both caches.
//!
//! One exception: a save that changes only Markdown bodies (the same files, each with
//! the same front matter, byte for byte), templates, interface strings or static files
//! cannot change the model, which never reads a body or the theme. `LastBuild` keeps
//! what the last build made after the model; such a save starts from it, renders only
//! the changed bodies, and plans the output files again only if the theme changed (see
//! `build::bodies_edit`). The clock is the one input of the model that moves by itself:
//! a save after a page's publication, expiry or window opening takes the full path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::content::SourceCache;
use crate::content::markdown::{LinkAction, LinkResolver, PictureAction, Rendered};
use crate::diagnostics::Diagnostics;
use crate::model::PublishRules;
use crate::render::{Job, Shared};

/// Everything kept between builds.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Hash of site.yaml at the last build.
    pub(crate) config: Option<blake3::Hash>,
    /// Parsed sources.
    pub sources: SourceCache,
    /// Rendered Markdown.
    pub(crate) markdown: MarkdownCache,
    /// The last build, when it succeeded.
    pub(crate) last: Option<LastBuild>,
    /// Whether the last build started from the model of the one before.
    pub(crate) reused_model: bool,
}

/// What a build made after the model, kept for the next save.
pub(crate) struct LastBuild {
    /// The model, link tables, bodies and statistics.
    pub(crate) shared: Arc<Shared>,
    /// The output files.
    pub(crate) jobs: Arc<Vec<Job>>,
    /// The warnings of the stages before Markdown (the bodies' own are taken from them).
    pub(crate) warnings: Diagnostics,
    /// The warnings of planning the jobs.
    pub(crate) plan_warnings: Diagnostics,
    /// The switches of the build (`--drafts`, `--future`) and its clock.
    pub(crate) rules: PublishRules,
    /// The first moment after `rules.now` at which the same sources make another model
    /// (a page is published or expires, a window opens or closes); `None`: never.
    pub(crate) until: Option<jiff::Timestamp>,
}

impl LastBuild {
    /// Whether the model made under `rules` from the same sources is this one.
    pub(crate) fn same_model_under(&self, rules: &PublishRules) -> bool {
        rules.drafts == self.rules.drafts
            && rules.future == self.rules.future
            && rules.now >= self.rules.now
            && self.until.is_none_or(|t| rules.now < t)
    }
}

impl std::fmt::Debug for LastBuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LastBuild")
            .field("documents", &self.shared.site.docs.len())
            .field("jobs", &self.jobs.len())
            .field("rules", &self.rules)
            .field("until", &self.until)
            .finish_non_exhaustive()
    }
}

impl BuildCache {
    /// An empty cache: the first build reads everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Clears both caches when site.yaml changed (its languages, taxonomies and kinds
    /// decide how every file is read).
    pub(crate) fn check_config(&mut self, site_yaml: &[u8]) {
        let hash = blake3::hash(site_yaml);
        if self.config != Some(hash) {
            self.sources.clear();
            self.markdown.entries.clear();
            self.last = None;
            self.config = Some(hash);
        }
    }

    /// How many files the last build read, and how many of those it parsed.
    pub fn last_reads(&self) -> (usize, usize) {
        (self.sources.last_read, self.sources.last_parsed)
    }

    /// How many bodies the last build rendered (the rest came from the cache).
    pub fn last_rendered(&self) -> usize {
        self.markdown.last_rendered
    }

    /// Keeps what a full build made after the model, for the next save.
    pub(crate) fn remember(
        &mut self,
        shared: &Arc<Shared>,
        jobs: &Arc<Vec<Job>>,
        warnings: Diagnostics,
        plan_warnings: Diagnostics,
        rules: PublishRules,
    ) {
        self.last = Some(LastBuild {
            shared: shared.clone(),
            jobs: jobs.clone(),
            warnings,
            plan_warnings,
            until: crate::schedule::next_change(&shared.site).map(|n| n.timestamp()),
            rules,
        });
    }

    /// Forgets the last build: a build that does not start from it replaces it (or,
    /// failing, leaves none).
    pub(crate) fn forget_last(&mut self) {
        self.last = None;
        self.reused_model = false;
    }

    /// Whether the last build started from the model of the build before (a save of
    /// bodies, templates, interface strings or static files only).
    pub fn last_reused_model(&self) -> bool {
        self.reused_model
    }
}

/// The warnings among `ds`.
pub(crate) fn warnings_of(ds: Diagnostics) -> Diagnostics {
    let mut out = Diagnostics::new();
    out.extend(ds.into_iter().filter(|d| d.severity == crate::diagnostics::Severity::Warning));
    out
}

/// Rendered bodies by (source path, language).
#[derive(Debug, Default)]
pub(crate) struct MarkdownCache {
    entries: HashMap<(String, String), CachedBody>,
    last_rendered: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct CachedBody {
    hash: blake3::Hash,
    /// Every question the body asked its resolver, with the answer it got.
    links: Vec<Asked>,
    rendered: Arc<Rendered>,
}

impl MarkdownCache {
    /// The cached body of `rel` in `lang`, if its file and every link it resolved
    /// are still the same under `resolver`.
    pub(crate) fn get(
        &self,
        rel: &str,
        lang: &str,
        hash: blake3::Hash,
        resolver: &dyn LinkResolver,
    ) -> Option<Arc<Rendered>> {
        let e = self.entries.get(&(rel.to_owned(), lang.to_owned()))?;
        let same = e.hash == hash && e.links.iter().all(|asked| asked.same_under(resolver));
        same.then(|| e.rendered.clone())
    }

    /// Removes and returns an entry (to carry it into the next cache).
    pub(crate) fn take(&mut self, key: &(String, String)) -> Option<CachedBody> {
        self.entries.remove(key)
    }

    /// Puts the bodies rendered for a save of bodies only in place of their old entries.
    pub(crate) fn insert(&mut self, bodies: Vec<((String, String), CachedBody)>) {
        self.last_rendered = bodies.len();
        self.entries.extend(bodies);
    }

    /// Replaces the cache with the bodies of this build.
    pub(crate) fn replace(&mut self, bodies: Vec<((String, String), CachedBody)>, rendered: usize) {
        self.entries = bodies.into_iter().collect();
        self.last_rendered = rendered;
    }
}

impl CachedBody {
    pub(crate) fn new(hash: blake3::Hash, links: Vec<Asked>, rendered: Arc<Rendered>) -> Self {
        CachedBody { hash, links, rendered }
    }
}

/// One question a body asked its resolver, and the answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Asked {
    /// A link or image destination.
    Link(String, LinkAction),
    /// An image as a `<picture>`: destination, alt text, title, position, and the answer
    /// in a comparable form (the HTML, or the problem's code and message).
    Picture(String, String, String, usize, String),
}

impl Asked {
    fn same_under(&self, resolver: &dyn LinkResolver) -> bool {
        match self {
            Asked::Link(dest, action) => resolver.resolve(dest) == *action,
            Asked::Picture(dest, alt, title, index, answer) => {
                picture_key(&resolver.picture(dest, alt, title, *index)) == *answer
            }
        }
    }
}

fn picture_key(a: &PictureAction) -> String {
    match a {
        PictureAction::Keep => String::new(),
        PictureAction::Html(h) => format!("html:{h}"),
        PictureAction::Problem(d) => format!("problem:{}:{}", d.code, d.message),
    }
}

/// A resolver that remembers what it was asked and what it answered.
pub(crate) struct Recording<'a> {
    inner: &'a dyn LinkResolver,
    seen: Mutex<Vec<Asked>>,
}

impl<'a> Recording<'a> {
    pub(crate) fn new(inner: &'a dyn LinkResolver) -> Self {
        Recording { inner, seen: Mutex::new(Vec::new()) }
    }

    /// The questions and answers, in the order they were asked.
    pub(crate) fn into_links(self) -> Vec<Asked> {
        self.seen.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn note(&self, asked: Asked) {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).push(asked);
    }
}

impl LinkResolver for Recording<'_> {
    fn resolve(&self, dest: &str) -> LinkAction {
        let action = self.inner.resolve(dest);
        self.note(Asked::Link(dest.to_owned(), action.clone()));
        action
    }

    fn picture(&self, dest: &str, alt: &str, title: &str, index: usize) -> PictureAction {
        let action = self.inner.picture(dest, alt, title, index);
        self.note(Asked::Picture(
            dest.to_owned(),
            alt.to_owned(),
            title.to_owned(),
            index,
            picture_key(&action),
        ));
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Table(&'static [(&'static str, &'static str)]);
    impl LinkResolver for Table {
        fn resolve(&self, dest: &str) -> LinkAction {
            match self.0.iter().find(|(d, _)| *d == dest) {
                Some((_, url)) => LinkAction::Rewrite((*url).to_owned()),
                None => LinkAction::Keep,
            }
        }
    }

    #[test]
    fn a_body_is_reused_only_while_its_links_resolve_the_same() {
        let before = Table(&[("@/a.md", "/a/")]);
        let rec = Recording::new(&before);
        assert_eq!(rec.resolve("@/a.md"), LinkAction::Rewrite("/a/".into()));
        assert_eq!(rec.resolve("x.png"), LinkAction::Keep);
        let links = rec.into_links();
        assert_eq!(links.len(), 2);
        let hash = blake3::hash(b"body");
        let rendered = Arc::new(Rendered { html: "<p>x</p>".into(), ..Rendered::default() });
        let mut cache = MarkdownCache::default();
        let key = ("a.md".to_owned(), "zh".to_owned());
        cache.replace(vec![(key, CachedBody::new(hash, links, rendered))], 1);

        assert!(cache.get("a.md", "zh", hash, &before).is_some());
        // Another language or content: rendered again.
        assert!(cache.get("a.md", "en", hash, &before).is_none());
        assert!(cache.get("a.md", "zh", blake3::hash(b"other"), &before).is_none());
        // The linked page moved: rendered again.
        let moved = Table(&[("@/a.md", "/b/")]);
        assert!(cache.get("a.md", "zh", hash, &moved).is_none());
        // A file named by a relative link appeared: rendered again.
        let appeared = Table(&[("@/a.md", "/a/"), ("x.png", "/x.png")]);
        assert!(cache.get("a.md", "zh", hash, &appeared).is_none());
    }
}
