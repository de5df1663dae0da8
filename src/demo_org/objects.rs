//! The objects of the demo org: a service organisation's standard objects, Knowledge, Chatter,
//! the connector's `Copilot_Interaction__c` custom object and one Tooling object.

use serde_json::json;

use super::schema::{FieldDef, ObjectDef, Schema};

pub const CASE_STATUSES: &[&str] = &["New", "Working", "Escalated", "Closed"];
pub const CASE_PRIORITIES: &[&str] = &["Critical", "High", "Medium", "Low"];
pub const CASE_ORIGINS: &[&str] = &["Phone", "Email", "Web", "Chat"];
pub const CASE_TYPES: &[&str] = &["Problem", "Feature Request", "Question"];
pub const CASE_REASONS: &[&str] = &[
    "Installation",
    "Performance",
    "Compatibility",
    "Connectivity",
    "Configuration",
    "New Feature",
    "Feedback",
    "Other",
];
pub const INTERACTION_OUTCOMES: &[&str] = &["Deflected", "Case Created", "Abandoned", "Escalated"];
pub const INTERACTION_SEVERITIES: &[&str] = &[
    "Sev 1 - Critical",
    "Sev 2 - High",
    "Sev 3 - Medium",
    "Sev 4 - Low",
];
pub const INTERACTION_CHANNELS: &[&str] =
    &["Service Console", "Customer Portal", "Documentation Site"];
/// EmailMessage.Status: coded values, as Salesforce stores them.
pub const EMAIL_STATUSES: &[(&str, &str)] = &[
    ("0", "New"),
    ("1", "Read"),
    ("2", "Replied"),
    ("3", "Sent"),
    ("4", "Forwarded"),
    ("5", "Draft"),
];
pub const ARTICLE_PUBLISH_STATUSES: &[&str] = &["Draft", "Online", "Archived"];

/// Fields every data object carries: Id, audit fields and IsDeleted.
fn system_fields() -> Vec<FieldDef> {
    vec![
        FieldDef::id(),
        FieldDef::boolean("IsDeleted", "Deleted", false).system(),
        FieldDef::datetime("CreatedDate", "Created Date")
            .system()
            .required(),
        FieldDef::lookup("CreatedById", "Created By ID", "User", "CreatedBy", None)
            .system()
            .required(),
        FieldDef::datetime("LastModifiedDate", "Last Modified Date")
            .system()
            .required(),
        FieldDef::lookup(
            "LastModifiedById",
            "Last Modified By ID",
            "User",
            "LastModifiedBy",
            None,
        )
        .system()
        .required(),
        FieldDef::datetime("SystemModstamp", "System Modstamp")
            .system()
            .required(),
    ]
}

fn owner() -> FieldDef {
    let mut f = FieldDef::lookup("OwnerId", "Owner ID", "User", "Owner", None);
    f.defaulted_on_create = true;
    f.nillable = false;
    f
}

fn with_system(mut fields: Vec<FieldDef>) -> Vec<FieldDef> {
    let mut all = system_fields();
    all.append(&mut fields);
    all
}

fn user() -> ObjectDef {
    ObjectDef::new(
        "User",
        "User",
        "Users",
        "005",
        with_system(vec![
            FieldDef::text("Username", "Username", 80)
                .required()
                .unique(),
            FieldDef::text("FirstName", "First Name", 40),
            FieldDef::text("LastName", "Last Name", 80).required(),
            FieldDef::text("Name", "Full Name", 121)
                .calculated()
                .name_field(),
            FieldDef::text("Alias", "Alias", 8).required(),
            FieldDef::email("Email", "Email").required(),
            FieldDef::text("Title", "Title", 80),
            FieldDef::text("Department", "Department", 80),
            FieldDef::text("CompanyName", "Company Name", 80),
            FieldDef::boolean("IsActive", "Active", true),
            FieldDef::picklist(
                "UserType",
                "User Type",
                &["Standard", "PowerPartner", "CspLitePortal"],
            )
            .system(),
        ]),
    )
}

fn account() -> ObjectDef {
    ObjectDef::new(
        "Account",
        "Account",
        "Accounts",
        "001",
        with_system(vec![
            FieldDef::text("Name", "Account Name", 255)
                .required()
                .name_field(),
            FieldDef::picklist(
                "Type",
                "Account Type",
                &[
                    "Customer - Direct",
                    "Customer - Channel",
                    "Prospect",
                    "Partner",
                    "Other",
                ],
            ),
            FieldDef::picklist(
                "Industry",
                "Industry",
                &[
                    "Technology",
                    "Retail",
                    "Manufacturing",
                    "Healthcare",
                    "Finance",
                    "Education",
                    "Energy",
                ],
            ),
            FieldDef::phone("Phone", "Account Phone"),
            FieldDef::url("Website", "Website"),
            FieldDef::text("BillingCity", "Billing City", 40),
            FieldDef::text("BillingCountry", "Billing Country", 80),
            FieldDef::currency("AnnualRevenue", "Annual Revenue"),
            FieldDef::int("NumberOfEmployees", "Employees"),
            FieldDef::textarea("Description", "Account Description", 32000),
            FieldDef::picklist("Rating", "Account Rating", &["Hot", "Warm", "Cold"]).restricted(),
            FieldDef::text("External_Id__c", "External Id", 40).external_id(),
            owner(),
        ]),
    )
}

fn contact() -> ObjectDef {
    ObjectDef::new(
        "Contact",
        "Contact",
        "Contacts",
        "003",
        with_system(vec![
            FieldDef::text("FirstName", "First Name", 40),
            FieldDef::text("LastName", "Last Name", 80).required(),
            FieldDef::text("Name", "Full Name", 121)
                .calculated()
                .name_field(),
            FieldDef::email("Email", "Email"),
            FieldDef::phone("Phone", "Business Phone"),
            FieldDef::text("Title", "Title", 128),
            FieldDef::lookup(
                "AccountId",
                "Account ID",
                "Account",
                "Account",
                Some("Contacts"),
            ),
            FieldDef::text("External_Id__c", "External Id", 40).external_id(),
            owner(),
        ]),
    )
}

fn opportunity() -> ObjectDef {
    ObjectDef::new(
        "Opportunity",
        "Opportunity",
        "Opportunities",
        "006",
        with_system(vec![
            FieldDef::text("Name", "Name", 120).required().name_field(),
            FieldDef::picklist(
                "StageName",
                "Stage",
                &[
                    "Prospecting",
                    "Qualification",
                    "Proposal",
                    "Negotiation",
                    "Closed Won",
                    "Closed Lost",
                ],
            )
            .required()
            .restricted(),
            FieldDef::date("CloseDate", "Close Date").required(),
            FieldDef::currency("Amount", "Amount"),
            FieldDef::percent("Probability", "Probability (%)"),
            FieldDef::lookup(
                "AccountId",
                "Account ID",
                "Account",
                "Account",
                Some("Opportunities"),
            ),
            owner(),
        ]),
    )
}

fn case() -> ObjectDef {
    ObjectDef::new(
        "Case",
        "Case",
        "Cases",
        "500",
        with_system(vec![
            FieldDef::text("CaseNumber", "Case Number", 30)
                .auto_number()
                .name_field(),
            FieldDef::text("Subject", "Subject", 255),
            FieldDef::textarea("Description", "Description", 32000),
            FieldDef::picklist("Status", "Status", CASE_STATUSES)
                .restricted()
                .default_to(json!("New")),
            FieldDef::picklist("Priority", "Priority", CASE_PRIORITIES)
                .restricted()
                .default_to(json!("Medium")),
            FieldDef::picklist("Origin", "Case Origin", CASE_ORIGINS).restricted(),
            FieldDef::picklist("Type", "Case Type", CASE_TYPES).restricted(),
            FieldDef::picklist("Reason", "Case Reason", CASE_REASONS).restricted(),
            FieldDef::lookup(
                "AccountId",
                "Account ID",
                "Account",
                "Account",
                Some("Cases"),
            ),
            FieldDef::lookup(
                "ContactId",
                "Contact ID",
                "Contact",
                "Contact",
                Some("Cases"),
            ),
            FieldDef::email("ContactEmail", "Contact Email").calculated(),
            FieldDef::email("SuppliedEmail", "Web Email"),
            FieldDef::boolean("IsClosed", "Closed", false).system(),
            FieldDef::boolean("IsEscalated", "Escalated", false),
            FieldDef::datetime("ClosedDate", "Closed Date").system(),
            owner(),
        ]),
    )
}

fn case_comment() -> ObjectDef {
    ObjectDef::new(
        "CaseComment",
        "Case Comment",
        "Case Comments",
        "00a",
        with_system(vec![
            FieldDef::lookup(
                "ParentId",
                "Parent ID",
                "Case",
                "Parent",
                Some("CaseComments"),
            )
            .required()
            .create_only(),
            FieldDef::textarea("CommentBody", "Body", 4000).required(),
            FieldDef::boolean("IsPublished", "Published", false),
        ]),
    )
}

fn email_message() -> ObjectDef {
    ObjectDef::new(
        "EmailMessage",
        "Email Message",
        "Email Messages",
        "02s",
        with_system(vec![
            FieldDef::lookup(
                "ParentId",
                "Case ID",
                "Case",
                "Parent",
                Some("EmailMessages"),
            )
            .create_only(),
            FieldDef::text("Subject", "Subject", 3000).name_field(),
            FieldDef::textarea("TextBody", "Text Body", 131072),
            FieldDef::textarea("HtmlBody", "HTML Body", 131072),
            FieldDef::email("FromAddress", "From Address"),
            FieldDef::text("FromName", "From Name", 1000),
            FieldDef::textarea("ToAddress", "To Address", 4000),
            FieldDef::textarea("CcAddress", "CC Address", 4000),
            FieldDef::coded_picklist("Status", "Status", EMAIL_STATUSES)
                .restricted()
                .default_to(json!("0")),
            FieldDef::boolean("Incoming", "Is Incoming", false).create_only(),
            FieldDef::datetime("MessageDate", "Message Date"),
        ]),
    )
}

fn feed_item() -> ObjectDef {
    ObjectDef::new(
        "FeedItem",
        "Feed Item",
        "Feed Items",
        "0D5",
        with_system(vec![
            FieldDef::polymorphic(
                "ParentId",
                "Parent ID",
                &[
                    "Case",
                    "Account",
                    "Contact",
                    "User",
                    "CollaborationGroup",
                    "Opportunity",
                ],
                "Parent",
                Some("Feeds"),
            )
            .required()
            .create_only(),
            FieldDef::picklist(
                "Type",
                "Feed Item Type",
                &[
                    "TextPost",
                    "LinkPost",
                    "ContentPost",
                    "TrackedChange",
                    "CaseCommentPost",
                    "EmailMessageEvent",
                ],
            )
            .default_to(json!("TextPost")),
            FieldDef::textarea("Body", "Body", 10000),
            FieldDef::text("Title", "Title", 255),
            FieldDef::url("LinkUrl", "Link Url"),
            FieldDef::int("CommentCount", "Comment Count").system(),
            FieldDef::int("LikeCount", "Like Count").system(),
        ]),
    )
}

fn feed_comment() -> ObjectDef {
    ObjectDef::new(
        "FeedComment",
        "Feed Comment",
        "Feed Comments",
        "0D7",
        with_system(vec![
            FieldDef::lookup(
                "FeedItemId",
                "Feed Item ID",
                "FeedItem",
                "FeedItem",
                Some("FeedComments"),
            )
            .required()
            .create_only(),
            FieldDef::polymorphic(
                "ParentId",
                "Parent ID",
                &[
                    "Case",
                    "Account",
                    "Contact",
                    "User",
                    "CollaborationGroup",
                    "Opportunity",
                ],
                "Parent",
                None,
            )
            .system(),
            FieldDef::textarea("CommentBody", "Comment Body", 10000).required(),
        ]),
    )
}

fn feed_like() -> ObjectDef {
    ObjectDef::new(
        "FeedLike",
        "Feed Like",
        "Feed Likes",
        "0I0",
        with_system(vec![
            FieldDef::lookup(
                "FeedItemId",
                "Feed Item ID",
                "FeedItem",
                "FeedItem",
                Some("FeedLikes"),
            )
            .required()
            .create_only(),
        ]),
    )
}

fn collaboration_group() -> ObjectDef {
    ObjectDef::new(
        "CollaborationGroup",
        "Group",
        "Groups",
        "0F9",
        with_system(vec![
            FieldDef::text("Name", "Name", 40)
                .required()
                .name_field()
                .unique(),
            FieldDef::textarea("Description", "Description", 1000),
            FieldDef::picklist(
                "CollaborationType",
                "Access Type",
                &["Public", "Private", "Unlisted"],
            )
            .restricted()
            .default_to(json!("Public")),
            FieldDef::int("MemberCount", "Member Count").system(),
            FieldDef::boolean("IsArchived", "Archived", false),
            owner(),
        ]),
    )
}

fn collaboration_group_member() -> ObjectDef {
    ObjectDef::new(
        "CollaborationGroupMember",
        "Group Member",
        "Group Members",
        "0FB",
        with_system(vec![
            FieldDef::lookup(
                "CollaborationGroupId",
                "Group ID",
                "CollaborationGroup",
                "CollaborationGroup",
                Some("GroupMembers"),
            )
            .required()
            .create_only(),
            FieldDef::lookup("MemberId", "Member ID", "User", "Member", None)
                .required()
                .create_only(),
            FieldDef::picklist(
                "CollaborationRole",
                "Collaboration Role",
                &["Standard", "Admin"],
            )
            .restricted()
            .default_to(json!("Standard")),
        ]),
    )
}

fn topic() -> ObjectDef {
    ObjectDef::new(
        "Topic",
        "Topic",
        "Topics",
        "0TO",
        with_system(vec![
            FieldDef::text("Name", "Name", 99)
                .required()
                .name_field()
                .unique(),
            FieldDef::textarea("Description", "Description", 1000),
            FieldDef::int("TalkingAbout", "Talking About").system(),
        ]),
    )
}

fn topic_assignment() -> ObjectDef {
    ObjectDef::new(
        "TopicAssignment",
        "Topic Assignment",
        "Topic Assignments",
        "0FT",
        with_system(vec![
            FieldDef::lookup(
                "TopicId",
                "Topic ID",
                "Topic",
                "Topic",
                Some("TopicAssignments"),
            )
            .required()
            .create_only(),
            FieldDef::polymorphic(
                "EntityId",
                "Entity ID",
                &["Case", "Account", "FeedItem", "Knowledge__kav"],
                "Entity",
                Some("TopicAssignments"),
            )
            .required()
            .create_only(),
        ]),
    )
}

fn knowledge_article() -> ObjectDef {
    ObjectDef::new(
        "KnowledgeArticle",
        "Knowledge Article",
        "Knowledge Articles",
        "kA0",
        with_system(vec![
            FieldDef::text("ArticleNumber", "Article Number", 30)
                .auto_number()
                .name_field(),
            FieldDef::datetime("FirstPublishedDate", "First Published Date").system(),
            FieldDef::datetime("LastPublishedDate", "Last Published Date").system(),
            FieldDef::datetime("ArchivedDate", "Archived Date").system(),
            FieldDef::int("TotalViewCount", "Total View Count").system(),
        ]),
    )
    .read_only()
}

fn knowledge_article_version() -> ObjectDef {
    ObjectDef::new(
        "Knowledge__kav",
        "Knowledge",
        "Knowledge",
        "ka0",
        with_system(vec![
            FieldDef::text("Title", "Title", 255)
                .required()
                .name_field(),
            FieldDef::text("UrlName", "URL Name", 255).required(),
            FieldDef::textarea("Summary", "Summary", 1000),
            FieldDef::textarea("Content__c", "Content", 131072),
            FieldDef::lookup(
                "KnowledgeArticleId",
                "Knowledge Article ID",
                "KnowledgeArticle",
                "KnowledgeArticle",
                Some("Versions"),
            )
            .system(),
            FieldDef::text("ArticleNumber", "Article Number", 30).system(),
            FieldDef::picklist(
                "PublishStatus",
                "Publication Status",
                ARTICLE_PUBLISH_STATUSES,
            )
            .restricted()
            .system(),
            FieldDef::int("VersionNumber", "Version Number").system(),
            FieldDef::boolean("IsLatestVersion", "Is Latest Version", true).system(),
            FieldDef::picklist("Language", "Language", &["en_US"]).default_to(json!("en_US")),
            FieldDef::datetime("LastPublishedDate", "Last Published Date").system(),
            FieldDef::datetime("ArticleCreatedDate", "Article Created Date").system(),
            FieldDef::boolean("IsVisibleInApp", "Visible In Internal App", true),
            FieldDef::boolean("IsVisibleInPkb", "Visible In Public Knowledge Base", true),
            FieldDef::boolean("IsVisibleInCsp", "Visible to Customer", true),
            FieldDef::boolean("IsVisibleInPrm", "Visible to Partner", false),
            FieldDef::lookup(
                "SourceId",
                "Source ID",
                "Case",
                "Source",
                Some("KnowledgeArticles"),
            ),
            FieldDef::int("ArticleTotalViewCount", "Article Total View Count").system(),
        ]),
    )
}

fn copilot_interaction() -> ObjectDef {
    ObjectDef::new(
        "Copilot_Interaction__c",
        "Copilot Interaction",
        "Copilot Interactions",
        "a0C",
        with_system(vec![
            FieldDef::text("Name", "Interaction Number", 80)
                .auto_number()
                .name_field(),
            FieldDef::picklist("Outcome__c", "Outcome", INTERACTION_OUTCOMES)
                .required()
                .restricted(),
            FieldDef::picklist("Severity__c", "Severity", INTERACTION_SEVERITIES).restricted(),
            FieldDef::picklist("Channel__c", "Channel", INTERACTION_CHANNELS).restricted(),
            FieldDef::text("Topic__c", "Topic", 255),
            FieldDef::textarea("Summary__c", "Summary", 5000),
            FieldDef::double("KB_Articles_Shown__c", "KB Articles Shown", 4, 0)
                .default_to(json!(0)),
            FieldDef::lookup(
                "Case__c",
                "Case",
                "Case",
                "Case__r",
                Some("Copilot_Interactions__r"),
            ),
            FieldDef::text("Conversation_Id__c", "Conversation Id", 255),
            FieldDef::email("User_Email__c", "User Email"),
            owner(),
        ]),
    )
}

fn report() -> ObjectDef {
    ObjectDef::new(
        "Report",
        "Report",
        "Reports",
        "00O",
        with_system(vec![
            FieldDef::text("Name", "Report Name", 40)
                .required()
                .name_field(),
            FieldDef::text("DeveloperName", "Report Unique Name", 80).required(),
            FieldDef::text("FolderName", "Folder Name", 80).system(),
            FieldDef::picklist("Format", "Format", &["Tabular", "Summary", "Matrix"]).system(),
            FieldDef::textarea("Description", "Description", 255),
            FieldDef::datetime("LastRunDate", "Last Run").system(),
        ]),
    )
    .read_only()
}

fn dashboard() -> ObjectDef {
    ObjectDef::new(
        "Dashboard",
        "Dashboard",
        "Dashboards",
        "01Z",
        with_system(vec![
            FieldDef::text("Title", "Title", 80).required().name_field(),
            FieldDef::text("DeveloperName", "Dashboard Unique Name", 80).required(),
            FieldDef::text("FolderName", "Folder Name", 80).system(),
            FieldDef::textarea("Description", "Description", 255),
            FieldDef::datetime("LastRefreshDate", "Last Refresh Date").system(),
        ]),
    )
    .read_only()
}

/// The Tooling object the connector's synonym tools use. Salesforce documents synonyms only through
/// the Metadata API; the demo org serves this object so those tools can be exercised, and marks
/// its responses as undocumented (see the tooling routes).
fn search_synonym_group() -> ObjectDef {
    ObjectDef::new(
        "SearchSynonymGroup",
        "Search Synonym Group",
        "Search Synonym Groups",
        "0Sg",
        vec![
            FieldDef::id(),
            FieldDef::text("GroupName", "Group Name", 80)
                .required()
                .name_field(),
            FieldDef::textarea("Synonyms", "Synonyms", 3000).required(),
            FieldDef::datetime("CreatedDate", "Created Date").system(),
            FieldDef::datetime("LastModifiedDate", "Last Modified Date").system(),
        ],
    )
    .tooling()
}

/// The schema of the demo org.
pub fn demo_schema() -> Schema {
    Schema::new(vec![
        user(),
        account(),
        contact(),
        opportunity(),
        case(),
        case_comment(),
        email_message(),
        feed_item(),
        feed_comment(),
        feed_like(),
        collaboration_group(),
        collaboration_group_member(),
        topic(),
        topic_assignment(),
        knowledge_article(),
        knowledge_article_version(),
        copilot_interaction(),
        report(),
        dashboard(),
        search_synonym_group(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_relationships_are_derived_from_lookups() {
        let schema = demo_schema();
        let case = schema.object("case").expect("Case");
        let comments = case
            .child_relationship("casecomments")
            .expect("CaseComments");
        assert_eq!(comments.child_sobject, "CaseComment");
        assert_eq!(comments.field, "ParentId");
        assert!(case.child_relationship("EmailMessages").is_some());
        assert!(case.child_relationship("Feeds").is_some());
        let account = schema.object("Account").expect("Account");
        assert!(account.child_relationship("Cases").is_some());
        assert!(account.child_relationship("Contacts").is_some());
    }

    #[test]
    fn lookups_by_prefix_and_relationship() {
        let schema = demo_schema();
        assert_eq!(
            schema
                .object_for_id("500Dm0000000001AAA")
                .map(|o| o.name.as_str()),
            Some("Case")
        );
        let case = schema.object("Case").expect("Case");
        assert_eq!(
            case.relationship("account").map(|f| f.name.as_str()),
            Some("AccountId")
        );
        assert_eq!(
            case.relationship("CreatedBy").map(|f| f.name.as_str()),
            Some("CreatedById")
        );
        let interaction = schema
            .object("Copilot_Interaction__c")
            .expect("interaction");
        assert_eq!(
            interaction.relationship("Case__r").map(|f| f.name.as_str()),
            Some("Case__c")
        );
    }

    #[test]
    fn key_prefixes_are_unique() {
        let schema = demo_schema();
        let mut prefixes: Vec<&str> = schema.objects().map(|o| o.key_prefix.as_str()).collect();
        let count = prefixes.len();
        prefixes.sort_unstable();
        prefixes.dedup();
        assert_eq!(prefixes.len(), count);
    }
}
