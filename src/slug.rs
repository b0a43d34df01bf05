//! Slugs for URLs, taxonomy terms and heading ids that keep Chinese characters.
//!
//! Transliterating to pinyin character by character turns 重庆 into `zhong-qing` (the
//! right reading is Chongqing) and loses tones and word breaks; browsers, chat apps and
//! servers all handle UTF-8 paths, so fenjin keeps the characters and only removes what
//! would break a URL or an `id`.

/// Whether `c` is a CJK ideograph or kana/hangul letter (kept in slugs, no spaces needed
/// between them).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // kana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xAC00..=0xD7AF   // hangul
        | 0xF900..=0xFAFF   // compatibility ideographs
        | 0x20000..=0x3134F // extensions B–G
    )
}

/// Whether `c` is CJK punctuation or a full-width form (used for line-break rules).
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2014 | 0x2026 | 0x201C | 0x201D | 0x2018 | 0x2019 | 0x00B7)
}

/// A slug: letters and digits of any script are kept (ASCII lower-cased); spaces,
/// dashes, underscores and ASCII punctuation become single dashes; other punctuation
/// (、：“” and the like) is dropped. `劳模 工匠` → `劳模-工匠`, `Model Workers` →
/// `model-workers`, `一、总体思路` → `一总体思路`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c.is_ascii_punctuation() || c == '\u{3000}' {
            dash = true;
        }
    }
    out
}

/// A path segment from a file name: kept as written when it is safe in a URL, slugified
/// otherwise (spaces, `?`, `#`, `%` and the like).
pub fn path_segment(name: &str) -> String {
    let safe = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
    if safe { name.to_owned() } else { slugify(name) }
}

/// Makes heading ids unique within a page: the second `背景` becomes `背景-1`.
#[derive(Debug, Default)]
pub struct UniqueIds {
    seen: std::collections::HashSet<String>,
}

impl UniqueIds {
    /// A unique id for the heading text (or the explicit id).
    pub fn id_for(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section".to_owned() } else { base.to_owned() };
        let mut id = base.clone();
        let mut n = 1;
        while self.seen.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.seen.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_chinese() {
        assert_eq!(slugify("重庆"), "重庆");
        assert_eq!(slugify("劳模 工匠"), "劳模-工匠");
        assert_eq!(slugify("一、总体思路"), "一总体思路");
        assert_eq!(slugify("“光盘”我做主"), "光盘我做主");
    }

    #[test]
    fn lowercases_latin_and_joins_with_dashes() {
        assert_eq!(slugify("Model Workers"), "model-workers");
        assert_eq!(slugify("  Hello,  World! "), "hello-world");
        assert_eq!(slugify("C++ & Rust"), "c-rust");
        assert_eq!(slugify("2022 年"), "2022-年");
    }

    #[test]
    fn path_segments() {
        assert_eq!(path_segment("harbin"), "harbin");
        assert_eq!(path_segment("campaign-plan-2022"), "campaign-plan-2022");
        assert_eq!(path_segment("哈尔滨"), "哈尔滨");
        assert_eq!(path_segment("My Page?"), "my-page");
    }

    #[test]
    fn unique_ids() {
        let mut u = UniqueIds::default();
        assert_eq!(u.id_for("背景"), "背景");
        assert_eq!(u.id_for("背景"), "背景-1");
        assert_eq!(u.id_for("背景"), "背景-2");
        assert_eq!(u.id_for(""), "section");
    }

    #[test]
    fn cjk_classes() {
        assert!(is_cjk('中'));
        assert!(!is_cjk('a'));
        assert!(is_cjk_punct('，'));
        assert!(is_cjk_punct('。'));
    }
}
