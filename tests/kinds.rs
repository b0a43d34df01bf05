//! Content kinds on a fixture site: typed fields, references both ways, activity status
//! against the build's clock, campaign figures, the CSV and the iCalendar file.

mod common;

use common::{SiteTest, stderr};

#[test]
fn city_pages_list_what_names_them_and_lecturers_link_back() {
    let t = SiteTest::new("kinds");
    t.build_ok(&["--now", "2022-09-01"]);
    let harbin = t.read("cities/harbin/index.html");
    assert!(
        harbin.contains("<a href=\"https://kinds.example.org/lecturers/a/\">示例讲师甲</a>"),
        "{harbin}"
    );
    assert!(
        harbin
            .contains("<a href=\"https://kinds.example.org/announcements/notice-a/\">示例通知</a>"),
        "{harbin}"
    );
    let daqing = t.read("cities/daqing/index.html");
    assert!(
        daqing.contains("<a href=\"https://kinds.example.org/activities/open/\">进行中的活动</a>"),
        "{daqing}"
    );
    let lecturer = t.read("lecturers/a/index.html");
    assert!(
        lecturer.contains("<a href=\"https://kinds.example.org/cities/harbin/\">哈尔滨市</a>"),
        "{lecturer}"
    );
    // The English lecturer inherits `city` and links to the English city page.
    let en = t.read("en/lecturers/a/index.html");
    assert!(
        en.contains("<a href=\"https://kinds.example.org/en/cities/harbin/\">Harbin</a>"),
        "{en}"
    );
    assert!(en.contains("aria-label=\"Avatar of Sample Lecturer A\""), "{en}");
}

#[test]
fn activity_status_follows_the_build_clock() {
    let t = SiteTest::new("kinds");
    for (now, status) in [
        ("2022-07-01", "status-upcoming"),
        ("2022-09-01", "status-open"),
        // `ends: 2022-10-16` is a bare date: open until the end of that day in Shanghai.
        ("2022-10-16T23:00:00+08:00", "status-open"),
        ("2022-10-17T00:00:00+08:00", "status-closed"),
    ] {
        t.build_ok(&["--now", now, "--future"]);
        let html = t.read("activities/open/index.html");
        assert!(html.contains(&format!("class=\"status {status}\"")), "{now}: {html}");
    }
}

#[test]
fn notice_attachments_resolve_to_files_and_pages() {
    let t = SiteTest::new("kinds");
    t.build_ok(&["--now", "2022-09-01"]);
    let html = t.read("announcements/notice-a/index.html");
    assert!(html.contains("<p class=\"masthead\">示例机关文件</p>"));
    assert!(html.contains("<p class=\"recipients\">各单位：</p>"));
    assert!(html.contains("<li><a href=\"https://kinds.example.org/announcements/notice-a/form.csv\">统计表</a></li>"), "{html}");
    assert!(
        html.contains("<li><a href=\"https://kinds.example.org/figures/\">统计页</a> <a class=\"form-link\" href=\"https://kinds.example.org/figures/statistics-form.xlsx\" download>（Excel 空白表）</a></li>"),
        "{html}"
    );
    assert!(html.contains("<dt>成文日期</dt><dd><time datetime=\"2022-07-19T00:00:00+08:00\">2022年7月19日</time></dd>"), "{html}");
    assert!(t.exists("announcements/notice-a/form.csv"));
}

#[test]
fn figures_are_computed_from_the_statistics_table() {
    let t = SiteTest::new("kinds");
    t.build_ok(&["--now", "2022-09-01"]);
    let csv = t.read("figures/participation.csv");
    assert_eq!(
        csv,
        "\u{feff}单位,类别,活动场次,参与人次,线上浏览量\r\n哈尔滨市,一市（地）一特色,15,500,1300\r\n大庆市,一市（地）一特色,1,100,100\r\n合计,,16,600,1400\r\n"
    );
    let en = t.read("en/figures/participation.csv");
    assert!(
        en.starts_with(
            "\u{feff}Unit,Type,Events,Participant-times,Online views\r\nHarbin,City features,15,500,1300\r\n"
        ),
        "{en}"
    );
    let page = t.read("figures/index.html");
    assert!(page.contains("60.0%"), "progress");
    // Totals, with participant-times per event (600 / 16, rounded).
    assert!(page.contains("<td>16</td><td>600</td><td>38</td><td>1,400</td>"), "totals row");
    // The monthly trend sums September over both cities.
    assert!(
        page.contains("<th scope=\"row\">2022-09</th><td>6</td><td>300</td><td>500</td>"),
        "{page}"
    );
    let home = t.read("index.html");
    assert!(
        home.contains("统计表上报截止：<time datetime=\"2022-12-10\">2022年12月10日</time>"),
        "{home}"
    );
}

#[test]
fn calendar_parses_with_stable_uids_and_dates() {
    let t = SiteTest::new("kinds");
    t.build_ok(&["--now", "2022-09-01"]);
    let text = t.read("calendar.ics");
    let cal: icalendar::Calendar = text.parse().expect("a valid iCalendar file");
    use icalendar::Component;
    let events: Vec<_> = cal.events().collect();
    assert_eq!(events.len(), 3);
    let uids: Vec<_> = events.iter().map(|e| e.get_uid().unwrap().to_owned()).collect();
    assert_eq!(
        uids,
        [
            "activities/open.md@kinds.example.org",
            "lecturers/a.md#talk-1@kinds.example.org",
            "lecturers/a.md#talk-2@kinds.example.org"
        ]
    );
    assert!(text.contains("DTSTART;VALUE=DATE:20220719\r\n"));
    assert!(text.contains("DTEND;VALUE=DATE:20221017\r\n"), "an all-day end is exclusive");
    // 14:30 in Shanghai is 06:30 UTC.
    assert!(text.contains("DTSTART:20221103T063000Z\r\n"));
    assert_eq!(text.matches("PRODID").count(), 1);
    let en: icalendar::Calendar = t.read("en/calendar.ics").parse().unwrap();
    assert!(en.events().any(|e| e.get_summary() == Some("Talk one — Sample Lecturer A")));
    // Same input, same file: no clock in DTSTAMP.
    t.build_ok(&["--now", "2022-09-02"]);
    assert_eq!(t.read("calendar.ics"), text);
}

#[test]
fn every_page_has_a_qr_code_of_its_url() {
    let t = SiteTest::new("kinds");
    t.build_ok(&["--now", "2022-09-01"]);
    let html = t.read("cities/harbin/index.html");
    assert!(html.contains("class=\"qr\""));
    assert!(html.contains("<p class=\"qr-url\">https://kinds.example.org/cities/harbin/</p>"));
}

fn fails(t: &SiteTest) -> String {
    let out = t.build(&["--now", "2022-09-01"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn unknown_kind_field_suggests_the_closest() {
    let t = SiteTest::new("kinds");
    t.write("content/lecturers/b.md", "---\ntitle: 乙\nnmae: 示例讲师乙\ncity: harbin\n---\n");
    let e = fails(&t);
    assert!(
        e.contains("error[E0104]: unknown field `nmae`\n --> content/lecturers/b.md:3:1"),
        "{e}"
    );
    assert!(e.contains("hint: did you mean `name`?"), "{e}");
}

#[test]
fn missing_required_field_names_field_and_kind() {
    let t = SiteTest::new("kinds");
    t.write("content/lecturers/b.md", "---\ntitle: 乙\nname: 示例讲师乙\n---\n");
    let e = fails(&t);
    assert!(e.contains("error[E0107]: a page of kind `lecturer` needs one of the fields `city`, `union`\n --> content/lecturers/b.md:1:1"), "{e}");
}

#[test]
fn a_lecturer_of_a_union_alone_needs_no_city() {
    let t = SiteTest::new("kinds");
    t.write("content/unions/_index.md", "---\ntitle: 产业工会\nkind: union\n---\n");
    t.write(
        "content/unions/transport.md",
        "---\ntitle: 交通\nunion: 交通运输产业工会\nfeature: 示例\n---\n",
    );
    t.write("content/lecturers/b.md", "---\ntitle: 乙\nname: 示例讲师乙\nunion: transport\n---\n");
    t.build_ok(&["--now", "2022-09-01"]);
    assert!(t.read("unions/transport/index.html").contains("lecturers/b/"));
}

#[test]
fn wrong_type_in_a_record_names_the_expected_type_and_line() {
    let t = SiteTest::new("kinds");
    t.write("content/lecturers/b.md", "---\ntitle: 乙\nname: 示例讲师乙\ncity: harbin\ntalks:\n  - {date: 十月, place: 哈尔滨, title: 宣讲}\n---\n");
    let e = fails(&t);
    assert!(
        e.contains(
            "error[E0106]: `talks[0].date: 十月` is not a date
 --> content/lecturers/b.md:6:12"
        ),
        "{e}"
    );
}

#[test]
fn dangling_references_name_both_files() {
    let t = SiteTest::new("kinds");
    t.write("content/lecturers/b.md", "---\ntitle: 乙\nname: 示例讲师乙\ncity: harbn\n---\n");
    let e = fails(&t);
    assert!(
        e.contains(
            "error[E0204]: `city: harbn` does not name a city page\n --> content/lecturers/b.md:4:7"
        ),
        "{e}"
    );
    assert!(e.contains("note: no city page content/cities/harbn.md"), "{e}");
    assert!(e.contains("hint: did you mean `harbin` (哈尔滨市)?"), "{e}");
}

#[test]
fn a_reference_by_name_is_answered_with_the_slug() {
    // Editors think in names: the city's name, its name without 市, or its English title.
    for (written, col) in [("哈尔滨市", 7), ("哈尔滨", 7), ("Harbin", 7)] {
        let t = SiteTest::new("kinds");
        t.write(
            "content/lecturers/b.md",
            &format!("---\ntitle: 乙\nname: 示例讲师乙\ncity: {written}\n---\n"),
        );
        let e = fails(&t);
        assert!(
            e.contains(&format!("error[E0204]: `city: {written}` does not name a city page\n --> content/lecturers/b.md:4:{col}")),
            "{e}"
        );
        assert!(e.contains("hint: did you mean `harbin` (哈尔滨市)?"), "{written}: {e}");
    }
}

#[test]
fn missing_attachment_and_unknown_phase() {
    let t = SiteTest::new("kinds");
    std::fs::remove_file(t.root().join("content/announcements/notice-a/form.csv")).unwrap();
    t.write(
        "content/activities/late.md",
        "---\ntitle: 晚\nstarts: 2022-10-23\nends: 2022-12-10\nphase: 2\nhow_to_join: x\n---\n",
    );
    let e = fails(&t);
    assert!(e.contains("error[E0204]: the file `form.csv` does not exist\n --> content/announcements/notice-a/index.md:"), "{e}");
    assert!(e.contains("note: expected the file content/announcements/notice-a/form.csv"), "{e}");
    assert!(e.contains("error[E0204]: `phase: 2` is not a phase of the campaign\n --> content/activities/late.md:5:1"), "{e}");
    assert!(e.contains("hint: use one of: 1"), "{e}");
}

#[test]
fn unknown_kind_name_is_refused() {
    let t = SiteTest::new("kinds");
    t.write("content/cities/_index.md", "---\ntitle: 城市\nkind: ctiy\n---\n");
    let e = fails(&t);
    assert!(e.contains("error[E0105]: `kind: ctiy` is not a content kind"), "{e}");
    assert!(e.contains("hint: did you mean `city`?"), "{e}");
    assert!(e.contains("note: the kinds are: page, activity, city, lecturer, notice"), "{e}");
}
