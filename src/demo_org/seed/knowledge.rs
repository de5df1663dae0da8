//! Knowledge articles, written from the support themes so that a search for a case's problem
//! finds the article that solves it.
//!
//! Seeded: one Online article per theme that has article text (published 30–200 days ago, with
//! views); two of them with an Archived first version (republished as version 2), two with a
//! Draft revision in progress; two Archived-only articles (superseded guides); and a Draft-only
//! article for the report export problem, which has no published article yet. Articles point at
//! a case of their theme (SourceId) when cases exist.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::SeedContext;
use super::themes::{ArticleText, ProblemTheme, THEMES};
use crate::demo_org::api::knowledge::versions::{self, find_version};
use crate::demo_org::dml::DmlContext;
use crate::demo_org::store::OrgData;

/// Themes whose article was published twice: version 1 is Archived, version 2 Online.
const REPUBLISHED: &[&str] = &["dashboard-performance", "sso-login"];

/// Themes whose article has a Draft revision in progress, and the revised summary.
const REVISIONS: &[(&str, &str)] = &[
    (
        "mobile-crash",
        "Versions of the app older than 8.2 are not compatible with the latest mobile OS; update to 8.3, which also fixes the sync screen freeze, and clear the offline cache.",
    ),
    (
        "api-limits",
        "Batch record calls with composite, collection or Bulk API requests, watch the limits resource, and spread syncs over the day to stay within the daily API request limit.",
    ),
];

/// Themes whose article is also shown in the partner portal.
const PARTNER_VISIBLE: &[&str] = &["connector-install", "api-limits", "data-import"];

/// Themes whose article is kept out of the public knowledge base.
const NOT_PUBLIC: &[&str] = &["billing-question"];

/// Guides that were published once and archived when they were superseded.
const ARCHIVED_ONLY: &[(ArticleText, i64, i64)] = &[
    (
        ArticleText {
            title: "Installing the legacy sync agent 6.x",
            url_name: "installing-legacy-sync-agent-6",
            summary: "How to install the 6.x sync agent on Windows servers. Superseded by the desktop connector.",
            body: "<h2>Problem</h2><p>The 6.x sync agent needs manual setup on each server.</p><h2>Resolution</h2><ol><li>Install the .NET runtime.</li><li>Run <code>syncagent-setup.exe /quiet</code> as a local administrator.</li><li>Register the agent with the service account.</li></ol>",
        },
        420,
        160,
    ),
    (
        ArticleText {
            title: "Finding saved views in the classic navigation",
            url_name: "saved-views-classic-navigation",
            summary: "Saved views live under the Views menu of the classic navigation. Archived after the navigation redesign.",
            body: "<h2>Question</h2><p>Where are my saved views?</p><h2>Answer</h2><p>Open the Views menu at the top right of any list and pick the view. Pinned views appear first.</p>",
        },
        300,
        45,
    ),
];

/// The article being written for the report export problem (no published article yet).
const DRAFT_ONLY: ArticleText = ArticleText {
    title: "Exporting large reports without timeouts",
    url_name: "exporting-large-reports-without-timeouts",
    summary: "Reports over 100,000 rows time out when exported to Excel; export them as CSV in the background or split them by date range.",
    body: "<h2>Problem</h2><p>Exporting a very large report to Excel times out after 10 minutes.</p><h2>Cause</h2><p>Excel exports are built synchronously and stop at the request time limit.</p><h2>Resolution</h2><ol><li>Use Export &gt; CSV (background) for reports over 100,000 rows.</li><li>Or split the report by a date filter and export each part.</li></ol>",
};

fn days_ago(ctx: &SeedContext, days: i64) -> DateTime<Utc> {
    ctx.now - Duration::days(days)
}

fn author(ctx: &mut SeedContext) -> String {
    let agents = ctx.agent_user_ids.clone();
    ctx.rng
        .pick(&agents)
        .cloned()
        .unwrap_or_else(|| ctx.run_as_user_id.clone())
}

fn as_of(at: DateTime<Utc>, user_id: &str) -> DmlContext {
    DmlContext {
        now: at,
        user_id: user_id.to_owned(),
    }
}

fn article_fields(text: &ArticleText) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Title".into(), json!(text.title));
    fields.insert("UrlName".into(), json!(text.url_name));
    fields.insert("Summary".into(), json!(text.summary));
    fields.insert("Content__c".into(), json!(text.body));
    fields
}

/// A case written from this theme, to be the article's source.
fn source_case(org: &OrgData, ctx: &SeedContext, theme: &ProblemTheme) -> Option<String> {
    ctx.case_ids
        .iter()
        .find(|id| {
            org.get(id)
                .and_then(|c| c.get_str("Subject"))
                .is_some_and(|s| theme.subjects.contains(&s))
        })
        .cloned()
}

fn article_of(org: &OrgData, version_id: &str) -> Option<String> {
    find_version(org, version_id)
        .and_then(|v| v.get_str("KnowledgeArticleId"))
        .map(str::to_owned)
}

/// Seeds one theme's article and returns its Online version id.
fn seed_theme_article(
    org: &mut OrgData,
    ctx: &mut SeedContext,
    theme: &ProblemTheme,
    text: &ArticleText,
) -> Option<String> {
    let published_days = ctx.rng.range(30, 200);
    let republished = REPUBLISHED.contains(&theme.key);
    let first_published_days = if republished {
        published_days + ctx.rng.range(60, 150)
    } else {
        published_days
    };
    let created_days = first_published_days + ctx.rng.range(2, 20);
    let writer = author(ctx);
    let mut fields = article_fields(text);
    fields.insert(
        "IsVisibleInPrm".into(),
        json!(PARTNER_VISIBLE.contains(&theme.key)),
    );
    fields.insert(
        "IsVisibleInPkb".into(),
        json!(!NOT_PUBLIC.contains(&theme.key)),
    );
    if ctx.rng.chance(70)
        && let Some(case_id) = source_case(org, ctx, theme)
    {
        fields.insert("SourceId".into(), json!(case_id));
    }
    let created = as_of(days_ago(ctx, created_days), &writer);
    let first = versions::create_article(org, &fields, &created).ok()?;
    let publisher = author(ctx);
    versions::publish(
        org,
        &first,
        false,
        &as_of(days_ago(ctx, first_published_days), &publisher),
    )
    .ok()?;
    let article_id = article_of(org, &first)?;
    let mut online = first;
    if republished {
        let editor = author(ctx);
        let revision_start = as_of(days_ago(ctx, published_days + 3), &editor);
        let draft = versions::draft_from_online(org, &article_id, &revision_start).ok()?;
        versions::publish(
            org,
            &draft,
            true,
            &as_of(days_ago(ctx, published_days), &editor),
        )
        .ok()?;
        online = draft;
    }
    if let Some((_, summary)) = REVISIONS.iter().find(|(key, _)| *key == theme.key) {
        let editor = author(ctx);
        let minutes = ctx.rng.range(60, 60 * 24 * 10);
        let started = as_of(ctx.minutes_ago(minutes), &editor);
        if let Ok(draft) = versions::draft_from_online(org, &article_id, &started)
            && let Some(record) = org.get_mut(&draft)
        {
            record.fields.insert("Summary".into(), json!(summary));
        }
    }
    let views = u64::try_from(ctx.rng.range(40, 2400)).unwrap_or(40);
    versions::add_views(org, &article_id, views);
    Some(online)
}

fn seed_archived_only(org: &mut OrgData, ctx: &mut SeedContext) {
    for (text, published_days, archived_days) in ARCHIVED_ONLY {
        let writer = author(ctx);
        let created = as_of(days_ago(ctx, published_days + 7), &writer);
        let Ok(version) = versions::create_article(org, &article_fields(text), &created) else {
            continue;
        };
        let published = as_of(days_ago(ctx, *published_days), &writer);
        if versions::publish(org, &version, false, &published).is_err() {
            continue;
        }
        let archived = as_of(days_ago(ctx, *archived_days), &writer);
        if versions::archive(org, &version, &archived).is_err() {
            continue;
        }
        if let Some(article_id) = article_of(org, &version) {
            let views = u64::try_from(ctx.rng.range(200, 900)).unwrap_or(200);
            versions::add_views(org, &article_id, views);
        }
    }
}

fn seed_draft_only(org: &mut OrgData, ctx: &mut SeedContext) {
    let writer = author(ctx);
    let mut fields = article_fields(&DRAFT_ONLY);
    if let Some(theme) = THEMES.iter().find(|t| t.key == "report-export")
        && let Some(case_id) = source_case(org, ctx, theme)
    {
        fields.insert("SourceId".into(), json!(case_id));
    }
    let minutes = ctx.rng.range(60 * 24, 60 * 24 * 4);
    let started = as_of(ctx.minutes_ago(minutes), &writer);
    // A draft the seed cannot store is left out; the rest of the knowledge base stands.
    let _ = versions::create_article(org, &fields, &started);
}

pub fn seed_knowledge(org: &mut OrgData, ctx: &mut SeedContext) {
    if ctx.run_as_user_id.is_empty() {
        return;
    }
    for theme in THEMES {
        if let Some(text) = &theme.article {
            seed_theme_article(org, ctx, theme, text);
        }
    }
    seed_archived_only(org, ctx);
    seed_draft_only(org, ctx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::api::knowledge::versions::{Status, VERSION_OBJECT, versions_of};
    use crate::demo_org::objects::demo_schema;
    use crate::demo_org::store::{Record, parse_datetime};
    use std::sync::Arc;

    fn seeded() -> OrgData {
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let now = parse_datetime("2026-04-01T12:00:00Z").expect("now");
        let mut ctx = SeedContext::new(now, 42);
        let user = org.new_id("User").expect("id");
        let mut fields = Map::new();
        fields.insert("Id".into(), json!(user));
        fields.insert("Name".into(), json!("Integration User"));
        org.put(Record {
            id: user.clone(),
            sobject: "User".into(),
            fields,
            deleted: false,
        });
        ctx.run_as_user_id = user;
        seed_knowledge(&mut org, &mut ctx);
        org
    }

    fn count(org: &OrgData, status: Status) -> usize {
        org.records(VERSION_OBJECT)
            .filter(|v| Status::of(v) == Some(status))
            .count()
    }

    #[test]
    fn every_theme_with_article_text_is_online() {
        let org = seeded();
        for theme in THEMES {
            let Some(text) = &theme.article else { continue };
            let online = org.records(VERSION_OBJECT).find(|v| {
                v.get_str("UrlName") == Some(text.url_name) && Status::of(v) == Some(Status::Online)
            });
            let online = online.unwrap_or_else(|| panic!("{} is not online", theme.key));
            assert_eq!(online.get_str("Title"), Some(text.title));
            let article = online.get_str("KnowledgeArticleId").expect("master");
            assert!(org.get(article).is_some_and(|a| {
                a.get("TotalViewCount").as_u64().unwrap_or(0) >= 40
                    && !a.get("LastPublishedDate").is_null()
            }));
        }
        let themed = THEMES.iter().filter(|t| t.article.is_some()).count();
        assert_eq!(count(&org, Status::Online), themed);
    }

    #[test]
    fn history_drafts_and_archives_are_seeded() {
        let org = seeded();
        // Two republished articles keep an archived version 1; two archived-only guides.
        assert_eq!(
            count(&org, Status::Archived),
            REPUBLISHED.len() + ARCHIVED_ONLY.len()
        );
        // Two revisions in progress and the draft-only article.
        assert_eq!(count(&org, Status::Draft), REVISIONS.len() + 1);
        let draft_only = org
            .records(VERSION_OBJECT)
            .find(|v| v.get_str("UrlName") == Some(DRAFT_ONLY.url_name))
            .expect("draft-only article");
        let article = draft_only.get_str("KnowledgeArticleId").expect("master");
        assert_eq!(versions_of(&org, article).len(), 1);
        let republished = org
            .records(VERSION_OBJECT)
            .filter(|v| Status::of(v) == Some(Status::Online))
            .filter(|v| versions::version_number(v) == 2)
            .count();
        assert_eq!(republished, REPUBLISHED.len());
    }

    #[test]
    fn seeding_is_deterministic() {
        let fields = |org: &OrgData| {
            org.records(VERSION_OBJECT)
                .map(|v| v.fields.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(&seeded()), fields(&seeded()));
    }
}
