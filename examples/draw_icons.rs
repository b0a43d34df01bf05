//! Draws the default theme's icons from one shape: a white five-pointed star on the
//! campaign red (`#c00000`). Writes `favicon.svg` (the shape itself), `favicon.ico`
//! (16 and 32 px), `apple-touch-icon.png` (180 px) and `icon-192.png`, `icon-512.png`
//! (for the web app manifest) into the given folder. Deterministic: running it again
//! writes the same bytes.
//!
//! ```sh
//! cargo run --example draw_icons -- themes/default/static
//! ```

use std::path::Path;

use image::codecs::ico::{IcoEncoder, IcoFrame};
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};

const RED: [u8; 3] = [0xc0, 0x00, 0x00];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];

/// The star's ten corners in a 1×1 square, clockwise from the top point. Its outer
/// radius keeps it inside the middle 80 % circle, the safe zone of a masked app icon.
fn star() -> Vec<(f64, f64)> {
    let (cx, cy, outer) = (0.5, 0.53, 0.36);
    let inner = outer * 0.382;
    (0..10)
        .map(|i| {
            let r = if i % 2 == 0 { outer } else { inner };
            let a = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::PI / 5.0;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

fn inside(poly: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut hit = false;
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        let ((xi, yi), (xj, yj)) = (poly[i], poly[j]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            hit = !hit;
        }
        j = i;
    }
    hit
}

/// The icon at `size` px, a full square (phones round the corners themselves), with
/// 4×4 samples per pixel for smooth edges.
fn draw(size: u32) -> RgbImage {
    let poly = star();
    let n = 4;
    RgbImage::from_fn(size, size, |px, py| {
        let mut covered = 0;
        for sy in 0..n {
            for sx in 0..n {
                let x = (px as f64 + (sx as f64 + 0.5) / n as f64) / size as f64;
                let y = (py as f64 + (sy as f64 + 0.5) / n as f64) / size as f64;
                covered += inside(&poly, x, y) as u32;
            }
        }
        let t = covered as f64 / (n * n) as f64;
        Rgb(std::array::from_fn(|c| {
            (RED[c] as f64 + (WHITE[c] as f64 - RED[c] as f64) * t).round() as u8
        }))
    })
}

fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), img.width(), img.height(), ExtendedColorType::Rgb8)
        .expect("PNG encoding into memory");
    out
}

fn svg() -> String {
    let points: Vec<String> =
        star().iter().map(|(x, y)| format!("{:.2},{:.2}", x * 64.0, y * 64.0)).collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">\
         <rect width=\"64\" height=\"64\" rx=\"12\" fill=\"#c00000\"/>\
         <polygon points=\"{}\" fill=\"#fff\"/></svg>\n",
        points.join(" ")
    )
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "themes/default/static".into());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("create the folder");
    std::fs::write(dir.join("favicon.svg"), svg()).expect("write favicon.svg");
    let frames: Vec<IcoFrame<'static>> = [16, 32]
        .iter()
        .map(|&s| {
            let img = draw(s);
            IcoFrame::as_png(img.as_raw(), s, s, ExtendedColorType::Rgb8).expect("ICO frame")
        })
        .collect();
    let mut ico = Vec::new();
    IcoEncoder::new(&mut ico).encode_images(&frames).expect("ICO encoding");
    std::fs::write(dir.join("favicon.ico"), ico).expect("write favicon.ico");
    for (name, size) in
        [("apple-touch-icon.png", 180), ("icon-192.png", 192), ("icon-512.png", 512)]
    {
        std::fs::write(dir.join(name), png(&draw(size))).expect("write a PNG");
    }
    eprintln!("wrote the icons into {}", dir.display());
}
