//! Dates as editors write them, read in the site's time zone.
//!
//! Accepted: `2022-07-19`, `2022-07-19 09:00`, `2022-07-19T09:00:00`, with optional
//! fractional seconds, and any of those with an offset (`Z`, `+08:00`). A date without an
//! offset is wall-clock time in the site's zone (`timezone:` in site.yaml, default
//! Asia/Shanghai), so a page dated `2022-07-19 09:00` by an editor in Harbin is not
//! "future" on a UTC CI runner at 02:00 UTC the same morning.

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned, civil};

/// What went wrong reading a date, with a hint for the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// The text that did not parse.
    pub input: String,
    /// How to write it instead.
    pub hint: String,
}

/// Reads a date in the given zone.
pub fn parse_date(input: &str, tz: &TimeZone) -> Result<Zoned, DateError> {
    let s = input.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts.to_zoned(tz.clone()));
    }
    let civil = s
        .parse::<civil::DateTime>()
        .ok()
        .or_else(|| s.parse::<civil::Date>().ok().map(|d| d.to_datetime(civil::Time::midnight())));
    if let Some(dt) = civil {
        // A date with an offset the timestamp parser refused (e.g. a bad offset) must not
        // silently lose it.
        if !has_offset(s)
            && let Ok(z) = dt.to_zoned(tz.clone())
        {
            return Ok(z);
        }
    }
    Err(DateError { input: s.to_owned(), hint: hint_for(s) })
}

fn has_offset(s: &str) -> bool {
    let time = match s.find(['T', ' ']) {
        Some(i) => &s[i + 1..],
        None => return false,
    };
    time.contains(['Z', 'z', '+', '-'])
}

fn hint_for(s: &str) -> String {
    let example = "write dates as 2022-07-19, 2022-07-19 09:00 or 2022-07-19T09:00:00+08:00";
    if s.contains('年') || s.contains('月') {
        return format!("Chinese date notation is for display only; {example}");
    }
    if s.contains('/') || s.contains('.') && !s.contains(':') {
        return format!("use dashes between year, month and day; {example}");
    }
    let digits: Vec<&str> = s.split(['-', ' ', 'T']).collect();
    if digits.len() >= 3 && digits[1..3].iter().any(|p| p.len() == 1) {
        return format!("months and days need two digits (07, not 7); {example}");
    }
    example.to_owned()
}

/// RFC 3339 with the offset of the zone, e.g. `2022-07-19T09:00:00+08:00`.
pub fn rfc3339(z: &Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    #[test]
    fn date_without_offset_is_in_site_zone() {
        let z = parse_date("2022-07-19 09:00", &shanghai()).unwrap();
        assert_eq!(rfc3339(&z), "2022-07-19T09:00:00+08:00");
        assert_eq!(z.timestamp().to_string(), "2022-07-19T01:00:00Z");
    }

    #[test]
    fn bare_date_is_midnight_in_site_zone() {
        let z = parse_date("2022-07-19", &shanghai()).unwrap();
        assert_eq!(rfc3339(&z), "2022-07-19T00:00:00+08:00");
    }

    #[test]
    fn explicit_offset_is_kept_as_the_instant() {
        let z = parse_date("2022-07-19T09:00:00Z", &shanghai()).unwrap();
        assert_eq!(rfc3339(&z), "2022-07-19T17:00:00+08:00");
        let z = parse_date("2022-07-19T09:00:00+02:00", &shanghai()).unwrap();
        assert_eq!(z.timestamp().to_string(), "2022-07-19T07:00:00Z");
    }

    #[test]
    fn t_separator_and_seconds() {
        let z = parse_date("2022-07-19T09:30:15", &shanghai()).unwrap();
        assert_eq!(rfc3339(&z), "2022-07-19T09:30:15+08:00");
    }

    #[test]
    fn bad_dates_get_specific_hints() {
        let e = parse_date("2022年7月19日", &shanghai()).unwrap_err();
        assert!(e.hint.starts_with("Chinese date notation"), "{}", e.hint);
        let e = parse_date("2022/07/19", &shanghai()).unwrap_err();
        assert!(e.hint.starts_with("use dashes"), "{}", e.hint);
        let e = parse_date("2022-7-19", &shanghai()).unwrap_err();
        assert!(e.hint.starts_with("months and days need two digits"), "{}", e.hint);
        let e = parse_date("2022-02-30", &shanghai()).unwrap_err();
        assert!(e.hint.starts_with("write dates as"), "{}", e.hint);
    }

    #[test]
    fn a_bad_offset_is_an_error_not_dropped() {
        assert!(parse_date("2022-07-19T09:00:00+99:00", &shanghai()).is_err());
    }
}
