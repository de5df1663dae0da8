//! Where each node of a YAML document starts, by JSON pointer, so that problems found after
//! parsing (schema violations, bad templates) can be reported as `file:line:col`.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser};

use crate::templating::escape_pointer;

/// 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };
}

/// Positions of the nodes of one document. The document is only walked when a position is first
/// asked for, which happens only when there is a problem to report: loading a good manifest
/// never pays for it.
#[derive(Debug)]
pub struct LocationIndex<'t> {
    text: &'t str,
    nodes: std::sync::OnceLock<Nodes>,
}

#[derive(Debug, Default)]
struct Nodes {
    /// Start of each value node.
    values: HashMap<String, Position>,
    /// Start of the key of each mapping entry, by the pointer of its value.
    keys: HashMap<String, Position>,
}

enum Frame {
    Mapping {
        pointer: String,
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        next: usize,
    },
}

impl<'t> LocationIndex<'t> {
    /// An index of `text`, built on first use.
    pub fn build(text: &'t str) -> LocationIndex<'t> {
        LocationIndex {
            text,
            nodes: std::sync::OnceLock::new(),
        }
    }

    fn nodes(&self) -> &Nodes {
        self.nodes.get_or_init(|| Nodes::walk(self.text))
    }

    /// The position of the node at `pointer`, or of its nearest indexed ancestor. Keys are
    /// preferred over values: `name: x` is reported where `name` starts.
    pub fn position(&self, pointer: &str) -> Position {
        let nodes = self.nodes();
        let mut current = pointer;
        loop {
            if let Some(position) = nodes
                .keys
                .get(current)
                .or_else(|| nodes.values.get(current))
            {
                return *position;
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return nodes.values.get("").copied().unwrap_or(Position::START),
            }
        }
    }

    /// The position of a value node itself (for errors inside a value, such as a template).
    pub fn value_position(&self, pointer: &str) -> Position {
        self.nodes()
            .values
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.position(pointer))
    }
}

impl Nodes {
    /// Walks the YAML events of `text`. A document that does not parse yields an empty index
    /// (the parse error is reported by the deserializer, with its own position).
    fn walk(text: &str) -> Nodes {
        let mut index = Nodes::default();
        let mut stack: Vec<Frame> = Vec::new();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let at = Position {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            match event {
                Event::Scalar(value, ..) => {
                    if let Some(Frame::Mapping { pointer, key }) = stack.last_mut()
                        && key.is_none()
                    {
                        let child = format!("{pointer}/{}", escape_pointer(&value));
                        index.keys.insert(child, at);
                        *key = Some(value.into_owned());
                        continue;
                    }
                    let pointer = next_pointer(&mut stack);
                    index.values.entry(pointer).or_insert(at);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let pointer = next_pointer(&mut stack);
                    index.values.entry(pointer.clone()).or_insert(at);
                    stack.push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping { pointer, key: None }
                    } else {
                        Frame::Sequence { pointer, next: 0 }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::Alias(..) => {
                    next_pointer(&mut stack);
                }
                _ => {}
            }
        }
        index
    }
}

/// The pointer of the node that comes next in the innermost container, advancing it.
fn next_pointer(stack: &mut [Frame]) -> String {
    match stack.last_mut() {
        Some(Frame::Mapping { pointer, key }) => {
            let name = key.take().unwrap_or_default();
            format!("{pointer}/{}", escape_pointer(&name))
        }
        Some(Frame::Sequence { pointer, next }) => {
            let out = format!("{pointer}/{next}");
            *next += 1;
            out
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_values_and_list_items() {
        let text = "name: x\nrequest:\n  method: GET\n  query:\n    q: \"{{ soql }}\"\nlist:\n  - a\n  - b: 1\n";
        let index = LocationIndex::build(text);
        assert_eq!(index.position("/name"), Position { line: 1, column: 1 });
        assert_eq!(
            index.value_position("/name"),
            Position { line: 1, column: 7 }
        );
        assert_eq!(
            index.position("/request/method"),
            Position { line: 3, column: 3 }
        );
        assert_eq!(
            index.value_position("/request/query/q"),
            Position { line: 5, column: 8 }
        );
        assert_eq!(index.position("/list/1/b"), Position { line: 8, column: 5 });
        // An unknown pointer falls back to its nearest ancestor.
        assert_eq!(
            index.position("/request/query/missing"),
            Position { line: 4, column: 3 }
        );
    }
}
