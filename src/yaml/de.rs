//! serde over a [`Node`] tree: typed structs (site.yaml, front matter, i18n files) are
//! read from the tree, and every error carries the position of the node it is about and
//! the path of keys that leads there. Errors are structured (unknown field, missing
//! field, wrong type, …), so diagnostics never read an English message for a position.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde::{Deserialize, Serialize};

use super::node::{Key, Node, NodeValue, Pos, ScalarKind, SyntaxError};

/// What was found where something else was expected.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// Text, as written.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A list.
    List,
    /// A mapping.
    Map,
    /// `null` or nothing.
    Nothing,
    /// Something else serde names.
    Other(String),
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Text(s) => write!(f, "\"{s}\""),
            Found::Bool(b) => write!(f, "`{b}`"),
            Found::Number(n) => write!(f, "`{n}`"),
            Found::List => f.write_str("a list"),
            Found::Map => f.write_str("a `key: value` map"),
            Found::Nothing => f.write_str("nothing"),
            Found::Other(s) => f.write_str(s),
        }
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// The text is not YAML.
    Syntax(SyntaxError),
    /// A field the type does not have.
    UnknownField { field: String, expected: &'static [&'static str] },
    /// A required field is absent.
    MissingField(&'static str),
    /// A value not among the allowed ones.
    UnknownVariant { value: String, expected: &'static [&'static str] },
    /// A value of the wrong type.
    InvalidType { found: Found, expected: String },
    /// A value of the right type that is still not acceptable.
    InvalidValue { found: Found, expected: String },
    /// Anything else.
    Custom(String),
}

/// A YAML error with the position of the node it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where (1-based, in the YAML text alone).
    pub pos: Option<Pos>,
    /// The keys and list indexes that lead to the value: `participation[0].events`.
    pub path: String,
}

impl Error {
    fn new(kind: ErrorKind) -> Error {
        Error { kind, pos: None, path: String::new() }
    }

    fn or_at(mut self, pos: Pos) -> Error {
        self.pos.get_or_insert(pos);
        self
    }

    fn under(mut self, segment: &str) -> Error {
        self.path = if self.path.is_empty() {
            segment.to_owned()
        } else if self.path.starts_with('[') {
            format!("{segment}{}", self.path)
        } else {
            format!("{segment}.{}", self.path)
        };
        self
    }
}

impl From<SyntaxError> for Error {
    fn from(e: SyntaxError) -> Error {
        Error::new(ErrorKind::Syntax(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        match &self.kind {
            ErrorKind::Syntax(e) => write!(f, "{e:?}"),
            ErrorKind::UnknownField { field, .. } => write!(f, "unknown field `{field}`"),
            ErrorKind::MissingField(field) => write!(f, "missing field `{field}`"),
            ErrorKind::UnknownVariant { value, .. } => write!(f, "unknown value `{value}`"),
            ErrorKind::InvalidType { found, expected } => {
                write!(f, "invalid type: {found}, expected {expected}")
            }
            ErrorKind::InvalidValue { found, expected } => {
                write!(f, "invalid value: {found}, expected {expected}")
            }
            ErrorKind::Custom(msg) => f.write_str(msg),
        }?;
        if let Some(p) = self.pos {
            write!(f, " at line {} column {}", p.line, p.col)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

fn found(unexp: Unexpected<'_>) -> Found {
    match unexp {
        Unexpected::Bool(b) => Found::Bool(b),
        Unexpected::Unsigned(n) => Found::Number(n.to_string()),
        Unexpected::Signed(n) => Found::Number(n.to_string()),
        Unexpected::Float(n) => Found::Number(n.to_string()),
        Unexpected::Str(s) => Found::Text(s.to_owned()),
        Unexpected::Char(c) => Found::Text(c.to_string()),
        Unexpected::Seq => Found::List,
        Unexpected::Map => Found::Map,
        Unexpected::Unit | Unexpected::Option => Found::Nothing,
        other => Found::Other(other.to_string()),
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error::new(ErrorKind::Custom(msg.to_string()))
    }
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Error {
        Error::new(ErrorKind::InvalidType { found: found(unexp), expected: exp.to_string() })
    }
    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Error {
        Error::new(ErrorKind::InvalidValue { found: found(unexp), expected: exp.to_string() })
    }
    fn unknown_variant(value: &str, expected: &'static [&'static str]) -> Error {
        Error::new(ErrorKind::UnknownVariant { value: value.to_owned(), expected })
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Error {
        Error::new(ErrorKind::UnknownField { field: field.to_owned(), expected })
    }
    fn missing_field(field: &'static str) -> Error {
        Error::new(ErrorKind::MissingField(field))
    }
    fn duplicate_field(field: &'static str) -> Error {
        Error::new(ErrorKind::Custom(format!("duplicate field `{field}`")))
    }
}

/// Reads a `T` from a node.
pub fn from_node<T: de::DeserializeOwned>(node: &Node) -> Result<T, Error> {
    T::deserialize(NodeDe(node))
}

/// A deserializer over one node.
#[derive(Clone, Copy)]
pub(super) struct NodeDe<'a>(pub &'a Node);

impl<'de> NodeDe<'_> {
    fn any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let node = self.0;
        let out = match &node.value {
            NodeValue::Scalar(s) => match s.kind {
                ScalarKind::Null => v.visit_unit(),
                ScalarKind::Bool(b) => v.visit_bool(b),
                ScalarKind::Int(i) => v.visit_i64(i),
                ScalarKind::Float(f) => v.visit_f64(f),
                ScalarKind::Str => v.visit_str(&s.text),
            },
            NodeValue::Seq(items) => v.visit_seq(Seq { items, next: 0 }),
            NodeValue::Map(entries) => v.visit_map(Map { entries, next: 0, value: None }),
        };
        out.map_err(|e| e.or_at(node.pos))
    }

    /// Text wanted: numbers keep the text they were written as (`1.50`, `007`);
    /// `true`/`false` and `null` are refused rather than turned into text.
    fn text<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.0.value {
            NodeValue::Scalar(s) => match s.kind {
                ScalarKind::Bool(b) => Err(de::Error::invalid_type(Unexpected::Bool(b), &v)),
                ScalarKind::Null => Err(de::Error::invalid_type(Unexpected::Unit, &v)),
                _ => v.visit_str(&s.text),
            }
            .map_err(|e: Error| e.or_at(self.0.pos)),
            _ => self.any(v),
        }
    }
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.any(v)
    }
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.text(v)
    }
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.text(v)
    }
    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.text(v)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.text(v)
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        if self.0.is_null() { v.visit_none() } else { v.visit_some(self) }
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        v.visit_newtype_struct(self)
    }
    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        if self.0.is_null() {
            // An empty document or `key:` with nothing under it: an empty mapping.
            return v
                .visit_map(Map { entries: &[], next: 0, value: None })
                .map_err(|e| e.or_at(self.0.pos));
        }
        self.any(v)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(v)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        match &self.0.value {
            NodeValue::Scalar(s) if s.kind != ScalarKind::Null => v
                .visit_enum(IntoDeserializer::<Error>::into_deserializer(s.text.as_str()))
                .map_err(|e| e.or_at(self.0.pos)),
            _ => self.any(v),
        }
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 bytes byte_buf unit unit_struct
        seq tuple tuple_struct
    }
}

struct Seq<'a> {
    items: &'a [Node],
    next: usize,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.get(self.next) else {
            return Ok(None);
        };
        let i = self.next;
        self.next += 1;
        seed.deserialize(NodeDe(item))
            .map(Some)
            .map_err(|e| e.or_at(item.pos).under(&format!("[{i}]")))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

struct Map<'a> {
    entries: &'a [(Key, Node)],
    next: usize,
    value: Option<&'a (Key, Node)>,
}

/// A mapping key: always its text.
struct KeyDe<'a>(&'a Key);

impl<'de> de::Deserializer<'de> for KeyDe<'_> {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_str(&self.0.text).map_err(|e: Error| e.or_at(self.0.pos))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.value = Some(entry);
        seed.deserialize(KeyDe(&entry.0)).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, node) =
            self.value.take().ok_or_else(|| <Error as de::Error>::custom("value before key"))?;
        seed.deserialize(NodeDe(node)).map_err(|e| e.or_at(node.pos).under(&key.text))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

/// A free value for templates (`extra:`): what YAML holds, mappings in the order written.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null` or nothing.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Value>),
    /// A mapping.
    Map(Mapping),
}

/// A mapping of text keys to values, in the order written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping(Vec<(String, Value)>);

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Mapping {
        Mapping::default()
    }
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// Sets `key` (replacing its value, or adding it at the end).
    pub fn insert(&mut self, key: String, value: Value) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }
    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) if *i >= 0 => s.serialize_u64(*i as u64),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(t) => s.serialize_str(t),
            Value::Seq(items) => items.serialize(s),
            Value::Map(m) => m.serialize(s),
        }
    }
}

impl Serialize for Mapping {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        Ok(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Float(f))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Str(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        MappingVisitor.visit_map(map).map(Value::Map)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct MappingVisitor;

impl<'de> Visitor<'de> for MappingVisitor {
    type Value = Mapping;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a `key: value` map")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Mapping, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            out.push((k, v));
        }
        Ok(Mapping(out))
    }
}

impl<'de> Deserialize<'de> for Mapping {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Mapping, D::Error> {
        d.deserialize_map(MappingVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::node::parse;
    use super::*;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Talk {
        date: String,
        place: String,
        n: Option<u32>,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Doc {
        title: Option<String>,
        draft: Option<bool>,
        talks: Option<Vec<Talk>>,
    }

    fn err(yaml: &str) -> Error {
        from_node::<Doc>(&parse(yaml).unwrap()).unwrap_err()
    }

    #[test]
    fn text_keeps_numbers_as_written_and_refuses_booleans() {
        let d: Doc = from_node(&parse("title: 1.50\n").unwrap()).unwrap();
        assert_eq!(d.title.as_deref(), Some("1.50"));
        let d: Doc = from_node(&parse("title: NO\n").unwrap()).unwrap();
        assert_eq!(d.title.as_deref(), Some("NO"));
        let e = err("title: true\n");
        assert_eq!(e.pos, Some(Pos { line: 1, col: 8 }));
        assert_eq!(e.path, "title");
        assert!(matches!(e.kind, ErrorKind::InvalidType { found: Found::Bool(true), .. }));
    }

    #[test]
    fn yes_is_not_a_boolean() {
        let e = err("draft: yes\n");
        assert_eq!(e.path, "draft");
        assert!(
            matches!(&e.kind, ErrorKind::InvalidType { found: Found::Text(t), expected } if t == "yes" && expected == "a boolean")
        );
    }

    #[test]
    fn nested_errors_have_path_and_position() {
        let e = err("talks:\n  - {date: 2022-08-01, place: 厂, n: 十}\n");
        assert_eq!(e.path, "talks[0].n");
        assert_eq!(e.pos, Some(Pos { line: 2, col: 37 }));
        let e = err("talks:\n  - {date: 2022-08-01, plce: 厂}\n");
        assert!(matches!(&e.kind, ErrorKind::UnknownField { field, .. } if field == "plce"));
        assert_eq!(e.pos, Some(Pos { line: 2, col: 24 }));
        assert_eq!(e.path, "talks[0]");
        let e = err("talks:\n  - date: 2022-08-01\n");
        assert!(matches!(e.kind, ErrorKind::MissingField("place")));
        assert_eq!(e.pos, Some(Pos { line: 2, col: 5 }));
    }

    #[test]
    fn values_keep_order_and_types() {
        let m: Mapping = from_node(&parse("z: 1\na: [x, true]\nm: {k: 1.5}\n").unwrap()).unwrap();
        let keys: Vec<&String> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert_eq!(m.get("a"), Some(&Value::Seq(vec![Value::Str("x".into()), Value::Bool(true)])));
    }
}
