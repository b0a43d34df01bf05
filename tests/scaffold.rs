//! `fenjin init`, `fenjin new` and `fenjin build --compress`.

mod common;

use std::io::Read;

use common::{SiteTest, fenjin, stderr, tree};

#[test]
fn init_makes_a_site_that_builds_with_only_the_binary() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("mysite");
    let o = fenjin(&["init", dir.to_str().unwrap()], scratch.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("site.yaml").is_file());
    assert!(
        dir.join("themes/default/templates/base.html").is_file(),
        "the embedded theme is written out to be edited"
    );
    let o = fenjin(&["build", "--root", dir.to_str().unwrap()], scratch.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("public/index.html").is_file());
    assert!(dir.join("public/en/about/index.html").is_file());
    // Never into a folder with something in it.
    let o = fenjin(&["init", dir.to_str().unwrap()], scratch.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));
}

#[test]
fn new_writes_every_field_of_each_kind_with_comments_and_never_overwrites() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("site");
    assert!(fenjin(&["init", dir.to_str().unwrap()], scratch.path()).status.success());
    let root = dir.to_str().unwrap();
    for (kind, folder, field) in [
        ("notice", "announcements", "doc_number: \"\"  # 发文字号"),
        ("lecturer", "lecturers", "name: \"\"  # 姓名（必填）"),
        ("city", "cities", "feature: \"\"  # 特色活动名称（必填）"),
        ("activity", "activities", "how_to_join: \"\"  # 参与方式（必填）"),
    ] {
        let o = fenjin(&["new", kind, "sample", "--root", root], scratch.path());
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        let zh = std::fs::read_to_string(dir.join(format!("content/{folder}/sample.md"))).unwrap();
        assert!(zh.contains(field), "{kind}: {zh}");
        assert!(zh.contains("draft: true  # 草稿"), "{zh}");
        let en =
            std::fs::read_to_string(dir.join(format!("content/{folder}/sample.en.md"))).unwrap();
        assert!(en.contains("# title (required)"), "{en}");
        let index =
            std::fs::read_to_string(dir.join(format!("content/{folder}/_index.md"))).unwrap();
        assert!(index.contains(&format!("kind: {kind}")), "{index}");
        // A second time is refused and changes nothing.
        let o = fenjin(&["new", kind, "sample", "--root", root], scratch.path());
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("already exists; fenjin new never overwrites a file"));
        assert_eq!(
            std::fs::read_to_string(dir.join(format!("content/{folder}/sample.md"))).unwrap(),
            zh
        );
    }
    // The scaffolds are valid content: the site still builds (they are drafts).
    let o = fenjin(&["build", "-v", "--root", root], scratch.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("left out: content/lecturers/sample.md: draft"));

    let o = fenjin(&["new", "poster", "x", "--root", root], scratch.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`poster` is not a content kind"));
    let o = fenjin(&["new", "page", "a b", "--root", root], scratch.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn compress_writes_gzip_and_brotli_copies_that_decompress_to_the_originals() {
    let t = SiteTest::new("kitchen-sink");
    t.build_ok(&["--compress"]);
    let files = tree(&t.out());
    let mut checked = 0;
    for (path, bytes) in &files {
        let is_text = [".html", ".css", ".xml", ".txt", ".svg"].iter().any(|e| path.ends_with(e));
        if !is_text || bytes.len() < 256 {
            continue;
        }
        let gz = files.get(&format!("{path}.gz")).unwrap_or_else(|| panic!("no {path}.gz"));
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut back).unwrap();
        assert!(back == *bytes, "{path}.gz differs");
        let br = files.get(&format!("{path}.br")).unwrap_or_else(|| panic!("no {path}.br"));
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut back).unwrap();
        assert!(back == *bytes, "{path}.br differs");
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
    // Images are not compressed again.
    assert!(
        !files.contains_key("news/bundle/photo.svg.gz")
            || files["news/bundle/photo.svg"].len() >= 256
    );
}
