//! Helpers for integration tests: copy a fixture site into a temporary folder, run the
//! `fenjin` binary on it, read what it wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fixture site copied into a fresh temporary folder.
pub(crate) struct SiteTest {
    pub dir: tempfile::TempDir,
}

impl SiteTest {
    /// Copies `tests/sites/<name>/` into a temporary folder.
    pub(crate) fn new(name: &str) -> SiteTest {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name);
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&src, &dir.path().join("site"));
        SiteTest { dir }
    }

    /// The site's root.
    pub(crate) fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// The default output folder for tests (outside the site).
    pub(crate) fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// Runs `fenjin build --root ROOT --output OUT --now 2026-11-24 <extra>`.
    pub(crate) fn build(&self, extra: &[&str]) -> Output {
        let root = self.root();
        let out = self.out();
        let mut args =
            vec!["build", "--root", root.to_str().unwrap(), "--output", out.to_str().unwrap()];
        if !extra.contains(&"--now") {
            args.extend_from_slice(&["--now", "2026-11-24"]);
        }
        args.extend_from_slice(extra);
        fenjin(&args, self.dir.path())
    }

    /// Builds and asserts success.
    pub(crate) fn build_ok(&self, extra: &[&str]) -> Output {
        let out = self.build(extra);
        assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// Writes a file of the site.
    pub(crate) fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Reads an output file.
    pub(crate) fn read(&self, rel: &str) -> String {
        let p = self.out().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    /// Whether an output file exists.
    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }
}

/// Runs the binary with `HOME` pointed at `<scratch>/home`, so no test can touch the
/// real home folder even if a refusal rule were broken.
pub(crate) fn fenjin(args: &[&str], scratch: &Path) -> Output {
    let home = scratch.join("home");
    std::fs::create_dir_all(&home).unwrap();
    Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .output()
        .expect("run fenjin")
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by relative path.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
