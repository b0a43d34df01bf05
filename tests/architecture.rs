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

/// The library's top-level modules (`src/<m>.rs` or `src/<m>/`) and, for each, the
/// others its code names (`crate::other`, `use crate::{other, …}`): comments and the
/// `#[cfg(test)]` module at a file's end are not counted.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>
{
    let mut graph: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> =
        Default::default();
    let mut dirs = vec![repo("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(repo("src")).unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if rel != "cmd" {
                    dirs.push(path);
                }
                continue;
            }
            if !rel.ends_with(".rs") || rel == "main.rs" || rel == "lib.rs" {
                continue;
            }
            let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let code = &text[..text.find("#[cfg(test)]").unwrap_or(text.len())];
            let edges = graph.entry(module.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                let mut named: Vec<&str> = Vec::new();
                for (i, _) in line.match_indices("crate::") {
                    let rest = &line[i + "crate::".len()..];
                    if let Some(group) = rest.strip_prefix('{') {
                        named.extend(group.split([',', '}']).map(|s| s.trim()));
                    } else {
                        named.push(rest);
                    }
                }
                for n in named {
                    let target: String = n
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    if !target.is_empty() && target != module && target != "self" {
                        edges.entry(target).or_insert_with(|| format!("{rel}: {}", line.trim()));
                    }
                }
            }
        }
    }
    graph
}

/// A circle in `graph`, as the modules on it with the line that makes each step.
fn find_cycle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
        state: &mut std::collections::BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_owned(), 1);
        path.push(m.to_owned());
        for (next, why) in graph.get(m).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = path.iter().position(|p| p == next).unwrap();
                    let mut cycle = path[start..].to_vec();
                    cycle.push(format!("{next}  (because {why})"));
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, graph, state, path) {
                        return Some(c);
                    }
                }
            }
        }
        path.pop();
        state.insert(m.to_owned(), 2);
        None
    }
    let mut state = std::collections::BTreeMap::new();
    for m in graph.keys() {
        if !state.contains_key(m.as_str())
            && let Some(c) = visit(m, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// The library's modules depend on each other one way only (config → content → model →
/// images, statistics → figures, search → render → build → check, serve), so each can
/// be read knowing only the ones below it.
#[test]
fn the_library_has_no_import_circles() {
    let graph = module_graph();
    assert!(graph.len() > 20, "{} modules", graph.len());
    assert!(graph["build"].contains_key("render"), "the graph sees `use crate::render`");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("the modules import each other in a circle: {}", cycle.join(" → "));
    }
}

#[test]
fn a_circle_is_found() {
    let mut graph = std::collections::BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        graph
            .entry(from.to_owned())
            .or_insert_with(std::collections::BTreeMap::new)
            .insert(to.to_owned(), String::new());
    }
    let cycle = find_cycle(&graph).expect("a → b → c → a");
    assert_eq!(cycle.len(), 4, "{cycle:?}");
    graph.get_mut("c").unwrap().remove("a");
    assert_eq!(find_cycle(&graph), None);
}

/// The modules table of docs/architecture.md lists them from the bottom up: every import
/// goes to a module of an earlier row (or the same one).
#[test]
fn the_modules_table_is_in_the_order_of_imports() {
    let table = &DOC[DOC.find("## The modules").expect("a modules section")..];
    let mut row_of = std::collections::BTreeMap::new();
    for (row, line) in table.lines().filter(|l| l.starts_with("| `src/")).enumerate() {
        let first_cell = line.split(" | ").next().unwrap();
        for path in source_paths(first_cell) {
            let rest = path.trim_start_matches("src/");
            let module = rest.split('/').next().unwrap().trim_end_matches(".rs");
            row_of.entry(module.to_owned()).or_insert(row);
        }
    }
    let graph = module_graph();
    for module in graph.keys() {
        assert!(row_of.contains_key(module), "the modules table has no row for src/{module}");
    }
    for (module, uses) in &graph {
        for (other, why) in uses {
            assert!(
                row_of[other] <= row_of[module],
                "`{module}` uses `{other}`, which the table lists below it ({why})"
            );
        }
    }
}

/// The longest a function may be without a reason written above it.
const LONG: usize = 80;

/// Every function of `source` longer than [`LONG`] lines (from `fn` to its closing brace)
/// without a `// Long: <reason>` line among the comments and attributes right above it,
/// as (line, name, length). Test modules are left out.
fn long_functions_without_a_reason(source: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with("#[cfg(test)]")
            && lines.get(i + 1).is_some_and(|l| l.starts_with("mod "))
        {
            break;
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let name = trimmed
            .split("fn ")
            .nth(1)
            .filter(|_| {
                let before = trimmed.split("fn ").next().unwrap_or("");
                before.split_whitespace().all(|w| {
                    w.starts_with("pub") || matches!(w, "const" | "async" | "unsafe" | "extern")
                })
            })
            .and_then(|rest| rest.split(['(', '<']).next())
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'));
        let Some(name) = name else {
            i += 1;
            continue;
        };
        // The body opens before any `;` (a declaration without one is skipped).
        let opens = lines[i..].iter().position(|l| l.contains('{'));
        let ends_decl = lines[i..].iter().position(|l| l.trim_end().ends_with(';'));
        if opens.is_none() || ends_decl.is_some_and(|d| d < opens.unwrap()) {
            i += 1;
            continue;
        }
        if line.trim_end().ends_with('}') {
            i += 1;
            continue;
        }
        let close = format!("{indent}}}");
        let Some(len) = lines[i..].iter().position(|l| *l == close) else {
            i += 1;
            continue;
        };
        let length = len + 1;
        let reasoned = lines[..i]
            .iter()
            .rev()
            .take_while(|l| {
                let t = l.trim_start();
                t.starts_with("//") || t.starts_with("#[")
            })
            .any(|l| {
                l.trim_start()
                    .strip_prefix("// Long:")
                    .is_some_and(|reason| reason.trim().len() >= 20)
            });
        if length > LONG && !reasoned {
            found.push((i + 1, name.to_owned(), length));
        }
        i += len + 1;
    }
    found
}

/// Point 3 of issue 16: a function over 80 lines says why it is long (a list of arms, a
/// parser of one key per arm) or is split into named steps.
#[test]
fn long_functions_say_why() {
    let mut found = Vec::new();
    let mut files = 0;
    let mut stack = vec![repo("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for (line, name, length) in long_functions_without_a_reason(&text) {
                    let rel = path.strip_prefix(repo("")).unwrap_or(&path);
                    found.push(format!("{}:{line} `{name}` is {length} lines", rel.display()));
                }
            }
        }
    }
    assert!(files > 50, "{files} files");
    found.sort();
    assert!(
        found.is_empty(),
        "functions over {LONG} lines without a `// Long: <reason>` line above them \
         (split them into named steps, or write why they are long):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_long_function_is_found_and_a_reason_clears_it() {
    let body = "    let x = 1;\n".repeat(LONG);
    let short = format!("fn short() {{\n{}}}\n", "    let x = 1;\n".repeat(LONG - 2));
    let long = format!("/// Docs.\n#[inline]\npub(crate) fn long(a: u8) -> u8 {{\n{body}}}\n");
    let source =
        format!("{short}\n{long}\nimpl X {{\n    fn method<T>(&self) {{\n{body}    }}\n}}\n");
    let found = long_functions_without_a_reason(&source);
    let names: Vec<(&str, usize)> = found.iter().map(|(_, n, l)| (n.as_str(), *l)).collect();
    assert_eq!(names, [("long", LONG + 2), ("method", LONG + 2)], "{found:?}");
    let reasoned = source.replace(
        "/// Docs.\n",
        "/// Docs.\n// Long: one arm per key of the format, read side by side.\n",
    );
    let found = long_functions_without_a_reason(&reasoned);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "method");
    let vague = source.replace("/// Docs.\n", "// Long: it is.\n");
    assert_eq!(long_functions_without_a_reason(&vague).len(), 2, "a reason says something");
    let tests = format!("#[cfg(test)]\nmod tests {{\n{long}}}\n");
    assert!(long_functions_without_a_reason(&tests).is_empty(), "tests are left out");
}
