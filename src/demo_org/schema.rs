//! Describe metadata of the demo org: objects, fields, picklists and relationships. This is the
//! single source the describe endpoints, the record validation and the SOQL engine all read.

use std::collections::HashMap;

use serde_json::{Value, json};

/// Field data types, named as the describe call names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    Id,
    String,
    TextArea,
    Email,
    Phone,
    Url,
    Picklist,
    MultiPicklist,
    Boolean,
    Int,
    Double,
    Currency,
    Percent,
    Date,
    DateTime,
    Reference,
}

impl FieldType {
    /// The `type` value of a describe field.
    pub fn wire_name(self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::String => "string",
            FieldType::TextArea => "textarea",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Picklist => "picklist",
            FieldType::MultiPicklist => "multipicklist",
            FieldType::Boolean => "boolean",
            FieldType::Int => "int",
            FieldType::Double => "double",
            FieldType::Currency => "currency",
            FieldType::Percent => "percent",
            FieldType::Date => "date",
            FieldType::DateTime => "datetime",
            FieldType::Reference => "reference",
        }
    }

    /// The `soapType` value of a describe field.
    pub fn soap_type(self) -> &'static str {
        match self {
            FieldType::Id | FieldType::Reference => "tns:ID",
            FieldType::Boolean => "xsd:boolean",
            FieldType::Int => "xsd:int",
            FieldType::Double | FieldType::Currency | FieldType::Percent => "xsd:double",
            FieldType::Date => "xsd:date",
            FieldType::DateTime => "xsd:dateTime",
            _ => "xsd:string",
        }
    }

    /// True for the types whose values are JSON strings on the wire.
    pub fn is_textual(self) -> bool {
        !matches!(
            self,
            FieldType::Boolean
                | FieldType::Int
                | FieldType::Double
                | FieldType::Currency
                | FieldType::Percent
        )
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Int | FieldType::Double | FieldType::Currency | FieldType::Percent
        )
    }
}

#[derive(Clone, Debug)]
pub struct PicklistValue {
    pub value: String,
    pub label: String,
    pub active: bool,
    pub default_value: bool,
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    pub length: u32,
    pub precision: u32,
    pub scale: u32,
    pub nillable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub filterable: bool,
    pub sortable: bool,
    pub groupable: bool,
    /// True when the org fills the value on create if none is given (system fields, defaults).
    pub defaulted_on_create: bool,
    pub default_value: Option<Value>,
    pub picklist_values: Vec<PicklistValue>,
    pub restricted_picklist: bool,
    pub reference_to: Vec<String>,
    /// Name used to reach the parent in SOQL (`Account` for `AccountId`, `Case__r` for `Case__c`).
    pub relationship_name: Option<String>,
    /// Name of the child relationship this lookup creates on its parent (`CaseComments`).
    pub child_relationship_name: Option<String>,
    pub external_id: bool,
    pub unique: bool,
    pub auto_number: bool,
    pub name_field: bool,
    pub calculated: bool,
    pub custom: bool,
}

impl FieldDef {
    fn base(name: &str, label: &str, field_type: FieldType) -> Self {
        FieldDef {
            name: name.to_owned(),
            label: label.to_owned(),
            field_type,
            length: 0,
            precision: 0,
            scale: 0,
            nillable: true,
            createable: true,
            updateable: true,
            filterable: true,
            sortable: !matches!(field_type, FieldType::TextArea | FieldType::MultiPicklist),
            groupable: !matches!(
                field_type,
                FieldType::TextArea
                    | FieldType::Double
                    | FieldType::Currency
                    | FieldType::Percent
                    | FieldType::DateTime
            ),
            defaulted_on_create: false,
            default_value: None,
            picklist_values: Vec::new(),
            restricted_picklist: false,
            reference_to: Vec::new(),
            relationship_name: None,
            child_relationship_name: None,
            external_id: false,
            unique: false,
            auto_number: false,
            name_field: false,
            calculated: false,
            custom: name.ends_with("__c"),
        }
    }

    pub fn id() -> Self {
        let mut f = Self::base("Id", "Record ID", FieldType::Id);
        f.length = 18;
        f.nillable = false;
        f.createable = false;
        f.updateable = false;
        f.defaulted_on_create = true;
        f
    }

    pub fn text(name: &str, label: &str, length: u32) -> Self {
        let mut f = Self::base(name, label, FieldType::String);
        f.length = length;
        f
    }

    pub fn textarea(name: &str, label: &str, length: u32) -> Self {
        let mut f = Self::base(name, label, FieldType::TextArea);
        f.length = length;
        f.filterable = length <= 255;
        f
    }

    pub fn email(name: &str, label: &str) -> Self {
        let mut f = Self::base(name, label, FieldType::Email);
        f.length = 80;
        f
    }

    pub fn phone(name: &str, label: &str) -> Self {
        let mut f = Self::base(name, label, FieldType::Phone);
        f.length = 40;
        f
    }

    pub fn url(name: &str, label: &str) -> Self {
        let mut f = Self::base(name, label, FieldType::Url);
        f.length = 255;
        f
    }

    pub fn boolean(name: &str, label: &str, default: bool) -> Self {
        let mut f = Self::base(name, label, FieldType::Boolean);
        f.nillable = false;
        f.defaulted_on_create = true;
        f.default_value = Some(Value::Bool(default));
        f
    }

    pub fn int(name: &str, label: &str) -> Self {
        let mut f = Self::base(name, label, FieldType::Int);
        f.precision = 9;
        f
    }

    pub fn double(name: &str, label: &str, precision: u32, scale: u32) -> Self {
        let mut f = Self::base(name, label, FieldType::Double);
        f.precision = precision;
        f.scale = scale;
        f
    }

    pub fn currency(name: &str, label: &str) -> Self {
        let mut f = Self::base(name, label, FieldType::Currency);
        f.precision = 18;
        f.scale = 2;
        f
    }

    pub fn percent(name: &str, label: &str) -> Self {
        let mut f = Self::base(name, label, FieldType::Percent);
        f.precision = 3;
        f
    }

    pub fn date(name: &str, label: &str) -> Self {
        Self::base(name, label, FieldType::Date)
    }

    pub fn datetime(name: &str, label: &str) -> Self {
        Self::base(name, label, FieldType::DateTime)
    }

    /// A picklist with the given values; the first one is not a default unless `default_to` says so.
    pub fn picklist(name: &str, label: &str, values: &[&str]) -> Self {
        let mut f = Self::base(name, label, FieldType::Picklist);
        f.length = 255;
        f.picklist_values = values
            .iter()
            .map(|v| PicklistValue {
                value: (*v).to_owned(),
                label: (*v).to_owned(),
                active: true,
                default_value: false,
            })
            .collect();
        f
    }

    /// A picklist whose API values differ from their labels, e.g. EmailMessage.Status.
    pub fn coded_picklist(name: &str, label: &str, values: &[(&str, &str)]) -> Self {
        let mut f = Self::base(name, label, FieldType::Picklist);
        f.length = 40;
        f.picklist_values = values
            .iter()
            .map(|(value, label)| PicklistValue {
                value: (*value).to_owned(),
                label: (*label).to_owned(),
                active: true,
                default_value: false,
            })
            .collect();
        f
    }

    /// A lookup to `target`; `relationship` names the parent in SOQL and `children` names the
    /// child relationship on the parent.
    pub fn lookup(
        name: &str,
        label: &str,
        target: &str,
        relationship: &str,
        children: Option<&str>,
    ) -> Self {
        Self::polymorphic(name, label, &[target], relationship, children)
    }

    pub fn polymorphic(
        name: &str,
        label: &str,
        targets: &[&str],
        relationship: &str,
        children: Option<&str>,
    ) -> Self {
        let mut f = Self::base(name, label, FieldType::Reference);
        f.length = 18;
        f.reference_to = targets.iter().map(|t| (*t).to_owned()).collect();
        f.relationship_name = Some(relationship.to_owned());
        f.child_relationship_name = children.map(str::to_owned);
        f
    }

    /// Not nillable and no default: a create without it fails with REQUIRED_FIELD_MISSING.
    pub fn required(mut self) -> Self {
        self.nillable = false;
        self
    }

    /// Set by the org, never by the API caller.
    pub fn system(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self.defaulted_on_create = true;
        self
    }

    /// Settable on create, fixed afterwards.
    pub fn create_only(mut self) -> Self {
        self.updateable = false;
        self
    }

    pub fn restricted(mut self) -> Self {
        self.restricted_picklist = true;
        self
    }

    pub fn default_to(mut self, value: Value) -> Self {
        if let Value::String(s) = &value {
            for p in &mut self.picklist_values {
                p.default_value = &p.value == s;
            }
        }
        self.default_value = Some(value);
        self.defaulted_on_create = true;
        self
    }

    pub fn external_id(mut self) -> Self {
        self.external_id = true;
        self.unique = true;
        self
    }

    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    pub fn name_field(mut self) -> Self {
        self.name_field = true;
        self
    }

    /// An auto-number field such as CaseNumber: a string the org assigns.
    pub fn auto_number(mut self) -> Self {
        self.auto_number = true;
        self.nillable = false;
        self = self.system();
        self
    }

    /// A formula or compound field: readable, never writable.
    pub fn calculated(mut self) -> Self {
        self.calculated = true;
        self = self.system();
        self
    }

    /// True when a create must name this field.
    pub fn required_on_create(&self) -> bool {
        !self.nillable
            && self.createable
            && !self.defaulted_on_create
            && self.field_type != FieldType::Boolean
    }

    pub fn picklist_allows(&self, value: &str) -> bool {
        self.picklist_values
            .iter()
            .any(|p| p.active && p.value == value)
    }

    /// The describe JSON of this field (a subset of DescribeFieldResult that clients read).
    pub fn describe(&self) -> Value {
        let picklist: Vec<Value> = self
            .picklist_values
            .iter()
            .map(|p| {
                json!({
                    "active": p.active,
                    "defaultValue": p.default_value,
                    "label": p.label,
                    "validFor": null,
                    "value": p.value,
                })
            })
            .collect();
        json!({
            "aggregatable": self.groupable || self.field_type.is_numeric(),
            "autoNumber": self.auto_number,
            "byteLength": self.length * 3,
            "calculated": self.calculated,
            "caseSensitive": false,
            "createable": self.createable,
            "custom": self.custom,
            "defaultValue": self.default_value.clone().unwrap_or(Value::Null),
            "defaultedOnCreate": self.defaulted_on_create,
            "digits": 0,
            "externalId": self.external_id,
            "filterable": self.filterable,
            "groupable": self.groupable,
            "idLookup": self.field_type == FieldType::Id || self.external_id || self.name == "Email",
            "label": self.label,
            "length": self.length,
            "name": self.name,
            "nameField": self.name_field,
            "nillable": self.nillable,
            "picklistValues": picklist,
            "precision": self.precision,
            "referenceTo": self.reference_to,
            "relationshipName": self.relationship_name,
            "restrictedPicklist": self.restricted_picklist,
            "scale": self.scale,
            "soapType": self.field_type.soap_type(),
            "sortable": self.sortable,
            "type": self.field_type.wire_name(),
            "unique": self.unique,
            "updateable": self.updateable,
        })
    }
}

#[derive(Clone, Debug)]
pub struct ChildRelationship {
    pub child_sobject: String,
    pub field: String,
    pub relationship_name: String,
}

#[derive(Clone, Debug)]
pub struct ObjectDef {
    pub name: String,
    pub label: String,
    pub label_plural: String,
    pub key_prefix: String,
    pub custom: bool,
    pub createable: bool,
    pub updateable: bool,
    pub deletable: bool,
    pub queryable: bool,
    pub searchable: bool,
    /// Lives in the Tooling API (`/tooling/sobjects`), not the data API.
    pub tooling: bool,
    pub fields: Vec<FieldDef>,
    pub child_relationships: Vec<ChildRelationship>,
    field_index: HashMap<String, usize>,
    relationship_index: HashMap<String, usize>,
}

impl ObjectDef {
    pub fn new(
        name: &str,
        label: &str,
        label_plural: &str,
        key_prefix: &str,
        fields: Vec<FieldDef>,
    ) -> Self {
        let mut object = ObjectDef {
            name: name.to_owned(),
            label: label.to_owned(),
            label_plural: label_plural.to_owned(),
            key_prefix: key_prefix.to_owned(),
            custom: name.ends_with("__c") || name.ends_with("__kav"),
            createable: true,
            updateable: true,
            deletable: true,
            queryable: true,
            searchable: true,
            tooling: false,
            fields,
            child_relationships: Vec::new(),
            field_index: HashMap::new(),
            relationship_index: HashMap::new(),
        };
        object.reindex();
        object
    }

    pub fn read_only(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self.deletable = false;
        self
    }

    pub fn tooling(mut self) -> Self {
        self.tooling = true;
        self.searchable = false;
        self
    }

    fn reindex(&mut self) {
        self.field_index = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.to_ascii_lowercase(), i))
            .collect();
        self.relationship_index = self
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                f.relationship_name
                    .as_ref()
                    .map(|r| (r.to_ascii_lowercase(), i))
            })
            .collect();
    }

    /// A field by API name, case-insensitively, as SOQL and the REST API resolve names.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.field_index
            .get(&name.to_ascii_lowercase())
            .and_then(|i| self.fields.get(*i))
    }

    /// The lookup field behind a parent relationship name (`Account` → `AccountId`).
    pub fn relationship(&self, name: &str) -> Option<&FieldDef> {
        self.relationship_index
            .get(&name.to_ascii_lowercase())
            .and_then(|i| self.fields.get(*i))
    }

    pub fn child_relationship(&self, name: &str) -> Option<&ChildRelationship> {
        self.child_relationships
            .iter()
            .find(|c| c.relationship_name.eq_ignore_ascii_case(name))
    }

    /// The field whose value names a record of this object (`Name`, `Subject`, `CaseNumber`, …).
    pub fn name_field(&self) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name_field)
    }

    fn urls(&self, base: &str) -> Value {
        json!({
            "sobject": format!("{base}/{}", self.name),
            "describe": format!("{base}/{}/describe", self.name),
            "rowTemplate": format!("{base}/{}/{{ID}}", self.name),
        })
    }

    /// One entry of the describe-global `sobjects` list. `base` is `/services/data/vXX.X/sobjects`.
    pub fn describe_global_entry(&self, base: &str) -> Value {
        json!({
            "activateable": false,
            "createable": self.createable,
            "custom": self.custom,
            "customSetting": false,
            "deepCloneable": false,
            "deletable": self.deletable,
            "deprecatedAndHidden": false,
            "feedEnabled": !self.tooling,
            "hasSubtypes": false,
            "isInterface": false,
            "isSubtype": false,
            "keyPrefix": self.key_prefix,
            "label": self.label,
            "labelPlural": self.label_plural,
            "layoutable": !self.tooling,
            "mergeable": false,
            "mruEnabled": !self.tooling,
            "name": self.name,
            "queryable": self.queryable,
            "replicateable": !self.tooling,
            "retrieveable": true,
            "searchable": self.searchable,
            "triggerable": !self.tooling,
            "undeletable": self.deletable,
            "updateable": self.updateable,
            "urls": self.urls(base),
        })
    }

    /// The full describe of this object (`/sobjects/{name}/describe`).
    pub fn describe(&self, base: &str) -> Value {
        let mut out = self.describe_global_entry(base);
        if let Value::Object(map) = &mut out {
            map.insert(
                "fields".to_owned(),
                Value::Array(self.fields.iter().map(FieldDef::describe).collect()),
            );
            map.insert(
                "childRelationships".to_owned(),
                Value::Array(
                    self.child_relationships
                        .iter()
                        .map(|c| {
                            json!({
                                "cascadeDelete": false,
                                "childSObject": c.child_sobject,
                                "deprecatedAndHidden": false,
                                "field": c.field,
                                "relationshipName": c.relationship_name,
                                "restrictedDelete": false,
                            })
                        })
                        .collect(),
                ),
            );
            map.insert("recordTypeInfos".to_owned(), Value::Array(Vec::new()));
        }
        out
    }
}

/// Every object of the org, with lookups by name (case-insensitive) and by id key prefix.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    objects: Vec<ObjectDef>,
    by_name: HashMap<String, usize>,
    by_prefix: HashMap<String, usize>,
}

impl Schema {
    /// Builds the schema and derives every object's child relationships from the lookups.
    pub fn new(mut objects: Vec<ObjectDef>) -> Self {
        let mut children: Vec<(String, ChildRelationship)> = Vec::new();
        for object in &objects {
            for field in &object.fields {
                if let Some(rel) = &field.child_relationship_name {
                    for parent in &field.reference_to {
                        children.push((
                            parent.clone(),
                            ChildRelationship {
                                child_sobject: object.name.clone(),
                                field: field.name.clone(),
                                relationship_name: rel.clone(),
                            },
                        ));
                    }
                }
            }
        }
        for object in &mut objects {
            object.child_relationships = children
                .iter()
                .filter(|(parent, _)| parent == &object.name)
                .map(|(_, c)| c.clone())
                .collect();
        }
        let by_name = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.name.to_ascii_lowercase(), i))
            .collect();
        let by_prefix = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.key_prefix.clone(), i))
            .collect();
        Schema {
            objects,
            by_name,
            by_prefix,
        }
    }

    pub fn objects(&self) -> impl Iterator<Item = &ObjectDef> {
        self.objects.iter()
    }

    /// An object by API name, case-insensitively.
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.by_name
            .get(&name.to_ascii_lowercase())
            .and_then(|i| self.objects.get(*i))
    }

    /// The object a record id belongs to, from its key prefix.
    pub fn object_for_id(&self, id: &str) -> Option<&ObjectDef> {
        self.by_prefix
            .get(id.get(..3)?)
            .and_then(|i| self.objects.get(*i))
    }
}
