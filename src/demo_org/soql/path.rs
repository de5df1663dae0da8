//! Field paths such as `Subject`, `Account.Name`, `Contact.Account.Name` or `Parent.Name` on a
//! polymorphic lookup: resolved once against the schema, then read from records through their
//! parent lookups.

use std::borrow::Cow;

use serde_json::Value;

use super::QueryOptions;
use super::value::ValueKind;
use crate::demo_org::schema::{FieldDef, ObjectDef, Schema};
use crate::demo_org::store::{OrgData, Record};

static NULL: Value = Value::Null;

/// Reads records for one query: live ones, or deleted ones too for queryAll.
pub struct Reader<'a> {
    pub org: &'a OrgData,
    pub include_deleted: bool,
}

impl<'a> Reader<'a> {
    pub fn new(org: &'a OrgData, options: &QueryOptions) -> Self {
        Reader {
            org,
            include_deleted: options.include_deleted,
        }
    }

    /// The records of an object, in id order.
    pub fn scan<'o>(
        &self,
        object: &'o ObjectDef,
    ) -> impl Iterator<Item = &'a Record> + use<'a, 'o> {
        let include_deleted = self.include_deleted;
        self.org
            .all_records(&object.name)
            .filter(move |r| include_deleted || !r.deleted)
    }

    /// A record by id (15 or 18 characters).
    pub fn record(&self, id: &str) -> Option<&'a Record> {
        if self.include_deleted {
            self.org.get_any(id)
        } else {
            self.org.get(id)
        }
    }
}

/// What a member reads on one object.
#[derive(Clone, Debug)]
enum Target<'s> {
    Field(&'s FieldDef),
    /// `IsDeleted`: the store's deleted flag is the truth.
    DeletedFlag(&'s FieldDef),
    /// `Type` through a polymorphic lookup: the object's API name.
    TypeName,
}

/// One name resolved on each object it may be read from: one object, or every target of a
/// polymorphic lookup.
#[derive(Clone, Debug)]
pub struct Member<'s> {
    /// The canonical name, the key of the value in a record's wire form.
    pub key: &'s str,
    candidates: Vec<(&'s str, Target<'s>)>,
}

impl<'s> Member<'s> {
    fn target(&self, record: &Record) -> Option<&Target<'s>> {
        if let [(_, only)] = self.candidates.as_slice() {
            return Some(only);
        }
        self.candidates
            .iter()
            .find(|(object, _)| *object == record.sobject)
            .map(|(_, target)| target)
    }

    /// The value on `record`; null when the field is unset or not on the record's object.
    pub fn read<'r>(&self, record: &'r Record) -> Cow<'r, Value> {
        match self.target(record) {
            Some(Target::Field(field)) => Cow::Borrowed(record.get(&field.name)),
            Some(Target::DeletedFlag(_)) => Cow::Owned(Value::Bool(record.deleted)),
            Some(Target::TypeName) => Cow::Owned(Value::String(record.sobject.clone())),
            None => Cow::Borrowed(&NULL),
        }
    }

    /// The definition that types this member (the first object's, for polymorphic lookups).
    pub fn def(&self) -> Option<&'s FieldDef> {
        self.candidates.iter().find_map(|(_, target)| match target {
            Target::Field(field) | Target::DeletedFlag(field) => Some(*field),
            Target::TypeName => None,
        })
    }
}

/// A step through a parent relationship (`Account` in `Account.Name`).
#[derive(Clone, Debug)]
pub struct Hop<'s> {
    /// The canonical relationship name, the key of the parent in a record's wire form.
    pub key: &'s str,
    lookup: Member<'s>,
}

impl Hop<'_> {
    /// The parent record the lookup points at, if any.
    pub fn follow<'r>(&self, reader: &Reader<'r>, record: &'r Record) -> Option<&'r Record> {
        let field = match self.lookup.target(record)? {
            Target::Field(field) => field,
            Target::DeletedFlag(_) | Target::TypeName => return None,
        };
        reader.record(record.get(&field.name).as_str()?)
    }
}

/// A field read from the queried object, possibly through parent relationships.
#[derive(Clone, Debug)]
pub struct FieldPath<'s> {
    pub hops: Vec<Hop<'s>>,
    pub leaf: Member<'s>,
    /// The path with canonical names (`Account.Name`), to compare paths with each other.
    pub text: String,
}

impl<'s> FieldPath<'s> {
    pub fn read<'r>(&self, reader: &Reader<'r>, record: &'r Record) -> Cow<'r, Value> {
        let mut current = record;
        for hop in &self.hops {
            match hop.follow(reader, current) {
                Some(parent) => current = parent,
                None => return Cow::Borrowed(&NULL),
            }
        }
        self.leaf.read(current)
    }

    /// How the values compare. A polymorphic `Type` or `Name` reads as text.
    pub fn kind(&self) -> ValueKind {
        self.leaf
            .def()
            .map_or(ValueKind::Text, |f| ValueKind::of(f.field_type))
    }

    pub fn def(&self) -> Option<&'s FieldDef> {
        self.leaf.def()
    }

    /// The name used in messages such as "Field must be grouped or aggregated".
    pub fn leaf_name(&self) -> &'s str {
        self.leaf.key
    }
}

/// Why a path does not resolve.
#[derive(Clone, Debug, PartialEq)]
pub enum PathError {
    NoSuchColumn { field: String, entity: String },
    UnknownRelationship(String),
}

/// Resolves a dotted path on `object`. A leading segment naming the object itself is allowed
/// (`SELECT Case.Subject FROM Case`).
pub fn resolve<'s>(
    schema: &'s Schema,
    object: &'s ObjectDef,
    path: &str,
) -> Result<FieldPath<'s>, PathError> {
    let mut segments: Vec<&str> = path.split('.').collect();
    if segments.len() > 1
        && segments[0].eq_ignore_ascii_case(&object.name)
        && object.relationship(segments[0]).is_none()
    {
        segments.remove(0);
    }
    let Some((leaf_name, relationships)) = segments.split_last() else {
        return Err(PathError::NoSuchColumn {
            field: path.to_owned(),
            entity: object.name.clone(),
        });
    };
    let mut objects = vec![object];
    let mut polymorphic = false;
    let mut hops = Vec::new();
    let mut text = Vec::new();
    for name in relationships {
        let (hop, targets) = relationship(schema, &objects, name)?;
        polymorphic = targets.len() > 1;
        text.push(hop.key);
        hops.push(hop);
        objects = targets;
    }
    let leaf = leaf(&objects, leaf_name, polymorphic).ok_or_else(|| PathError::NoSuchColumn {
        field: (*leaf_name).to_owned(),
        entity: match objects.first() {
            Some(only) if !polymorphic => only.name.clone(),
            _ => "Name".to_owned(),
        },
    })?;
    text.push(leaf.key);
    Ok(FieldPath {
        hops,
        leaf,
        text: text.join("."),
    })
}

/// The lookup behind a relationship name on each of `objects`, and the objects it reaches.
fn relationship<'s>(
    schema: &'s Schema,
    objects: &[&'s ObjectDef],
    name: &str,
) -> Result<(Hop<'s>, Vec<&'s ObjectDef>), PathError> {
    let mut candidates = Vec::new();
    let mut targets: Vec<&'s ObjectDef> = Vec::new();
    let mut key = None;
    for object in objects {
        let Some(lookup) = object.relationship(name) else {
            continue;
        };
        key = key.or(lookup.relationship_name.as_deref());
        candidates.push((object.name.as_str(), Target::Field(lookup)));
        for target in lookup.reference_to.iter().filter_map(|t| schema.object(t)) {
            if !targets.iter().any(|t| t.name == target.name) {
                targets.push(target);
            }
        }
    }
    match (key, targets.is_empty()) {
        (Some(key), false) => Ok((
            Hop {
                key,
                lookup: Member { key, candidates },
            },
            targets,
        )),
        _ => Err(PathError::UnknownRelationship(name.to_owned())),
    }
}

/// The field `name` on each of `objects`. Through a polymorphic lookup, `Type` is the object's
/// name and `Name` falls back to each object's name field (a Case's `CaseNumber`), as
/// Salesforce's `Name` pseudo-object does.
fn leaf<'s>(objects: &[&'s ObjectDef], name: &str, polymorphic: bool) -> Option<Member<'s>> {
    let mut candidates = Vec::new();
    let mut key = None;
    for object in objects {
        let object_name = object.name.as_str();
        if polymorphic && name.eq_ignore_ascii_case("Type") {
            key = Some("Type");
            candidates.push((object_name, Target::TypeName));
            continue;
        }
        let field = object.field(name).or_else(|| {
            (polymorphic && name.eq_ignore_ascii_case("Name"))
                .then(|| object.name_field())
                .flatten()
        });
        let Some(field) = field else {
            continue;
        };
        if polymorphic && name.eq_ignore_ascii_case("Name") {
            key = Some("Name");
        }
        let key = *key.get_or_insert(field.name.as_str());
        let target = if key == "IsDeleted" {
            Target::DeletedFlag(field)
        } else {
            Target::Field(field)
        };
        candidates.push((object_name, target));
    }
    Some(Member {
        key: key?,
        candidates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::objects::demo_schema;

    #[test]
    fn resolves_fields_and_parent_paths_with_canonical_names() {
        let schema = demo_schema();
        let case = schema.object("Case").expect("Case");
        let path = resolve(&schema, case, "account.name").expect("path");
        assert_eq!(path.text, "Account.Name");
        assert_eq!(path.hops.len(), 1);
        let path = resolve(&schema, case, "Contact.Account.Name").expect("path");
        assert_eq!(path.text, "Contact.Account.Name");
        let path = resolve(&schema, case, "case.subject").expect("path");
        assert_eq!(path.text, "Subject");
    }

    #[test]
    fn reports_unknown_columns_and_relationships() {
        let schema = demo_schema();
        let case = schema.object("Case").expect("Case");
        assert_eq!(
            resolve(&schema, case, "Bogus").err(),
            Some(PathError::NoSuchColumn {
                field: "Bogus".into(),
                entity: "Case".into()
            })
        );
        assert_eq!(
            resolve(&schema, case, "Account.Bogus").err(),
            Some(PathError::NoSuchColumn {
                field: "Bogus".into(),
                entity: "Account".into()
            })
        );
        assert_eq!(
            resolve(&schema, case, "Acct.Name").err(),
            Some(PathError::UnknownRelationship("Acct".into()))
        );
        assert!(resolve(&schema, case, "AccountId.Name").is_err());
    }

    #[test]
    fn polymorphic_name_and_type() {
        let schema = demo_schema();
        let feed = schema.object("FeedItem").expect("FeedItem");
        let name = resolve(&schema, feed, "Parent.Name").expect("Name");
        assert_eq!(name.text, "Parent.Name");
        let kind = resolve(&schema, feed, "parent.type").expect("Type");
        assert_eq!(kind.text, "Parent.Type");
        assert_eq!(kind.kind(), ValueKind::Text);
    }
}
