//! Markdown to HTML with pulldown-cmark, the Chinese-aware way.
//!
//! Input: a body and a [`MarkdownContext`] (the file for messages, a link resolver, the
//! highlighter). Output: a plain [`Rendered`] value — HTML, summary, table of contents,
//! word count and reading time, and the diagnostics of broken links — with no I/O.
//!
//! What differs from a plain `push_html`:
//! - no smart punctuation (it would turn Chinese quotes and dashes into other glyphs);
//! - a soft line break between two Chinese characters renders as nothing, since Chinese
//!   has no spaces between words (an editor's hard-wrapped paragraph must not get
//!   spaces in the middle of a sentence);
//! - heading ids keep Chinese characters and are unique within the page;
//! - `@/path.md#anchor` links resolve to the target's URL in the page's language;
//! - fenced code is highlighted (lazily) with CSS classes.

use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::content::highlight::Highlighter;
use crate::diagnostics::{Diagnostic, codes};
use crate::slug::{UniqueIds, is_cjk, is_cjk_punct, slugify};

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    /// 1–6.
    pub level: u8,
    /// The heading's id (the `#fragment`).
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Headings nested under this one.
    pub children: Vec<TocEntry>,
}

/// The result of rendering one body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// The text before `<!-- more -->`, else the first paragraph, as HTML.
    pub summary: Option<String>,
    /// Nested table of contents.
    pub toc: Vec<TocEntry>,
    /// Every heading id on the page (for anchor checks).
    pub anchors: Vec<String>,
    /// Chinese characters plus words in other scripts.
    pub word_count: usize,
    /// Minutes, at least 1 for a non-empty body.
    pub reading_time: usize,
    /// Broken links and unknown code languages.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a link resolver decides for a link destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkAction {
    /// Leave it as written.
    Keep,
    /// Replace it with this URL.
    Rewrite(String),
    /// It is broken: a message and a hint.
    Broken(String, String),
}

/// What a link resolver decides for an image.
pub enum PictureAction {
    /// Render it as Markdown does (`<img>` with the resolved URL).
    Keep,
    /// Replace it with this HTML (a responsive `<picture>`).
    Html(String),
    /// The image cannot be used: the diagnostic, without its location.
    Problem(Diagnostic),
}

/// Resolves `@/…` links and relative asset links for one page in one language.
pub trait LinkResolver: Sync {
    /// Decides what to do with a link or image destination.
    fn resolve(&self, dest: &str) -> LinkAction;

    /// Decides what to do with the `index`-th image (from 0) of the body, whose text
    /// alternative is `alt` and whose title (`![alt](a.jpg "title")`) is `title`.
    fn picture(&self, _dest: &str, _alt: &str, _title: &str, _index: usize) -> PictureAction {
        PictureAction::Keep
    }
}

/// Everything rendering one body needs besides the text.
pub struct MarkdownContext<'a> {
    /// The file, for messages.
    pub file: &'a Path,
    /// The whole normalised file, for snippets.
    pub file_text: &'a str,
    /// Line of the file the body starts after.
    pub body_line_offset: usize,
    /// The shared highlighter.
    pub highlighter: &'a Highlighter,
    /// The link resolver of this page and language.
    pub resolver: &'a dyn LinkResolver,
    /// site.yaml's `trusted_html`: script in the body is allowed (else E0205).
    pub trusted_html: bool,
}

const SUMMARY_MARK: &str = "<!--fenjin:summary-->";

/// Renders a Markdown body.
// Long: one pass over pulldown-cmark's events, one arm per kind of event (heading ids,
// highlighted code, resolved links and pictures, the summary mark, word counts); the arms
// share the walk's state (depth, ids, counts), so they read best side by side.
pub fn render(body: &str, cx: &MarkdownContext<'_>) -> Rendered {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let source: Vec<(Event<'_>, std::ops::Range<usize>)> =
        Parser::new_ext(body, opts).into_offset_iter().collect();
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::with_capacity(source.len());
    let mut ids = UniqueIds::default();
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let (mut cjk_chars, mut words) = (0usize, 0usize);
    let mut summary_at: Option<usize> = None;
    let mut depth = 0usize;
    let mut first_paragraph_end: Option<usize> = None;
    let mut images_seen = 0usize;

    let line_of = |offset: usize| line_in_file(cx, body, offset);
    let column_of = |offset: usize| column_in_line(body, offset);

    let mut i = 0;
    while i < source.len() {
        let (event, range) = &source[i];
        if !cx.trusted_html {
            flag_script(cx, body, event, range.start, &mut out);
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let (text, _) = inner_text(&source, i, |e| matches!(e, TagEnd::Heading(_)));
                let base = match id {
                    Some(id) => id.to_string(),
                    None => slugify(&text),
                };
                let id = ids.id_for(&base);
                headings.push((heading_level(*level), id.clone(), text.trim().to_owned()));
                events.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                depth += 1;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => code_language(info).to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                let (code, j) = inner_text(&source, i, |e| *e == TagEnd::CodeBlock);
                let highlighted = cx.highlighter.highlight(&code, &lang);
                if !highlighted.known {
                    out.diagnostics.push(
                        Diagnostic::warning(
                            codes::W0301,
                            format!(
                                "unknown code language `{lang}`; the block is shown as plain text"
                            ),
                        )
                        .file(cx.file)
                        .at(cx.file_text, line_of(range.start), column_of(range.start))
                        .hint("use a common name such as rust, yaml, json, bash, python or text"),
                    );
                }
                events.push(Event::Html(highlighted.html.into()));
                i = j + 1;
                continue;
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = resolve(cx, dest_url, range.start, &line_of, &column_of, &mut out);
                events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
                depth += 1;
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                // The alt text is the text of the events up to the image's end.
                let (alt, j) = inner_text(&source, i, |e| *e == TagEnd::Image);
                let index = images_seen;
                images_seen += 1;
                match cx.resolver.picture(dest_url, &alt, title, index) {
                    PictureAction::Html(html) => {
                        let (c, w) = count_words(&alt);
                        cjk_chars += c;
                        words += w;
                        events.push(Event::InlineHtml(html.into()));
                        i = j + 1;
                        continue;
                    }
                    PictureAction::Problem(d) => out.diagnostics.push(d.file(cx.file).at(
                        cx.file_text,
                        line_of(range.start),
                        column_of(range.start),
                    )),
                    PictureAction::Keep => {}
                }
                let dest = resolve(cx, dest_url, range.start, &line_of, &column_of, &mut out);
                events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
                depth += 1;
            }
            Event::Start(tag) => {
                events.push(Event::Start(tag.clone()));
                depth += 1;
            }
            Event::End(tag) => {
                events.push(Event::End(*tag));
                depth = depth.saturating_sub(1);
                if depth == 0 && *tag == TagEnd::Paragraph && first_paragraph_end.is_none() {
                    first_paragraph_end = Some(events.len());
                }
            }
            Event::SoftBreak => {
                if !joins_without_space(&source[..i], &source[i + 1..]) {
                    events.push(Event::SoftBreak);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) if is_more_marker(html) => {
                if summary_at.is_none() {
                    summary_at = Some(events.len());
                }
            }
            // Phones play inline videos full screen unless told not to.
            Event::Html(html) | Event::InlineHtml(html)
                if html.contains("<video") && !html.contains("playsinline") =>
            {
                let fixed = html.replace("<video", "<video playsinline");
                events.push(if matches!(event, Event::Html(_)) {
                    Event::Html(fixed.into())
                } else {
                    Event::InlineHtml(fixed.into())
                });
            }
            Event::Text(t) => {
                let (c, w) = count_words(t);
                cjk_chars += c;
                words += w;
                events.push(event.clone());
            }
            other => events.push(other.clone()),
        }
        i += 1;
    }

    (out.html, out.summary) = write_html(events, summary_at.or(first_paragraph_end), body.len());
    out.anchors = headings.iter().map(|h| h.1.clone()).collect();
    out.toc = nest(&headings);
    out.word_count = cjk_chars + words;
    out.reading_time = reading_minutes(cjk_chars, words);
    out
}

/// The line of the file at byte `offset` of the body.
fn line_in_file(cx: &MarkdownContext<'_>, body: &str, offset: usize) -> usize {
    cx.body_line_offset + 1 + body[..offset.min(body.len())].matches('\n').count()
}

/// The column (in characters, from 1) of byte `offset` of the body.
fn column_in_line(body: &str, offset: usize) -> usize {
    let start = body[..offset.min(body.len())].rfind('\n').map_or(0, |i| i + 1);
    body[start..offset.min(body.len())].chars().count() + 1
}

/// The HTML of `events`, and the summary: the HTML before event `split_at` (the
/// `<!-- more -->` mark or the end of the first paragraph), if not empty.
fn write_html(
    mut events: Vec<Event<'_>>,
    split_at: Option<usize>,
    body_len: usize,
) -> (String, Option<String>) {
    if let Some(at) = split_at {
        events.insert(at, Event::Html(SUMMARY_MARK.into()));
    }
    let mut html = String::with_capacity(body_len * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let mut summary = None;
    if let Some(pos) = html.find(SUMMARY_MARK) {
        let before = html[..pos].trim_end().to_owned();
        html.replace_range(pos..pos + SUMMARY_MARK.len(), "");
        if !before.is_empty() {
            summary = Some(before);
        }
    }
    (html, summary)
}

/// The text of the events after `source[start]` up to the end tag `is_end` matches (code
/// spans included), and that end tag's index.
fn inner_text(
    source: &[(Event<'_>, std::ops::Range<usize>)],
    start: usize,
    is_end: impl Fn(&TagEnd) -> bool,
) -> (String, usize) {
    let mut text = String::new();
    let mut j = start + 1;
    while j < source.len() && !matches!(&source[j].0, Event::End(e) if is_end(e)) {
        if let Event::Text(t) | Event::Code(t) = &source[j].0 {
            text.push_str(t);
        }
        j += 1;
    }
    (text, j)
}

/// Reports (E0205) what in `event`, at `offset` of the body, would run script: an HTML
/// tag or attribute, a `javascript:` link or image.
fn flag_script(
    cx: &MarkdownContext<'_>,
    body: &str,
    event: &Event<'_>,
    offset: usize,
    out: &mut Rendered,
) {
    let unsafe_here = |what: String, offset: usize, out: &mut Rendered| {
        let (line, column) = (line_in_file(cx, body, offset), column_in_line(body, offset));
        out.diagnostics.push(
            Diagnostic::error(codes::E0205, format!("{what} would run script in the reader's browser"))
                .file(cx.file)
                .at(cx.file_text, line, column)
                .hint("link to a web page or a file instead; if everyone who can edit this site is trusted with script, set `trusted_html: true` in site.yaml"),
        );
    };
    match event {
        Event::Html(h) | Event::InlineHtml(h) => {
            // The event's text is its source, from `offset` on (block HTML
            // inside a list or quote loses its indentation: the line stays right).
            for f in crate::content::safe_urls::scan_html(h) {
                let before = &h[..f.offset];
                let mut at = offset;
                if let Some(nl) = before.rfind('\n') {
                    let lines = before.matches('\n').count();
                    let line_start = body[offset..]
                        .match_indices('\n')
                        .nth(lines - 1)
                        .map_or(offset, |(p, _)| offset + p + 1);
                    at = line_start + (f.offset - nl - 1).min(body.len() - line_start);
                } else {
                    at += f.offset;
                }
                while !body.is_char_boundary(at.min(body.len())) {
                    at -= 1;
                }
                unsafe_here(f.what, at.min(body.len()), out);
            }
        }
        Event::Start(Tag::Link { dest_url, .. }) => {
            if let Some(scheme) = crate::content::safe_urls::unsafe_url(dest_url, false) {
                unsafe_here(format!("a link to a `{scheme}` URL"), offset, out);
            }
        }
        Event::Start(Tag::Image { dest_url, .. }) => {
            if let Some(scheme) = crate::content::safe_urls::unsafe_url(dest_url, true) {
                unsafe_here(format!("an image from a `{scheme}` URL"), offset, out);
            }
        }
        _ => {}
    }
}

fn resolve<'a>(
    cx: &MarkdownContext<'_>,
    dest: &CowStr<'a>,
    offset: usize,
    line_of: &dyn Fn(usize) -> usize,
    column_of: &dyn Fn(usize) -> usize,
    out: &mut Rendered,
) -> CowStr<'a> {
    match cx.resolver.resolve(dest) {
        LinkAction::Keep => dest.clone(),
        LinkAction::Rewrite(url) => CowStr::from(url),
        LinkAction::Broken(message, hint) => {
            out.diagnostics.push(
                Diagnostic::error(codes::E0202, message)
                    .file(cx.file)
                    .at(cx.file_text, line_of(offset), column_of(offset))
                    .hint(hint),
            );
            dest.clone()
        }
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

/// The summary marker: `<!-- more -->`, or `<!--more-->` as Zola and Hugo write it
/// (any spacing inside the comment).
fn is_more_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|r| r.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// The language of a fenced code block: the first word of its info string, whole, as
/// CommonMark says (` ``` föö bar` → `föö`); it is HTML-escaped where it is written.
fn code_language(info: &str) -> &str {
    info.split(|c: char| c.is_ascii_whitespace()).find(|w| !w.is_empty()).unwrap_or("")
}

/// Whether a soft line break between `before` and `after` joins the lines without a
/// space: only between two CJK characters (ideographs, kana, hangul, full-width
/// punctuation), whatever the page's language. Curly quotes, dashes, ellipses and the
/// middle dot are shared with Western text, so they are looked through: `他说：“好”`
/// + newline + `“不”` joins, `She said “yes”` + newline + `“no”` keeps its space.
fn joins_without_space(
    before: &[(Event<'_>, std::ops::Range<usize>)],
    after: &[(Event<'_>, std::ops::Range<usize>)],
) -> bool {
    fn side<'a, 'b: 'a>(events: impl Iterator<Item = &'a Event<'b>>, backwards: bool) -> bool {
        let telling = |c: &char| !shared_punctuation(*c);
        for e in events {
            match e {
                Event::Text(t) | Event::Code(t) => {
                    let c = if backwards {
                        t.chars().rev().find(telling)
                    } else {
                        t.chars().find(telling)
                    };
                    if let Some(c) = c {
                        return is_cjk(c) || is_cjk_punct(c);
                    }
                }
                Event::Start(_) | Event::End(_) => {}
                _ => return false,
            }
        }
        false
    }
    side(before.iter().rev().map(|(e, _)| e), true) && side(after.iter().map(|(e, _)| e), false)
}

/// Punctuation that Chinese and Western text share (so it says nothing of the script).
fn shared_punctuation(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '—' | '–' | '…' | '·')
}

/// (Chinese/Japanese/Korean characters, words in other scripts) in `text`.
pub fn count_words(text: &str) -> (usize, usize) {
    let mut cjk = 0;
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else if !(in_word && matches!(c, '\'' | '’' | '-')) {
            in_word = false;
        }
    }
    (cjk, words)
}

/// Minutes to read: 300 characters a minute for Chinese, 200 words a minute otherwise.
pub fn reading_minutes(cjk_chars: usize, words: usize) -> usize {
    if cjk_chars + words == 0 {
        return 0;
    }
    let minutes = cjk_chars as f64 / 300.0 + words as f64 / 200.0;
    (minutes.ceil() as usize).max(1)
}

fn nest(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in headings {
        let entry =
            TocEntry { level: *level, id: id.clone(), title: title.clone(), children: Vec::new() };
        let mut list = &mut root;
        loop {
            let descend = matches!(list.last(), Some(last) if last.level < *level);
            if !descend {
                break;
            }
            list = &mut list.last_mut().expect("checked above").children;
        }
        list.push(entry);
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, dest: &str) -> LinkAction {
            if let Some(rest) = dest.strip_prefix("@/") {
                if rest.starts_with("ok.md") {
                    return LinkAction::Rewrite(format!(
                        "/ok/{}",
                        rest.trim_start_matches("ok.md")
                    ));
                }
                return LinkAction::Broken(format!("no page `{rest}`"), "fix it".into());
            }
            LinkAction::Keep
        }
    }

    fn md(body: &str) -> Rendered {
        let h = Highlighter::new();
        let cx = MarkdownContext {
            file: Path::new("a.md"),
            file_text: body,
            body_line_offset: 0,
            highlighter: &h,
            resolver: &NoLinks,
            trusted_html: false,
        };
        render(body, &cx)
    }

    #[test]
    fn soft_break_between_chinese_characters_is_dropped() {
        let r = md("全省职工\n喜迎二十大。\n\nHello\nworld");
        assert!(r.html.contains("<p>全省职工喜迎二十大。</p>"), "{}", r.html);
        assert!(r.html.contains("<p>Hello\nworld</p>"), "{}", r.html);
    }

    #[test]
    fn soft_break_after_chinese_punctuation_is_dropped() {
        let r = md("第一句，\n第二句。");
        assert!(r.html.contains("<p>第一句，第二句。</p>"), "{}", r.html);
    }

    #[test]
    fn soft_break_joins_only_between_cjk_characters() {
        // Curly quotes, dashes and ellipses are shared with English: they do not join.
        let r = md("She said “yes”\n“no” — and…\n“maybe”.\n\nWait—\n‘done’…\n…");
        assert!(r.html.contains("<p>She said “yes”\n“no” — and…\n“maybe”.</p>"), "{}", r.html);
        assert!(r.html.contains("<p>Wait—\n‘done’…\n…</p>"), "{}", r.html);
        // Between Chinese text they are looked through: the lines still join.
        let r = md("他说：“好”\n“不好”……\n——这是后话。\n\n*强调*\n`代码`");
        assert!(r.html.contains("<p>他说：“好”“不好”……——这是后话。</p>"), "{}", r.html);
        assert!(r.html.contains("<p><em>强调</em><code>代码</code></p>"), "{}", r.html);
        // A Chinese character next to a Latin word keeps the break.
        let r = md("中文\nEnglish\n\nEnglish\n中文");
        assert!(r.html.contains("<p>中文\nEnglish</p>") && r.html.contains("<p>English\n中文</p>"));
    }

    #[test]
    fn code_block_language_is_the_whole_first_word_escaped() {
        let r = md("``` föö bar\nx\n```\n\n````;\ny\n````\n\n```a\"b\nz\n```\n");
        assert!(r.html.contains("<code class=\"language-föö\">x\n</code>"), "{}", r.html);
        assert!(r.html.contains("<code class=\"language-;\">y\n</code>"), "{}", r.html);
        assert!(r.html.contains("<code class=\"language-a&quot;b\">"), "{}", r.html);
    }

    #[test]
    fn an_image_title_reaches_the_picture() {
        struct Pictures;
        impl LinkResolver for Pictures {
            fn resolve(&self, _: &str) -> LinkAction {
                LinkAction::Keep
            }
            fn picture(&self, dest: &str, alt: &str, title: &str, _: usize) -> PictureAction {
                PictureAction::Html(format!(
                    "<picture data-src=\"{dest}\" data-alt=\"{alt}\" data-title=\"{title}\">"
                ))
            }
        }
        let h = Highlighter::new();
        let body = "![一张照片](a.jpg \"标题\")";
        let cx = MarkdownContext {
            file: Path::new("a.md"),
            file_text: body,
            body_line_offset: 0,
            highlighter: &h,
            resolver: &Pictures,
            trusted_html: false,
        };
        let r = render(body, &cx);
        assert!(
            r.html.contains("data-src=\"a.jpg\" data-alt=\"一张照片\" data-title=\"标题\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn no_smart_punctuation() {
        let r = md("“光盘”我做主 -- \"quoted\" ...");
        assert!(r.html.contains("“光盘”我做主 -- \"quoted\" ..."), "{}", r.html);
    }

    #[test]
    fn heading_ids_keep_chinese_and_are_unique() {
        let r = md("## 一、总体思路\n\n## 背景\n\n### 背景\n\n## Goals {#goals-en}\n");
        assert!(r.html.contains("<h2 id=\"一总体思路\">一、总体思路</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"背景\">"));
        assert!(r.html.contains("<h3 id=\"背景-1\">"));
        assert!(r.html.contains("<h2 id=\"goals-en\">Goals</h2>"));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[1].children[0].id, "背景-1");
        assert_eq!(r.anchors.len(), 4);
    }

    #[test]
    fn summary_from_more_marker_or_first_paragraph() {
        let r = md("第一段。\n\n第二段。\n\n<!-- more -->\n\n第三段。");
        assert_eq!(r.summary.as_deref(), Some("<p>第一段。</p>\n<p>第二段。</p>"));
        assert!(!r.html.contains("more"));
        let r = md("# 标题\n\n第一段。\n\n第二段。");
        assert_eq!(r.summary.as_deref(), Some("<h1 id=\"标题\">标题</h1>\n<p>第一段。</p>"));
        assert_eq!(md("").summary, None);
        // Zola's and Hugo's spelling, without spaces.
        for marker in ["<!--more-->", "<!--  more\t-->"] {
            let r = md(&format!("第一段。\n\n第二段。\n\n{marker}\n\n第三段。"));
            assert_eq!(r.summary.as_deref(), Some("<p>第一段。</p>\n<p>第二段。</p>"), "{marker}");
            assert!(!r.html.contains("more"), "{}", r.html);
        }
        let r = md("第一段。\n\n<!-- more than this -->\n\n第二段。");
        assert!(r.html.contains("more than this"), "not a marker: {}", r.html);
    }

    #[test]
    fn videos_play_inline_on_phones() {
        let r = md("<video src=\"a.mp4\" controls></video>\n");
        assert!(r.html.contains("<video playsinline src=\"a.mp4\" controls>"), "{}", r.html);
        let r = md("<video playsinline src=\"b.mp4\"></video>\n");
        assert_eq!(r.html.matches("playsinline").count(), 1);
    }

    #[test]
    fn gfm_extensions() {
        let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~del~~ [^1]\n\n- [x] done\n\n[^1]: note\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>del</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote-definition"));
    }

    #[test]
    fn internal_links_resolve_or_report_their_line() {
        let r = md("见[这里](@/ok.md#x)。\n\n第二行[坏](@/missing.md)");
        assert!(r.html.contains("href=\"/ok/#x\""), "{}", r.html);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].line, Some(3));
        assert_eq!(r.diagnostics[0].column, Some(4));
    }

    #[test]
    fn code_blocks_are_highlighted_and_unknown_languages_warned() {
        let r = md("```rust\nfn main() {}\n```\n\n```klingon\nx\n```\n");
        assert!(r.html.contains("hl-"));
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].code, "W0301");
    }

    #[test]
    fn chinese_aware_word_count() {
        assert_eq!(count_words("全省职工参与人数达到 500 万人次"), (13, 1));
        assert_eq!(count_words("Workers' Home, 2022 edition"), (0, 4));
        let r = md("全省职工喜迎二十大");
        assert_eq!(r.word_count, 9);
        assert_eq!(r.reading_time, 1);
        assert_eq!(reading_minutes(900, 0), 3);
        assert_eq!(reading_minutes(0, 401), 3);
    }
}
