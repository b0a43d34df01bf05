//! Precompressed copies for servers that serve them (nginx `gzip_static` and
//! `brotli_static`, most CDNs): `--compress` writes `x.gz` and `x.br` beside each text
//! file. Both are deterministic (gzip with no name and a zero timestamp), so two builds
//! stay byte-identical.

use std::io::{self, Write};
use std::path::Path;

use super::Sink;

/// File types worth compressing.
const TEXT: &[&str] =
    &["html", "css", "js", "xml", "txt", "json", "webmanifest", "svg", "ics", "csv", "md", "map"];

fn is_text(rel: &str) -> bool {
    rel.rsplit_once('.').is_some_and(|(_, ext)| TEXT.contains(&ext.to_ascii_lowercase().as_str()))
}

/// gzip at the best level, with no file name and a zero modification time.
pub fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
    enc.write_all(bytes)?;
    enc.finish()
}

/// Brotli at quality 11 with a 4 MiB window (what `brotli_static` expects).
pub fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes)?;
    }
    Ok(out)
}

/// Wraps a sink: every text file is also written as `.gz` and `.br`.
pub struct CompressingSink<'a> {
    inner: &'a dyn Sink,
}

impl<'a> CompressingSink<'a> {
    /// Compresses into `inner`.
    pub fn new(inner: &'a dyn Sink) -> Self {
        CompressingSink { inner }
    }
}

impl Sink for CompressingSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(rel, bytes)?;
        // Tiny files gain nothing and cost a request's worth of overhead to look up.
        if is_text(rel) && bytes.len() >= 256 {
            self.inner.write(&format!("{rel}.gz"), &gzip(bytes)?)?;
            self.inner.write(&format!("{rel}.br"), &brotli(bytes)?)?;
        }
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        if is_text(rel) {
            let bytes = std::fs::read(from)?;
            self.write(rel, &bytes)
        } else {
            self.inner.copy(rel, from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn both_round_trip_and_are_deterministic() {
        let text = "全省职工喜迎二十大。".repeat(100);
        let gz = gzip(text.as_bytes()).unwrap();
        assert_eq!(gz, gzip(text.as_bytes()).unwrap());
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
        let br = brotli(text.as_bytes()).unwrap();
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut back).unwrap();
        assert_eq!(back, text.as_bytes());
        assert!(br.len() < text.len() / 5);
    }

    #[test]
    fn only_text_files() {
        assert!(is_text("a/index.html"));
        assert!(is_text("calendar.ics"));
        assert!(!is_text("photo.jpg"));
    }
}
