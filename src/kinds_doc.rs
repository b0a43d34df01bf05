//! The site's content kinds described for people and tools — what `fenjin kinds`
//! prints: every kind with its fields as text ([`text`]) or JSON ([`json`]), and one JSON
//! Schema per kind for editors' YAML tools ([`write_schemas`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::build::BuildError;
use crate::config::Config;
use crate::content::kinds::{FieldDecl, FieldType, KindDecl, Kinds, RefTarget};

/// The kinds of the site at `root` and its language codes, the default first; a broken
/// kind file is a content error (exit 1).
pub fn load(root: &Path) -> Result<(Kinds, Vec<String>), BuildError> {
    let root = crate::build::site_root(root)?;
    let root = root.as_path();
    let site_yaml = root.join("site.yaml");
    let config = Config::load(&site_yaml, Path::new("site.yaml")).map_err(BuildError::Content)?;
    let kinds = Kinds::load(root, &config.theme).map_err(BuildError::Content)?;
    Ok((kinds, config.languages.iter().map(|l| l.code.clone()).collect()))
}

/// The texts of `map` (label or help, by language code) in the site's language order,
/// then any other languages the kind file names, in code order.
fn in_order<'m>(map: &'m BTreeMap<String, String>, languages: &[String]) -> Vec<&'m str> {
    let known = languages.iter().filter_map(|l| map.get(l));
    let others = map.iter().filter(|(l, _)| !languages.contains(l)).map(|(_, t)| t);
    known.chain(others).map(String::as_str).collect()
}

/// Writes `<kind>.schema.json` for every kind into `dir`; returns the files written.
pub fn write_schemas(kinds: &Kinds, dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BuildError::Usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = Vec::new();
    for k in kinds.iter() {
        let path = dir.join(format!("{}.schema.json", k.name));
        let mut text = serde_json::to_string_pretty(&k.json_schema()).unwrap_or_default();
        text.push('\n');
        std::fs::write(&path, text)
            .map_err(|e| BuildError::Usage(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

/// A type as editors read it: `list of text`, `ref to city`, `enum: a, b`.
pub fn type_name(ty: &FieldType) -> String {
    match ty {
        FieldType::Text => "text".into(),
        FieldType::Date => "date".into(),
        FieldType::Datetime => "datetime".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Integer => "integer".into(),
        FieldType::Number => "number".into(),
        FieldType::Url => "url".into(),
        FieldType::Email => "email".into(),
        FieldType::File => "file".into(),
        FieldType::Image => "image".into(),
        FieldType::Enum(values) => format!("enum ({})", values.join(" | ")),
        FieldType::List(of) => format!("list of {}", type_name(of)),
        FieldType::Object(fields) => format!(
            "object {{{}}}",
            fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
        FieldType::Ref(RefTarget::Kind(k)) => format!("ref to a {k} page"),
        FieldType::Ref(RefTarget::Section(s)) => format!("ref to a page of content/{s}/"),
    }
}

/// The text listing; labels and help texts in the site's language order (`languages`,
/// the default first).
pub fn text(kinds: &Kinds, languages: &[String]) -> String {
    let mut out = String::new();
    for k in kinds.iter() {
        let label = in_order(&k.label, languages);
        let _ = writeln!(out, "{}  {}  ({})", k.name, label.join(" / "), k.file.display());
        let width = k.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for f in &k.fields {
            let mut flags = Vec::new();
            if f.required {
                flags.push("required".to_owned());
            }
            if f.inherit {
                flags.push("inherit".to_owned());
            }
            if let Some(d) = &f.default {
                flags.push(format!("default {}", serde_json::to_string(d).unwrap_or_default()));
            }
            let help = in_order(&f.help, languages);
            let _ = writeln!(
                out,
                "  {:width$}  {}{}{}",
                f.name,
                type_name(&f.ty),
                if flags.is_empty() { String::new() } else { format!(", {}", flags.join(", ")) },
                if help.is_empty() { String::new() } else { format!("  — {}", help.join(" / ")) },
            );
        }
        let mut extras = Vec::new();
        if !k.search.is_empty() {
            let s: Vec<String> = k.search.iter().map(|(f, w)| format!("{f} ×{w}")).collect();
            extras.push(format!("search: {}", s.join(", ")));
        }
        if let Some((s, e)) = &k.window {
            extras.push(format!("window: {s} → {e}"));
        }
        if let Some(c) = &k.calendar {
            extras.push(format!("calendar: {} (date: {})", c.list, c.date));
        }
        if let Some(n) = &k.name_field {
            extras.push(format!("name: {n}"));
        }
        for g in &k.one_of {
            extras.push(format!("one of: {}", g.join(" | ")));
        }
        for e in extras {
            let _ = writeln!(out, "  {e}");
        }
        out.push('\n');
    }
    out
}

fn field_json(f: &FieldDecl) -> serde_json::Value {
    let mut v = serde_json::json!({
        "name": f.name,
        "type": type_json(&f.ty),
        "required": f.required,
        "inherit": f.inherit,
        "help": f.help,
    });
    if let Some(d) = &f.default {
        v["default"] = serde_json::to_value(d).unwrap_or_default();
    }
    v
}

fn type_json(ty: &FieldType) -> serde_json::Value {
    use serde_json::json;
    match ty {
        FieldType::Enum(values) => json!({"type": "enum", "values": values}),
        FieldType::List(of) => json!({"type": "list", "of": type_json(of)}),
        FieldType::Object(fields) => {
            json!({"type": "object", "fields": fields.iter().map(field_json).collect::<Vec<_>>()})
        }
        FieldType::Ref(RefTarget::Kind(k)) => json!({"type": "ref", "kind": k}),
        FieldType::Ref(RefTarget::Section(s)) => json!({"type": "ref", "section": s}),
        other => json!({"type": type_name(other)}),
    }
}

fn kind_json(k: &KindDecl) -> serde_json::Value {
    serde_json::json!({
        "name": k.name,
        "file": k.file.display().to_string().replace('\\', "/"),
        "label": k.label,
        "section": k.section,
        "name_field": k.name_field,
        "one_of": k.one_of,
        "fields": k.fields.iter().map(field_json).collect::<Vec<_>>(),
        "search": k.search.iter().map(|(f, w)| serde_json::json!({"field": f, "weight": w})).collect::<Vec<_>>(),
        "window": k.window.as_ref().map(|(s, e)| serde_json::json!({"starts": s, "ends": e})),
        "calendar": k.calendar.as_ref().map(|c| serde_json::json!({"list": c.list, "date": c.date, "title": c.title, "place": c.place})),
    })
}

/// The JSON listing: `{"kinds": [...]}`.
pub fn json(kinds: &Kinds) -> serde_json::Value {
    serde_json::json!({ "kinds": kinds.iter().map(|k| kind_json(k)).collect::<Vec<_>>() })
}
