//! Escaping for what fenjin writes: text into HTML and XML ([`escape_attr`], and back
//! with [`unescape`]), data into JSON that is safe inside a page ([`safe_json`]).

use std::io;

/// Undoes [`escape_attr`] (and the same entities written by Markdown and Tera).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Escapes text for an XML/HTML attribute or text node. Characters XML cannot hold
/// (see [`crate::diagnostics::is_forbidden_char`]) are dropped: the inputs refuse or remove
/// them already, so this only keeps a feed valid should one come from elsewhere.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if crate::diagnostics::is_forbidden_char(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `value` as JSON that is safe to embed anywhere: `<`, `>` and `&` are written as
/// `\u003c`, `\u003e`, `\u0026` (so no reader that puts it into HTML can be tricked
/// into markup, nor a `</script>` end an inline script), U+2028 and U+2029 as escapes
/// (JavaScript before ES2019 ends a string at them). Control characters are escaped by
/// serde_json itself.
pub fn safe_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    struct Safe;
    impl serde_json::ser::Formatter for Safe {
        fn write_string_fragment<W: ?Sized + io::Write>(
            &mut self,
            w: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            let mut last = 0;
            for (i, c) in fragment.char_indices() {
                let esc = match c {
                    '<' => "\\u003c",
                    '>' => "\\u003e",
                    '&' => "\\u0026",
                    '\u{2028}' => "\\u2028",
                    '\u{2029}' => "\\u2029",
                    _ => continue,
                };
                w.write_all(&fragment.as_bytes()[last..i])?;
                w.write_all(esc.as_bytes())?;
                last = i + c.len_utf8();
            }
            w.write_all(&fragment.as_bytes()[last..])
        }
    }
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe);
    // Serialising plain data into a Vec cannot fail.
    value.serialize(&mut ser).expect("JSON serialisation of in-memory data");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_markup_characters() {
        let json = safe_json(&["<script>a&b</script>\u{2028}\u{1}\"", "普通"]);
        let text = String::from_utf8(json).unwrap();
        assert_eq!(
            text,
            r#"["\u003cscript\u003ea\u0026b\u003c/script\u003e\u2028\u0001\"","普通"]"#
        );
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0], "<script>a&b</script>\u{2028}\u{1}\"");
    }

    #[test]
    fn attributes_drop_characters_xml_cannot_hold() {
        assert_eq!(escape_attr("a\u{b}<b>\u{1}&\t"), "a&lt;b&gt;&amp;\t");
    }
}
