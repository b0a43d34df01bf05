//! Content kinds: the typed front-matter fields of notices, lecturers, cities and
//! activities (docs/content-kinds.md).
//!
//! A section's `_index.md` declares `kind:`; its pages (and those of its sub-folders)
//! are read with that kind's struct. Types are checked while parsing, with the line and
//! column in the file; required fields are checked after a translation has inherited
//! what it leaves out; cross-references between files are checked by the model.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::yaml;

/// The kinds fenjin knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A plain page.
    #[default]
    Page,
    /// 通知公告.
    Notice,
    /// 宣讲团成员.
    Lecturer,
    /// 一市（地）一特色.
    City,
    /// 线上主题活动.
    Activity,
}

/// Every kind's name, for messages.
pub const KIND_NAMES: &[&str] = &["page", "notice", "lecturer", "city", "activity"];

impl Kind {
    /// The kind named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Kind> {
        Some(match name {
            "page" => Kind::Page,
            "notice" => Kind::Notice,
            "lecturer" => Kind::Lecturer,
            "city" => Kind::City,
            "activity" => Kind::Activity,
            _ => return None,
        })
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Notice => "notice",
            Kind::Lecturer => "lecturer",
            Kind::City => "city",
            Kind::Activity => "activity",
        }
    }

    /// The front-matter fields it adds.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Page => &[],
            Kind::Notice => &[
                "doc_number",
                "issuer",
                "recipients",
                "signed_by",
                "signed_date",
                "attachments",
                "cities",
            ],
            Kind::Lecturer => {
                &["name", "photo", "honors", "employer", "industry", "city", "topics", "talks"]
            }
            Kind::City => {
                &["city", "feature", "highlights", "contact", "participation", "pictures"]
            }
            Kind::Activity => {
                &["starts", "ends", "how_to_join", "formats", "submit_to", "phase", "cities"]
            }
        }
    }

    /// Fields that must be present (after inheritance).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Page => &[],
            Kind::Notice => &["doc_number", "issuer"],
            Kind::Lecturer => &["name", "city"],
            Kind::City => &["city", "feature"],
            Kind::Activity => &["starts", "ends", "how_to_join", "phase"],
        }
    }
}

/// An attachment of a notice.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Its title.
    pub title: String,
    /// A file beside the notice, or an `@/` content link.
    pub file: String,
}

/// A talk of a lecturer.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Talk {
    /// When (a date as in `date:`).
    pub date: String,
    /// Where.
    pub place: String,
    /// What about.
    pub title: String,
}

/// A month of a city's figures.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Participation {
    /// `2022-08`.
    pub month: String,
    /// Number of events.
    pub events: u64,
    /// Participant-times (人次).
    pub person_times: u64,
    /// Online views.
    pub online_views: u64,
}

/// A photo of a city page.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PictureField {
    /// The image file, beside the page.
    pub file: String,
    /// What it shows, for readers who cannot see it.
    pub alt: Option<String>,
}

/// The fields of a notice.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct NoticeFields {
    /// 发文字号.
    pub doc_number: Option<String>,
    /// 发文机关.
    pub issuer: Option<String>,
    /// 主送机关.
    pub recipients: Option<String>,
    /// Signature line.
    pub signed_by: Option<String>,
    /// 成文日期.
    pub signed_date: Option<String>,
    /// 附件.
    pub attachments: Option<Vec<Attachment>>,
    /// City slugs.
    pub cities: Option<Vec<String>>,
}

/// The fields of a lecturer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct LecturerFields {
    /// Name.
    pub name: Option<String>,
    /// Portrait file.
    pub photo: Option<String>,
    /// Honours.
    pub honors: Option<Vec<String>>,
    /// Workplace.
    pub employer: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// City slug.
    pub city: Option<String>,
    /// Topics.
    pub topics: Option<Vec<String>>,
    /// Talks.
    pub talks: Option<Vec<Talk>>,
}

/// The fields of a city.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct CityFields {
    /// Display name.
    pub city: Option<String>,
    /// Signature activity.
    pub feature: Option<String>,
    /// Short points.
    pub highlights: Option<Vec<String>>,
    /// Contact.
    pub contact: Option<String>,
    /// Monthly figures.
    pub participation: Option<Vec<Participation>>,
    /// Photos, each `{file, alt}`.
    pub pictures: Option<Vec<PictureField>>,
}

/// The fields of an activity.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct ActivityFields {
    /// Opens.
    pub starts: Option<String>,
    /// Closes.
    pub ends: Option<String>,
    /// How to take part.
    pub how_to_join: Option<String>,
    /// What to submit.
    pub formats: Option<Vec<String>>,
    /// Where to submit.
    pub submit_to: Option<String>,
    /// Campaign phase id.
    pub phase: Option<u32>,
    /// City slugs.
    pub cities: Option<Vec<String>>,
}

/// A page's kind-specific fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(untagged)]
pub enum KindData {
    /// No extra fields.
    #[default]
    Page,
    /// A notice.
    Notice(NoticeFields),
    /// A lecturer.
    Lecturer(LecturerFields),
    /// A city.
    City(CityFields),
    /// An activity.
    Activity(ActivityFields),
}

/// Reads `T` from the whole front matter. The other fields were checked already and
/// are ignored here (no `deny_unknown_fields`); errors carry the path and position of
/// the value inside nested records.
fn parse_as<T: serde::de::DeserializeOwned + Default>(
    root: &yaml::Node,
    yaml: &str,
    file_text: &str,
    line_offset: usize,
    file: &Path,
) -> Result<T, Diagnostic> {
    if root.is_null() {
        return Ok(T::default());
    }
    yaml::from_node::<T>(root).map_err(|e| yaml::diagnose(&e, yaml, file_text, line_offset, file))
}

impl KindData {
    /// Reads the fields of `kind` from the front-matter YAML.
    pub fn parse(
        kind: Kind,
        root: &yaml::Node,
        yaml: &str,
        file_text: &str,
        line_offset: usize,
        file: &Path,
    ) -> Result<KindData, Diagnostic> {
        Ok(match kind {
            Kind::Page => KindData::Page,
            Kind::Notice => KindData::Notice(parse_as(root, yaml, file_text, line_offset, file)?),
            Kind::Lecturer => {
                KindData::Lecturer(parse_as(root, yaml, file_text, line_offset, file)?)
            }
            Kind::City => KindData::City(parse_as(root, yaml, file_text, line_offset, file)?),
            Kind::Activity => {
                KindData::Activity(parse_as(root, yaml, file_text, line_offset, file)?)
            }
        })
    }

    /// Which kind this is.
    pub fn kind(&self) -> Kind {
        match self {
            KindData::Page => Kind::Page,
            KindData::Notice(_) => Kind::Notice,
            KindData::Lecturer(_) => Kind::Lecturer,
            KindData::City(_) => Kind::City,
            KindData::Activity(_) => Kind::Activity,
        }
    }

    /// Fills what a translation leaves out that needs no translation: dates, numbers,
    /// references and records.
    pub fn inherit_from(&mut self, original: &KindData) {
        fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        match (self, original) {
            (KindData::Notice(m), KindData::Notice(o)) => {
                fill(&mut m.signed_date, &o.signed_date);
                fill(&mut m.cities, &o.cities);
            }
            (KindData::Lecturer(m), KindData::Lecturer(o)) => {
                fill(&mut m.photo, &o.photo);
                fill(&mut m.city, &o.city);
                fill(&mut m.talks, &o.talks);
            }
            (KindData::City(m), KindData::City(o)) => {
                fill(&mut m.participation, &o.participation);
                fill(&mut m.pictures, &o.pictures);
            }
            (KindData::Activity(m), KindData::Activity(o)) => {
                fill(&mut m.starts, &o.starts);
                fill(&mut m.ends, &o.ends);
                fill(&mut m.phase, &o.phase);
                fill(&mut m.cities, &o.cities);
            }
            _ => {}
        }
    }

    /// The required fields that are missing.
    pub fn missing(&self) -> Vec<&'static str> {
        let present = |name: &str| -> bool {
            match self {
                KindData::Page => true,
                KindData::Notice(f) => match name {
                    "doc_number" => f.doc_number.is_some(),
                    "issuer" => f.issuer.is_some(),
                    _ => true,
                },
                KindData::Lecturer(f) => match name {
                    "name" => f.name.is_some(),
                    "city" => f.city.is_some(),
                    _ => true,
                },
                KindData::City(f) => match name {
                    "city" => f.city.is_some(),
                    "feature" => f.feature.is_some(),
                    _ => true,
                },
                KindData::Activity(f) => match name {
                    "starts" => f.starts.is_some(),
                    "ends" => f.ends.is_some(),
                    "how_to_join" => f.how_to_join.is_some(),
                    "phase" => f.phase.is_some(),
                    _ => true,
                },
            }
        };
        self.kind().required().iter().copied().filter(|f| !present(f)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: Kind, yaml: &str) -> Result<KindData, Diagnostic> {
        let text = format!("---\n{yaml}---\n");
        let root = yaml::parse(yaml).unwrap();
        KindData::parse(kind, &root, yaml, &text, 1, Path::new("a.md"))
    }

    #[test]
    fn reads_typed_fields_and_ignores_common_ones() {
        let d = parse(Kind::Lecturer, "title: x\nname: 甲\ncity: harbin\ntalks:\n  - {date: 2022-08-01, place: 厂, title: 讲}\n").unwrap();
        let KindData::Lecturer(f) = d else { panic!() };
        assert_eq!(f.name.as_deref(), Some("甲"));
        assert_eq!(f.talks.unwrap()[0].place, "厂");
    }

    #[test]
    fn wrong_type_names_the_expected_type_and_position() {
        let e = parse(Kind::City, "title: x\ncity: 哈尔滨\nparticipation:\n  - {month: 2022-08, events: 十, person_times: 1, online_views: 1}\n").unwrap_err();
        assert_eq!(e.code, "E0105");
        assert_eq!(e.line, Some(5));
        assert!(e.message.contains("whole number"), "{}", e.message);
    }

    #[test]
    fn unknown_field_inside_a_record_is_reported() {
        let e = parse(
            Kind::Lecturer,
            "name: 甲\ntalks:\n  - {date: 2022-08-01, plce: 厂, title: 讲}\n",
        )
        .unwrap_err();
        assert!(e.message.contains("plce"), "{}", e.message);
        assert_eq!(e.hint.as_deref(), Some("did you mean `place`?"));
    }

    #[test]
    fn required_after_inheritance() {
        let mut en = parse(Kind::Lecturer, "name: Sample A\n").unwrap();
        assert_eq!(en.missing(), ["city"]);
        let zh = parse(Kind::Lecturer, "name: 甲\ncity: harbin\n").unwrap();
        en.inherit_from(&zh);
        assert!(en.missing().is_empty());
    }
}
