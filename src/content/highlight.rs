//! Code highlighting with syntect, as CSS classes (the theme ships the stylesheet).
//!
//! The syntax set takes tens of milliseconds to load, so it is loaded lazily, on the
//! first code block with a language, and at most once per [`Highlighter`]. Everything
//! that touches syntect is behind this module so it can be replaced (Zola moved from
//! syntect to giallo in 0.22).

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The class prefix of highlighted tokens (`hl-keyword`).
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights fenced code; shared by all render threads.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Highlighter").field("loaded", &self.is_loaded()).finish()
    }
}

/// A highlighted block.
pub struct Highlighted {
    /// `<pre>…</pre>` HTML.
    pub html: String,
    /// False when the language was not recognised (the block is plain text).
    pub known: bool,
}

impl Highlighter {
    /// A highlighter that has loaded nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the syntax set has been loaded.
    pub fn is_loaded(&self) -> bool {
        self.syntaxes.get().is_some()
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    /// Highlights `code` written in `lang` (the fence's info string, first word).
    pub fn highlight(&self, code: &str, lang: &str) -> Highlighted {
        let lang = lang.trim();
        if lang.is_empty() || matches!(lang, "text" | "plain" | "txt") {
            return plain(code, None, true);
        }
        let set = self.syntaxes();
        // `rust,ignore` and `rust{…}` (rustdoc's and Zola's options) highlight as `rust`.
        let token = lang.split([',', '{']).next().unwrap_or(lang);
        let Some(syntax) =
            set.find_syntax_by_token(lang).or_else(|| set.find_syntax_by_token(token))
        else {
            return plain(code, Some(lang), false);
        };
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if generator.parse_html_for_line_which_includes_newline(line).is_err() {
                return plain(code, Some(lang), true);
            }
        }
        let body = generator.finalize();
        let lang = crate::escape::escape_attr(lang);
        Highlighted {
            html: format!(
                "<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{body}</code></pre>\n"
            ),
            known: true,
        }
    }
}

fn plain(code: &str, lang: Option<&str>, known: bool) -> Highlighted {
    let mut body = String::with_capacity(code.len());
    pulldown_cmark::html::push_html(
        &mut body,
        std::iter::once(pulldown_cmark::Event::Text(code.into())),
    );
    let html = match lang {
        Some(l) => {
            let l = crate::escape::escape_attr(l);
            format!(
                "<pre class=\"code\" data-lang=\"{l}\"><code class=\"language-{l}\">{body}</code></pre>\n"
            )
        }
        None => format!("<pre class=\"code\"><code>{body}</code></pre>\n"),
    };
    Highlighted { html, known }
}

/// The stylesheet for the classes above, from one of syntect's bundled themes.
pub fn stylesheet(theme: &str) -> Option<String> {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme = themes.themes.get(theme)?;
    syntect::html::css_for_theme_with_class_style(theme, CLASS_STYLE).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_lazily() {
        let h = Highlighter::new();
        assert!(!h.is_loaded());
        let out = h.highlight("x", "");
        assert!(!h.is_loaded(), "a block without a language must not load syntect");
        assert!(out.html.contains("<code>x</code>"));
        let out = h.highlight("fn main() {}\n", "rust");
        assert!(h.is_loaded());
        assert!(out.known);
        assert!(out.html.contains("class=\"hl-"), "{}", out.html);
        assert!(out.html.starts_with("<pre class=\"code\" data-lang=\"rust\">"));
    }

    #[test]
    fn the_language_name_is_escaped_whole_and_options_after_a_comma_still_highlight() {
        let h = Highlighter::new();
        let out = h.highlight("x", "föö\"<");
        assert!(!out.known);
        assert!(out.html.contains("class=\"language-föö&quot;&lt;\""), "{}", out.html);
        let out = h.highlight("fn main() {}\n", "rust,ignore");
        assert!(out.known && out.html.contains("class=\"hl-"), "{}", out.html);
        assert!(out.html.contains("class=\"language-rust,ignore\""), "{}", out.html);
    }

    #[test]
    fn unknown_language_is_plain_and_flagged() {
        let out = Highlighter::new().highlight("<b>", "klingon");
        assert!(!out.known);
        assert!(out.html.contains("&lt;b&gt;"));
    }

    /// The theme's highlight.css must match what syntect generates for the class style
    /// used here; run with FENJIN_UPDATE_CSS=1 to rewrite it.
    #[test]
    fn theme_stylesheet_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/css/highlight.css");
        let css = stylesheet("InspiredGitHub").unwrap();
        let css = format!(
            "/* generated by fenjin from syntect's InspiredGitHub theme; do not edit */\n{css}"
        );
        if std::env::var_os("FENJIN_UPDATE_CSS").is_some() {
            std::fs::write(path, &css).unwrap();
        }
        let shipped = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            shipped == css,
            "{path} is out of date: run FENJIN_UPDATE_CSS=1 cargo test theme_stylesheet"
        );
    }
}
