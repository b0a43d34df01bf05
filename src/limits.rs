//! Limits on YAML text, checked by a cheap linear scan of the raw text before any YAML
//! parser sees it (front matter, site.yaml, interface strings).
//!
//! A YAML parser's time can grow faster than its input: a front matter of 200 KB of
//! nested lists held one core for 45 s before serde_yaml gave up, and aliases can expand
//! a small file into a huge value. The scan refuses, with the file and line:
//! - text over [`MAX_YAML_BYTES`];
//! - nesting deeper than [`MAX_DEPTH`] (block indentation, `- - -` and `[`/`{` combined);
//! - more than [`MAX_ALIASES`] aliases (`*name`);
//! - characters that XML, iCalendar and spreadsheets cannot carry (U+0000–U+0008,
//!   U+000B, U+000C, U+000E–U+001F, U+007F, U+FFFE, U+FFFF), whether typed raw or written
//!   as a YAML escape (`"\v"`, `"\x01"`, `"\u000C"`) — every value of these files can reach
//!   a feed, a calendar or the search data.
//!
//! It does not depend on the parser: it reads the text as YAML's lexical rules describe
//! (quotes, comments, block scalars), so it keeps working whichever parser follows it.

use std::path::Path;

use crate::diagnostics::is_forbidden_char;
use crate::diagnostics::{Diagnostic, codes};

/// Largest YAML text accepted (front matter, site.yaml or an interface-strings file).
pub const MAX_YAML_BYTES: usize = 1 << 20;
/// Deepest nesting accepted; real front matter rarely goes past 4.
pub const MAX_DEPTH: usize = 32;
/// Most aliases (`*name`) accepted in one text.
pub const MAX_ALIASES: usize = 64;

/// `s` without the characters [`is_forbidden_char`] refuses.
pub fn strip_forbidden(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_forbidden_char) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !is_forbidden_char(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A character's name for messages: `U+000B`.
pub fn char_name(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Checks the YAML `yaml`, which starts on line `line_offset + 1` of `file_text` (the
/// whole file, for the snippet). Returns the first problem found.
pub fn check_yaml(
    yaml: &str,
    file_text: &str,
    line_offset: usize,
    file: &Path,
) -> Result<(), Diagnostic> {
    let err = |line: usize, col: usize, msg: String, hint: &str| {
        Diagnostic::error(codes::E0111, msg)
            .file(file)
            .at(file_text, line + line_offset, col)
            .hint(hint)
    };
    if yaml.len() > MAX_YAML_BYTES {
        return Err(err(
            1,
            1,
            format!(
                "the YAML is {} KB; fenjin reads at most {} KB",
                yaml.len() / 1024,
                MAX_YAML_BYTES / 1024
            ),
            "move long text into the Markdown body, or split the file",
        ));
    }
    let mut scan = Scan::default();
    for (n, line) in yaml.split('\n').enumerate() {
        if let Some((col, what)) = scan.line(line) {
            let line_no = n + 1;
            return Err(match what {
                Problem::Char(c) => Diagnostic::error(
                    codes::E0112,
                    format!("the control character {} cannot be used here", char_name(c)),
                )
                .file(file)
                .at(file_text, line_no + line_offset, col)
                .hint(
                    "delete it (text pasted from Word or WPS often carries one); feeds, calendars and search data cannot hold it",
                ),
                Problem::Escape(c) => Diagnostic::error(
                    codes::E0112,
                    format!("the escape writes the control character {}, which cannot be used here", char_name(c)),
                )
                .file(file)
                .at(file_text, line_no + line_offset, col)
                .hint("delete the escape; for a line break in the text use `\\n`"),
                Problem::Depth => err(
                    line_no,
                    col,
                    format!("the YAML is nested more than {MAX_DEPTH} levels deep"),
                    "front matter and settings need only a few levels; flatten the lists and maps",
                ),
                Problem::Aliases => err(
                    line_no,
                    col,
                    format!("the YAML uses more than {MAX_ALIASES} aliases (`*name`)"),
                    "write the values out instead of repeating them through aliases",
                ),
            });
        }
    }
    Ok(())
}

enum Problem {
    Char(char),
    Escape(char),
    Depth,
    Aliases,
}

/// The state of the scan between lines.
#[derive(Default)]
struct Scan {
    /// Indentation of the open block collections, innermost last.
    blocks: Vec<usize>,
    /// Open `[` / `{`.
    flow: usize,
    /// Inside a quoted scalar that continues on the next line.
    quote: Option<char>,
    /// Inside a block scalar (`|`, `>`) whose key was indented this much.
    block_scalar: Option<usize>,
    aliases: usize,
}

impl Scan {
    /// Scans one line; returns the 1-based column of a problem.
    // Long: one pass over the line's characters, one arm per character that changes the
    // scanner's state (quotes, escapes, flow brackets, list dashes, aliases, block
    // scalars); the arms share the position and the state, so they read side by side.
    fn line(&mut self, line: &str) -> Option<(usize, Problem)> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if let Some(key_indent) = self.block_scalar {
            if blank || indent > key_indent {
                return raw_char(line).map(|(col, c)| (col, Problem::Char(c)));
            }
            self.block_scalar = None;
        }
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let col_of = |i: usize| line[..i].chars().count() + 1;
        let mut i = 0;
        if self.quote.is_none() && self.flow == 0 && !blank && !line.trim_start().starts_with('#') {
            while self.blocks.last().is_some_and(|&b| b >= indent) {
                self.blocks.pop();
            }
            self.blocks.push(indent);
            i = indent;
        }
        // Position in `chars` of byte offset `i`.
        let mut k = chars.iter().position(|(b, _)| *b >= i).unwrap_or(chars.len());
        let mut at_token = true;
        while k < chars.len() {
            let (b, c) = chars[k];
            if is_forbidden_char(c) {
                return Some((col_of(b), Problem::Char(c)));
            }
            if let Some(q) = self.quote {
                if q == '"' && c == '\\' {
                    if let Some(bad) = escape_value(&chars[k + 1..]) {
                        return Some((col_of(b), Problem::Escape(bad)));
                    }
                    k += 2;
                    continue;
                }
                if c == q {
                    if q == '\'' && chars.get(k + 1).is_some_and(|(_, n)| *n == '\'') {
                        k += 2;
                        continue;
                    }
                    self.quote = None;
                }
                k += 1;
                continue;
            }
            match c {
                '#' if k == 0 || matches!(chars[k - 1].1, ' ' | '\t') => break,
                '"' | '\'' if at_token => self.quote = Some(c),
                '[' | '{' => self.flow += 1,
                ']' | '}' => self.flow = self.flow.saturating_sub(1),
                // `- - x`: each dash opens a list one column further in.
                '-' if at_token
                    && self.flow == 0
                    && chars.get(k + 1).is_none_or(|(_, n)| *n == ' ') =>
                {
                    self.blocks.push(b + 1);
                }
                '*' if at_token => {
                    self.aliases += 1;
                    if self.aliases > MAX_ALIASES {
                        return Some((col_of(b), Problem::Aliases));
                    }
                }
                '|' | '>' if at_token && self.flow == 0 => {
                    let rest: String = chars[k + 1..].iter().map(|(_, c)| *c).collect();
                    let rest = rest.split(" #").next().unwrap_or("").trim();
                    if rest.chars().all(|c| matches!(c, '+' | '-' | '1'..='9')) {
                        self.block_scalar = Some(indent);
                        return None;
                    }
                }
                _ => {}
            }
            if self.blocks.len() + self.flow > MAX_DEPTH {
                return Some((col_of(b), Problem::Depth));
            }
            at_token = matches!(c, ' ' | '[' | '{' | ',' | ':' | '-' | '?');
            k += 1;
        }
        if self.blocks.len() + self.flow > MAX_DEPTH {
            return Some((indent + 1, Problem::Depth));
        }
        None
    }
}

/// The first forbidden character of a line, with its column.
fn raw_char(line: &str) -> Option<(usize, char)> {
    line.chars().enumerate().find(|(_, c)| is_forbidden_char(*c)).map(|(i, c)| (i + 1, c))
}

/// The forbidden character a double-quoted escape (the text after its `\`) writes.
fn escape_value(after: &[(usize, char)]) -> Option<char> {
    let (_, e) = *after.first()?;
    let hex = |n: usize| -> Option<char> {
        let digits: String = after.get(1..=n)?.iter().map(|(_, c)| *c).collect();
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    };
    let c = match e {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'e' => '\u{1b}',
        'x' => hex(2)?,
        'u' => hex(4)?,
        'U' => hex(8)?,
        _ => return None,
    };
    is_forbidden_char(c).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(yaml: &str) -> Result<(), Diagnostic> {
        check_yaml(yaml, yaml, 0, Path::new("x.yaml"))
    }

    #[test]
    fn ordinary_yaml_passes() {
        let yaml = "title: \"哈尔滨\\n冰雪\" # note\ntags: [劳模, '工匠''s']\nextra:\n  a:\n    - b: {c: [1, 2]}\n    - - d\n      - e\ndescription: |\n  [[[[ not flow\n  - not a list\nx: *not_really\n";
        assert!(check(yaml).is_ok(), "{:?}", check(yaml));
    }

    #[test]
    fn deep_flow_nesting_is_refused_at_its_line() {
        let yaml = format!("title: x\nextra: {}\n", "[".repeat(40));
        let d = check(&yaml).unwrap_err();
        assert_eq!((d.code, d.line), ("E0111", Some(2)));
        assert!(d.message.contains("nested more than 32"), "{}", d.message);
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        let mut yaml = String::from("extra:\n");
        for i in 1..40 {
            yaml.push_str(&" ".repeat(i * 2));
            yaml.push_str("- \n");
        }
        assert_eq!(check(&yaml).unwrap_err().code, "E0111");
        let dashes = format!("extra:\n  {}x\n", "- ".repeat(40));
        assert_eq!(check(&dashes).unwrap_err().code, "E0111");
    }

    #[test]
    fn many_aliases_are_refused() {
        let mut yaml = String::from("a: &a [x, x]\n");
        for i in 0..70 {
            yaml.push_str(&format!("b{i}: [*a, *a]\n"));
        }
        let d = check(&yaml).unwrap_err();
        assert_eq!(d.code, "E0111");
        assert!(d.message.contains("aliases"));
        assert_eq!(d.line, Some(34));
    }

    #[test]
    fn size_is_limited() {
        let yaml = format!("title: \"{}\"\n", "字".repeat(MAX_YAML_BYTES / 3 + 10));
        assert!(check(&yaml).unwrap_err().message.contains("at most 1024 KB"));
    }

    #[test]
    fn control_characters_raw_and_escaped_are_refused_where_they_are() {
        let d = check("title: a\u{b}b\n").unwrap_err();
        assert_eq!((d.code, d.line, d.column), ("E0112", Some(1), Some(9)));
        assert!(d.message.contains("U+000B"));
        for esc in ["\\v", "\\x01", "\\u000C", "\\0", "\\e", "\\U0000001f"] {
            let yaml = format!("date: 2022-07-19\ntitle: \"ab{esc}\"\n");
            let d = check(&yaml).unwrap_err();
            assert_eq!((d.code, d.line, d.column), ("E0112", Some(2), Some(11)), "{esc}");
        }
        // Escapes that stay valid text, and a backslash outside double quotes.
        assert!(check("title: \"a\\tb\\n\\\\v\\x41\\u00e9\"\nb: 'x\\v'\nc: x\\v\n").is_ok());
    }

    #[test]
    fn strip_removes_only_forbidden() {
        assert_eq!(strip_forbidden("a\u{1}b\u{b}\tc\n\u{ffff}"), "ab\tc\n");
        assert!(matches!(strip_forbidden("普通"), std::borrow::Cow::Borrowed(_)));
    }
}
