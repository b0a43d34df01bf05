//! The pipeline, shared by `build`, `check` and `serve`:
//! config → theme → content → model → Markdown → values → templates → jobs → sink.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::cache::{BuildCache, CachedBody, Recording};
use crate::config::Config;
use crate::content::highlight::Highlighter;
use crate::content::markdown::{self, MarkdownContext, Rendered};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, codes};
use crate::i18n::I18n;
use crate::model::{self, PublishRules, Skipped};
use crate::output::compress::{CompressCache, CompressingSink};
use crate::output::{self, DiskSink, Sink, Staging};
use crate::render::{self, DocLinks, LinkTables, Shared};
use crate::theme::Theme;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder (with site.yaml).
    pub root: PathBuf,
    /// The output folder; `public/` in the site root when not given.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Include future-dated pages.
    pub future: bool,
    /// The clock, as a date in the site's zone or with an offset.
    pub now: Option<String>,
    /// Replace a non-empty output folder that fenjin did not create.
    pub force: bool,
    /// Also write `.gz` and `.br` copies of text files.
    pub compress: bool,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// The site's content or templates are wrong (exit 1).
    Content(Diagnostics),
    /// Bad usage, a refused output folder or an I/O failure (exit 2).
    Usage(String),
    /// Problems found and already printed (exit 1).
    Reported,
}

/// What a successful build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Warnings.
    pub warnings: Diagnostics,
    /// Pages left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// Number of files written.
    pub files: usize,
    /// Number of documents (pages and sections, all languages) rendered.
    pub documents: usize,
    /// Time per stage.
    pub timings: Vec<(&'static str, Duration)>,
    /// Photos resized, and the bytes a phone saves.
    pub images: crate::images::ImageStats,
    /// When the output will next change by itself (see [`crate::schedule`]).
    pub next_change: Option<crate::schedule::NextChange>,
    /// With `--compress`: text files whose compressed copies were reused or made.
    pub compressed: Option<CompressStats>,
    /// The output folder written, resolved (only by [`build_to_disk`]).
    pub output: Option<PathBuf>,
}

/// What `--compress` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompressStats {
    /// Text files whose `.gz` and `.br` came from the previous build's cache.
    pub reused: usize,
    /// Text files compressed in this build.
    pub compressed: usize,
}

struct Timer {
    last: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn new() -> Self {
        Timer { last: Instant::now(), timings: Vec::new() }
    }
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, now - self.last));
        self.last = now;
    }
}

fn fail_if_errors(ds: &Diagnostics) -> Result<(), BuildError> {
    if ds.has_errors() { Err(BuildError::Content(ds.clone())) } else { Ok(()) }
}

/// Runs the whole pipeline into `sink`. Nothing is written outside the sink.
pub fn build_site(opts: &BuildOptions, sink: &dyn Sink) -> Result<BuildReport, BuildError> {
    run_pipeline(opts, sink).map(|built| {
        // Freeing the model and every document's values is a walk over millions of
        // allocations on one core (about 6 % of a 10,000-page build's CPU time in
        // `perf`): it happens on a thread of its own while the build finishes (the
        // staging swap, the report); a process that exits first skips it.
        let shared = built.shared;
        std::thread::spawn(move || drop(shared));
        built.report
    })
}

/// A finished build: the report and the model it rendered (for `check`).
pub struct Built {
    /// What the build did.
    pub report: BuildReport,
    /// The site and its template values.
    pub shared: Arc<Shared>,
}

/// Runs the whole pipeline into `sink` and keeps the model.
pub fn run_pipeline(opts: &BuildOptions, sink: &dyn Sink) -> Result<Built, BuildError> {
    prepare(opts, None)?.render_all(sink)
}

/// A site ready to render: the model, its values, the templates and the list of output
/// files. `build` renders every job into a sink; `serve` renders each job when it is
/// first asked for, and all of them in the background to find errors.
pub struct Prepared {
    /// The model and its values.
    pub shared: Arc<Shared>,
    /// The templates, with fenjin's functions bound to `shared`.
    pub tera: tera::Tera,
    /// The theme the templates come from.
    pub theme: Theme,
    /// Every output file.
    pub jobs: Arc<Vec<render::Job>>,
    warnings: Diagnostics,
    timer: Timer,
}

impl Prepared {
    /// Renders every job into `sink`.
    pub fn render_all(mut self, sink: &dyn Sink) -> Result<Built, BuildError> {
        let counting = crate::output::CountingSink::new(sink, "rendering", self.jobs.len());
        let ds = render::run(&self.jobs, &self.shared, &self.tera, &self.theme, &counting);
        drop(counting);
        fail_if_errors(&ds)?;
        // Only a build that used the image cache completely may prune it.
        self.shared.tables.images.prune();
        self.timer.lap("render");
        let mut warnings = self.warnings;
        warnings.extend(ds.into_iter().filter(|d| d.severity == Severity::Warning));
        let report = BuildReport {
            warnings,
            skipped: self.shared.site.skipped.to_vec(),
            files: self.jobs.len(),
            documents: self.shared.site.docs.len(),
            timings: self.timer.timings,
            images: self.shared.tables.images.stats.clone(),
            next_change: crate::schedule::next_change(&self.shared.site),
            compressed: None,
            output: None,
        };
        Ok(Built { report, shared: self.shared })
    }

    /// Renders one job: its bytes, `None` for a job with nothing to write.
    pub fn render_job(&self, job: &render::Job) -> Result<Option<Vec<u8>>, Box<Diagnostic>> {
        render::render_one(job, &self.shared, &self.tera, &self.theme)
    }

    /// Warnings found so far (before rendering).
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// Time per stage so far.
    pub fn timings(&self) -> &[(&'static str, Duration)] {
        &self.timer.timings
    }
}

/// A `--base-url` must be an absolute http(s) URL with a host.
pub fn check_base_url(url: &str) -> Result<(), BuildError> {
    let host = url.split_once("://").map(|(_, h)| h.trim_matches('/')).unwrap_or("");
    if (url.starts_with("http://") || url.starts_with("https://")) && !host.is_empty() {
        Ok(())
    } else {
        Err(BuildError::Usage(format!(
            "--base-url must be an absolute URL such as https://example.org, not `{url}`"
        )))
    }
}

/// Step 1 of [`prepare`]: site.yaml (with `--base-url` applied) and the publishing rules
/// (`--drafts`, `--future`, the clock of `--now`). With a cache, a changed site.yaml
/// empties it.
fn load_config(
    opts: &BuildOptions,
    cache: Option<&mut BuildCache>,
) -> Result<(Config, PublishRules), BuildError> {
    let root = &opts.root;
    let site_yaml = root.join("site.yaml");
    if let Some(cache) = cache {
        // A missing site.yaml is reported by Config::load below.
        cache.check_config(&std::fs::read(&site_yaml).unwrap_or_default());
    }
    let mut config = Config::load(&site_yaml, Path::new("site.yaml")).map_err(|ds| {
        // A missing site.yaml is a usage error (wrong folder), not a content error.
        if ds.iter().any(|d| d.code == codes::E0001.as_str()) {
            BuildError::Usage(format!(
                "no site.yaml in {} — run fenjin in a site's folder, or pass --root DIR",
                root.display()
            ))
        } else {
            BuildError::Content(ds)
        }
    })?;
    if let Some(url) = &opts.base_url {
        check_base_url(url)?;
        config.set_base_url(url);
    }
    let now = match &opts.now {
        Some(s) => crate::dates::parse_date(s, &config.timezone)
            .map_err(|e| BuildError::Usage(format!("--now `{s}` is not a date: {}", e.hint)))?
            .timestamp(),
        None => Timestamp::now(),
    };
    Ok((config, PublishRules { drafts: opts.drafts, future: opts.future, now }))
}

/// The theme step of [`prepare`]: the theme's templates and files, the interface
/// strings, the content kinds. A broken theme or i18n file is reported into `ds` and the
/// build goes on to find the content's errors too; without its kinds it stops.
fn load_theme(
    root: &Path,
    config: &Config,
    ds: &mut Diagnostics,
) -> Result<(Option<Theme>, Option<I18n>, crate::content::kinds::Kinds), BuildError> {
    let theme = match Theme::load(root, &config.theme) {
        Ok(t) => Some(t),
        Err(e) => {
            ds.extend(e);
            None
        }
    };
    let i18n = theme.as_ref().and_then(|t| match I18n::load(&t.i18n, config) {
        Ok(i) => Some(i),
        Err(e) => {
            ds.extend(e);
            None
        }
    });
    let kinds = match crate::content::kinds::Kinds::load(root, &config.theme) {
        Ok(k) => k,
        Err(e) => {
            // Without its kinds no page of a kind can be read: stop here.
            ds.extend(e);
            return Err(BuildError::Content(std::mem::take(ds)));
        }
    };
    Ok((theme, i18n, kinds))
}

/// The Markdown step of [`prepare`]: every body to HTML, in parallel; with a cache, only
/// the bodies whose file or links changed. Returns the bodies (by document id) and the
/// warnings (they do not stop the build); errors go to `ds`.
fn render_markdown(
    site: &model::Site,
    tables: &LinkTables,
    cache: Option<&mut BuildCache>,
    ds: &mut Diagnostics,
) -> (Vec<Arc<Rendered>>, Diagnostics) {
    // Markdown, in parallel; with a cache, only the bodies that changed.
    let highlighter = Highlighter::new();
    let md_cache = cache.as_deref().map(|c| &c.markdown);
    let bodies: Vec<(Arc<Rendered>, Option<CachedBody>)> = site
        .docs
        .par_iter()
        .map(|doc| {
            let Some(src) = doc.source.map(|s| &site.sources[s]) else {
                return (Arc::default(), None);
            };
            let links = DocLinks::new(site, doc, tables);
            if let Some(hit) = md_cache.and_then(|c| c.get(&src.rel, &doc.lang, src.hash, &links)) {
                return (hit, None);
            }
            let (rendered, entry) = render_body(site, src, &links, &highlighter);
            (rendered, md_cache.map(|_| entry))
        })
        .collect();
    let rendered: Vec<Arc<Rendered>> = match cache {
        Some(c) => {
            let mut keep = Vec::with_capacity(bodies.len());
            let mut fresh = 0;
            let mut out = Vec::with_capacity(bodies.len());
            for (doc, (r, entry)) in site.docs.iter().zip(bodies) {
                if let Some(src) = doc.source.map(|s| &site.sources[s]) {
                    let key = (src.rel.clone(), doc.lang.clone());
                    let entry = match entry {
                        Some(e) => {
                            fresh += 1;
                            e
                        }
                        None => c.markdown.take(&key).expect("a cache hit stays in the cache"),
                    };
                    keep.push((key, entry));
                }
                out.push(r);
            }
            c.markdown.replace(keep, fresh);
            out
        }
        None => bodies.into_iter().map(|(r, _)| r).collect(),
    };
    let mut warnings = Diagnostics::new();
    for r in &rendered {
        for d in &r.diagnostics {
            if d.severity == Severity::Error {
                ds.push(d.clone());
            } else {
                warnings.push(d.clone());
            }
        }
    }
    (rendered, warnings)
}

/// One body to HTML, with the cache entry that remembers the links it resolved.
fn render_body(
    site: &model::Site,
    src: &crate::content::SourceDoc,
    links: &DocLinks<'_>,
    highlighter: &Highlighter,
) -> (Arc<Rendered>, CachedBody) {
    let recording = Recording::new(links);
    let cx = MarkdownContext {
        file: &src.file,
        file_text: &src.text,
        body_line_offset: src.body_line_offset,
        highlighter,
        resolver: &recording,
        trusted_html: site.config.trusted_html,
    };
    let rendered = Arc::new(markdown::render(src.body(), &cx));
    let entry = CachedBody::new(src.hash, recording.into_links(), rendered.clone());
    (rendered, entry)
}

/// A save that leaves the model alone, made from the last build (see [`crate::cache`]).
struct BodiesEdit {
    shared: Arc<Shared>,
    sources: crate::content::ChangedBodies,
    markdown: Vec<((String, String), CachedBody)>,
    /// The warnings of the Markdown and of the stages before the jobs.
    warnings: Diagnostics,
    /// Whether a file of the theme changed: the jobs are planned again.
    replan: bool,
}

/// Whether `path` is a template, an interface string or a static file, of the site or of
/// a theme: what the model, the bodies and the link tables never read.
fn is_theme_file(root: &Path, path: &Path) -> bool {
    const PARTS: [&str; 3] = ["templates", "i18n", "static"];
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let parts: Vec<_> = rel.components().map(|c| c.as_os_str()).collect();
    match parts.as_slice() {
        [first, _, ..] if PARTS.iter().any(|p| first == p) => true,
        [themes, _, part, _, ..] => *themes == "themes" && PARTS.iter().any(|p| part == p),
        _ => false,
    }
}

/// The next site, when this save changed Markdown bodies, templates, interface strings
/// or static files and nothing else, and the last build's model still holds under
/// `rules` (see [`crate::cache::LastBuild`]): the last build's model with the changed
/// sources and the clock put in, its link tables and statistics, its bodies with the
/// changed ones rendered again. `None` when that does not hold, or when a changed body
/// has an error (the full path then reports it with the rest). Only reads the cache;
/// [`from_last_build`] stores the result.
fn bodies_edit(
    root: &Path,
    cache: &BuildCache,
    config: &Config,
    kinds: &crate::content::kinds::Kinds,
    rules: &PublishRules,
    i18n: &I18n,
) -> Option<BodiesEdit> {
    let last = cache.last.as_ref().filter(|l| l.same_model_under(rules))?;
    let sources = cache.sources.changed_bodies(root, config, kinds)?;
    if !sources.elsewhere.iter().all(|p| is_theme_file(root, p)) {
        return None;
    }
    let replan = !sources.elsewhere.is_empty();
    let old = &last.shared;
    let mut site = old.site.clone();
    site.now = rules.now;
    let mut changed = std::collections::HashSet::new();
    for src in &sources.docs {
        let i = site.sources.iter().position(|s| s.rel == src.rel)?;
        site.sources[i] = src.clone();
        changed.insert(i);
    }
    let highlighter = Highlighter::new();
    let mut rendered = old.rendered.clone();
    let mut markdown = Vec::new();
    for doc in site.docs.iter().filter(|d| d.source.is_some_and(|s| changed.contains(&s))) {
        let src = &site.sources[doc.source?];
        let links = DocLinks::new(&site, doc, &old.tables);
        let (body, entry) = render_body(&site, src, &links, &highlighter);
        if body.diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
        rendered[doc.id] = body;
        markdown.push(((src.rel.clone(), doc.lang.clone()), entry));
    }
    // In the order the full path gives them: the bodies' warnings, then the others but
    // the jobs' (added by the caller).
    let mut warnings = Diagnostics::new();
    warnings.extend(rendered.iter().flat_map(|r| r.diagnostics.iter().cloned()));
    warnings.extend(last.warnings.iter().cloned());
    let shared = Arc::new(Shared::new(
        site,
        i18n.clone(),
        old.tables.clone(),
        rendered,
        old.statistics.clone(),
    ));
    Some(BodiesEdit { shared, sources, markdown, warnings, replan })
}

/// `serve`'s path for a save that leaves the model alone: the site, templates, jobs and
/// warnings made from the last build, when [`bodies_edit`] can make them (`ready`: the
/// theme and strings loaded without a problem); the jobs planned again if the theme
/// changed. The cache takes the changed files and bodies. `None` otherwise, and the
/// cache forgets the last build: the full path makes the next.
fn from_last_build(
    root: &Path,
    cache: &mut BuildCache,
    (config, kinds, rules): (&Config, &crate::content::kinds::Kinds, &PublishRules),
    ready: Option<(&Theme, &I18n)>,
) -> Option<FromLast> {
    let made = ready.and_then(|(theme, i18n)| {
        let edit = bodies_edit(root, cache, config, kinds, rules, i18n)?;
        let tera = render::make_tera(theme, &edit.shared).ok()?;
        let plan = match edit.replan {
            true => Some(render::plan(&edit.shared, theme)).filter(|(_, ds)| !ds.has_errors()),
            false => None,
        };
        (plan.is_some() == edit.replan).then_some((edit, tera, plan))
    });
    let (Some((mut edit, tera, plan)), Some(last)) = (made, cache.last.as_mut()) else {
        cache.forget_last();
        return None;
    };
    if let Some((jobs, plan_ds)) = plan {
        last.jobs = Arc::new(jobs);
        last.plan_warnings = crate::cache::warnings_of(plan_ds);
    }
    edit.warnings.extend(last.plan_warnings.iter().cloned());
    last.shared = edit.shared.clone();
    last.rules = rules.clone();
    let jobs = last.jobs.clone();
    cache.reused_model = true;
    cache.sources.take_bodies(edit.sources);
    cache.markdown.insert(edit.markdown);
    Some(FromLast { shared: edit.shared, tera, jobs, warnings: edit.warnings })
}

/// What [`from_last_build`] makes for [`Prepared`] (all but the theme and timings).
struct FromLast {
    shared: Arc<Shared>,
    tera: tera::Tera,
    jobs: Arc<Vec<render::Job>>,
    warnings: Diagnostics,
}

/// The content step of [`prepare`]: every file of `content/` read (with a cache, only
/// the changed ones); its problems go to `ds`. No `content/` folder is an error.
fn load_content(
    root: &Path,
    config: &Config,
    kinds: &crate::content::kinds::Kinds,
    cache: Option<&mut BuildCache>,
    ds: &mut Diagnostics,
) -> Result<crate::content::Loaded, BuildError> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        ds.push(
            Diagnostic::error(codes::E0006, "the site has no content/ folder")
                .file("content/")
                .hint("create content/_index.md with a `title:`; every page lives under content/"),
        );
        return Err(BuildError::Content(std::mem::take(ds)));
    }
    let (loaded, load_ds) =
        crate::content::load(&content_dir, root, config, kinds, cache.map(|c| &mut c.sources));
    ds.extend(load_ds);
    Ok(loaded)
}

/// Runs the pipeline up to rendering. With a cache (from `serve`), files that did not
/// change are neither read nor parsed again and Markdown bodies whose file and links did
/// not change are not rendered again; a save that leaves the model alone starts from the
/// last build's (`from_last_build`). The result is the same as without a cache.
pub fn prepare(
    opts: &BuildOptions,
    mut cache: Option<&mut BuildCache>,
) -> Result<Prepared, BuildError> {
    let mut timer = Timer::new();
    let root = &opts.root;
    let (config, rules) = load_config(opts, cache.as_deref_mut())?;
    timer.lap("config");

    let mut ds = Diagnostics::new();
    let (theme, i18n, kinds) = load_theme(root, &config, &mut ds)?;
    timer.lap("theme");

    let ready = theme.as_ref().zip(i18n.as_ref()).filter(|_| ds.is_empty());
    if let Some(c) = cache.as_deref_mut()
        && let Some(FromLast { shared, tera, jobs, warnings }) =
            from_last_build(root, c, (&config, &kinds, &rules), ready)
    {
        timer.lap("from the last build");
        let theme = theme.expect("checked above");
        return Ok(Prepared { shared, tera, theme, jobs, warnings, timer });
    }

    let loaded = load_content(root, &config, &kinds, cache.as_deref_mut(), &mut ds)?;
    timer.lap("load");

    let (site, model_ds) = model::build(config, loaded, &rules);
    ds.extend(model_ds);
    fail_if_errors(&ds)?;
    timer.lap("model");

    // From here on the model is only read; each stage's product is a value of its own,
    // handed forward to `Shared`.
    let (images, image_ds) = crate::images::prepare(&site, root);
    ds.extend(image_ds);
    ds.extend(crate::images::fields::check(&site, &images));
    timer.lap("images");

    let (statistics, stat_ds) = crate::statistics::load(root, &site);
    ds.extend(stat_ds);
    timer.lap("statistics");

    let tables = Arc::new(LinkTables::new(&site, images));
    let (rendered, mut warnings) = render_markdown(&site, &tables, cache.as_deref_mut(), &mut ds);
    timer.lap("markdown");

    let (Some(theme), Some(i18n)) = (theme, i18n) else {
        return Err(BuildError::Content(ds));
    };
    let shared = Arc::new(Shared::new(site, i18n, tables, rendered, statistics));
    timer.lap("values");
    let tera = render::make_tera(&theme, &shared);
    let tera = match tera {
        Ok(t) => Some(t),
        Err(e) => {
            ds.extend(e);
            None
        }
    };
    let (jobs, plan_ds) = render::plan(&shared, &theme);
    // Warnings of the stages before Markdown (control characters removed, an unusable
    // image cache), then the jobs'.
    let (before, planned) =
        (crate::cache::warnings_of(ds.clone()), crate::cache::warnings_of(plan_ds.clone()));
    ds.extend(plan_ds);
    fail_if_errors(&ds)?;
    let tera = tera.expect("no template errors");
    let jobs = Arc::new(jobs);
    timer.lap("templates");
    warnings.extend(before.iter().chain(planned.iter()).cloned());
    if let Some(c) = cache {
        c.remember(&shared, &jobs, before, planned, rules);
    }

    Ok(Prepared { shared, tera, theme, jobs, warnings, timer })
}

/// The site's folder as every command uses it, resolved and checked here only: `root`
/// (the `--root` flag, `.` by default) against the current folder, normalised, a folder
/// that holds site.yaml.
pub fn site_root(root: &Path) -> Result<PathBuf, BuildError> {
    let cwd = std::env::current_dir()
        .map_err(|e| BuildError::Usage(format!("cannot read the current folder: {e}")))?;
    let abs = output::normalize_path(&cwd.join(root));
    if !abs.is_dir() {
        return Err(BuildError::Usage(format!(
            "the site folder `{}` does not exist",
            root.display()
        )));
    }
    if !abs.join("site.yaml").is_file() {
        return Err(BuildError::Usage(format!(
            "no site.yaml in {} — run fenjin in a site's folder, or pass --root DIR",
            abs.display()
        )));
    }
    Ok(abs)
}

/// Builds into the output folder atomically: checks the folder, writes into a staging
/// folder beside it, and swaps it in only when the build succeeded.
pub fn build_to_disk(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let root = site_root(&opts.root)?;
    let cwd = std::env::current_dir()
        .map_err(|e| BuildError::Usage(format!("cannot read the current folder: {e}")))?;
    let output = output::normalize_path(&match &opts.output {
        Some(o) => cwd.join(o),
        None => root.join("public"),
    });
    output::check_output_dir(&output, &root, opts.force).map_err(|r| BuildError::Usage(r.0))?;
    let staging = Staging::new(&output).map_err(|e| {
        BuildError::Usage(format!(
            "cannot create a staging folder beside `{}`: {e}",
            output.display()
        ))
    })?;
    let opts = BuildOptions { root, ..opts.clone() };
    let disk = DiskSink::new(staging.path().to_path_buf());
    let cache = opts.root.join(".fenjin-cache");
    let mut cache_warning = None;
    let compress_cache = if opts.compress {
        let dir = cache.join("compress");
        CompressCache::open(&dir)
            .map_err(|e| {
                cache_warning = Some(
                    Diagnostic::warning(codes::W0705, format!("cannot use the compression cache folder: {e}"))
                        .file(".fenjin-cache/compress/")
                        .hint("make the site folder writable; meanwhile every text file is compressed again on every build"),
                );
            })
            .ok()
    } else {
        None
    };
    let compressing = CompressingSink::new(&disk, compress_cache.as_ref());
    let sink: &dyn Sink = if opts.compress { &compressing } else { &disk };
    let mut report = build_site(&opts, sink)?; // on error `staging` is dropped and deleted
    staging.commit().map_err(|e| {
        BuildError::Usage(format!("cannot move the new site into `{}`: {e}", output.display()))
    })?;
    report.warnings.extend(cache_warning);
    report.output = Some(output);
    if let Some(c) = &compress_cache {
        c.prune();
        let (reused, compressed) = c.counts();
        report.compressed = Some(CompressStats { reused, compressed });
    }
    // Beside the image cache, never in the published tree.
    std::fs::create_dir_all(&cache)
        .and_then(|_| {
            std::fs::write(
                cache.join("next-change.json"),
                crate::schedule::to_json(report.next_change.as_ref()),
            )
        })
        .map_err(|e| {
            BuildError::Usage(format!(
                "cannot write `{}`: {e}",
                cache.join("next-change.json").display()
            ))
        })?;
    Ok(report)
}
