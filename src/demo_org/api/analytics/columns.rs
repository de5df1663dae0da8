//! Report types and their columns: what a report over Cases or Copilot interactions can show,
//! filter and group on, and where each column's value comes from in the org's records.

use crate::demo_org::schema::Schema;

/// Data types of report columns, named as the Analytics API names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataType {
    String,
    TextArea,
    Email,
    Picklist,
    Boolean,
    Int,
    Double,
    Date,
    DateTime,
}

impl DataType {
    pub fn wire_name(self) -> &'static str {
        match self {
            DataType::String => "string",
            DataType::TextArea => "textarea",
            DataType::Email => "email",
            DataType::Picklist => "picklist",
            DataType::Boolean => "boolean",
            DataType::Int => "int",
            DataType::Double => "double",
            DataType::Date => "date",
            DataType::DateTime => "datetime",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, DataType::Int | DataType::Double)
    }

    pub fn is_temporal(self) -> bool {
        matches!(self, DataType::Date | DataType::DateTime)
    }

    pub fn is_textual(self) -> bool {
        matches!(
            self,
            DataType::String | DataType::TextArea | DataType::Email | DataType::Picklist
        )
    }

    /// Every data type, for the operator map of the report type describe.
    pub const ALL: [DataType; 9] = [
        DataType::String,
        DataType::TextArea,
        DataType::Email,
        DataType::Picklist,
        DataType::Boolean,
        DataType::Int,
        DataType::Double,
        DataType::Date,
        DataType::DateTime,
    ];
}

/// Where a column's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A field of the report's own record.
    Field(&'static str),
    /// A field of the record that a lookup of the report's record points at.
    Parent {
        lookup: &'static str,
        field: &'static str,
    },
    /// The calendar day (UTC, the org's time zone) of a datetime field.
    DayOf(&'static str),
    /// Days from `opened` until `closed`, or until now while `closed` is empty.
    AgeInDays {
        opened: &'static str,
        closed: &'static str,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub struct Column {
    /// The report column name (`CASE_NUMBER`, `Copilot_Interaction__c.Outcome__c`).
    pub name: &'static str,
    pub label: &'static str,
    pub data_type: DataType,
    /// Decimal places of numeric columns.
    pub scale: u32,
    pub source: Source,
    /// The id field whose value a cell carries instead of the text: report cells of name
    /// columns hold the record's id (`Id` for the case number, `AccountId` for the account name).
    pub link: Option<&'static str>,
    /// The section of the report type the column is listed under.
    pub category: &'static str,
}

impl Column {
    /// The (value, label) pairs of a picklist column in the order the picklist defines them;
    /// `sobject` is the object of the report's rows.
    pub fn picklist_values(&self, sobject: &str, schema: &Schema) -> Option<Vec<(String, String)>> {
        if self.data_type != DataType::Picklist {
            return None;
        }
        let own = schema.object(sobject)?;
        let (object, field) = match self.source {
            Source::Field(field) => (own, field),
            Source::Parent { lookup, field } => {
                let parent = own.field(lookup)?.reference_to.first()?;
                (schema.object(parent)?, field)
            }
            Source::DayOf(_) | Source::AgeInDays { .. } => return None,
        };
        let values = &object.field(field)?.picklist_values;
        Some(
            values
                .iter()
                .filter(|v| v.active)
                .map(|v| (v.value.clone(), v.label.clone()))
                .collect(),
        )
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct ReportType {
    /// `reportType.type` of the report metadata.
    pub type_name: &'static str,
    pub label: &'static str,
    /// The object whose records are the report's rows.
    pub sobject: &'static str,
    /// `scopeInfo` label of the "all records" scope.
    pub scope_label: &'static str,
    pub columns: &'static [Column],
}

impl ReportType {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

const fn column(
    name: &'static str,
    label: &'static str,
    data_type: DataType,
    source: Source,
    category: &'static str,
) -> Column {
    Column {
        name,
        label,
        data_type,
        scale: 0,
        source,
        link: None,
        category,
    }
}

const fn linked(mut c: Column, id_field: &'static str) -> Column {
    c.link = Some(id_field);
    c
}

const fn scaled(mut c: Column, scale: u32) -> Column {
    c.scale = scale;
    c
}

const CASE_INFO: &str = "Case Information";
const ACCOUNT_INFO: &str = "Account Information";
const CONTACT_INFO: &str = "Contact Information";
const INTERACTION_INFO: &str = "Copilot Interaction Information";

/// The standard "Cases" report type.
pub static CASES: ReportType = ReportType {
    type_name: "CaseList",
    label: "Cases",
    sobject: "Case",
    scope_label: "All cases",
    columns: &[
        linked(
            column(
                "CASE_NUMBER",
                "Case Number",
                DataType::String,
                Source::Field("CaseNumber"),
                CASE_INFO,
            ),
            "Id",
        ),
        column(
            "SUBJECT",
            "Subject",
            DataType::String,
            Source::Field("Subject"),
            CASE_INFO,
        ),
        column(
            "STATUS",
            "Status",
            DataType::Picklist,
            Source::Field("Status"),
            CASE_INFO,
        ),
        column(
            "PRIORITY",
            "Priority",
            DataType::Picklist,
            Source::Field("Priority"),
            CASE_INFO,
        ),
        column(
            "ORIGIN",
            "Case Origin",
            DataType::Picklist,
            Source::Field("Origin"),
            CASE_INFO,
        ),
        column(
            "TYPE",
            "Type",
            DataType::Picklist,
            Source::Field("Type"),
            CASE_INFO,
        ),
        column(
            "REASON",
            "Case Reason",
            DataType::Picklist,
            Source::Field("Reason"),
            CASE_INFO,
        ),
        column(
            "CLOSED",
            "Closed",
            DataType::Boolean,
            Source::Field("IsClosed"),
            CASE_INFO,
        ),
        column(
            "ESCALATION_STATE",
            "Escalated",
            DataType::Boolean,
            Source::Field("IsEscalated"),
            CASE_INFO,
        ),
        linked(
            column(
                "OWNER",
                "Case Owner",
                DataType::String,
                Source::Parent {
                    lookup: "OwnerId",
                    field: "Name",
                },
                CASE_INFO,
            ),
            "OwnerId",
        ),
        column(
            "CREATED_DATE",
            "Date/Time Opened",
            DataType::DateTime,
            Source::Field("CreatedDate"),
            CASE_INFO,
        ),
        column(
            "CREATED_DATEONLY",
            "Date Opened",
            DataType::Date,
            Source::DayOf("CreatedDate"),
            CASE_INFO,
        ),
        column(
            "CLOSED_DATE",
            "Date/Time Closed",
            DataType::DateTime,
            Source::Field("ClosedDate"),
            CASE_INFO,
        ),
        scaled(
            column(
                "AGE",
                "Age (Days)",
                DataType::Double,
                Source::AgeInDays {
                    opened: "CreatedDate",
                    closed: "ClosedDate",
                },
                CASE_INFO,
            ),
            1,
        ),
        column(
            "SUPPLIED_EMAIL",
            "Web Email",
            DataType::Email,
            Source::Field("SuppliedEmail"),
            CASE_INFO,
        ),
        linked(
            column(
                "ACCOUNT.NAME",
                "Account Name",
                DataType::String,
                Source::Parent {
                    lookup: "AccountId",
                    field: "Name",
                },
                ACCOUNT_INFO,
            ),
            "AccountId",
        ),
        column(
            "ACCOUNT.INDUSTRY",
            "Industry",
            DataType::Picklist,
            Source::Parent {
                lookup: "AccountId",
                field: "Industry",
            },
            ACCOUNT_INFO,
        ),
        linked(
            column(
                "CONTACT.NAME",
                "Contact Name",
                DataType::String,
                Source::Parent {
                    lookup: "ContactId",
                    field: "Name",
                },
                CONTACT_INFO,
            ),
            "ContactId",
        ),
        column(
            "CONTACT.EMAIL",
            "Contact Email",
            DataType::Email,
            Source::Parent {
                lookup: "ContactId",
                field: "Email",
            },
            CONTACT_INFO,
        ),
    ],
};

/// The custom report type over the connector's `Copilot_Interaction__c` object.
pub static COPILOT_INTERACTIONS: ReportType = ReportType {
    type_name: "CustomEntity$Copilot_Interaction__c",
    label: "Copilot Interactions",
    sobject: "Copilot_Interaction__c",
    scope_label: "All copilot interactions",
    columns: &[
        linked(
            column(
                "CUST_NAME",
                "Interaction Number",
                DataType::String,
                Source::Field("Name"),
                INTERACTION_INFO,
            ),
            "Id",
        ),
        column(
            "Copilot_Interaction__c.Outcome__c",
            "Outcome",
            DataType::Picklist,
            Source::Field("Outcome__c"),
            INTERACTION_INFO,
        ),
        column(
            "Copilot_Interaction__c.Severity__c",
            "Severity",
            DataType::Picklist,
            Source::Field("Severity__c"),
            INTERACTION_INFO,
        ),
        column(
            "Copilot_Interaction__c.Channel__c",
            "Channel",
            DataType::Picklist,
            Source::Field("Channel__c"),
            INTERACTION_INFO,
        ),
        column(
            "Copilot_Interaction__c.Topic__c",
            "Topic",
            DataType::String,
            Source::Field("Topic__c"),
            INTERACTION_INFO,
        ),
        column(
            "Copilot_Interaction__c.KB_Articles_Shown__c",
            "KB Articles Shown",
            DataType::Double,
            Source::Field("KB_Articles_Shown__c"),
            INTERACTION_INFO,
        ),
        linked(
            column(
                "Copilot_Interaction__c.Case__c",
                "Case",
                DataType::String,
                Source::Parent {
                    lookup: "Case__c",
                    field: "CaseNumber",
                },
                INTERACTION_INFO,
            ),
            "Case__c",
        ),
        column(
            "Copilot_Interaction__c.User_Email__c",
            "User Email",
            DataType::Email,
            Source::Field("User_Email__c"),
            INTERACTION_INFO,
        ),
        linked(
            column(
                "CUST_OWNER_NAME",
                "Owner Name",
                DataType::String,
                Source::Parent {
                    lookup: "OwnerId",
                    field: "Name",
                },
                INTERACTION_INFO,
            ),
            "OwnerId",
        ),
        column(
            "CUST_CREATED_DATE",
            "Created Date",
            DataType::DateTime,
            Source::Field("CreatedDate"),
            INTERACTION_INFO,
        ),
    ],
};

pub static REPORT_TYPES: [&ReportType; 2] = [&CASES, &COPILOT_INTERACTIONS];

/// A report type by its `reportType.type` name.
pub fn report_type(type_name: &str) -> Option<&'static ReportType> {
    REPORT_TYPES
        .iter()
        .copied()
        .find(|t| t.type_name == type_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::objects::demo_schema;

    /// Every column reads fields that exist in the schema, so the catalogue cannot drift.
    #[test]
    fn columns_read_fields_of_the_schema() {
        let schema = demo_schema();
        for report_type in REPORT_TYPES {
            let object = schema.object(report_type.sobject).expect("object");
            for column in report_type.columns {
                let own_fields: Vec<&str> = match column.source {
                    Source::Field(f) | Source::DayOf(f) => vec![f],
                    Source::Parent { lookup, .. } => vec![lookup],
                    Source::AgeInDays { opened, closed } => vec![opened, closed],
                };
                for field in own_fields.into_iter().chain(column.link) {
                    assert!(object.field(field).is_some(), "{}: {field}", column.name);
                }
                if let Source::Parent { lookup, field } = column.source {
                    let target = &object.field(lookup).expect("lookup").reference_to;
                    let parent = schema.object(&target[0]).expect("parent");
                    assert!(parent.field(field).is_some(), "{}: {field}", column.name);
                }
            }
        }
    }

    #[test]
    fn report_types_are_found_by_type_name() {
        assert_eq!(report_type("CaseList"), Some(&CASES));
        assert!(report_type("Opportunity").is_none());
        assert!(CASES.column("ACCOUNT.NAME").is_some());
        assert!(CASES.column("account.name").is_none());
    }
}
