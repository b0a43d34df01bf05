//! Content kinds declared as data: `kinds/<name>.yaml` in the site (or the theme).
//!
//! A kind file names the kind's labels in each language and its fields, each with a
//! type, `required`, `inherit`, `default` and a one-line `help` per language; it may say
//! which fields are searchable (and how much they weigh), which two dates make an
//! open/upcoming/closed `window`, which list holds dated events for the `calendar`, and
//! which field is the page's `name` (what editors write when they refer to it).
//! docs/content-kinds.md has the format with a complete example.
//!
//! [`KindDecl::parse`] reads and checks a kind file (errors name the kind file, line and
//! column); [`KindDecl::read`] checks a page's front matter against it and returns typed
//! [`FieldValue`]s with their positions; [`KindValues::inherit_from`] and
//! [`KindValues::missing`] apply the declaration's `inherit` and `required` after a
//! translation has been paired with its original. Nothing here knows any kind by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Diagnostic, closest, codes};
use crate::yaml::{self, Found, Node, NodeValue, Pos, ScalarKind};

/// The code of every error in a kind file.
const KIND_FILE: codes::Code = codes::E0110;

/// The type of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// One piece of text.
    Text,
    /// A date (`2022-07-19`), optionally with a time.
    Date,
    /// A date with a time (`2022-07-19 09:00`).
    Datetime,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A number, whole or not.
    Number,
    /// An absolute `http(s)://` URL or a site path starting with `/`.
    Url,
    /// An e-mail address.
    Email,
    /// One of a list of values.
    Enum(Vec<String>),
    /// A list of values of one type.
    List(Box<FieldType>),
    /// A record of named fields.
    Object(Vec<FieldDecl>),
    /// The slug of a page of a section or of a kind.
    Ref(RefTarget),
    /// A file beside the page (or an `@/` content path).
    File,
    /// A photo beside the page, processed like every photo.
    Image,
}

/// What a `ref` field refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefTarget {
    /// The pages of every section whose `_index.md` declares this kind.
    Kind(String),
    /// The pages of the section at this path below `content/` (`cities`).
    Section(String),
}

/// One declared field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// Its name in front matter.
    pub name: String,
    /// Where it is declared in the kind file.
    pub pos: Pos,
    /// Its type.
    pub ty: FieldType,
    /// Must be present (after inheritance and defaults).
    pub required: bool,
    /// A translation that leaves it out takes the default language's value.
    pub inherit: bool,
    /// The value when it is left out (checked against the type).
    pub default: Option<FieldValue>,
    /// One line of help per language code.
    pub help: BTreeMap<String, String>,
}

/// The dated events of a kind for the calendar: a list field of objects and the names
/// of the fields inside each object that give its date, title and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDecl {
    /// The list field.
    pub list: String,
    /// The date field inside each entry.
    pub date: String,
    /// The title field inside each entry.
    pub title: Option<String>,
    /// The place field inside each entry.
    pub place: Option<String>,
}

/// A kind, as declared in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct KindDecl {
    /// Its name (the file name without `.yaml`).
    pub name: String,
    /// The kind file, for messages.
    pub file: PathBuf,
    /// Its name for readers, per language code.
    pub label: BTreeMap<String, String>,
    /// Its fields, in the order declared.
    pub fields: Vec<FieldDecl>,
    /// Searchable fields and their weights.
    pub search: Vec<(String, u32)>,
    /// The two date fields that open and close the page's window.
    pub window: Option<(String, String)>,
    /// The list of dated events for the calendar.
    pub calendar: Option<CalendarDecl>,
    /// The text field that names a page of this kind (besides its title).
    pub name_field: Option<String>,
    /// The folder below `content/` that `fenjin new` puts its pages in when no section
    /// declares the kind yet (`announcements`); the kind's name when not given.
    pub section: Option<String>,
    /// Groups of fields of which a page must give at least one (`[[city, union]]`: a
    /// lecturer belongs to a city, a union, or both).
    pub one_of: Vec<Vec<String>>,
}

/// A typed value read from front matter, with where it was written (line and column in
/// the whole file).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// Text, a date as written, a URL, an e-mail, an enum value, a ref's slug or a file.
    Text(String),
    /// `true`/`false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A number.
    Number(f64),
    /// A list.
    List(Vec<FieldValue>),
    /// A record, in the declared order.
    Object(BTreeMap<String, FieldValue>),
}

/// The values of a page's kind fields, with the line and column of each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindValues {
    /// Field name → (value, position in the file).
    pub fields: BTreeMap<String, (FieldValue, Pos)>,
}

const FIELD_KEYS: &[&str] = &[
    "type", "required", "inherit", "default", "help", "values", "of", "fields", "kind", "section",
];
const KIND_KEYS: &[&str] =
    &["label", "fields", "search", "window", "calendar", "name", "section", "one_of"];
const TYPES: &[&str] = &[
    "text", "date", "datetime", "bool", "integer", "number", "url", "email", "enum", "list",
    "object", "ref", "file", "image",
];

/// Reads a kind file; errors name `file`, the line and the column.
struct Reader<'a> {
    text: &'a str,
    file: &'a Path,
    errors: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, pos: Pos, message: String, hint: impl Into<String>) {
        self.errors.push(
            Diagnostic::error(KIND_FILE, message)
                .file(self.file)
                .at(self.text, pos.line, pos.col)
                .hint(hint),
        );
    }

    fn unknown_keys(&mut self, node: &Node, known: &[&str], what: &str) {
        for (key, _) in node.entries() {
            if !known.contains(&key.text.as_str()) {
                let hint = match closest(&key.text, known.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("{what} takes: {}", known.join(", ")),
                };
                self.error(key.pos, format!("unknown key `{}` in {what}", key.text), hint);
            }
        }
    }

    fn text_map(&mut self, node: &Node, what: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        match &node.value {
            NodeValue::Map(entries) => {
                for (k, v) in entries {
                    match v.as_text() {
                        Some(t) => {
                            out.insert(k.text.clone(), t.to_owned());
                        }
                        None => self.error(
                            v.pos,
                            format!("{what} must be text in each language"),
                            "write `{zh: …, en: …}`",
                        ),
                    }
                }
            }
            _ => self.error(
                node.pos,
                format!("{what} must give one text per language"),
                "write `{zh: …, en: …}`",
            ),
        }
        out
    }

    fn flag(&mut self, node: &Node, name: &str) -> bool {
        match &node.value {
            NodeValue::Scalar(s) => match s.kind {
                ScalarKind::Bool(b) => b,
                _ => {
                    self.error(
                        node.pos,
                        format!("`{name}` must be `true` or `false`"),
                        "write `true` or `false`",
                    );
                    false
                }
            },
            _ => {
                self.error(
                    node.pos,
                    format!("`{name}` must be `true` or `false`"),
                    "write `true` or `false`",
                );
                false
            }
        }
    }

    /// The type of the field `name` declared by `node`: a type name, or `key: value` lines
    /// with `type:` and what the type needs (`values`, `of`, `fields`, `kind`/`section`).
    fn field_type(&mut self, name: &str, node: &Node) -> Option<FieldType> {
        let (ty_node, ty, decl) = self.type_name(name, node)?;
        let sub = |key: &str| decl.and_then(|d| d.get(key));
        Some(match ty {
            "text" => FieldType::Text,
            "date" => FieldType::Date,
            "datetime" => FieldType::Datetime,
            "bool" => FieldType::Bool,
            "integer" => FieldType::Integer,
            "number" => FieldType::Number,
            "url" => FieldType::Url,
            "email" => FieldType::Email,
            "file" => FieldType::File,
            "image" => FieldType::Image,
            "enum" => FieldType::Enum(self.enum_values(name, ty_node, sub("values"))?),
            "list" => match sub("of") {
                Some(of) => FieldType::List(Box::new(self.field_type(name, of)?)),
                None => {
                    self.error(
                        ty_node.pos,
                        format!("the list `{name}` does not say what it holds"),
                        "add `of: text` (or another type, or `of: {type: object, fields: …}`)",
                    );
                    return None;
                }
            },
            "object" => match sub("fields") {
                Some(fields) => FieldType::Object(self.fields(fields)),
                None => {
                    self.error(
                        ty_node.pos,
                        format!("the object `{name}` has no `fields`"),
                        "add `fields:` with one line per field",
                    );
                    return None;
                }
            },
            "ref" => {
                match (sub("kind").and_then(Node::as_text), sub("section").and_then(Node::as_text))
                {
                    (Some(k), None) => FieldType::Ref(RefTarget::Kind(k.to_owned())),
                    (None, Some(s)) => {
                        FieldType::Ref(RefTarget::Section(s.trim_matches('/').to_owned()))
                    }
                    _ => {
                        self.error(
                            ty_node.pos,
                            format!("the ref `{name}` must name one `kind` or one `section`"),
                            "add `kind: city` or `section: cities`",
                        );
                        return None;
                    }
                }
            }
            other => {
                let hint = match closest(other, TYPES.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("the types are: {}", TYPES.join(", ")),
                };
                self.error(ty_node.pos, format!("`{other}` is not a field type"), hint);
                return None;
            }
        })
    }

    /// The node of the type's name, the name, and the `key: value` lines around it (None
    /// for the short form `name: text`).
    fn type_name<'n>(
        &mut self,
        name: &str,
        node: &'n Node,
    ) -> Option<(&'n Node, &'n str, Option<&'n Node>)> {
        // `name: text` is short for `name: {type: text}`.
        let (ty_node, decl) = match &node.value {
            NodeValue::Scalar(_) => (node, None),
            NodeValue::Map(_) => match node.get("type") {
                Some(t) => (t, Some(node)),
                None => {
                    self.error(
                        node.pos,
                        format!("the field `{name}` has no `type`"),
                        format!("add `type: …`, one of: {}", TYPES.join(", ")),
                    );
                    return None;
                }
            },
            NodeValue::Seq(_) => {
                self.error(
                    node.pos,
                    format!("the field `{name}` must be a type or `key: value` lines"),
                    "write `name: text` or `name: {type: list, of: text}`",
                );
                return None;
            }
        };
        let Some(ty) = ty_node.as_text() else {
            self.error(
                ty_node.pos,
                format!("the type of `{name}` must be one word"),
                format!("one of: {}", TYPES.join(", ")),
            );
            return None;
        };
        Some((ty_node, ty, decl))
    }

    /// The `values` of the enum `name`: a list of words, not empty.
    fn enum_values(
        &mut self,
        name: &str,
        ty_node: &Node,
        values: Option<&Node>,
    ) -> Option<Vec<String>> {
        let list: Option<Vec<String>> = match values.map(|v| &v.value) {
            Some(NodeValue::Seq(items)) if !items.is_empty() => {
                items.iter().map(|i| i.as_text().map(str::to_owned)).collect()
            }
            _ => None,
        };
        if list.is_none() {
            self.error(
                values.map_or(ty_node.pos, |v| v.pos),
                format!("the enum `{name}` needs its `values`"),
                "add `values: [a, b, c]`",
            );
        }
        list
    }

    fn field(&mut self, name: &str, pos: Pos, node: &Node) -> Option<FieldDecl> {
        let ty = self.field_type(name, node)?;
        let mut decl = FieldDecl {
            name: name.to_owned(),
            pos,
            ty,
            required: false,
            inherit: false,
            default: None,
            help: BTreeMap::new(),
        };
        if let NodeValue::Map(_) = node.value {
            let mut known: Vec<&str> = vec!["type", "required", "inherit", "default", "help"];
            known.extend(match decl.ty {
                FieldType::Enum(_) => &["values"][..],
                FieldType::List(_) => &["of"][..],
                FieldType::Object(_) => &["fields"][..],
                FieldType::Ref(_) => &["kind", "section"][..],
                _ => &[][..],
            });
            debug_assert!(known.iter().all(|k| FIELD_KEYS.contains(k)));
            self.unknown_keys(node, &known, &format!("the field `{name}`"));
            if let Some(r) = node.get("required") {
                decl.required = self.flag(r, "required");
            }
            if let Some(i) = node.get("inherit") {
                decl.inherit = self.flag(i, "inherit");
            }
            if let Some(h) = node.get("help") {
                decl.help = self.text_map(h, "`help`");
            }
            if let Some(d) = node.get("default") {
                match read_value(&decl.ty, d, name) {
                    Ok(v) => decl.default = Some(v),
                    Err(e) => self.error(
                        e.pos,
                        format!("the default of `{name}` does not fit its type: {}", e.message),
                        e.hint,
                    ),
                }
            }
        }
        Some(decl)
    }

    fn fields(&mut self, node: &Node) -> Vec<FieldDecl> {
        let NodeValue::Map(entries) = &node.value else {
            self.error(
                node.pos,
                "`fields` must be one `name: type` line per field".to_owned(),
                "write `fields:` and under it `city: {type: ref, kind: city}`",
            );
            return Vec::new();
        };
        entries.iter().filter_map(|(k, v)| self.field(&k.text, k.pos, v)).collect()
    }
}

impl KindDecl {
    /// Reads the kind file `file` (its text `text`) for the kind `name`.
    pub fn parse(name: &str, text: &str, file: &Path) -> Result<KindDecl, Vec<Diagnostic>> {
        let root = match yaml::parse(text) {
            Ok(r) => r,
            Err(e) => {
                // Every error in a kind file has the kind files' code, YAML ones too.
                let mut d = yaml::diagnose(&e.into(), text, text, 0, file);
                d.code = KIND_FILE.as_str();
                return Err(vec![d]);
            }
        };
        let mut r = Reader { text, file, errors: Vec::new() };
        if !matches!(root.value, NodeValue::Map(_)) {
            r.error(
                root.pos,
                "a kind file must be `key: value` lines".to_owned(),
                "start with `label: {zh: …, en: …}` and `fields:`",
            );
            return Err(r.errors);
        }
        r.unknown_keys(&root, KIND_KEYS, "a kind file");
        let label = root.get("label").map(|l| r.text_map(l, "`label`")).unwrap_or_default();
        let fields = match root.get("fields") {
            Some(f) => r.fields(f),
            None => {
                r.error(
                    root.pos,
                    format!("the kind `{name}` declares no `fields`"),
                    "add `fields:` with one line per field",
                );
                Vec::new()
            }
        };
        let mut decl = KindDecl {
            name: name.to_owned(),
            file: file.to_owned(),
            label,
            fields,
            search: Vec::new(),
            window: None,
            calendar: None,
            name_field: None,
            section: None,
            one_of: Vec::new(),
        };
        if let Some(s) = root.get("search") {
            r.search_weights(s, &mut decl);
        }
        if let Some(w) = root.get("window") {
            decl.window = r.window(w, &decl);
        }
        if let Some(c) = root.get("calendar") {
            decl.calendar = r.calendar(c, &decl);
        }
        if let Some(n) = root.get("name") {
            decl.name_field = r.field_ref(n, &decl, "`name`");
        }
        if let Some(o) = root.get("one_of") {
            decl.one_of = r.one_of(o, &decl);
        }
        if let Some(s) = root.get("section") {
            match s.as_text().map(|t| t.trim_matches('/')) {
                Some(t) if !t.is_empty() && !t.split('/').any(|p| p == ".." || p == ".") => {
                    decl.section = Some(t.to_owned())
                }
                _ => r.error(
                    s.pos,
                    "`section` must be a folder below content/".to_owned(),
                    "write `section: announcements`",
                ),
            }
        }
        if r.errors.is_empty() { Ok(decl) } else { Err(r.errors) }
    }

    /// The declared field `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDecl> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether `path` names a field, or a field inside a list's or an object's entries
    /// (`talks.title`).
    pub fn has_path(&self, path: &str) -> bool {
        let mut parts = path.split('.');
        let Some(first) = parts.next().and_then(|p| self.field(p)) else { return false };
        let mut ty = &first.ty;
        for part in parts {
            while let FieldType::List(of) = ty {
                ty = of;
            }
            let FieldType::Object(fields) = ty else { return false };
            let Some(f) = fields.iter().find(|f| f.name == part) else { return false };
            ty = &f.ty;
        }
        true
    }

    /// A JSON Schema (draft 2020-12) of the kind's fields, for editors whose YAML tool
    /// takes schemas (completion and squiggles while typing). Required fields that a
    /// translation inherits are not required by the schema, as a translation may leave
    /// them out; other keys (the common fields, taxonomies) are allowed.
    pub fn json_schema(&self) -> serde_json::Value {
        let label = self
            .label
            .get("en")
            .or_else(|| self.label.values().next())
            .cloned()
            .unwrap_or_else(|| self.name.clone());
        let mut schema = object_schema(&self.fields, true);
        let map = schema.as_object_mut().expect("an object schema");
        map.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
        map.insert("title".into(), format!("fenjin kind `{}`: {label}", self.name).into());
        // A `one_of` group, unless a translation may inherit its fields.
        let groups: Vec<serde_json::Value> = self
            .one_of
            .iter()
            .filter(|g| g.iter().all(|f| self.field(f).is_some_and(|f| !f.inherit)))
            .map(|g| {
                serde_json::json!({"anyOf": g.iter().map(|f| serde_json::json!({"required": [f]})).collect::<Vec<_>>()})
            })
            .collect();
        if !groups.is_empty() {
            map.insert("allOf".into(), groups.into());
        }
        schema
    }

    /// The names of its fields, in the order declared.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

    /// Reads the kind's fields from a page's front matter (`root`, the YAML starting on
    /// line `line_offset + 1` of `file_text`). Other keys are left to the caller (common
    /// fields and taxonomies); every problem with a kind field is reported.
    pub fn read(
        &self,
        root: &Node,
        file_text: &str,
        line_offset: usize,
        file: &Path,
    ) -> Result<KindValues, Vec<Diagnostic>> {
        let mut values = KindValues::default();
        let mut errors = Vec::new();
        for (key, node) in root.entries() {
            let Some(decl) = self.field(&key.text) else { continue };
            if node.is_null() {
                continue;
            }
            match read_value(&decl.ty, node, &decl.name) {
                Ok(v) => {
                    let pos = Pos { line: node.pos.line + line_offset, col: node.pos.col };
                    values.fields.insert(decl.name.clone(), (v, pos));
                }
                Err(e) => errors.push(
                    Diagnostic::error(e.code, e.message)
                        .file(file)
                        .at(file_text, e.pos.line + line_offset, e.pos.col)
                        .hint(e.hint),
                ),
            }
        }
        if errors.is_empty() { Ok(values) } else { Err(errors) }
    }
}

impl KindValues {
    /// Fills the fields declared `inherit` that this translation leaves out from the
    /// default-language version.
    pub fn inherit_from(&mut self, original: &KindValues, decl: &KindDecl) {
        for f in decl.fields.iter().filter(|f| f.inherit) {
            if let Some(v) = original.fields.get(&f.name) {
                self.fields.entry(f.name.clone()).or_insert_with(|| v.clone());
            }
        }
    }

    /// Applies the declared defaults to the fields still left out.
    pub fn apply_defaults(&mut self, decl: &KindDecl) {
        for f in &decl.fields {
            if let Some(d) = &f.default {
                self.fields.entry(f.name.clone()).or_insert_with(|| (d.clone(), Pos::default()));
            }
        }
    }

    /// The required fields that are missing.
    pub fn missing<'d>(&self, decl: &'d KindDecl) -> Vec<&'d str> {
        decl.fields
            .iter()
            .filter(|f| f.required && !self.fields.contains_key(&f.name))
            .map(|f| f.name.as_str())
            .collect()
    }

    /// The value of a field.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.fields.get(name).map(|(v, _)| v)
    }
}

fn type_schema(ty: &FieldType) -> serde_json::Value {
    use serde_json::json;
    match ty {
        FieldType::Text | FieldType::File | FieldType::Image => {
            json!({"type": ["string", "number"]})
        }
        FieldType::Date => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}"}),
        FieldType::Datetime => {
            json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"})
        }
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Integer => json!({"type": "integer"}),
        FieldType::Number => json!({"type": "number"}),
        FieldType::Url => json!({"type": "string", "pattern": "^(https?://.|/)"}),
        FieldType::Email => json!({"type": "string", "format": "email"}),
        FieldType::Enum(values) => json!({"enum": values}),
        FieldType::List(of) => json!({"type": "array", "items": type_schema(of)}),
        FieldType::Object(fields) => object_schema(fields, false),
        FieldType::Ref(RefTarget::Kind(k)) => {
            json!({"type": "string", "description": format!("the file name of a `{k}` page")})
        }
        FieldType::Ref(RefTarget::Section(sec)) => {
            json!({"type": "string", "description": format!("the file name of a page in content/{sec}/")})
        }
    }
}

fn object_schema(fields: &[FieldDecl], open: bool) -> serde_json::Value {
    let mut properties = serde_json::Map::new();
    for f in fields {
        let mut p = type_schema(&f.ty);
        let help: Vec<&str> =
            ["en", "zh"].iter().filter_map(|l| f.help.get(*l).map(String::as_str)).collect();
        if let (Some(map), false) = (p.as_object_mut(), help.is_empty()) {
            map.insert("description".into(), help.join(" / ").into());
        }
        properties.insert(f.name.clone(), p);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required && !f.inherit && f.default.is_none())
        .map(|f| f.name.as_str())
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": open,
    })
}

/// A problem with one value, in YAML coordinates.
struct ValueError {
    code: codes::Code,
    pos: Pos,
    message: String,
    hint: String,
}

fn found(node: &Node) -> Found {
    match &node.value {
        NodeValue::Seq(_) => Found::List,
        NodeValue::Map(_) => Found::Map,
        NodeValue::Scalar(s) => match s.kind {
            ScalarKind::Null => Found::Nothing,
            ScalarKind::Bool(b) => Found::Bool(b),
            ScalarKind::Int(_) | ScalarKind::Float(_) => Found::Number(s.text.clone()),
            ScalarKind::Str => Found::Text(s.text.clone()),
        },
    }
}

fn wrong(node: &Node, path: &str, expected: &str) -> ValueError {
    let field = path.rsplit(['.', '[']).next().unwrap_or("").trim_end_matches(']');
    let (message, hint) = yaml::wrong_type(&format!("`{path}` "), field, &found(node), expected);
    ValueError { code: codes::E0105, pos: node.pos, message, hint }
}

/// Text as written: text and numbers; `true`/`false`, lists and maps are refused.
fn text<'n>(node: &'n Node, path: &str) -> Result<&'n str, ValueError> {
    match &node.value {
        NodeValue::Scalar(s)
            if matches!(s.kind, ScalarKind::Str | ScalarKind::Int(_) | ScalarKind::Float(_)) =>
        {
            Ok(&s.text)
        }
        _ => Err(wrong(node, path, "a string")),
    }
}

/// The keys of a kind file that name its fields (`search`, `window`, `calendar`, `name`,
/// `one_of`), read once `fields:` is.
impl Reader<'_> {
    /// The field `node` names, which `decl` declares (`what` says where, for messages).
    fn field_ref(&mut self, node: &Node, decl: &KindDecl, what: &str) -> Option<String> {
        let Some(f) = node.as_text() else {
            self.error(node.pos, format!("{what} must name a field"), "write the field's name");
            return None;
        };
        if !decl.has_path(f) {
            let hint = match closest(f, decl.fields.iter().map(|d| d.name.as_str())) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "declare it under `fields:` first".to_owned(),
            };
            self.error(
                node.pos,
                format!("{what} names `{f}`, which is not a field of `{}`", decl.name),
                hint,
            );
            return None;
        }
        Some(f.to_owned())
    }

    /// `search: {field: weight}`: each field with its weight, 1 to 10.
    fn search_weights(&mut self, s: &Node, decl: &mut KindDecl) {
        for (k, v) in s.entries() {
            let key_node = Node {
                pos: k.pos,
                value: NodeValue::Scalar(yaml::Scalar {
                    text: k.text.clone(),
                    kind: ScalarKind::Str,
                }),
            };
            let Some(f) = self.field_ref(&key_node, decl, "`search`") else { continue };
            match &v.value {
                NodeValue::Scalar(yaml::Scalar { kind: ScalarKind::Int(w), .. })
                    if (1..=10).contains(w) =>
                {
                    decl.search.push((f, *w as u32))
                }
                _ => self.error(
                    v.pos,
                    format!("the search weight of `{f}` must be a whole number from 1 to 10"),
                    "write `field: 3` (the title weighs 6, a heading 3, the body 1)",
                ),
            }
        }
    }

    /// `window: {starts, ends}`: the two date fields of the time a page is open.
    fn window(&mut self, w: &Node, decl: &KindDecl) -> Option<(String, String)> {
        let starts = w.get("starts").and_then(|n| self.field_ref(n, decl, "`window.starts`"));
        let ends = w.get("ends").and_then(|n| self.field_ref(n, decl, "`window.ends`"));
        self.unknown_keys(w, &["starts", "ends"], "`window`");
        match (starts, ends) {
            (Some(s), Some(e)) => Some((s, e)),
            _ => {
                self.error(
                    w.pos,
                    "`window` needs the two date fields `starts` and `ends`".to_owned(),
                    "write `window: {starts: starts, ends: ends}`",
                );
                None
            }
        }
    }

    /// `calendar: {list, date, title, place}`: a list of objects and the fields of its
    /// entries that make a calendar event.
    fn calendar(&mut self, c: &Node, decl: &KindDecl) -> Option<CalendarDecl> {
        self.unknown_keys(c, &["list", "date", "title", "place"], "`calendar`");
        let list = c.get("list").and_then(|n| self.field_ref(n, decl, "`calendar.list`"));
        let inner = list.as_ref().and_then(|l| match &decl.field(l)?.ty {
            FieldType::List(of) => match of.as_ref() {
                FieldType::Object(f) => Some(f.clone()),
                _ => None,
            },
            _ => None,
        });
        match (list, inner) {
            (Some(list), Some(inner)) => {
                let inner_name = |key: &str, r: &mut Reader<'_>| -> Option<String> {
                    let n = c.get(key)?;
                    let t = n.as_text()?;
                    if inner.iter().any(|f| f.name == t) {
                        Some(t.to_owned())
                    } else {
                        r.error(n.pos, format!("`calendar.{key}` names `{t}`, which is not a field of `{list}`'s entries"), "name a field declared under the list's `fields:`");
                        None
                    }
                };
                match inner_name("date", self) {
                    Some(date) => {
                        let title = inner_name("title", self);
                        let place = inner_name("place", self);
                        Some(CalendarDecl { list, date, title, place })
                    }
                    None => {
                        self.error(c.pos, "`calendar` needs the `date` field of each entry".to_owned(), "write `calendar: {list: talks, date: date, title: title, place: place}`");
                        None
                    }
                }
            }
            (Some(list), None) => {
                self.error(
                    c.pos,
                    format!("`calendar.list` must name a list of objects; `{list}` is not"),
                    "declare it as `{type: list, of: {type: object, fields: …}}`",
                );
                None
            }
            _ => None,
        }
    }

    /// `one_of: [[a, b], …]`: groups of two or more fields, of which a page gives one.
    fn one_of(&mut self, o: &Node, decl: &KindDecl) -> Vec<Vec<String>> {
        let groups = match &o.value {
            NodeValue::Seq(groups) => groups.as_slice(),
            _ => &[],
        };
        let mut ok = !groups.is_empty();
        let mut one_of = Vec::new();
        for g in groups {
            match &g.value {
                NodeValue::Seq(names) if names.len() >= 2 => {
                    let fields: Vec<String> =
                        names.iter().filter_map(|n| self.field_ref(n, decl, "`one_of`")).collect();
                    if fields.len() == names.len() {
                        one_of.push(fields);
                    }
                }
                _ => ok = false,
            }
        }
        if !ok {
            self.error(
                o.pos,
                "`one_of` must be a list of groups of two or more fields".to_owned(),
                "write `one_of: [[city, union]]`: a page gives at least one field of each group",
            );
        }
        one_of
    }
}

fn read_value(ty: &FieldType, node: &Node, path: &str) -> Result<FieldValue, ValueError> {
    let scalar_kind = match &node.value {
        NodeValue::Scalar(s) => Some(s.kind),
        _ => None,
    };
    Ok(match ty {
        FieldType::Text | FieldType::File | FieldType::Image => {
            FieldValue::Text(text(node, path)?.to_owned())
        }
        FieldType::Ref(_) => FieldValue::Text(text(node, path)?.trim().to_owned()),
        FieldType::Date | FieldType::Datetime => FieldValue::Text(read_date(ty, node, path)?),
        FieldType::Bool => match scalar_kind {
            Some(ScalarKind::Bool(b)) => FieldValue::Bool(b),
            _ => return Err(wrong(node, path, "a boolean")),
        },
        FieldType::Integer => match scalar_kind {
            Some(ScalarKind::Int(i)) => FieldValue::Integer(i),
            _ => return Err(wrong(node, path, "i64")),
        },
        FieldType::Number => match scalar_kind {
            Some(ScalarKind::Int(i)) => FieldValue::Number(i as f64),
            Some(ScalarKind::Float(f)) if f.is_finite() => FieldValue::Number(f),
            _ => return Err(wrong(node, path, "f64")),
        },
        FieldType::Url => {
            let t = text(node, path)?.trim();
            let ok = t.starts_with('/')
                || ((t.starts_with("https://") || t.starts_with("http://"))
                    && t.split_once("://").is_some_and(|(_, h)| !h.is_empty()));
            if !ok || t.contains(char::is_whitespace) {
                return Err(ValueError { code: codes::E0105, pos: node.pos, message: format!("`{path}` must be a URL, not \"{t}\""), hint: "write it with the scheme (`https://example.org/…`) or as a site path starting with `/`".to_owned() });
            }
            FieldValue::Text(t.to_owned())
        }
        FieldType::Email => FieldValue::Text(read_email(node, path)?),
        FieldType::Enum(values) => {
            let t = text(node, path)?;
            if !values.iter().any(|v| v == t) {
                let hint = match closest(t, values.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("write one of: {}", values.join(", ")),
                };
                return Err(ValueError {
                    code: codes::E0105,
                    pos: node.pos,
                    message: format!(
                        "`{path}` cannot be `{t}`: it is one of {}",
                        values.join(", ")
                    ),
                    hint,
                });
            }
            FieldValue::Text(t.to_owned())
        }
        FieldType::List(of) => {
            let NodeValue::Seq(items) = &node.value else {
                return Err(wrong(node, path, "a sequence"));
            };
            let items = items
                .iter()
                .enumerate()
                .map(|(i, item)| read_value(of, item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?;
            FieldValue::List(items)
        }
        FieldType::Object(fields) => FieldValue::Object(read_object(fields, node, path)?),
    })
}

/// A `date` or `datetime` value: a date the site can read (a `datetime` with its time).
fn read_date(ty: &FieldType, node: &Node, path: &str) -> Result<String, ValueError> {
    let t = text(node, path)?;
    if let Err(e) = crate::dates::parse_date(t, &jiff::tz::TimeZone::UTC) {
        return Err(ValueError {
            code: codes::E0106,
            pos: node.pos,
            message: format!("`{path}: {t}` is not a date"),
            hint: e.hint,
        });
    }
    if *ty == FieldType::Datetime && !t.contains([':']) {
        return Err(ValueError {
            code: codes::E0106,
            pos: node.pos,
            message: format!("`{path}: {t}` has no time of day"),
            hint: "write the time too, such as 2022-07-19 09:00".to_owned(),
        });
    }
    Ok(t.to_owned())
}

/// An `email` value: `name@example.org`.
fn read_email(node: &Node, path: &str) -> Result<String, ValueError> {
    let t = text(node, path)?.trim();
    let ok = t
        .split_once('@')
        .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.contains('@'))
        && !t.contains(char::is_whitespace);
    if !ok {
        return Err(ValueError {
            code: codes::E0105,
            pos: node.pos,
            message: format!("`{path}` must be an e-mail address, not \"{t}\""),
            hint: "write it as name@example.org".to_owned(),
        });
    }
    Ok(t.to_owned())
}

/// An `object` value: each entry a declared field (defaults filled in), every required
/// field given.
fn read_object(
    fields: &[FieldDecl],
    node: &Node,
    path: &str,
) -> Result<BTreeMap<String, FieldValue>, ValueError> {
    let NodeValue::Map(entries) = &node.value else {
        return Err(wrong(node, path, "a map"));
    };
    let mut out = BTreeMap::new();
    for (k, v) in entries {
        let Some(f) = fields.iter().find(|f| f.name == k.text) else {
            let hint = match closest(&k.text, fields.iter().map(|f| f.name.as_str())) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "known fields: {}",
                    fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(ValueError {
                code: codes::E0104,
                pos: k.pos,
                message: format!("unknown field `{}`", k.text),
                hint,
            });
        };
        if !v.is_null() {
            out.insert(f.name.clone(), read_value(&f.ty, v, &format!("{path}.{}", f.name))?);
        } else if let Some(d) = &f.default {
            out.insert(f.name.clone(), d.clone());
        }
    }
    for f in fields {
        if !out.contains_key(&f.name) {
            if let Some(d) = &f.default {
                out.insert(f.name.clone(), d.clone());
            } else if f.required {
                return Err(ValueError {
                    code: codes::E0107,
                    pos: node.pos,
                    message: format!("`{path}` needs a `{}`", f.name),
                    hint: format!("add `{}: …` under `{}`", f.name, path.replace('.', ": ")),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWARD: &str = "\
label: {zh: 奖项, en: Award}
name: winner
fields:
  winner: {type: text, required: true, help: {zh: 获奖者, en: who won}}
  city: {type: ref, kind: city, required: true, inherit: true}
  level: {type: enum, values: [national, provincial, city], required: true, inherit: true}
  awarded: {type: date, required: true, inherit: true}
  points: {type: integer, default: 0}
  link: url
  ceremonies:
    type: list
    inherit: true
    of:
      type: object
      fields:
        date: {type: date, required: true}
        place: text
search: {winner: 3, ceremonies.place: 1}
calendar: {list: ceremonies, date: date, place: place}
";

    fn award() -> KindDecl {
        KindDecl::parse("award", AWARD, Path::new("kinds/award.yaml")).unwrap()
    }

    fn read(yaml: &str) -> Result<KindValues, Vec<Diagnostic>> {
        let text = format!("---\n{yaml}---\n");
        award().read(&yaml::parse(yaml).unwrap(), &text, 1, Path::new("a.md"))
    }

    #[test]
    fn a_declaration_is_read_with_its_types() {
        let d = award();
        assert_eq!(d.label["zh"], "奖项");
        assert_eq!(
            d.field_names().collect::<Vec<_>>(),
            ["winner", "city", "level", "awarded", "points", "link", "ceremonies"]
        );
        assert_eq!(d.field("city").unwrap().ty, FieldType::Ref(RefTarget::Kind("city".into())));
        assert_eq!(d.field("link").unwrap().ty, FieldType::Url);
        assert_eq!(d.field("points").unwrap().default, Some(FieldValue::Integer(0)));
        assert_eq!(d.search, [("winner".to_owned(), 3), ("ceremonies.place".to_owned(), 1)]);
        assert_eq!(d.calendar.as_ref().unwrap().list, "ceremonies");
        assert_eq!(d.name_field.as_deref(), Some("winner"));
    }

    #[test]
    fn broken_kind_files_name_line_and_column() {
        let e = KindDecl::parse("x", "fields:\n  a: {type: txet}\n", Path::new("kinds/x.yaml"))
            .unwrap_err();
        assert_eq!(e[0].code, "E0110");
        assert_eq!(e[0].message, "`txet` is not a field type");
        assert_eq!((e[0].line, e[0].column), (Some(2), Some(13)));
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `text`?"));
        let e = KindDecl::parse("x", "fields:\n  a: text\n  a: date\n", Path::new("kinds/x.yaml"))
            .unwrap_err();
        assert_eq!((e[0].code, e[0].message.as_str()), ("E0110", "`a` is given twice"));
        assert_eq!(e[0].line, Some(3));
        let e = KindDecl::parse("x", "fields:\n  a: {type: ref}\n", Path::new("kinds/x.yaml"))
            .unwrap_err();
        assert!(e[0].message.contains("must name one `kind` or one `section`"), "{}", e[0].message);
        let e = KindDecl::parse(
            "x",
            "fields:\n  a: {type: text, requried: true}\n",
            Path::new("kinds/x.yaml"),
        )
        .unwrap_err();
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `required`?"));
        let e = KindDecl::parse(
            "x",
            "fields:\n  a: text\nsearch: {a.b: 2}\n",
            Path::new("kinds/x.yaml"),
        )
        .unwrap_err();
        assert!(e[0].message.contains("not a field"), "{}", e[0].message);
        let e =
            KindDecl::parse("x", "fields:\n  a: text\nsearch: {b: 2}\n", Path::new("kinds/x.yaml"))
                .unwrap_err();
        assert_eq!((e[0].line, e[0].column), (Some(3), Some(10)));
    }

    #[test]
    fn the_default_themes_kinds_have_help_in_both_languages() {
        for kind in ["notice", "lecturer", "city", "activity"] {
            let path = format!("{}/themes/default/kinds/{kind}.yaml", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            let decl = KindDecl::parse(kind, &text, Path::new(&path)).unwrap();
            assert!(decl.label.contains_key("zh") && decl.label.contains_key("en"), "{path}");
            assert!(decl.section.is_some(), "{path}");
            for f in &decl.fields {
                assert!(
                    f.help.contains_key("zh") && f.help.contains_key("en"),
                    "{path}: {}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn the_documented_example_is_a_valid_kind_file() {
        let doc = include_str!("../../docs/content-kinds.md");
        let start = doc.find("A kind file, complete").unwrap();
        let block = doc[start..].split("```yaml\n").nth(1).unwrap().split("```").next().unwrap();
        let decl = KindDecl::parse("award", block, Path::new("docs/content-kinds.md")).unwrap();
        assert_eq!(
            decl.field("level").unwrap().ty,
            FieldType::Enum(vec!["national".into(), "provincial".into(), "city".into()])
        );
        assert_eq!(decl.calendar.unwrap().place.as_deref(), Some("place"));
    }

    #[test]
    fn json_schema_of_a_kind() {
        let s = award().json_schema();
        assert_eq!(
            s["properties"]["level"]["enum"],
            serde_json::json!(["national", "provincial", "city"])
        );
        assert_eq!(s["properties"]["ceremonies"]["items"]["required"], serde_json::json!(["date"]));
        assert_eq!(s["properties"]["ceremonies"]["items"]["additionalProperties"], false);
        assert_eq!(s["properties"]["winner"]["description"], "who won / 获奖者");
        // Inherited required fields may be left out of a translation.
        assert_eq!(s["required"], serde_json::json!(["winner"]));
        assert_eq!(s["additionalProperties"], true);
    }

    #[test]
    fn values_are_typed_and_located() {
        let v = read("title: x\nwinner: 甲\ncity: harbin\nlevel: national\nawarded: 2022-08-01\nceremonies:\n  - {date: 2022-09-01, place: 厂}\n").unwrap();
        assert_eq!(v.get("city"), Some(&FieldValue::Text("harbin".into())));
        assert_eq!(v.fields["level"].1, Pos { line: 5, col: 8 });
        let FieldValue::List(c) = v.get("ceremonies").unwrap() else { panic!() };
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn wrong_values_give_the_same_diagnostics_as_built_in_fields() {
        let e = read("level: nationl\n").unwrap_err();
        assert_eq!(e[0].code, "E0105");
        assert_eq!(
            e[0].message,
            "`level` cannot be `nationl`: it is one of national, provincial, city"
        );
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `national`?"));
        let e = read("winner: true\n").unwrap_err();
        assert_eq!(e[0].message, "`winner` must be text, not `true`");
        let e = read("awarded: 2022/08/01\n").unwrap_err();
        assert_eq!(e[0].code, "E0106");
        let e = read("points: 十\n").unwrap_err();
        assert_eq!(e[0].message, "`points` must be a whole number, not \"十\"");
        let e = read("ceremonies:\n  - {date: 2022-09-01, plce: 厂}\n").unwrap_err();
        assert_eq!((e[0].code, e[0].message.as_str()), ("E0104", "unknown field `plce`"));
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `place`?"));
        assert_eq!((e[0].line, e[0].column), (Some(3), Some(24)));
        let e = read("ceremonies:\n  - {place: 厂}\n").unwrap_err();
        assert_eq!((e[0].code, e[0].message.as_str()), ("E0107", "`ceremonies[0]` needs a `date`"));
        let e = read("link: example.org\n").unwrap_err();
        assert!(e[0].message.contains("must be a URL"), "{}", e[0].message);
    }

    #[test]
    fn inheritance_defaults_and_required() {
        let decl = award();
        let zh = read("winner: 甲\ncity: harbin\nlevel: city\nawarded: 2022-08-01\n").unwrap();
        let mut en = read("winner: A\n").unwrap();
        assert_eq!(en.missing(&decl), ["city", "level", "awarded"]);
        en.inherit_from(&zh, &decl);
        en.apply_defaults(&decl);
        assert!(en.missing(&decl).is_empty());
        assert_eq!(en.get("winner"), Some(&FieldValue::Text("A".into())));
        assert_eq!(en.get("points"), Some(&FieldValue::Integer(0)));
    }
}
