//! Walking the site's folders without leaving the site.
//!
//! A symbolic link in `content/`, `static/`, `templates/`, `i18n/` or a theme folder is
//! followed only when its target resolves inside the site's folder; a link that leads
//! outside (on a CI runner that builds pull requests, `ln -s ~/.ssh content/keys` would
//! otherwise publish the runner's secrets), a link that leads nowhere and a loop of links
//! are errors (E0113) naming the link and its target, and nothing behind them is read.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, codes, relative_to};

/// A file found by [`walk`].
#[derive(Debug, Clone)]
pub struct Found {
    /// Its path under the walked folder (through links, as the site names it).
    pub path: PathBuf,
}

/// The files under `dir` in name order, skipping entries whose name `skip` accepts (not
/// the folder itself). `site` is the site's folder, for the inside check and for the
/// paths in messages.
pub fn walk(dir: &Path, site: &Path, skip: &dyn Fn(&str) -> bool) -> (Vec<Found>, Vec<Diagnostic>) {
    let problems = RefCell::new(Vec::new());
    let mut files = Vec::new();
    let Ok(site_real) = std::fs::canonicalize(site) else {
        return (files, problems.into_inner());
    };
    let link_problem = |link: &Path, what: String, hint: &str| {
        Diagnostic::error(codes::E0113, what).file(relative_to(link, site)).hint(hint)
    };
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && skip(&e.file_name().to_string_lossy()) {
                return false;
            }
            if e.depth() > 0 && !e.path_is_symlink() {
                return true;
            }
            // A link, or the folder itself (which may be a link or lie under one).
            match std::fs::canonicalize(e.path()) {
                Ok(real) if real.starts_with(&site_real) => true,
                Ok(real) => {
                    problems.borrow_mut().push(link_problem(
                        e.path(),
                        format!(
                            "`{}` is a symbolic link to `{}`, outside the site",
                            relative_to(e.path(), site).display(),
                            real.display()
                        ),
                        "copy the file into the site instead of linking to it: fenjin reads nothing outside the site's folder",
                    ));
                    false
                }
                Err(_) => true, // reported by the walker as an error below
            }
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(Found { path: e.into_path() }),
            Ok(_) => {}
            Err(err) => {
                let path = err.path().map(Path::to_path_buf).unwrap_or_else(|| dir.to_path_buf());
                let shown = relative_to(&path, site).display().to_string();
                let d = if let Some(ancestor) = err.loop_ancestor() {
                    link_problem(
                        &path,
                        format!(
                            "`{shown}` is a symbolic link that loops back to `{}`",
                            relative_to(ancestor, site).display()
                        ),
                        "remove the link, or point it at a folder that does not contain it",
                    )
                } else if path.is_symlink() {
                    let target = std::fs::read_link(&path).unwrap_or_default();
                    link_problem(
                        &path,
                        format!(
                            "`{shown}` is a symbolic link to `{}`, which does not exist",
                            target.display()
                        ),
                        "fix or remove the link",
                    )
                } else {
                    Diagnostic::error(codes::E0109, format!("cannot read `{shown}`: {err}"))
                        .file(relative_to(&path, site))
                        .hint("check the file's permissions")
                };
                problems.borrow_mut().push(d);
            }
        }
    }
    (files, problems.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_and_links_outside_refused() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let content = site.join("content");
        std::fs::create_dir_all(content.join("real")).unwrap();
        std::fs::write(content.join("real/a.md"), "a").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
        std::fs::create_dir(tmp.path().join("secrets")).unwrap();
        std::fs::write(tmp.path().join("secrets/key"), "k").unwrap();
        symlink(content.join("real"), content.join("alias")).unwrap();
        symlink(tmp.path().join("secret.txt"), content.join("leak.txt")).unwrap();
        symlink(tmp.path().join("secrets"), content.join("leakdir")).unwrap();
        symlink(content.join("nope"), content.join("dangling.md")).unwrap();
        symlink(&content, content.join("real/loop")).unwrap();
        let (files, ds) = walk(&content, &site, &|n| n.starts_with('.'));
        let names: Vec<String> = files
            .iter()
            .map(|f| f.path.strip_prefix(&content).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["alias/a.md", "real/a.md"]);
        let messages: Vec<String> =
            ds.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert!(messages.iter().all(|m| m.starts_with("E0113")), "{messages:#?}");
        assert!(
            messages.iter().any(|m| m.contains("`content/leak.txt` is a symbolic link to `")
                && m.ends_with("secret.txt`, outside the site")),
            "{messages:#?}"
        );
        assert!(messages.iter().any(|m| m.contains("`content/leakdir`")), "{messages:#?}");
        assert!(
            messages.iter().any(|m| m.contains("dangling.md") && m.contains("does not exist")),
            "{messages:#?}"
        );
        assert!(messages.iter().filter(|m| m.contains("loops back")).count() == 2, "{messages:#?}");
    }
}
