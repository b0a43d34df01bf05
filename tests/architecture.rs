//! docs/architecture.md stays true: every source path it names exists, and every function
//! of its walk table is defined in the file the table gives (`Type::method` inside an
//! `impl` of `Type`).

use std::path::Path;

const DOC: &str = include_str!("../docs/architecture.md");

fn repo(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Every `` `src/…` `` in the text.
fn source_paths(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).filter(|s| s.starts_with("src/")).collect()
}

#[test]
fn every_source_path_the_architecture_names_exists() {
    let paths = source_paths(DOC);
    assert!(paths.len() > 20, "the doc names {} paths", paths.len());
    for p in paths {
        assert!(
            repo(p.trim_end_matches('/')).exists(),
            "docs/architecture.md names {p}, which does not exist"
        );
    }
}

/// Whether `source` defines `fn name` (as a whole word), inside an `impl` block for
/// `Type` when a type is given (`impl Type {`, `impl<'a> Type<'a> {`, `impl Trait for Type {`).
fn defines(source: &str, ty: Option<&str>, name: &str) -> bool {
    let has_fn = |text: &str| {
        text.match_indices(&format!("fn {name}"))
            .any(|(i, m)| matches!(text[i + m.len()..].chars().next(), Some('(' | '<')))
    };
    let Some(ty) = ty else { return has_fn(source) };
    source.split("\nimpl").skip(1).any(|block| {
        let head = block.split('{').next().unwrap_or("");
        let implemented = head.split_whitespace().last().unwrap_or("");
        let implemented = implemented.split('<').next().unwrap_or("");
        let body = &block[..block.find("\n}\n").unwrap_or(block.len())];
        implemented == ty && has_fn(body)
    })
}

#[test]
fn every_function_of_the_walk_is_where_the_walk_says() {
    let walk = &DOC[DOC.find("## The walk").unwrap()..DOC.find("## Where to add").unwrap()];
    let mut rows = 0;
    for line in walk
        .lines()
        .filter(|l| l.starts_with("| ") && l.chars().nth(2).is_some_and(|c| c.is_ascii_digit()))
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let function = cells[2].trim_matches('`');
        let file = cells[3].trim_matches('`');
        let source = std::fs::read_to_string(repo(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (ty, name) = match function.split_once("::") {
            Some((ty, name)) => (Some(ty), name),
            None => (None, function),
        };
        assert!(defines(&source, ty, name), "step `{}`: {file} defines no `{function}`", cells[1]);
        rows += 1;
    }
    assert!(rows >= 20, "the walk has {rows} steps");
}

#[test]
fn the_check_rejects_a_function_that_is_not_there() {
    let source = "impl Config {\n    pub fn load(p: &str) {}\n}\n";
    let source = format!("\n{source}");
    assert!(defines(&source, Some("Config"), "load"));
    assert!(!defines(&source, Some("Config"), "loa"));
    assert!(!defines(&source, Some("Kinds"), "load"));
    assert!(!defines(&source, None, "parse"));
}

/// The command line lives in the binary (`src/main.rs`, `src/cmd/`): no library file
/// names clap.
#[test]
fn the_library_has_no_clap() {
    let mut files = Vec::new();
    let mut dirs = vec![repo("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path != repo("src/cmd") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") && path != repo("src/main.rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 40, "{} library files", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains("clap"), "{} uses clap; flags belong in src/cmd/", f.display());
    }
}
