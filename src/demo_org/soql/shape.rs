//! The wire form of query records: `attributes`, then the selected fields in SELECT order, with
//! parent relationships as nested records (or null) and child subqueries as QueryResults.

use serde_json::{Map, Value, json};

use super::path::{FieldPath, Hop, Member, Reader};
use crate::demo_org::store::Record;

#[derive(Clone, Debug)]
enum Column<'s> {
    Field(Member<'s>),
    Parent {
        hop: Hop<'s>,
        shape: Shape<'s>,
    },
    /// A child subquery, by its index in the plan; `key` is the relationship name.
    Children {
        key: &'s str,
        index: usize,
    },
}

/// The columns of a record in wire form. Paths through the same relationship share one nested
/// record, placed where the relationship first appears.
#[derive(Clone, Debug, Default)]
pub struct Shape<'s> {
    columns: Vec<Column<'s>>,
}

/// The field is already in the shape: SOQL refuses duplicate fields.
#[derive(Debug, PartialEq, Eq)]
pub struct Duplicate;

impl<'s> Shape<'s> {
    pub fn add_path(&mut self, path: &FieldPath<'s>) -> Result<(), Duplicate> {
        self.add(&path.hops, &path.leaf)
    }

    fn add(&mut self, hops: &[Hop<'s>], leaf: &Member<'s>) -> Result<(), Duplicate> {
        let Some((hop, rest)) = hops.split_first() else {
            let taken = self.columns.iter().any(|c| match c {
                Column::Field(member) => member.key == leaf.key,
                Column::Parent { .. } | Column::Children { .. } => false,
            });
            if taken {
                return Err(Duplicate);
            }
            self.columns.push(Column::Field(leaf.clone()));
            return Ok(());
        };
        let existing = self.columns.iter_mut().find_map(|c| match c {
            Column::Parent { hop: h, shape } if h.key == hop.key => Some(shape),
            _ => None,
        });
        if let Some(shape) = existing {
            return shape.add(rest, leaf);
        }
        let mut shape = Shape::default();
        shape.add(rest, leaf)?;
        self.columns.push(Column::Parent {
            hop: hop.clone(),
            shape,
        });
        Ok(())
    }

    pub fn add_children(&mut self, key: &'s str, index: usize) -> Result<(), Duplicate> {
        let taken = self
            .columns
            .iter()
            .any(|c| matches!(c, Column::Children { key: k, .. } if *k == key));
        if taken {
            return Err(Duplicate);
        }
        self.columns.push(Column::Children { key, index });
        Ok(())
    }

    /// The record in wire form. `children(index)` gives the QueryResult (or null) of child
    /// subquery `index` for this record.
    pub fn render<'r>(
        &self,
        reader: &Reader<'r>,
        sobjects_base: &str,
        record: &'r Record,
        children: &mut dyn FnMut(usize) -> Value,
    ) -> Value {
        let mut map = Map::with_capacity(self.columns.len() + 1);
        map.insert("attributes".to_owned(), attributes(sobjects_base, record));
        for column in &self.columns {
            let (key, value) = match column {
                Column::Field(member) => (member.key, member.read(record).into_owned()),
                Column::Parent { hop, shape } => {
                    let value = match hop.follow(reader, record) {
                        Some(parent) => shape.render(reader, sobjects_base, parent, children),
                        None => Value::Null,
                    };
                    (hop.key, value)
                }
                Column::Children { key, index } => (*key, children(*index)),
            };
            map.insert(key.to_owned(), value);
        }
        Value::Object(map)
    }
}

/// `{"type": "Case", "url": "<base>/Case/<id>"}`.
pub fn attributes(sobjects_base: &str, record: &Record) -> Value {
    // Built by hand: this runs for every record of every result, and `format!` is slower.
    let mut url =
        String::with_capacity(sobjects_base.len() + record.sobject.len() + record.id.len() + 2);
    for part in [sobjects_base, "/", &record.sobject, "/", &record.id] {
        url.push_str(part);
    }
    let mut map = Map::with_capacity(2);
    map.insert("type".to_owned(), Value::String(record.sobject.clone()));
    map.insert("url".to_owned(), Value::String(url));
    Value::Object(map)
}

/// A child subquery's value: a QueryResult, or null when it has no rows (as Salesforce does).
pub fn child_result(records: Vec<Value>) -> Value {
    if records.is_empty() {
        return Value::Null;
    }
    json!({"totalSize": records.len(), "done": true, "records": records})
}
