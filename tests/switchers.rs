//! docs/coming-from-zola-or-hugo.md names fenjin's commands, flags, front-matter fields
//! and template functions and fields: each must exist. Also the habits themselves: TOML
//! front matter, Zola's and Hugo's field names, `fenjin init` without a folder, short
//! flags and shell completions.

mod common;

use common::{SiteTest, fenjin, stderr};

const DOC: &str = include_str!("../docs/coming-from-zola-or-hugo.md");

/// The commands of `fenjin --help`, as the binary prints them.
fn commands() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let o = fenjin(&["--help"], dir.path());
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    let list = &help[help.find("Commands:").expect("a Commands section")..];
    list.lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // a wrapped description
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// The flags of `fenjin COMMAND --help`: (short, long) for each option line.
fn flags(command: &str) -> Vec<(Option<char>, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let o = fenjin(&[command, "--help"], dir.path());
    assert!(o.status.success(), "{command} --help: {}", stderr(&o));
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut out = Vec::new();
    for line in help.lines().map(str::trim_start).filter(|l| l.starts_with('-')) {
        let spec = line.split("  ").next().unwrap_or(line);
        let mut short = None;
        let mut long = None;
        for part in spec.split([',', ' ']).filter(|p| p.starts_with('-')) {
            match part.strip_prefix("--") {
                Some(l) => long = Some(l.to_owned()),
                None => short = part[1..].chars().next(),
            }
        }
        out.push((short, long));
    }
    out
}

/// The backticked names in the `fenjin` column of the tables under `## {section}`.
fn fenjin_names(section: &str) -> Vec<String> {
    let start = DOC.find(&format!("## {section}\n")).expect("section exists");
    let body = &DOC[start + 4..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut names = Vec::new();
    for row in body.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| ---")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        if cells.len() < 3 || cells[1] == "fenjin" {
            continue;
        }
        for (i, part) in cells[1].split('`').enumerate() {
            if i % 2 == 1 {
                names.push(part.to_owned());
            }
        }
    }
    assert!(!names.is_empty(), "no names under {section}");
    names
}

#[test]
fn every_command_and_flag_named_exists() {
    let commands = commands();
    assert!(commands.len() >= 7, "{commands:?}");
    let all: Vec<_> = commands.iter().flat_map(|c| flags(c)).collect();
    let mut checked = 0;
    for name in fenjin_names("Commands") {
        if let Some(sub) = name.strip_prefix("fenjin ") {
            let sub = sub.split_whitespace().next().unwrap();
            assert!(commands.iter().any(|c| c == sub), "`{name}` is not a command");
        } else if let Some(long) = name.strip_prefix("--") {
            assert!(
                all.iter().any(|(_, l)| l.as_deref() == Some(long)),
                "`{name}` is no flag of any command"
            );
        } else if let Some(short) = name.strip_prefix('-') {
            let short = short.chars().next().unwrap();
            assert!(
                all.iter().any(|(s, _)| *s == Some(short)),
                "`{name}` is no short flag of any command"
            );
        } else {
            panic!("`{name}` in Commands is neither a command nor a flag");
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn every_front_matter_field_named_is_known() {
    let mut names = fenjin_names("Front matter");
    names.extend(
        fenjin_names("Concepts")
            .into_iter()
            .filter(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
    );
    names.sort();
    names.dedup();
    let t = SiteTest::new("kitchen-sink");
    for name in &names {
        t.write("content/news/field.md", &format!("---\ntitle: 字段\n{name}: x\n---\n正文\n"));
        let root = t.root();
        let o = fenjin(
            &["check", "--root", root.to_str().unwrap(), "--now", "2026-11-24", "--format", "json"],
            t.dir.path(),
        );
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            !out.contains(&format!("unknown field `{name}`")),
            "`{name}` is named as a fenjin field but is unknown:\n{out}"
        );
    }
    assert!(names.len() >= 12, "{names:?}");
}

#[test]
fn every_template_function_and_page_field_named_exists() {
    let mut checked = 0;
    let mut page_fields = Vec::new();
    for name in fenjin_names("Templates") {
        if let Some(field) = name.strip_prefix("page.") {
            page_fields.push(field.to_owned());
        } else {
            // A function or filter fenjin registers.
            let registered = ["src/render/mod.rs", "src/images/mod.rs", "src/figures.rs"]
                .iter()
                .map(|f| {
                    std::fs::read_to_string(
                        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f),
                    )
                    .unwrap()
                })
                .any(|src| {
                    src.contains(&format!("register_function(\"{name}\""))
                        || src.contains(&format!("register_filter(\"{name}\""))
                        || src.contains(&format!("register_filter(\n        \"{name}\""))
                        || src.contains(&format!("register_function(\n        \"{name}\""))
                });
            assert!(registered, "`{name}` is not a template function or filter of fenjin");
        }
        checked += 1;
    }
    // Each `page.…` field named is in the context: a template prints a mark for each.
    let t = SiteTest::new("kitchen-sink");
    let body: String = page_fields
        .iter()
        .map(|f| format!("{{% if page.{f} is defined %}}[has {f}]{{% endif %}}"))
        .collect();
    t.write("templates/page.html", &body);
    t.build_ok(&[]);
    let html = t.read("about/index.html");
    for f in &page_fields {
        assert!(html.contains(&format!("[has {f}]")), "`page.{f}` is not in the context: {html}");
    }
    assert!(checked >= 8, "{checked}");
}

#[test]
fn toml_front_matter_gets_the_yaml_to_write() {
    let t = SiteTest::new("kitchen-sink");
    t.write(
        "content/news/zola.md",
        "+++\ntitle = \"从 Zola 搬来\"\ndate = 2022-07-19\nlastmod = 2022-07-20\n[taxonomies]\ntags = [\"劳模\"]\n+++\n正文\n",
    );
    let o = t.build(&[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E0101]: this front matter is TOML between `+++` lines; fenjin reads YAML between `---` lines"), "{err}");
    assert!(
        err.contains("---\ntitle: \"从 Zola 搬来\"\ndate: 2022-07-19\nupdated: 2022-07-20\ntags: [\"劳模\"]\n---"),
        "{err}"
    );
    assert!(!err.contains("has no front matter"), "{err}");
}

#[test]
fn zola_and_hugo_field_names_get_fenjins_name() {
    let t = SiteTest::new("kitchen-sink");
    t.write("content/news/hugo.md", "---\ntitle: 从 Hugo 搬来\nlastmod: 2022-07-20\n---\n正文\n");
    let err = stderr(&t.build(&[]));
    assert!(err.contains("unknown field `lastmod`"), "{err}");
    assert!(err.contains("fenjin calls this `updated`"), "{err}");
    t.write(
        "content/news/hugo.md",
        "---\ntitle: 从 Hugo 搬来\nexpiryDate: 2022-07-20\n---\n正文\n",
    );
    let err = stderr(&t.build(&[]));
    assert!(err.contains("fenjin calls this `expires`"), "{err}");
}

/// Runs fenjin in `dir` (the current folder).
fn fenjin_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .output()
        .expect("run fenjin")
}

#[test]
fn init_without_a_folder_uses_the_current_one_if_empty() {
    let dir = tempfile::tempdir().unwrap();
    let o = fenjin_in(dir.path(), &["init"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("created a new site in the current folder"), "{}", stderr(&o));
    assert!(dir.path().join("site.yaml").is_file());
    let o = fenjin_in(dir.path(), &["build", "-o", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Not again: the folder is no longer empty.
    let o = fenjin_in(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the current folder is not empty"), "{}", stderr(&o));
}

#[test]
fn short_flags_work() {
    let t = SiteTest::new("kitchen-sink");
    let root = t.root();
    let out = t.out();
    let o = fenjin(
        &[
            "build",
            "-r",
            root.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-u",
            "https://preview.example.org",
            "-D",
            "-F",
            "--now",
            "2026-11-24",
        ],
        t.dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("https://preview.example.org/"), "-u was not applied");
    let serve = flags("serve");
    for (short, long) in [('p', "port"), ('i', "bind"), ('r', "root"), ('D', "drafts")] {
        assert!(serve.contains(&(Some(short), Some(long.to_owned()))), "serve -{short}: {serve:?}");
    }
}

#[test]
fn completions_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef fenjin"),
        ("fish", "complete -c fenjin"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = fenjin(&["completions", shell], dir.path());
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = String::from_utf8_lossy(&o.stdout);
        assert!(script.contains(mark), "{shell}: {script}");
        assert!(script.contains("base-url"), "{shell} completes flags");
    }
    let o = fenjin(&["completions", "tcsh"], dir.path());
    assert_eq!(o.status.code(), Some(2));
}
