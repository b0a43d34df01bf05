//! Integration tests of the errors `fenjin build` reports: one small fixture site per
//! class of mistake (`tests/sites/err-*/`), built by the real binary. Each test asserts
//! the exit code (1 for content and template errors, 2 for usage errors), that nothing
//! was written, and the exact text printed on stderr (an insta snapshot, with the
//! temporary folder shown as `[ROOT]`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::copy_tree;

/// What one run of `fenjin build` did.
struct Run {
    /// Exit code.
    code: i32,
    /// stderr, with the temporary folder replaced by `[ROOT]`.
    stderr: String,
    /// stdout, likewise.
    stdout: String,
    /// Entries left in the scratch folder besides `site/` and `home/` (the output
    /// folder, a staging folder…): must be empty after a failed build.
    leftovers: Vec<String>,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name)
}

/// Runs `fenjin build --root <scratch>/site --output <scratch>/public --now 2026-11-24`
/// plus `extra` (a `--root` or `--now` in `extra` replaces the default one). `site` is the fixture
/// to copy into `<scratch>/site`; `None` leaves `<scratch>/site` an empty folder.
fn build(site: Option<&str>, extra: &[&str]) -> Run {
    let scratch = tempfile::tempdir().expect("tempdir");
    let root = scratch.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    if let Some(name) = site {
        let src = fixture(name);
        assert!(src.is_dir(), "no fixture {}", src.display());
        copy_tree(&src, &root);
    }
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = scratch.path().join("public");
    let mut args = vec!["build".to_owned(), "--output".to_owned(), out.display().to_string()];
    if !extra.contains(&"--root") {
        args.extend(["--root".to_owned(), root.display().to_string()]);
    }
    if !extra.contains(&"--now") {
        args.extend(["--now".to_owned(), "2026-11-24".to_owned()]);
    }
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let output = Command::new(env!("CARGO_BIN_EXE_fenjin"))
        .args(&args)
        .current_dir(scratch.path())
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .output()
        .expect("run fenjin");
    let clean = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let mut text = text.replace(&scratch.path().display().to_string(), "[ROOT]");
        if let Ok(real) = scratch.path().canonicalize() {
            text = text.replace(&real.display().to_string(), "[ROOT]");
        }
        text
    };
    let mut leftovers: Vec<String> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site" && n != "home")
        .collect();
    leftovers.sort();
    Run {
        // A signal (a crash) has no code: -1 never equals 1 or 2.
        code: output.status.code().unwrap_or(-1),
        stderr: clean(&output.stderr),
        stdout: clean(&output.stdout),
        leftovers,
    }
}

/// Builds the fixture `name`, asserts the build failed with `code` and wrote nothing,
/// and returns stderr.
fn fails(name: &str, extra: &[&str], code: i32) -> String {
    fails_with(Some(name), extra, code)
}

fn fails_with(site: Option<&str>, extra: &[&str], code: i32) -> String {
    let run = build(site, extra);
    assert_eq!(
        run.code, code,
        "{site:?} {extra:?}: expected exit code {code}, got {}\nstderr:\n{}",
        run.code, run.stderr
    );
    assert!(
        run.leftovers.is_empty(),
        "{site:?}: a failed build left {:?} behind\nstderr:\n{}",
        run.leftovers,
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{site:?}: unexpected stdout:\n{}", run.stdout);
    assert!(!run.stderr.contains("panicked"), "{site:?}: fenjin panicked:\n{}", run.stderr);
    run.stderr
}

/// The first line of every diagnostic (`error[E…]: …`).
fn headlines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("error[") || l.starts_with("warning[")).collect()
}

/// The `file:line:col` of every `--> ` line, in order.
fn locations(stderr: &str) -> Vec<&str> {
    stderr.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).collect()
}

/// Asserts that stderr ends with the summary line for `errors` errors.
fn assert_summary(stderr: &str, errors: usize) {
    let last = stderr.trim_end().lines().last().unwrap_or("");
    assert_eq!(last, format!("{errors} error(s), 0 warning(s); nothing was written"), "{stderr}");
    assert_eq!(headlines(stderr).len(), errors, "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Front matter

#[test]
fn full_width_colon_after_a_key() {
    let e = fails("err-full-width-colon", &[], 1);
    assert_summary(&e, 1);
    assert_eq!(locations(&e), ["content/about.md:2:6"]);
    insta::assert_snapshot!("err_full_width_colon", e);
}

#[test]
fn tab_used_for_indentation() {
    let e = fails("err-tab-indent", &[], 1);
    assert_summary(&e, 1);
    assert_eq!(locations(&e), ["content/models.md:4:1"]);
    insta::assert_snapshot!("err_tab_indent", e);
}

#[test]
fn yes_where_a_boolean_is_expected() {
    let e = fails("err-draft-yes", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("write `true` or `false`"), "{e}");
    insta::assert_snapshot!("err_draft_yes", e);
}

#[test]
fn dates_that_do_not_parse() {
    let e = fails("err-bad-date", &[], 1);
    assert_summary(&e, 2);
    assert_eq!(locations(&e), ["content/launch.md:3:7", "content/report.md:4:7"]);
    assert!(e.contains("months and days need two digits"), "{e}");
    assert!(e.contains("Chinese date notation is for display only"), "{e}");
    insta::assert_snapshot!("err_bad_date", e);
}

#[test]
fn list_where_text_is_expected() {
    let e = fails("err-list-for-string", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("not a list"), "{e}");
    insta::assert_snapshot!("err_list_for_string", e);
}

#[test]
fn unknown_field_suggests_the_closest() {
    let e = fails("err-unknown-field", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("did you mean `description`?"), "{e}");
    insta::assert_snapshot!("err_unknown_field", e);
}

#[test]
fn front_matter_never_closed() {
    let e = fails("err-unclosed", &[], 1);
    assert_summary(&e, 1);
    assert_eq!(locations(&e), ["content/about.md:1:1"]);
    assert!(e.contains("begins on line 1"), "{e}");
    insta::assert_snapshot!("err_unclosed", e);
}

#[test]
fn no_front_matter_at_all() {
    let e = fails("err-no-front-matter", &[], 1);
    assert_summary(&e, 1);
    insta::assert_snapshot!("err_no_front_matter", e);
}

#[test]
fn missing_title() {
    let e = fails("err-missing-title", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("`title`"), "{e}");
    insta::assert_snapshot!("err_missing_title", e);
}

#[test]
fn full_width_colon_in_text_is_not_blamed() {
    // `- 劳模：张三` is a valid list item (text); the error is `draft: yes` on line 5.
    let e = fails("err-colon-in-list-item", &[], 1);
    assert_summary(&e, 1);
    insta::assert_snapshot!("err_colon_in_list_item", e);
}

#[test]
fn duplicate_key() {
    let e = fails("err-duplicate-key", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("`title` is given twice"), "{e}");
    insta::assert_snapshot!("err_duplicate_key", e);
}

#[test]
fn value_not_among_the_choices() {
    let e = fails("err-unknown-variant", &[], 1);
    assert_summary(&e, 1);
    assert_eq!(locations(&e), ["content/news/_index.md:3:10"]);
    insta::assert_snapshot!("err_unknown_variant", e);
}

#[test]
fn crlf_and_bom_keep_line_numbers() {
    // Both files start with a byte-order mark and have CRLF line ends.
    for f in ["about.md", "news.md"] {
        let bytes = std::fs::read(fixture("err-crlf-bom").join("content").join(f)).unwrap();
        assert!(bytes.starts_with(b"\xef\xbb\xbf---\r\n"), "{f} lost its BOM or CRLF in git");
    }
    let e = fails("err-crlf-bom", &[], 1);
    assert_summary(&e, 2);
    let locs = locations(&e);
    assert!(locs[0].starts_with("content/about.md:4:"), "{e}");
    assert!(locs[1].starts_with("content/news.md:4:"), "{e}");
    assert!(!e.contains('\r'), "a CR leaked into the snippet: {e:?}");
    assert!(!e.contains('\u{feff}'), "the BOM leaked into the snippet: {e:?}");
    insta::assert_snapshot!("err_crlf_bom", e);
}

#[test]
fn lines_count_from_the_top_of_the_file() {
    // The front matter of both files opens after blank lines.
    let e = fails("err-leading-blank-lines", &[], 1);
    assert_summary(&e, 2);
    let locs = locations(&e);
    assert!(
        locs[0].starts_with("content/about.md:6:") || locs[0].starts_with("content/about.md:7:"),
        "{e}"
    );
    assert_eq!(locs[1], "content/news.md:6:7", "{e}");
    insta::assert_snapshot!("err_leading_blank_lines", e);
}

// ---------------------------------------------------------------------------------------
// site.yaml

#[test]
fn config_unknown_key_suggests_the_closest() {
    let e = fails("err-config-unknown-key", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("did you mean `timezone`?"), "{e}");
    assert_eq!(locations(&e), ["site.yaml:2:1"]);
    insta::assert_snapshot!("err_config_unknown_key", e);
}

#[test]
fn config_crlf_and_bom_keep_line_numbers() {
    let bytes = std::fs::read(fixture("err-config-crlf-bom").join("site.yaml")).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbfbase_url:") && bytes.windows(2).any(|w| w == b"\r\n"));
    let e = fails("err-config-crlf-bom", &[], 1);
    assert_summary(&e, 1);
    assert_eq!(locations(&e), ["site.yaml:6:5"]);
    assert!(e.contains("did you mean `title`?"), "{e}");
    assert!(!e.contains('\r') && !e.contains('\u{feff}'), "{e:?}");
    insta::assert_snapshot!("err_config_crlf_bom", e);
}

#[test]
fn config_language_without_title() {
    let e = fails("err-config-missing-title", &[], 1);
    assert_summary(&e, 1);
    assert_eq!(locations(&e), ["site.yaml:4:7"]);
    insta::assert_snapshot!("err_config_missing_title", e);
}

#[test]
fn config_bad_timezone() {
    let e = fails("err-config-timezone", &[], 1);
    assert_summary(&e, 1);
    assert_eq!(locations(&e), ["site.yaml:2:11"]);
    insta::assert_snapshot!("err_config_timezone", e);
}

// ---------------------------------------------------------------------------------------
// The model: links, URLs, languages

#[test]
fn unresolved_internal_links() {
    let e = fails("err-broken-link", &[], 1);
    assert_summary(&e, 2);
    assert_eq!(locations(&e), ["content/about.md:6:3", "content/about.md:8:3"]);
    assert!(e.contains("did you mean `@/cities/harbin.md`?"), "{e}");
    insta::assert_snapshot!("err_broken_link", e);
}

#[test]
fn an_alias_that_takes_a_list_page_names_both() {
    let e = fails("err-alias-collision", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("two sources claim the output `/news/page/2/index.html`"), "{e}");
    assert!(e.contains("first: page 2 of the list of content/news/_index.md"), "{e}");
    assert!(e.contains("second: alias `/news/page/2/` in content/old.md"), "{e}");
}

#[test]
fn two_files_claim_one_url() {
    let e = fails("err-url-collision", &[], 1);
    assert!(e.contains("content/a.md") && e.contains("content/b.md"), "{e}");
    insta::assert_snapshot!("err_url_collision", e);
}

#[test]
fn section_collides_with_taxonomy_list() {
    let e = fails("err-taxonomy-collision", &[], 1);
    assert!(e.contains("content/tags/_index.md"), "{e}");
    insta::assert_snapshot!("err_taxonomy_collision", e);
}

#[test]
fn unknown_language_suffix() {
    let e = fails("err-unknown-language", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("content/x.fr.md"), "{e}");
    insta::assert_snapshot!("err_unknown_language", e);
}

// ---------------------------------------------------------------------------------------
// Templates and interface strings

#[test]
fn unknown_filter_in_a_site_template() {
    let e = fails("err-template-filter", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("nosuchfilter"), "{e}");
    insta::assert_snapshot!("err_template_filter", e);
}

#[test]
fn interface_string_missing_in_one_language() {
    let e = fails("err-i18n-missing", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("`hotline`"), "{e}");
    assert!(e.contains("i18n/en.yaml"), "{e}");
    insta::assert_snapshot!("err_i18n_missing", e);
}

#[test]
fn interface_string_missing_where_the_site_has_no_file() {
    // The site adds a key in i18n/zh.yaml only; en comes from the embedded theme.
    let e = fails("err-i18n-missing-file", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("`hotline`"), "{e}");
    insta::assert_snapshot!("err_i18n_missing_file", e);
}

#[test]
fn interface_strings_file_that_is_not_valid() {
    let e = fails("err-i18n-bad-yaml", &[], 1);
    assert!(e.contains("i18n/en.yaml:2:10"), "{e}");
    insta::assert_snapshot!("err_i18n_bad_yaml", e);
}

// ---------------------------------------------------------------------------------------
// Many errors at once

#[test]
fn every_error_of_every_file_is_reported_sorted() {
    let e = fails("err-many", &[], 1);
    let locs = locations(&e);
    let files: Vec<&str> = locs.iter().map(|l| l.split(':').next().unwrap()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "not sorted by file:\n{e}");
    for f in [
        "content/about.md",
        "content/contact.md",
        "content/join.md",
        "content/news/_index.md",
        "content/news/launch.md",
    ] {
        assert!(files.contains(&f), "{f} not reported:\n{e}");
    }
    let n = headlines(&e).len();
    assert!(n >= 7, "expected at least 7 errors, got {n}:\n{e}");
    assert_summary(&e, n);
    insta::assert_snapshot!("err_many", e);
}

// ---------------------------------------------------------------------------------------
// Usage errors (exit 2)

#[test]
fn usage_fixture_builds() {
    // The fixture of the usage tests is valid: only the flags are wrong there.
    let run = build(Some("err-usage"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn usage_root_is_an_empty_folder() {
    let e = fails_with(None, &[], 2);
    insta::assert_snapshot!("err_usage_empty_root", e);
}

#[test]
fn usage_site_without_site_yaml() {
    let e = fails("err-usage-no-config", &[], 2);
    insta::assert_snapshot!("err_usage_no_config", e);
}

#[test]
fn usage_root_does_not_exist() {
    let e = fails_with(None, &["--root", "no-such-site"], 2);
    insta::assert_snapshot!("err_usage_root_missing", e);
}

#[test]
fn usage_bad_now() {
    let e = fails("err-usage", &["--now", "2026-13-45"], 2);
    insta::assert_snapshot!("err_usage_bad_now", e);
    let e = fails("err-usage", &["--now", "2026年11月24日"], 2);
    insta::assert_snapshot!("err_usage_bad_now_chinese", e);
}

#[test]
fn usage_base_url_not_absolute() {
    let e = fails("err-usage", &["--base-url", "example.org"], 2);
    insta::assert_snapshot!("err_usage_base_url", e);
}

#[test]
fn syntax_error_in_a_site_template() {
    let e = fails("err-template-syntax", &[], 1);
    assert_summary(&e, 1);
    assert!(e.contains("templates/page.html:"), "{e}");
    insta::assert_snapshot!("err_template_syntax", e);
}

#[test]
fn usage_unknown_flag() {
    let run = build(Some("err-usage"), &["--no-such-flag"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
    assert!(run.leftovers.is_empty(), "{:?}", run.leftovers);
}

#[test]

fn usage_base_url_without_host() {
    let e = fails("err-usage", &["--base-url", "https://"], 2);
    assert!(e.contains("--base-url"), "{e}");
}

#[test]
fn every_command_resolves_and_checks_the_site_folder_the_same_way() {
    let scratch = tempfile::tempdir().unwrap();
    let empty = scratch.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_fenjin"))
            .args(args)
            .current_dir(scratch.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
                .replace(&scratch.path().display().to_string(), "[ROOT]"),
        )
    };
    for args in [
        &["build"][..],
        &["check"],
        &["serve", "--port", "0", "--stop-after", "1"],
        &["kinds"],
        &["new", "page", "about"],
    ] {
        let with_root = |dir: &'static str| {
            let mut a = args.to_vec();
            a.extend(["--root", dir]);
            a
        };
        let (code, err) = run(&with_root("empty"));
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.contains(
                "no site.yaml in [ROOT]/empty — run fenjin in a site's folder, or pass --root DIR"
            ),
            "{args:?}: {err}"
        );
        let (code, err) = run(&with_root("missing"));
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains("the site folder `missing` does not exist"), "{args:?}: {err}");
    }
}
