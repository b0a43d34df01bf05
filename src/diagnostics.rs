//! Diagnostics: what every stage reports instead of failing on the first problem.
//!
//! A [`Diagnostic`] carries a stable code, the file, line and column (1-based, columns
//! counted in characters), the offending source line and a hint. Stages push them into a
//! [`Diagnostics`] collection and keep going (like ripgrep's `messages.rs`), so one run
//! reports every error at once, sorted by file. Rendering for people is
//! [`Diagnostic::render_human`]: rustc-like, with a caret under the column that accounts
//! for double-width Chinese characters.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthStr;

pub mod codes;
pub use codes::Code;

/// Whether `c` cannot appear in XML 1.0 text (nor sensibly in any text output): the C0
/// controls other than tab, line feed and carriage return, DEL, and the noncharacters
/// U+FFFE and U+FFFF.
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' | '\u{fffe}' | '\u{ffff}')
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported, the build goes on.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code such as `E0102`, from the table in [`codes`] (which a test holds to
    /// `docs/diagnostics.md`).
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file it is in, relative to the site root when possible.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`.
    pub line: Option<usize>,
    /// 1-based column (in characters) in `line`.
    pub column: Option<usize>,
    /// The text of the offending line, for the snippet.
    pub source_line: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
    /// Further context, such as the other file of a collision.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A new error with a code and a message.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.as_str(),
            message: message.into(),
            file: None,
            line: None,
            column: None,
            source_line: None,
            hint: None,
            notes: Vec::new(),
        }
    }

    /// A new warning with a code and a message.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Sets the file.
    pub fn file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets line and column, and takes the snippet line from `source` (the whole file).
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column.max(1));
        self.source_line = source.lines().nth(line.saturating_sub(1)).map(str::to_owned);
        self
    }

    /// Sets the line only (no snippet).
    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// `file:line:column`, as much of it as is known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let mut out = file.display().to_string();
        if let Some(line) = self.line {
            let _ = write!(out, ":{line}");
            if let Some(col) = self.column {
                let _ = write!(out, ":{col}");
            }
        }
        Some(out)
    }

    /// Renders the diagnostic the way rustc does, without colour.
    ///
    /// ```text
    /// error[E0103]: the front matter is not valid YAML: …
    ///   --> content/about.md:3:6
    ///    |
    ///  3 | title：关于
    ///    |      ^
    ///    = hint: …
    /// ```
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}[{}]: {}", self.severity.as_str(), self.code, self.message);
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if let Some(loc) = self.location() {
            let _ = writeln!(out, "{pad}--> {loc}");
        }
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            // A long line (a 200 KB line of `[`) is shown as a window around the column;
            // control characters as U+FFFD, so the terminal shows what the caret points at.
            const WINDOW: usize = 100;
            let col = self.column.unwrap_or(1);
            let chars: Vec<char> = text
                .chars()
                .map(|c| if crate::diagnostics::is_forbidden_char(c) { '\u{fffd}' } else { c })
                .collect();
            let start = if chars.len() > WINDOW { (col - 1).saturating_sub(WINDOW / 2) } else { 0 };
            let end = (start + WINDOW).min(chars.len());
            let mut window: String = chars[start..end].iter().collect();
            let mut before: String = chars[start..(col - 1).clamp(start, end)].iter().collect();
            if start > 0 {
                window.insert(0, '…');
                before.insert(0, '…');
            }
            if end < chars.len() {
                window.push('…');
            }
            let shown = window.replace('\t', "    ");
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line} | {shown}");
            if self.column.is_some() {
                let width = before.replace('\t', "    ").width();
                let _ = writeln!(out, "{pad} | {}^", " ".repeat(width));
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{pad} = note: {note}");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "{pad} = hint: {hint}");
        }
        out
    }
}

/// Whether diagnostics on stderr should be coloured: a terminal, and no `NO_COLOR`.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

impl Diagnostic {
    /// [`Diagnostic::render_human`], with the severity coloured when `color` is set.
    pub fn render(&self, color: bool) -> String {
        let text = self.render_human();
        if !color {
            return text;
        }
        let len = self.severity.as_str().len();
        let code = if self.severity == Severity::Error { "\x1b[1;31m" } else { "\x1b[1;33m" };
        format!("{code}{}\x1b[0m{}", &text[..len], &text[len..])
    }
}

/// The diagnostics of one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds all of another collection.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, line, column, then severity: the order they are shown in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.items.dedup();
        self.items
    }

    /// The diagnostics, in the order they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// `path` relative to `root` when it is inside it, for shorter messages.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// The closest of `candidates` to `word`, if one is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Prints diagnostics for people on standard error, sorted by file, with a summary line
/// when there are errors.
pub fn eprint(ds: &Diagnostics) {
    if ds.is_empty() {
        return;
    }
    let color = stderr_color();
    for d in ds.clone().sorted() {
        eprintln!("{}", d.render(color));
    }
    if ds.has_errors() {
        eprintln!(
            "{} error(s), {} warning(s); nothing was written",
            ds.error_count(),
            ds.warning_count()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_accounts_for_double_width_characters() {
        let src = "---\ntitle：关于\n---\n";
        let d = Diagnostic::error(codes::E0103, "bad").file("content/a.md").at(src, 2, 6);
        let text = d.render_human();
        assert!(text.contains("--> content/a.md:2:6"), "{text}");
        // "title" is 5 columns wide, so the caret sits under the full-width colon.
        assert!(text.contains("2 | title：关于\n  |      ^\n"), "{text}");
    }

    #[test]
    fn closest_suggests_only_near_misses() {
        let known = ["base_url", "title", "timezone"];
        assert_eq!(closest("base_ur", known), Some("base_url"));
        assert_eq!(closest("timzone", known), Some("timezone"));
        assert_eq!(closest("qqqqqq", known), None);
    }

    #[test]
    fn sorted_orders_by_file_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(codes::E0101, "b").file("b.md").line(1));
        ds.push(Diagnostic::error(codes::E0101, "a2").file("a.md").line(9));
        ds.push(Diagnostic::error(codes::E0101, "a1").file("a.md").line(2));
        let order: Vec<_> = ds.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(order, ["a1", "a2", "b"]);
    }
}
