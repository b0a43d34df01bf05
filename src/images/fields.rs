//! Images named by front-matter fields: a lecturer's `photo`, a city's `pictures`, any
//! page's `image` (cover and share preview). Checked after the images are processed,
//! turned into template values.

use std::collections::HashSet;

use super::{PictureValue, Use, lookup, problem_diagnostic};
use crate::content::kinds::KindData;
use crate::diagnostics::Diagnostics;
use crate::model::{Doc, Site, content_path, is_relative};

/// The image paths a document's front matter names, with their alt text.
fn named(doc: &Doc) -> Vec<(&str, Option<&str>)> {
    let mut out = Vec::new();
    if let Some(i) = doc.image.as_deref() {
        out.push((i, None));
    }
    match &doc.data {
        KindData::Lecturer(f) => {
            if let Some(p) = f.photo.as_deref().filter(|p| !p.is_empty()) {
                out.push((p, f.name.as_deref()));
            }
        }
        KindData::City(f) => {
            for p in f.pictures.iter().flatten() {
                out.push((p.file.as_str(), p.alt.as_deref()));
            }
        }
        _ => {}
    }
    out
}

/// Whether the page shows a photo in its header (then its body's first image is not
/// above the fold).
pub fn has_header_picture(doc: &Doc) -> bool {
    matches!(&doc.data, KindData::Lecturer(f) if f.photo.as_deref().is_some_and(|p| !p.is_empty()))
}

fn use_of<'a>(site: &'a Site, doc: &Doc, path: &str) -> Use<'a> {
    if !is_relative(path) {
        return Use::Other;
    }
    let rel = doc.source.map(|s| site.sources[s].rel.as_str()).unwrap_or("");
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    match content_path(dir, path) {
        Some(rel) => lookup(&site.images, &site.assets, &rel),
        None => Use::Other,
    }
}

/// Front-matter images that do not exist or cannot be used, each reported once per
/// file at the line that names it.
pub fn check(site: &Site) -> Diagnostics {
    let mut ds = Diagnostics::new();
    let mut seen = HashSet::new();
    // The default language first: its file is the one that names inherited fields.
    let mut docs: Vec<&Doc> = site.docs.iter().collect();
    docs.sort_by_key(|d| d.lang != site.config.default_language);
    for doc in docs {
        let Some(src) = doc.source.map(|s| &site.sources[s]) else { continue };
        for (path, _) in named(doc) {
            // Translations share the canonical path and inherit the fields: once each.
            if !seen.insert((src.canonical.clone(), path.to_owned())) {
                continue;
            }
            let u = use_of(site, doc, path);
            let Some(d) = problem_diagnostic(&u, &site.assets) else { continue };
            let line = src
                .text
                .lines()
                .enumerate()
                .take(src.body_line_offset.max(1))
                .find_map(|(i, l)| l.find(path).map(|c| (i + 1, l[..c].chars().count() + 1)));
            ds.push(match line {
                Some((l, c)) => d.file(&src.file).at(&src.text, l, c),
                None => d.file(&src.file),
            });
        }
    }
    ds
}

/// A lecturer's portrait, when the photo is a processed image.
pub fn photo(site: &Site, doc: &Doc) -> Option<PictureValue> {
    let KindData::Lecturer(f) = &doc.data else { return None };
    let path = f.photo.as_deref()?;
    match use_of(site, doc, path) {
        Use::Ready(p) => Some(PictureValue::new(p, &site.config, f.name.as_deref().unwrap_or(""))),
        _ => None,
    }
}

/// A city's photos that are processed images, in order.
pub fn pictures(site: &Site, doc: &Doc) -> Vec<PictureValue> {
    let KindData::City(f) = &doc.data else { return Vec::new() };
    f.pictures
        .iter()
        .flatten()
        .filter_map(|p| match use_of(site, doc, &p.file) {
            Use::Ready(pic) => {
                Some(PictureValue::new(pic, &site.config, p.alt.as_deref().unwrap_or("")))
            }
            _ => None,
        })
        .collect()
}

/// The page's cover (`image:`), when it is a processed image; its alt text is empty
/// (templates show it beside the title, or pass `alt=`).
pub fn cover(site: &Site, doc: &Doc) -> Option<PictureValue> {
    match use_of(site, doc, doc.image.as_deref()?) {
        Use::Ready(p) => Some(PictureValue::new(p, &site.config, "")),
        _ => None,
    }
}

/// The share-preview image: the 1200-wide JPEG of the cover, else of the portrait,
/// else of the first city photo.
pub fn og_image(site: &Site, doc: &Doc) -> Option<String> {
    named(doc).into_iter().find_map(|(path, _)| match use_of(site, doc, path) {
        Use::Ready(p) => Some(site.config.permalink(&format!("/{}", p.og))),
        _ => None,
    })
}
