//! Campaign figures: the statistics table (附件 2, read and checked by
//! [`crate::statistics`]) summed per unit, per group of units (the cities, the industry
//! unions) and per month, with who has reported what by `--now`; drawn at build time as
//! inline SVG (no JavaScript) and written as CSV. Figures are computed here, never typed
//! into templates.

use std::fmt::Write as _;

use serde::Serialize;

use crate::escape::escape_attr;
use crate::model::Site;
use crate::statistics::YearMonth;

/// One unit's totals, with its months.
#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    /// Display name in the language asked for.
    pub name: String,
    /// Its page.
    pub permalink: String,
    /// Its kind (`city`, `union`).
    pub kind: String,
    /// Events held.
    pub events: u64,
    /// Participant-times.
    pub person_times: u64,
    /// Online views.
    pub online_views: u64,
    /// Media reports, when the unit reported them.
    pub media_reports: Option<u64>,
    /// Participant-times per event, when it held any.
    pub per_event: Option<u64>,
    /// Any of its figures is a placeholder.
    pub sample: bool,
    /// Its months, in order, as reported.
    pub months: Vec<MonthRow>,
    /// For each month in [`Reporting::months`], whether it has reported it.
    pub reported: Vec<bool>,
    /// It has reported every month due.
    pub complete: bool,
}

/// The units of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The kind (`city`).
    pub kind: String,
    /// Its label in the language asked for (`一市（地）一特色`).
    pub label: String,
    /// Its units, most participant-times first.
    pub units: Vec<UnitRow>,
    /// Sum of events.
    pub events: u64,
    /// Sum of participant-times.
    pub person_times: u64,
    /// Sum of online views.
    pub online_views: u64,
}

/// One month's totals over all units.
#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    /// `2022-08`.
    pub month: String,
    /// Events held.
    pub events: u64,
    /// Participant-times.
    pub person_times: u64,
    /// Online views.
    pub online_views: u64,
}

/// Who has reported what, relative to the build's clock and the deadline.
#[derive(Debug, Clone, Serialize)]
pub struct Reporting {
    /// The campaign's months that have ended by `--now` and by the deadline (the
    /// columns of the table).
    pub months: Vec<String>,
    /// Units that have reported every one of them.
    pub complete: usize,
    /// Every unit.
    pub units: usize,
    /// The reporting deadline (`2022-12-10`).
    pub deadline: Option<String>,
    /// Whole days from `--now` to the deadline; negative once it has passed.
    pub days_left: Option<i64>,
}

/// The campaign's figures in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    /// The target in participant-times.
    pub target: u64,
    /// Sum of participant-times.
    pub total: u64,
    /// Sum of events.
    pub events: u64,
    /// Sum of online views.
    pub online_views: u64,
    /// Participant-times per event over all units.
    pub per_event: Option<u64>,
    /// Progress toward the target, percent with one decimal.
    pub percent: f64,
    /// Participant-times still needed (0 when reached).
    pub remaining: u64,
    /// The units in groups, in the order of `campaign.units`.
    pub groups: Vec<Group>,
    /// Every unit, most participant-times first.
    pub units: Vec<UnitRow>,
    /// Months in order.
    pub months: Vec<MonthRow>,
    /// Who has reported.
    pub reporting: Reporting,
    /// Whether any figure is a placeholder.
    pub sample: bool,
}

fn per_event(person_times: u64, events: u64) -> Option<u64> {
    (events > 0).then(|| (person_times as f64 / events as f64).round() as u64)
}

/// Sums the statistics table for the pages published in `lang`. `None` when the site
/// has no campaign.
pub fn compute(
    site: &Site,
    statistics: Option<&crate::statistics::Table>,
    lang: &str,
) -> Option<Figures> {
    let campaign = site.config.campaign.as_ref()?;
    let empty = crate::statistics::Table::default();
    let table = statistics.unwrap_or(&empty);
    let today = site.now.to_zoned(site.config.timezone.clone()).date();
    // A month is due once it has ended, by `--now` and by the deadline: the table sent
    // on 10 December covers the months up to November.
    let deadline = campaign
        .report_deadline
        .as_deref()
        .and_then(|d| d.get(..10)?.parse::<jiff::civil::Date>().ok());
    let cutoff = deadline.map_or(today, |d| d.min(today));
    let due: Vec<YearMonth> = table
        .months
        .iter()
        .copied()
        .filter(|m| m.next() <= YearMonth { year: cutoff.year(), month: cutoff.month() })
        .collect();
    let all_months = crate::statistics::campaign_months(site);

    let mut units = unit_rows(site, table, lang);
    let mut months: Vec<MonthRow> = all_months
        .iter()
        .map(|m| MonthRow { month: m.to_string(), events: 0, person_times: 0, online_views: 0 })
        .collect();
    add_reports(table, &all_months, &mut units, &mut months);
    for (i, u) in units.iter_mut().enumerate() {
        u.per_event = per_event(u.person_times, u.events);
        u.reported = due
            .iter()
            .map(|m| table.reports.iter().any(|r| r.unit == i && r.month == *m))
            .collect();
        u.complete = u.reported.iter().all(|r| *r);
    }
    // Months after the last reported one that have not begun are not shown as zeros.
    while months.len() > 1 && months.last().is_some_and(|m| m.person_times == 0 && m.events == 0) {
        months.pop();
    }
    let reporting = Reporting {
        months: due.iter().map(ToString::to_string).collect(),
        complete: units.iter().filter(|u| u.complete).count(),
        units: units.len(),
        deadline: campaign.report_deadline.clone(),
        days_left: deadline.map(|d| i64::from((d - today).get_days())),
    };
    units.sort_by(|a, b| {
        b.person_times.cmp(&a.person_times).then_with(|| a.permalink.cmp(&b.permalink))
    });
    let groups = groups(site, campaign, &units, lang);
    let total: u64 = units.iter().map(|c| c.person_times).fold(0, u64::saturating_add);
    let events: u64 = units.iter().map(|c| c.events).fold(0, u64::saturating_add);
    let target = campaign.target_person_times;
    let percent =
        if target == 0 { 0.0 } else { (total as f64 * 1000.0 / target as f64).round() / 10.0 };
    Some(Figures {
        target,
        total,
        events,
        online_views: units.iter().map(|c| c.online_views).fold(0, u64::saturating_add),
        per_event: per_event(total, events),
        percent,
        remaining: target.saturating_sub(total),
        sample: units.iter().any(|c| c.sample),
        groups,
        units,
        months,
        reporting,
    })
}

/// One row per reporting unit, named in `lang`, with nothing added up yet.
fn unit_rows(site: &Site, table: &crate::statistics::Table, lang: &str) -> Vec<UnitRow> {
    table
        .units
        .iter()
        .map(|u| {
            let doc = site
                .get(&u.canonical, lang)
                .or_else(|| site.get(&u.canonical, &site.config.default_language));
            UnitRow {
                name: doc.and_then(|d| d.data.display_name()).unwrap_or(&u.name).to_owned(),
                permalink: doc.map(|d| site.permalink(d)).unwrap_or_default(),
                kind: u.kind.clone(),
                events: 0,
                person_times: 0,
                online_views: 0,
                media_reports: None,
                per_event: None,
                sample: false,
                months: Vec::new(),
                reported: Vec::new(),
                complete: false,
            }
        })
        .collect()
}

/// Adds every report to its unit's row and its month's.
fn add_reports(
    table: &crate::statistics::Table,
    all_months: &[YearMonth],
    units: &mut [UnitRow],
    months: &mut [MonthRow],
) {
    let mut reports: Vec<&crate::statistics::Report> = table.reports.iter().collect();
    reports.sort_by_key(|r| (r.unit, r.month));
    for r in reports {
        let u = &mut units[r.unit];
        u.events = u.events.saturating_add(r.events);
        u.person_times = u.person_times.saturating_add(r.person_times);
        u.online_views = u.online_views.saturating_add(r.online_views);
        if let Some(m) = r.media_reports {
            let sum = u.media_reports.get_or_insert(0);
            *sum = sum.saturating_add(m);
        }
        u.sample |= r.sample;
        u.months.push(MonthRow {
            month: r.month.to_string(),
            events: r.events,
            person_times: r.person_times,
            online_views: r.online_views,
        });
        if let Some(i) = all_months.iter().position(|m| *m == r.month) {
            let m = &mut months[i];
            m.events = m.events.saturating_add(r.events);
            m.person_times = m.person_times.saturating_add(r.person_times);
            m.online_views = m.online_views.saturating_add(r.online_views);
        }
    }
}

/// The units by kind (cities, industry unions), in the campaign's order, with their sums.
fn groups(
    site: &Site,
    campaign: &crate::config::Campaign,
    units: &[UnitRow],
    lang: &str,
) -> Vec<Group> {
    campaign
        .units
        .iter()
        .map(|kind| {
            let members: Vec<UnitRow> = units.iter().filter(|u| &u.kind == kind).cloned().collect();
            Group {
                kind: kind.clone(),
                label: site
                    .kinds
                    .get(kind)
                    .and_then(|k| {
                        k.label.get(lang).or_else(|| k.label.get(&site.config.default_language))
                    })
                    .cloned()
                    .unwrap_or_else(|| kind.clone()),
                events: members.iter().map(|u| u.events).fold(0, u64::saturating_add),
                person_times: members.iter().map(|u| u.person_times).fold(0, u64::saturating_add),
                online_views: members.iter().map(|u| u.online_views).fold(0, u64::saturating_add),
                units: members,
            }
        })
        .collect()
}

/// `1234567` → `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const RED: &str = "#c00000";
const GREY: &str = "#e8e8e8";
const INK: &str = "#1f2328";
const FONT: &str = "font-family=\"inherit\" font-size=\"14\"";

fn open(width: u32, height: u32, label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" class=\"chart\"><title>{}</title>",
        escape_attr(label),
        escape_attr(label)
    )
}

/// A progress bar toward the target.
pub fn progress_svg(f: &Figures, label: &str) -> String {
    let share = if f.target == 0 { 0.0 } else { (f.total as f64 / f.target as f64).min(1.0) };
    let w = 360.0;
    let filled = (w * share).round();
    let mut s = open(360, 40, label);
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"4\" width=\"{w}\" height=\"32\" rx=\"4\" fill=\"{GREY}\"/><rect x=\"0\" y=\"4\" width=\"{filled}\" height=\"32\" rx=\"4\" fill=\"{RED}\"/>"
    );
    let text_x = if filled > 80.0 { filled - 8.0 } else { filled + 8.0 };
    let (anchor, color) = if filled > 80.0 { ("end", "#ffffff") } else { ("start", INK) };
    let _ = write!(
        s,
        "<text x=\"{text_x}\" y=\"25\" text-anchor=\"{anchor}\" fill=\"{color}\" {FONT} font-weight=\"700\">{:.1}%</text></svg>",
        f.percent
    );
    s
}

/// The width of `text` at `font_size` px, estimated to err on the wide side: a wide
/// (CJK) or ambiguous-width character is one em, Latin letters and digits take their widths in DejaVu Sans
/// (the widest common sans-serif that a reader's `system-ui` may fall back to), anything
/// else 0.65 em. Charts size their label columns from it so that no label is clipped.
pub fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * font_size
}

/// One character's advance in em (see [`text_width`]).
fn char_em(c: char) -> f64 {
    // DejaVu Sans advance widths per 1000 em for printable ASCII, from the space (0x20).
    const ASCII: [u16; 95] = [
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318,
        337, // sp–/
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838,
        531, // 0–?
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748,
        787, // @–O
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
        500, // P–_
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634,
        612, // `–o
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, // p–~
    ];
    match c {
        ' '..='~' => f64::from(ASCII[c as usize - 0x20]) / 1000.0,
        // Ambiguous characters (…, ·, curly quotes) are full-width in CJK fonts.
        _ => match unicode_width::UnicodeWidthChar::width_cjk(c) {
            Some(0) => 0.0,
            Some(2) => 1.0,
            _ => 0.65,
        },
    }
}

/// Breaks `text` into at most `max_lines` lines no wider than `max_w` at `font_size`:
/// between words of Latin text and between any two wide characters. What does not fit
/// in the last line ends with "…"; the second value says whether anything was cut.
fn wrap_label(text: &str, max_w: f64, font_size: f64, max_lines: usize) -> (Vec<String>, bool) {
    // Pieces that stay together: a run of non-wide, non-space characters (a word), a
    // single wide character, or a space.
    let mut pieces: Vec<String> = Vec::new();
    for c in text.chars() {
        let joins = !c.is_whitespace()
            && char_em(c) < 1.0
            && pieces.last().is_some_and(|p: &String| {
                p.chars().last().is_some_and(|l| !l.is_whitespace() && char_em(l) < 1.0)
            });
        if joins {
            pieces.last_mut().expect("checked").push(c);
        } else {
            pieces.push(c.to_string());
        }
    }
    let mut lines: Vec<String> = vec![String::new()];
    let mut cut = false;
    for piece in pieces {
        let room_for_a_line = lines.len() < max_lines;
        let line = lines.last_mut().expect("never empty");
        if text_width(&format!("{line}{piece}"), font_size) <= max_w {
            line.push_str(&piece);
            continue;
        }
        if piece.trim().is_empty() {
            continue; // a space at the end of a line is not drawn
        }
        if !line.trim().is_empty() && room_for_a_line {
            lines.push(piece.clone());
            let line = lines.last_mut().expect("just pushed");
            if text_width(line, font_size) <= max_w {
                continue;
            }
            line.clear();
            cut_to_fit(line, &piece, max_w, font_size);
            cut = true;
            break;
        }
        cut_to_fit(line, &piece, max_w, font_size);
        cut = true;
        break;
    }
    for line in &mut lines {
        let trimmed = line.trim_end().len();
        line.truncate(trimmed);
    }
    (lines, cut)
}

/// Appends as much of `piece` to `line` as fits before a closing "…" within `max_w`.
fn cut_to_fit(line: &mut String, piece: &str, max_w: f64, font_size: f64) {
    for c in piece.chars() {
        if text_width(&format!("{line}{c}…"), font_size) > max_w {
            break;
        }
        line.push(c);
    }
    while !line.is_empty() && text_width(&format!("{line}…"), font_size) > max_w {
        line.pop();
    }
    let trimmed = line.trim_end().len();
    line.truncate(trimmed);
    line.push('…');
}

/// Horizontal bars, one per unit, most participant-times first. The label column is as
/// wide as the widest name (at most 42 % of the chart); a longer name wraps onto a second
/// line, and one that still does not fit is shortened with "…" and keeps its full name
/// in a `<title>` (the data table beside the chart has it too).
pub fn units_svg(units: &[UnitRow], label: &str) -> String {
    const WIDTH: f64 = 360.0;
    const SIZE: f64 = 14.0;
    const GAP: f64 = 6.0;
    const LINE_H: u32 = 17;
    let max_label = (WIDTH * 0.42).floor();
    let widest = units.iter().map(|c| text_width(&c.name, SIZE)).fold(0.0, f64::max);
    let label_w = (widest.min(max_label - GAP) + GAP).max(40.0).ceil();
    let value_w = units
        .iter()
        .map(|c| text_width(&group_digits(c.person_times), SIZE))
        .fold(0.0, f64::max)
        .ceil();
    let bar_w = (WIDTH - label_w - GAP - value_w - 2.0).max(20.0).floor();
    let rows: Vec<(Vec<String>, bool)> =
        units.iter().map(|c| wrap_label(&c.name, label_w - GAP, SIZE, 2)).collect();
    let row_h = |lines: usize| 28 + LINE_H * (lines.max(1) as u32 - 1);
    let height = rows.iter().map(|(l, _)| row_h(l.len())).sum::<u32>().max(28) + 8;
    let max = units.iter().map(|c| c.person_times).max().unwrap_or(0).max(1) as f64;
    let mut s = open(WIDTH as u32, height, label);
    let mut y = 4u32;
    for (c, (lines, cut)) in units.iter().zip(&rows) {
        let h = row_h(lines.len());
        let w = (bar_w * c.person_times as f64 / max).round();
        // The first line's baseline: the lines are centred on the bar.
        let bar_y = y + (h - 28) / 2 + 2;
        let first = y + 14 + (h - 28) / 2 - LINE_H * (lines.len() as u32 - 1) / 2;
        let _ = write!(s, "<text y=\"{first}\" text-anchor=\"end\" fill=\"{INK}\" {FONT}>");
        if *cut {
            let _ = write!(s, "<title>{}</title>", escape_attr(&c.name));
        }
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0 } else { LINE_H };
            let _ = write!(
                s,
                "<tspan x=\"{}\" dy=\"{dy}\">{}</tspan>",
                label_w - GAP,
                escape_attr(line)
            );
        }
        let _ = write!(
            s,
            "</text><rect x=\"{label_w}\" y=\"{bar_y}\" width=\"{w}\" height=\"18\" fill=\"{RED}\"/><text x=\"{}\" y=\"{}\" fill=\"{INK}\" {FONT}>{}</text>",
            label_w + w + GAP,
            bar_y + 12,
            group_digits(c.person_times)
        );
        y += h;
    }
    s.push_str("</svg>");
    s
}

/// Monthly participant-times over all units, as columns. A figure or a month wider than
/// its column is drawn in a smaller font (down to 9 px) so that columns never overlap
/// and the outer ones stay inside the chart.
pub fn months_svg(f: &Figures, label: &str) -> String {
    let n = f.months.len().max(1) as f64;
    let (left, top, chart_h, width) = (4.0, 22.0, 140.0, 360.0);
    let col_w = (width - 2.0 * left) / n;
    let max = f.months.iter().map(|m| m.person_times).max().unwrap_or(0).max(1) as f64;
    let fit = |texts: &mut dyn Iterator<Item = String>| {
        let widest = texts.map(|t| text_width(&t, 1.0)).fold(0.0, f64::max);
        if widest == 0.0 { 14.0 } else { ((col_w - 4.0) / widest).clamp(9.0, 14.0).floor() }
    };
    let value_size = fit(&mut f.months.iter().map(|m| group_digits(m.person_times)));
    let month_size = fit(&mut f.months.iter().map(|m| m.month.clone()));
    let mut s = open(360, 196, label);
    for (i, m) in f.months.iter().enumerate() {
        let h = (chart_h * m.person_times as f64 / max).round();
        let x = left + col_w * i as f64 + col_w * 0.15;
        let w = col_w * 0.7;
        let y = top + chart_h - h;
        let cx = x + w / 2.0;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{RED}\"/><text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\" font-family=\"inherit\" font-size=\"{value_size}\">{}</text><text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\" font-family=\"inherit\" font-size=\"{month_size}\">{}</text>",
            y - 6.0,
            group_digits(m.person_times),
            top + chart_h + 20.0,
            escape_attr(&m.month)
        );
    }
    s.push_str("</svg>");
    s
}

/// The statistics table as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs
/// read Chinese correctly), with a total row.
pub fn csv(f: &Figures, headers: [&str; 6]) -> String {
    fn field(s: &str) -> String {
        let s = crate::limits::strip_forbidden(s);
        // A cell starting with = + - @ is a formula to a spreadsheet: make it text.
        let s = if s.starts_with(['=', '+', '-', '@', '\t']) {
            format!("'{s}")
        } else {
            s.into_owned()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::from("\u{feff}");
    let h: Vec<String> = headers[..5].iter().map(|h| field(h)).collect();
    let _ = write!(out, "{}\r\n", h.join(","));
    for g in &f.groups {
        for u in &g.units {
            let _ = write!(
                out,
                "{},{},{},{},{}\r\n",
                field(&u.name),
                field(&g.label),
                u.events,
                u.person_times,
                u.online_views
            );
        }
    }
    let _ = write!(out, "{},,{},{},{}\r\n", field(headers[5]), f.events, f.total, f.online_views);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(
        name: &str,
        permalink: &str,
        events: u64,
        person_times: u64,
        online_views: u64,
    ) -> UnitRow {
        UnitRow {
            name: name.into(),
            permalink: permalink.into(),
            kind: "city".into(),
            events,
            person_times,
            online_views,
            media_reports: None,
            per_event: per_event(person_times, events),
            sample: true,
            months: Vec::new(),
            reported: Vec::new(),
            complete: true,
        }
    }

    fn figures() -> Figures {
        let units = vec![
            unit("哈尔滨市", "/h/", 20, 1_000_000, 1_500_000),
            unit("大兴安岭地区, \"北\"", "/d/", 10, 250_000, 500_000),
        ];
        Figures {
            target: 5_000_000,
            total: 1_250_000,
            events: 30,
            online_views: 2_000_000,
            per_event: Some(41_667),
            percent: 25.0,
            remaining: 3_750_000,
            groups: vec![Group {
                kind: "city".into(),
                label: "一市（地）一特色".into(),
                units: units.clone(),
                events: 30,
                person_times: 1_250_000,
                online_views: 2_000_000,
            }],
            units,
            months: vec![MonthRow {
                month: "2022-08".into(),
                events: 30,
                person_times: 1_250_000,
                online_views: 2_000_000,
            }],
            reporting: Reporting {
                months: vec!["2022-08".into()],
                complete: 2,
                units: 2,
                deadline: None,
                days_left: None,
            },
            sample: true,
        }
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(5_000_000), "5,000,000");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
    }

    #[test]
    fn progress_bar_is_proportional_and_labelled() {
        let s = progress_svg(&figures(), "参与人次进度");
        assert!(s.contains("role=\"img\" aria-label=\"参与人次进度\""));
        assert!(s.contains("width=\"90\""), "{s}"); // 25 % of 360
        assert!(s.contains("25.0%"));
    }

    /// The numeric values of attribute `name` in `svg`, in order (`width="100%"` of
    /// the `<svg>` itself is not a number and is left out).
    fn attrs(svg: &str, name: &str) -> Vec<f64> {
        let key = format!(" {name}=\"");
        svg.match_indices(&key)
            .filter_map(|(i, _)| {
                let rest = &svg[i + key.len()..];
                rest[..rest.find('"').unwrap()].parse().ok()
            })
            .collect()
    }

    /// Each `<tspan x="…">text</tspan>` of `svg`: its x and its text.
    fn tspans(svg: &str) -> Vec<(f64, String)> {
        svg.split("<tspan x=\"")
            .skip(1)
            .map(|t| {
                let x = t[..t.find('"').unwrap()].parse().unwrap();
                let text = &t[t.find('>').unwrap() + 1..t.find("</tspan>").unwrap()];
                (x, text.replace("&quot;", "\""))
            })
            .collect()
    }

    fn with_cities(names: &[&str]) -> Vec<UnitRow> {
        names
            .iter()
            .enumerate()
            .map(|(i, name)| unit(name, &format!("/c{i}/"), 1, 123_456_789 / (i as u64 + 1), 1))
            .collect()
    }

    #[test]
    fn city_bars_scale_to_the_largest() {
        let s = units_svg(&figures().units, "各市（地）参与人次");
        let widths = attrs(&s, "width");
        assert_eq!(widths.len(), 2, "{s}");
        assert!((widths[1] - widths[0] / 4.0).abs() <= 0.5, "250,000 is a quarter: {widths:?}");
        assert!(s.contains("1,000,000"));
        assert!(s.contains("大兴安岭地区, &quot;北&quot;"));
    }

    #[test]
    fn latin_is_measured_narrower_than_cjk_and_wide_characters_are_one_em() {
        assert_eq!(text_width("哈尔滨市", 14.0), 56.0);
        let w = text_width("Harbin", 14.0);
        assert!(w > 40.0 && w < 56.0, "{w}");
        assert!(text_width("W", 10.0) > text_width("i", 10.0));
    }

    #[test]
    fn long_city_names_wrap_or_shorten_and_no_text_passes_an_edge() {
        let names = [
            "Da Hinggan Ling Prefecture",
            "Shuangyashan",
            "Averyveryveryveryverylongwordwithoutanyspacesatallreally",
            "黑龙江省大兴安岭地区加格达奇区松岭区新林区呼中区塔河县漠河市",
            "大兴安岭地区",
        ];
        let s = units_svg(&with_cities(&names), "by city");
        let lines = tspans(&s);
        for (x, text) in &lines {
            let left = x - text_width(text, 14.0);
            assert!(left >= 0.0, "`{text}` starts at {left}: {s}");
        }
        let texts: Vec<&str> = lines.iter().map(|(_, t)| t.as_str()).collect();
        assert!(texts.contains(&"Shuangyashan"), "{texts:?}");
        assert!(texts.contains(&"大兴安岭地区"), "{texts:?}");
        // Wrapped at a space, nothing cut: every word of the name is drawn.
        let hinggan: String = texts.iter().filter(|t| !t.contains('…')).copied().collect();
        for word in ["Da", "Hinggan", "Ling", "Prefecture"] {
            assert!(hinggan.contains(word), "{word} missing from {texts:?}");
        }
        // The ones that cannot fit in two lines end with … and keep their full name.
        assert_eq!(texts.iter().filter(|t| t.ends_with('…')).count(), 2, "{texts:?}");
        assert!(s.contains(&format!("<title>{}</title>", names[2])), "{s}");
        assert!(s.contains(&format!("<title>{}</title>", names[3])), "{s}");
        // Bars and figures end inside the 360-wide chart.
        let rects: Vec<(f64, f64)> = s
            .split("<rect ")
            .skip(1)
            .map(|r| (attrs(&format!(" {r}"), "x")[0], attrs(&format!(" {r}"), "width")[0]))
            .collect();
        assert_eq!(rects.len(), names.len());
        for ((x, w), c) in rects.iter().zip(&with_cities(&names)) {
            let value = group_digits(c.person_times);
            let end = x + w + 6.0 + text_width(&value, 14.0);
            assert!(end <= 360.0, "{value} ends at {end}");
        }
    }

    #[test]
    fn month_figures_shrink_to_their_columns() {
        let mut f = figures();
        f.months = (1..=12)
            .map(|m| MonthRow {
                month: format!("2022-{m:02}"),
                events: 1,
                person_times: 987_654_321,
                online_views: 1,
            })
            .collect();
        let s = months_svg(&f, "by month");
        let col_w = (360.0 - 8.0) / 12.0;
        let sizes = attrs(&s, "font-size");
        assert_eq!(sizes.len(), 24, "{s}");
        assert!(sizes[0] < 14.0, "a figure as wide as 987,654,321 is drawn smaller");
        for (i, size) in sizes.iter().enumerate() {
            let text = if i % 2 == 0 { "987,654,321" } else { "2022-01" };
            assert!(text_width(text, *size) <= col_w || *size == 9.0, "{text} at {size}");
        }
        // Four months leave room: the figures keep the chart's 14 px.
        let s = months_svg(&figures(), "by month");
        assert!(attrs(&s, "font-size").iter().all(|&x| x == 14.0), "{s}");
    }

    #[test]
    fn csv_quotes_and_totals() {
        let c = csv(&figures(), ["单位", "类别", "活动场次", "参与人次", "线上浏览量", "合计"]);
        assert!(c.starts_with("\u{feff}单位,类别,活动场次,参与人次,线上浏览量\r\n"), "{c}");
        assert!(
            c.contains("\n\"大兴安岭地区, \"\"北\"\"\",一市（地）一特色,10,250000,500000\r\n"),
            "{c}"
        );
        assert!(c.ends_with("合计,,30,1250000,2000000\r\n"), "{c}");
    }
}
