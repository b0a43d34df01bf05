//! Measures gzip and Brotli levels on a built site, to choose `--compress`'s levels.
//!
//! ```sh
//! cargo run --release --example compress_levels -- public/
//! ```
//!
//! Reads every file `--compress` would compress (text, 256 bytes or more) under the folder
//! and prints, per codec and level, the total compressed bytes and the time on one core
//! (the build compresses on every core).

use std::io::Write;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: compress_levels SITE_OUTPUT_DIR");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&dir).into_iter().flatten() {
        let rel = e.path().to_string_lossy().into_owned();
        if e.file_type().is_file()
            && fenjin::output::compress::is_text(&rel)
            && !rel.ends_with(".gz")
            && !rel.ends_with(".br")
        {
            let bytes = std::fs::read(e.path()).expect("readable");
            if bytes.len() >= fenjin::output::compress::MIN_BYTES {
                files.push(bytes);
            }
        }
    }
    let raw: usize = files.iter().map(Vec::len).sum();
    println!("{} files, {} bytes uncompressed", files.len(), raw);
    println!("| codec | level | bytes | % of gzip -9 | seconds (1 core) |");
    println!("| --- | --- | ---: | ---: | ---: |");
    let measure = |f: &dyn Fn(&[u8]) -> usize| {
        let t = Instant::now();
        let total: usize = files.iter().map(|b| f(b)).sum();
        (total, t.elapsed().as_secs_f64())
    };
    let gzip = |level: u32| {
        move |b: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
            e.write_all(b).unwrap();
            e.finish().unwrap().len()
        }
    };
    let (gzip9, _) = measure(&gzip(9));
    for level in [6, 9] {
        let (bytes, secs) = measure(&gzip(level));
        let pct = 100.0 * bytes as f64 / gzip9 as f64;
        println!("| gzip | {level} | {bytes} | {pct:.1} | {secs:.2} |");
    }
    for q in [5, 6, 7, 8, 9, 10, 11] {
        let (bytes, secs) = measure(&|b: &[u8]| {
            fenjin::output::compress::brotli_at(b, q).expect("in memory").len()
        });
        let pct = 100.0 * bytes as f64 / gzip9 as f64;
        println!("| brotli | {q} | {bytes} | {pct:.1} | {secs:.2} |");
    }
}
