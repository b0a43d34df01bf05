//! The `images:` block of site.yaml, with its defaults.

use serde::Deserialize;

/// How photos are turned into responsive images (`images:` in site.yaml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImageSettings {
    /// Widths (CSS pixels of the file) to make, smallest first; never wider than the
    /// source. The defaults cover a 360 px phone at 1× (480) and 2× (720) and desktops.
    pub widths: Vec<u32>,
    /// Lossy WebP quality, 1–100.
    pub webp_quality: f32,
    /// JPEG quality of the fallback, 1–100.
    pub jpeg_quality: u8,
    /// Width of the Open Graph (share preview) JPEG.
    pub og_width: u32,
    /// `sizes` of images in the body: how wide they are shown.
    pub sizes: String,
    /// `fenjin check` warns about source images larger than this (bytes).
    pub max_source_bytes: u64,
    /// Images with more pixels than this are refused without being decoded.
    pub max_pixels: u64,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![320, 480, 720, 960, 1280],
            webp_quality: 75.0,
            jpeg_quality: 80,
            og_width: 1200,
            sizes: "(max-width: 46rem) calc(100vw - 2rem), 44rem".into(),
            max_source_bytes: 10 * 1024 * 1024,
            max_pixels: 50_000_000,
        }
    }
}

impl ImageSettings {
    /// Problems with the values: (key, message, hint).
    pub fn problems(&self) -> Vec<(&'static str, String, &'static str)> {
        let mut out = Vec::new();
        if self.widths.is_empty() || self.widths.iter().any(|w| !(16..=8192).contains(w)) {
            out.push((
                "widths",
                format!("`images.widths` must list widths from 16 to 8192, not {:?}", self.widths),
                "for example `widths: [320, 480, 720, 960, 1280]`",
            ));
        }
        if !(1.0..=100.0).contains(&self.webp_quality) {
            out.push((
                "webp_quality",
                format!("`images.webp_quality` must be 1–100, not {}", self.webp_quality),
                "75 suits photos",
            ));
        }
        if !(1..=100).contains(&self.jpeg_quality) {
            out.push((
                "jpeg_quality",
                format!("`images.jpeg_quality` must be 1–100, not {}", self.jpeg_quality),
                "80 suits photos",
            ));
        }
        if !(16..=8192).contains(&self.og_width) {
            out.push((
                "og_width",
                format!("`images.og_width` must be 16–8192, not {}", self.og_width),
                "chat apps and social sites expect 1200",
            ));
        }
        if self.max_pixels == 0 {
            out.push((
                "max_pixels",
                "`images.max_pixels` must be more than 0".into(),
                "50000000 (50 megapixels) allows any camera photo",
            ));
        }
        out
    }

    /// The widths in ascending order without duplicates.
    pub fn sorted_widths(&self) -> Vec<u32> {
        let mut w = self.widths.clone();
        w.sort_unstable();
        w.dedup();
        w
    }

    /// What the cached files depend on besides the source bytes.
    pub fn fingerprint(&self) -> String {
        format!(
            "v1;widths={:?};webp={};jpeg={};og={}",
            self.sorted_widths(),
            self.webp_quality,
            self.jpeg_quality,
            self.og_width
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_keys_are_checked() {
        assert!(ImageSettings::default().problems().is_empty());
        let s: ImageSettings = crate::yaml::from_str("jpeg_quality: 70").unwrap();
        assert_eq!(s.jpeg_quality, 70);
        assert_eq!(s.widths, ImageSettings::default().widths);
        assert!(crate::yaml::from_str::<ImageSettings>("jpg_quality: 70").is_err());
        let bad = ImageSettings { widths: vec![], jpeg_quality: 0, ..Default::default() };
        assert_eq!(bad.problems().len(), 2);
    }

    #[test]
    fn fingerprint_follows_settings() {
        let a = ImageSettings::default();
        let b = ImageSettings { webp_quality: 60.0, ..Default::default() };
        assert_ne!(a.fingerprint(), b.fingerprint());
    }
}
