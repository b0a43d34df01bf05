//! When the output will next change by itself: a future-dated page is published, a page
//! expires, an activity opens or closes. `fenjin build` prints it and writes it to
//! `.fenjin-cache/next-change.json` (outside the published tree), so that a deployment
//! can schedule its next build.

use jiff::Zoned;

use crate::model::Site;

/// The next moment the same input gives another site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NextChange {
    /// When, in the site's time zone (RFC 3339).
    pub at: String,
    /// What happens: `publishes`, `expires`, `opens` or `closes`.
    pub event: &'static str,
    /// The title of the page it happens to.
    pub title: String,
    /// Its source file, relative to the site's folder.
    pub file: String,
    #[serde(skip)]
    when: Zoned,
}

impl NextChange {
    /// `2022-10-17 00:00 +08:00 — 龙江红色足迹打卡 closes`.
    pub fn describe(&self) -> String {
        format!("{} — {} {}", self.when.strftime("%Y-%m-%d %H:%M %:z"), self.title, self.event)
    }

    /// The moment itself.
    pub fn timestamp(&self) -> jiff::Timestamp {
        self.when.timestamp()
    }
}

/// The earliest change after the build's clock, or `None` when nothing is scheduled.
/// Among changes at the same moment, the default language's comes first.
pub fn next_change(site: &Site) -> Option<NextChange> {
    let now = site.now;
    let tz = &site.config.timezone;
    let default = &site.config.default_language;
    let mut found: Vec<(bool, NextChange)> = Vec::new();
    // A file's name is written only for a change that is to come (few of a site's pages).
    let mut add =
        |when: &Zoned, event: &'static str, title: &str, file: &dyn Fn() -> String, other: bool| {
            if when.timestamp() > now {
                let when = when.with_time_zone(tz.clone());
                found.push((
                    other,
                    NextChange {
                        at: crate::dates::rfc3339(&when),
                        event,
                        title: title.to_owned(),
                        file: file(),
                        when,
                    },
                ));
            }
        };
    for d in site.docs.iter().filter(|d| !d.fallback) {
        let file = || site.file_of(d).display().to_string();
        let other = &d.lang != default;
        if let Some(e) = &d.expires {
            add(e, "expires", &d.title, &file, other);
        }
        if let Some((opens, closes)) = crate::model::refs::window(d) {
            add(&opens, "opens", &d.title, &file, other);
            add(&closes, "closes", &d.title, &file, other);
        }
    }
    for s in site.skipped.iter() {
        if let Some((when, title)) = &s.publishes {
            let file = s.file.display().to_string();
            // A translation's file name has a language suffix (`x.en.md`).
            let other = file.trim_end_matches(".md").rsplit_once('.').is_some_and(|(_, l)| {
                site.config.languages.iter().any(|c| c.code == l && &c.code != default)
            });
            add(when, "publishes", title, &|| file.clone(), other);
        }
    }
    found
        .into_iter()
        .min_by(|(a_other, a), (b_other, b)| {
            (a.when.timestamp(), a_other, &a.file).cmp(&(b.when.timestamp(), b_other, &b.file))
        })
        .map(|(_, c)| c)
}

/// The JSON written to `.fenjin-cache/next-change.json`: `{"next_change": null}` when
/// nothing is scheduled.
pub fn to_json(change: Option<&NextChange>) -> String {
    let mut s = serde_json::to_string_pretty(&serde_json::json!({ "next_change": change }))
        .expect("plain values serialize");
    s.push('\n');
    s
}
