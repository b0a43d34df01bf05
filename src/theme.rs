//! The theme: templates, interface strings and static files, from `themes/<name>/` on
//! disk or, for `default` when the site has no such folder, from the copy embedded in
//! the binary. A site's own `templates/`, `i18n/` and `static/` override the theme's
//! file by file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::diagnostics::{Diagnostic, Diagnostics, codes};

/// The default theme, embedded so that `fenjin init` and sites without a theme folder
/// work with only the binary.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a theme file's bytes come from.
#[derive(Debug, Clone)]
pub enum FileSource {
    /// A file on disk.
    Disk(PathBuf),
    /// Bytes embedded in the binary.
    Embedded(&'static [u8]),
}

/// A text file of the theme or site with the name to show in messages.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// Name: a template name (`page.html`) or a language code.
    pub name: String,
    /// Path shown in messages (`themes/default/templates/page.html`).
    pub display: PathBuf,
    /// Contents.
    pub text: String,
    /// Whether it comes from the site's own folder rather than the theme.
    pub site_override: bool,
}

/// Templates, strings and static files, overrides applied.
#[derive(Debug, Default)]
pub struct Theme {
    /// Templates by name.
    pub templates: BTreeMap<String, TextFile>,
    /// Interface-string files by language code; the site's file (if any) comes second.
    pub i18n: BTreeMap<String, Vec<TextFile>>,
    /// Static files by path under `static/`.
    pub statics: BTreeMap<String, (FileSource, PathBuf)>,
    /// The output path of each static file written under a content hash
    /// (`css/site.css` → `css/site.5d41402a.css`); see [`fingerprinted`].
    pub fingerprints: BTreeMap<String, String>,
}

/// Whether the static file `rel` is written under a content hash: CSS and JavaScript
/// from the theme or the site, and the theme's images (and the site's files that
/// replace them). Pages reach them only through `url(path=…)`, so their names can change
/// with their content and servers can cache them for a year. `favicon.ico` keeps its
/// name: browsers ask for `/favicon.ico` by themselves.
pub fn fingerprinted(rel: &str, from_theme: bool) -> bool {
    let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        _ if rel == "favicon.ico" => false,
        "css" | "js" | "mjs" => true,
        "svg" | "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "ico" | "woff" | "woff2" => {
            from_theme
        }
        _ => false,
    }
}

/// `css/site.css` with the hash `5d41402a` → `css/site.5d41402a.css`.
pub fn hashed_name(rel: &str, hash: &str) -> String {
    let (dir, file) = match rel.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), rel),
    };
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{dir}{stem}.{hash}.{ext}"),
        _ => format!("{dir}{file}.{hash}"),
    }
}

impl Theme {
    /// Loads the theme `name` for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let mut ds = Diagnostics::new();
        // Links leading out of the site, found while reading the folders.
        let mut links = Diagnostics::new();
        let mut theme = Theme::default();
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            let display = PathBuf::from("themes").join(name);
            theme.read_folders(root, &dir, &display, &mut links, &mut ds);
        } else if name == "default" {
            let display = PathBuf::from("(embedded default theme)");
            for (rel, bytes) in embedded_files(&DEFAULT_THEME) {
                let src = FileSource::Embedded(bytes);
                if let Some(r) = rel.strip_prefix("templates/") {
                    theme.add_template(r, display.join(&rel), src, &mut ds);
                } else if let Some(r) = rel.strip_prefix("i18n/") {
                    theme.add_i18n(r, display.join(&rel), src, &mut ds);
                } else if let Some(r) = rel.strip_prefix("static/") {
                    theme.statics.insert(r.to_owned(), (src, display.join(&rel)));
                }
            }
        } else {
            ds.push(
                Diagnostic::error(codes::E0005, format!("the theme `{name}` does not exist"))
                    .file("site.yaml")
                    .hint(format!("create themes/{name}/, or use `theme: default`")),
            );
            return Err(ds);
        }
        let theme_statics: std::collections::BTreeSet<String> =
            theme.statics.keys().cloned().collect();
        // The site's own overrides.
        theme.read_folders(root, root, Path::new(""), &mut links, &mut ds);
        ds.extend(links);
        for (rel, (src, display)) in &theme.statics {
            if !fingerprinted(rel, theme_statics.contains(rel)) {
                continue;
            }
            if let Some(bytes) = read_bytes(src, display, &mut ds) {
                let hash = blake3::hash(&bytes).to_hex();
                theme.fingerprints.insert(rel.clone(), hashed_name(rel, &hash[..8]));
            }
        }
        if ds.has_errors() { Err(ds) } else { Ok(theme) }
    }

    /// Adds the templates, interface strings and static files of the folders `templates/`,
    /// `i18n/` and `static/` of `dir` (shown in messages as below `display`).
    fn read_folders(
        &mut self,
        root: &Path,
        dir: &Path,
        display: &Path,
        links: &mut Diagnostics,
        ds: &mut Diagnostics,
    ) {
        read_dir_into(
            root,
            links,
            &dir.join("templates"),
            &display.join("templates"),
            &mut |rel, disp, src| {
                self.add_template(rel, disp, src, ds);
            },
        );
        read_dir_into(
            root,
            links,
            &dir.join("i18n"),
            &display.join("i18n"),
            &mut |rel, disp, src| {
                self.add_i18n(rel, disp, src, ds);
            },
        );
        read_dir_into(
            root,
            links,
            &dir.join("static"),
            &display.join("static"),
            &mut |rel, disp, src| {
                self.statics.insert(rel.to_owned(), (src, disp));
            },
        );
    }

    fn add_template(&mut self, rel: &str, display: PathBuf, src: FileSource, ds: &mut Diagnostics) {
        if let Some(text) = read_text(&src, &display, ds) {
            let site_override =
                !display.starts_with("themes") && !display.starts_with("(embedded default theme)");
            self.templates.insert(
                rel.to_owned(),
                TextFile { name: rel.to_owned(), display, text, site_override },
            );
        }
    }

    fn add_i18n(&mut self, rel: &str, display: PathBuf, src: FileSource, ds: &mut Diagnostics) {
        let Some(lang) = rel.strip_suffix(".yaml").or_else(|| rel.strip_suffix(".yml")) else {
            return;
        };
        if let Some(text) = read_text(&src, &display, ds) {
            self.i18n.entry(lang.to_owned()).or_default().push(TextFile {
                name: lang.to_owned(),
                display,
                text,
                site_override: false,
            });
        }
    }
}

fn read_bytes(src: &FileSource, display: &Path, ds: &mut Diagnostics) -> Option<Vec<u8>> {
    match src {
        FileSource::Disk(p) => match std::fs::read(p) {
            Ok(b) => Some(b),
            Err(e) => {
                ds.push(
                    Diagnostic::error(codes::E0109, format!("cannot read the file: {e}"))
                        .file(display),
                );
                None
            }
        },
        FileSource::Embedded(b) => Some(b.to_vec()),
    }
}

pub(crate) fn read_text(src: &FileSource, display: &Path, ds: &mut Diagnostics) -> Option<String> {
    let bytes = read_bytes(src, display, ds)?;
    match String::from_utf8(bytes) {
        Ok(s) => {
            Some(s.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(s).replace("\r\n", "\n"))
        }
        Err(_) => {
            ds.push(
                Diagnostic::error(codes::E0109, "the file is not valid UTF-8 text").file(display),
            );
            None
        }
    }
}

/// Calls `f(relative path, display path, source)` for every file under `dir`, if it
/// exists, in path order; links that leave the site `root` are reported, not followed.
pub(crate) fn read_dir_into(
    root: &Path,
    ds: &mut Diagnostics,
    dir: &Path,
    display: &Path,
    f: &mut dyn FnMut(&str, PathBuf, FileSource),
) {
    if !dir.is_dir() && !dir.is_symlink() {
        return;
    }
    let (found, problems) =
        crate::walk::walk(dir, root, &|name: &str| name.starts_with('.') || name.ends_with('~'));
    ds.extend(problems);
    for entry in found {
        let Ok(rel) = entry.path.strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        f(&rel, display.join(&rel), FileSource::Disk(entry.path.clone()));
    }
}

/// Every file of an embedded folder, with its path, in path order.
pub fn embedded_files(dir: &'static Dir<'static>) -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        stack.extend(d.dirs());
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_folder_and_extension() {
        assert_eq!(hashed_name("css/site.css", "5d41402a"), "css/site.5d41402a.css");
        assert_eq!(hashed_name("favicon.svg", "0123abcd"), "favicon.0123abcd.svg");
        assert_eq!(hashed_name("js/a.b.mjs", "0123abcd"), "js/a.b.0123abcd.mjs");
        assert_eq!(hashed_name("LICENSE", "0123abcd"), "LICENSE.0123abcd");
    }

    #[test]
    fn which_files_are_fingerprinted() {
        assert!(fingerprinted("css/site.css", true));
        assert!(fingerprinted("js/extra.js", false), "a site's own script");
        assert!(fingerprinted("icons/touch.png", true));
        assert!(!fingerprinted("img/logo.png", false), "a site's image may be linked by name");
        assert!(!fingerprinted("favicon.ico", true), "browsers ask for /favicon.ico");
        assert!(!fingerprinted("robots.txt", true));
        assert!(!fingerprinted("docs/form.pdf", true));
    }

    #[test]
    fn the_embedded_theme_is_fingerprinted_by_content() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.yaml"), "").unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        let css = &theme.fingerprints["css/site.css"];
        let (_, bytes) = embedded_files(&DEFAULT_THEME)
            .into_iter()
            .find(|(p, _)| p == "static/css/site.css")
            .unwrap();
        let hash = blake3::hash(bytes).to_hex();
        assert_eq!(css, &format!("css/site.{}.css", &hash[..8]));
        assert!(!theme.fingerprints.contains_key("favicon.ico"));
        // A site's own file that replaces the theme's gets its own hash.
        std::fs::create_dir_all(dir.path().join("static/css")).unwrap();
        std::fs::write(dir.path().join("static/css/site.css"), "body{}").unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        let hash = blake3::hash(b"body{}").to_hex();
        assert_eq!(theme.fingerprints["css/site.css"], format!("css/site.{}.css", &hash[..8]));
    }
}
