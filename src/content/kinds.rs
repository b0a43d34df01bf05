//! The content kinds of a site: the theme's `kinds/*.yaml`, then the site's own
//! `kinds/*.yaml` over them (the site's file wins, as with templates), each read and
//! checked by [`schema`](super::schema). A page's kind fields are a [`KindData`]: its
//! kind's declaration and the typed values read from its front matter.
//!
//! A section's `_index.md` declares `kind:` for its pages (and those of its
//! sub-folders); `page` is the kind of plain pages, which declares no fields. Nothing
//! here or in the rest of fenjin knows any kind by name: what a kind does (its
//! references, dates, images, calendar events, search fields) comes from its file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

pub use super::schema::RefTarget;
pub use super::schema::{CalendarDecl, FieldDecl, FieldType, FieldValue, KindDecl, KindValues};
use crate::diagnostics::{Diagnostic, Diagnostics, closest, codes};
use crate::theme::{self, DEFAULT_THEME, FileSource, embedded_files};

/// The kind of plain pages: no fields beyond the common ones.
pub const PAGE: &str = "page";

/// Every kind the site declares, by name.
#[derive(Debug, Clone, Default)]
pub struct Kinds {
    by_name: BTreeMap<String, Arc<KindDecl>>,
}

/// A kind file found in the theme or the site: its name for messages and its text.
struct KindFile {
    display: PathBuf,
    text: String,
}

impl Kinds {
    /// Reads the kinds of the site at `root` whose theme is `theme_name`: the theme's
    /// `kinds/` (on disk, or embedded for `default`), then the site's `kinds/`. Links
    /// leading out of the site are E0113; broken kind files are E0110 naming the file,
    /// line and column.
    pub fn load(root: &Path, theme_name: &str) -> Result<Kinds, Diagnostics> {
        let mut ds = Diagnostics::new();
        let files = kind_files(root, theme_name, &mut ds);
        let mut kinds = Kinds::default();
        for (name, file) in &files {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !valid || name == PAGE {
                ds.push(
                    Diagnostic::error(codes::E0110, format!("`{name}` cannot be the name of a kind"))
                        .file(&file.display)
                        .hint(if name == PAGE {
                            "`page` is the kind of plain pages, which has no fields; name the file after your kind".to_owned()
                        } else {
                            "name the file with lowercase letters, digits, `_` or `-`, such as kinds/award.yaml".to_owned()
                        }),
                );
                continue;
            }
            match KindDecl::parse(name, &file.text, &file.display) {
                Ok(decl) => {
                    kinds.by_name.insert(name.clone(), Arc::new(decl));
                }
                Err(e) => ds.extend(e),
            }
        }
        for decl in kinds.by_name.values() {
            kinds.check_refs(decl, &files[&decl.name].text, root, &mut ds);
        }
        if ds.has_errors() { Err(ds) } else { Ok(kinds) }
    }

    /// References must lead somewhere: to a declared kind, or to a section that exists.
    fn check_refs(&self, decl: &KindDecl, text: &str, root: &Path, ds: &mut Diagnostics) {
        for f in &decl.fields {
            let mut targets = Vec::new();
            ref_targets(&f.ty, &mut targets);
            for target in targets {
                let problem = match target {
                    RefTarget::Kind(k) if !self.by_name.contains_key(k) => Some((
                        format!("the ref `{}` names the kind `{k}`, which is not declared", f.name),
                        match closest(k, self.names()) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => format!(
                                "declare it in kinds/{k}.yaml, or use one of: {}",
                                self.names().collect::<Vec<_>>().join(", ")
                            ),
                        },
                    )),
                    RefTarget::Section(s)
                        if !root.join("content").join(s).join("_index.md").is_file() =>
                    {
                        Some((
                            format!(
                                "the ref `{}` names the section `{s}`, but content/{s}/_index.md does not exist",
                                f.name
                            ),
                            format!("create content/{s}/_index.md, or fix `section:`"),
                        ))
                    }
                    _ => None,
                };
                if let Some((message, hint)) = problem {
                    ds.push(
                        Diagnostic::error(codes::E0110, message)
                            .file(&decl.file)
                            .at(text, f.pos.line, f.pos.col)
                            .hint(hint),
                    );
                }
            }
        }
    }

    /// The kinds from declarations already read (for tests and tools).
    pub fn from_decls(decls: impl IntoIterator<Item = KindDecl>) -> Kinds {
        Kinds { by_name: decls.into_iter().map(|d| (d.name.clone(), Arc::new(d))).collect() }
    }

    /// The kind `name`; `None` for `page` and for names nobody declared.
    pub fn get(&self, name: &str) -> Option<&Arc<KindDecl>> {
        self.by_name.get(name)
    }

    /// Whether `name` is a kind a section may declare (`page` or a declared kind).
    pub fn is_known(&self, name: &str) -> bool {
        name == PAGE || self.by_name.contains_key(name)
    }

    /// The declared kinds' names, in name order (without `page`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// Every name a section may declare: `page` and the declared kinds.
    pub fn all_names(&self) -> Vec<&str> {
        std::iter::once(PAGE).chain(self.names()).collect()
    }

    /// The declarations, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<KindDecl>> {
        self.by_name.values()
    }

    /// The kinds with a `ref` field (at any depth) to pages of the kind `target`.
    pub fn refer_to(&self, target: &str) -> bool {
        self.iter().any(|d| {
            d.fields.iter().any(|f| {
                let mut t = Vec::new();
                ref_targets(&f.ty, &mut t);
                t.iter().any(|r| matches!(r, RefTarget::Kind(k) if k == target))
            })
        })
    }
}

/// The targets of the `ref`s in a type (inside lists and objects too).
fn ref_targets<'a>(ty: &'a FieldType, out: &mut Vec<&'a RefTarget>) {
    match ty {
        FieldType::Ref(t) => out.push(t),
        FieldType::List(of) => ref_targets(of, out),
        FieldType::Object(fields) => fields.iter().for_each(|f| ref_targets(&f.ty, out)),
        _ => {}
    }
}

/// A page's kind fields: its kind's declaration (none for a plain page) and the values
/// read from its front matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindData {
    /// The kind; `None` for a plain page.
    pub decl: Option<Arc<KindDecl>>,
    /// The values, after inheritance and defaults once the model has paired translations.
    pub values: KindValues,
}

/// A value of a wanted type found in a page's kind fields.
pub struct Leaf<'a> {
    /// The top-level field it is part of.
    pub field: &'a FieldDecl,
    /// The name of the innermost field that holds it (`file` in `attachments`).
    pub name: &'a str,
    /// Its type.
    pub ty: &'a FieldType,
    /// The value.
    pub value: &'a FieldValue,
    /// The entry of a list of objects it sits in, for its siblings (`alt` beside `file`).
    pub entry: Option<&'a BTreeMap<String, FieldValue>>,
}

impl KindData {
    /// A plain page's (empty) fields.
    pub fn page() -> KindData {
        KindData::default()
    }

    /// The kind's name (`page` for a plain page).
    pub fn name(&self) -> &str {
        self.decl.as_ref().map_or(PAGE, |d| d.name.as_str())
    }

    /// The value of a field.
    pub fn get(&self, field: &str) -> Option<&FieldValue> {
        self.values.get(field)
    }

    /// A text value.
    pub fn text(&self, field: &str) -> Option<&str> {
        match self.get(field)? {
            FieldValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The items of a list field (none when it is left out).
    pub fn items(&self, field: &str) -> &[FieldValue] {
        match self.get(field) {
            Some(FieldValue::List(items)) => items,
            _ => &[],
        }
    }

    /// What names the page besides its title: the kind's `name` field.
    pub fn display_name(&self) -> Option<&str> {
        let field = self.decl.as_ref()?.name_field.as_deref()?;
        self.text(field)
    }

    /// Fills the fields declared `inherit` that this translation leaves out.
    pub fn inherit_from(&mut self, original: &KindData) {
        if let (Some(d), Some(o)) = (&self.decl, &original.decl)
            && d.name == o.name
        {
            self.values.inherit_from(&original.values, d);
        }
    }

    /// Applies the declared defaults to the fields still left out.
    pub fn apply_defaults(&mut self) {
        if let Some(d) = &self.decl {
            self.values.apply_defaults(d);
        }
    }

    /// The required fields that are missing.
    pub fn missing(&self) -> Vec<&str> {
        self.decl.as_ref().map(|d| self.values.missing(d)).unwrap_or_default()
    }

    /// Calls `f` for every value whose type `want` accepts, in the declared order of the
    /// fields, inside lists and lists of objects too.
    pub fn each<'a>(&'a self, want: &dyn Fn(&FieldType) -> bool, f: &mut dyn FnMut(Leaf<'a>)) {
        let Some(decl) = &self.decl else { return };
        for field in &decl.fields {
            if let Some(v) = self.get(&field.name) {
                visit(field, &field.name, &field.ty, v, None, want, f);
            }
        }
    }
}

fn visit<'a>(
    field: &'a FieldDecl,
    name: &'a str,
    ty: &'a FieldType,
    value: &'a FieldValue,
    entry: Option<&'a BTreeMap<String, FieldValue>>,
    want: &dyn Fn(&FieldType) -> bool,
    f: &mut dyn FnMut(Leaf<'a>),
) {
    if want(ty) {
        f(Leaf { field, name, ty, value, entry });
        return;
    }
    match (ty, value) {
        (FieldType::List(of), FieldValue::List(items)) => {
            for item in items {
                visit(field, name, of, item, entry, want, f);
            }
        }
        (FieldType::Object(fields), FieldValue::Object(map)) => {
            for sub in fields {
                if let Some(v) = map.get(&sub.name) {
                    visit(field, &sub.name, &sub.ty, v, Some(map), want, f);
                }
            }
        }
        _ => {}
    }
}

/// Templates see `page.data` as every declared field of the kind, in the declared
/// order, `null` when left out; a plain page's `data` is `null`.
impl Serialize for KindData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Some(decl) = &self.decl else { return s.serialize_unit() };
        let mut map = s.serialize_map(Some(decl.fields.len()))?;
        for f in &decl.fields {
            map.serialize_entry(&f.name, &self.values.get(&f.name))?;
        }
        map.end()
    }
}

/// The kind files by name: the theme's `kinds/` (on disk, or embedded for `default`),
/// then the site's, which replace the theme's of the same name.
fn kind_files(root: &Path, theme_name: &str, ds: &mut Diagnostics) -> BTreeMap<String, KindFile> {
    let mut links = Diagnostics::new();
    let mut files: BTreeMap<String, KindFile> = BTreeMap::new();
    let mut add = |rel: &str, display: PathBuf, src: FileSource, ds: &mut Diagnostics| {
        let Some(name) = rel.strip_suffix(".yaml").or_else(|| rel.strip_suffix(".yml")) else {
            return;
        };
        if let Some(text) = theme::read_text(&src, &display, ds) {
            files.insert(name.to_owned(), KindFile { display, text });
        }
    };
    let theme_dir = root.join("themes").join(theme_name);
    if theme_dir.is_dir() {
        let display = PathBuf::from("themes").join(theme_name).join("kinds");
        theme::read_dir_into(
            root,
            &mut links,
            &theme_dir.join("kinds"),
            &display,
            &mut |r, d, s| add(r, d, s, ds),
        );
    } else if theme_name == "default" {
        let display = PathBuf::from("(embedded default theme)");
        for (rel, bytes) in embedded_files(&DEFAULT_THEME) {
            if let Some(r) = rel.strip_prefix("kinds/") {
                add(r, display.join(&rel), FileSource::Embedded(bytes), ds);
            }
        }
    }
    theme::read_dir_into(
        root,
        &mut links,
        &root.join("kinds"),
        Path::new("kinds"),
        &mut |r, d, s| add(r, d, s, ds),
    );
    ds.extend(links);
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme_kinds() -> Kinds {
        let root = tempfile::tempdir().unwrap();
        Kinds::load(root.path(), "default").unwrap()
    }

    #[test]
    fn the_embedded_theme_declares_the_portals_kinds() {
        let k = theme_kinds();
        assert_eq!(
            k.names().collect::<Vec<_>>(),
            ["activity", "city", "lecturer", "notice", "union"]
        );
        assert!(k.refer_to("city"));
        assert!(k.refer_to("union"), "lecturers and notices name industry unions");
        assert!(!k.refer_to("notice"));
        assert_eq!(k.all_names()[0], PAGE);
    }

    #[test]
    fn the_sites_kind_file_wins_and_refs_are_checked() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("kinds")).unwrap();
        std::fs::write(
            root.path().join("kinds/city.yaml"),
            "label: {zh: 城市, en: Cities}\nfields:\n  mayor: text\n",
        )
        .unwrap();
        let k = Kinds::load(root.path(), "default").unwrap();
        assert_eq!(k.get("city").unwrap().field_names().collect::<Vec<_>>(), ["mayor"]);
        std::fs::write(
            root.path().join("kinds/award.yaml"),
            "fields:\n  town: {type: ref, kind: ctiy}\n  unit: {type: ref, section: units}\n",
        )
        .unwrap();
        let e = Kinds::load(root.path(), "default").unwrap_err();
        let e: Vec<_> = e.iter().collect();
        assert_eq!(e.len(), 2, "{e:#?}");
        assert_eq!(e[0].code, "E0110");
        assert!(e[0].message.contains("names the kind `ctiy`"), "{}", e[0].message);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `city`?"));
        assert_eq!((e[0].line, e[0].column), (Some(2), Some(3)));
        assert!(
            e[1].message.contains("content/units/_index.md does not exist"),
            "{}",
            e[1].message
        );
    }

    #[test]
    fn data_serializes_every_declared_field() {
        let k = theme_kinds();
        let decl = k.get("lecturer").unwrap().clone();
        let text = "---\nname: 甲\ncity: harbin\n---\n";
        let root = crate::yaml::parse("name: 甲\ncity: harbin\n").unwrap();
        let values = decl.read(&root, text, 1, Path::new("a.md")).unwrap();
        let data = KindData { decl: Some(decl), values };
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["name"], "甲");
        assert!(json["photo"].is_null());
        assert_eq!(json.as_object().unwrap().len(), 9);
        assert_eq!(data.display_name(), Some("甲"));
        assert_eq!(serde_json::to_value(KindData::page()).unwrap(), serde_json::Value::Null);
    }
}
