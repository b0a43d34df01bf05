//! Responsive images: real camera-size photos (made here, with an EXIF rotation and a
//! GPS position) through a whole build: sizes, orientation, stripped metadata, the
//! `<picture>` markup, the cache, bad files and `fenjin check`'s warnings.

mod common;

use std::io::Cursor;
use std::path::Path;

use common::{SiteTest, fenjin};
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage};

const RED: [u8; 3] = [220, 30, 30];
const BLUE: [u8; 3] = [30, 60, 200];

/// A 4000×3000 "photo": blue with noise (so it weighs what a camera's JPEG weighs) and
/// a red block in the stored top-left corner.
fn camera_pixels() -> RgbImage {
    let mut seed = 0x2545_f491_u32;
    RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let n = (seed % 48) as u8;
        if x < 1000 && y < 750 {
            Rgb([RED[0] - n / 2, RED[1] + n / 2, RED[2] + n / 2])
        } else {
            let g = ((x + y) / 40 % 40) as u8;
            Rgb([BLUE[0] + n / 2, BLUE[1] + g, BLUE[2] - n / 2])
        }
    })
}

/// An EXIF APP1 segment (little-endian TIFF) with Orientation = `orientation` and a
/// GPS IFD holding latitude 45°45′ N.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes()); // IFD0 at 8
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    // IFD0: 2 entries (8 + 2 + 24 + 4 = 38), GPS IFD at 38: 2 entries (2 + 24 + 4 = 30),
    // rationals at 68.
    t.extend_from_slice(&2u16.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 38);
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 68u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 68);
    for (num, den) in [(45u32, 1u32), (45, 1), (0, 1)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((2 + 6 + t.len()) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&t);
    seg
}

/// The camera photo as a JPEG with the EXIF segment right after SOI (made once).
fn camera_jpeg() -> Vec<u8> {
    static JPEG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    JPEG.get_or_init(make_camera_jpeg).clone()
}

fn make_camera_jpeg() -> Vec<u8> {
    let mut jpeg = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95);
    DynamicImage::ImageRgb8(camera_pixels()).write_with_encoder(enc).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&exif_app1(6));
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn transparent_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(600, 400, |x, _| image::Rgba([200, 0, 0, (x % 256) as u8]));
    let mut out = Vec::new();
    DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
    out
}

fn write_bytes(t: &SiteTest, rel: &str, bytes: &[u8]) {
    let p = t.root().join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn has_exif(bytes: &[u8]) -> bool {
    exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).is_ok()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file of the output whose name starts with `prefix` and ends with `ext`.
fn outputs(t: &SiteTest, dir: &str, prefix: &str, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(t.out().join(dir))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // Resized copies only (`camera.720.<key>.webp`), not the original's copy.
        .filter(|n| n.starts_with(prefix) && n.ends_with(ext) && n.matches('.').count() >= 3)
        .map(|n| {
            let b = std::fs::read(t.out().join(dir).join(&n)).unwrap();
            (n, b)
        })
        .collect();
    v.sort();
    v
}

fn cache_entries(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join(".fenjin-cache/images"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn site_with_photos() -> SiteTest {
    let t = SiteTest::new("images");
    let jpeg = camera_jpeg();
    // The fixture is what a phone writes: rotated by EXIF, with a GPS position.
    let src = exif::Reader::new().read_from_container(&mut Cursor::new(&jpeg)).unwrap();
    let orientation = src.get_field(exif::Tag::Orientation, exif::In::PRIMARY).unwrap();
    assert_eq!(orientation.value.get_uint(0), Some(6));
    assert!(src.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some());
    assert!(jpeg.len() > 2_000_000, "a camera-size JPEG, {} bytes", jpeg.len());
    write_bytes(&t, "content/news/camera.jpg", &jpeg);
    write_bytes(&t, "content/news/graphic.png", &transparent_png());
    t
}

#[test]
fn camera_photos_become_small_upright_clean_variants() {
    let t = site_with_photos();
    let out = t.build_ok(&[]);
    let err = stderr(&out);
    assert!(err.contains("images: 2 photos"), "{err}");
    assert!(err.contains("2 resized, 0 from the cache"), "{err}");

    // Every width, upright (3000×4000 after the EXIF rotation), never upscaled.
    let webps = outputs(&t, "news", "camera.", ".webp");
    let mut sizes: Vec<(u32, u32)> = webps
        .iter()
        .map(|(n, b)| {
            assert_eq!(&b[8..12], b"WEBP", "{n}");
            assert!(!has_exif(b), "{n} keeps EXIF");
            assert!(!b.windows(4).any(|w| w == b"EXIF"), "{n} has an EXIF chunk");
            image::load_from_memory(b).unwrap().dimensions()
        })
        .collect();
    sizes.sort();
    assert_eq!(sizes, vec![(320, 427), (480, 640), (720, 960), (960, 1280), (1280, 1707)]);
    let jpegs = outputs(&t, "news", "camera.", ".jpg");
    assert_eq!(jpegs.len(), 6, "five widths and the Open Graph JPEG");
    for (n, b) in &jpegs {
        assert!(!has_exif(b), "{n} keeps EXIF");
        assert!(!b.windows(6).any(|w| w == b"Exif\0\0"), "{n} has an APP1 segment");
        let img = image::load_from_memory(b).unwrap();
        // The red block stored top-left is shown top-right after rotating 90° clockwise.
        let (w, h) = img.dimensions();
        assert!(h > w, "{n} is portrait");
        let top_right = img.get_pixel(w - w / 16, h / 16);
        let top_left = img.get_pixel(w / 16, h / 16);
        assert!(top_right[0] > 150 && top_right[2] < 100, "{n}: top right is {top_right:?}");
        assert!(top_left[2] > 150 && top_left[0] < 100, "{n}: top left is {top_left:?}");
    }
    let og = jpegs.iter().find(|(n, _)| n.contains(".og.")).unwrap();
    assert_eq!(image::load_from_memory(&og.1).unwrap().dimensions(), (1200, 1600));
    let source_bytes = std::fs::metadata(t.root().join("content/news/camera.jpg")).unwrap().len();
    let phone = webps.iter().find(|(n, _)| n.contains(".720.")).unwrap();
    assert!(
        (phone.1.len() as u64) * 20 < source_bytes,
        "a phone's copy ({} B) should be a small fraction of the source ({source_bytes} B)",
        phone.1.len()
    );

    // Transparency keeps a PNG fallback.
    let pngs = outputs(&t, "news", "graphic.", ".png");
    assert_eq!(pngs.len(), 3, "{:?}", pngs.iter().map(|p| &p.0).collect::<Vec<_>>());
    assert!(image::load_from_memory(&pngs[0].1).unwrap().color().has_alpha());

    // The markup.
    let html = t.read("news/photos/index.html");
    let pictures: Vec<&str> = html.split("<picture").skip(1).collect();
    assert_eq!(pictures.len(), 2, "{html}");
    let first = pictures[0];
    assert!(
        first.contains(
            r#"<source type="image/webp" srcset="https://img.example.org/news/camera.320."#
        ),
        "{first}"
    );
    for w in ["320w", "480w", "720w", "960w", "1280w"] {
        assert!(first.contains(w), "{w} missing: {first}");
    }
    assert!(first.contains(r#"sizes="(max-width: 46rem) calc(100vw - 2rem), 44rem""#), "{first}");
    assert!(first.contains(r#"width="1280" height="1707""#), "{first}");
    assert!(first.contains(r#"alt="红色角落的测试照片""#), "{first}");
    assert!(
        first.contains(r#"fetchpriority="high""#) && !first.contains("loading="),
        "the first image is eager: {first}"
    );
    let second = pictures[1];
    assert!(second.contains(r#"loading="lazy" decoding="async""#), "{second}");
    assert!(second.contains(".png 600w"), "{second}");
    assert!(!second.contains("720w"), "never upscaled: {second}");
    // A Markdown image's title stays on the picture's <img>, escaped; none is made up.
    assert!(second.contains(r#"alt="透明背景的图形" title="图形的标题 &amp; “说明”""#), "{second}");
    assert!(!first.contains("title="), "{first}");
    let og_meta =
        format!(r#"<meta property="og:image" content="https://img.example.org/news/{}">"#, og.0);
    assert!(html.contains(&og_meta), "{html}");
}

#[test]
fn the_cache_is_reused_invalidated_by_settings_and_pruned() {
    let t = site_with_photos();
    t.build_ok(&[]);
    let first = cache_entries(&t.root());
    assert_eq!(first.len(), 2, "{first:?}");
    let meta = t.root().join(".fenjin-cache/images").join(&first[0]).join("meta.json");
    let written = std::fs::metadata(&meta).unwrap().modified().unwrap();
    let before = std::fs::read(t.out().join("news/photos/index.html")).unwrap();

    let out = t.build_ok(&[]);
    assert!(stderr(&out).contains("0 resized, 2 from the cache"), "{}", stderr(&out));
    assert_eq!(cache_entries(&t.root()), first);
    assert_eq!(std::fs::metadata(&meta).unwrap().modified().unwrap(), written);
    assert_eq!(std::fs::read(t.out().join("news/photos/index.html")).unwrap(), before);

    // Other settings: new entries, the old ones pruned.
    let yaml = std::fs::read_to_string(t.root().join("site.yaml")).unwrap();
    t.write("site.yaml", &yaml.replace("jpeg_quality: 80", "jpeg_quality: 70"));
    let out = t.build_ok(&[]);
    assert!(stderr(&out).contains("2 resized, 0 from the cache"), "{}", stderr(&out));
    let now = cache_entries(&t.root());
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(now.iter().all(|k| !first.contains(k)), "stale entries pruned: {now:?}");

    // The cache can be deleted at any time.
    std::fs::remove_dir_all(t.root().join(".fenjin-cache")).unwrap();
    let out = t.build_ok(&[]);
    assert!(stderr(&out).contains("2 resized"), "{}", stderr(&out));
    // A damaged entry is made again.
    let entry = t.root().join(".fenjin-cache/images").join(&cache_entries(&t.root())[0]);
    let victim =
        std::fs::read_dir(&entry).unwrap().flatten().find(|e| e.file_name() != "meta.json");
    std::fs::write(victim.unwrap().path(), b"x").unwrap();
    let out = t.build_ok(&[]);
    assert!(stderr(&out).contains("1 resized, 1 from the cache"), "{}", stderr(&out));
}

fn build_err(t: &SiteTest) -> String {
    let out = t.build(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!t.out().exists(), "nothing is written");
    stderr(&out)
}

#[test]
fn bad_images_name_the_page_and_the_file() {
    let t = SiteTest::new("images");
    let jpeg = camera_jpeg();
    write_bytes(&t, "content/news/camera.jpg", &jpeg[..jpeg.len() / 2]);
    write_bytes(&t, "content/news/graphic.png", &transparent_png());
    let err = build_err(&t);
    assert!(err.contains("error[E0702]: cannot use the image `content/news/camera.jpg`: the image is damaged or incomplete"), "{err}");
    assert!(err.contains("--> content/news/photos.md:4:"), "the front-matter line: {err}");
    assert!(err.contains("--> content/news/photos.md:8:1"), "the Markdown line: {err}");

    // 20000×20000: refused from the header, without allocating the pixels.
    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&20000u32.to_be_bytes());
    ihdr.extend_from_slice(&20000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    for (chunk, len) in [
        (ihdr, 13u32),
        (b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01".to_vec(), 8),
        (b"IEND".to_vec(), 0),
    ] {
        huge.extend_from_slice(&len.to_be_bytes());
        huge.extend_from_slice(&chunk);
        huge.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    write_bytes(&t, "content/news/camera.jpg", &camera_jpeg_small());
    write_bytes(&t, "content/news/graphic.png", &huge);
    let err = build_err(&t);
    assert!(err.contains("cannot use the image `content/news/graphic.png`: the image is 20000×20000 pixels (400 megapixels); the limit is 50 megapixels"), "{err}");

    // An unsupported format, and a file that does not exist.
    write_bytes(&t, "content/news/graphic.png", &transparent_png());
    write_bytes(&t, "content/news/scan.bmp", b"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0");
    t.write(
        "content/news/more.md",
        "---\ntitle: 更多\n---\n![扫描件](scan.bmp)\n\n![不存在](camra.jpg)\n",
    );
    let err = build_err(&t);
    assert!(err.contains("error[E0702]: cannot use the image `content/news/scan.bmp`: BMP images are not supported"), "{err}");
    assert!(err.contains("--> content/news/more.md:4:1"), "{err}");
    assert!(
        err.contains("error[E0701]: the image `content/news/camra.jpg` does not exist"),
        "{err}"
    );
    assert!(err.contains("did you mean `content/news/camera.jpg`?"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn camera_jpeg_small() -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_pixel(800, 600, Rgb(BLUE)))
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
        .unwrap();
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

#[test]
fn check_warns_about_alt_text_large_sources_and_unused_images() {
    let t = SiteTest::new("images");
    write_bytes(&t, "content/news/camera.jpg", &camera_jpeg_small());
    write_bytes(&t, "content/news/graphic.png", &transparent_png());
    write_bytes(&t, "content/news/unused.jpg", &camera_jpeg_small());
    t.write("content/news/noalt.md", "---\ntitle: 无描述\ndescription: x\n---\n![](camera.jpg)\n");
    let yaml = std::fs::read_to_string(t.root().join("site.yaml")).unwrap();
    t.write("site.yaml", &format!("{yaml}  max_source_bytes: 100\n"));
    let root = t.root();
    let out = fenjin(
        &["check", "--root", root.to_str().unwrap(), "--format", "json", "--now", "2026-11-24"],
        t.dir.path(),
    );
    let json = String::from_utf8_lossy(&out.stdout);
    let has = |code: &str, file: &str| {
        json.lines().any(|l| {
            l.contains(&format!(r#""code":"{code}""#)) && l.contains(&format!(r#""file":"{file}""#))
        })
    };
    assert!(has("W0402", "content/news/noalt.md"), "{json}");
    assert!(json.contains("the image `content/news/camera.jpg` has no text alternative"), "{json}");
    assert!(has("W0701", "content/news/graphic.png"), "{json}");
    assert!(has("W0702", "content/news/unused.jpg"), "{json}");
    assert!(!has("W0702", "content/news/camera.jpg"), "{json}");
    assert!(!has("W0702", "content/news/graphic.png"), "{json}");
}
