//! Responsive images: every photo of `content/` becomes a few widths in WebP with a
//! JPEG (or PNG) fallback, rendered as `<picture>` with `srcset`, `sizes`, `width` and
//! `height`.
//!
//! Input: the site's assets and the `images:` settings. Output: an [`Images`] store
//! (what each source became, or why it could not be used) consulted by Markdown
//! rendering, template values and the job plan; the files themselves live in the
//! site's cache folder (`.fenjin-cache/images/<key>/`, keyed by the source's content
//! hash and the settings) and are copied into the output like any asset. Sources are
//! processed in parallel, once: an unchanged photo costs one hash on the next build.
//! Entries the build did not use are pruned after it succeeds; the folder can be
//! deleted at any time.

mod cache;
pub mod fields;
pub mod process;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
pub use crate::config::ImageSettings;
use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use crate::escape::escape_attr as escape;
use crate::model::{Asset, Site};
pub use process::Problem;

/// Extensions of images fenjin resizes.
const RESIZED: &[&str] = &["jpg", "jpeg", "png", "webp"];
/// Extensions of images fenjin knows but cannot use on a page.
const REFUSED: &[&str] = &["bmp", "tif", "tiff", "heic", "heif"];
/// Extensions shown as they are (vector graphics, animations).
const AS_IS: &[&str] = &["svg", "gif", "avif"];

/// Device pixels across a 360 px phone screen at 2× (for the bytes report).
pub const PHONE_PIXELS: u32 = 720;

fn extension(rel: &str) -> String {
    rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

/// Whether a path names an image by its extension.
pub fn is_image_path(path: &str) -> bool {
    let e = extension(path.split(['?', '#']).next().unwrap_or(path));
    RESIZED.contains(&e.as_str()) || REFUSED.contains(&e.as_str()) || AS_IS.contains(&e.as_str())
}

/// One width of a processed image.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Output path of the WebP (URL-style, no leading `/`).
    pub webp: String,
    /// Output path of the JPEG or PNG.
    pub fallback: String,
    /// Size of the WebP.
    pub webp_bytes: u64,
}

/// A source image, processed.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Width after orientation.
    pub width: u32,
    /// Height after orientation.
    pub height: u32,
    /// Whether the fallback is PNG.
    pub png: bool,
    /// Widths, smallest first.
    pub variants: Vec<Variant>,
    /// Output path of the Open Graph JPEG.
    pub og: String,
    /// Size of the source file.
    pub source_bytes: u64,
}

impl Picture {
    /// The variant a screen `pixels` wide loads: the narrowest at least that wide.
    pub fn variant_for(&self, pixels: u32) -> &Variant {
        self.variants
            .iter()
            .find(|v| v.width >= pixels)
            .or(self.variants.last())
            .expect("a picture has at least one variant")
    }
}

/// What the build did with images.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageStats {
    /// Source images resized.
    pub sources: usize,
    /// Their total size.
    pub source_bytes: u64,
    /// What a 360 px phone at 2× loads of them (one WebP each).
    pub phone_bytes: u64,
    /// Sources processed in this build.
    pub processed: usize,
    /// Sources taken from the cache.
    pub cached: usize,
}

impl ImageStats {
    /// One line for the build summary, when the site has photos: what the sources
    /// weigh, what a phone loads of them, and how many came from the cache.
    pub fn summary(&self) -> Option<String> {
        if self.sources == 0 {
            return None;
        }
        let saved = self.source_bytes.saturating_sub(self.phone_bytes);
        Some(format!(
            "images: {} photos, {} as sources; a 360 px phone (2×) loads {} of them, {} ({:.1} %) less; {} resized, {} from the cache",
            self.sources,
            human_bytes(self.source_bytes),
            human_bytes(self.phone_bytes),
            human_bytes(saved),
            saved as f64 * 100.0 / self.source_bytes.max(1) as f64,
            self.processed,
            self.cached,
        ))
    }
}

/// `1.2 MB`, `340 KB`, `12 B`.
pub fn human_bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else if n >= 1_000 {
        format!("{:.0} KB", n as f64 / 1e3)
    } else {
        format!("{n} B")
    }
}

/// Every image of `content/`, processed or refused.
#[derive(Debug, Default)]
pub struct Images {
    by_rel: HashMap<String, Result<Picture, Problem>>,
    /// (output path, file in the cache) for every file to write.
    pub files: Vec<(String, PathBuf)>,
    /// Totals for the build report.
    pub stats: ImageStats,
    cache: Option<cache::Cache>,
}

impl Images {
    /// What became of the image at `rel` (relative to `content/`); `None` when it is
    /// not an image fenjin processes (SVG, GIF, or not in `content/`).
    pub fn get(&self, rel: &str) -> Option<&Result<Picture, Problem>> {
        self.by_rel.get(rel)
    }

    /// Every processed or refused image, by path relative to `content/`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Result<Picture, Problem>)> {
        self.by_rel.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Deletes cache entries this build did not use. Returns how many.
    pub fn prune(&self) -> usize {
        self.cache.as_ref().map_or(0, cache::Cache::prune)
    }
}

/// Processes every image among the site's assets (in parallel, through the cache).
/// Problems are kept per image and reported where an image is used; only a cache
/// folder that cannot be used is reported here.
pub fn prepare(site: &Site, root: &Path) -> (Images, Diagnostics) {
    let settings = &site.config.images;
    let mut ds = Diagnostics::new();
    let cache = match cache::Cache::open(&root.join(".fenjin-cache").join("images")) {
        Ok(c) => c,
        Err(e) => {
            ds.push(
                Diagnostic::warning(codes::W0704, format!("cannot use the image cache folder: {e}"))
                    .file(".fenjin-cache/images/")
                    .hint("make the site folder writable; meanwhile images are processed into a temporary folder on every build"),
            );
            match cache::Cache::temporary() {
                Ok(c) => c,
                Err(e) => {
                    ds.push(Diagnostic::error(
                        codes::E0010,
                        format!("cannot create a temporary folder for images: {e}"),
                    ));
                    return (Images::default(), ds);
                }
            }
        }
    };
    let candidates: Vec<&Asset> = site
        .assets
        .iter()
        .filter(|a| {
            let e = extension(&a.rel);
            RESIZED.contains(&e.as_str()) || REFUSED.contains(&e.as_str())
        })
        .collect();
    let processed = AtomicUsize::new(0);
    let fingerprint = settings.fingerprint();
    type Outcome<'a> = (&'a Asset, Result<Picture, Problem>, Vec<(String, PathBuf)>);
    let progress = crate::progress::Progress::new("images", candidates.len());
    let results: Vec<Outcome<'_>> = candidates
        .par_iter()
        .map(|a| {
            let r = one(a, settings, &fingerprint, &cache, &processed);
            progress.inc();
            match r {
                Ok((p, files)) => (*a, Ok(p), files),
                Err(p) => (*a, Err(p), Vec::new()),
            }
        })
        .collect();
    drop(progress);
    let mut images = Images::default();
    for (a, r, files) in results {
        if let Ok(p) = &r {
            images.stats.sources += 1;
            images.stats.source_bytes += p.source_bytes;
            images.stats.phone_bytes += p.variant_for(PHONE_PIXELS).webp_bytes;
        }
        images.files.extend(files);
        images.by_rel.insert(a.rel.clone(), r);
    }
    images.files.sort();
    images.stats.processed = processed.into_inner();
    images.stats.cached = images.stats.sources - images.stats.processed.min(images.stats.sources);
    images.cache = Some(cache);
    (images, ds)
}

/// One source: hash, then the cache entry or a fresh one.
fn one(
    a: &Asset,
    settings: &ImageSettings,
    fingerprint: &str,
    cache: &cache::Cache,
    processed: &AtomicUsize,
) -> Result<(Picture, Vec<(String, PathBuf)>), Problem> {
    let bytes = std::fs::read(&a.abs).map_err(|e| Problem {
        message: format!("cannot read the image: {e}"),
        hint: "check that the file exists and is readable".into(),
    })?;
    let key = cache::key(&bytes, fingerprint);
    let entry = match cache.get(&key) {
        Some(e) => e,
        None => {
            let out = process::process(&bytes, settings)?;
            processed.fetch_add(1, Ordering::Relaxed);
            cache.put(&key, &out).map_err(|e| Problem {
                message: format!("cannot write the image cache: {e}"),
                hint: "check the free space and permissions of .fenjin-cache/".into(),
            })?
        }
    };
    drop(bytes);
    let (dir, name) = match a.out.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), a.out.as_str()),
    };
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let short = &key[..10];
    let ext = if entry.png { "png" } else { "jpg" };
    let mut files = Vec::new();
    let variants = entry
        .variants
        .iter()
        .map(|v| {
            let webp = format!("{dir}{stem}.{}.{short}.webp", v.width);
            let fallback = format!("{dir}{stem}.{}.{short}.{ext}", v.width);
            files.push((webp.clone(), cache.file(&key, &format!("{}.webp", v.width))));
            files.push((fallback.clone(), cache.file(&key, &format!("{}.{ext}", v.width))));
            Variant { width: v.width, height: v.height, webp, fallback, webp_bytes: v.webp_bytes }
        })
        .collect();
    let og = format!("{dir}{stem}.og.{short}.jpg");
    files.push((og.clone(), cache.file(&key, "og.jpg")));
    let picture = Picture {
        width: entry.width,
        height: entry.height,
        png: entry.png,
        variants,
        og,
        source_bytes: a.abs.metadata().map(|m| m.len()).unwrap_or(0),
    };
    Ok((picture, files))
}

/// A picture ready for a template: URLs and sizes, plus the alt text.
#[derive(Debug, Clone, Serialize)]
pub struct PictureValue {
    /// The fallback at a phone-friendly width, for browsers without `srcset`.
    pub src: String,
    /// `srcset` of the WebP files.
    pub webp_srcset: String,
    /// `srcset` of the fallback files.
    pub srcset: String,
    /// `image/jpeg` or `image/png`.
    pub fallback_type: &'static str,
    /// Width of the largest file.
    pub width: u32,
    /// Height of the largest file.
    pub height: u32,
    /// The Open Graph JPEG's URL.
    pub og: String,
    /// The text alternative.
    pub alt: String,
    /// The Markdown image's title (`![alt](a.jpg "title")`), kept on the `<img>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl PictureValue {
    /// The value of `picture` with `alt`.
    pub fn new(p: &Picture, config: &Config, alt: &str) -> PictureValue {
        let url = |out: &str| config.permalink(&format!("/{out}"));
        let list = |f: &dyn Fn(&Variant) -> &str| {
            p.variants
                .iter()
                .map(|v| format!("{} {}w", url(f(v)), v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let largest = p.variants.last().expect("a picture has at least one variant");
        PictureValue {
            src: url(&p.variant_for(PHONE_PIXELS).fallback),
            webp_srcset: list(&|v| &v.webp),
            srcset: list(&|v| &v.fallback),
            fallback_type: if p.png { "image/png" } else { "image/jpeg" },
            width: largest.width,
            height: largest.height,
            og: url(&p.og),
            alt: alt.to_owned(),
            title: None,
        }
    }

    /// The `<picture>` element. `eager` for an image at the top of the page (loaded at
    /// once, with high priority); others are loaded lazily as they scroll into view.
    pub fn html(&self, sizes: &str, eager: bool, class: Option<&str>) -> String {
        let loading = if eager {
            r#" fetchpriority="high" decoding="async""#
        } else {
            r#" loading="lazy" decoding="async""#
        };
        let class = class.map(|c| format!(r#" class="{}""#, escape(c))).unwrap_or_default();
        let title =
            self.title.as_ref().map(|t| format!(r#" title="{}""#, escape(t))).unwrap_or_default();
        format!(
            r#"<picture{class}><source type="image/webp" srcset="{}" sizes="{}"><img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{title}{loading}></picture>"#,
            escape(&self.webp_srcset),
            escape(sizes),
            escape(&self.src),
            escape(&self.srcset),
            escape(sizes),
            self.width,
            self.height,
            escape(&self.alt),
        )
    }

    /// Reads the value back from a template argument.
    pub fn from_value(v: &tera::Value) -> Option<PictureValue> {
        let s = |k: &str| v.get_from_path(k).and_then(|x| x.as_str()).map(str::to_owned);
        let n = |k: &str| v.get_from_path(k).and_then(|x| x.as_u64()).map(|x| x as u32);
        Some(PictureValue {
            src: s("src")?,
            webp_srcset: s("webp_srcset")?,
            srcset: s("srcset")?,
            fallback_type: if s("fallback_type")? == "image/png" {
                "image/png"
            } else {
                "image/jpeg"
            },
            width: n("width")?,
            height: n("height")?,
            og: s("og")?,
            alt: s("alt").unwrap_or_default(),
            title: s("title"),
        })
    }
}

/// Registers `picture(image=…, alt=…, sizes=…, eager=…, class=…)` for templates: the
/// `<picture>` of a picture value (`page.photo`, `page.cover`, an item of
/// `page.pictures`); `alt` replaces the value's text alternative.
pub fn register_functions(tera: &mut tera::Tera, default_sizes: String) {
    tera.register_function(
        "picture",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let image = kwargs.must_get::<tera::Value>("image")?;
            let Some(mut p) = PictureValue::from_value(&image) else {
                return Err(tera::Error::message(
                    "`picture(image=…)` takes a picture value such as `page.photo` or an item of `page.pictures`",
                ));
            };
            let sizes = kwargs.get::<&str>("sizes")?.unwrap_or(&default_sizes).to_owned();
            let eager = kwargs.get::<bool>("eager")?.unwrap_or(false);
            let class = kwargs.get::<&str>("class")?;
            if let Some(alt) = kwargs.get::<&str>("alt")? {
                alt.clone_into(&mut p.alt);
            }
            Ok(tera::Value::safe_string(&p.html(&sizes, eager, class)))
        },
    );
}

/// What a Markdown image or a front-matter field does with an image path.
#[derive(Debug)]
pub enum Use<'a> {
    /// Not a content image fenjin processes (a URL, an SVG, a static file).
    Other,
    /// A processed image.
    Ready(&'a Picture),
    /// An image of `content/` that does not exist: the path relative to `content/`.
    Missing(String),
    /// An image that cannot be used.
    Bad(String, &'a Problem),
}

/// Looks up the image at content path `rel` (already resolved against the page).
pub fn lookup<'a>(images: &'a Images, assets: &[Asset], rel: &str) -> Use<'a> {
    match images.get(rel) {
        Some(Ok(p)) => Use::Ready(p),
        Some(Err(problem)) => Use::Bad(rel.to_owned(), problem),
        None => {
            let e = extension(rel);
            let known = RESIZED.contains(&e.as_str()) || REFUSED.contains(&e.as_str());
            if known && !assets.iter().any(|a| a.rel == rel) {
                Use::Missing(rel.to_owned())
            } else {
                Use::Other
            }
        }
    }
}

/// The diagnostic for an image that cannot be used, at a place in a source file.
pub fn problem_diagnostic(u: &Use<'_>, assets: &[Asset]) -> Option<Diagnostic> {
    match u {
        Use::Missing(rel) => {
            let names = assets.iter().map(|a| a.rel.as_str()).filter(|r| is_image_path(r));
            let hint = match crate::diagnostics::closest(rel, names) {
                Some(best) => format!("did you mean `content/{best}`?"),
                None => "put the photo beside the page (or in its bundle folder) and write its file name".into(),
            };
            Some(
                Diagnostic::error(
                    codes::E0701,
                    format!("the image `content/{rel}` does not exist"),
                )
                .hint(hint),
            )
        }
        Use::Bad(rel, problem) => Some(
            Diagnostic::error(
                codes::E0702,
                format!("cannot use the image `content/{rel}`: {}", problem.message),
            )
            .hint(problem.hint.clone()),
        ),
        _ => None,
    }
}

/// Output paths of every file made from images, with the source they come from.
pub fn outputs_by_source(images: &Images) -> BTreeSet<(&str, &str)> {
    let mut out = BTreeSet::new();
    for (rel, r) in images.iter() {
        if let Ok(p) = r {
            for v in &p.variants {
                out.insert((v.webp.as_str(), rel));
                out.insert((v.fallback.as_str(), rel));
            }
            out.insert((p.og.as_str(), rel));
        }
    }
    out
}

/// `fenjin check`'s warnings about the images of `content/`: sources larger than
/// `images.max_source_bytes` (W0701) and images no page shows or links to (W0702).
/// `referenced` holds the output paths the rendered site refers to.
pub fn editor_warnings(
    site: &Site,
    images: &Images,
    referenced: &HashSet<String>,
) -> Vec<Diagnostic> {
    let limit = site.config.images.max_source_bytes;
    let mut used: HashSet<&str> = HashSet::new();
    for (out, rel) in outputs_by_source(images) {
        if referenced.contains(out) {
            used.insert(rel);
        }
    }
    let mut out = Vec::new();
    for a in site.assets.iter().filter(|a| is_image_path(&a.rel)) {
        let file = format!("content/{}", a.rel);
        let size = a.abs.metadata().map(|m| m.len()).unwrap_or(0);
        if size > limit {
            out.push(
                Diagnostic::warning(
                    codes::W0701,
                    format!(
                        "the image is {:.1} MB, more than `images.max_source_bytes` ({:.1} MB)",
                        size as f64 / 1e6,
                        limit as f64 / 1e6
                    ),
                )
                .file(&file)
                .hint("scale it to at most 4000 pixels across before adding it: readers get small copies anyway, but the repository and every build carry the original"),
            );
        }
        if !used.contains(a.rel.as_str()) && !referenced.contains(&a.out) {
            out.push(
                Diagnostic::warning(codes::W0702, "no page shows or links to this image")
                    .file(&file)
                    .hint("show it with `![描述](file)` or a front-matter field (`photo:`, `pictures:`, `image:`), or delete it"),
            );
        }
    }
    out
}

/// The source (relative to `content/`) an output file of an image was made from.
pub fn source_of<'a>(images: &'a Images, out: &str) -> Option<&'a str> {
    outputs_by_source(images).into_iter().find(|(o, _)| *o == out).map(|(_, rel)| rel)
}
