//! Chatter groups and their members: `/chatter/groups`, `/chatter/groups/{id}`,
//! `/chatter/groups/{id}/members` and `/chatter/group-memberships/{id}`. Groups are
//! CollaborationGroup records and memberships CollaborationGroupMember records; MemberCount is
//! kept equal to the number of memberships.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::people::{display_name, find_user, user_summary};
use super::request::{NumberedPage, Params, forbidden, invalid_input, json_body, resolve_id};
use super::view::{View, connect_datetime, field_time};
use crate::demo_org::api::error::{ApiError, json_response, no_content};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::dml;
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record};

/// A user's place in a group, as Connect names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupRole {
    Owner,
    Manager,
    Member,
    NotAMember,
}

impl GroupRole {
    pub fn wire(self) -> &'static str {
        match self {
            GroupRole::Owner => "GroupOwner",
            GroupRole::Manager => "GroupManager",
            GroupRole::Member => "StandardMember",
            GroupRole::NotAMember => "NotAMember",
        }
    }

    /// Owners and managers may add and remove other members.
    pub fn manages(self) -> bool {
        matches!(self, GroupRole::Owner | GroupRole::Manager)
    }
}

/// The live group with this id.
pub fn find_group<'a>(org: &'a OrgData, id: &str) -> Option<&'a Record> {
    org.get(id).filter(|r| r.sobject == "CollaborationGroup")
}

/// The membership of `user_id` in `group_id`, if any.
pub fn membership<'a>(org: &'a OrgData, group_id: &str, user_id: &str) -> Option<&'a Record> {
    org.records("CollaborationGroupMember").find(|m| {
        m.get_str("CollaborationGroupId") == Some(group_id)
            && m.get_str("MemberId") == Some(user_id)
    })
}

fn members_of<'a>(org: &'a OrgData, group_id: &str) -> Vec<&'a Record> {
    org.records("CollaborationGroupMember")
        .filter(|m| m.get_str("CollaborationGroupId") == Some(group_id))
        .collect()
}

fn role_of_membership(group: &Record, member: &Record) -> GroupRole {
    if member.get_str("MemberId") == group.get_str("OwnerId") {
        GroupRole::Owner
    } else if member.get_str("CollaborationRole") == Some("Admin") {
        GroupRole::Manager
    } else {
        GroupRole::Member
    }
}

pub fn role_of(org: &OrgData, group: &Record, user_id: &str) -> GroupRole {
    match membership(org, &group.id, user_id) {
        Some(m) => role_of_membership(group, m),
        None if group.get_str("OwnerId") == Some(user_id) => GroupRole::Owner,
        None => GroupRole::NotAMember,
    }
}

/// `PublicAccess`, `PrivateAccess` or `Unlisted`, from CollaborationType.
pub fn visibility(group: &Record) -> &'static str {
    match group.get_str("CollaborationType") {
        Some("Private") => "PrivateAccess",
        Some("Unlisted") => "Unlisted",
        _ => "PublicAccess",
    }
}

/// Public groups' feeds are open to everyone; private and unlisted ones to their members.
pub fn can_read(org: &OrgData, group: &Record, user_id: &str) -> bool {
    visibility(group) == "PublicAccess" || role_of(org, group, user_id) != GroupRole::NotAMember
}

/// Unlisted groups are invisible to non-members; private ones are listed but closed.
fn is_listed_for(org: &OrgData, group: &Record, user_id: &str) -> bool {
    visibility(group) != "Unlisted" || role_of(org, group, user_id) != GroupRole::NotAMember
}

fn membership_url(view: &View, id: &str) -> String {
    view.chatter_url(&format!("/group-memberships/{id}"))
}

/// The Connect representation of a group (used both as the Group Detail and as a feed parent).
pub fn group_summary(view: &View, group: &Record) -> Value {
    let my_role = role_of(view.org, group, view.me);
    let my_subscription = membership(view.org, &group.id, view.me)
        .map(|m| json!({"id": m.id, "url": membership_url(view, &m.id)}))
        .unwrap_or(Value::Null);
    let last_post = view
        .org
        .records("FeedItem")
        .filter(|p| p.get_str("ParentId") == Some(group.id.as_str()))
        .filter_map(|p| field_time(p, "CreatedDate"))
        .max()
        .map(|at| Value::String(connect_datetime(at)))
        .unwrap_or(Value::Null);
    let owner = group
        .get_str("OwnerId")
        .map(|id| user_summary(view, id))
        .unwrap_or(Value::Null);
    let member_count = group
        .get("MemberCount")
        .as_u64()
        .unwrap_or_else(|| members_of(view.org, &group.id).len() as u64);
    json!({
        "additionalLabel": null,
        "announcement": null,
        "canHaveChatterGuests": false,
        "community": null,
        "description": group.get("Description"),
        "emailToChatterAddress": null,
        "fileCount": 0,
        "id": group.id,
        "information": {"text": null, "title": null},
        "isArchived": group.get("IsArchived").as_bool().unwrap_or(false),
        "isAutoArchiveDisabled": false,
        "isBroadcast": false,
        "lastFeedElementPostDate": last_post,
        "memberCount": member_count,
        "motif": {
            "color": "1B96FF",
            "largeIconUrl": "/img/icon/groups64.png",
            "mediumIconUrl": "/img/icon/groups32.png",
            "smallIconUrl": "/img/icon/groups16.png",
            "svgIconUrl": null,
        },
        "myRole": my_role.wire(),
        "mySubscription": my_subscription,
        "name": group.get("Name"),
        "owner": owner,
        "photo": {
            "fullEmailPhotoUrl": null,
            "largePhotoUrl": "/profilephoto/0F9/F",
            "mediumPhotoUrl": "/profilephoto/0F9/M",
            "photoVersionId": null,
            "smallPhotoUrl": "/profilephoto/0F9/T",
            "standardEmailPhotoUrl": null,
            "url": view.chatter_url(&format!("/groups/{}/photo", group.id)),
        },
        "type": "CollaborationGroup",
        "url": view.chatter_url(&format!("/groups/{}", group.id)),
        "visibility": visibility(group),
    })
}

fn member_json(view: &View, group: &Record, member: &Record) -> Value {
    json!({
        "id": member.id,
        "role": role_of_membership(group, member).wire(),
        "url": membership_url(view, &member.id),
        "user": user_summary(view, member.get_str("MemberId").unwrap_or("")),
    })
}

/// Sets the group's MemberCount to its number of memberships.
pub fn sync_member_count(org: &mut OrgData, group_id: &str) {
    let count = members_of(org, group_id).len();
    if let Some(group) = org.get_mut(group_id) {
        group.fields.insert("MemberCount".into(), json!(count));
    }
}

/// `GET /chatter/groups?q=&archiveStatus=&page=&pageSize=`: the groups the user can see, by name.
pub async fn list_groups(
    State(state): State<AppState>,
    version: ApiVersion,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let size = params.page_size(25, 250)?;
    let page = params.page_number()?;
    let archive_status = params.get("archiveStatus").unwrap_or("All");
    let wanted_archived = match archive_status {
        "All" => None,
        "Archived" => Some(true),
        "NotArchived" => Some(false),
        other => {
            return Err(invalid_input(format!(
                "Invalid value for archiveStatus: {other}. Specify All, Archived or NotArchived."
            )));
        }
    };
    let query = params.get("q").map(str::to_lowercase);
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let mut groups: Vec<&Record> = org
        .records("CollaborationGroup")
        .filter(|g| is_listed_for(&org, g, view.me))
        .filter(|g| {
            wanted_archived.is_none_or(|a| g.get("IsArchived").as_bool().unwrap_or(false) == a)
        })
        .filter(|g| {
            query.as_ref().is_none_or(|q| {
                g.get_str("Name")
                    .is_some_and(|n| n.to_lowercase().contains(q.as_str()))
            })
        })
        .collect();
    groups.sort_by_key(|g| g.get_str("Name").unwrap_or("").to_lowercase());
    let mut fixed = Vec::new();
    if let Some(q) = params.get("q") {
        fixed.push(("q", q.to_owned()));
    }
    if params.get("archiveStatus").is_some() {
        fixed.push(("archiveStatus", archive_status.to_owned()));
    }
    let listed = NumberedPage::of(&groups, page, size, &view.chatter_url("/groups"), &fixed);
    let body = json!({
        "currentPageUrl": listed.current_url,
        "groups": listed.items.iter().map(|g| group_summary(&view, g)).collect::<Vec<_>>(),
        "nextPageUrl": listed.next_url,
        "previousPageUrl": listed.previous_url,
    });
    Ok(json_response(StatusCode::OK, &body))
}

fn visible_group<'a>(org: &'a OrgData, id: &str, me: &str) -> Result<&'a Record, ApiError> {
    let id = resolve_id(id, me)?;
    find_group(org, &id)
        .filter(|g| is_listed_for(org, g, me))
        .ok_or_else(ApiError::not_found)
}

/// `GET /chatter/groups/{groupId}`.
pub async fn get_group(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, group_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let group = visible_group(&org, &group_id, view.me)?;
    Ok(json_response(StatusCode::OK, &group_summary(&view, group)))
}

/// `GET /chatter/groups/{groupId}/members`: members by name, with the current user's membership.
pub async fn list_members(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, group_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let size = params.page_size(25, 1000)?;
    let page = params.page_number()?;
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let group = visible_group(&org, &group_id, view.me)?;
    let mut members = members_of(&org, &group.id);
    members.sort_by_key(|m| {
        m.get_str("MemberId")
            .and_then(|id| find_user(&org, id))
            .map(display_name)
            .unwrap_or_default()
            .to_lowercase()
    });
    let listed = NumberedPage::of(
        &members,
        page,
        size,
        &view.chatter_url(&format!("/groups/{}/members", group.id)),
        &[],
    );
    let my_membership = membership(&org, &group.id, view.me)
        .map(|m| json!({"id": m.id, "url": membership_url(&view, &m.id)}))
        .unwrap_or(Value::Null);
    let body = json!({
        "currentPageUrl": listed.current_url,
        "members": listed.items.iter().map(|m| member_json(&view, group, m)).collect::<Vec<_>>(),
        "myMembership": my_membership,
        "nextPageUrl": listed.next_url,
        "previousPageUrl": listed.previous_url,
        "totalMemberCount": members.len(),
    });
    Ok(json_response(StatusCode::OK, &body))
}

/// Who may add `user_id` with `role` to `group`: anyone may join a public group as a standard
/// member; adding someone else, making a manager, or joining a private group takes a manager.
fn check_may_add(
    org: &OrgData,
    group: &Record,
    me: &str,
    user_id: &str,
    role: &str,
) -> Result<(), ApiError> {
    let my_role = role_of(org, group, me);
    if my_role.manages() {
        return Ok(());
    }
    if visibility(group) != "PublicAccess" {
        return Err(forbidden(
            "Only group owners and managers can add members to a private group. Ask to join with /members/requests instead.",
        ));
    }
    if user_id != me {
        return Err(forbidden(
            "Only group owners and managers can add other people to a group.",
        ));
    }
    if role == "GroupManager" {
        return Err(forbidden(
            "Only group owners and managers can make someone a group manager.",
        ));
    }
    Ok(())
}

/// `POST /chatter/groups/{groupId}/members` with `{"userId","role"}` or `?userId=&role=`; the
/// current user joins when no user is named.
pub async fn add_member(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, group_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let input = json_body(&body)?;
    let from_body = |name: &str| {
        input
            .as_ref()
            .and_then(|i| i.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let me = state.current_user_id.clone();
    let user_value = from_body("userId")
        .or_else(|| params.get("userId").map(str::to_owned))
        .unwrap_or_else(|| me.clone());
    let role = from_body("role")
        .or_else(|| params.get("role").map(str::to_owned))
        .unwrap_or_else(|| "StandardMember".to_owned());
    let collaboration_role = match role.as_str() {
        "StandardMember" => "Standard",
        "GroupManager" => "Admin",
        other => {
            return Err(invalid_input(format!(
                "Invalid value for role: {other}. Specify StandardMember or GroupManager."
            )));
        }
    };
    let ctx = state.dml_context();
    let mut org = state.write();
    let group = visible_group(&org, &group_id, &me)?.clone();
    let user_id = resolve_id(&user_value, &me)?;
    if find_user(&org, &user_id).is_none() {
        return Err(ApiError::not_found());
    }
    if group.get("IsArchived").as_bool().unwrap_or(false) {
        return Err(invalid_input(
            "This group is archived. Unarchive it before adding members.",
        ));
    }
    check_may_add(&org, &group, &me, &user_id, &role)?;
    if membership(&org, &group.id, &user_id).is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "DUPLICATE_VALUE",
            "This user is already a member of the group.",
        ));
    }
    let mut fields = Map::new();
    fields.insert("CollaborationGroupId".into(), json!(group.id));
    fields.insert("MemberId".into(), json!(user_id));
    fields.insert("CollaborationRole".into(), json!(collaboration_role));
    let id = dml::insert(&mut org, "CollaborationGroupMember", &fields, &ctx)?;
    sync_member_count(&mut org, &group.id);
    let view = View::new(&org, &me, &version, state.now());
    let member = org.get(&id).ok_or_else(ApiError::not_found)?;
    let group = find_group(&org, &group.id).ok_or_else(ApiError::not_found)?;
    Ok(json_response(
        StatusCode::CREATED,
        &member_json(&view, group, member),
    ))
}

fn find_membership<'a>(org: &'a OrgData, id: &str, me: &str) -> Result<&'a Record, ApiError> {
    let id = resolve_id(id, me)?;
    org.get(&id)
        .filter(|r| r.sobject == "CollaborationGroupMember")
        .ok_or_else(ApiError::not_found)
}

/// `GET /chatter/group-memberships/{membershipId}`.
pub async fn get_membership(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, membership_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let member = find_membership(&org, &membership_id, view.me)?;
    let group = member
        .get_str("CollaborationGroupId")
        .and_then(|g| find_group(&org, g))
        .ok_or_else(ApiError::not_found)?;
    Ok(json_response(
        StatusCode::OK,
        &member_json(&view, group, member),
    ))
}

/// `DELETE /chatter/group-memberships/{membershipId}`: leave a group, or (as a manager) remove
/// someone. The owner cannot leave their own group.
pub async fn delete_membership(
    State(state): State<AppState>,
    Path((_, membership_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let me = state.current_user_id.clone();
    let ctx = state.dml_context();
    let mut org = state.write();
    let member = find_membership(&org, &membership_id, &me)?.clone();
    let group = member
        .get_str("CollaborationGroupId")
        .and_then(|g| find_group(&org, g))
        .ok_or_else(ApiError::not_found)?
        .clone();
    if role_of_membership(&group, &member) == GroupRole::Owner {
        return Err(invalid_input(
            "The group owner can't leave the group. Transfer ownership first.",
        ));
    }
    let leaving_self = member.get_str("MemberId") == Some(me.as_str());
    if !leaving_self && !role_of(&org, &group, &me).manages() {
        return Err(forbidden(
            "Only group owners and managers can remove other members.",
        ));
    }
    dml::delete(&mut org, "CollaborationGroupMember", &member.id, &ctx)?;
    sync_member_count(&mut org, &group.id);
    Ok(no_content())
}
