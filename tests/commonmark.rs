//! The 652 examples of the CommonMark spec 0.31.2 (`tests/commonmark/spec.json`, see its
//! NOTICE.md) through fenjin's own Markdown renderer. fenjin's deliberate additions are
//! normalised away before comparing:
//!
//! - headings get an `id` (fenjin's table of contents and anchors): the `id` is removed;
//! - fenced code is wrapped as `<pre class="code" data-lang="…">` and highlighted with
//!   `<span class="hl-…">`: both are removed inside `<pre>`;
//! - images that fenjin processes become `<picture>`: the test's link resolver keeps every
//!   image as Markdown wrote it, so none appears.
//!
//! Both sides are then compared as the spec's own test runner compares them
//! ([`same_html`]): entities decoded, attributes sorted, white space collapsed outside
//! `<pre>` and dropped around block tags.
//!
//! Examples that still differ would be listed in [`DIFFERENCES`] with the reason; there
//! are none today (the extensions fenjin turns on — tables, footnotes, strikethrough,
//! task lists, heading attributes — change no example of the spec). The test fails if an
//! unlisted example differs, and if a listed one starts to pass. docs/markdown.md lists
//! fenjin's differences from the spec.

use std::path::Path;

use fenjin::content::highlight::Highlighter;
use fenjin::content::markdown::{LinkAction, LinkResolver, MarkdownContext, render};
use html5gum::{DefaultEmitter, Token, Tokenizer};

/// Examples that differ on purpose (example number, why); none today.
const DIFFERENCES: &[(usize, &str)] = &[];

struct AsWritten;
impl LinkResolver for AsWritten {
    fn resolve(&self, _dest: &str) -> LinkAction {
        LinkAction::Keep
    }
}

#[derive(serde::Deserialize)]
struct Example {
    markdown: String,
    html: String,
    example: usize,
    section: String,
}

/// fenjin's output without its deliberate additions (see the module's documentation).
fn normalise(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Heading ids.
    while let Some(at) = rest.find("<h") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let is_heading = rest.as_bytes().get(2).is_some_and(|b| (b'1'..=b'6').contains(b))
            && rest[3..].starts_with(" id=\"");
        if is_heading {
            out.push_str(&rest[..3]);
            let after_id = &rest[8..];
            let end = after_id.find('"').map_or(after_id.len(), |e| e + 1);
            rest = &after_id[end..];
        } else {
            out.push_str("<h");
            rest = &rest[2..];
        }
    }
    out.push_str(rest);
    // Code blocks: fenjin's <pre> attributes and highlighting spans.
    let html = out;
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<pre class=\"code\"") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let open_end = rest.find('>').map_or(rest.len(), |e| e + 1);
        out.push_str("<pre>");
        rest = &rest[open_end..];
        let close = rest.find("</pre>").unwrap_or(rest.len());
        let mut block = &rest[..close];
        while !block.is_empty() {
            if block.starts_with("<span class=\"hl-") {
                block = &block[block.find('>').map_or(block.len(), |e| e + 1)..];
            } else if let Some(r) = block.strip_prefix("</span>") {
                block = r;
            } else {
                let next = block[1..].find('<').map_or(block.len(), |e| e + 1);
                out.push_str(&block[..next]);
                block = &block[next..];
            }
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// Block-level tags: white space next to them does not show.
const BLOCK: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "body",
    "div",
    "dd",
    "dl",
    "dt",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// HTML in a canonical form, as the CommonMark spec's test runner normalises it.
fn canonical(html: &str) -> String {
    fn escape(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    }
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut out = String::new();
    let mut in_pre = 0usize;
    let mut text = String::new();
    let flush = |out: &mut String, text: &mut String, in_pre: usize| {
        if in_pre > 0 {
            out.push_str(&escape(text));
        } else {
            let collapsed: Vec<&str> = text.split_ascii_whitespace().collect();
            let mut t = collapsed.join(" ");
            if !collapsed.is_empty() {
                if text.starts_with(|c: char| c.is_ascii_whitespace()) {
                    t.insert(0, ' ');
                }
                if text.ends_with(|c: char| c.is_ascii_whitespace()) {
                    t.push(' ');
                }
            } else if !text.is_empty() {
                t.push(' ');
            }
            out.push_str(&escape(&t));
        }
        text.clear();
    };
    let trim_block = |out: &mut String| {
        while out.ends_with(' ') && !out.ends_with("&nbsp;") {
            out.pop();
        }
    };
    let mut after_block = false;
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::String(s) => {
                let s = String::from_utf8_lossy(&s.value).into_owned();
                text.push_str(&s);
                continue;
            }
            Token::StartTag(t) => {
                flush(&mut out, &mut text, in_pre);
                let name = String::from_utf8_lossy(&t.name).into_owned();
                let block = BLOCK.contains(&name.as_str());
                if block {
                    trim_block(&mut out);
                }
                if after_block || block {
                    let trimmed = out.trim_end().len();
                    out.truncate(trimmed);
                }
                out.push('<');
                out.push_str(&name);
                for (k, v) in &t.attributes {
                    let v = String::from_utf8_lossy(&v.value);
                    out.push_str(&format!(" {}=\"{}\"", String::from_utf8_lossy(k), escape(&v)));
                }
                out.push('>');
                if name == "pre" {
                    in_pre += 1;
                }
                after_block = block;
            }
            Token::EndTag(t) => {
                flush(&mut out, &mut text, in_pre);
                let name = String::from_utf8_lossy(&t.name).into_owned();
                let block = BLOCK.contains(&name.as_str());
                if block && in_pre == 0 {
                    trim_block(&mut out);
                }
                if name == "pre" {
                    in_pre = in_pre.saturating_sub(1);
                }
                out.push_str(&format!("</{name}>"));
                after_block = block;
            }
            Token::Comment(c) => {
                flush(&mut out, &mut text, in_pre);
                out.push_str(&format!("<!--{}-->", String::from_utf8_lossy(&c.value)));
                after_block = false;
            }
            Token::Doctype(d) => {
                flush(&mut out, &mut text, in_pre);
                out.push_str(&format!("<!DOCTYPE {}>", String::from_utf8_lossy(&d.name)));
            }
            Token::Error(_) => {}
        }
        if after_block && in_pre == 0 {
            // Text right after a block tag starts without its white space.
            text.clear();
        }
    }
    flush(&mut out, &mut text, in_pre);
    out.trim().to_owned()
}

/// Whether two HTML texts are the same after [`canonical`].
fn same_html(a: &str, b: &str) -> bool {
    canonical(a) == canonical(b)
}

#[test]
fn commonmark_spec_examples_pass_apart_from_listed_differences() {
    let examples: Vec<Example> = serde_json::from_str(include_str!("commonmark/spec.json"))
        .expect("tests/commonmark/spec.json is valid");
    assert_eq!(examples.len(), 652, "CommonMark 0.31.2 has 652 examples");
    let h = Highlighter::new();
    let mut failing = Vec::new();
    let mut report = String::new();
    for e in &examples {
        let cx = MarkdownContext {
            file: Path::new("spec.md"),
            file_text: &e.markdown,
            body_line_offset: 0,
            highlighter: &h,
            resolver: &AsWritten,
            // The spec renders raw HTML and every URL as written; refusing script URLs
            // (E0205) is fenjin's policy on top of it, tested in tests/hostile.rs.
            trusted_html: true,
        };
        let got = normalise(&render(&e.markdown, &cx).html);
        if !same_html(&got, &e.html) {
            failing.push(e.example);
            if !DIFFERENCES.iter().any(|(n, _)| *n == e.example) {
                report.push_str(&format!(
                    "example {} ({}):\n--- markdown\n{}--- expected\n{}--- fenjin\n{}\n",
                    e.example, e.section, e.markdown, e.html, got
                ));
            }
        }
    }
    let listed: Vec<usize> = DIFFERENCES.iter().map(|(n, _)| *n).collect();
    let now_passing: Vec<&usize> = listed.iter().filter(|n| !failing.contains(n)).collect();
    assert!(
        report.is_empty() && now_passing.is_empty(),
        "{} of 652 examples differ; not listed:\n{report}\nlisted but now passing (take them off DIFFERENCES): {now_passing:?}\nall failing: {failing:?}",
        failing.len()
    );
}

#[test]
fn canonical_html_ignores_only_what_a_browser_ignores() {
    assert!(same_html("<p>a\n  b</p>\n\n<p>\"&#39;</p>", "<p>a b</p>\n<p>&quot;'</p>"));
    assert!(same_html("<ul>\n<li>\n<p>x</p>\n</li>\n</ul>", "<ul><li><p>x</p></li></ul>"));
    assert!(same_html("<a title=\"t\" href=\"u\">x</a>", "<a href=\"u\" title=\"t\">x</a>"));
    assert!(!same_html("<p>ab</p>", "<p>a b</p>"));
    assert!(!same_html("<pre><code>a\n b</code></pre>", "<pre><code>a b</code></pre>"));
    assert!(!same_html("<p><em>a</em></p>", "<p>a</p>"));
}

#[test]
fn normalise_removes_only_fenjins_additions() {
    assert_eq!(
        normalise("<h2 id=\"一总体思路\">一、总体思路</h2>\n<hr />"),
        "<h2>一、总体思路</h2>\n<hr />"
    );
    assert_eq!(
        normalise(
            "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">fn</span> &lt;x&gt;\n</code></pre>\n<p><span>kept</span></p>"
        ),
        "<pre><code class=\"language-rust\">fn &lt;x&gt;\n</code></pre>\n<p><span>kept</span></p>"
    );
}
