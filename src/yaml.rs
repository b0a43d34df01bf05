//! YAML for fenjin: a tree of positioned nodes read by saphyr-parser (YAML 1.2), serde
//! over that tree, and errors turned into diagnostics an editor can act on.
//!
//! Positions come from the parser's spans: every node knows its line and column, and
//! every error names the node it is about. Front matter starts a few lines into the
//! file, so positions are shifted by `line_offset` (Zola #1133 reported lines counted
//! from the front-matter block). Typical editor slips — a full-width colon, a tab, `yes`
//! for a boolean, `true` where text is meant, a list where text is expected, a typo in a
//! field name — get a specific hint.

mod de;
mod node;

use std::path::Path;

pub use de::{Error, ErrorKind, Found, Mapping, Value, from_node};
pub use node::{Key, Node, NodeValue, Pos, Scalar, ScalarKind, SyntaxError, parse};

use crate::diagnostics::{Diagnostic, closest, codes};

/// Reads a `T` from YAML text.
pub fn from_str<T: serde::de::DeserializeOwned>(yaml: &str) -> Result<T, Error> {
    from_node(&parse(yaml)?)
}

/// Builds a diagnostic for an error in `yaml` (the YAML text alone), which starts on
/// line `line_offset + 1` of `file_text` (the whole file).
pub(crate) fn diagnose(
    err: &Error,
    yaml: &str,
    file_text: &str,
    line_offset: usize,
    file: &Path,
) -> Diagnostic {
    let Pos { line, col } = err
        .pos
        .or(match &err.kind {
            ErrorKind::Syntax(s) => Some(syntax_pos(s)),
            _ => None,
        })
        .unwrap_or(Pos { line: 1, col: 1 });
    let at = |l: usize, c: usize, code: codes::Code, msg: String| {
        Diagnostic::error(code, msg).file(file).at(file_text, l + line_offset, c)
    };

    // Slips that make the YAML itself unreadable come first: their own position is
    // better than the one the parser stumbled at.
    if let Some((l, c, key)) = full_width_colon(yaml).filter(|(l, _, _)| *l <= line) {
        return at(l, c, codes::E0103, format!("`{key}` is followed by a full-width colon `：`"))
            .hint(format!("YAML needs an ASCII colon and a space after a field name: `{key}: …`"));
    }

    let path = err.path.as_str();
    let what = if path.is_empty() { String::new() } else { format!("`{path}` ") };
    // The field a value belongs to, for hints: `participation[0].events` → `events`.
    let field = path.rsplit(['.', '[']).next().unwrap_or("").trim_end_matches(']');
    match &err.kind {
        ErrorKind::Syntax(s) => syntax(s, yaml, line_offset, at),
        ErrorKind::UnknownField { field, expected } => {
            let diag = at(line, col, codes::E0104, format!("unknown field `{field}`"));
            match closest(field, expected.iter().copied()) {
                Some(best) => diag.hint(format!("did you mean `{best}`?")),
                None => diag.hint(format!("known fields: {}", expected.join(", "))),
            }
        }
        ErrorKind::MissingField(name) => {
            let (msg, hint) = if path.is_empty() {
                (
                    format!("the required field `{name}` is missing"),
                    format!("add a line `{name}: …`"),
                )
            } else {
                (
                    format!("{what}needs a `{name}`"),
                    format!("add `{name}: …` under `{}`", path.replace('.', ": ")),
                )
            };
            at(line, col, codes::E0107, msg).hint(hint)
        }
        ErrorKind::UnknownVariant { value, expected } => {
            let diag = at(
                line,
                col,
                codes::E0105,
                format!("{what}cannot be `{value}`: it is one of {}", expected.join(", ")),
            );
            match closest(value, expected.iter().copied()) {
                Some(best) => diag.hint(format!("did you mean `{best}`?")),
                None => diag.hint(format!("write one of: {}", expected.join(", "))),
            }
        }
        ErrorKind::InvalidType { found, expected }
        | ErrorKind::InvalidValue { found, expected } => {
            let (msg, hint) = wrong_type(&what, field, found, expected);
            at(line, col, codes::E0105, msg).hint(hint)
        }
        ErrorKind::Custom(message) => {
            at(line, col, codes::E0105, format!("{what}is not valid: {message}"))
                .hint("quote text that YAML reads as something else")
        }
    }
}

/// The message and hint for a value of the wrong type.
pub(crate) fn wrong_type(
    what: &str,
    field: &str,
    found: &Found,
    expected: &str,
) -> (String, String) {
    let text_wanted = expected.contains("string");
    match found {
        _ if expected.contains("boolean") => (
            format!("{what}must be `true` or `false`, not {found}"),
            "write `true` or `false` (not yes, no, 是 or 否)".to_owned(),
        ),
        Found::List if text_wanted => (
            format!("{what}must be one piece of text, not a list"),
            "remove the `-` or `[ ]` and write the text on one line".to_owned(),
        ),
        Found::Map if text_wanted => (
            format!("{what}must be text, but YAML read a `key: value` inside it"),
            "put the text in quotes".to_owned(),
        ),
        Found::Bool(_) | Found::Number(_) if text_wanted => {
            let key = if field.is_empty() { "title" } else { field };
            let shown = found.to_string();
            let shown = shown.trim_matches('`');
            (
                format!("{what}must be text, not `{shown}`"),
                format!("put it in quotes if it is meant as text: `{key}: \"{shown}\"`"),
            )
        }
        Found::Nothing if text_wanted => (
            format!("{what}is empty"),
            "write the text after the colon, or delete the line".to_owned(),
        ),
        _ if expected.contains("sequence") => (
            format!("{what}must be a list, not {found}"),
            "write `[a, b]`, or one `- item` per line".to_owned(),
        ),
        _ if expected.starts_with('i')
            || expected.starts_with('u')
            || expected.contains("integer") =>
        {
            (
                format!("{what}must be a whole number, not {found}"),
                "write digits, such as 10".to_owned(),
            )
        }
        _ if expected.starts_with('f') => (
            format!("{what}must be a number, not {found}"),
            "write digits, such as 10 or 2.5".to_owned(),
        ),
        _ if expected.contains("map") || expected.starts_with("struct") => (
            format!("{what}must be `key: value` lines, not {found}"),
            "indent the fields under it, one `key: value` per line".to_owned(),
        ),
        _ => (
            format!("{what}has the wrong type: expected {expected}, not {found}"),
            "quote text that YAML reads as something else".to_owned(),
        ),
    }
}

fn syntax_pos(s: &SyntaxError) -> Pos {
    match s {
        SyntaxError::Scan { pos, .. }
        | SyntaxError::DuplicateKey { pos, .. }
        | SyntaxError::ComplexKey { pos }
        | SyntaxError::Alias { pos, .. }
        | SyntaxError::SecondDocument { pos } => *pos,
    }
}

fn syntax(
    s: &SyntaxError,
    yaml: &str,
    line_offset: usize,
    at: impl Fn(usize, usize, codes::Code, String) -> Diagnostic,
) -> Diagnostic {
    match s {
        SyntaxError::DuplicateKey { key, pos, first } => {
            at(pos.line, pos.col, codes::E0103, format!("`{key}` is given twice")).hint(format!(
                "keep one `{key}:` line (the other is line {}) and delete the other",
                first.line + line_offset
            ))
        }
        SyntaxError::ComplexKey { pos } => at(
            pos.line,
            pos.col,
            codes::E0103,
            "a field name must be text, not a list or map".to_owned(),
        )
        .hint("write `name: value`; quote a name that starts with `[` or `{`"),
        SyntaxError::Alias { pos, too_large: false } => at(
            pos.line,
            pos.col,
            codes::E0103,
            "this `*` alias names no `&` anchor".to_owned(),
        )
        .hint("define the anchor (`&name`) before the alias, or quote text that starts with `*`"),
        SyntaxError::Alias { pos, too_large: true } => at(
            pos.line,
            pos.col,
            codes::E0103,
            "the `*` aliases here expand into too many values".to_owned(),
        )
        .hint("write the values out instead of nesting aliases"),
        SyntaxError::SecondDocument { pos } => at(
            pos.line,
            pos.col,
            codes::E0103,
            "a second YAML document starts here".to_owned(),
        )
        .hint("the front matter is one block of `key: value` lines; remove the `---` or `...`"),
        SyntaxError::Scan { info, pos, flow } => {
            let tab = yaml.lines().take(pos.line).enumerate().find_map(|(i, s)| {
                let indent = &s[..s.len() - s.trim_start().len()];
                indent.find('\t').map(|p| (i + 1, indent[..p].chars().count() + 1))
            });
            if let Some((l, c)) = tab.filter(|_| {
                info.contains("tab") || info.contains("indent") || info.contains("cannot start")
            }) {
                return at(l, c, codes::E0103, "a tab is used for indentation".to_owned())
                    .hint("YAML indents with spaces only; replace the tab with two spaces");
            }
            if let Some((bracket, open)) = flow {
                let (name, close) = if *bracket == '[' { ("list", "]") } else { ("map", "}") };
                return at(
                    open.line,
                    open.col,
                    codes::E0103,
                    format!("the {name} opened here is never closed with `{close}`"),
                )
                .hint(format!(
                    "add the `{close}`, or quote text that contains `,` `[` `]` `{{` `}}`"
                ));
            }
            if info.contains("mapping values are not allowed") {
                return at(
                    pos.line,
                    pos.col,
                    codes::E0103,
                    "a `: ` inside a value makes YAML read it as another field".to_owned(),
                )
                .hint("put the whole value in quotes, such as `description: \"时间: 七月\"`");
            }
            at(pos.line, pos.col, codes::E0103, format!("the YAML is not valid: {info}")).hint(
                "check the indentation and that every `key: value` has a space after the colon",
            )
        }
    }
}

/// A line such as `title：哈尔滨` — returns (line, column of `：`, key), 1-based.
fn full_width_colon(yaml: &str) -> Option<(usize, usize, String)> {
    for (i, line) in yaml.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        let Some(pos) = body.find('：') else {
            continue;
        };
        let key = body[..pos].trim_end();
        let is_key = !key.is_empty()
            && !key.contains(':')
            && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if is_key {
            let col = line.len() - body.len() + body[..pos].chars().count() + 1;
            return Some((i + 1, col, key.to_owned()));
        }
    }
    None
}

/// The 1-based line and column where the value of a top-level `key:` starts, or the key
/// itself when the value is on the following lines.
pub(crate) fn locate_key(yaml: &str, key: &str) -> Option<(usize, usize)> {
    for (i, line) in yaml.lines().enumerate() {
        if let Some(rest) = line.strip_prefix(key) {
            let rest_trim = rest.trim_start();
            if let Some(value) = rest_trim.strip_prefix(':') {
                let lead = line.len() - value.trim_start().len();
                let col =
                    if value.trim().is_empty() { 1 } else { line[..lead].chars().count() + 1 };
                return Some((i + 1, col));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct F {
        title: String,
        draft: Option<bool>,
        tags: Option<Vec<String>>,
    }

    fn diag(yaml: &str) -> Diagnostic {
        let text = format!("---\n{yaml}---\nbody\n");
        let err = from_str::<F>(yaml).unwrap_err();
        diagnose(&err, yaml, &text, 1, Path::new("a.md"))
    }

    #[test]
    fn unknown_field_suggests_closest() {
        let d = diag("title: a\ntagz: [x]\n");
        assert_eq!(d.message, "unknown field `tagz`");
        assert_eq!((d.line, d.column), (Some(3), Some(1)));
        assert_eq!(d.hint.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn full_width_colon_points_at_the_colon() {
        let d = diag("title: a\ndate：2022-07-19\n");
        assert_eq!(d.message, "`date` is followed by a full-width colon `：`");
        assert_eq!((d.line, d.column), (Some(3), Some(5)));
    }

    #[test]
    fn tab_indentation() {
        let d = diag("title: a\ntags:\n\t- x\n");
        assert_eq!(d.message, "a tab is used for indentation");
        assert_eq!(d.line, Some(4));
    }

    #[test]
    fn yes_for_a_boolean() {
        let d = diag("title: a\ndraft: yes\n");
        assert_eq!(d.code, "E0105");
        assert_eq!(d.message, "`draft` must be `true` or `false`, not \"yes\"");
        assert!(d.hint.unwrap().contains("write `true` or `false`"));
        assert_eq!((d.line, d.column), (Some(3), Some(8)));
        let d = diag("title: a\ndraft: NO\n");
        assert_eq!(d.message, "`draft` must be `true` or `false`, not \"NO\"");
    }

    #[test]
    fn boolean_where_text_is_meant() {
        let d = diag("title: true\n");
        assert_eq!(d.code, "E0105");
        assert_eq!(d.message, "`title` must be text, not `true`");
        assert_eq!((d.line, d.column), (Some(2), Some(8)));
        assert_eq!(
            d.hint.as_deref(),
            Some("put it in quotes if it is meant as text: `title: \"true\"`")
        );
    }

    #[test]
    fn list_where_text_is_expected() {
        let d = diag("title: [a, b]\n");
        assert_eq!(d.message, "`title` must be one piece of text, not a list");
        assert_eq!((d.line, d.column), (Some(2), Some(8)));
    }

    #[test]
    fn duplicate_key_points_at_the_second() {
        let d = diag("title: a\ndraft: false\ntitle: b\n");
        assert_eq!(d.message, "`title` is given twice");
        assert_eq!((d.line, d.column), (Some(4), Some(1)));
    }

    #[test]
    fn unclosed_list_points_where_it_opened() {
        let d = diag("title: a\ntags: [a, b\ndraft: false\n");
        assert_eq!(d.message, "the list opened here is never closed with `]`");
        assert_eq!((d.line, d.column), (Some(3), Some(7)));
    }

    #[test]
    fn colon_inside_a_value() {
        let d = diag("title: 时间: 七月\n");
        assert!(d.message.contains("inside a value"), "{}", d.message);
        assert!(d.hint.unwrap().contains("quotes"));
    }

    #[test]
    fn full_width_colon_in_a_list_item_is_text() {
        let d = diag("title: a\ntags:\n  - 劳模：张三\ndraft: yes\n");
        assert_eq!(d.message, "`draft` must be `true` or `false`, not \"yes\"");
        assert_eq!(d.line, Some(5));
    }

    #[test]
    fn missing_nested_field_names_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct L {
            title: String,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct C {
            languages: std::collections::BTreeMap<String, L>,
        }
        let yaml = "languages:\n  zh: {title: 中}\n  en: {hreflang: en}\n";
        let err = from_str::<C>(yaml).unwrap_err();
        let d = diagnose(&err, yaml, yaml, 0, Path::new("site.yaml"));
        assert_eq!(d.message, "`languages.en` needs a `title`");
        assert_eq!((d.line, d.column), (Some(3), Some(7)));
    }

    #[test]
    fn unknown_variant_suggests() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            sort_by: crate::content::front_matter::SortBy,
        }
        let yaml = "sort_by: dat\n";
        let err = from_str::<S>(yaml).unwrap_err();
        let d = diagnose(&err, yaml, yaml, 0, Path::new("a.md"));
        assert_eq!(d.message, "`sort_by` cannot be `dat`: it is one of date, weight, title, none");
        assert_eq!(d.hint.as_deref(), Some("did you mean `date`?"));
        assert_eq!((d.line, d.column), (Some(1), Some(10)));
    }
}
