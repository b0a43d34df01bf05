//! YAML errors turned into diagnostics an editor can act on.
//!
//! serde_yaml reports positions inside the string it was given; front matter starts a
//! few lines into the file, so every position is shifted by `line_offset` (Zola #1133
//! reported lines counted from the front-matter block). Typical editor slips — a
//! full-width colon, a tab, `yes` for a boolean, a list where text is expected, a typo
//! in a field name — get a specific hint.

use std::path::Path;

use crate::diagnostics::{Diagnostic, closest};

/// Builds a diagnostic for a serde_yaml error in `yaml` (the YAML text alone), which
/// starts on line `line_offset + 1` of `file_text` (the whole file).
pub(crate) fn diagnose(
    err: &serde_yaml::Error,
    yaml: &str,
    file_text: &str,
    line_offset: usize,
    file: &Path,
) -> Diagnostic {
    let raw = err.to_string();
    let (line, col) = err.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
    let message = strip_position(&raw);

    // Slips that make the YAML itself unreadable come first: their own position is
    // better than the one the parser stumbled at.
    if let Some((l, c, key)) = full_width_colon(yaml) {
        return Diagnostic::error(
            "E0103",
            format!("`{key}` is followed by a full-width colon `：`"),
        )
        .file(file)
        .at(file_text, l + line_offset, c)
        .hint(format!("YAML needs an ASCII colon and a space after a field name: `{key}: …`"));
    }
    if let Some(l) = yaml
        .lines()
        .position(|s| s.starts_with('\t') || s.trim_start_matches(' ').starts_with('\t'))
    {
        return Diagnostic::error("E0103", "a tab is used for indentation")
            .file(file)
            .at(file_text, l + 1 + line_offset, 1)
            .hint("YAML indents with spaces only; replace the tab with two spaces");
    }

    let d = |code, msg: String| {
        Diagnostic::error(code, msg).file(file).at(file_text, line + line_offset, col)
    };
    if let Some((field, expected)) = unknown_field(&message) {
        let mut diag = d("E0104", format!("unknown field `{field}`"));
        diag = match closest(&field, expected.iter().map(String::as_str)) {
            Some(best) => diag.hint(format!("did you mean `{best}`?")),
            None => diag.hint(format!("known fields: {}", expected.join(", "))),
        };
        return diag;
    }
    if let Some(field) = message.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        return d("E0107", format!("the required field `{field}` is missing"))
            .hint(format!("add a line `{field}: …`"));
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        let field = message.split(": invalid").next().filter(|f| !f.contains(' ')).unwrap_or("");
        let what = if field.is_empty() { String::new() } else { format!("`{field}` ") };
        let hint = if message.contains("expected a string") && message.contains("sequence") {
            format!("{what}takes one piece of text, not a list; remove the `-` or `[ ]`")
        } else if message.contains("expected a string") && message.contains("map") {
            format!("{what}takes one piece of text; if the text contains `: `, put it in quotes")
        } else if message.contains("expected a boolean") {
            format!("{what}is a yes/no field: write `true` or `false` (not yes, no, 是 or 否)")
        } else if message.contains("expected a sequence") {
            format!("{what}takes a list: `[a, b]`, or one `- item` per line")
        } else if message.contains("integer") {
            format!("{what}takes a whole number such as 10")
        } else {
            "check the value's type; quote text that YAML reads as something else".to_owned()
        };
        return d("E0105", format!("wrong type: {message}")).hint(hint);
    }
    d("E0103", format!("the YAML is not valid: {message}"))
        .hint("check the indentation and that every `key: value` has a space after the colon")
}

/// serde_yaml appends " at line L column C" (and ", while scanning …"); the diagnostic
/// shows the position itself.
fn strip_position(msg: &str) -> String {
    let mut out = msg.to_owned();
    if let Some(i) = out.find(" at line ") {
        out.truncate(i);
    }
    out
}

/// `unknown field `x`, expected one of `a`, `b`` → (x, [a, b])
fn unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.split("unknown field `").nth(1)?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    Some((field.to_owned(), expected))
}

/// A line such as `title：哈尔滨` — returns (line, column of `：`, key), 1-based.
fn full_width_colon(yaml: &str) -> Option<(usize, usize, String)> {
    for (i, line) in yaml.lines().enumerate() {
        let body = line.trim_start_matches([' ', '-']);
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

/// Like [`locate_key`] for a path of nested keys (`languages`, `en`, `title`): each key is
/// looked for after the line of the previous one.
pub(crate) fn locate_path(yaml: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut start = 0;
    let mut found = None;
    for key in path {
        let mut hit = None;
        for (i, line) in yaml.lines().enumerate().skip(start) {
            let t = line.trim_start();
            if let Some(after) = t.strip_prefix(key)
                && after.trim_start().starts_with(':')
            {
                let indent = line.len() - t.len();
                hit = Some((i, indent));
                break;
            }
            // Inline maps: `en: {hreflang: en, title: …}`
            if let Some(pos) = line.find(&format!("{key}:")) {
                let before = &line[..pos];
                if before.ends_with(['{', ' ', ',']) && before.contains('{') {
                    hit = Some((i, before.chars().count()));
                    break;
                }
            }
        }
        let (i, indent) = hit?;
        start = i;
        found = Some((i, indent, *key));
    }
    // Point at the value of the last key when it is on the same line.
    let (i, indent, key) = found?;
    let line = yaml.lines().nth(i)?;
    let key_col: usize =
        line.char_indices().take_while(|(b, _)| *b < line.len()).count().min(indent);
    let after_key = line.char_indices().nth(indent).map(|(b, _)| b).unwrap_or(line.len());
    let rest = &line[after_key..];
    let value_col = rest.find(':').and_then(|p| {
        let v = &rest[p + 1..];
        let trimmed = v.trim_start();
        (!trimmed.is_empty() && !trimmed.starts_with('{'))
            .then(|| line[..after_key + p + 1 + (v.len() - trimmed.len())].chars().count() + 1)
    });
    let _ = key;
    Some((i + 1, value_col.unwrap_or(key_col + 1)))
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
        let err = serde_yaml::from_str::<F>(yaml).unwrap_err();
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
        assert!(d.hint.unwrap().contains("write `true` or `false`"));
        assert_eq!(d.line, Some(3));
    }

    #[test]
    fn list_where_text_is_expected() {
        let d = diag("title: [a, b]\n");
        assert!(d.hint.unwrap().contains("not a list"), "{:?}", d.message);
        assert_eq!(d.line, Some(2));
    }

    #[test]
    fn locate_nested_keys() {
        let y =
            "base_url: x\nlanguages:\n  zh: {hreflang: zh-Hans, title: 中}\n  en:\n    title: E\n";
        assert_eq!(locate_key(y, "base_url"), Some((1, 11)));
        assert_eq!(locate_path(y, &["languages", "en", "title"]), Some((5, 12)));
        assert_eq!(locate_path(y, &["languages", "en"]), Some((4, 3)));
        assert_eq!(locate_path(y, &["languages", "zh", "title"]).map(|p| p.0), Some(3));
    }
}
