//! `fenjin new KIND SLUG` and `fenjin init DIR`: files an editor starts from.
//!
//! `new` writes a Chinese file and its English translation with every field of the kind,
//! each with a one-line comment on what it is for (in Chinese in the Chinese file). It
//! never overwrites. `init` writes a working site — site.yaml, a home and an about page
//! in both languages, and the default theme copied out of the binary — into an empty or
//! new folder, so `fenjin build` works offline with only the binary.

use std::path::{Path, PathBuf};

use crate::content::kinds::{FieldDecl, FieldType, KindDecl, Kinds, PAGE};
use crate::theme::{DEFAULT_THEME, embedded_files};

/// Why scaffolding failed (a usage or I/O problem: exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldError(pub String);

/// One common field of every page: name, example value (YAML), comment in zh and en.
struct Field(&'static str, &'static str, &'static str, &'static str);

const COMMON: &[Field] = &[
    Field("title", "TITLE", "标题（必填）", "title (required)"),
    Field(
        "description",
        "\"\"",
        "一句话摘要，用于列表和分享预览",
        "one-sentence summary for lists and share previews",
    ),
    Field(
        "date",
        "DATE",
        "发布日期；不写时区时按网站时区（Asia/Shanghai）",
        "publication date; without an offset, in the site's time zone",
    ),
    Field("draft", "true", "草稿：发布前改为 false", "draft: set to false to publish"),
];

/// A line of the scaffold for one field of the kind.
struct Line {
    name: String,
    value: String,
    zh: String,
    en: String,
    /// A translation inherits it: the English file shows it as a comment.
    inherited: bool,
    /// An empty value would mean something (an empty photo): shown as a comment.
    commented: bool,
}

/// The example value of a field of type `ty`.
fn example(f: &FieldDecl, today: &str) -> String {
    if let Some(d) = &f.default {
        return serde_json::to_string(d).unwrap_or_default();
    }
    match &f.ty {
        FieldType::Date => today.to_owned(),
        FieldType::Datetime => format!("{today} 09:00"),
        FieldType::Bool => "false".to_owned(),
        FieldType::Integer | FieldType::Number => "0".to_owned(),
        FieldType::Enum(values) => values.first().cloned().unwrap_or_default(),
        FieldType::List(_) => "[]".to_owned(),
        FieldType::Object(_) => "{}".to_owned(),
        _ => "\"\"".to_owned(),
    }
}

fn kind_lines(kind: Option<&KindDecl>, today: &str) -> Vec<Line> {
    let Some(kind) = kind else { return Vec::new() };
    kind.fields
        .iter()
        .map(|f| {
            let help = |lang: &str, other: &str| {
                f.help.get(lang).or_else(|| f.help.get(other)).cloned().unwrap_or_default()
            };
            Line {
                name: f.name.clone(),
                value: example(f, today),
                zh: help("zh", "en"),
                en: help("en", "zh"),
                inherited: f.inherit,
                commented: !f.required && f.ty == FieldType::Image,
            }
        })
        .collect()
}

/// The folder a kind's pages go in: a section of the site that declares the kind, else
/// the kind's `section:` (or its name).
fn section_for(root: &Path, kind: Option<&KindDecl>) -> PathBuf {
    let content = root.join("content");
    let Some(kind) = kind else { return content };
    let wanted = format!("kind: {}", kind.name);
    let declares = |path: &Path| {
        let text = std::fs::read_to_string(path)
            .map(|t| crate::content::front_matter::normalize(&t))
            .unwrap_or_default();
        crate::content::front_matter::split(&text)
            .is_ok_and(|s| s.yaml.lines().any(|l| l.trim() == wanted))
    };
    let declared = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "_index.md")
        .find(|e| declares(e.path()))
        .and_then(|e| e.path().parent().map(Path::to_path_buf));
    declared.unwrap_or_else(|| content.join(kind.section.as_deref().unwrap_or(&kind.name)))
}

fn front_matter(kind: Option<&KindDecl>, zh: bool, slug: &str, today: &str) -> String {
    let mut out = String::from("---\n");
    let common = COMMON.iter().map(|Field(name, value, zh_comment, en_comment)| Line {
        name: (*name).to_owned(),
        value: match *value {
            "DATE" => today.to_owned(),
            "TITLE" => format!("\"{slug}\""),
            v => v.to_owned(),
        },
        zh: (*zh_comment).to_owned(),
        en: (*en_comment).to_owned(),
        inherited: *name == "date",
        commented: false,
    });
    for line in common.chain(kind_lines(kind, today)) {
        let Line { name, value, .. } = &line;
        let comment = if zh { &line.zh } else { &line.en };
        // Translations inherit dates and references; the English file lists them as
        // comments so an editor sees what can be set.
        if line.inherited && !zh {
            out.push_str(&format!(
                "# {name}: {value}  # {comment} (inherited from the Chinese file when left out)\n"
            ));
        } else if line.commented {
            out.push_str(&format!("# {name}: {value}  # {comment}\n"));
        } else {
            out.push_str(&format!("{name}: {value}  # {comment}\n"));
        }
    }
    out.push_str("---\n\n");
    out.push_str(if zh {
        "在这里用 Markdown 写正文。\n"
    } else {
        "Write the English text here in Markdown.\n"
    });
    out
}

/// `fenjin new KIND SLUG` in the site at `root` (checked by [`crate::build::site_root`]):
/// returns the two files written.
pub fn new_page(
    root: &Path,
    kind: &str,
    slug: &str,
    today: &str,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    // The command layer has checked `root` (build::site_root).
    let kinds = load_kinds(root)?;
    let decl = match kinds.get(kind) {
        Some(d) => Some(d.as_ref()),
        None if kind == PAGE => None,
        None => {
            return Err(ScaffoldError(format!(
                "`{kind}` is not a content kind; use one of: {}",
                kinds.all_names().join(", ")
            )));
        }
    };
    let valid =
        !slug.is_empty() && slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(ScaffoldError(format!(
            "`{slug}` cannot be a file name: use letters, digits, `-` or `_` (such as `harbin` or `2022-lecture-tour`)"
        )));
    }
    let dir = section_for(root, decl);
    let zh = dir.join(format!("{slug}.md"));
    let en = dir.join(format!("{slug}.en.md"));
    for p in [&zh, &en] {
        if p.exists() {
            return Err(ScaffoldError(format!(
                "{} already exists; fenjin new never overwrites a file",
                p.display()
            )));
        }
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| ScaffoldError(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = Vec::new();
    // A kind's pages need a section that declares the kind.
    if let Some(decl) = decl
        && !dir.join("_index.md").exists()
    {
        let label = |lang: &str| decl.label.get(lang).cloned().unwrap_or_else(|| decl.name.clone());
        for (file, title) in [("_index.md", label("zh")), ("_index.en.md", label("en"))] {
            let path = dir.join(file);
            if !path.exists() {
                let kind_line = if file == "_index.md" {
                    format!("kind: {}\n", decl.name)
                } else {
                    String::new()
                };
                std::fs::write(
                    &path,
                    format!("---\ntitle: {title}\n{kind_line}sort_by: weight\n---\n"),
                )
                .map_err(|e| ScaffoldError(format!("cannot write {}: {e}", path.display())))?;
                written.push(path);
            }
        }
    }
    for (path, is_zh) in [(&zh, true), (&en, false)] {
        std::fs::write(path, front_matter(decl, is_zh, slug, today))
            .map_err(|e| ScaffoldError(format!("cannot write {}: {e}", path.display())))?;
    }
    written.extend([zh, en]);
    Ok(written)
}

/// The kinds of the site at `root` (its theme from site.yaml).
pub fn load_kinds(root: &Path) -> Result<Kinds, ScaffoldError> {
    let config = crate::config::Config::load(&root.join("site.yaml"), Path::new("site.yaml"))
        .map_err(|ds| {
            ScaffoldError(ds.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "))
        })?;
    Kinds::load(root, &config.theme).map_err(|ds| {
        ScaffoldError(
            ds.iter()
                .map(|d| match d.line {
                    Some(l) => format!(
                        "{}:{l}: {}",
                        d.file.as_deref().map(|f| f.display().to_string()).unwrap_or_default(),
                        d.message
                    ),
                    None => d.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

const SITE_YAML: &str = "# The site's configuration: see the fenjin README (\"site.yaml\").
base_url: https://example.org        # the address the site is published at
default_language: zh
timezone: Asia/Shanghai
theme: default                       # themes/default/ (written by fenjin init; edit freely)
translations: omit                   # omit | fallback
languages:
  zh: {hreflang: zh-Hans, title: 我的网站, description: 一个用 fenjin 生成的双语网站}
  en: {hreflang: en, title: My site, description: A bilingual site made with fenjin}
taxonomies: [tags]
paginate_by: 10
";

const SAMPLE: &[(&str, &str)] = &[
    (
        "content/_index.md",
        "---\ntitle: 欢迎\ndescription: 一个用 fenjin 生成的双语网站\n---\n这是首页。在 content/ 中添加 Markdown 文件，然后运行 `fenjin build`。\n",
    ),
    (
        "content/_index.en.md",
        "---\ntitle: Welcome\ndescription: A bilingual site made with fenjin\n---\nThis is the home page. Add Markdown files under content/, then run `fenjin build`.\n",
    ),
    (
        "content/about.md",
        "---\ntitle: 关于\ndate: 2022-07-19\ntags: [示例]\n---\n关于本站的介绍。\n",
    ),
    ("content/about.en.md", "---\ntitle: About\n---\nWhat this site is about.\n"),
];

/// `fenjin init DIR`: returns the number of files written.
pub fn init_site(dir: &Path) -> Result<usize, ScaffoldError> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            let which = if dir == Path::new(".") {
                "the current folder".to_owned()
            } else {
                dir.display().to_string()
            };
            return Err(ScaffoldError(format!(
                "{which} is not empty; fenjin init writes only into a new or empty folder"
            )));
        }
    }
    let mut files: Vec<(PathBuf, &[u8])> = vec![(dir.join("site.yaml"), SITE_YAML.as_bytes())];
    files.extend(SAMPLE.iter().map(|(p, t)| (dir.join(p), t.as_bytes())));
    for (rel, bytes) in embedded_files(&DEFAULT_THEME) {
        files.push((dir.join("themes/default").join(rel), bytes));
    }
    for (path, bytes) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ScaffoldError(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(path, bytes)
            .map_err(|e| ScaffoldError(format!("cannot write {}: {e}", path.display())))?;
    }
    std::fs::write(dir.join(".gitignore"), "public/\n.fenjin-cache/\n")
        .map_err(|e| ScaffoldError(format!("cannot write .gitignore: {e}")))?;
    Ok(files.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scaffold lists exactly the fields the kind declares, with its help texts.
    #[test]
    fn scaffolds_cover_every_field_of_every_kind() {
        let root = tempfile::tempdir().unwrap();
        let kinds = Kinds::load(root.path(), "default").unwrap();
        for kind in kinds.iter() {
            let zh = front_matter(Some(kind), true, "x", "2022-07-19");
            let en = front_matter(Some(kind), false, "x", "2022-07-19");
            for f in &kind.fields {
                assert!(zh.contains(&format!("{}: ", f.name)), "{}: {zh}", kind.name);
                assert!(zh.contains(&f.help["zh"]), "{}: {zh}", kind.name);
                assert!(en.contains(&f.help["en"]), "{}: {en}", kind.name);
                if f.inherit {
                    assert!(en.contains(&format!("# {}: ", f.name)), "{}: {en}", kind.name);
                }
            }
        }
        assert!(!front_matter(None, true, "x", "2022-07-19").contains("kind"));
    }
}
