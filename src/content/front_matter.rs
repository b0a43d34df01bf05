//! Splitting a content file into YAML front matter and Markdown body, and reading the
//! front matter into [`FrontMatter`].
//!
//! The split copes with a UTF-8 byte-order mark, CRLF line ends (normalised to LF before
//! anything else, so byte offsets and line numbers agree everywhere after), a body that
//! contains `---` (only the first closing line counts) and an empty body.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use std::sync::Arc;

use crate::content::kinds::{KindData, KindDecl, Kinds};
use crate::diagnostics::codes::Code;
use crate::diagnostics::{Diagnostic, closest, codes};
use crate::yaml;

/// A file split into its parts. Line numbers are 1-based lines of the normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the delimiters.
    pub yaml: &'a str,
    /// The line the YAML starts on, minus one (add it to a line inside `yaml`).
    pub yaml_line_offset: usize,
    /// The Markdown after the closing delimiter.
    pub body: &'a str,
    /// The line the body starts on, minus one.
    pub body_line_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    Missing,
    /// No closing `---`; the front matter began on this line.
    Unclosed(usize),
}

/// Normalises a file's text: drops a BOM and turns CRLF (and lone CR) into LF.
pub fn normalize(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    }
}

/// Splits normalised text (see [`normalize`]) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    // Blank lines before the opening delimiter are forgiven.
    let mut offset = 0;
    let mut line_no = 0;
    let mut opening = None;
    for line in text.split_inclusive('\n') {
        line_no += 1;
        let t = line.trim_end();
        if t.is_empty() {
            offset += line.len();
            continue;
        }
        if t == "---" {
            opening = Some((offset + line.len(), line_no));
        }
        break;
    }
    let (yaml_start, open_line) = opening.ok_or(SplitError::Missing)?;
    let mut pos = yaml_start;
    for (current, line) in (open_line + 1..).zip(text[yaml_start..].split_inclusive('\n')) {
        if line.trim_end() == "---" {
            let yaml = &text[yaml_start..pos];
            let body = &text[pos + line.len()..];
            return Ok(Split {
                yaml,
                yaml_line_offset: open_line,
                body,
                body_line_offset: current,
            });
        }
        pos += line.len();
    }
    Err(SplitError::Unclosed(open_line))
}

/// One value or a list of them; editors write `tags: 劳模` as often as `tags: [劳模]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single text.
    One(String),
    /// A list of texts.
    Many(Vec<String>),
}

impl OneOrMany {
    /// As a list.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// How a section sorts its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    /// Lowest weight first.
    Weight,
    /// By title.
    Title,
    /// By file path.
    None,
}

/// The front matter of a page or section, as written. Every field is optional here so
/// that a translation can inherit what it leaves out; required fields are checked later.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FrontMatter {
    /// Title (required).
    pub title: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Last update.
    pub updated: Option<String>,
    /// Hidden after this date.
    pub expires: Option<String>,
    /// One-sentence description for lists and share previews.
    pub description: Option<String>,
    /// Not published unless `--drafts`.
    pub draft: Option<bool>,
    /// Order in weight-sorted sections.
    pub weight: Option<i64>,
    /// Old URLs that redirect here.
    pub aliases: Option<OneOrMany>,
    /// Cover image.
    pub image: Option<String>,
    /// Placeholder content.
    pub sample: Option<bool>,
    /// Replaces the last URL segment.
    pub slug: Option<String>,
    /// Replaces the whole URL path (below the language prefix).
    pub path: Option<String>,
    /// Template to render with.
    pub template: Option<String>,
    /// Free-form values for templates.
    pub extra: Option<crate::yaml::Mapping>,
    /// Section only: the content kind of its pages.
    pub kind: Option<String>,
    /// Section only: sort order.
    pub sort_by: Option<SortBy>,
    /// Section only: pages per listing page (0 = all on one).
    pub paginate_by: Option<usize>,
    /// Section only: template for its pages.
    pub page_template: Option<String>,
    /// Taxonomy fields (`tags: […]`), keyed by taxonomy name.
    #[serde(skip)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The fields of the page's content kind.
    #[serde(skip)]
    pub data: KindData,
}

const FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "expires",
    "description",
    "draft",
    "weight",
    "aliases",
    "image",
    "sample",
    "slug",
    "path",
    "template",
    "extra",
    "kind",
    "sort_by",
    "paginate_by",
    "page_template",
];

/// Section-only fields, refused in pages.
const SECTION_FIELDS: &[&str] = &["kind", "sort_by", "paginate_by", "page_template"];

impl FrontMatter {
    /// Parses the YAML of a split file. `taxonomies` are the taxonomy names from
    /// site.yaml; `file_text` is the whole (normalised) file for snippets.
    pub fn parse(
        split: &Split<'_>,
        file_text: &str,
        file: &Path,
        taxonomies: &[&str],
        is_section: bool,
        kind: Option<&Arc<KindDecl>>,
        kinds: &Kinds,
    ) -> Result<FrontMatter, Vec<Diagnostic>> {
        let yaml = split.yaml;
        let off = split.yaml_line_offset;
        crate::limits::check_yaml(yaml, file_text, off, file).map_err(|d| vec![d])?;
        let diagnose = |e: yaml::Error| vec![yaml::diagnose(&e, yaml, file_text, off, file)];
        let root = yaml::parse(yaml).map_err(|e| diagnose(e.into()))?;
        if !root.is_null() && !matches!(root.value, yaml::NodeValue::Map(_)) {
            let yaml::Pos { line, col } = root.pos;
            return Err(vec![
                Diagnostic::error(codes::E0103, "the front matter must be `key: value` lines")
                    .file(file)
                    .at(file_text, line + off, col)
                    .hint("write one field per line, such as `title: 关于我们`"),
            ]);
        }
        let mut fm: FrontMatter = yaml::from_node(&root).map_err(diagnose)?;
        let at = At { root: &root, file_text, file, off };
        let mut errors = Vec::new();
        at.other_fields(&mut fm, taxonomies, kind, &mut errors);
        at.misplaced_fields(&fm, is_section, &mut errors);
        if let Some(name) = &fm.kind
            && !kinds.is_known(name)
        {
            let all = kinds.all_names();
            let hint = match closest(name, all.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "declare the kind in kinds/<name>.yaml, or use one of the kinds".to_owned(),
            };
            errors.push(
                at.error(
                    codes::E0105,
                    format!("`kind: {name}` is not a content kind"),
                    at.value("kind"),
                )
                .note(format!(
                    "the kinds are: {} (kinds/<name>.yaml in the site or its theme)",
                    all.join(", ")
                ))
                .hint(hint),
            );
        }
        if errors.is_empty()
            && let Some(decl) = kind
        {
            match decl.read(&root, file_text, off, file) {
                Ok(values) => fm.data = KindData { decl: Some(decl.clone()), values },
                Err(d) => errors.extend(d),
            }
        }
        if errors.is_empty() { Ok(fm) } else { Err(errors) }
    }

    /// Fills what this translation leaves out from the default-language version: the
    /// fields that need no translation.
    pub fn inherit_from(&mut self, original: &FrontMatter) {
        fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        fill(&mut self.date, &original.date);
        fill(&mut self.updated, &original.updated);
        fill(&mut self.expires, &original.expires);
        fill(&mut self.weight, &original.weight);
        fill(&mut self.image, &original.image);
        fill(&mut self.sample, &original.sample);
        fill(&mut self.sort_by, &original.sort_by);
        fill(&mut self.paginate_by, &original.paginate_by);
        fill(&mut self.kind, &original.kind);
        fill(&mut self.template, &original.template);
        fill(&mut self.page_template, &original.page_template);
        self.data.inherit_from(&original.data);
        for (k, v) in &original.taxonomies {
            self.taxonomies.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if let Some(theirs) = &original.extra {
            let mine = self.extra.get_or_insert_with(crate::yaml::Mapping::new);
            for (k, v) in theirs {
                if !mine.contains_key(k) {
                    mine.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

/// A file's front matter, for messages that point into it.
struct At<'a> {
    root: &'a yaml::Node,
    file_text: &'a str,
    file: &'a Path,
    /// The line of the file before the YAML's first.
    off: usize,
}

impl At<'_> {
    /// Where the value of `key` is (the front matter's first line when absent).
    fn value(&self, key: &str) -> (usize, usize) {
        self.root.value_pos(key).map_or((self.off + 1, 1), |p| (p.line + self.off, p.col))
    }

    /// Where `key` is (the front matter's first line when absent).
    fn key(&self, key: &str) -> (usize, usize) {
        self.root.key_pos(key).map_or((self.off + 1, 1), |p| (p.line + self.off, p.col))
    }

    fn error(&self, code: Code, msg: impl Into<String>, (l, c): (usize, usize)) -> Diagnostic {
        Diagnostic::error(code, msg).file(self.file).at(self.file_text, l, c)
    }

    /// The keys that are not fields of every page nor of the kind: taxonomy terms (put in
    /// `fm.taxonomies`), or unknown fields (an error with the likely field).
    fn other_fields(
        &self,
        fm: &mut FrontMatter,
        taxonomies: &[&str],
        kind: Option<&Arc<KindDecl>>,
        errors: &mut Vec<Diagnostic>,
    ) {
        for (key, value) in self.root.entries() {
            let key = key.text.as_str();
            if FIELDS.contains(&key) || kind.is_some_and(|k| k.field(key).is_some()) {
                continue;
            }
            if taxonomies.contains(&key) {
                match yaml::from_node::<Option<OneOrMany>>(value) {
                    Ok(v) => {
                        let terms: Vec<String> = v
                            .map(OneOrMany::into_vec)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|t| t.trim().to_owned())
                            .filter(|t| !t.is_empty())
                            .collect();
                        fm.taxonomies.insert(key.to_owned(), terms);
                    }
                    Err(_) => errors.push(
                        self.error(
                            codes::E0105,
                            format!("wrong type: `{key}` must be a list of terms"),
                            self.value(key),
                        )
                        .hint(format!("write `{key}: [劳模, 工匠]` or one `- term` per line")),
                    ),
                }
                continue;
            }
            let kind_fields: Vec<&str> =
                kind.map(|k| k.field_names().collect()).unwrap_or_default();
            let known = FIELDS.iter().chain(taxonomies).chain(&kind_fields).copied();
            let hint = match (super::switchers::renamed(key), closest(key, known), kind) {
                (Some(theirs), _, _) => theirs,
                (None, Some(best), _) => format!("did you mean `{best}`?"),
                (None, None, None) => "put custom values under `extra:`".to_owned(),
                (None, None, Some(k)) => format!(
                    "a `{}` page takes: {}; put other values under `extra:`",
                    k.name,
                    kind_fields.join(", ")
                ),
            };
            errors.push(
                self.error(codes::E0104, format!("unknown field `{key}`"), self.key(key))
                    .hint(hint),
            );
        }
    }

    /// Section fields in a page, and `slug` in a section, are errors.
    fn misplaced_fields(&self, fm: &FrontMatter, is_section: bool, errors: &mut Vec<Diagnostic>) {
        if !is_section {
            for field in SECTION_FIELDS {
                let given = match *field {
                    "kind" => fm.kind.is_some(),
                    "sort_by" => fm.sort_by.is_some(),
                    "paginate_by" => fm.paginate_by.is_some(),
                    _ => fm.page_template.is_some(),
                };
                if given {
                    errors.push(
                        self.error(
                            codes::E0104,
                            format!("`{field}` belongs in a section's `_index.md`, not in a page"),
                            self.key(field),
                        )
                        .hint(format!("move `{field}` to the `_index.md` of this folder")),
                    );
                }
            }
        }
        if is_section && fm.slug.is_some() {
            errors.push(
                self.error(
                    codes::E0104,
                    "`slug` does not apply to a section's `_index.md`",
                    self.key("slug"),
                )
                .hint("rename the folder, or move the section with `path:`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> (String, String) {
        let s = split(text).unwrap();
        (s.yaml.to_owned(), s.body.to_owned())
    }

    #[test]
    fn splits_simple() {
        assert_eq!(ok("---\ntitle: a\n---\nbody\n"), ("title: a\n".into(), "body\n".into()));
    }

    #[test]
    fn body_with_horizontal_rule() {
        let (y, b) = ok("---\ntitle: a\n---\none\n\n---\n\ntwo\n");
        assert_eq!(y, "title: a\n");
        assert_eq!(b, "one\n\n---\n\ntwo\n");
    }

    #[test]
    fn empty_body_with_and_without_final_newline() {
        assert_eq!(ok("---\ntitle: a\n---\n"), ("title: a\n".into(), "".into()));
        assert_eq!(ok("---\ntitle: a\n---"), ("title: a\n".into(), "".into()));
    }

    #[test]
    fn bom_and_crlf() {
        let text = normalize("\u{feff}---\r\ntitle: a\r\n---\r\nbody\r\n");
        assert_eq!(ok(&text), ("title: a\n".into(), "body\n".into()));
    }

    #[test]
    fn line_offsets() {
        let s = split("\n---\ntitle: a\ndate: x\n---\nbody\n").unwrap();
        assert_eq!(s.yaml_line_offset, 2); // yaml line 1 is file line 3
        assert_eq!(s.body_line_offset, 5); // body line 1 is file line 6
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split("title: a\n"), Err(SplitError::Missing));
        assert_eq!(split("\n\n---\ntitle: a\nbody\n"), Err(SplitError::Unclosed(3)));
    }

    #[test]
    fn trailing_spaces_on_delimiters() {
        assert_eq!(ok("---  \ntitle: a\n--- \nb"), ("title: a\n".into(), "b".into()));
    }

    fn parse(yaml: &str, section: bool) -> Result<FrontMatter, Vec<Diagnostic>> {
        let text = format!("---\n{yaml}---\n");
        let s = split(&text).unwrap();
        FrontMatter::parse(
            &s,
            &text,
            Path::new("a.md"),
            &["tags"],
            section,
            None,
            &Kinds::default(),
        )
    }

    #[test]
    fn taxonomy_fields_and_single_term() {
        let fm = parse("title: a\ntags: 劳模\n", false).unwrap();
        assert_eq!(fm.taxonomies["tags"], vec!["劳模".to_owned()]);
        let fm = parse("title: a\ntags: [劳模, 工匠]\n", false).unwrap();
        assert_eq!(fm.taxonomies["tags"].len(), 2);
    }

    #[test]
    fn unknown_field_is_located_and_suggested() {
        let e = parse("title: a\ndescripton: x\n", false).unwrap_err();
        assert_eq!(e[0].message, "unknown field `descripton`");
        assert_eq!(e[0].line, Some(3));
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `description`?"));
        let e = parse("title: a\ntag: [x]\n", false).unwrap_err();
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn section_fields_refused_in_pages() {
        let e = parse("title: a\nsort_by: date\n", false).unwrap_err();
        assert!(e[0].message.contains("belongs in a section"));
        assert!(parse("title: a\nsort_by: weight\n", true).is_ok());
    }

    #[test]
    fn inheritance_fills_only_missing_fields() {
        let mut en = parse("title: E\ndate: 2022-08-01\n", false).unwrap();
        let zh = parse("title: 中\ndate: 2022-07-19\nweight: 3\ntags: [劳模]\n", false).unwrap();
        en.inherit_from(&zh);
        assert_eq!(en.title.as_deref(), Some("E"));
        assert_eq!(en.date.as_deref(), Some("2022-08-01"));
        assert_eq!(en.weight, Some(3));
        assert_eq!(en.taxonomies["tags"], vec!["劳模".to_owned()]);
    }
}
