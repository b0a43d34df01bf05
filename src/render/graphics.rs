//! Pictures drawn at build time as inline SVG: QR codes of page URLs (for posters and
//! the print view) and avatars for lecturers without a portrait (no stock photos, no
//! external images).

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

use crate::escape::escape_attr;

/// A QR code of `text` as an SVG element with an accessible name. The qrcode crate
/// encodes; the path draws each horizontal run of dark modules once, which keeps the
/// SVG about a third of the size of one square per module (it is inlined in every page).
pub fn qr_svg(text: &str, label: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot encode `{text}` as a QR code: {e}"))?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == Color::Dark {
                    x += 1;
                }
                let _ = write!(
                    path,
                    "M{} {}h{}v1h-{}z",
                    start + quiet,
                    y + quiet,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"160\" height=\"160\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{}\" class=\"qr\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        escape_attr(label)
    ))
}

/// Colours that keep white text readable (WCAG AA against #fff).
const PALETTE: &[&str] =
    &["#8e1b1b", "#1d4e89", "#2f6b3a", "#6b3fa0", "#8a4b08", "#0f5f66", "#7a2855", "#44546a"];

/// A round avatar with the first character of `name` (or two letters for Latin names).
pub fn avatar_svg(name: &str, label: &str) -> String {
    let hash = name.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    let color = PALETTE[hash as usize % PALETTE.len()];
    let initials: String = if name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        name.split_whitespace()
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_alphanumeric())
            .take(2)
            .collect::<String>()
            .to_uppercase()
    } else {
        // Chinese names: the last character, as is customary for avatars; for the
        // placeholder names (示例讲师甲) that is the distinguishing 甲, 乙, ….
        name.chars().last().map(String::from).unwrap_or_default()
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 96 96\" width=\"96\" height=\"96\" role=\"img\" aria-label=\"{}\" class=\"avatar\"><circle cx=\"48\" cy=\"48\" r=\"48\" fill=\"{color}\"/><text x=\"48\" y=\"49\" text-anchor=\"middle\" dominant-baseline=\"central\" fill=\"#ffffff\" font-size=\"40\" font-family=\"inherit\">{}</text></svg>",
        escape_attr(label),
        escape_attr(&initials)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_is_an_accessible_svg() {
        let s = qr_svg("https://example.org/cities/哈尔滨/", "本页二维码").unwrap();
        assert!(s.contains("role=\"img\" aria-label=\"本页二维码\" class=\"qr\""), "{s}");
        assert!(s.len() < 5000, "{} bytes", s.len());
        // The finder pattern's top row: 7 dark modules after the 4-module quiet zone.
        assert!(s.contains("M4 4h7v1h-7z"), "{s}");
    }

    #[test]
    fn avatars_are_stable_and_readable() {
        let a = avatar_svg("示例讲师甲", "示例讲师甲");
        assert_eq!(a, avatar_svg("示例讲师甲", "示例讲师甲"));
        assert!(a.contains(">甲</text>"));
        assert!(avatar_svg("Sample Lecturer A", "x").contains(">SL</text>"));
    }
}
