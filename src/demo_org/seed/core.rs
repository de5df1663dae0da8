//! Users, accounts, contacts, opportunities, cases with their comments, emails and feed items,
//! Copilot interactions and search synonym groups.
//!
//! Everything is drawn from the seed's generator and dated back from `ctx.now`. Cases come from
//! the support themes, and their first responses are timed against the SLA thresholds the
//! reporting tools use (Critical 1h, High 4h, Medium 24h, Low 48h; the first response is the
//! earlier of the first CaseComment and the first outbound EmailMessage), so the data holds
//! compliant cases, breaches, and unanswered cases both within and past their threshold. A few
//! scripted cases guarantee each of those whatever the seed, as well as the open, unanswered
//! "Zava" cases older than 48 hours the example conversation asks about.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::themes::{PRODUCTS, ProblemTheme, THEMES};
use super::{Rng, SeedContext};
use crate::demo_org::api::auth::DEMO_USERNAME;
use crate::demo_org::dml;
use crate::demo_org::objects::{
    INTERACTION_CHANNELS, INTERACTION_OUTCOMES, INTERACTION_SEVERITIES,
};
use crate::demo_org::store::{OrgData, Record, format_date, format_datetime};

const MINUTE: i64 = 1;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// How far back cases and interactions go.
const HISTORY_DAYS: i64 = 90;
/// Cases drawn at random, besides the scripted ones.
const RANDOM_CASES: usize = 190;
const INTERACTIONS: usize = 300;

/// The support organisation's own mail domain (a reserved name: nothing can be delivered there).
const COMPANY_DOMAIN: &str = "contoso.example";
pub const SUPPORT_ADDRESS: &str = "support@contoso.example";

pub fn seed_core(org: &mut OrgData, ctx: &mut SeedContext) {
    seed_users(org, ctx);
    let accounts = seed_accounts(org, ctx);
    seed_opportunities(org, ctx, &accounts);
    let cases = seed_cases(org, ctx, &accounts);
    seed_interactions(org, ctx, &accounts, &cases);
    seed_synonym_groups(org, ctx);
}

/// Who wrote a record and when.
struct Stamp<'a> {
    created: DateTime<Utc>,
    by: &'a str,
    modified: DateTime<Utc>,
}

impl<'a> Stamp<'a> {
    fn at(when: DateTime<Utc>, by: &'a str) -> Self {
        Stamp {
            created: when,
            by,
            modified: when,
        }
    }
}

/// Stores a record as the org would have written it: id, audit fields, owner, auto numbers,
/// defaults and formula fields, like a create through the API at `stamp.created`.
fn put(org: &mut OrgData, sobject: &str, stamp: &Stamp<'_>, fields: Vec<(&str, Value)>) -> String {
    let schema = Arc::clone(&org.schema);
    let (Some(object), Some(id)) = (schema.object(sobject), org.new_id(sobject)) else {
        return String::new();
    };
    let mut values = Map::new();
    values.insert("Id".into(), json!(id));
    for (name, value) in fields {
        values.insert(name.to_owned(), value);
    }
    let created = json!(format_datetime(stamp.created));
    let modified = json!(format_datetime(stamp.modified));
    let audit = [
        ("CreatedDate", created),
        ("CreatedById", json!(stamp.by)),
        ("LastModifiedDate", modified.clone()),
        ("LastModifiedById", json!(stamp.by)),
        ("SystemModstamp", modified),
        ("IsDeleted", json!(false)),
    ];
    for (name, value) in audit {
        if object.field(name).is_some() {
            values.insert(name.to_owned(), value);
        }
    }
    if object.field("OwnerId").is_some() && !values.contains_key("OwnerId") {
        values.insert("OwnerId".into(), json!(stamp.by));
    }
    for field in object.fields.iter().filter(|f| f.auto_number) {
        let number = dml::next_auto_number(org, &object.name, &field.name);
        values.insert(field.name.clone(), json!(number));
    }
    dml::fill_defaults(object, &mut values);
    dml::derive_fields(org, &object.name, &mut values, None, stamp.modified);
    org.put(Record {
        id: id.clone(),
        sobject: object.name.clone(),
        fields: values,
        deleted: false,
    });
    id
}

/// An instant between `from` and `to` (`from` when the span is empty).
fn between(rng: &mut Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_seconds();
    if span <= 0 {
        return from;
    }
    from + Duration::seconds(rng.range(0, span))
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    rng.pick(items).copied().unwrap_or_default()
}

fn weighted<'a>(rng: &mut Rng, items: &[(&'a str, u64)]) -> &'a str {
    rng.weighted(items).copied().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Users

/// Support agents: first name, last name, title.
const AGENTS: &[(&str, &str, &str)] = &[
    ("Maya", "Patel", "Support Team Lead"),
    ("Jonas", "Berg", "Senior Support Engineer"),
    ("Aiko", "Tanaka", "Support Engineer"),
    ("Liam", "O'Connor", "Support Engineer"),
    ("Sofia", "Rossi", "Senior Support Engineer"),
    ("Omar", "Haddad", "Support Engineer"),
    ("Grace", "Kim", "Support Engineer"),
    ("Diego", "Alvarez", "Escalation Engineer"),
];

/// An address from a name: lower case, letters and dots only.
fn address(first: &str, last: &str, domain: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphabetic)
            .flat_map(|c| c.to_lowercase())
            .collect()
    };
    format!("{}.{}@{domain}", clean(first), clean(last))
}

fn seed_users(org: &mut OrgData, ctx: &mut SeedContext) {
    let joined = ctx.minutes_ago(2 * 365 * DAY);
    // The Run As user created itself: it is the first record of the org.
    let integration = put(
        org,
        "User",
        &Stamp::at(joined, ""),
        vec![
            ("Username", json!(DEMO_USERNAME)),
            ("FirstName", json!("Integration")),
            ("LastName", json!("User")),
            ("Alias", json!("integ")),
            ("Email", json!(DEMO_USERNAME)),
            ("Title", json!("Integration User")),
            ("Department", json!("IT")),
            ("CompanyName", json!("Contoso")),
            ("UserType", json!("Standard")),
        ],
    );
    for name in ["CreatedById", "LastModifiedById"] {
        if let Some(user) = org.get_mut(&integration) {
            user.fields.insert(name.into(), json!(integration));
        }
    }
    ctx.run_as_user_id = integration.clone();

    for (first, last, title) in AGENTS {
        let days_ago = ctx.rng.range(120, 700);
        let hired = ctx.minutes_ago(days_ago * DAY);
        let alias: String = first
            .chars()
            .take(1)
            .chain(last.chars().filter(char::is_ascii_alphabetic).take(4))
            .flat_map(char::to_lowercase)
            .collect();
        let email = address(first, last, COMPANY_DOMAIN);
        let id = put(
            org,
            "User",
            &Stamp::at(hired, &integration),
            vec![
                ("Username", json!(format!("{email}.demo"))),
                ("FirstName", json!(first)),
                ("LastName", json!(last)),
                ("Alias", json!(alias)),
                ("Email", json!(email)),
                ("Title", json!(title)),
                ("Department", json!("Customer Support")),
                ("CompanyName", json!("Contoso")),
                ("UserType", json!("Standard")),
            ],
        );
        ctx.agent_user_ids.push(id);
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts and contacts

/// Name, industry, city, country, account type, email domain.
const ACCOUNTS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Zava",
        "Retail",
        "Seattle",
        "United States",
        "Customer - Direct",
        "zava.com",
    ),
    (
        "Fabrikam",
        "Manufacturing",
        "Munich",
        "Germany",
        "Customer - Direct",
        "fabrikam.com",
    ),
    (
        "Northwind Traders",
        "Retail",
        "London",
        "United Kingdom",
        "Customer - Channel",
        "northwindtraders.com",
    ),
    (
        "Tailspin Toys",
        "Retail",
        "Toronto",
        "Canada",
        "Customer - Direct",
        "tailspintoys.com",
    ),
    (
        "Wide World Importers",
        "Retail",
        "Rotterdam",
        "Netherlands",
        "Customer - Channel",
        "wideworldimporters.com",
    ),
    (
        "Adventure Works",
        "Manufacturing",
        "Denver",
        "United States",
        "Customer - Direct",
        "adventure-works.com",
    ),
    (
        "Alpine Ski House",
        "Retail",
        "Innsbruck",
        "Austria",
        "Customer - Direct",
        "alpineskihouse.com",
    ),
    (
        "Blue Yonder Airlines",
        "Technology",
        "Dallas",
        "United States",
        "Customer - Direct",
        "blueyonderairlines.com",
    ),
    (
        "Coho Winery",
        "Manufacturing",
        "Napa",
        "United States",
        "Customer - Channel",
        "cohowinery.com",
    ),
    (
        "Fourth Coffee",
        "Retail",
        "Portland",
        "United States",
        "Customer - Direct",
        "fourthcoffee.com",
    ),
    (
        "Graphic Design Institute",
        "Education",
        "Chicago",
        "United States",
        "Customer - Direct",
        "graphicdesigninstitute.com",
    ),
    (
        "Humongous Insurance",
        "Finance",
        "Hartford",
        "United States",
        "Customer - Direct",
        "humongousinsurance.com",
    ),
    (
        "Litware",
        "Technology",
        "Austin",
        "United States",
        "Partner",
        "litwareinc.com",
    ),
    (
        "Lucerne Publishing",
        "Education",
        "Lucerne",
        "Switzerland",
        "Customer - Channel",
        "lucernepublishing.com",
    ),
    (
        "Margie's Travel",
        "Retail",
        "Sydney",
        "Australia",
        "Customer - Direct",
        "margiestravel.com",
    ),
    (
        "Proseware",
        "Technology",
        "Dublin",
        "Ireland",
        "Customer - Direct",
        "proseware.com",
    ),
    (
        "Relecloud",
        "Technology",
        "Stockholm",
        "Sweden",
        "Customer - Direct",
        "relecloud.com",
    ),
    (
        "School of Fine Art",
        "Education",
        "Paris",
        "France",
        "Customer - Channel",
        "fineartschool.net",
    ),
    (
        "Southridge Video",
        "Technology",
        "Vancouver",
        "Canada",
        "Customer - Direct",
        "southridgevideo.com",
    ),
    (
        "Trey Research",
        "Healthcare",
        "Boston",
        "United States",
        "Customer - Direct",
        "treyresearch.net",
    ),
    (
        "VanArsdel",
        "Manufacturing",
        "Milan",
        "Italy",
        "Customer - Direct",
        "vanarsdelltd.com",
    ),
    (
        "Woodgrove Bank",
        "Finance",
        "New York",
        "United States",
        "Customer - Direct",
        "woodgrovebank.com",
    ),
    (
        "Wingtip Toys",
        "Retail",
        "Manchester",
        "United Kingdom",
        "Prospect",
        "wingtiptoys.com",
    ),
    (
        "A. Datum Corporation",
        "Technology",
        "Tokyo",
        "Japan",
        "Customer - Direct",
        "adatum.com",
    ),
    (
        "Best For You Organics",
        "Healthcare",
        "Austin",
        "United States",
        "Customer - Channel",
        "bestforyouorganics.com",
    ),
];

const FIRST_NAMES: &[&str] = &[
    "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Hannah", "Ivan", "Julia", "Kenji", "Laura",
    "Marco", "Nadia", "Oliver", "Priya", "Rafael", "Sara", "Tom", "Uma", "Victor", "Wen", "Yusuf",
    "Zoe", "Lukas", "Mei", "Noah", "Ines", "Arjun",
];
const LAST_NAMES: &[&str] = &[
    "Silva", "Novak", "Dubois", "Kowalski", "Haddad", "Nguyen", "Schmidt", "Garcia", "Okafor",
    "Larsen", "Moreau", "Rossi", "Tanaka", "Fischer", "Murphy", "Costa", "Andersen", "Brooks",
    "Chen", "Iyer", "Popescu", "Weber", "Santos", "Yilmaz",
];
const CONTACT_TITLES: &[&str] = &[
    "IT Manager",
    "Operations Director",
    "Systems Administrator",
    "Data Analyst",
    "Head of Customer Success",
    "Integration Engineer",
    "CTO",
    "Business Analyst",
    "Support Coordinator",
];

struct SeededContact {
    id: String,
    first_name: String,
    email: String,
}

struct SeededAccount {
    id: String,
    name: &'static str,
    contacts: Vec<SeededContact>,
}

fn seed_accounts(org: &mut OrgData, ctx: &mut SeedContext) -> Vec<SeededAccount> {
    let mut accounts = Vec::with_capacity(ACCOUNTS.len());
    for (index, (name, industry, city, country, account_type, domain)) in
        ACCOUNTS.iter().enumerate()
    {
        let rng = &mut ctx.rng;
        let created = ctx.now - Duration::minutes(rng.range(200, 900) * DAY);
        let owner = ctx
            .agent_user_ids
            .get(index % ctx.agent_user_ids.len().max(1))
            .cloned()
            .unwrap_or_default();
        let product = pick(rng, PRODUCTS);
        let revenue = rng.range(2_000, 800_000) * 1_000;
        let id = put(
            org,
            "Account",
            &Stamp {
                created,
                by: &ctx.run_as_user_id,
                modified: created + Duration::minutes(rng.range(1, 90) * DAY),
            },
            vec![
                ("Name", json!(name)),
                ("Type", json!(account_type)),
                ("Industry", json!(industry)),
                ("Phone", json!(format!("+1 206 555 {:04}", 100 + index))),
                ("Website", json!(format!("https://www.{domain}"))),
                ("BillingCity", json!(city)),
                ("BillingCountry", json!(country)),
                ("AnnualRevenue", json!(revenue as f64)),
                ("NumberOfEmployees", json!(rng.range(40, 25_000))),
                (
                    "Description",
                    json!(format!(
                        "{name} runs {product} across its {city} operations."
                    )),
                ),
                ("Rating", json!(pick(rng, &["Hot", "Warm", "Cold"]))),
                ("External_Id__c", json!(format!("ACC-{:04}", index + 1))),
                ("OwnerId", json!(owner)),
            ],
        );
        ctx.account_ids.push(id.clone());
        let contact_count = if *name == "Zava" {
            4
        } else {
            ctx.rng.range(2, 4)
        };
        let mut contacts = Vec::new();
        let mut used = Vec::new();
        while contacts.len() < usize::try_from(contact_count).unwrap_or(2) {
            let first = pick(&mut ctx.rng, FIRST_NAMES);
            let last = pick(&mut ctx.rng, LAST_NAMES);
            if used.contains(&(first, last)) {
                continue;
            }
            used.push((first, last));
            let email = address(first, last, domain);
            let joined = between(
                &mut ctx.rng,
                created,
                ctx.now - Duration::days(HISTORY_DAYS),
            );
            let contact = put(
                org,
                "Contact",
                &Stamp::at(joined, &ctx.run_as_user_id),
                vec![
                    ("FirstName", json!(first)),
                    ("LastName", json!(last)),
                    ("Email", json!(email)),
                    (
                        "Phone",
                        json!(format!("+1 206 555 {:04}", ctx.rng.range(2000, 9999))),
                    ),
                    ("Title", json!(pick(&mut ctx.rng, CONTACT_TITLES))),
                    ("AccountId", json!(id)),
                    (
                        "External_Id__c",
                        json!(format!("CON-{:05}", ctx.contact_ids.len() + 1)),
                    ),
                    ("OwnerId", json!(owner)),
                ],
            );
            ctx.contact_ids.push(contact.clone());
            contacts.push(SeededContact {
                id: contact,
                first_name: first.to_owned(),
                email,
            });
        }
        accounts.push(SeededAccount { id, name, contacts });
    }
    accounts
}

fn seed_opportunities(org: &mut OrgData, ctx: &mut SeedContext, accounts: &[SeededAccount]) {
    const STAGES: &[(&str, u64)] = &[
        ("Prospecting", 2),
        ("Qualification", 2),
        ("Proposal", 3),
        ("Negotiation", 2),
        ("Closed Won", 4),
        ("Closed Lost", 2),
    ];
    let selling_to: Vec<&SeededAccount> = accounts.iter().filter(|_| ctx.rng.chance(60)).collect();
    for account in selling_to {
        for _ in 0..ctx.rng.range(1, 2) {
            let rng = &mut ctx.rng;
            let stage = weighted(rng, STAGES);
            let (probability, close_in_days) = match stage {
                "Prospecting" => (10, rng.range(30, 150)),
                "Qualification" => (20, rng.range(20, 120)),
                "Proposal" => (50, rng.range(10, 90)),
                "Negotiation" => (75, rng.range(5, 45)),
                "Closed Won" => (100, -rng.range(1, 120)),
                _ => (0, -rng.range(1, 120)),
            };
            let kind = pick(rng, &["Renewal", "Expansion", "New Business"]);
            let product = pick(rng, PRODUCTS);
            let created = ctx.now - Duration::days(rng.range(30, 200));
            let close = (ctx.now + Duration::days(close_in_days)).date_naive();
            let amount = rng.range(5, 250) * 1_000;
            let owner = rng.pick(&ctx.agent_user_ids).cloned().unwrap_or_default();
            put(
                org,
                "Opportunity",
                &Stamp {
                    created,
                    by: &ctx.run_as_user_id,
                    modified: between(rng, created, ctx.now),
                },
                vec![
                    (
                        "Name",
                        json!(format!("{} - {product} {kind}", account.name)),
                    ),
                    ("StageName", json!(stage)),
                    ("CloseDate", json!(format_date(close))),
                    ("Amount", json!(amount as f64)),
                    ("Probability", json!(f64::from(probability))),
                    ("AccountId", json!(account.id)),
                    ("OwnerId", json!(owner)),
                ],
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cases and their timelines

/// The SLA first-response thresholds the reporting tools use, in minutes.
pub fn sla_threshold_minutes(priority: &str) -> i64 {
    match priority {
        "Critical" => HOUR,
        "High" => 4 * HOUR,
        "Low" => 48 * HOUR,
        _ => 24 * HOUR,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Channel {
    /// An outbound EmailMessage.
    Email,
    /// A public CaseComment.
    Comment,
}

/// A case before it is written: who, what, and the times of its first response and closing.
struct CaseSpec {
    account: usize,
    contact: usize,
    theme: usize,
    subject: &'static str,
    product: &'static str,
    priority: &'static str,
    origin: &'static str,
    status: &'static str,
    owner: usize,
    created: DateTime<Utc>,
    first_response: Option<(DateTime<Utc>, Channel)>,
    closed: Option<DateTime<Utc>>,
}

/// What later steps need to know of a seeded case.
pub struct SeededCase {
    pub id: String,
    pub theme: usize,
    pub subject: &'static str,
    pub created: DateTime<Utc>,
    pub contact_email: String,
}

/// The index of a theme by key (themes are static: a missing key falls back to the first).
fn theme_index(key: &str) -> usize {
    THEMES.iter().position(|t| t.key == key).unwrap_or(0)
}

/// Cases every seed has: the Zava backlog of the example conversation, and one of each SLA
/// situation. Times are minutes before now: created, first response after creation, closed
/// after creation.
#[allow(clippy::type_complexity)]
const SCRIPTED_CASES: &[(
    usize,
    &str,
    &str,
    &str,
    &str,
    i64,
    Option<(i64, bool)>,
    Option<i64>,
)] = &[
    // account, theme, priority, origin, status, created ago, (response after, by email), closed after
    (
        0,
        "dashboard-performance",
        "Critical",
        "Phone",
        "New",
        3 * DAY + 2 * HOUR,
        None,
        None,
    ),
    (
        0,
        "data-import",
        "High",
        "Email",
        "Working",
        5 * DAY,
        Some((9 * HOUR, true)),
        None,
    ),
    (
        0,
        "sso-login",
        "Medium",
        "Web",
        "Escalated",
        8 * DAY,
        Some((2 * HOUR, false)),
        None,
    ),
    (
        0,
        "report-export",
        "Low",
        "Email",
        "New",
        12 * DAY,
        None,
        None,
    ),
    (
        0,
        "api-limits",
        "Medium",
        "Email",
        "Closed",
        20 * DAY,
        Some((3 * HOUR, true)),
        Some(3 * DAY),
    ),
    (
        0,
        "mobile-crash",
        "High",
        "Chat",
        "Working",
        30 * HOUR,
        Some((40 * MINUTE, true)),
        None,
    ),
    (
        3,
        "sso-login",
        "Critical",
        "Phone",
        "New",
        25 * MINUTE,
        None,
        None,
    ),
    (
        5,
        "email-notifications",
        "High",
        "Web",
        "New",
        100 * MINUTE,
        None,
        None,
    ),
    (
        7,
        "billing-question",
        "Low",
        "Email",
        "New",
        70 * HOUR,
        None,
        None,
    ),
    (
        9,
        "connector-install",
        "Medium",
        "Chat",
        "Working",
        2 * DAY,
        Some((30 * MINUTE, false)),
        None,
    ),
    (
        2,
        "vpn-connectivity",
        "Critical",
        "Phone",
        "Closed",
        6 * DAY,
        Some((3 * HOUR, false)),
        Some(2 * DAY),
    ),
];

fn scripted_cases(ctx: &mut SeedContext, accounts: &[SeededAccount]) -> Vec<CaseSpec> {
    SCRIPTED_CASES
        .iter()
        .enumerate()
        .map(
            |(n, (account, theme, priority, origin, status, ago, response, closed))| {
                let theme = theme_index(theme);
                let created = ctx.now - Duration::minutes(*ago);
                let contacts = accounts
                    .get(*account)
                    .map_or(1, |a| a.contacts.len().max(1));
                CaseSpec {
                    account: *account,
                    contact: n % contacts,
                    theme,
                    subject: THEMES
                        .get(theme)
                        .and_then(|t| t.subjects.first())
                        .copied()
                        .unwrap_or_default(),
                    product: pick(&mut ctx.rng, PRODUCTS),
                    priority,
                    origin,
                    status,
                    owner: n,
                    created,
                    first_response: response.map(|(after, by_email)| {
                        let channel = if by_email {
                            Channel::Email
                        } else {
                            Channel::Comment
                        };
                        (created + Duration::minutes(after), channel)
                    }),
                    closed: closed.map(|after| created + Duration::minutes(after)),
                }
            },
        )
        .collect()
}

fn random_case(ctx: &mut SeedContext, accounts: &[SeededAccount]) -> CaseSpec {
    let now = ctx.now;
    let rng = &mut ctx.rng;
    let account = usize::try_from(rng.below(accounts.len() as u64)).unwrap_or(0);
    let contacts = accounts.get(account).map_or(1, |a| a.contacts.len().max(1));
    let contact = usize::try_from(rng.below(contacts as u64)).unwrap_or(0);
    let theme = usize::try_from(rng.below(THEMES.len() as u64)).unwrap_or(0);
    let subject = THEMES
        .get(theme)
        .and_then(|t| rng.pick(t.subjects))
        .copied()
        .unwrap_or_default();
    let priority = weighted(
        rng,
        &[("Critical", 8), ("High", 22), ("Medium", 45), ("Low", 25)],
    );
    let origin = weighted(
        rng,
        &[("Email", 40), ("Web", 25), ("Phone", 20), ("Chat", 15)],
    );
    let created = now - Duration::minutes(rng.range(20, HISTORY_DAYS * DAY - HOUR));
    let threshold = sla_threshold_minutes(priority);
    let roll = rng.below(100);
    let delay = if roll < 62 {
        Some(rng.range((threshold / 20).max(2), threshold * 9 / 10))
    } else if roll < 85 {
        Some(rng.range(threshold * 11 / 10, threshold * 5))
    } else {
        None
    };
    let channel = if origin == "Email" || rng.chance(40) {
        Channel::Email
    } else {
        Channel::Comment
    };
    // A response that would lie in the future has not happened yet.
    let first_response = delay
        .map(|d| created + Duration::minutes(d))
        .filter(|at| *at < now - Duration::minutes(2))
        .map(|at| (at, channel));
    let age_days = (now - created).num_days();
    let closing_odds = match age_days {
        d if d > 30 => 85,
        d if d > 7 => 55,
        d if d > 2 => 30,
        _ => 10,
    };
    let mut status = "New";
    let mut closed = None;
    if let Some((responded, _)) = first_response {
        let open_for = (now - responded).num_minutes();
        if rng.chance(closing_odds) && open_for > 2 * HOUR {
            closed = Some(responded + Duration::minutes(rng.range(HOUR, open_for.min(14 * DAY))));
            status = "Closed";
        } else {
            status = weighted(rng, &[("Working", 75), ("Escalated", 25)]);
        }
    }
    CaseSpec {
        account,
        contact,
        theme,
        subject,
        product: pick(rng, PRODUCTS),
        priority,
        origin,
        status,
        owner: usize::try_from(rng.below(AGENTS.len() as u64)).unwrap_or(0),
        created,
        first_response,
        closed,
    }
}

fn seed_cases(
    org: &mut OrgData,
    ctx: &mut SeedContext,
    accounts: &[SeededAccount],
) -> Vec<SeededCase> {
    let mut specs = scripted_cases(ctx, accounts);
    for _ in 0..RANDOM_CASES {
        specs.push(random_case(ctx, accounts));
    }
    // Case numbers follow creation order, as the org assigns them.
    specs.sort_by_key(|s| s.created);
    let mut seeded = Vec::with_capacity(specs.len());
    for spec in &specs {
        if let Some(case) = write_case(org, ctx, accounts, spec) {
            seeded.push(case);
        }
    }
    seeded
}

/// One entry of a case's timeline.
enum Activity {
    Email {
        at: DateTime<Utc>,
        incoming: bool,
        status: &'static str,
        subject: String,
        body: String,
    },
    Comment {
        at: DateTime<Utc>,
        published: bool,
        body: String,
    },
    Post {
        at: DateTime<Utc>,
        body: String,
    },
}

impl Activity {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Activity::Email { at, .. }
            | Activity::Comment { at, .. }
            | Activity::Post { at, .. } => *at,
        }
    }
}

fn write_case(
    org: &mut OrgData,
    ctx: &mut SeedContext,
    accounts: &[SeededAccount],
    spec: &CaseSpec,
) -> Option<SeededCase> {
    let account = accounts.get(spec.account)?;
    let contact = account.contacts.get(spec.contact)?;
    let theme = THEMES.get(spec.theme)?;
    let owner = ctx.agent_user_ids.get(spec.owner % AGENTS.len()).cloned()?;
    let (agent_first, agent_last, _) = AGENTS.get(spec.owner % AGENTS.len()).copied()?;
    let agent = Agent {
        name: format!("{agent_first} {agent_last}"),
        email: address(agent_first, agent_last, COMPANY_DOMAIN),
    };
    let timeline = case_timeline(&mut ctx.rng, ctx.now, spec, theme, contact, &agent);
    let last_activity = timeline
        .iter()
        .map(Activity::at)
        .chain(spec.closed)
        .max()
        .unwrap_or(spec.created);
    // Email and web cases arrive through email-to-case and web-to-case, as the integration user.
    let creator = if matches!(spec.origin, "Email" | "Web") {
        ctx.run_as_user_id.clone()
    } else {
        owner.clone()
    };
    let description = theme.description.replace("{product}", spec.product);
    let mut fields = vec![
        ("Subject", json!(spec.subject)),
        ("Description", json!(description)),
        ("Status", json!(spec.status)),
        ("Priority", json!(spec.priority)),
        ("Origin", json!(spec.origin)),
        ("Type", json!(theme.case_type)),
        ("Reason", json!(theme.reason)),
        ("AccountId", json!(account.id)),
        ("ContactId", json!(contact.id)),
        ("IsEscalated", json!(spec.status == "Escalated")),
        ("OwnerId", json!(owner)),
    ];
    if spec.origin == "Web" {
        fields.push(("SuppliedEmail", json!(contact.email)));
    }
    if let Some(closed) = spec.closed {
        fields.push(("ClosedDate", json!(format_datetime(closed))));
    }
    let case_id = put(
        org,
        "Case",
        &Stamp {
            created: spec.created,
            by: &creator,
            modified: last_activity,
        },
        fields,
    );
    for activity in timeline {
        write_activity(org, ctx, &case_id, contact, &agent, &owner, activity);
    }
    ctx.case_ids.push(case_id.clone());
    Some(SeededCase {
        id: case_id,
        theme: spec.theme,
        subject: spec.subject,
        created: spec.created,
        contact_email: contact.email.clone(),
    })
}

struct Agent {
    name: String,
    email: String,
}

/// The comments, emails and posts of a case, in time order. The first response is the first
/// CaseComment or outbound email; nothing of either kind comes before it, and an unanswered
/// case has none at all.
fn case_timeline(
    rng: &mut Rng,
    now: DateTime<Utc>,
    spec: &CaseSpec,
    theme: &ProblemTheme,
    contact: &SeededContact,
    agent: &Agent,
) -> Vec<Activity> {
    let end = spec.closed.unwrap_or(now);
    let keyword = theme.keywords.first().copied().unwrap_or("issue");
    let mut timeline = Vec::new();
    if matches!(spec.origin, "Email" | "Web") || rng.chance(30) {
        let status = match spec.first_response {
            Some(_) => "2",
            None => pick(rng, &["0", "1"]),
        };
        timeline.push(Activity::Email {
            at: spec.created,
            incoming: true,
            status,
            subject: spec.subject.to_owned(),
            body: theme.description.replace("{product}", spec.product),
        });
    }
    if let Some((responded, channel)) = spec.first_response {
        let next_step = match &theme.article {
            Some(article) => format!(
                "Our article \"{}\" describes the usual cause and fix; could you try the steps there and tell us how it goes?",
                article.title
            ),
            None => format!(
                "We are reproducing the {keyword} problem in {} and will update you as soon as we know more.",
                spec.product
            ),
        };
        timeline.push(match channel {
            Channel::Email => Activity::Email {
                at: responded,
                incoming: false,
                status: "3",
                subject: format!("RE: {}", spec.subject),
                body: format!(
                    "Hi {},\n\nThanks for contacting Contoso Support about \"{}\". {next_step}\n\nBest regards,\n{}",
                    contact.first_name, spec.subject, agent.name
                ),
            },
            Channel::Comment => Activity::Comment {
                at: responded,
                published: true,
                body: format!(
                    "Spoke with {} about the {keyword} problem. {next_step}",
                    contact.first_name
                ),
            },
        });
        if rng.chance(60) {
            let at = between(
                rng,
                responded + Duration::minutes(10),
                end.min(responded + Duration::hours(6)),
            );
            let note = match &theme.article {
                Some(article) => format!(
                    "Internal: reproduced with {}. Matches KB \"{}\" ({}).",
                    spec.product, article.title, article.url_name
                ),
                None => format!(
                    "Internal: reproduced with {}. No KB article covers this {keyword} problem yet; worth writing one.",
                    spec.product
                ),
            };
            timeline.push(Activity::Comment {
                at,
                published: false,
                body: note,
            });
        }
        if rng.chance(40) {
            let at = between(
                rng,
                responded + Duration::minutes(30),
                end.min(responded + Duration::days(2)),
            );
            timeline.push(Activity::Email {
                at,
                incoming: true,
                status: pick(rng, &["1", "2"]),
                subject: format!("RE: {}", spec.subject),
                body: format!(
                    "Thanks {}. We tried that and the {keyword} problem is still there for some users.",
                    agent.name
                ),
            });
        }
        match spec.closed {
            Some(closed) => {
                let at = between(rng, closed - Duration::hours(1), closed);
                let at = at.max(responded);
                timeline.push(Activity::Comment {
                    at,
                    published: true,
                    body: format!(
                        "Resolved: the customer confirmed the {keyword} problem is fixed. Closing the case."
                    ),
                });
                timeline.push(Activity::Email {
                    at,
                    incoming: false,
                    status: "3",
                    subject: format!("RE: {} [resolved]", spec.subject),
                    body: format!(
                        "Hi {},\n\nGlad to hear it works again. We are closing this case; reply to this email to reopen it.\n\n{}",
                        contact.first_name, agent.name
                    ),
                });
            }
            None if rng.chance(30) => {
                let at = between(rng, (now - Duration::hours(4)).max(responded), now);
                timeline.push(Activity::Email {
                    at,
                    incoming: false,
                    status: "5",
                    subject: format!("RE: {} - next steps", spec.subject),
                    body: format!(
                        "Hi {},\n\nA quick update on the {keyword} problem: ",
                        contact.first_name
                    ),
                });
            }
            None => {}
        }
    }
    if rng.chance(45) || spec.status == "Escalated" {
        let at = between(rng, spec.created + Duration::minutes(5), end);
        let body = match spec.status {
            "Escalated" => format!(
                "Escalating to engineering: \"{}\" ({} {}).",
                spec.subject, spec.priority, keyword
            ),
            "Closed" => format!(
                "Closed: \"{}\". Fix confirmed by the customer.",
                spec.subject
            ),
            _ => format!(
                "Picked up \"{}\"; looking into the {keyword} problem.",
                spec.subject
            ),
        };
        timeline.push(Activity::Post { at, body });
    }
    timeline.retain(|a| a.at() <= now);
    timeline.sort_by_key(Activity::at);
    timeline
}

fn write_activity(
    org: &mut OrgData,
    ctx: &SeedContext,
    case_id: &str,
    contact: &SeededContact,
    agent: &Agent,
    owner: &str,
    activity: Activity,
) {
    match activity {
        Activity::Email {
            at,
            incoming,
            status,
            subject,
            body,
        } => {
            let (from, from_name, to, by) = if incoming {
                (
                    contact.email.as_str(),
                    contact.first_name.as_str(),
                    SUPPORT_ADDRESS,
                    ctx.run_as_user_id.as_str(),
                )
            } else {
                (
                    agent.email.as_str(),
                    agent.name.as_str(),
                    contact.email.as_str(),
                    owner,
                )
            };
            put(
                org,
                "EmailMessage",
                &Stamp::at(at, by),
                vec![
                    ("ParentId", json!(case_id)),
                    ("Subject", json!(subject)),
                    ("TextBody", json!(body)),
                    ("FromAddress", json!(from)),
                    ("FromName", json!(from_name)),
                    ("ToAddress", json!(to)),
                    ("Status", json!(status)),
                    ("Incoming", json!(incoming)),
                    ("MessageDate", json!(format_datetime(at))),
                ],
            );
        }
        Activity::Comment {
            at,
            published,
            body,
        } => {
            put(
                org,
                "CaseComment",
                &Stamp::at(at, owner),
                vec![
                    ("ParentId", json!(case_id)),
                    ("CommentBody", json!(body)),
                    ("IsPublished", json!(published)),
                ],
            );
        }
        Activity::Post { at, body } => {
            put(
                org,
                "FeedItem",
                &Stamp::at(at, owner),
                vec![
                    ("ParentId", json!(case_id)),
                    ("Type", json!("TextPost")),
                    ("Body", json!(body)),
                ],
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Copilot interactions

struct InteractionSpec {
    created: DateTime<Utc>,
    fields: Vec<(&'static str, Value)>,
}

fn seed_interactions(
    org: &mut OrgData,
    ctx: &mut SeedContext,
    accounts: &[SeededAccount],
    cases: &[SeededCase],
) {
    let contact_emails: Vec<&str> = accounts
        .iter()
        .flat_map(|a| a.contacts.iter().map(|c| c.email.as_str()))
        .collect();
    let mut specs = Vec::with_capacity(INTERACTIONS);
    for n in 0..INTERACTIONS {
        specs.push(interaction(ctx, n, &contact_emails, cases));
    }
    specs.sort_by_key(|s| s.created);
    for spec in specs {
        put(
            org,
            "Copilot_Interaction__c",
            &Stamp::at(spec.created, &ctx.run_as_user_id),
            spec.fields,
        );
    }
}

fn interaction(
    ctx: &mut SeedContext,
    n: usize,
    contact_emails: &[&str],
    cases: &[SeededCase],
) -> InteractionSpec {
    let now = ctx.now;
    let rng = &mut ctx.rng;
    // The first few cycle through every theme, outcome, severity and channel, so each exists.
    let theme_index = if n < THEMES.len() {
        n
    } else {
        usize::try_from(rng.below(THEMES.len() as u64)).unwrap_or(0)
    };
    let theme = THEMES.get(theme_index).unwrap_or(&THEMES[0]);
    let has_article = theme.article.is_some();
    let outcome = match INTERACTION_OUTCOMES.get(n) {
        Some(outcome) => outcome,
        None => weighted(
            rng,
            &[
                ("Deflected", if has_article { 45 } else { 12 }),
                ("Case Created", 25),
                ("Abandoned", 15),
                ("Escalated", 15),
            ],
        ),
    };
    let severity = match INTERACTION_SEVERITIES.get(n) {
        Some(severity) => severity,
        None => weighted(
            rng,
            &[
                ("Sev 1 - Critical", 8),
                ("Sev 2 - High", 22),
                ("Sev 3 - Medium", 45),
                ("Sev 4 - Low", 25),
            ],
        ),
    };
    let channel = match INTERACTION_CHANNELS.get(n) {
        Some(channel) => channel,
        None => weighted(
            rng,
            &[
                ("Service Console", 35),
                ("Customer Portal", 45),
                ("Documentation Site", 20),
            ],
        ),
    };
    let mut subject = rng.pick(theme.subjects).copied().unwrap_or(theme.topic);
    let mut created = now - Duration::minutes(rng.range(5, HISTORY_DAYS * DAY - HOUR));
    let mut case_link = None;
    let mut email = (rng.chance(70))
        .then(|| rng.pick(contact_emails).copied())
        .flatten()
        .map(str::to_owned);
    if matches!(outcome, "Case Created" | "Escalated") && rng.chance(75) {
        let same_theme: Vec<&SeededCase> =
            cases.iter().filter(|c| c.theme == theme_index).collect();
        if let Some(case) = rng.pick(&same_theme) {
            // The conversation happened just before the case was opened.
            created = (case.created - Duration::minutes(rng.range(2, 45)))
                .max(now - Duration::days(HISTORY_DAYS));
            case_link = Some(case.id.clone());
            email = Some(case.contact_email.clone());
            subject = case.subject;
        }
    }
    let articles_shown = match (has_article, outcome) {
        (false, _) => 0,
        (true, "Deflected") => rng.range(1, 3),
        (true, "Abandoned") => rng.range(0, 1),
        (true, _) => rng.range(0, 2),
    };
    let summary = match (outcome, &theme.article) {
        ("Deflected", Some(article)) => format!(
            "User asked about {}: \"{subject}\". Resolved with the article \"{}\".",
            theme.topic.to_lowercase(),
            article.title
        ),
        ("Deflected", None) => format!(
            "User asked about {}: \"{subject}\". Answered from the product documentation.",
            theme.topic.to_lowercase()
        ),
        ("Case Created", _) => {
            format!("User reported \"{subject}\". Self-service did not resolve it; created a case.")
        }
        ("Escalated", _) => format!(
            "User reported \"{subject}\" with business impact; escalated to a support agent."
        ),
        _ => format!("User asked about \"{subject}\" and left before the conversation finished."),
    };
    let mut fields = vec![
        ("Outcome__c", json!(outcome)),
        ("Severity__c", json!(severity)),
        ("Channel__c", json!(channel)),
        ("Topic__c", json!(theme.topic)),
        ("Summary__c", json!(summary)),
        ("KB_Articles_Shown__c", json!(articles_shown as f64)),
        (
            "Conversation_Id__c",
            json!(format!("conv-{:012x}", rng.next_u64() & 0xffff_ffff_ffff)),
        ),
    ];
    if let Some(case) = case_link {
        fields.push(("Case__c", json!(case)));
    }
    if let Some(email) = email {
        fields.push(("User_Email__c", json!(email)));
    }
    InteractionSpec { created, fields }
}

// ---------------------------------------------------------------------------------------------
// Search synonym groups (Tooling)

const SYNONYM_GROUPS: &[(&str, &str)] = &[
    (
        "Dashboard performance",
        "dashboard, slow dashboard, dashboard load time, widgets",
    ),
    (
        "Single sign-on",
        "SSO, single sign-on, SAML, identity provider",
    ),
    (
        "Data import",
        "import, CSV upload, data load, import wizard",
    ),
    ("Mobile app", "mobile app, phone app, iOS app, Android app"),
    (
        "API limits",
        "API limit, REQUEST_LIMIT_EXCEEDED, rate limit, throttling",
    ),
    ("CRM", "CRM, customer relationship management"),
];

fn seed_synonym_groups(org: &mut OrgData, ctx: &mut SeedContext) {
    for (name, synonyms) in SYNONYM_GROUPS {
        let created = ctx.now - Duration::days(ctx.rng.range(30, 300));
        put(
            org,
            "SearchSynonymGroup",
            &Stamp::at(created, &ctx.run_as_user_id),
            vec![("GroupName", json!(name)), ("Synonyms", json!(synonyms))],
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::TimeZone;

    use super::*;
    use crate::demo_org::objects::demo_schema;
    use crate::demo_org::store::parse_datetime;

    fn seeded(seed: u64) -> (OrgData, SeedContext) {
        let now = Utc.with_ymd_and_hms(2026, 4, 1, 12, 0, 0).unwrap();
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let mut ctx = SeedContext::new(now, seed);
        seed_core(&mut org, &mut ctx);
        (org, ctx)
    }

    fn time(record: &Record, field: &str) -> DateTime<Utc> {
        record
            .get_str(field)
            .and_then(parse_datetime)
            .unwrap_or_else(|| panic!("{} has no {field}", record.id))
    }

    #[test]
    fn counts_and_context() {
        let (org, ctx) = seeded(42);
        assert_eq!(org.count("User"), 1 + AGENTS.len());
        assert_eq!(org.count("Account"), 25);
        assert!((50..=100).contains(&org.count("Contact")));
        assert!(org.count("Opportunity") > 5);
        let cases = org.count("Case");
        assert_eq!(cases, RANDOM_CASES + SCRIPTED_CASES.len());
        assert_eq!(org.count("Copilot_Interaction__c"), INTERACTIONS);
        assert_eq!(org.count("SearchSynonymGroup"), SYNONYM_GROUPS.len());
        assert!(org.count("CaseComment") > cases / 2);
        assert!(org.count("EmailMessage") > cases);
        assert!(org.count("FeedItem") > cases / 4);
        assert_eq!(ctx.agent_user_ids.len(), AGENTS.len());
        assert_eq!(ctx.account_ids.len(), 25);
        assert_eq!(ctx.case_ids.len(), cases);
        assert_eq!(ctx.contact_ids.len(), org.count("Contact"));
        let run_as = org.get(&ctx.run_as_user_id).unwrap();
        assert_eq!(run_as.get_str("Username"), Some(DEMO_USERNAME));
        assert_eq!(run_as.get_str("Name"), Some("Integration User"));
    }

    #[test]
    fn every_value_is_one_the_api_would_accept() {
        let (org, _) = seeded(42);
        for object in org.schema.objects() {
            for record in org.records(&object.name) {
                for field in &object.fields {
                    let value = record.get(&field.name);
                    if value.is_null() || field.field_type == crate::demo_org::schema::FieldType::Id
                    {
                        continue;
                    }
                    let accepted = dml::coerce(&org, field, value).unwrap_or_else(|e| {
                        panic!("{}.{} = {value}: {e:?}", object.name, field.name)
                    });
                    assert_eq!(&accepted, value, "{}.{}", object.name, field.name);
                }
                for field in object.fields.iter().filter(|f| f.required_on_create()) {
                    assert!(
                        !record.get(&field.name).is_null(),
                        "{}.{} missing",
                        object.name,
                        field.name
                    );
                }
            }
        }
    }

    #[test]
    fn seeding_is_deterministic() {
        let (a, _) = seeded(7);
        let (b, _) = seeded(7);
        let (c, _) = seeded(8);
        let subjects = |org: &OrgData| -> Vec<String> {
            org.records("Case")
                .map(|r| format!("{:?}{:?}", r.get("Subject"), r.get("CreatedDate")))
                .collect()
        };
        assert_eq!(subjects(&a), subjects(&b));
        assert_ne!(subjects(&a), subjects(&c));
    }

    #[test]
    fn zava_has_open_cases_older_than_two_days() {
        let (org, ctx) = seeded(42);
        let zava = org
            .records("Account")
            .find(|a| a.get_str("Name") == Some("Zava"))
            .unwrap();
        let two_days_ago = ctx.now - Duration::hours(48);
        let old_open: Vec<&Record> = org
            .records("Case")
            .filter(|c| c.get_str("AccountId") == Some(zava.id.as_str()))
            .filter(|c| c.get_str("Status") != Some("Closed"))
            .filter(|c| time(c, "CreatedDate") < two_days_ago)
            .collect();
        assert!(old_open.len() >= 3, "{}", old_open.len());
    }

    #[test]
    fn interactions_cover_every_picklist_value_and_topic() {
        let (org, ctx) = seeded(42);
        let values = |field: &str| -> HashSet<String> {
            org.records("Copilot_Interaction__c")
                .filter_map(|r| r.get_str(field).map(str::to_owned))
                .collect()
        };
        for (field, expected) in [
            ("Outcome__c", INTERACTION_OUTCOMES),
            ("Severity__c", INTERACTION_SEVERITIES),
            ("Channel__c", INTERACTION_CHANNELS),
        ] {
            let seen = values(field);
            for value in expected {
                assert!(seen.contains(*value), "{field} {value}");
            }
        }
        let topics = values("Topic__c");
        assert!(THEMES.iter().all(|t| topics.contains(t.topic)));
        let linked: Vec<&Record> = org
            .records("Copilot_Interaction__c")
            .filter(|r| r.get_str("Case__c").is_some())
            .collect();
        assert!(linked.len() > 10);
        for interaction in linked {
            let case = org.get(interaction.get_str("Case__c").unwrap()).unwrap();
            let subject = case.get_str("Subject").unwrap();
            assert!(interaction.get_str("Summary__c").unwrap().contains(subject));
            assert!(time(interaction, "CreatedDate") <= time(case, "CreatedDate"));
            assert_eq!(interaction.get("User_Email__c"), case.get("ContactEmail"));
        }
        let oldest = org
            .records("Copilot_Interaction__c")
            .map(|r| time(r, "CreatedDate"))
            .min()
            .unwrap();
        assert!(oldest >= ctx.now - Duration::days(HISTORY_DAYS));
        let first = org
            .records("Copilot_Interaction__c")
            .min_by_key(|r| time(r, "CreatedDate"))
            .unwrap();
        assert_eq!(first.get_str("Name"), Some("CI-00001"));
    }

    /// First response of each case as the SLA tool computes it.
    fn first_responses(org: &OrgData) -> std::collections::HashMap<String, DateTime<Utc>> {
        let mut first: std::collections::HashMap<String, DateTime<Utc>> = Default::default();
        let responses = org
            .records("CaseComment")
            .map(|c| (c, "CreatedDate"))
            .chain(
                org.records("EmailMessage")
                    .filter(|e| e.get("Incoming") == &json!(false))
                    .map(|e| (e, "CreatedDate")),
            );
        for (record, field) in responses {
            let case = record.get_str("ParentId").unwrap().to_owned();
            let at = time(record, field);
            first
                .entry(case)
                .and_modify(|t| *t = (*t).min(at))
                .or_insert(at);
        }
        first
    }

    #[test]
    fn sla_situations_all_exist() {
        let (org, ctx) = seeded(42);
        let first = first_responses(&org);
        let (mut within, mut breached, mut waiting_young, mut waiting_old) = (0, 0, 0, 0);
        for case in org.records("Case") {
            let created = time(case, "CreatedDate");
            let threshold =
                Duration::minutes(sla_threshold_minutes(case.get_str("Priority").unwrap()));
            match first.get(&case.id) {
                Some(at) if *at - created <= threshold => within += 1,
                Some(_) => breached += 1,
                None if ctx.now - created <= threshold => waiting_young += 1,
                None => waiting_old += 1,
            }
        }
        assert!(within > 50, "{within}");
        assert!(breached > 20, "{breached}");
        assert!(waiting_young >= 2, "{waiting_young}");
        assert!(waiting_old >= 3, "{waiting_old}");
    }

    #[test]
    fn timelines_are_coherent() {
        let (org, ctx) = seeded(42);
        let mut numbers = Vec::new();
        for case in org.records("Case") {
            let created = time(case, "CreatedDate");
            assert!(created >= ctx.now - Duration::days(HISTORY_DAYS) && created <= ctx.now);
            let closed = case.get_str("Status") == Some("Closed");
            assert_eq!(case.get("IsClosed"), &json!(closed));
            assert_eq!(case.get_str("ClosedDate").is_some(), closed);
            let contact = org.get(case.get_str("ContactId").unwrap()).unwrap();
            assert_eq!(case.get("ContactEmail"), contact.get("Email"));
            numbers.push((created, case.get_str("CaseNumber").unwrap().to_owned()));
        }
        numbers.sort();
        let in_order: Vec<&String> = numbers.iter().map(|(_, n)| n).collect();
        let mut sorted = in_order.clone();
        sorted.sort();
        assert_eq!(in_order, sorted, "case numbers follow creation order");
        assert_eq!(numbers.first().map(|(_, n)| n.as_str()), Some("00001001"));

        let mut statuses = HashSet::new();
        for child in ["CaseComment", "EmailMessage", "FeedItem"] {
            for record in org.records(child) {
                let case = org.get(record.get_str("ParentId").unwrap()).unwrap();
                let at = time(record, "CreatedDate");
                assert!(
                    at >= time(case, "CreatedDate") && at <= ctx.now,
                    "{child} {}",
                    record.id
                );
                if child == "EmailMessage" {
                    let incoming = record.get("Incoming") == &json!(true);
                    let status = record.get_str("Status").unwrap().to_owned();
                    let allowed: &[&str] = if incoming {
                        &["0", "1", "2"]
                    } else {
                        &["3", "5"]
                    };
                    assert!(
                        allowed.contains(&status.as_str()),
                        "{status} incoming={incoming}"
                    );
                    statuses.insert(status);
                }
            }
        }
        assert!(statuses.contains("3") && statuses.contains("5") && statuses.contains("2"));
    }
}
