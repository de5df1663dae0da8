//! Users as Connect shows them: the User Summary embedded in feed items, comments, likes and group
//! members, and the User Detail of `/chatter/users/{id}`.

use serde_json::{Value, json};

use super::view::View;
use crate::demo_org::store::{OrgData, Record};

/// The display name of a user: `Name`, else first and last name, else the username.
pub fn display_name(user: &Record) -> String {
    if let Some(name) = user.get_str("Name").filter(|n| !n.is_empty()) {
        return name.to_owned();
    }
    let first = user.get_str("FirstName").unwrap_or("");
    let last = user.get_str("LastName").unwrap_or("");
    let joined = format!("{first} {last}").trim().to_owned();
    if !joined.is_empty() {
        return joined;
    }
    user.get_str("Username").unwrap_or(&user.id).to_owned()
}

/// The live User with this id.
pub fn find_user<'a>(org: &'a OrgData, id: &str) -> Option<&'a Record> {
    org.get(id).filter(|r| r.sobject == "User")
}

/// Active users: the ones Connect lists and lets others mention.
pub fn is_active(user: &Record) -> bool {
    user.get("IsActive").as_bool().unwrap_or(true)
}

fn photo(view: &View, id: &str) -> Value {
    json!({
        "fullEmailPhotoUrl": format!("/ncsphoto/{id}"),
        "largePhotoUrl": "/profilephoto/005/F",
        "mediumPhotoUrl": "/profilephoto/005/M",
        "photoVersionId": null,
        "smallPhotoUrl": "/profilephoto/005/T",
        "standardEmailPhotoUrl": format!("/ncsphoto/{id}"),
        "url": view.chatter_url(&format!("/users/{id}/photo")),
    })
}

fn user_type(user: &Record) -> &'static str {
    match user.get_str("UserType") {
        Some("PowerPartner") => "Partner",
        Some("CspLitePortal") => "Customer",
        _ => "Internal",
    }
}

/// The User Summary of a user id. A user the org does not know (a dangling reference) still gets
/// a summary with its id, so a feed never fails to render.
pub fn user_summary(view: &View, id: &str) -> Value {
    let Some(user) = find_user(view.org, id) else {
        return json!({
            "displayName": null,
            "id": id,
            "name": null,
            "type": "User",
            "url": view.chatter_url(&format!("/users/{id}")),
        });
    };
    let name = display_name(user);
    json!({
        "additionalLabel": null,
        "communityNickname": user.get("Alias"),
        "companyName": user.get("CompanyName"),
        "displayName": name,
        "firstName": user.get("FirstName"),
        "id": user.id,
        "isActive": is_active(user),
        "isInThisCommunity": true,
        "lastName": user.get("LastName"),
        "motif": {
            "color": "1B96FF",
            "largeIconUrl": "/img/icon/profile64.png",
            "mediumIconUrl": "/img/icon/profile32.png",
            "smallIconUrl": "/img/icon/profile16.png",
            "svgIconUrl": null,
        },
        "mySubscription": null,
        "name": name,
        "outOfOffice": {"message": ""},
        "photo": photo(view, &user.id),
        "reputation": null,
        "title": user.get("Title"),
        "type": "User",
        "url": view.chatter_url(&format!("/users/{}", user.id)),
        "userType": user_type(user),
    })
}

/// Counts of one user's Chatter activity, from the FeedItem, FeedComment and FeedLike records.
struct Activity {
    posts: usize,
    comments: usize,
    comments_received: usize,
    likes_received: usize,
}

fn activity(org: &OrgData, user_id: &str) -> Activity {
    let own_posts: Vec<&str> = org
        .records("FeedItem")
        .filter(|p| p.get_str("CreatedById") == Some(user_id))
        .map(|p| p.id.as_str())
        .collect();
    let on_own_post = |record: &Record| {
        record
            .get_str("FeedItemId")
            .is_some_and(|id| own_posts.contains(&id))
    };
    let mut comments = 0;
    let mut comments_received = 0;
    for comment in org.records("FeedComment") {
        let by_user = comment.get_str("CreatedById") == Some(user_id);
        if by_user {
            comments += 1;
        } else if on_own_post(comment) {
            comments_received += 1;
        }
    }
    let likes_received = org
        .records("FeedLike")
        .filter(|l| l.get_str("CreatedById") != Some(user_id) && on_own_post(l))
        .count();
    Activity {
        posts: own_posts.len(),
        comments,
        comments_received,
        likes_received,
    }
}

/// The ids of the groups a user belongs to.
pub fn group_ids_of(org: &OrgData, user_id: &str) -> Vec<String> {
    org.records("CollaborationGroupMember")
        .filter(|m| m.get_str("MemberId") == Some(user_id))
        .filter_map(|m| m.get_str("CollaborationGroupId"))
        .filter(|g| org.get(g).is_some())
        .map(str::to_owned)
        .collect()
}

/// The User Detail of `/chatter/users/{id}`: the summary plus contact fields, Chatter activity
/// and influence (rank by activity among active users).
pub fn user_detail(view: &View, user: &Record) -> Value {
    let mut detail = user_summary(view, &user.id);
    let mine = activity(view.org, &user.id);
    let score = |a: &Activity| a.posts + a.comments + a.comments_received + a.likes_received;
    let my_score = score(&mine);
    let active: Vec<&Record> = view.org.records("User").filter(|u| is_active(u)).collect();
    let ahead = active
        .iter()
        .filter(|u| u.id != user.id && score(&activity(view.org, &u.id)) > my_score)
        .count();
    let population = active.len().max(1);
    let percentile = 1.0 - (ahead as f64) / (population as f64);
    if let Value::Object(map) = &mut detail {
        let extra = json!({
            "aboutMe": null,
            "address": null,
            "chatterActivity": {
                "commentCount": mine.comments,
                "commentReceivedCount": mine.comments_received,
                "likeReceivedCount": mine.likes_received,
                "postCount": mine.posts,
            },
            "chatterInfluence": {
                "percentile": format!("{percentile:.2}"),
                "rank": ahead + 1,
            },
            "department": user.get("Department"),
            "email": user.get("Email"),
            "followersCount": 0,
            "followingCounts": {"people": 0, "records": 0, "total": 0},
            "groupCount": group_ids_of(view.org, &user.id).len(),
            "hasChatter": true,
            "isChatterGuest": false,
            "managerId": null,
            "managerName": null,
            "phoneNumbers": [],
            "thanksReceived": 0,
            "username": user.get("Username"),
        });
        if let Value::Object(extra) = extra {
            map.extend(extra);
        }
    }
    detail
}
