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
    let at = |l: usize, c: usize, code, msg: String| {
        Diagnostic::error(code, msg).file(file).at(file_text, l + line_offset, c)
    };

    // Slips that make the YAML itself unreadable come first: their own position is
    // better than the one the parser stumbled at.
    if let Some((l, c, key)) = full_width_colon(yaml).filter(|(l, _, _)| *l <= line) {
        return at(l, c, "E0103", format!("`{key}` is followed by a full-width colon `：`"))
            .hint(format!("YAML needs an ASCII colon and a space after a field name: `{key}: …`"));
    }
    if message.contains("tab") || message.contains("cannot start any token") {
        let tab = yaml.lines().take(line).enumerate().find_map(|(i, s)| {
            let indent = &s[..s.len() - s.trim_start().len()];
            indent.find('\t').map(|p| (i + 1, indent[..p].chars().count() + 1))
        });
        if let Some((l, c)) = tab {
            return at(l, c, "E0103", "a tab is used for indentation".to_owned())
                .hint("YAML indents with spaces only; replace the tab with two spaces");
        }
    }

    // serde prefixes the path of the value: `languages.en: missing field …`.
    let (path, body) = match message.split_once(": ") {
        Some((p, rest)) if !p.contains(' ') && !p.is_empty() => (p, rest),
        _ => ("", message.as_str()),
    };
    let what = if path.is_empty() { String::new() } else { format!("`{path}` ") };

    if let Some((field, expected)) = unknown_field(body) {
        let (l, c) =
            locate_key_start(yaml, &field).filter(|(l, _)| *l >= line).unwrap_or((line, col));
        let diag = at(l, c, "E0104", format!("unknown field `{field}`"));
        return match closest(&field, expected.iter().map(String::as_str)) {
            Some(best) => diag.hint(format!("did you mean `{best}`?")),
            None => diag.hint(format!("known fields: {}", expected.join(", "))),
        };
    }
    if let Some(field) = backticked(body, "missing field `") {
        let (msg, hint) = if path.is_empty() {
            (format!("the required field `{field}` is missing"), format!("add a line `{field}: …`"))
        } else {
            (
                format!("{what}needs a `{field}`"),
                format!("add `{field}: …` under `{}`", path.replace('.', ": ")),
            )
        };
        return at(line, col, "E0107", msg).hint(hint);
    }
    if let Some(field) = backticked(body, "duplicate field `") {
        let (l, c) = locate_key_starts(yaml, field).get(1).copied().unwrap_or((line, col));
        return at(l, c, "E0103", format!("`{field}` is given twice"))
            .hint(format!("keep one `{field}:` line and delete the other"));
    }
    if let Some(value) = backticked(body, "unknown variant `") {
        let choices: Vec<&str> =
            body.split("expected ").nth(1).unwrap_or("").split('`').skip(1).step_by(2).collect();
        let diag = at(
            line,
            col,
            "E0105",
            format!("{what}cannot be `{value}`: it is one of {}", choices.join(", ")),
        );
        return match closest(value, choices.iter().copied()) {
            Some(best) => diag.hint(format!("did you mean `{best}`?")),
            None => diag.hint(format!("write one of: {}", choices.join(", "))),
        };
    }
    // `title: true`: a yes/no value where text is meant. Flattened front matter loses the
    // field's name and position, so find the line that gives the value.
    if let Some(found) = body
        .strip_prefix("invalid type: boolean `")
        .or_else(|| body.strip_prefix("invalid type: floating point `"))
        .and_then(|r| r.split_once("`, expected a string"))
        .map(|(v, _)| v)
    {
        let spot = yaml.lines().enumerate().find_map(|(i, l)| {
            let (key, value) = l.split_once(':')?;
            let v = value.split(" #").next()?.trim();
            let same = v == found || v.parse::<f64>().is_ok_and(|x| x.to_string() == found);
            (same && !v.is_empty()).then(|| {
                (i + 1, key.trim().trim_start_matches("- ").to_owned(), l.find(v).unwrap_or(0))
            })
        });
        let (l, c, key) = match &spot {
            Some((l, key, byte)) => {
                let line = yaml.lines().nth(l - 1).unwrap_or("");
                (*l, line[..*byte].chars().count() + 1, key.as_str())
            }
            None => (line, col, path),
        };
        let field = if key.is_empty() { String::new() } else { format!("`{key}` ") };
        let shown = spot.as_ref().map_or(found, |(l, _, byte)| {
            yaml.lines().nth(l - 1).unwrap_or("")[*byte..]
                .split(" #")
                .next()
                .unwrap_or(found)
                .trim()
        });
        return at(l, c, "E0105", format!("{field}must be text, not `{shown}`")).hint(format!(
            "put it in quotes if it is meant as text: `{}: \"{shown}\"`",
            if key.is_empty() { "title" } else { key }
        ));
    }
    if body.starts_with("invalid type") || body.starts_with("invalid value") {
        let found =
            body.split(": ").nth(1).and_then(|r| r.split(", expected").next()).unwrap_or("");
        let found = ["string ", "integer ", "floating point ", "boolean "]
            .iter()
            .find_map(|p| found.strip_prefix(p))
            .unwrap_or(found)
            .trim_matches('`');
        let (msg, hint) = if body.contains("expected a boolean") {
            (
                format!("{what}must be `true` or `false`, not {found}"),
                "write `true` or `false` (not yes, no, 是 or 否)".to_owned(),
            )
        } else if body.contains("expected a string") && found.starts_with("sequence") {
            (
                format!("{what}must be one piece of text, not a list"),
                "remove the `-` or `[ ]` and write the text on one line".to_owned(),
            )
        } else if body.contains("expected a string") && found.starts_with("map") {
            (
                format!("{what}must be text, but YAML read a `key: value` inside it"),
                "put the text in quotes".to_owned(),
            )
        } else if body.contains("expected a sequence") {
            (
                format!("{what}must be a list, not {found}"),
                "write `[a, b]`, or one `- item` per line".to_owned(),
            )
        } else if body.contains("expected i")
            || body.contains("expected u")
            || body.contains("integer")
        {
            (
                format!("{what}must be a whole number, not {found}"),
                "write digits, such as 10".to_owned(),
            )
        } else {
            (
                format!("{what}has the wrong type: {body}"),
                "quote text that YAML reads as something else".to_owned(),
            )
        };
        // Inside flattened or nested values serde_yaml may only know the document start:
        // find the offending value after its field's key instead.
        let (l, c) = locate_value(yaml, path, found).filter(|_| line <= 1).unwrap_or((line, col));
        return at(l, c, "E0105", msg).hint(hint);
    }
    if body.contains("mapping values are not allowed") {
        return at(
            line,
            col,
            "E0103",
            "a `: ` inside a value makes YAML read it as another field".to_owned(),
        )
        .hint("put the whole value in quotes, such as `description: \"时间: 七月\"`");
    }
    // libyaml names where the construct that failed began: an unclosed `[` or `{`.
    for (context, bracket, close) in [("flow sequence", "list", "]"), ("flow mapping", "map", "}")]
    {
        if let Some((l, c)) = context_position(&raw, context) {
            return at(
                l,
                c,
                "E0103",
                format!("the {bracket} opened here is never closed with `{close}`"),
            )
            .hint(format!("add the `{close}`, or quote text that contains `,` `[` `]` `{{` `}}`"));
        }
    }
    at(line, col, "E0103", format!("the YAML is not valid: {message}"))
        .hint("check the indentation and that every `key: value` has a space after the colon")
}

/// The first place where `value` is written after the line of the first key of `path`
/// (`participation[0].events` → after `participation:`).
fn locate_value(yaml: &str, path: &str, value: &str) -> Option<(usize, usize)> {
    let value = value.trim_matches('"');
    if value.is_empty() || path.is_empty() {
        return None;
    }
    let first = path.split(['.', '[']).next()?;
    let (start, _) = locate_key_start(yaml, first)?;
    yaml.lines().enumerate().skip(start - 1).find_map(|(i, line)| {
        let pos = line.find(value)?;
        Some((i + 1, line[..pos].chars().count() + 1))
    })
}

fn backticked<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.strip_prefix(prefix).and_then(|r| r.split('`').next())
}

/// `…, while parsing a flow sequence at line 2 column 7` → (2, 7).
fn context_position(raw: &str, context: &str) -> Option<(usize, usize)> {
    let rest = raw.split(&format!("while parsing a {context} at line ")).nth(1)?;
    let (l, rest) = rest.split_once(" column ")?;
    let c: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((l.parse().ok()?, c.parse().ok()?))
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

/// Where each top-level-or-indented `key:` line for `key` starts (1-based line, column).
pub(crate) fn locate_key_starts(yaml: &str, key: &str) -> Vec<(usize, usize)> {
    yaml.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let t = line.trim_start();
            let after = t.strip_prefix(key)?;
            after.trim_start().starts_with(':').then(|| (i + 1, line.len() - t.len() + 1))
        })
        .collect()
}

/// The first line where `key:` starts.
pub(crate) fn locate_key_start(yaml: &str, key: &str) -> Option<(usize, usize)> {
    locate_key_starts(yaml, key).into_iter().next()
}

/// Like [`locate_key`] for a path of nested keys (`languages`, `en`, `title`): each key is
/// looked for after the line of the previous one, in block (`en:` on its own line) or
/// inline (`en: {title: …}`) style.
pub(crate) fn locate_path(yaml: &str, path: &[&str]) -> Option<(usize, usize)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut start = 0;
    let mut found = None; // (line index, byte offset of the key)
    for key in path {
        let pattern = format!("{key}:");
        let hit = lines.iter().enumerate().skip(start).find_map(|(i, line)| {
            let t = line.trim_start();
            if t.strip_prefix(key).is_some_and(|after| after.trim_start().starts_with(':')) {
                return Some((i, line.len() - t.len()));
            }
            let pos = line.find(&pattern)?;
            let before = &line[..pos];
            (before.contains('{') && before.ends_with(['{', ' ', ','])).then_some((i, pos))
        })?;
        start = hit.0;
        found = Some(hit);
    }
    let (i, key_at) = found?;
    let line = lines[i];
    // Point at the value of the last key when it is on the same line, else at the key.
    let after_colon = key_at + line[key_at..].find(':')? + 1;
    let value = line[after_colon..].trim_start();
    let at =
        if value.is_empty() || value.starts_with('{') { key_at } else { line.len() - value.len() };
    Some((i + 1, line[..at].chars().count() + 1))
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
        assert_eq!(d.message, "`title` must be one piece of text, not a list");
        assert_eq!(d.line, Some(2));
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
    fn unknown_variant_suggests() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            sort_by: crate::content::front_matter::SortBy,
        }
        let yaml = "sort_by: dat\n";
        let err = serde_yaml::from_str::<S>(yaml).unwrap_err();
        let d = diagnose(&err, yaml, yaml, 0, Path::new("a.md"));
        assert_eq!(d.message, "`sort_by` cannot be `dat`: it is one of date, weight, title, none");
        assert_eq!(d.hint.as_deref(), Some("did you mean `date`?"));
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
