//! Users, accounts, contacts, opportunities, cases with their comments, emails and feed items,
//! Copilot interactions and search synonym groups.
// CONTRACT PLACEHOLDER: creates only the Run As user.

use serde_json::{Map, Value, json};

use super::SeedContext;
use crate::demo_org::store::{OrgData, Record, format_datetime};

pub fn seed_core(org: &mut OrgData, ctx: &mut SeedContext) {
    let Some(id) = org.new_id("User") else { return };
    let stamp = json!(format_datetime(ctx.minutes_ago(60 * 24 * 365)));
    let mut fields = Map::new();
    fields.insert("Id".into(), Value::String(id.clone()));
    fields.insert("Username".into(), json!("integration@demo-org.example"));
    fields.insert("FirstName".into(), json!("Integration"));
    fields.insert("LastName".into(), json!("User"));
    fields.insert("Name".into(), json!("Integration User"));
    fields.insert("CreatedDate".into(), stamp);
    org.put(Record {
        id: id.clone(),
        sobject: "User".into(),
        fields,
        deleted: false,
    });
    ctx.run_as_user_id = id;
}
