//! One source image into its variants: read the header and refuse what is too large
//! before decoding, decode within memory limits, apply the EXIF orientation, convert to
//! sRGB, resize, encode.
//!
//! Encoding starts from decoded pixels, so no EXIF, GPS or other metadata of the source
//! can reach an output file. WebP is lossy (libwebp through the `webp` crate: the
//! `image` crate's own WebP encoder is lossless only, which makes photos larger than
//! the JPEG); JPEG comes from the `image` crate; PNG is kept for graphics with
//! transparency, since JPEG has none.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use rayon::prelude::*;

use crate::config::ImageSettings;

/// One width of an image, encoded.
#[derive(Debug)]
pub struct Encoded {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Lossy WebP.
    pub webp: Vec<u8>,
    /// JPEG, or PNG when the image has transparency.
    pub fallback: Vec<u8>,
}

/// Every output of one source image.
#[derive(Debug)]
pub struct Output {
    /// Width of the source after orientation.
    pub width: u32,
    /// Height of the source after orientation.
    pub height: u32,
    /// Whether the fallback is PNG (the image has transparent pixels).
    pub png: bool,
    /// The widths, smallest first.
    pub variants: Vec<Encoded>,
    /// The Open Graph JPEG: width, height, bytes.
    pub og: (u32, u32, Vec<u8>),
}

/// Why an image cannot be used: a message and a hint for the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Problem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem { message: message.into(), hint: hint.into() }
    }
}

const SAVE_AS: &str =
    "save it as JPEG (photos) or PNG (graphics, screenshots) and link that file instead";

/// The widths to make for a source `width` pixels wide: every configured width below
/// it, and the source width itself when a configured width is larger (never upscaled).
pub fn target_widths(width: u32, settings: &ImageSettings) -> Vec<u32> {
    let mut out: Vec<u32> = settings.sorted_widths().into_iter().filter(|w| *w < width).collect();
    if settings.sorted_widths().iter().any(|w| *w >= width) || out.is_empty() {
        out.push(width);
    }
    out
}

/// Decodes `bytes` and makes every variant.
pub fn process(bytes: &[u8], settings: &ImageSettings) -> Result<Output, Problem> {
    let img = decode(bytes, settings)?;
    let (width, height) = (img.width(), img.height());
    let png = has_transparency(&img);
    let img = if png { DynamicImage::ImageRgba8(img.into_rgba8()) } else { img };
    let variants = target_widths(width, settings)
        .into_par_iter()
        .map(|w| {
            let scaled = resize(&img, w)?;
            let webp = encode_webp(&scaled, settings.webp_quality);
            let fallback = if png { encode_png(&scaled)? } else { encode_jpeg(&scaled, settings)? };
            Ok(Encoded { width: scaled.width(), height: scaled.height(), webp, fallback })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    let og_img = resize(&img, settings.og_width.min(width))?;
    let og_img = if png { flatten_on_white(&og_img) } else { og_img };
    let og = (og_img.width(), og_img.height(), encode_jpeg(&og_img, settings)?);
    Ok(Output { width, height, png, variants, og })
}

/// Reads the header, refuses formats and sizes fenjin does not take, then decodes,
/// orients and converts to 8-bit sRGB.
pub fn decode(bytes: &[u8], settings: &ImageSettings) -> Result<DynamicImage, Problem> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Problem::new(format!("cannot read the image: {e}"), SAVE_AS))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        Some(f) => {
            let name = f.extensions_str().first().copied().unwrap_or("this").to_uppercase();
            return Err(Problem::new(
                format!(
                    "{name} images are not supported (browsers cannot all show them, and fenjin cannot resize them)"
                ),
                SAVE_AS,
            ));
        }
        None => {
            return Err(Problem::new(
                "the file is not a JPEG, PNG or WebP image (its first bytes match no image format)",
                SAVE_AS,
            ));
        }
    }
    if reader.format() == Some(ImageFormat::Jpeg) && !jpeg_is_complete(bytes) {
        // The JPEG decoder fills a cut-short file with grey instead of failing.
        return Err(Problem::new(
            "the image is damaged or incomplete: the JPEG data ends before its end marker",
            "copy the file again from the camera or phone (it was cut short), or open and re-save it",
        ));
    }
    let mut limits = Limits::default();
    // Room for the decoded pixels at 16 bits per channel, plus the decoder's buffers.
    limits.max_alloc = Some(settings.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let too_large = |w: u64, h: u64| {
        Problem::new(
            format!(
                "the image is {w}×{h} pixels ({:.0} megapixels); the limit is {:.0} megapixels",
                (w * h) as f64 / 1e6,
                settings.max_pixels as f64 / 1e6
            ),
            "scale it down to camera size (4000×3000 is plenty) and save it again, or raise `images.max_pixels` in site.yaml",
        )
    };
    let mut decoder = reader.into_decoder().map_err(|e| problem_of(&e))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > settings.max_pixels {
        return Err(too_large(w.into(), h.into()));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| problem_of(&e))?;
    img.apply_orientation(orientation);
    let img = match img {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => img,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.into_rgba8()),
        other => DynamicImage::ImageRgb8(other.into_rgb8()),
    };
    Ok(match icc {
        Some(profile) => to_srgb(img, &profile),
        None => img,
    })
}

/// Whether a JPEG has its end-of-image marker after the start of its last scan. In
/// entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker, so
/// `FF D9` there can only be the real end; an EXIF thumbnail's own markers come before
/// the main image's scans.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(at) => bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

fn problem_of(e: &ImageError) -> Problem {
    match e {
        ImageError::Limits(_) => Problem::new(
            format!("the image needs more memory to decode than fenjin allows ({e})"),
            "scale it down to camera size (4000×3000 is plenty) and save it again",
        ),
        ImageError::Unsupported(_) => {
            Problem::new(format!("the image uses a feature fenjin cannot read: {e}"), SAVE_AS)
        }
        _ => Problem::new(
            format!("the image is damaged or incomplete: {e}"),
            "copy the file again from the camera or phone (it may have been cut short), or open and re-save it",
        ),
    }
}

/// Converts pixels in the source's ICC colour space to sRGB (what browsers assume for
/// untagged images). A profile that cannot be read is taken to be sRGB.
fn to_srgb(img: DynamicImage, icc: &[u8]) -> DynamicImage {
    use moxcms::{ColorProfile, Layout, TransformOptions};
    let Ok(src) = ColorProfile::new_from_slice(icc) else { return img };
    let dst = ColorProfile::new_srgb();
    let (layout, alpha) = match &img {
        DynamicImage::ImageRgba8(_) => (Layout::Rgba, true),
        _ => (Layout::Rgb, false),
    };
    let Ok(transform) =
        src.create_transform_8bit(layout, &dst, layout, TransformOptions::default())
    else {
        return img;
    };
    let (w, h) = (img.width(), img.height());
    let pixels = if alpha { img.to_rgba8().into_raw() } else { img.to_rgb8().into_raw() };
    let mut out = vec![0u8; pixels.len()];
    if transform.transform(&pixels, &mut out).is_err() {
        return img;
    }
    let converted = if alpha {
        image::RgbaImage::from_raw(w, h, out).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(w, h, out).map(DynamicImage::ImageRgb8)
    };
    converted.unwrap_or(img)
}

fn has_transparency(img: &DynamicImage) -> bool {
    match img {
        DynamicImage::ImageRgba8(b) => b.pixels().any(|p| p.0[3] < 255),
        _ => false,
    }
}

fn resize(img: &DynamicImage, width: u32) -> Result<DynamicImage, Problem> {
    if width >= img.width() {
        return Ok(img.clone());
    }
    let height = ((u64::from(img.height()) * u64::from(width) + u64::from(img.width()) / 2)
        / u64::from(img.width()))
    .max(1) as u32;
    let mut dst = DynamicImage::new(width, height, img.color());
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(img, &mut dst, &opts)
        .map_err(|e| Problem::new(format!("cannot resize the image: {e}"), SAVE_AS))?;
    Ok(dst)
}

fn encode_webp(img: &DynamicImage, quality: f32) -> Vec<u8> {
    let (w, h) = (img.width(), img.height());
    match img {
        DynamicImage::ImageRgba8(b) => webp::Encoder::from_rgba(b.as_raw(), w, h).encode(quality),
        _ => webp::Encoder::from_rgb(img.as_bytes(), w, h).encode(quality),
    }
    .to_vec()
}

fn encode_jpeg(img: &DynamicImage, settings: &ImageSettings) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, settings.jpeg_quality);
    rgb.write_with_encoder(enc)
        .map_err(|e| Problem::new(format!("cannot encode a JPEG: {e}"), SAVE_AS))?;
    Ok(out)
}

fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::new();
    let enc = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    );
    img.write_with_encoder(enc)
        .map_err(|e| Problem::new(format!("cannot encode a PNG: {e}"), SAVE_AS))?;
    Ok(out)
}

fn flatten_on_white(img: &DynamicImage) -> DynamicImage {
    let mut rgb = image::RgbImage::new(img.width(), img.height());
    for (dst, src) in rgb.pixels_mut().zip(img.to_rgba8().pixels()) {
        let a = u16::from(src.0[3]);
        for c in 0..3 {
            dst.0[c] = ((u16::from(src.0[c]) * a + 255 * (255 - a)) / 255) as u8;
        }
    }
    DynamicImage::ImageRgb8(rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problem of a refused image (a decoded one is not printed: it is megabytes).
    fn refused(r: Result<DynamicImage, Problem>) -> Problem {
        match r {
            Ok(_) => panic!("the image was decoded"),
            Err(p) => p,
        }
    }

    fn settings() -> ImageSettings {
        ImageSettings::default()
    }

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .unwrap();
        out
    }

    /// A 16×16 PNG of one colour, tagged with the ICC profile `icc`.
    fn tagged_png(rgb: [u8; 3], icc: Vec<u8>) -> Vec<u8> {
        use image::ImageEncoder;
        let img = image::RgbImage::from_pixel(16, 16, image::Rgb(rgb));
        let mut out = Vec::new();
        let mut enc = image::codecs::png::PngEncoder::new(&mut out);
        enc.set_icc_profile(icc).unwrap();
        enc.write_image(img.as_raw(), 16, 16, image::ExtendedColorType::Rgb8).unwrap();
        out
    }

    #[test]
    fn colours_are_converted_to_srgb() {
        let green = [40, 200, 60];
        let adobe = moxcms::ColorProfile::new_adobe_rgb().encode().unwrap();
        let img = decode(&tagged_png(green, adobe), &settings()).map_err(|p| p.message).unwrap();
        let px = img.to_rgb8().get_pixel(8, 8).0;
        // Adobe RGB's green is more saturated than sRGB's: the same numbers mean a
        // greener colour, so sRGB needs less red and blue for it.
        assert!(px[0] + 10 < green[0] && px[1] >= green[1], "{px:?}");
        let srgb = moxcms::ColorProfile::new_srgb().encode().unwrap();
        let img = decode(&tagged_png(green, srgb), &settings()).map_err(|p| p.message).unwrap();
        let px = img.to_rgb8().get_pixel(8, 8).0;
        assert!(px.iter().zip(green).all(|(a, b)| a.abs_diff(b) <= 2), "{px:?}");
        // The outputs are untagged sRGB: no ICC profile of the source goes along.
        let out = process(
            &tagged_png(green, moxcms::ColorProfile::new_adobe_rgb().encode().unwrap()),
            &settings(),
        )
        .map_err(|p| p.message)
        .unwrap();
        assert!(!out.variants[0].fallback.windows(11).any(|w| w == b"ICC_PROFILE"));
        assert!(!out.variants[0].webp.windows(4).any(|w| w == b"ICCP"));
    }

    #[test]
    fn widths_never_upscale() {
        let s = settings();
        assert_eq!(target_widths(4000, &s), vec![320, 480, 720, 960, 1280]);
        assert_eq!(target_widths(1000, &s), vec![320, 480, 720, 960, 1000]);
        assert_eq!(target_widths(200, &s), vec![200]);
        assert_eq!(target_widths(1280, &s), vec![320, 480, 720, 960, 1280]);
    }

    #[test]
    fn makes_every_width_and_an_og_jpeg() {
        let out = process(&jpeg(1500, 1000), &settings()).unwrap();
        let widths: Vec<u32> = out.variants.iter().map(|v| v.width).collect();
        assert_eq!(widths, vec![320, 480, 720, 960, 1280]);
        assert_eq!(out.variants[0].height, 213);
        assert!(!out.png);
        assert_eq!(&out.variants[0].webp[8..12], b"WEBP");
        assert_eq!(&out.variants[0].fallback[..2], &[0xFF, 0xD8]);
        assert_eq!((out.og.0, out.og.1), (1200, 800));
    }

    #[test]
    fn transparent_png_falls_back_to_png() {
        let img = image::RgbaImage::from_fn(64, 64, |x, _| image::Rgba([200, 0, 0, (x * 4) as u8]));
        let mut bytes = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        let out = process(&bytes, &settings()).unwrap();
        assert!(out.png);
        assert_eq!(&out.variants[0].fallback[1..4], b"PNG");
        assert_eq!(&out.og.2[..2], &[0xFF, 0xD8]);
    }

    /// A PNG that is only a signature and an IHDR claiming `w`×`h` pixels.
    pub(crate) fn png_header(w: u32, h: u32) -> Vec<u8> {
        let crc32 = |data: &[u8]| {
            let mut crc = flate2::Crc::new();
            crc.update(data);
            crc.sum()
        };
        let mut chunk = b"IHDR".to_vec();
        chunk.extend_from_slice(&w.to_be_bytes());
        chunk.extend_from_slice(&h.to_be_bytes());
        chunk.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
        // One IDAT with an empty zlib stream, then IEND: the decoder reads the header
        // and stops at the first IDAT, so only the pixel data is missing.
        for (name, data) in
            [(&b"IDAT"[..], &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01][..]), (b"IEND", &[])]
        {
            let mut chunk = name.to_vec();
            chunk.extend_from_slice(data);
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            png.extend_from_slice(&chunk);
            png.extend_from_slice(&crc32(&chunk).to_be_bytes());
        }
        png
    }

    #[test]
    fn refuses_huge_images_from_the_header() {
        // 20000×20000 RGBA would need 1.6 GB: refused before any pixel is decoded.
        let p = refused(decode(&png_header(20000, 20000), &settings()));
        assert!(p.message.contains("20000×20000"), "{}", p.message);
    }

    #[test]
    fn truncated_and_unknown_files_are_problems_not_panics() {
        let bytes = jpeg(800, 600);
        let p = refused(decode(&bytes[..bytes.len() / 3], &settings()));
        assert!(p.message.contains("damaged or incomplete"), "{}", p.message);
        let p = refused(decode(b"hello, not an image", &settings()));
        assert!(p.message.contains("not a JPEG, PNG or WebP"), "{}", p.message);
        let p = refused(decode(b"BM\x00\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", &settings()));
        assert!(p.message.contains("BMP images are not supported"), "{}", p.message);
    }
}
