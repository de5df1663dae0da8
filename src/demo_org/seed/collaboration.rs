//! Chatter: groups and memberships, topics from the support themes, and conversations about the
//! same problems the cases and articles are about.
//!
//! Seeded groups: "Support Team" (public; the run-as user is a member), "Escalations" (private;
//! member), "Product Feedback" (public; the run-as user is not a member when there are other
//! users to own it, so joining it is observable), "Knowledge Authors" (public; owned by the
//! run-as user) and the archived "Spring Release War Room". Topics are the theme topics, assigned
//! to the theme's cases, Online articles and posts. Posts go to the groups, to user profiles (one
//! welcomes the run-as user with an @mention, so its to/me feed is not empty) and to some cases,
//! with comments and likes.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, json};

use super::SeedContext;
use super::themes::{ProblemTheme, THEMES, theme_for_subject};
use crate::demo_org::api::chatter::{
    create_comment, create_like, create_post, display_name, sync_member_count,
};
use crate::demo_org::api::knowledge::versions::{Status, VERSION_OBJECT};
use crate::demo_org::dml::{self, DmlContext};
use crate::demo_org::store::OrgData;

/// The people the conversations are between.
struct Cast {
    me: String,
    me_name: String,
    agents: Vec<String>,
}

impl Cast {
    /// Agent `i` (cycling), or the run-as user when there are no agents.
    fn agent(&self, i: usize) -> String {
        if self.agents.is_empty() {
            self.me.clone()
        } else {
            self.agents
                .get(i % self.agents.len())
                .cloned()
                .unwrap_or_else(|| self.me.clone())
        }
    }

    fn everyone(&self) -> Vec<String> {
        let mut all = vec![self.me.clone()];
        all.extend(self.agents.iter().cloned());
        all
    }

    /// Someone other than `author` when there is anyone else.
    fn other_than(&self, ctx: &mut SeedContext, author: &str) -> String {
        let others: Vec<String> = self
            .everyone()
            .into_iter()
            .filter(|p| p != author)
            .collect();
        ctx.rng
            .pick(&others)
            .cloned()
            .unwrap_or_else(|| author.to_owned())
    }
}

fn as_of(at: DateTime<Utc>, user_id: &str) -> DmlContext {
    DmlContext {
        now: at,
        user_id: user_id.to_owned(),
    }
}

/// A post with its replies and likes. Replies come after the post, never after now.
struct Thread<'a> {
    parent: &'a str,
    author: String,
    text: String,
    topic: Option<&'a str>,
    minutes_ago: i64,
    replies: Vec<(String, String)>,
}

fn write_thread(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast, thread: Thread) {
    let posted_at = ctx.minutes_ago(thread.minutes_ago);
    let hashtags: Vec<String> = thread.topic.iter().map(|t| (*t).to_owned()).collect();
    let Ok(item) = create_post(
        org,
        thread.parent,
        &thread.text,
        &hashtags,
        None,
        &as_of(posted_at, &thread.author),
    ) else {
        return;
    };
    let mut at = posted_at;
    for (author, text) in thread.replies {
        let room = (ctx.now - at).num_minutes();
        if room < 2 {
            break;
        }
        at += Duration::minutes(ctx.rng.range(1, room.min(600) - 1));
        // A reply that cannot be stored is skipped; the thread stands without it.
        let _ = create_comment(org, &item, &text, &[], &as_of(at, &author));
    }
    for person in cast.everyone() {
        if person != thread.author && ctx.rng.chance(40) {
            let liked_at = posted_at + Duration::minutes(ctx.rng.range(1, 120));
            let _ = create_like(org, &item, &as_of(liked_at.min(ctx.now), &person));
        }
    }
}

fn recent(ctx: &mut SeedContext) -> i64 {
    ctx.rng.range(90, 60 * 24 * 20)
}

/// One Topic per theme, described by its keywords.
fn seed_topics(org: &mut OrgData, ctx: &SeedContext, cast: &Cast) -> Vec<(&'static str, String)> {
    let created = as_of(ctx.now - Duration::days(240), &cast.me);
    let mut topics = Vec::new();
    for theme in THEMES {
        let mut fields = Map::new();
        fields.insert("Name".into(), json!(theme.topic));
        fields.insert(
            "Description".into(),
            json!(format!(
                "Cases, articles and discussions about {}: {}.",
                theme.topic.to_lowercase(),
                theme.keywords.join(", ")
            )),
        );
        if let Ok(id) = dml::insert(org, "Topic", &fields, &created) {
            if let Some(topic) = org.get_mut(&id) {
                topic.fields.insert("TalkingAbout".into(), json!(0));
            }
            topics.push((theme.key, id));
        }
    }
    topics
}

fn assign_topic(org: &mut OrgData, topic_id: &str, entity_id: &str, ctx: &DmlContext) {
    let mut fields = Map::new();
    fields.insert("TopicId".into(), json!(topic_id));
    fields.insert("EntityId".into(), json!(entity_id));
    // An assignment that cannot be stored leaves the record untagged.
    let _ = dml::insert(org, "TopicAssignment", &fields, ctx);
}

/// Tags each theme's cases and Online articles with the theme's topic.
fn tag_cases_and_articles(
    org: &mut OrgData,
    ctx: &SeedContext,
    cast: &Cast,
    topics: &[(&str, String)],
) {
    let tagged_at = as_of(ctx.now - Duration::days(1), &cast.me);
    let topic_for = |theme: &ProblemTheme| {
        topics
            .iter()
            .find(|(key, _)| *key == theme.key)
            .map(|(_, id)| id.clone())
    };
    let mut assignments = Vec::new();
    for case_id in &ctx.case_ids {
        let theme = org
            .get(case_id)
            .and_then(|c| c.get_str("Subject"))
            .and_then(theme_for_subject);
        if let Some(topic) = theme.and_then(topic_for) {
            assignments.push((topic, case_id.clone()));
        }
    }
    for version in org.records(VERSION_OBJECT) {
        if Status::of(version) != Some(Status::Online) {
            continue;
        }
        let theme = THEMES.iter().find(|t| {
            t.article
                .as_ref()
                .is_some_and(|a| version.get_str("UrlName") == Some(a.url_name))
        });
        if let Some(topic) = theme.and_then(topic_for) {
            assignments.push((topic, version.id.clone()));
        }
    }
    for (topic, entity) in assignments {
        assign_topic(org, &topic, &entity, &tagged_at);
    }
}

/// TalkingAbout: the records tagged with the topic plus a few people discussing it elsewhere.
fn count_talk(org: &mut OrgData, ctx: &mut SeedContext, topics: &[(&str, String)]) {
    for (_, topic_id) in topics {
        let tagged = org
            .records("TopicAssignment")
            .filter(|a| a.get_str("TopicId") == Some(topic_id.as_str()))
            .count();
        let talking = u64::try_from(tagged).unwrap_or(0) + ctx.rng.below(9);
        if let Some(topic) = org.get_mut(topic_id) {
            topic.fields.insert("TalkingAbout".into(), json!(talking));
        }
    }
}

/// How the run-as user belongs to a seeded group.
#[derive(Clone, Copy, PartialEq)]
enum MyPlace {
    Owner,
    Member,
    Outsider,
}

struct GroupSpec {
    name: &'static str,
    description: &'static str,
    access: &'static str,
    archived: bool,
    my_place: MyPlace,
    /// Index of the agent who owns the group (when the run-as user does not).
    owner_agent: usize,
    /// Percent of the agents who are members.
    agent_share: u64,
}

const GROUPS: &[GroupSpec] = &[
    GroupSpec {
        name: "Support Team",
        description: "Everyone working the support queue: heads-ups, handovers and fixes that work.",
        access: "Public",
        archived: false,
        my_place: MyPlace::Member,
        owner_agent: 0,
        agent_share: 100,
    },
    GroupSpec {
        name: "Escalations",
        description: "Cases that need engineering today. Members only.",
        access: "Private",
        archived: false,
        my_place: MyPlace::Member,
        owner_agent: 1,
        agent_share: 50,
    },
    GroupSpec {
        name: "Product Feedback",
        description: "Feature requests and feedback from customers, collected for the product team.",
        access: "Public",
        archived: false,
        my_place: MyPlace::Outsider,
        owner_agent: 2,
        agent_share: 60,
    },
    GroupSpec {
        name: "Knowledge Authors",
        description: "Writing, reviewing and publishing Knowledge articles.",
        access: "Public",
        archived: false,
        my_place: MyPlace::Owner,
        owner_agent: 0,
        agent_share: 40,
    },
    GroupSpec {
        name: "Spring Release War Room",
        description: "Coordination during the spring release. Archived after the release.",
        access: "Public",
        archived: true,
        my_place: MyPlace::Member,
        owner_agent: 1,
        agent_share: 70,
    },
];

fn add_member(org: &mut OrgData, group: &str, user: &str, role: &str, ctx: &DmlContext) {
    let mut fields = Map::new();
    fields.insert("CollaborationGroupId".into(), json!(group));
    fields.insert("MemberId".into(), json!(user));
    fields.insert("CollaborationRole".into(), json!(role));
    // A membership that cannot be stored leaves the user out of the group.
    let _ = dml::insert(org, "CollaborationGroupMember", &fields, ctx);
}

/// Creates the groups and their memberships; answers their ids by name.
fn seed_groups(
    org: &mut OrgData,
    ctx: &mut SeedContext,
    cast: &Cast,
) -> Vec<(&'static str, String)> {
    let mut ids = Vec::new();
    for spec in GROUPS {
        let owner = if spec.my_place == MyPlace::Owner {
            cast.me.clone()
        } else {
            cast.agent(spec.owner_agent)
        };
        let created = as_of(ctx.now - Duration::days(ctx.rng.range(200, 400)), &owner);
        let mut fields = Map::new();
        fields.insert("Name".into(), json!(spec.name));
        fields.insert("Description".into(), json!(spec.description));
        fields.insert("CollaborationType".into(), json!(spec.access));
        fields.insert("IsArchived".into(), json!(spec.archived));
        fields.insert("OwnerId".into(), json!(owner));
        let Ok(group) = dml::insert(org, "CollaborationGroup", &fields, &created) else {
            continue;
        };
        add_member(org, &group, &owner, "Admin", &created);
        if spec.my_place == MyPlace::Member && owner != cast.me {
            add_member(org, &group, &cast.me, "Standard", &created);
        }
        for agent in &cast.agents {
            if *agent != owner && ctx.rng.chance(spec.agent_share) {
                add_member(org, &group, agent, "Standard", &created);
            }
        }
        sync_member_count(org, &group);
        ids.push((spec.name, group));
    }
    ids
}

fn group<'a>(groups: &'a [(&str, String)], name: &str) -> Option<&'a str> {
    groups
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, id)| id.as_str())
}

fn cases_of(org: &OrgData, ctx: &SeedContext, theme: &ProblemTheme) -> Vec<String> {
    ctx.case_ids
        .iter()
        .filter(|id| {
            org.get(id)
                .and_then(|c| c.get_str("Subject"))
                .is_some_and(|s| theme.subjects.contains(&s))
        })
        .cloned()
        .collect()
}

const TEAM_REPLIES: &[&str] = &[
    "Linked it on two cases today; both customers confirmed it worked.",
    "Thanks! Adding it to the reply macro.",
    "One customer still sees it after following the steps. I'll escalate if it persists.",
    "Could we add a screenshot of the settings page to the article?",
    "Same pattern in my queue. The article fixed three of four.",
];

fn support_team_posts(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast, team: &str) {
    for (i, theme) in THEMES.iter().enumerate() {
        let Some(article) = &theme.article else {
            continue;
        };
        let cases = cases_of(org, ctx, theme).len();
        let count = if cases > 0 {
            cases
        } else {
            usize::try_from(ctx.rng.range(2, 6)).unwrap_or(2)
        };
        let author = cast.agent(i);
        let mut replies = Vec::new();
        let reply_count = ctx.rng.range(1, 3);
        for _ in 0..reply_count {
            let who = cast.other_than(ctx, &author);
            let text = ctx.rng.pick(TEAM_REPLIES).copied().unwrap_or("Thanks!");
            replies.push((who, text.to_owned()));
        }
        if i < 2 {
            replies.push((
                author.clone(),
                format!(
                    "@{} could you check whether the article needs an update for the latest release?",
                    cast.me_name
                ),
            ));
        }
        let minutes_ago = recent(ctx);
        write_thread(
            org,
            ctx,
            cast,
            Thread {
                parent: team,
                author,
                text: format!(
                    "Heads-up: {count} {} cases in the queue. \"{}\" covers the usual fix, please link it when you reply. #[{}]",
                    theme.topic.to_lowercase(),
                    article.title,
                    theme.topic
                ),
                topic: Some(theme.topic),
                minutes_ago,
                replies,
            },
        );
    }
}

fn escalation_posts(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast, escalations: &str) {
    let urgent: Vec<String> = ctx
        .case_ids
        .iter()
        .filter(|id| {
            org.get(id)
                .and_then(|c| c.get_str("Priority"))
                .is_some_and(|p| p == "Critical" || p == "High")
        })
        .take(3)
        .cloned()
        .collect();
    for (i, case_id) in urgent.iter().enumerate() {
        let Some(case) = org.get(case_id) else {
            continue;
        };
        let number = case.get_str("CaseNumber").unwrap_or(case_id).to_owned();
        let subject = case.get_str("Subject").unwrap_or("").to_owned();
        let author = cast.agent(i + 1);
        let engineer = cast.other_than(ctx, &author);
        let minutes_ago = recent(ctx);
        write_thread(
            org,
            ctx,
            cast,
            Thread {
                parent: escalations,
                author,
                text: format!(
                    "Escalating case {number}: \"{subject}\". The customer is blocked; engineering, please take a look today."
                ),
                topic: None,
                minutes_ago,
                replies: vec![
                    (engineer.clone(), "On it, reproduced in staging.".to_owned()),
                    (
                        engineer,
                        "Fix is in review, ETA tomorrow morning.".to_owned(),
                    ),
                ],
            },
        );
    }
    let on_call = cast.agent(1);
    let backup = cast.other_than(ctx, &on_call);
    let on_call_name = org.get(&on_call).map(display_name).unwrap_or_default();
    let backup_name = org.get(&backup).map(display_name).unwrap_or_default();
    let minutes_ago = recent(ctx);
    write_thread(
        org,
        ctx,
        cast,
        Thread {
            parent: escalations,
            author: on_call,
            text: format!(
                "Escalation rota for next week: {on_call_name} is on call, {backup_name} is backup. Sev 1 cases skip the queue: page the on-call engineer straight away."
            ),
            topic: None,
            minutes_ago,
            replies: Vec::new(),
        },
    );
}

fn feedback_posts(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast, feedback: &str) {
    let picks: &[(&str, usize)] = &[
        ("dark-mode", 0),
        ("dark-mode", 1),
        ("ui-feedback", 0),
        ("report-export", 1),
    ];
    for (i, (key, subject_index)) in picks.iter().enumerate() {
        let Some(theme) = THEMES.iter().find(|t| t.key == *key) else {
            continue;
        };
        let Some(subject) = theme.subjects.get(*subject_index) else {
            continue;
        };
        let asks = cases_of(org, ctx, theme).len().max(1) + i;
        let author = cast.agent(i + 2);
        let fan = cast.other_than(ctx, &author);
        let minutes_ago = recent(ctx);
        write_thread(
            org,
            ctx,
            cast,
            Thread {
                parent: feedback,
                author,
                text: format!(
                    "From the case queue: \"{subject}\". {asks} customers asked for this in the last month. #[{}]",
                    theme.topic
                ),
                topic: Some(theme.topic),
                minutes_ago,
                replies: vec![(
                    fan,
                    "+1, heard the same from two accounts this week.".to_owned(),
                )],
            },
        );
    }
}

fn authors_posts(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast, authors: &str) {
    let reviewer_ask = Thread {
        parent: authors,
        author: cast.agent(3),
        text: format!(
            "@{} the draft \"Exporting large reports without timeouts\" is ready for review. It closes the gap on report export timeouts. #[Report export]",
            cast.me_name
        ),
        topic: Some("Report export"),
        minutes_ago: ctx.rng.range(60, 60 * 24 * 2),
        replies: Vec::new(),
    };
    write_thread(org, ctx, cast, reviewer_ask);
    let reminder = Thread {
        parent: authors,
        author: cast.me.clone(),
        text: "Reminder: every article needs Problem, Cause and Resolution sections before it is published.".to_owned(),
        topic: None,
        minutes_ago: ctx.rng.range(60 * 24 * 3, 60 * 24 * 12),
        replies: vec![(
            cast.agent(0),
            "Noted. I'll fix the two older drafts that only have a Resolution.".to_owned(),
        )],
    };
    write_thread(org, ctx, cast, reminder);
    let mobile = Thread {
        parent: authors,
        author: cast.agent(4),
        text: "The mobile crash article has a draft update for app version 8.3. Please review before Friday. #[Mobile app]".to_owned(),
        topic: Some("Mobile app"),
        minutes_ago: ctx.rng.range(60 * 24, 60 * 24 * 8),
        replies: Vec::new(),
    };
    write_thread(org, ctx, cast, mobile);
}

fn war_room_posts(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast, war_room: &str) {
    let author = cast.agent(1);
    let replier = cast.other_than(ctx, &author);
    let minutes_ago = 60 * 24 * ctx.rng.range(110, 130);
    write_thread(
        org,
        ctx,
        cast,
        Thread {
            parent: war_room,
            author,
            text: "Release went out at 06:00 UTC. Watch for login and sync issues today and post anything odd here.".to_owned(),
            topic: None,
            minutes_ago,
            replies: vec![(
                replier,
                "Two SSO tickets so far, both fixed by re-uploading the IdP certificate.".to_owned(),
            )],
        },
    );
}

fn profile_posts(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast) {
    let welcome = Thread {
        parent: &cast.me,
        author: cast.agent(0),
        text: format!(
            "Welcome to the support org, @{}! The Support Team group is the place for questions.",
            cast.me_name
        ),
        topic: None,
        minutes_ago: ctx.rng.range(60 * 24 * 10, 60 * 24 * 30),
        replies: vec![(cast.me.clone(), "Thanks, glad to be here!".to_owned())],
    };
    write_thread(org, ctx, cast, welcome);
    let status = Thread {
        parent: &cast.me,
        author: cast.me.clone(),
        text: "Working through the knowledge backlog today: reviewing drafts and archiving outdated guides.".to_owned(),
        topic: None,
        minutes_ago: ctx.rng.range(60, 60 * 24),
        replies: Vec::new(),
    };
    write_thread(org, ctx, cast, status);
    let agents = cast.agents.clone();
    for (i, agent) in agents.iter().take(3).enumerate() {
        let theme = THEMES.get(i * 2).map(|t| t.topic).unwrap_or("general");
        let minutes_ago = recent(ctx);
        write_thread(
            org,
            ctx,
            cast,
            Thread {
                parent: agent,
                author: agent.clone(),
                text: format!("Covering the {} queue this week.", theme.to_lowercase()),
                topic: None,
                minutes_ago,
                replies: Vec::new(),
            },
        );
    }
}

fn case_posts(org: &mut OrgData, ctx: &mut SeedContext, cast: &Cast) {
    let cases: Vec<String> = ctx.case_ids.iter().take(8).cloned().collect();
    for (i, case_id) in cases.iter().enumerate() {
        let Some(case) = org.get(case_id) else {
            continue;
        };
        let Some(theme) = case.get_str("Subject").and_then(theme_for_subject) else {
            continue;
        };
        let owner = case
            .get_str("OwnerId")
            .filter(|id| org.get(id).is_some_and(|u| u.sobject == "User"))
            .map(str::to_owned)
            .unwrap_or_else(|| cast.agent(i));
        let (text, reply) = match &theme.article {
            Some(article) => (
                format!(
                    "Sent the customer the steps from \"{}\". Waiting for confirmation before closing.",
                    article.title
                ),
                "Customer confirmed it works now.".to_owned(),
            ),
            None => (
                format!(
                    "No article covers this yet. Notes for whoever writes one: {}",
                    case.get_str("Description")
                        .and_then(|d| d.split(". ").next())
                        .unwrap_or(theme.reason)
                ),
                format!("@{} this one might need a Knowledge article.", cast.me_name),
            ),
        };
        let replier = cast.other_than(ctx, &owner);
        let minutes_ago = recent(ctx);
        write_thread(
            org,
            ctx,
            cast,
            Thread {
                parent: case_id,
                author: owner,
                text,
                topic: Some(theme.topic),
                minutes_ago,
                replies: vec![(replier, reply)],
            },
        );
    }
}

pub fn seed_collaboration(org: &mut OrgData, ctx: &mut SeedContext) {
    let me = ctx.run_as_user_id.clone();
    let Some(me_name) = org.get(&me).map(display_name) else {
        return;
    };
    let agents: Vec<String> = ctx
        .agent_user_ids
        .iter()
        .filter(|id| **id != me && org.get(id).is_some())
        .cloned()
        .collect();
    let cast = Cast {
        me,
        me_name,
        agents,
    };
    let topics = seed_topics(org, ctx, &cast);
    let groups = seed_groups(org, ctx, &cast);
    if let Some(team) = group(&groups, "Support Team") {
        support_team_posts(org, ctx, &cast, team);
    }
    if let Some(escalations) = group(&groups, "Escalations") {
        escalation_posts(org, ctx, &cast, escalations);
    }
    if let Some(feedback) = group(&groups, "Product Feedback") {
        feedback_posts(org, ctx, &cast, feedback);
    }
    if let Some(authors) = group(&groups, "Knowledge Authors") {
        authors_posts(org, ctx, &cast, authors);
    }
    if let Some(war_room) = group(&groups, "Spring Release War Room") {
        war_room_posts(org, ctx, &cast, war_room);
    }
    profile_posts(org, ctx, &cast);
    case_posts(org, ctx, &cast);
    tag_cases_and_articles(org, ctx, &cast, &topics);
    count_talk(org, ctx, &topics);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::objects::demo_schema;
    use crate::demo_org::seed::knowledge::seed_knowledge;
    use crate::demo_org::store::{Record, parse_datetime};
    use serde_json::Value;
    use std::sync::Arc;

    fn put(org: &mut OrgData, sobject: &str, fields: Vec<(&str, Value)>) -> String {
        let id = org.new_id(sobject).expect("id");
        let mut map = Map::new();
        map.insert("Id".into(), json!(id));
        for (k, v) in fields {
            map.insert(k.into(), v);
        }
        org.put(Record {
            id: id.clone(),
            sobject: sobject.into(),
            fields: map,
            deleted: false,
        });
        id
    }

    /// An org with what the core seed provides: a run-as user, agents and themed cases.
    fn core(agent_names: &[&str], with_cases: bool) -> (OrgData, SeedContext) {
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let now = parse_datetime("2026-04-01T12:00:00Z").expect("now");
        let mut ctx = SeedContext::new(now, 7);
        ctx.run_as_user_id = put(&mut org, "User", vec![("Name", json!("Integration User"))]);
        for name in agent_names {
            let id = put(&mut org, "User", vec![("Name", json!(name))]);
            ctx.agent_user_ids.push(id);
        }
        if with_cases {
            for (i, theme) in THEMES.iter().enumerate() {
                for (j, subject) in theme.subjects.iter().enumerate() {
                    let owner = ctx.agent_user_ids.get((i + j) % agent_names.len()).cloned();
                    let id = put(
                        &mut org,
                        "Case",
                        vec![
                            ("Subject", json!(subject)),
                            ("CaseNumber", json!(format!("{:08}", 1000 + i * 10 + j))),
                            ("Priority", json!(if j == 0 { "High" } else { "Medium" })),
                            ("OwnerId", json!(owner)),
                            ("Description", json!(theme.description)),
                        ],
                    );
                    ctx.case_ids.push(id);
                }
            }
        }
        (org, ctx)
    }

    fn seeded(agent_names: &[&str], with_cases: bool) -> (OrgData, String) {
        let (mut org, mut ctx) = core(agent_names, with_cases);
        seed_knowledge(&mut org, &mut ctx);
        seed_collaboration(&mut org, &mut ctx);
        (org, ctx.run_as_user_id)
    }

    fn group_named<'a>(org: &'a OrgData, name: &str) -> &'a Record {
        org.records("CollaborationGroup")
            .find(|g| g.get_str("Name") == Some(name))
            .unwrap_or_else(|| panic!("group {name}"))
    }

    fn is_member(org: &OrgData, group: &str, user: &str) -> bool {
        org.records("CollaborationGroupMember").any(|m| {
            m.get_str("CollaborationGroupId") == Some(group) && m.get_str("MemberId") == Some(user)
        })
    }

    #[test]
    fn groups_and_memberships() {
        let (org, me) = seeded(&["Ann Lee", "Raj Patel", "Mia Chen", "Tom Berg"], true);
        assert_eq!(org.count("CollaborationGroup"), GROUPS.len());
        for g in org.records("CollaborationGroup") {
            let members = org
                .records("CollaborationGroupMember")
                .filter(|m| m.get_str("CollaborationGroupId") == Some(g.id.as_str()))
                .count();
            assert_eq!(g.get("MemberCount"), &json!(members), "{:?}", g.get("Name"));
            let owner = g.get_str("OwnerId").expect("owner");
            assert!(is_member(&org, &g.id, owner));
        }
        let feedback = group_named(&org, "Product Feedback");
        assert_eq!(feedback.get_str("CollaborationType"), Some("Public"));
        assert!(!is_member(&org, &feedback.id, &me));
        assert!(is_member(&org, &group_named(&org, "Support Team").id, &me));
        let escalations = group_named(&org, "Escalations");
        assert_eq!(escalations.get_str("CollaborationType"), Some("Private"));
        assert!(is_member(&org, &escalations.id, &me));
        assert_eq!(
            group_named(&org, "Knowledge Authors").get_str("OwnerId"),
            Some(me.as_str())
        );
    }

    #[test]
    fn conversations_counts_and_mentions() {
        let (org, me) = seeded(&["Ann Lee", "Raj Patel", "Mia Chen", "Tom Berg"], true);
        assert!(org.count("FeedItem") >= 20);
        for item in org.records("FeedItem") {
            let comments = org
                .records("FeedComment")
                .filter(|c| c.get_str("FeedItemId") == Some(item.id.as_str()))
                .count();
            let likes = org
                .records("FeedLike")
                .filter(|l| l.get_str("FeedItemId") == Some(item.id.as_str()))
                .count();
            assert_eq!(item.get("CommentCount"), &json!(comments));
            assert_eq!(item.get("LikeCount"), &json!(likes));
        }
        let mentions_me = org
            .records("FeedItem")
            .filter(|i| i.get_str("CreatedById") != Some(me.as_str()))
            .any(|i| {
                i.get_str("Body")
                    .is_some_and(|b| b.contains("@Integration User"))
            });
        assert!(mentions_me);
        let on_cases = org
            .records("FeedItem")
            .filter(|i| i.get_str("ParentId").is_some_and(|p| p.starts_with("500")))
            .count();
        assert!(on_cases >= 5);
        assert!(
            org.records("FeedLike")
                .any(|l| l.get_str("CreatedById") == Some(me.as_str()))
        );
    }

    #[test]
    fn topics_come_from_themes_and_are_assigned() {
        let (org, _) = seeded(&["Ann Lee", "Raj Patel"], true);
        assert_eq!(org.count("Topic"), THEMES.len());
        for topic in org.records("Topic") {
            let assigned = org
                .records("TopicAssignment")
                .filter(|a| a.get_str("TopicId") == Some(topic.id.as_str()))
                .count();
            assert!(assigned >= 1, "{:?} is not assigned", topic.get("Name"));
            assert!(topic.get("TalkingAbout").as_u64().unwrap_or(0) >= assigned as u64);
        }
        let tagged_article = org.records("TopicAssignment").any(|a| {
            a.get_str("EntityId")
                .and_then(|e| org.get(e))
                .is_some_and(|r| r.sobject == "Knowledge__kav")
        });
        assert!(tagged_article);
    }

    #[test]
    fn copes_with_the_run_as_user_alone() {
        let (org, me) = seeded(&[], false);
        assert_eq!(org.count("CollaborationGroup"), GROUPS.len());
        assert!(org.count("FeedItem") > 5);
        assert!(
            org.records("CollaborationGroup")
                .all(|g| g.get_str("OwnerId") == Some(me.as_str()))
        );
        assert!(org.records("FeedItem").any(|i| {
            i.get_str("Body")
                .is_some_and(|b| b.contains("@Integration User"))
        }));
    }

    #[test]
    fn seeding_is_deterministic() {
        let bodies = |org: &OrgData| {
            org.records("FeedComment")
                .map(|c| (c.id.clone(), c.fields.clone()))
                .collect::<Vec<_>>()
        };
        let (a, _) = seeded(&["Ann Lee", "Raj Patel"], true);
        let (b, _) = seeded(&["Ann Lee", "Raj Patel"], true);
        assert_eq!(bodies(&a), bodies(&b));
    }
}
