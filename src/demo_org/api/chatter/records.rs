//! The records feeds hang off: which objects have a feed, what a record is called, and the
//! summary Connect shows for a feed item's parent (a user, a group or any other record).

use serde_json::{Value, json};

use super::groups::group_summary;
use super::people::user_summary;
use super::request::{invalid_input, resolve_id};
use super::view::View;
use crate::demo_org::api::error::ApiError;
use crate::demo_org::store::{OrgData, Record};

/// True when records of `sobject` have a Chatter feed (the targets of FeedItem.ParentId).
pub fn feed_enabled(org: &OrgData, sobject: &str) -> bool {
    org.schema
        .object("FeedItem")
        .and_then(|o| o.field("ParentId"))
        .is_some_and(|f| f.reference_to.iter().any(|t| t == sobject))
}

/// The name a record goes by: its name field (Name, CaseNumber, Title…), else its id.
pub fn record_name(org: &OrgData, record: &Record) -> String {
    if record.sobject == "User" {
        return super::people::display_name(record);
    }
    org.schema
        .object(&record.sobject)
        .and_then(|o| o.name_field())
        .and_then(|f| record.get_str(&f.name))
        .unwrap_or(&record.id)
        .to_owned()
}

/// The summary of a feed item's parent: a User Summary, a group summary or a Record Summary.
pub fn parent_summary(view: &View, id: &str) -> Value {
    let Some(record) = view.org.get(id) else {
        return json!({"id": id, "name": null, "type": null, "url": null});
    };
    match record.sobject.as_str() {
        "User" => user_summary(view, &record.id),
        "CollaborationGroup" => group_summary(view, record),
        _ => json!({
            "id": record.id,
            "motif": {
                "color": null,
                "largeIconUrl": null,
                "mediumIconUrl": null,
                "smallIconUrl": null,
                "svgIconUrl": null,
            },
            "mySubscription": null,
            "name": record_name(view.org, record),
            "type": record.sobject,
            "url": view.chatter_url(&format!("/records/{}", record.id)),
        }),
    }
}

/// The live record a post may be made on: a user (`me` included), a group or a feed-enabled
/// record. Unknown ids are 404; records of objects without a feed are 400.
pub fn resolve_subject<'a>(
    org: &'a OrgData,
    me: &str,
    value: &str,
) -> Result<&'a Record, ApiError> {
    let id = resolve_id(value, me)?;
    let record = org.get(&id).ok_or_else(ApiError::not_found)?;
    if !feed_enabled(org, &record.sobject) {
        return Err(invalid_input(format!(
            "Feeds are not enabled for {} records: {value}",
            record.sobject
        )));
    }
    Ok(record)
}
