//! Draws the portal's placeholder photographs (no real people or places): landscapes
//! for city pages and neutral head-and-shoulders silhouettes for lecturer profiles.
//! They exist so the portal exercises the responsive-image path; every page that uses
//! them is marked `sample: true`.
//!
//! ```sh
//! cargo run --example sample_photos -- content
//! ```

use std::path::Path;

use image::{DynamicImage, Rgb, RgbImage};

/// A small deterministic noise source, so every run draws the same pictures.
struct Noise(u32);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 % 1000) as f32 / 1000.0 - 0.5
    }
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

fn px(c: [f32; 3], n: f32) -> Rgb<u8> {
    Rgb(c.map(|v| (v + n * 4.0).clamp(0.0, 255.0) as u8))
}

/// A landscape: sky, a sun, three ridges of hills and a field, in a palette.
fn landscape(w: u32, h: u32, seed: u32, sky: [[f32; 3]; 2], land: [[f32; 3]; 3]) -> RgbImage {
    let mut noise = Noise(seed);
    let s = seed as f32;
    let (sun_x, sun_y, sun_r) =
        (w as f32 * (0.25 + (s % 7.0) / 14.0), h as f32 * 0.28, h as f32 * 0.07);
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let ridge = |k: f32, base: f32, amp: f32| {
            base + amp
                * ((fx * (3.0 + k) + s * 0.37 * k).sin() * 0.6
                    + (fx * (7.0 + 2.0 * k) + k).sin() * 0.4)
        };
        let n = noise.next();
        let c = if fy > ridge(3.0, 0.78, 0.03) {
            mix(land[2], [land[2][0] * 0.7, land[2][1] * 0.8, land[2][2] * 0.6], (fy - 0.78) * 4.0)
        } else if fy > ridge(2.0, 0.62, 0.05) {
            land[1]
        } else if fy > ridge(1.0, 0.5, 0.07) {
            mix(land[0], sky[1], 0.35)
        } else {
            let d = ((x as f32 - sun_x).powi(2) + (y as f32 - sun_y).powi(2)).sqrt();
            if d < sun_r {
                [255.0, 236.0, 190.0]
            } else {
                mix(sky[0], sky[1], fy * 2.0 + (1.0 - (d / (sun_r * 6.0)).min(1.0)) * 0.3)
            }
        };
        px(c, n)
    })
}

/// A neutral placeholder portrait: a soft background and a plain silhouette.
fn silhouette(w: u32, h: u32, seed: u32, bg: [f32; 3], figure: [f32; 3]) -> RgbImage {
    let mut noise = Noise(seed);
    let (cx, head_y, head_r) = (w as f32 / 2.0, h as f32 * 0.38, w as f32 * 0.2);
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let head = ((fx - cx) / head_r).powi(2) + ((fy - head_y) / (head_r * 1.18)).powi(2) < 1.0;
        let shoulder_top = h as f32 * 0.66;
        let half =
            w as f32 * 0.42 * ((fy - shoulder_top) / (h as f32 * 0.2)).clamp(0.0, 1.0).sqrt();
        let body = fy > shoulder_top && (fx - cx).abs() < half.max(w as f32 * 0.12);
        let shade = mix(bg, [bg[0] * 0.8, bg[1] * 0.85, bg[2] * 0.9], y as f32 / h as f32);
        px(if head || body { figure } else { shade }, noise.next())
    })
}

fn save(img: RgbImage, path: &Path, quality: u8) {
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    DynamicImage::ImageRgb8(img).write_with_encoder(enc).expect("encode");
    std::fs::write(path, &out).expect("write");
    println!("{} ({} KB)", path.display(), out.len() / 1000);
}

fn main() {
    let content = std::env::args().nth(1).unwrap_or_else(|| "content".into());
    let content = Path::new(&content);
    let winter = [[120.0, 160.0, 215.0], [225.0, 235.0, 245.0]];
    let dusk = [[70.0, 90.0, 160.0], [250.0, 190.0, 140.0]];
    let day = [[90.0, 150.0, 220.0], [200.0, 225.0, 245.0]];
    let snow = [[160.0, 175.0, 200.0], [215.0, 225.0, 235.0], [240.0, 244.0, 250.0]];
    let steppe = [[90.0, 110.0, 120.0], [120.0, 130.0, 90.0], [170.0, 150.0, 90.0]];
    let green = [[70.0, 110.0, 100.0], [60.0, 120.0, 70.0], [110.0, 160.0, 80.0]];
    save(landscape(1440, 960, 11, winter, snow), &content.join("cities/harbin-winter.jpg"), 82);
    save(landscape(1440, 960, 23, dusk, steppe), &content.join("cities/daqing-dusk.jpg"), 82);
    save(landscape(1440, 960, 37, day, green), &content.join("cities/yichun-forest.jpg"), 82);
    save(
        silhouette(720, 960, 5, [214.0, 222.0, 232.0], [120.0, 130.0, 145.0]),
        &content.join("lecturers/sample-a.jpg"),
        82,
    );
    save(
        silhouette(720, 960, 9, [232.0, 222.0, 210.0], [140.0, 120.0, 110.0]),
        &content.join("lecturers/sample-b.jpg"),
        82,
    );
}
