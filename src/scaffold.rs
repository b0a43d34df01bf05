//! `fenjin new KIND SLUG` and `fenjin init DIR`: files an editor starts from.
//!
//! `new` writes a Chinese file and its English translation with every field of the kind,
//! each with a one-line comment on what it is for (in Chinese in the Chinese file). It
//! never overwrites. `init` writes a working site — site.yaml, a home and an about page
//! in both languages, and the default theme copied out of the binary — into an empty or
//! new folder, so `fenjin build` works offline with only the binary.

use std::path::{Path, PathBuf};

use crate::content::kinds::Kind;
use crate::render::theme::{DEFAULT_THEME, embedded_files};

/// Why scaffolding failed (a usage or I/O problem: exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldError(pub String);

/// One field of a kind's template: name, example value (YAML), comment in zh and en.
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

fn kind_fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Page => &[],
        Kind::Notice => &[
            Field(
                "doc_number",
                "\"\"",
                "发文字号，如 黑工办发〔2022〕27号（必填）",
                "document number (required)",
            ),
            Field("issuer", "\"\"", "发文机关（必填）", "issuing body (required)"),
            Field(
                "recipients",
                "\"\"",
                "主送机关（页面上自动加全角冒号）",
                "recipients (the theme adds the colon)",
            ),
            Field(
                "signed_by",
                "\"\"",
                "落款机关；不写则用发文机关",
                "signature line; defaults to the issuer",
            ),
            Field(
                "signed_date",
                "DATE",
                "成文日期；不写则用发布日期",
                "date of issue; defaults to `date`",
            ),
            Field(
                "attachments",
                "[]",
                "附件：每项 {title: 标题, file: 与本文同目录的文件或 @/页面路径}",
                "attachments: {title, file} with a file beside this one or an @/ link",
            ),
            Field(
                "cities",
                "[]",
                "涉及的城市页面文件名，如 [harbin]",
                "city page slugs this notice concerns, e.g. [harbin]",
            ),
        ],
        Kind::Lecturer => &[
            Field("name", "\"\"", "姓名（必填）", "name (required)"),
            Field(
                "photo",
                "\"\"",
                "照片文件（与本文同目录）；不写则自动生成头像",
                "portrait beside this file; without one an avatar is drawn",
            ),
            Field("honors", "[]", "荣誉称号，如 [全国劳动模范, 龙江工匠]", "honours"),
            Field("employer", "\"\"", "工作单位", "workplace"),
            Field("industry", "\"\"", "所在行业", "industry"),
            Field(
                "city",
                "\"\"",
                "所在城市页面的文件名，如 harbin（必填）",
                "slug of the city page, e.g. harbin (required)",
            ),
            Field("topics", "[]", "宣讲主题", "talk topics"),
            Field(
                "talks",
                "[]",
                "宣讲安排：每项 {date: 日期, place: 地点, title: 题目}",
                "talks: {date, place, title}",
            ),
        ],
        Kind::City => &[
            Field("city", "\"\"", "城市名称，如 哈尔滨市（必填）", "display name (required)"),
            Field("feature", "\"\"", "特色活动名称（必填）", "signature activity (required)"),
            Field("highlights", "[]", "要点", "short points"),
            Field("contact", "\"\"", "联系人和联系方式", "contact"),
            Field(
                "participation",
                "[]",
                "每月数据：每项 {month: 2022-08, events: 场次, person_times: 人次, online_views: 浏览量}",
                "monthly figures: {month, events, person_times, online_views}",
            ),
            Field(
                "pictures",
                "[]",
                "照片：每项 {file: 与本文同目录的图片文件, alt: 照片内容的文字描述}",
                "photos: {file: an image beside this file, alt: what it shows}",
            ),
        ],
        Kind::Activity => &[
            Field("starts", "DATE", "开始日期（必填）", "opens (required)"),
            Field("ends", "DATE", "结束日期（必填）", "closes (required)"),
            Field("how_to_join", "\"\"", "参与方式（必填）", "how to take part (required)"),
            Field(
                "formats",
                "[]",
                "作品形式，如 [短视频（3分钟以内）, 照片]",
                "what to submit and in which format",
            ),
            Field("submit_to", "\"\"", "报送方式或地址", "where to send entries"),
            Field(
                "phase",
                "1",
                "活动阶段：site.yaml 中 campaign.phases 的 id（必填）",
                "phase id from site.yaml campaign.phases (required)",
            ),
            Field("cities", "[]", "涉及的城市页面文件名", "city page slugs"),
        ],
    }
}

/// The folder a kind's pages go in: a section of the site that declares the kind, else
/// the conventional one.
fn section_for(root: &Path, kind: Kind) -> PathBuf {
    let content = root.join("content");
    let wanted = format!("kind: {}", kind.name());
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
    declared.unwrap_or_else(|| match kind {
        Kind::Page => content.clone(),
        Kind::Notice => content.join("announcements"),
        Kind::Lecturer => content.join("lecturers"),
        Kind::City => content.join("cities"),
        Kind::Activity => content.join("activities"),
    })
}

fn front_matter(kind: Kind, zh: bool, slug: &str, today: &str) -> String {
    let mut out = String::from("---\n");
    let fields = COMMON.iter().chain(kind_fields(kind));
    for Field(name, value, zh_comment, en_comment) in fields {
        // Translations inherit dates and references; the English file lists them as
        // comments so an editor sees what can be set.
        let inherited = !zh
            && (matches!(*name, "date" | "signed_date" | "starts" | "ends" | "phase" | "cities" | "participation" | "talks")
                // A lecturer's `city` is a reference; a city's `city` is its translated name.
                || (*name == "city" && kind == Kind::Lecturer));
        // Optional fields whose empty value would mean something: shown as comments.
        let commented = *name == "photo";
        let value = match *value {
            "DATE" => today.to_owned(),
            "TITLE" => format!("\"{slug}\""),
            v => v.to_owned(),
        };
        let comment = if zh { zh_comment } else { en_comment };
        if inherited {
            out.push_str(&format!(
                "# {name}: {value}  # {comment} (inherited from the Chinese file when left out)\n"
            ));
        } else if commented {
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

/// `fenjin new KIND SLUG`: returns the two files written.
pub fn new_page(
    root: &Path,
    kind: &str,
    slug: &str,
    today: &str,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let kind = Kind::from_name(kind).ok_or_else(|| {
        ScaffoldError(format!(
            "`{kind}` is not a content kind; use one of: {}",
            crate::content::kinds::KIND_NAMES.join(", ")
        ))
    })?;
    let valid =
        !slug.is_empty() && slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(ScaffoldError(format!(
            "`{slug}` cannot be a file name: use letters, digits, `-` or `_` (such as `harbin` or `2022-lecture-tour`)"
        )));
    }
    if !root.join("site.yaml").is_file() {
        return Err(ScaffoldError(format!(
            "no site.yaml in {}: run fenjin new in a site's folder, or pass --root DIR",
            root.display()
        )));
    }
    let dir = section_for(root, kind);
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
    if kind != Kind::Page && !dir.join("_index.md").exists() {
        let (zh_title, en_title) = match kind {
            Kind::Notice => ("通知公告", "Notices"),
            Kind::Lecturer => ("宣讲团成员", "Lecturers"),
            Kind::City => ("一市（地）一特色", "One City, One Feature"),
            _ => ("线上主题活动", "Online activities"),
        };
        for (file, title) in [("_index.md", zh_title), ("_index.en.md", en_title)] {
            let path = dir.join(file);
            if !path.exists() {
                let kind_line = if file == "_index.md" {
                    format!("kind: {}\n", kind.name())
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
        std::fs::write(path, front_matter(kind, is_zh, slug, today))
            .map_err(|e| ScaffoldError(format!("cannot write {}: {e}", path.display())))?;
    }
    written.extend([zh, en]);
    Ok(written)
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
            return Err(ScaffoldError(format!(
                "{} is not empty; fenjin init writes only into a new or empty folder",
                dir.display()
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

    /// The scaffold lists exactly the fields the kind accepts, so the two cannot drift.
    #[test]
    fn scaffolds_cover_every_field_of_every_kind() {
        for kind in [Kind::Page, Kind::Notice, Kind::Lecturer, Kind::City, Kind::Activity] {
            let written: Vec<&str> = kind_fields(kind).iter().map(|f| f.0).collect();
            assert_eq!(written, kind.fields(), "{}", kind.name());
        }
    }
}
