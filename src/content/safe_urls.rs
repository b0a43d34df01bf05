//! Script in Markdown: `[点我](javascript:alert(1))`, `<a href="vbscript:…">`,
//! `<img src=x onerror=…>`, `<script>`. Anyone who may edit a Markdown file could plant
//! script that runs in every reader's browser, so these are build errors (E0205) unless
//! site.yaml says the authors are trusted (`trusted_html: true`).
//!
//! URLs are read the way browsers read them: character references decoded, ASCII
//! whitespace and control characters removed, the scheme compared without case (so
//! `JaVa&#x53;cript:` and `java\tscript:` are caught too). A `data:` URL is allowed as an
//! image source when it is a raster image (PNG, JPEG, GIF, WebP, AVIF).

/// What is unsafe about a URL, if anything: the scheme, for the message.
pub fn unsafe_url(url: &str, image: bool) -> Option<&'static str> {
    let cleaned: String = decode_refs(url)
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(24)
        .collect::<String>()
        .to_ascii_lowercase();
    for scheme in ["javascript:", "vbscript:"] {
        if cleaned.starts_with(scheme) {
            return Some(scheme);
        }
    }
    if cleaned.starts_with("data:") {
        let raster = ["png", "jpeg", "jpg", "gif", "webp", "avif"]
            .iter()
            .any(|t| cleaned.strip_prefix("data:image/").is_some_and(|r| r.starts_with(t)));
        if !(image && raster) {
            return Some("data:");
        }
    }
    None
}

/// One unsafe thing found in raw HTML: its byte offset in the HTML and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset in the HTML text.
    pub offset: usize,
    /// A description for the message.
    pub what: String,
}

/// Finds script in raw HTML: `<script>`, event-handler attributes (`onclick=`) and
/// attributes whose value is an unsafe URL.
pub fn scan_html(html: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(p) = html[i..].find('<') {
        let start = i + p;
        i = start + 1;
        // A tag name: letters.
        let name_len = html[i..].bytes().take_while(|c| c.is_ascii_alphanumeric()).count();
        if name_len == 0 || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let tag = html[i..i + name_len].to_ascii_lowercase();
        i += name_len;
        if tag == "script" {
            out.push(Finding { offset: start, what: "a `<script>` element".into() });
        }
        let image = matches!(tag.as_str(), "img" | "source" | "picture" | "input");
        // Attributes until `>`.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' || b[i] == b'<' {
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>') {
                i += 1;
            }
            let name = html[name_start..i].to_ascii_lowercase();
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = None;
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let end =
                        html[j + 1..].bytes().position(|c| c == q).map_or(b.len(), |e| j + 1 + e);
                    value = Some(&html[j + 1..end]);
                    j = (end + 1).min(b.len());
                } else {
                    let end = html[j..]
                        .bytes()
                        .position(|c| c.is_ascii_whitespace() || c == b'>')
                        .map_or(b.len(), |e| j + e);
                    value = Some(&html[j..end]);
                    j = end;
                }
                i = j;
            }
            if name.len() > 2 && name.starts_with("on") {
                out.push(Finding {
                    offset: name_start,
                    what: format!("the event-handler attribute `{name}` on `<{tag}>`"),
                });
            } else if let Some(v) = value {
                let image_attr = image && matches!(name.as_str(), "src" | "srcset");
                if let Some(scheme) = unsafe_url(v, image_attr) {
                    out.push(Finding {
                        offset: name_start,
                        what: format!("a `{scheme}` URL in `{name}` of `<{tag}>`"),
                    });
                }
            }
        }
    }
    out
}

/// Decodes numeric character references and the named ones that can hide a scheme
/// (`&colon;`, `&Tab;`, `&NewLine;`), as an HTML attribute value is decoded.
fn decode_refs(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..].find(|c: char| !c.is_ascii_alphanumeric() && c != '#').map(|e| e + 1);
        let (body, len) = match end {
            Some(e) => (&rest[1..e], e + usize::from(rest[e..].starts_with(';'))),
            None => (&rest[1..], rest.len()),
        };
        let decoded = if let Some(num) = body.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.and_then(char::from_u32)
        } else {
            match body.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_in_urls_are_found_however_written() {
        for url in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:x",
            "jav&#x61;script:x",
            "javascript&colon;x",
            "&#106;avascript:x",
            "\u{1}javascript:x",
            "vbscript:msgbox",
        ] {
            assert!(unsafe_url(url, false).is_some(), "{url:?}");
        }
        assert_eq!(unsafe_url("data:text/html,<script>", false), Some("data:"));
        assert_eq!(unsafe_url("data:image/svg+xml,<svg>", true), Some("data:"));
        assert_eq!(unsafe_url("data:image/png;base64,iVBOR", false), Some("data:"));
        assert_eq!(unsafe_url("data:image/png;base64,iVBOR", true), None);
        for ok in
            ["https://example.org/javascript:", "/a/b", "#x", "mailto:a@b.c", "a.jpg", "tel:1"]
        {
            assert_eq!(unsafe_url(ok, false), None, "{ok}");
        }
    }

    #[test]
    fn raw_html_is_scanned() {
        let f = scan_html(
            r#"<p><a href="javascript:x">a</a> <img src=x onerror=alert(1)><img src='data:image/gif;base64,R0lG'></p><script>1</script><a href=vbscript:y>"#,
        );
        let what: Vec<&str> = f.iter().map(|f| f.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "a `javascript:` URL in `href` of `<a>`",
                "the event-handler attribute `onerror` on `<img>`",
                "a `<script>` element",
                "a `vbscript:` URL in `href` of `<a>`",
            ]
        );
        assert_eq!(f[0].offset, 6);
        assert!(
            scan_html("<p class=\"x\">1 < 2 and <b>bold</b> <video src=a.mp4 controls></p>")
                .is_empty()
        );
    }
}
