//! The statistics table (附件 2): `tests/sites/statistics/` has three cities and two
//! unions and reads `data/statistics.csv`. These tests replace that file with every kind
//! of bad row, with the same table in the encodings Excel and WPS save, with a
//! spreadsheet, and check what the build reports and sums; the blank form is read back
//! (and filled in) by Python's openpyxl, an independent reader.

mod common;

use std::path::Path;
use std::process::Command;

use common::{SiteTest, stderr};

/// A good table: 3,000 + 500 + 100 + 400 + 0 participant-times.
const GOOD: &str = "单位,月份,活动场次,参与人次,线上浏览量\n\
    哈尔滨市,2022-08,10,\"1,000\",5000\n\
    哈尔滨市,2022年9月,20,2000,6000\n\
    大庆市,2022/10/1,5,500,100\n\
    大兴安岭,Nov-22,1,100,10\n\
    教科文卫产业工会,2022-08,4,400,40\n";

/// The CSV download for [`GOOD`].
const GOOD_CSV: &str = "\u{feff}单位,类别,活动场次,参与人次,线上浏览量\r\n\
    哈尔滨市,一市（地）一特色,30,3000,11000\r\n\
    大庆市,一市（地）一特色,5,500,100\r\n\
    大兴安岭地区,一市（地）一特色,1,100,10\r\n\
    教科文卫产业工会,产业工会,4,400,40\r\n\
    交通运输产业工会,产业工会,0,0,0\r\n\
    合计,,40,4000,11150\r\n";

/// The fixture with `data/statistics.csv` replaced by `csv` (removed when `None`).
fn site(csv: Option<&[u8]>) -> SiteTest {
    let t = SiteTest::new("statistics");
    let file = t.root().join("data/statistics.csv");
    match csv {
        Some(bytes) => std::fs::write(&file, bytes).unwrap(),
        None => std::fs::remove_file(&file).unwrap(),
    }
    t
}

/// Builds and returns (success, stderr with the site's path as `[ROOT]`).
fn build(t: &SiteTest, now: &str) -> (bool, String) {
    let o = t.build(&["--now", now]);
    let root = t.root().display().to_string();
    (o.status.success(), stderr(&o).replace(&root, "[ROOT]"))
}

fn figures_csv(t: &SiteTest) -> String {
    std::fs::read_to_string(t.out().join("figures/participation.csv")).unwrap()
}

#[test]
fn every_kind_of_bad_row_is_reported_at_once_with_its_file_line_and_cell() {
    let csv = "单位,月份,活动场次,参与人次,线上浏览量\n\
        哈尔宾市,2022-08,1,1,1\n\
        合计,2022-08,1,1,1\n\
        大庆市,2023-01,1,1,1\n\
        大庆市,2022-13,1,1,1\n\
        大庆市,2022-08,-5,约3000,12.5\n\
        大庆市,2022-09,1,\"1,23\",1\n\
        哈尔滨市,2022-08,1,1,1\n\
        哈尔滨市,2022年8月,1,1,1\n\
        教科文卫产业工会,2022-09,,1,1\n\
        交通运输产业工会,2022-09,1,1,234,1\n";
    let t = site(Some(csv.as_bytes()));
    let (ok, err) = build(&t, "2026-11-24");
    assert!(!ok, "a table with bad rows must fail the build");
    assert!(!t.out().exists(), "a failed build wrote output");
    for code in ["E0801", "E0802", "E0803", "E0804", "E0805", "E0806"] {
        assert!(err.contains(&format!("error[{code}]")), "{code} missing:\n{err}");
    }
    insta::assert_snapshot!(err);
}

#[test]
fn a_table_saved_as_gbk_with_a_bom_or_as_utf16_text_sums_the_same() {
    let t = site(Some(GOOD.as_bytes()));
    let (ok, err) = build(&t, "2026-11-24");
    assert!(ok, "{err}");
    assert_eq!(figures_csv(&t), GOOD_CSV);

    let (gbk, _, unmappable) = encoding_rs::GBK.encode(GOOD);
    assert!(!unmappable);
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(GOOD.as_bytes());
    // Excel's "Unicode text": UTF-16 with a BOM, tab-separated, no quotes needed.
    let mut utf16 = vec![0xff, 0xfe];
    for u in GOOD.replace("\"1,000\"", "1000").replace(',', "\t").encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    // Excel with a comma as decimal mark saves `;`-separated CSV, with CRLF.
    let semicolons = GOOD.replace("\"1,000\"", "1000").replace(',', ";").replace('\n', "\r\n");
    for (what, bytes) in [
        ("GBK", gbk.into_owned()),
        ("BOM", bom),
        ("UTF-16", utf16),
        ("; and CRLF", semicolons.into_bytes()),
    ] {
        let t = site(Some(&bytes));
        let (ok, err) = build(&t, "2026-11-24");
        assert!(ok, "{what}: {err}");
        assert_eq!(figures_csv(&t), GOOD_CSV, "{what}");
    }
}

#[test]
fn bytes_that_are_no_known_encoding_are_refused_not_guessed() {
    // Latin-1 "Café" and stray bytes: neither UTF-8 nor GBK.
    let t = site(Some(
        b"unit,month,events,person_times,online_views\nCaf\xe9 \x80\xff,2022-08,1,1,1\n",
    ));
    let (ok, err) = build(&t, "2026-11-24");
    assert!(!ok);
    assert!(err.contains("error[E0801]: data/statistics.csv cannot be read: the file is neither UTF-8 nor GBK text"), "{err}");
    assert!(err.contains("save the table again as CSV (UTF-8)"), "{err}");
}

/// Writes a workbook like one a unit sends back: a title row, the header, the reports.
fn workbook(
    rows: &[(&str, &str, f64, f64, f64)],
    extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "系列活动开展情况统计表").unwrap();
    for (i, h) in
        ["单位 *", "月份 *", "活动场次 *", "参与人次 *", "线上浏览量 *"].iter().enumerate()
    {
        sheet.write_string(2, i as u16, *h).unwrap();
    }
    for (r, (unit, month, a, b, c)) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        sheet.write_string(r, 0, *unit).unwrap();
        sheet.write_string(r, 1, *month).unwrap();
        sheet.write_number(r, 2, *a).unwrap();
        sheet.write_number(r, 3, *b).unwrap();
        sheet.write_number(r, 4, *c).unwrap();
    }
    extra(sheet);
    book.save_to_buffer().unwrap()
}

#[test]
fn spreadsheet_problems_name_the_cell_and_its_rows_add_to_the_csv() {
    let t = site(Some(b"unit,month,events,person_times,online_views\n\xe5\xa4\xa7\xe5\xba\x86\xe5\xb8\x82,2022-07,1,10,100\n"));
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 9, 1).unwrap();
    let xlsx = workbook(
        &[
            ("哈尔滨市", "2022-08", 3.0, 300.0, 30.0),
            ("交通运输产业工会", "2022-08", 2.0, -20.0, 0.0),
            ("大庆市", "2022-07", 1.0, 1.0, 1.0),
        ],
        |s| {
            // A month typed into a date-formatted cell, and a fraction.
            let f = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm");
            s.write_string(6, 0, "大兴安岭地区").unwrap();
            s.write_datetime_with_format(6, 1, &date, &f).unwrap();
            s.write_number(6, 2, 2.5).unwrap();
            s.write_number(6, 3, 1.0).unwrap();
            s.write_number(6, 4, 1.0).unwrap();
        },
    );
    std::fs::write(t.root().join("data/statistics.xlsx"), xlsx).unwrap();
    let (ok, err) = build(&t, "2026-11-24");
    assert!(!ok);
    assert!(
        err.contains("error[E0804]: D5: the 参与人次 (Participant-times) is negative: `-20`"),
        "{err}"
    );
    assert!(err.contains("--> data/statistics.xlsx:5\n"), "{err}");
    assert!(
        err.contains("error[E0804]: C7: the 活动场次 (Events) is not a whole number: `2.5`"),
        "{err}"
    );
    // The CSV's 大庆市 2022-07 and the workbook's: one report, twice.
    assert!(
        err.contains(
            "error[E0805]: 大庆市 reports 2022-07 twice: here and at data/statistics.csv:2"
        ),
        "{err}"
    );
    assert!(err.contains("--> data/statistics.xlsx:6\n"), "{err}");
    assert_eq!(err.matches("error[").count(), 3, "{err}");

    // Fixed, the workbook's rows (the date cell a month) add to the CSV's.
    let xlsx = workbook(&[("哈尔滨市", "2022-08", 3.0, 300.0, 30.0)], |s| {
        let f = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm");
        s.write_string(4, 0, "大兴安岭地区").unwrap();
        s.write_datetime_with_format(4, 1, &date, &f).unwrap();
        for c in 2..5 {
            s.write_number(4, c, 1.0).unwrap();
        }
    });
    std::fs::write(t.root().join("data/statistics.xlsx"), xlsx).unwrap();
    let (ok, err) = build(&t, "2026-11-24");
    assert!(ok, "{err}");
    let csv = figures_csv(&t);
    assert!(csv.contains("\r\n哈尔滨市,一市（地）一特色,3,300,30\r\n"), "{csv}");
    assert!(csv.contains("\r\n大兴安岭地区,一市（地）一特色,1,1,1\r\n"), "{csv}");
    assert!(csv.ends_with("合计,,5,311,131\r\n"), "{csv}");
}

#[test]
fn who_has_reported_follows_now_and_the_deadline() {
    let t = site(Some(GOOD.as_bytes()));
    let (ok, err) = build(&t, "2022-10-15");
    assert!(ok, "{err}");
    let page = std::fs::read_to_string(t.out().join("figures/index.html")).unwrap();
    let reporting = &page[page.find("id=\"reporting-h\"").unwrap()..];
    // Mid-October: July to September are due; 56 days to 10 December.
    assert!(
        reporting.contains("已报送全部到期月份的单位：0 / 5 · 距上报截止还有 56 天"),
        "{reporting}"
    );
    assert!(reporting.contains("<th scope=\"col\">2022-09</th></tr>"), "{reporting}");
    assert!(!reporting.contains("2022-10"), "{reporting}");
    assert!(
        reporting.contains(
            "<tr><th scope=\"row\">哈尔滨市</th><td>未报</td><td>已报</td><td>已报</td></tr>"
        ),
        "{reporting}"
    );

    // After the deadline: the months up to November are due, none later.
    let (ok, err) = build(&t, "2023-02-01");
    assert!(ok, "{err}");
    let page = std::fs::read_to_string(t.out().join("en/figures/index.html")).unwrap();
    let reporting = &page[page.find("id=\"reporting-h\"").unwrap()..];
    assert!(reporting.contains("of 5 · The reporting deadline has passed"), "{reporting}");
    assert!(reporting.contains("<th scope=\"col\">2022-11</th></tr>"), "{reporting}");
    assert!(!reporting.contains("2022-12"), "{reporting}");
}

#[test]
fn a_unit_page_shows_its_own_months_in_its_language() {
    let t = site(Some(GOOD.as_bytes()));
    let (ok, err) = build(&t, "2026-11-24");
    assert!(ok, "{err}");
    let page = std::fs::read_to_string(t.out().join("en/cities/harbin/index.html")).unwrap();
    assert!(
        page.contains(
            "<tr><th scope=\"row\">2022-09</th><td>20</td><td>2,000</td><td>6,000</td></tr>"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "<tfoot><tr><th scope=\"row\">Total</th><td>30</td><td>3,000</td><td>11,000</td></tr>"
        ),
        "{page}"
    );
    // A unit that has not reported shows no empty table.
    let page = std::fs::read_to_string(t.out().join("unions/transport/index.html")).unwrap();
    assert!(!page.contains("id=\"fig-h\""));
}

#[test]
fn a_table_linked_from_outside_the_site_is_not_read() {
    #[cfg(unix)]
    {
        let t = site(None);
        let outside = t.dir.path().join("secret.csv");
        std::fs::write(&outside, GOOD).unwrap();
        std::os::unix::fs::symlink(&outside, t.root().join("data/statistics.csv")).unwrap();
        let (ok, err) = build(&t, "2026-11-24");
        assert!(!ok);
        assert!(err.contains("error[E0113]: `data/statistics.csv` is a symbolic link to"), "{err}");
    }
}

#[test]
fn the_form_is_the_same_bytes_on_every_build() {
    let t = site(Some(GOOD.as_bytes()));
    assert!(build(&t, "2026-11-24").0);
    let first = std::fs::read(t.out().join("figures/statistics-form.xlsx")).unwrap();
    assert!(build(&t, "2026-11-25").0);
    let second = std::fs::read(t.out().join("figures/statistics-form.xlsx")).unwrap();
    assert!(first == second, "the form changed between two builds of the same site");
}

/// `python3` with openpyxl, or `None` where it is missing outside CI (CI installs it:
/// `.ci/run`).
fn openpyxl() -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with openpyxl (.ci/run installs it)"
        );
        eprintln!("skipped: python3 with openpyxl is not installed");
        return None;
    }
    Some("python3")
}

fn python(script: &str, args: &[&Path]) -> String {
    let o = Command::new("python3").arg("-c").arg(script).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "python failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn openpyxl_reads_the_form_with_its_headers_drop_downs_and_frozen_header() {
    if openpyxl().is_none() {
        return;
    }
    let t = site(Some(GOOD.as_bytes()));
    assert!(build(&t, "2026-11-24").0);
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
print(ws.title, [s.sheet_state for s in wb.worksheets])
print(ws["A1"].value)
print("|".join(str(c.value) for c in ws[3]))
print("freeze", ws.freeze_panes)
for dv in ws.data_validations.dataValidation:
    print(dv.type, dv.formula1, dv.operator, dv.sqref)
print("units", "|".join(c.value for c in wb["units"]["A"] if c.value))
print("months", "|".join(c.value for c in wb["units"]["B"] if c.value))
print("formats", ws["B4"].number_format, ws["D4"].number_format)
"#;
    let zh = python(script, &[&t.out().join("figures/statistics-form.xlsx")]);
    let expected = "统计表 ['visible', 'hidden']\n\
        “中国梦·劳动美--全省职工喜迎二十大 奋进新征程”系列活动开展情况统计表\n\
        单位 *|月份 *|活动场次 *|参与人次 *|线上浏览量 *|媒体报道|备注\n\
        freeze A4\n\
        list units!$A$1:$A$5 None A4:A33\n\
        list units!$B$1:$B$6 None B4:B33\n\
        whole 0 greaterThanOrEqual C4:F33\n\
        units 哈尔滨市|大庆市|大兴安岭地区|教科文卫产业工会|交通运输产业工会\n\
        months 2022-07|2022-08|2022-09|2022-10|2022-11|2022-12\n\
        formats @ #,##0\n";
    assert_eq!(zh, expected);
    let en = python(script, &[&t.out().join("en/figures/statistics-form.xlsx")]);
    assert!(
        en.contains(
            "Unit *|Month *|Events *|Participant-times *|Online views *|Media reports|Notes\n"
        ),
        "{en}"
    );
    assert!(en.contains("units Harbin|Daqing|Da Hinggan Ling Prefecture|Education, Science, Culture and Health Union|Transport Workers' Union\n"), "{en}");
}

#[test]
fn a_form_filled_in_by_another_program_builds_into_the_figures() {
    if openpyxl().is_none() {
        return;
    }
    let t = site(None);
    // No report yet: the form is there to fill in, and nobody has reported.
    let (ok, err) = build(&t, "2026-11-24");
    assert!(ok, "{err}");
    let page = std::fs::read_to_string(t.out().join("figures/index.html")).unwrap();
    assert!(page.contains("已报送全部到期月份的单位：0 / 5"), "{page}");
    let form = t.out().join("en/figures/statistics-form.xlsx");
    let filled = t.root().join("data/statistics.xlsx");
    // The English form, filled in with English names, months as the list offers them.
    python(
        r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
for r, row in enumerate([("Harbin", "2022-08", 7, 1234, 50, 3, "ok"), ("Transport Workers' Union", "2022-09", 2, 66, 0, None, None)]):
    for c, v in enumerate(row):
        ws.cell(row=4 + r, column=1 + c, value=v)
wb.save(sys.argv[2])
"#,
        &[&form, &filled],
    );
    let (ok, err) = build(&t, "2026-11-24");
    assert!(ok, "{err}");
    let csv = figures_csv(&t);
    assert!(csv.contains("\r\n哈尔滨市,一市（地）一特色,7,1234,50\r\n"), "{csv}");
    assert!(csv.contains("\r\n交通运输产业工会,产业工会,2,66,0\r\n"), "{csv}");
    assert!(csv.ends_with("合计,,9,1300,50\r\n"), "{csv}");
}

#[test]
fn old_spreadsheet_formats_far_off_cells_and_zip_bombs_are_refused_with_the_fix() {
    let t = site(None);
    std::fs::write(t.root().join("data/statistics.xls"), b"\xd0\xcf\x11\xe0").unwrap();
    let (ok, err) = build(&t, "2026-11-24");
    assert!(!ok);
    assert!(err.contains("error[E0801]: data/statistics.xls is not read: fenjin reads the statistics table from .csv or .xlsx"), "{err}");
    assert!(err.contains("save it as an Excel workbook (data/statistics.xlsx)"), "{err}");
    std::fs::remove_file(t.root().join("data/statistics.xls")).unwrap();

    // One stray value in the sheet's last cell: refused at once, not a grid of 17
    // billion empty cells.
    let xlsx = workbook(&[("哈尔滨市", "2022-08", 1.0, 1.0, 1.0)], |s| {
        s.write_string(1_048_575, 16_383, "x").unwrap();
    });
    std::fs::write(t.root().join("data/statistics.xlsx"), xlsx).unwrap();
    let (ok, err) = build(&t, "2026-11-24");
    assert!(!ok);
    assert!(
        err.contains("cell XFD1048576 holds `x`, right of the table (at most 64 columns)"),
        "{err}"
    );

    // A zip whose one entry claims to unpack to 100 MB.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut zip, &vec![b' '; 100 * 1024 * 1024]).unwrap();
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    std::fs::write(t.root().join("data/statistics.xlsx"), bomb).unwrap();
    let (ok, err) = build(&t, "2026-11-24");
    assert!(!ok);
    assert!(
        err.contains("data/statistics.xlsx cannot be read: the workbook unpacks to 104 MB"),
        "{err}"
    );
}

#[test]
fn a_table_of_garbage_stops_after_200_problems_and_says_where() {
    // 300,000 bad rows (12 MB): each would be two problems; the check stops early rather
    // than printing (and computing) 600,000 of them.
    let mut csv = String::from("单位,月份,活动场次,参与人次,线上浏览量\n");
    for _ in 0..300_000 {
        csv.push_str("大庆市,2023-01,-1,1,1\n");
    }
    let t = site(Some(csv.as_bytes()));
    let (ok, err) = build(&t, "2026-11-24");
    assert!(!ok);
    assert_eq!(
        err.matches("\nerror[").count() + usize::from(err.starts_with("error[")),
        200,
        "{}",
        &err[err.len() - 500..]
    );
    assert!(err.contains("= note: fenjin stopped checking data/statistics.csv at row 102 after 200 problems: fix these and build again"), "{}", &err[err.len() - 500..]);
}
