//! A YAML document as a tree of nodes, each with the line and column where it starts.
//!
//! saphyr-parser (YAML 1.2) turns the text into events with spans; this module builds the
//! tree from them. Plain scalars are typed by the YAML 1.2 core schema, so `yes`, `no`
//! and `NO` stay text (no Norway problem) and only `true`/`false` are booleans; quoted
//! scalars are always text. Every scalar keeps the text it was written as, so a field
//! that wants text can still take `title: 2022` or `version: 1.50` unchanged.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

/// A position in the YAML text: 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
}

impl Pos {
    fn of(span: &Span) -> Pos {
        Pos { line: span.start.line(), col: span.start.col() + 1 }
    }
}

/// What a plain scalar means under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarKind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false` (in any of the three spellings YAML 1.2 allows).
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction or exponent (or `.inf`, `.nan`).
    Float(f64),
    /// Anything else, and every quoted or block scalar.
    Str,
}

/// A scalar as written, with its meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The text (after unquoting and folding).
    pub text: String,
    /// What it means.
    pub kind: ScalarKind,
}

/// A mapping key: YAML allows any node as a key; fenjin's files use text only.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key's text.
    pub text: String,
    /// Where it is written.
    pub pos: Pos,
}

/// The content of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// A scalar.
    Scalar(Scalar),
    /// A list (`- a` lines or `[a, b]`).
    Seq(Vec<Node>),
    /// A mapping, in the order written.
    Map(Vec<(Key, Node)>),
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where it starts (for a block mapping, its first key).
    pub pos: Pos,
    /// What it holds.
    pub value: NodeValue,
}

/// Why a text could not be read as YAML.
#[derive(Debug, Clone, PartialEq)]
pub enum SyntaxError {
    /// The parser's own complaint, at its position. `flow` is the innermost `[` or `{`
    /// still open there, with where it was opened.
    Scan { info: String, pos: Pos, flow: Option<(char, Pos)> },
    /// A key given twice in one mapping (at the second).
    DuplicateKey { key: String, pos: Pos, first: Pos },
    /// A mapping key that is a list or a mapping.
    ComplexKey { pos: Pos },
    /// An alias to an anchor that was not defined, or aliases that expand too much.
    Alias { pos: Pos, too_large: bool },
    /// A second document (`---` or `...` inside the text).
    SecondDocument { pos: Pos },
}

impl Node {
    /// A `null` scalar at `pos` (an empty document or value).
    pub fn null(pos: Pos) -> Node {
        Node {
            pos,
            value: NodeValue::Scalar(Scalar { text: String::new(), kind: ScalarKind::Null }),
        }
    }

    /// Whether it is `null` (including an empty value).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, NodeValue::Scalar(Scalar { kind: ScalarKind::Null, .. }))
    }

    /// The entries of a mapping (none for anything else).
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            NodeValue::Map(m) => m,
            _ => &[],
        }
    }

    /// The key and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries().iter().find(|(k, _)| k.text == key).map(|(k, v)| (k, v))
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The value at a path of keys (`languages`, `en`, `title`).
    pub fn path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Where an editor should look for the value of `key`: the value itself when it
    /// starts on the key's line, else the key.
    pub fn value_pos(&self, key: &str) -> Option<Pos> {
        let (k, v) = self.entry(key)?;
        Some(if v.pos.line == k.pos.line && !v.is_null() { v.pos } else { k.pos })
    }

    /// Where the key `key` is written.
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entry(key).map(|(k, _)| k.pos)
    }

    /// The scalar's text, if it is a scalar that is not `null`.
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar(s) if s.kind != ScalarKind::Null => Some(&s.text),
            _ => None,
        }
    }
}

/// YAML 1.2 core schema for a plain scalar.
fn resolve(text: &str) -> ScalarKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarKind::Null,
        "true" | "True" | "TRUE" => return ScalarKind::Bool(true),
        "false" | "False" | "FALSE" => return ScalarKind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ScalarKind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return ScalarKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return ScalarKind::Float(f64::NAN),
        _ => {}
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x").filter(|h| digits(h, 16)) {
        return i64::from_str_radix(hex, 16).map_or(ScalarKind::Str, ScalarKind::Int);
    }
    if let Some(oct) = text.strip_prefix("0o").filter(|o| digits(o, 8)) {
        return i64::from_str_radix(oct, 8).map_or(ScalarKind::Str, ScalarKind::Int);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned, 10) {
        return match text.parse::<i64>() {
            Ok(i) => ScalarKind::Int(i),
            Err(_) => text.parse::<f64>().map_or(ScalarKind::Str, ScalarKind::Float),
        };
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => {
            (a.is_empty() && digits(b, 10)) || (digits(a, 10) && (b.is_empty() || digits(b, 10)))
        }
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if mantissa_ok
        && exponent_ok
        && let Ok(f) = text.parse::<f64>()
    {
        return ScalarKind::Float(f);
    }
    ScalarKind::Str
}

/// The most nodes that aliases may add to a document (a guard against "billion laughs").
const ALIAS_BUDGET: usize = 10_000;

enum Frame {
    Seq { pos: Pos, at: usize, items: Vec<Node>, anchor: usize },
    Map { pos: Option<Pos>, at: usize, entries: Vec<(Key, Node)>, key: Option<Key>, anchor: usize },
}

fn count(node: &Node) -> usize {
    1 + match &node.value {
        NodeValue::Scalar(_) => 0,
        NodeValue::Seq(items) => items.iter().map(count).sum(),
        NodeValue::Map(entries) => entries.iter().map(|(_, v)| count(v)).sum(),
    }
}

/// Reads one YAML document. An empty text (or only comments) is a `null` node.
// Long: one arm per event of saphyr's parser (documents, collections opening and closing,
// scalars, aliases); the arms share the stack of open collections and the anchors.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut alias_nodes = 0;
    let mut root: Option<Node> = None;
    let mut documents = 0;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => return Err(scan_error(text, e, &stack)),
        };
        let pos = Pos::of(&span);
        let node = match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError::SecondDocument { pos });
                }
                continue;
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => continue,
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq { pos, at: span.start.index(), items: Vec::new(), anchor });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map {
                    pos: None,
                    at: span.start.index(),
                    entries: Vec::new(),
                    key: None,
                    anchor,
                });
                // A flow mapping starts at its `{`; a block mapping at its first key.
                if text.chars().nth(span.start.index()) == Some('{')
                    && let Some(Frame::Map { pos: p, .. }) = stack.last_mut()
                {
                    *p = Some(pos);
                }
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { pos, items, anchor, .. }) => {
                    let node = Node { pos, value: NodeValue::Seq(items) };
                    if anchor > 0 {
                        anchors.insert(anchor, node.clone());
                    }
                    node
                }
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map { pos: p, entries, anchor, .. }) => {
                    let node = Node { pos: p.unwrap_or(pos), value: NodeValue::Map(entries) };
                    if anchor > 0 {
                        anchors.insert(anchor, node.clone());
                    }
                    node
                }
                _ => continue,
            },
            Event::Scalar(text, style, anchor, tag) => {
                let forced_text =
                    tag.as_ref().is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                let kind = if style == ScalarStyle::Plain && !forced_text {
                    resolve(&text)
                } else {
                    ScalarKind::Str
                };
                let node = Node {
                    pos,
                    value: NodeValue::Scalar(Scalar { text: text.into_owned(), kind }),
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => {
                let Some(node) = anchors.get(&id) else {
                    return Err(SyntaxError::Alias { pos, too_large: false });
                };
                alias_nodes += count(node);
                if alias_nodes > ALIAS_BUDGET {
                    return Err(SyntaxError::Alias { pos, too_large: true });
                }
                let mut node = node.clone();
                node.pos = pos;
                node
            }
        };
        attach(&mut stack, &mut root, node)?;
    }
    Ok(root.unwrap_or_else(|| Node::null(Pos { line: 1, col: 1 })))
}

/// The syntax error of `e`, with the flow collection (`[` or `{`) it is inside, if any.
fn scan_error(text: &str, e: ScanError, stack: &[Frame]) -> SyntaxError {
    let pos = Pos { line: e.marker().line(), col: e.marker().col() + 1 };
    let flow = stack.iter().rev().find_map(|f| {
        let (at, pos) = match f {
            Frame::Seq { at, pos, .. } => (*at, *pos),
            Frame::Map { at, pos, .. } => (*at, (*pos)?),
        };
        let c = text.chars().nth(at)?;
        matches!(c, '[' | '{').then_some((c, pos))
    });
    SyntaxError::Scan { info: e.info().to_owned(), pos, flow }
}

/// Attaches a finished node to its parent (the list or mapping being read), or makes it
/// the root. In a mapping it is a key (a plain one, not seen before) or a key's value.
fn attach(stack: &mut [Frame], root: &mut Option<Node>, node: Node) -> Result<(), SyntaxError> {
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Frame::Seq { items, .. }) => items.push(node),
        Some(Frame::Map { pos: map_pos, entries, key, .. }) => match key.take() {
            None => {
                let NodeValue::Scalar(s) = node.value else {
                    return Err(SyntaxError::ComplexKey { pos: node.pos });
                };
                if let Some((first, _)) = entries.iter().find(|(k, _)| k.text == s.text) {
                    return Err(SyntaxError::DuplicateKey {
                        key: s.text,
                        pos: node.pos,
                        first: first.pos,
                    });
                }
                map_pos.get_or_insert(node.pos);
                *key = Some(Key { text: s.text, pos: node.pos });
            }
            Some(k) => entries.push((k, node)),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(yaml: &str) -> ScalarKind {
        match parse(yaml).unwrap().get("v").unwrap().value.clone() {
            NodeValue::Scalar(s) => s.kind,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn core_schema_keeps_yes_no_and_norway_as_text() {
        assert_eq!(scalar("v: yes"), ScalarKind::Str);
        assert_eq!(scalar("v: NO"), ScalarKind::Str);
        assert_eq!(scalar("v: on"), ScalarKind::Str);
        assert_eq!(scalar("v: true"), ScalarKind::Bool(true));
        assert_eq!(scalar("v: FALSE"), ScalarKind::Bool(false));
        assert_eq!(scalar("v: \"true\""), ScalarKind::Str);
        assert_eq!(scalar("v: !!str true"), ScalarKind::Str);
    }

    #[test]
    fn numbers_dates_and_nulls() {
        assert_eq!(scalar("v: 42"), ScalarKind::Int(42));
        assert_eq!(scalar("v: -7"), ScalarKind::Int(-7));
        assert_eq!(scalar("v: 0x1f"), ScalarKind::Int(31));
        assert_eq!(scalar("v: 1.50"), ScalarKind::Float(1.5));
        assert_eq!(scalar("v: 1e3"), ScalarKind::Float(1000.0));
        assert_eq!(scalar("v: 2022-07-19"), ScalarKind::Str);
        assert_eq!(scalar("v: 1_000"), ScalarKind::Str);
        assert_eq!(scalar("v: ~"), ScalarKind::Null);
        assert_eq!(scalar("v:"), ScalarKind::Null);
        let n = parse("v: 1.50").unwrap();
        assert_eq!(n.get("v").unwrap().as_text(), Some("1.50"));
    }

    #[test]
    fn positions_count_characters() {
        let n = parse("标题: 中文\nlist:\n  - a\n  - {x: 1}\n").unwrap();
        assert_eq!(n.pos, Pos { line: 1, col: 1 });
        assert_eq!(n.get("标题").unwrap().pos, Pos { line: 1, col: 5 });
        let list = n.get("list").unwrap();
        let NodeValue::Seq(items) = &list.value else { panic!() };
        assert_eq!(items[1].pos, Pos { line: 4, col: 5 });
        assert_eq!(items[1].get("x").unwrap().pos, Pos { line: 4, col: 9 });
        assert_eq!(n.value_pos("list"), Some(Pos { line: 2, col: 1 }));
    }

    #[test]
    fn duplicate_keys_are_refused_at_the_second() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(
            e,
            SyntaxError::DuplicateKey {
                key: "a".into(),
                pos: Pos { line: 3, col: 1 },
                first: Pos { line: 1, col: 1 }
            }
        );
    }

    #[test]
    fn unclosed_flow_names_where_it_opened() {
        let SyntaxError::Scan { flow, .. } = parse("a: 1\nb: [x, y\nc: 2\n").unwrap_err() else {
            panic!()
        };
        assert_eq!(flow, Some(('[', Pos { line: 2, col: 4 })));
    }

    #[test]
    fn aliases_expand_within_a_budget() {
        let n = parse("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(n.get("a").unwrap().value, n.get("b").unwrap().value);
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..6 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        assert!(matches!(parse(&bomb), Err(SyntaxError::Alias { too_large: true, .. })));
    }

    #[test]
    fn empty_text_is_null() {
        assert!(parse("").unwrap().is_null());
        assert!(parse("# only a comment\n").unwrap().is_null());
    }
}
