//! Images named by front-matter fields: every `image` field of a page's kind (a
//! lecturer's `photo`, a city's `pictures`, also inside lists of objects) and any page's
//! `image` (cover and share preview). Checked after the images are processed, turned
//! into template values.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::{Images, PictureValue, Use, lookup, problem_diagnostic};
use crate::content::kinds::{FieldType, FieldValue, Leaf};
use crate::diagnostics::Diagnostics;
use crate::model::{Doc, Site, content_path, is_relative};

/// The text alternative of an image field's picture: the `alt` text beside it in its
/// list entry, else the page's name (a lecturer's portrait is described by the name).
fn alt_of<'a>(doc: &'a Doc, leaf: &Leaf<'a>) -> Option<&'a str> {
    match leaf.entry {
        Some(entry) => match entry.get("alt") {
            Some(FieldValue::Text(t)) => Some(t),
            _ => None,
        },
        None => doc.data.display_name(),
    }
}

/// The image values of the kind's `image` fields, with their alt text, in field order.
fn kind_images(doc: &Doc) -> Vec<(&crate::content::kinds::FieldDecl, &str, Option<&str>)> {
    let mut out = Vec::new();
    doc.data.each(&|ty| matches!(ty, FieldType::Image), &mut |leaf| {
        if let FieldValue::Text(p) = leaf.value
            && !p.is_empty()
        {
            out.push((leaf.field, p.as_str(), alt_of(doc, &leaf)));
        }
    });
    out
}

/// The image paths a document's front matter names, with their alt text.
fn named(doc: &Doc) -> Vec<(&str, Option<&str>)> {
    let mut out = Vec::new();
    if let Some(i) = doc.image.as_deref() {
        out.push((i, None));
    }
    out.extend(kind_images(doc).into_iter().map(|(_, p, alt)| (p, alt)));
    out
}

/// Whether the page shows a photo in its header (then its body's first image is not
/// above the fold): an `image` field of its kind that is not in a list.
pub fn has_header_picture(doc: &Doc) -> bool {
    kind_images(doc).iter().any(|(f, _, _)| f.ty == FieldType::Image)
}

fn use_of<'a>(site: &'a Site, images: &'a Images, doc: &Doc, path: &str) -> Use<'a> {
    if !is_relative(path) {
        return Use::Other;
    }
    let rel = doc.source.map(|s| site.sources[s].rel.as_str()).unwrap_or("");
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    match content_path(dir, path) {
        Some(rel) => lookup(images, &site.assets, &rel),
        None => Use::Other,
    }
}

/// Front-matter images that do not exist or cannot be used, each reported once per
/// file at the line that names it.
pub fn check(site: &Site, images: &Images) -> Diagnostics {
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
            let u = use_of(site, images, doc, path);
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

/// An `image` field's value for templates: the processed picture (`null` when it is
/// left out or not a processed image), or for a list the pictures that are.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ImagesValue {
    /// A single `image` field.
    One(Option<PictureValue>),
    /// A list of images, or of objects holding one.
    Many(Vec<PictureValue>),
}

/// `page.images`: every field of the page's kind that holds images.
pub fn images<'a>(site: &Site, images: &Images, doc: &'a Doc) -> BTreeMap<&'a str, ImagesValue> {
    fn has_image(ty: &FieldType) -> bool {
        match ty {
            FieldType::Image => true,
            FieldType::List(of) => has_image(of),
            FieldType::Object(fields) => fields.iter().any(|f| has_image(&f.ty)),
            _ => false,
        }
    }
    let Some(decl) = &doc.data.decl else { return BTreeMap::new() };
    let mut out: BTreeMap<&str, ImagesValue> = decl
        .fields
        .iter()
        .filter(|f| has_image(&f.ty))
        .map(|f| {
            let v = if f.ty == FieldType::Image {
                ImagesValue::One(None)
            } else {
                ImagesValue::Many(Vec::new())
            };
            (f.name.as_str(), v)
        })
        .collect();
    for (field, path, alt) in kind_images(doc) {
        let Use::Ready(p) = use_of(site, images, doc, path) else { continue };
        let pic = PictureValue::new(p, &site.config, alt.unwrap_or(""));
        match out.get_mut(field.name.as_str()) {
            Some(ImagesValue::One(v)) => *v = Some(pic),
            Some(ImagesValue::Many(v)) => v.push(pic),
            None => {}
        }
    }
    out
}

/// The page's cover (`image:`), when it is a processed image; its alt text is empty
/// (templates show it beside the title, or pass `alt=`).
pub fn cover(site: &Site, images: &Images, doc: &Doc) -> Option<PictureValue> {
    match use_of(site, images, doc, doc.image.as_deref()?) {
        Use::Ready(p) => Some(PictureValue::new(p, &site.config, "")),
        _ => None,
    }
}

/// The share-preview image: the 1200-wide JPEG of the cover, else of the portrait,
/// else of the first city photo.
pub fn og_image(site: &Site, images: &Images, doc: &Doc) -> Option<String> {
    named(doc).into_iter().find_map(|(path, _)| match use_of(site, images, doc, path) {
        Use::Ready(p) => Some(site.config.permalink(&format!("/{}", p.og))),
        _ => None,
    })
}
