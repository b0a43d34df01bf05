//! `site.yaml` into a typed [`Config`].
//!
//! Input: the text of site.yaml. Output: a validated `Config` or diagnostics that name
//! the line and column in site.yaml. `Config::parse` does no I/O; `Config::load` reads
//! the file first.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use crate::yaml;

mod images;
pub use images::ImageSettings;

/// What to do when a page has no translation in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TranslationPolicy {
    /// Leave the page out of that language; the language switch leads to the nearest
    /// ancestor section that exists there.
    #[default]
    Omit,
    /// Render the default-language text at the other language's URL, with a notice.
    Fallback,
}

/// One language of the site, as written in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// BCP 47 code for `lang` and `hreflang` (`zh-Hans`, `en`).
    pub hreflang: Option<String>,
    /// The site's title in this language.
    pub title: String,
    /// The site's description in this language.
    #[serde(default)]
    pub description: String,
}

/// A taxonomy, written either as a name (`tags`) or as a map.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum TaxonomyEntry {
    Name(String),
    Full(TaxonomyConfig),
}

/// A taxonomy such as `tags`: a list field in front matter with list and term pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// The field name and URL segment (`tags` → `/tags/`).
    pub name: String,
    /// Whether term pages get an Atom feed (default true).
    #[serde(default = "yes")]
    pub feed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    #[serde(default = "default_lang")]
    default_language: String,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    translations: TranslationPolicy,
    languages: BTreeMap<String, LanguageConfig>,
    #[serde(default)]
    taxonomies: Vec<TaxonomyEntry>,
    #[serde(default = "default_paginate")]
    paginate_by: usize,
    #[serde(default = "default_feed_limit")]
    feed_limit: usize,
    #[serde(default)]
    icp: Option<String>,
    #[serde(default)]
    public_security_filing: Option<String>,
    #[serde(default = "yes")]
    search: bool,
    #[serde(default)]
    trusted_html: bool,
    #[serde(default)]
    campaign: Option<Campaign>,
    #[serde(default)]
    extra: Option<crate::yaml::Value>,
    #[serde(default)]
    images: ImageSettings,
}

/// The campaign block: target, reporting and phases (feeds the statistics).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// The participation target in person-times (人次).
    pub target_person_times: u64,
    /// The date by which figures are reported.
    pub report_deadline: Option<String>,
    /// Where figures are reported.
    pub report_to: Option<String>,
    /// The campaign's phases.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// The kinds whose pages are the reporting units of the statistics table
    /// (`[city, union]`): each page is a unit (docs/statistics.md).
    #[serde(default)]
    pub units: Vec<String>,
}

/// A phase of the campaign.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// The number activities refer to with `phase:`.
    pub id: u32,
    /// Its title per language code.
    pub title: BTreeMap<String, String>,
    /// When it starts.
    pub starts: Option<String>,
    /// When it ends.
    pub ends: Option<String>,
}

fn default_lang() -> String {
    "zh".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate() -> usize {
    10
}
fn default_feed_limit() -> usize {
    20
}

/// One configured language, resolved.
#[derive(Debug, Clone)]
pub struct Language {
    /// The code used in file names and URLs (`zh`, `en`).
    pub code: String,
    /// The `lang`/`hreflang` value (`zh-Hans`).
    pub hreflang: String,
    /// Site title in this language.
    pub title: String,
    /// Site description in this language.
    pub description: String,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Absolute base URL without a trailing slash.
    pub base_url: String,
    /// Code of the default language, served at `/`.
    pub default_language: String,
    /// Languages, the default first, then the others in code order.
    pub languages: Vec<Language>,
    /// The zone dates without an offset are read in.
    pub timezone: TimeZone,
    /// Its IANA name.
    pub timezone_name: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Missing-translation policy.
    pub translations: TranslationPolicy,
    /// Taxonomies, in the order written.
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Default pagination for sections (0 = none).
    pub paginate_by: usize,
    /// Entries per Atom feed.
    pub feed_limit: usize,
    /// ICP filing number for the footer.
    pub icp: Option<String>,
    /// Public-security filing line for the footer (公安备案).
    pub public_security_filing: Option<String>,
    /// Write a search page and index per language (default true).
    pub search: bool,
    /// The content's authors are trusted with script: Markdown may use `javascript:`,
    /// `vbscript:` and non-image `data:` URLs, `on…` event attributes and `<script>`
    /// (default false: each is a build error, E0205).
    pub trusted_html: bool,
    /// The campaign block, passed to templates as `campaign`.
    pub campaign: Option<Campaign>,
    /// Free-form settings for templates (`site.extra`).
    pub extra: Option<crate::yaml::Value>,
    /// Responsive images (`images:`).
    pub images: ImageSettings,
}

impl Config {
    /// Reads and parses `site.yaml` at `path`; `display` is the name used in messages.
    pub fn load(path: &Path, display: &Path) -> Result<Config, Diagnostics> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, display),
            Err(e) => {
                let mut ds = Diagnostics::new();
                ds.push(
                    Diagnostic::error(
                        codes::E0001,
                        format!("cannot read the site configuration: {e}"),
                    )
                    .file(display)
                    .hint("run fenjin in the site's folder, or pass --root DIR"),
                );
                Err(ds)
            }
        }
    }

    /// Parses the text of site.yaml.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostics> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ds = Diagnostics::new();
        if let Err(d) = crate::limits::check_yaml(text, text, 0, file) {
            ds.push(d);
            return Err(ds);
        }
        let parsed = yaml::parse(text).map_err(yaml::Error::from).and_then(|root| {
            let raw = yaml::from_node::<RawConfig>(&root)?;
            Ok((root, raw))
        });
        let (root, mut raw) = match parsed {
            Ok(r) => r,
            Err(e) => {
                ds.push(yaml::diagnose(&e, text, text, 0, file));
                return Err(ds);
            }
        };
        let site = SiteYaml { root: &root, text, file };

        let base_url = raw.base_url.trim_end_matches('/').to_owned();
        let host = base_url.split_once("://").map(|(_, h)| h.trim_matches('/')).unwrap_or("");
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) || host.is_empty()
        {
            ds.push(site.invalid(
                &["base_url"],
                format!("`base_url` must be an absolute URL, not `{}`", raw.base_url),
                "write it with the scheme, such as `base_url: https://example.org`",
            ));
        }

        let tz_name = raw.timezone.clone().unwrap_or_else(|| "Asia/Shanghai".into());
        let timezone = match TimeZone::get(&tz_name) {
            Ok(tz) => tz,
            Err(_) => {
                ds.push(site.invalid(
                    &["timezone"],
                    format!("unknown time zone `{tz_name}`"),
                    "use an IANA zone name such as `Asia/Shanghai`",
                ));
                TimeZone::UTC
            }
        };
        let languages = site.languages(&raw, &mut ds);
        let taxonomies = site.taxonomies(std::mem::take(&mut raw.taxonomies), &mut ds);
        if let Some(c) = &raw.campaign {
            site.check_campaign(c, &timezone, &mut ds);
        }
        for (key, msg, hint) in raw.images.problems() {
            ds.push(site.invalid(&["images", key], msg, hint));
        }
        if ds.has_errors() {
            return Err(ds);
        }
        Ok(Config {
            base_url,
            default_language: raw.default_language,
            languages,
            timezone,
            timezone_name: tz_name,
            theme: raw.theme,
            translations: raw.translations,
            taxonomies,
            paginate_by: raw.paginate_by,
            feed_limit: raw.feed_limit,
            icp: raw.icp,
            public_security_filing: raw.public_security_filing,
            search: raw.search,
            trusted_html: raw.trusted_html,
            campaign: raw.campaign,
            extra: raw.extra,
            images: raw.images,
        })
    }

    /// The language with this code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// Whether `code` is the default language.
    pub fn is_default(&self, code: &str) -> bool {
        self.default_language == code
    }

    /// The URL prefix of a language: `""` for the default, `"/en"` for others.
    pub fn lang_prefix(&self, code: &str) -> String {
        if self.is_default(code) { String::new() } else { format!("/{code}") }
    }

    /// An absolute URL for a root-relative path (`/cities/` → `https://…/cities/`).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.trim_end_matches('/').to_owned();
    }
}

/// Front-matter fields that a taxonomy may not shadow.
pub(crate) const RESERVED_FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "description",
    "draft",
    "expires",
    "weight",
    "aliases",
    "image",
    "sample",
    "slug",
    "path",
    "template",
    "extra",
    "kind",
    "sort_by",
    "paginate_by",
    "page_template",
];

/// site.yaml as read, for messages that point into it.
struct SiteYaml<'a> {
    root: &'a yaml::Node,
    text: &'a str,
    file: &'a Path,
}

impl SiteYaml<'_> {
    /// An invalid value (E0004) at the key `path` (`["campaign", "phases"]`).
    fn invalid(&self, path: &[&str], msg: String, hint: &str) -> Diagnostic {
        let (last, parents) = path.split_last().expect("a path");
        let (l, c) = self
            .root
            .path(parents)
            .and_then(|p| p.value_pos(last))
            .map_or((1, 1), |p| (p.line, p.col));
        Diagnostic::error(codes::E0004, msg).file(self.file).at(self.text, l, c).hint(hint)
    }

    /// The languages, the default one first; a code unfit for file names and URLs, and a
    /// default language not among them, are errors.
    fn languages(&self, raw: &RawConfig, ds: &mut Diagnostics) -> Vec<Language> {
        if !raw.languages.contains_key(&raw.default_language) {
            let known: Vec<&str> = raw.languages.keys().map(String::as_str).collect();
            ds.push(self.invalid(
                &["default_language"],
                format!("`default_language: {}` is not one of `languages`", raw.default_language),
                &format!("add it under `languages:` or choose one of: {}", known.join(", ")),
            ));
        }
        let mut languages = Vec::new();
        for (code, lc) in &raw.languages {
            let valid = !code.is_empty()
                && code.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && code.len() <= 8;
            if !valid {
                ds.push(self.invalid(
                    &["languages", code],
                    format!("language code `{code}` cannot be used in file names and URLs"),
                    "use a short lowercase code such as `zh` or `en`",
                ));
            }
            languages.push(Language {
                code: code.clone(),
                hreflang: lc.hreflang.clone().unwrap_or_else(|| code.clone()),
                title: lc.title.clone(),
                description: lc.description.clone(),
            });
        }
        languages.sort_by_key(|l| (l.code != raw.default_language, l.code.clone()));
        languages
    }

    /// The taxonomies; a name that is not lowercase, is a front-matter field, or is
    /// listed twice is an error.
    fn taxonomies(&self, entries: Vec<TaxonomyEntry>, ds: &mut Diagnostics) -> Vec<TaxonomyConfig> {
        let mut taxonomies: Vec<TaxonomyConfig> = Vec::new();
        for entry in entries {
            let tc = match entry {
                TaxonomyEntry::Name(name) => TaxonomyConfig { name, feed: true },
                TaxonomyEntry::Full(tc) => tc,
            };
            let ok = !tc.name.is_empty()
                && tc
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !ok || RESERVED_FIELDS.contains(&tc.name.as_str()) {
                ds.push(self.invalid(
                    &["taxonomies"],
                    format!("`{}` cannot be a taxonomy name", tc.name),
                    "use a lowercase name that is not a front-matter field, such as `tags`",
                ));
            }
            if taxonomies.iter().any(|t| t.name == tc.name) {
                ds.push(self.invalid(
                    &["taxonomies"],
                    format!("the taxonomy `{}` is listed twice", tc.name),
                    "remove one of them",
                ));
            }
            taxonomies.push(tc);
        }
        taxonomies
    }

    /// The campaign's dates are dates and its phases' ids are distinct.
    fn check_campaign(&self, c: &Campaign, timezone: &TimeZone, ds: &mut Diagnostics) {
        let mut dates: Vec<(Vec<&str>, &String)> = Vec::new();
        if let Some(d) = &c.report_deadline {
            dates.push((vec!["campaign", "report_deadline"], d));
        }
        for p in &c.phases {
            for (key, v) in [("starts", &p.starts), ("ends", &p.ends)] {
                if let Some(v) = v {
                    dates.push((vec!["campaign", "phases", key], v));
                }
            }
        }
        for (path, value) in dates {
            if let Err(e) = crate::dates::parse_date(value, timezone) {
                ds.push(self.invalid(&path, format!("`{value}` is not a date"), &e.hint));
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        for p in &c.phases {
            if !ids.insert(p.id) {
                ds.push(self.invalid(
                    &["campaign", "phases"],
                    format!("two phases have the id {}", p.id),
                    "give every phase its own `id`",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "base_url: https://example.org/\ndefault_language: zh\nlanguages:\n  zh: {hreflang: zh-Hans, title: 中国梦·劳动美}\n  en: {hreflang: en, title: Chinese Dream}\ntaxonomies: [tags]\n";

    fn err(text: &str) -> Diagnostic {
        Config::parse(text, Path::new("site.yaml")).unwrap_err().sorted().remove(0)
    }

    #[test]
    fn parses_and_orders_languages_default_first() {
        let c = Config::parse(GOOD, Path::new("site.yaml")).unwrap();
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.languages[0].code, "zh");
        assert_eq!(c.languages[0].hreflang, "zh-Hans");
        assert_eq!(c.languages[1].code, "en");
        assert_eq!(c.timezone_name, "Asia/Shanghai");
        assert_eq!(c.translations, TranslationPolicy::Omit);
        assert_eq!(c.lang_prefix("en"), "/en");
        assert_eq!(c.permalink("/a/"), "https://example.org/a/");
    }

    #[test]
    fn unknown_key_suggests_the_closest_known_key() {
        let d = err(&format!("{GOOD}timzone: Asia/Shanghai\n"));
        assert_eq!(d.message, "unknown field `timzone`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `timezone`?"));
        assert_eq!(d.line, Some(7));
    }

    #[test]
    fn unknown_language_key_suggests_too() {
        let d = err(&GOOD.replace("title: Chinese Dream", "titel: Chinese Dream"));
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(d.line, Some(5));
    }

    #[test]
    fn bad_timezone_names_its_line() {
        let d = err(&format!("{GOOD}timezone: Asia/Harbin2\n"));
        assert_eq!(d.message, "unknown time zone `Asia/Harbin2`");
        assert_eq!((d.line, d.column), (Some(7), Some(11)));
    }

    #[test]
    fn default_language_must_exist() {
        let d = err(&GOOD.replace("default_language: zh", "default_language: fr"));
        assert!(d.message.contains("`default_language: fr`"), "{}", d.message);
        assert_eq!(d.line, Some(2));
    }

    #[test]
    fn relative_base_url_is_refused() {
        let d = err(&GOOD.replace("https://example.org/", "example.org"));
        assert!(d.message.contains("absolute URL"));
    }
}
