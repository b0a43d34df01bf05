//! Campaign figures: every city's `participation` records summed into the statistics
//! table of the notice's attachment 2, drawn at build time as inline SVG (no
//! JavaScript) and written as CSV. Figures are computed here, never typed into templates.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::content::kinds::FieldValue;
use crate::model::Site;
use crate::output::escape_attr;

/// One city's totals.
#[derive(Debug, Clone, Serialize)]
pub struct CityRow {
    /// Display name in the language asked for.
    pub name: String,
    /// Its page.
    pub permalink: String,
    /// Events held.
    pub events: u64,
    /// Participant-times.
    pub person_times: u64,
    /// Online views.
    pub online_views: u64,
    /// Placeholder figures.
    pub sample: bool,
}

/// One month's totals over all cities.
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
    /// Progress toward the target, percent with one decimal.
    pub percent: f64,
    /// Participant-times still needed (0 when reached).
    pub remaining: u64,
    /// Cities, most participant-times first.
    pub cities: Vec<CityRow>,
    /// Months in order.
    pub months: Vec<MonthRow>,
    /// Whether any figure is a placeholder.
    pub sample: bool,
}

/// The list field of monthly figures, `{month, events, person_times, online_views}`
/// (docs/content-kinds.md): the figures come from every page whose kind declares it.
pub const PARTICIPATION: &str = "participation";

/// One entry of a `participation` list.
struct Month {
    month: String,
    events: u64,
    person_times: u64,
    online_views: u64,
}

impl Month {
    fn read(v: &FieldValue) -> Option<Month> {
        let FieldValue::Object(o) = v else { return None };
        let count = |k: &str| match o.get(k) {
            Some(FieldValue::Integer(i)) => u64::try_from(*i).ok(),
            _ => None,
        };
        let month = match o.get("month") {
            Some(FieldValue::Text(t)) => t.clone(),
            _ => return None,
        };
        Some(Month {
            month,
            events: count("events")?,
            person_times: count("person_times")?,
            online_views: count("online_views")?,
        })
    }
}

/// Sums the figures of the city pages published in `lang` (their `participation` is
/// inherited from the Chinese file when the translation leaves it out).
pub fn compute(site: &Site, lang: &str) -> Option<Figures> {
    let campaign = site.config.campaign.as_ref()?;
    let mut cities = Vec::new();
    let mut months: BTreeMap<String, MonthRow> = BTreeMap::new();
    for d in site.docs.iter().filter(|d| d.lang == lang) {
        // Every page whose kind declares the `participation` list (the city pages).
        let has_field = d.data.decl.as_ref().is_some_and(|k| k.field(PARTICIPATION).is_some());
        if !has_field {
            continue;
        }
        let mut row = CityRow {
            name: d.data.display_name().map_or_else(|| d.title.clone(), str::to_owned),
            permalink: site.permalink(d),
            events: 0,
            person_times: 0,
            online_views: 0,
            sample: d.sample,
        };
        for p in d.data.items(PARTICIPATION).iter().filter_map(Month::read) {
            row.events += p.events;
            row.person_times += p.person_times;
            row.online_views += p.online_views;
            let m = months.entry(p.month.clone()).or_insert_with(|| MonthRow {
                month: p.month.clone(),
                events: 0,
                person_times: 0,
                online_views: 0,
            });
            m.events += p.events;
            m.person_times += p.person_times;
            m.online_views += p.online_views;
        }
        cities.push(row);
    }
    cities.sort_by(|a, b| {
        b.person_times.cmp(&a.person_times).then_with(|| a.permalink.cmp(&b.permalink))
    });
    let total: u64 = cities.iter().map(|c| c.person_times).sum();
    let target = campaign.target_person_times;
    let percent =
        if target == 0 { 0.0 } else { (total as f64 * 1000.0 / target as f64).round() / 10.0 };
    Some(Figures {
        target,
        total,
        events: cities.iter().map(|c| c.events).sum(),
        online_views: cities.iter().map(|c| c.online_views).sum(),
        percent,
        remaining: target.saturating_sub(total),
        sample: cities.iter().any(|c| c.sample),
        cities,
        months: months.into_values().collect(),
    })
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

/// Horizontal bars, one per city, most participant-times first.
pub fn cities_svg(f: &Figures, label: &str) -> String {
    let row_h = 28u32;
    let label_w = 100.0;
    let bar_w = 360.0 - label_w - 80.0;
    let height = row_h * f.cities.len().max(1) as u32 + 8;
    let max = f.cities.iter().map(|c| c.person_times).max().unwrap_or(0).max(1) as f64;
    let mut s = open(360, height, label);
    for (i, c) in f.cities.iter().enumerate() {
        let y = 4 + row_h * i as u32;
        let w = (bar_w * c.person_times as f64 / max).round();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{INK}\" {FONT}>{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"18\" fill=\"{RED}\"/><text x=\"{}\" y=\"{}\" fill=\"{INK}\" {FONT}>{}</text>",
            label_w - 6.0,
            y + 14,
            escape_attr(&c.name),
            y + 2,
            label_w + w + 6.0,
            y + 14,
            group_digits(c.person_times)
        );
    }
    s.push_str("</svg>");
    s
}

/// Monthly participant-times over all cities, as columns.
pub fn months_svg(f: &Figures, label: &str) -> String {
    let n = f.months.len().max(1) as f64;
    let (left, top, chart_h, width) = (4.0, 22.0, 140.0, 360.0);
    let col_w = (width - 2.0 * left) / n;
    let max = f.months.iter().map(|m| m.person_times).max().unwrap_or(0).max(1) as f64;
    let mut s = open(360, 196, label);
    for (i, m) in f.months.iter().enumerate() {
        let h = (chart_h * m.person_times as f64 / max).round();
        let x = left + col_w * i as f64 + col_w * 0.15;
        let w = col_w * 0.7;
        let y = top + chart_h - h;
        let cx = x + w / 2.0;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{RED}\"/><text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\" {FONT}>{}</text><text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\" {FONT}>{}</text>",
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
pub fn csv(f: &Figures, headers: [&str; 5]) -> String {
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
    let _ = write!(
        out,
        "{},{},{},{}\r\n",
        field(headers[0]),
        field(headers[1]),
        field(headers[2]),
        field(headers[3])
    );
    for c in &f.cities {
        let _ = write!(
            out,
            "{},{},{},{}\r\n",
            field(&c.name),
            c.events,
            c.person_times,
            c.online_views
        );
    }
    let _ = write!(out, "{},{},{},{}\r\n", field(headers[4]), f.events, f.total, f.online_views);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        Figures {
            target: 5_000_000,
            total: 1_250_000,
            events: 30,
            online_views: 2_000_000,
            percent: 25.0,
            remaining: 3_750_000,
            cities: vec![
                CityRow {
                    name: "哈尔滨市".into(),
                    permalink: "/h/".into(),
                    events: 20,
                    person_times: 1_000_000,
                    online_views: 1_500_000,
                    sample: true,
                },
                CityRow {
                    name: "大兴安岭地区, \"北\"".into(),
                    permalink: "/d/".into(),
                    events: 10,
                    person_times: 250_000,
                    online_views: 500_000,
                    sample: true,
                },
            ],
            months: vec![MonthRow {
                month: "2022-08".into(),
                events: 30,
                person_times: 1_250_000,
                online_views: 2_000_000,
            }],
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

    #[test]
    fn city_bars_scale_to_the_largest() {
        let s = cities_svg(&figures(), "各市（地）参与人次");
        assert!(s.contains("width=\"180\""), "{s}"); // the largest gets the full bar
        assert!(s.contains("1,000,000"));
        assert!(s.contains("大兴安岭地区, &quot;北&quot;"));
    }

    #[test]
    fn csv_quotes_and_totals() {
        let c = csv(&figures(), ["市（地）", "活动场次", "参与人次", "网上浏览量", "合计"]);
        assert!(c.starts_with("\u{feff}市（地）,活动场次,参与人次,网上浏览量\r\n"));
        assert!(c.contains("\"大兴安岭地区, \"\"北\"\"\",10,250000,500000\r\n"));
        assert!(c.ends_with("合计,30,1250000,2000000\r\n"));
    }
}
