//! iCalendar (RFC 5545) of the campaign's dates per language: the `window` of every
//! page whose kind declares one (an activity) and the dated entries of every kind's
//! `calendar` list (a lecturer's talks). Events have stable UIDs (the content path and index), a
//! DTSTAMP taken from the content (never the clock, so builds stay reproducible), and
//! all-day dates, or UTC times when a time is given.

use icalendar::{Calendar, Component, Event, EventLike, Property};
use jiff::Zoned;

use crate::content::kinds::FieldValue;
use crate::content::schema::CalendarDecl;
use crate::model::{Doc, Site};

fn date_prop(key: &str, z: &Zoned, all_day: bool) -> Property {
    if all_day {
        let mut p = Property::new(key, z.strftime("%Y%m%d").to_string());
        p.add_parameter("VALUE", "DATE");
        p
    } else {
        Property::new(key, z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string())
    }
}

fn is_bare_date(s: Option<&str>) -> bool {
    s.is_some_and(|s| s.trim().len() == 10)
}

/// The word in the UIDs of a calendar list's events: `talk` for `talks`, so the UIDs
/// stay `lecturers/a.md#talk-1@host` (a calendar application keys events by UID).
fn event_word(list: &str) -> &str {
    list.strip_suffix('s').filter(|w| !w.is_empty()).unwrap_or(list)
}

/// The calendar of `lang`, or `None` when there is nothing to put in it.
pub fn calendar(site: &Site, lang: &str) -> Option<String> {
    let host = site.config.base_url.split("://").nth(1).unwrap_or("fenjin").trim_end_matches('/');
    let title = site.config.language(lang).map(|l| l.title.as_str()).unwrap_or("");
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//fenjin//campaign calendar//ZH-EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.name(title);
    let mut events = 0;
    for d in site.docs.iter().filter(|d| d.lang == lang) {
        let window = d.kind_dates.window(&d.data);
        let stamp = d
            .updated
            .as_ref()
            .or(d.date.as_ref())
            .or(window.map(|(s, _)| s))
            .map(|z| z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string())
            .unwrap_or_else(|| "20220101T000000Z".to_owned());
        let url = site.permalink(d);
        let Some(decl) = &d.data.decl else { continue };
        if let (Some((starts, ends)), Some(fields)) = (window, &decl.window) {
            cal.push(window_event(d, (starts, ends), fields, &stamp, &url, host));
            events += 1;
        }
        if let Some(c) = &decl.calendar {
            for e in entry_events(d, c, &stamp, &url, host) {
                cal.push(e);
                events += 1;
            }
        }
    }
    // Front matter cannot carry control characters (see `limits`); should one come from
    // elsewhere, the calendar stays valid RFC 5545 text (only CR, LF and tab are kept).
    (events > 0).then(|| crate::limits::strip_forbidden(&cal.done().to_string()).into_owned())
}

/// The event of a page's `window` (a whole-day event when both dates have no time).
fn window_event(
    d: &Doc,
    (starts, ends): (&Zoned, &Zoned),
    fields: &(String, String),
    stamp: &str,
    url: &str,
    host: &str,
) -> Event {
    let (s_field, e_field) = fields;
    let all_day = is_bare_date(d.data.text(s_field)) && is_bare_date(d.data.text(e_field));
    // An all-day DTEND is exclusive: the day after the last day.
    let end = if all_day { ends.tomorrow().unwrap_or_else(|_| ends.clone()) } else { ends.clone() };
    let mut e = Event::new();
    e.uid(&format!("{}@{host}", d.canonical))
        .summary(&d.title)
        .url(url)
        .add_property("DTSTAMP", stamp)
        .append_property(date_prop("DTSTART", starts, all_day))
        .append_property(date_prop("DTEND", &end, all_day));
    if let Some(desc) = &d.description {
        e.description(desc);
    }
    e.done()
}

/// The events of a page's calendar list (a lecturer's talks): one per entry with a date.
fn entry_events(d: &Doc, c: &CalendarDecl, stamp: &str, url: &str, host: &str) -> Vec<Event> {
    let mut out = Vec::new();
    let name = d.data.display_name().unwrap_or(&d.title);
    for (i, (entry, date)) in d.data.items(&c.list).iter().zip(&d.kind_dates.events).enumerate() {
        let (Some(date), FieldValue::Object(entry)) = (date, entry) else { continue };
        let text = |field: &Option<String>| match field.as_ref().and_then(|f| entry.get(f)) {
            Some(FieldValue::Text(t)) => Some(t.as_str()),
            _ => None,
        };
        let all_day = is_bare_date(text(&Some(c.date.clone())));
        let end =
            if all_day { date.tomorrow().unwrap_or_else(|_| date.clone()) } else { date.clone() };
        let summary = match text(&c.title) {
            Some(t) => format!("{t} — {name}"),
            None => name.to_owned(),
        };
        let mut e = Event::new();
        e.uid(&format!("{}#{}-{}@{host}", d.canonical, event_word(&c.list), i + 1))
            .summary(&summary);
        if let Some(place) = text(&c.place) {
            e.location(place);
        }
        e.url(url)
            .add_property("DTSTAMP", stamp)
            .append_property(date_prop("DTSTART", date, all_day));
        if all_day {
            e.append_property(date_prop("DTEND", &end, true));
        }
        out.push(e.done());
    }
    out
}
