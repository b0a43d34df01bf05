//! Writes a test site with N camera-size photos (4000×3000 JPEGs of 3–5 MB with noise
//! like a sensor's, EXIF orientation 6 and a GPS position) for `benches/images.sh`.
//!
//! ```sh
//! cargo run --release --example bench_photos -- /tmp/photo-site 20
//! ```

use std::path::Path;

use image::{DynamicImage, Rgb, RgbImage};

/// EXIF APP1: Orientation = 6 and a GPS IFD with a latitude, little-endian TIFF.
fn exif_app1() -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        for b in [&tag.to_le_bytes()[..], &kind.to_le_bytes(), &count.to_le_bytes(), &value] {
            t.extend_from_slice(b);
        }
    };
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0112, 3, 1, [6, 0, 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_le_bytes());
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 68u32.to_le_bytes());
    t.extend_from_slice(&[0; 4]);
    for v in [45u32, 1, 45, 1, 0, 1] {
        t.extend_from_slice(&v.to_le_bytes());
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((8 + t.len()) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&t);
    seg
}

fn photo(seed: u32) -> Vec<u8> {
    let mut s = seed.wrapping_mul(2_654_435_761) | 1;
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        let n = (s % 40) as i32 - 20;
        let sky = y < 1200 + ((x as f32 / 300.0 + seed as f32).sin() * 200.0) as u32;
        let base: [i32; 3] = if sky {
            [90 + (y / 30) as i32, 140 + (y / 40) as i32, 220]
        } else {
            [60 + (x / 60 % 50) as i32, 110 + (y / 50 % 60) as i32, 50]
        };
        Rgb(base.map(|c| (c + n).clamp(0, 255) as u8))
    });
    let mut jpeg = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92);
    DynamicImage::ImageRgb8(img).write_with_encoder(enc).expect("encode");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&exif_app1());
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().expect("usage: bench_photos DIR [N]");
    let n: u32 = args.next().map_or(20, |s| s.parse().expect("N is a number"));
    let root = Path::new(&root);
    let photos = root.join("content/photos");
    std::fs::create_dir_all(&photos).expect("mkdir");
    let w = |p: &Path, s: &str| std::fs::write(p, s).expect("write");
    w(
        &root.join("site.yaml"),
        "base_url: https://photos.example.org\nlanguages:\n  zh: {hreflang: zh-Hans, title: 照片}\n",
    );
    w(&root.join("content/_index.md"), "---\ntitle: 首页\n---\n");
    w(&photos.join("_index.md"), "---\ntitle: 照片\n---\n");
    let mut total = 0;
    for i in 0..n {
        let bytes = photo(i + 1);
        total += bytes.len();
        std::fs::write(photos.join(format!("p{i:02}.jpg")), &bytes).expect("write");
        w(
            &photos.join(format!("p{i:02}.md")),
            &format!("---\ntitle: 照片 {i}\n---\n![现场照片 {i}](p{i:02}.jpg)\n"),
        );
    }
    println!("{n} photos, {:.1} MB, in {}", total as f64 / 1e6, root.display());
}
