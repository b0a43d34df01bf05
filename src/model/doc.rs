//! One document from its source: the front matter checked and turned into a [`Doc`] —
//! title, dates, the kind's fields, URL path and aliases — with every error located in
//! the file. [`build`](super::build) calls [`make_doc`] for each source, in parallel.

use jiff::Zoned;

use crate::config::Config;
use crate::content::SourceDoc;
use crate::content::front_matter::FrontMatter;
use crate::content::kinds::{FieldType, FieldValue, KindData};
use crate::dates::parse_date;
use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use crate::slug::{path_segment, slugify};

use super::{Doc, KindDates, SectionData};

/// The document of `src` (the `source`-th), with `fm` its front matter after inheritance;
/// None when it has an error (reported to `ds`).
pub(super) fn make_doc(
    config: &Config,
    src: &SourceDoc,
    source: usize,
    fm: FrontMatter,
    ds: &mut Diagnostics,
) -> Option<Doc> {
    let mut r = DocMaker { config, src, ds, ok: true };
    let title = r.title(&fm);
    let date = r.date("date", fm.date.as_ref());
    let updated = r.date("updated", fm.updated.as_ref());
    let expires = r.date("expires", fm.expires.as_ref());
    let path = r.url_path(&fm);
    let mut data = fm.data;
    data.apply_defaults();
    let kind_dates = r.kind_dates(&data);
    r.required_fields(&data);
    let aliases = fm
        .aliases
        .map(|a| a.into_vec())
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let a = a.trim().trim_start_matches('/').to_owned();
            format!("/{a}")
        })
        .collect();

    if !r.ok {
        return None;
    }
    Some(Doc {
        id: 0,
        source: Some(source),
        canonical: src.canonical.clone(),
        lang: src.lang.clone(),
        is_section: src.is_section,
        fallback: false,
        title,
        description: fm.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()),
        date,
        updated,
        expires,
        data,
        kind_dates,
        weight: fm.weight,
        draft: fm.draft.unwrap_or(false),
        sample: fm.sample.unwrap_or(false),
        image: fm.image,
        aliases,
        template: fm.template,
        extra: fm.extra.unwrap_or_default(),
        taxonomies: fm.taxonomies,
        path,
        parent: None,
        section: SectionData {
            pages: Vec::new(),
            subsections: Vec::new(),
            sort_by: fm.sort_by.unwrap_or_default(),
            paginate_by: fm.paginate_by.unwrap_or(config.paginate_by),
            page_template: fm.page_template,
            kind: fm.kind,
        },
    })
}

/// One source's front matter being read: its errors go to `ds`, located in the file, and
/// any error clears `ok` (the document is then left out).
struct DocMaker<'a> {
    config: &'a Config,
    src: &'a SourceDoc,
    ds: &'a mut Diagnostics,
    ok: bool,
}

impl DocMaker<'_> {
    /// The line and column of `key` in the front matter (its first line when absent).
    fn locate(&self, key: &str) -> (usize, usize) {
        let yaml_start = self.src.front_matter_line;
        let yaml: String = self
            .src
            .text
            .lines()
            .skip(yaml_start)
            .take_while(|l| l.trim_end() != "---")
            .collect::<Vec<_>>()
            .join("\n");
        crate::yaml::locate_key(&yaml, key)
            .map(|(l, c)| (l + yaml_start, c))
            .unwrap_or((yaml_start, 1))
    }

    /// Reports an error at `(line, column)` of the file.
    fn error(&mut self, d: Diagnostic, (line, column): (usize, usize)) {
        self.ds.push(d.file(&self.src.file).at(&self.src.text, line, column));
        self.ok = false;
    }

    /// The front matter's first line, for a field that is missing.
    fn top(&self) -> (usize, usize) {
        (self.src.front_matter_line, 1)
    }

    fn title(&mut self, fm: &FrontMatter) -> String {
        match fm.title.clone().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
            Some(t) => t,
            None => {
                let at = self.top();
                self.error(
                    Diagnostic::error(codes::E0107, "the required field `title` is missing")
                        .hint("add a line `title: …` to the front matter"),
                    at,
                );
                String::new()
            }
        }
    }

    /// The date `value` of `key`, if given and valid.
    fn date(&mut self, key: &str, value: Option<&String>) -> Option<Zoned> {
        let v = value?;
        match parse_date(v, &self.config.timezone) {
            Ok(z) => Some(z),
            Err(e) => {
                let at = self.locate(key);
                self.error(
                    Diagnostic::error(codes::E0106, format!("`{key}: {}` is not a date", e.input))
                        .hint(e.hint),
                    at,
                );
                None
            }
        }
    }

    /// The dates of the kind's fields and calendar entries; a window that ends before it
    /// starts is an error.
    fn kind_dates(&mut self, data: &KindData) -> KindDates {
        let mut kind_dates = KindDates::default();
        let Some(decl) = data.decl.clone() else { return kind_dates };
        for f in &decl.fields {
            if let (FieldType::Date | FieldType::Datetime, Some(FieldValue::Text(v))) =
                (&f.ty, data.get(&f.name))
                && let Some(z) = self.date(&f.name, Some(v))
            {
                kind_dates.fields.insert(f.name.clone(), z);
            }
        }
        if let Some(cal) = &decl.calendar {
            for entry in data.items(&cal.list) {
                let date = match entry {
                    FieldValue::Object(o) => match o.get(&cal.date) {
                        Some(FieldValue::Text(t)) => Some(t.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                kind_dates.events.push(self.date(&cal.list, date.as_ref()));
            }
        }
        if let Some((starts, ends)) = &decl.window
            && let (Some(s), Some(e)) = (kind_dates.fields.get(starts), kind_dates.fields.get(ends))
            && e < s
        {
            let at = self.locate(ends);
            self.error(
                Diagnostic::error(codes::E0105, format!("the {} ends before it starts", decl.name))
                    .hint(format!("check `{starts}:` and `{ends}:`")),
                at,
            );
        }
        kind_dates
    }

    /// At least one field of each `one_of` group, and every required field (after
    /// inheritance).
    fn required_fields(&mut self, data: &KindData) {
        for group in data.decl.as_ref().map(|d| d.one_of.as_slice()).unwrap_or_default() {
            if group.iter().all(|f| data.get(f).is_none()) {
                let names: Vec<String> = group.iter().map(|f| format!("`{f}`")).collect();
                let at = self.top();
                self.error(
                    Diagnostic::error(
                        codes::E0107,
                        format!("a page of kind `{}` needs one of the fields {}", data.name(), names.join(", ")),
                    )
                    .hint(format!("add `{}: …`, or another of them (the fields of each kind: docs/content-kinds.md)", group[0])),
                    at,
                );
            }
        }
        for field in data.missing() {
            let at = self.top();
            self.error(
                Diagnostic::error(codes::E0107, format!("a page of kind `{}` needs the field `{field}`", data.name()))
                    .hint(format!("add `{field}: …` to the front matter (the fields of each kind: docs/content-kinds.md)")),
                at,
            );
        }
    }

    /// The URL path: `path:` as given, or the file's place (with `slug:` for its last part).
    fn url_path(&mut self, fm: &FrontMatter) -> String {
        let prefix = self.config.lang_prefix(&self.src.lang);
        let segments = match &fm.path {
            Some(p) => self.given_path(p),
            None => self.place(fm.slug.as_deref()),
        };
        if segments.is_empty() {
            format!("{prefix}/")
        } else {
            format!("{prefix}/{}/", segments.join("/"))
        }
    }

    /// The segments of `path: p`; one that leaves the site is an error.
    fn given_path(&mut self, p: &str) -> Vec<String> {
        let segments: Vec<String> =
            p.split('/').filter(|s| !s.is_empty()).map(path_segment).collect();
        if segments.iter().any(|s| s == "..") {
            let at = self.locate("path");
            self.error(
                Diagnostic::error(codes::E0203, format!("`path: {p}` leaves the site"))
                    .hint("write a path below the site root, such as `path: about-us`"),
                at,
            );
        }
        segments
    }

    /// The segments of the file's place, with `slug` for the last one of a page.
    fn place(&mut self, slug: Option<&str>) -> Vec<String> {
        let src = self.src;
        let mut segments: Vec<String> = src.canonical.split('/').map(str::to_owned).collect();
        let last = segments.pop().unwrap_or_default();
        if src.is_section {
            // `cities/_index.md` → /cities/
        } else if last == "index.md" {
            // bundle: `cities/harbin/index.md` → /cities/harbin/
        } else {
            segments.push(last.trim_end_matches(".md").to_owned());
        }
        if let (Some(slug), false) = (slug, src.is_section) {
            let s = slugify(slug);
            if s.is_empty() {
                let at = self.locate("slug");
                self.error(
                    Diagnostic::error(
                        codes::E0203,
                        format!("`slug: {slug}` has no letters or digits"),
                    )
                    .hint("use letters, digits or Chinese characters"),
                    at,
                );
            } else if let Some(last) = segments.last_mut() {
                *last = s;
            }
        }
        segments.iter().map(|s| path_segment(s)).collect()
    }
}
