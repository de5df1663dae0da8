//! The support problems the seeded org revolves around. Cases, their comments and emails,
//! Knowledge articles, Chatter posts and Copilot interactions are all written from these themes,
//! so that a search for a case's problem finds the article that solves it.

pub struct ProblemTheme {
    /// Short stable key, e.g. `dashboard-performance`.
    pub key: &'static str,
    /// Case.Type
    pub case_type: &'static str,
    /// Case.Reason
    pub reason: &'static str,
    /// Case subjects customers write for this problem.
    pub subjects: &'static [&'static str],
    /// A case description; `{product}` is replaced by a product name.
    pub description: &'static str,
    /// The Knowledge article that covers the problem (`None`: no article yet, a KB gap).
    pub article: Option<ArticleText>,
    /// Words an agent or a search would use for this problem.
    pub keywords: &'static [&'static str],
    /// Copilot_Interaction__c.Topic__c for conversations about it.
    pub topic: &'static str,
}

pub struct ArticleText {
    pub title: &'static str,
    pub url_name: &'static str,
    pub summary: &'static str,
    /// HTML body with Problem / Cause / Resolution sections.
    pub body: &'static str,
}

pub const PRODUCTS: &[&str] = &["Contoso Analytics", "Contoso Connect", "Contoso Mobile"];

pub const THEMES: &[ProblemTheme] = &[
    ProblemTheme {
        key: "dashboard-performance",
        case_type: "Problem",
        reason: "Performance",
        subjects: &[
            "Dashboard takes over a minute to load",
            "Slow load times in dashboard view",
            "Dashboard widgets time out",
        ],
        description: "Customer reports slow load times in the dashboard view of {product}. Dashboards with more than ten widgets take 60-90 seconds to render; smaller dashboards are fine. Started after adding date filters. Already tried clearing the browser cache.",
        article: Some(ArticleText {
            title: "Resolving slow dashboard load times",
            url_name: "resolving-slow-dashboard-load-times",
            summary: "Dashboards with many widgets or unindexed date filters load slowly; enable cached snapshots and index the filter fields.",
            body: "<h2>Problem</h2><p>Dashboards with many widgets load slowly or time out.</p><h2>Cause</h2><p>Each widget runs its own query; date filters on unindexed fields force full scans.</p><h2>Resolution</h2><ol><li>Enable cached snapshots for the dashboard.</li><li>Index the fields used in date filters.</li><li>Split dashboards with more than ten widgets.</li></ol>",
        }),
        keywords: &[
            "dashboard",
            "slow",
            "performance",
            "load",
            "widgets",
            "timeout",
        ],
        topic: "Dashboard performance",
    },
    ProblemTheme {
        key: "sso-login",
        case_type: "Problem",
        reason: "Connectivity",
        subjects: &[
            "Users cannot log in with SSO",
            "SAML login fails with invalid assertion",
            "Single sign-on redirect loop",
        ],
        description: "Since this morning users of {product} are sent back to the login page after the identity provider signs them in. The SAML response shows 'Invalid assertion: audience mismatch'. Password login for admins still works.",
        article: Some(ArticleText {
            title: "Fixing SSO login failures caused by SAML audience mismatch",
            url_name: "fixing-sso-login-failures-saml-audience",
            summary: "An 'Invalid assertion' SSO error usually means the identity provider's audience or certificate changed.",
            body: "<h2>Problem</h2><p>Users loop back to the login page after SSO.</p><h2>Cause</h2><p>The SAML audience (entity id) or signing certificate at the identity provider no longer matches the configuration.</p><h2>Resolution</h2><ol><li>Compare the entity id in the SAML response with the SSO settings.</li><li>Upload the identity provider's current signing certificate.</li><li>Test with one user before re-enabling for all.</li></ol>",
        }),
        keywords: &["sso", "saml", "login", "assertion", "identity", "sign-on"],
        topic: "Login and SSO",
    },
    ProblemTheme {
        key: "data-import",
        case_type: "Problem",
        reason: "Configuration",
        subjects: &[
            "CSV import fails with date format error",
            "Data import rejects rows",
            "Import wizard stops at 50%",
        ],
        description: "The import wizard in {product} rejects about a third of the rows of a 20,000-row CSV with 'Invalid date'. The file uses day/month/year dates exported from the old system.",
        article: Some(ArticleText {
            title: "Import fails with invalid date errors",
            url_name: "import-fails-invalid-date-errors",
            summary: "The importer expects ISO dates (YYYY-MM-DD) unless the import locale is set; set the locale or convert the column.",
            body: "<h2>Problem</h2><p>Rows are rejected with 'Invalid date' during CSV import.</p><h2>Cause</h2><p>The importer parses dates with the organisation's locale unless the file declares one.</p><h2>Resolution</h2><ol><li>Set the import locale to the one the file was exported with, or</li><li>convert the date columns to YYYY-MM-DD before importing.</li></ol>",
        }),
        keywords: &["import", "csv", "date", "format", "rows", "wizard"],
        topic: "Data import",
    },
    ProblemTheme {
        key: "mobile-crash",
        case_type: "Problem",
        reason: "Compatibility",
        subjects: &[
            "Mobile app crashes on startup",
            "App closes after the latest OS update",
            "Mobile app freezes on the sync screen",
        ],
        description: "{product} crashes right after the splash screen on phones updated to the latest OS version. Reinstalling did not help. Older devices are not affected.",
        article: Some(ArticleText {
            title: "Mobile app crashes after an OS update",
            url_name: "mobile-app-crashes-after-os-update",
            summary: "Versions of the app older than 8.2 are not compatible with the latest mobile OS; update the app and clear its offline cache.",
            body: "<h2>Problem</h2><p>The mobile app crashes on startup after an OS update.</p><h2>Cause</h2><p>App versions before 8.2 use a storage API the new OS removed.</p><h2>Resolution</h2><ol><li>Update the app to 8.2 or later.</li><li>Clear the app's offline cache under Settings.</li></ol>",
        }),
        keywords: &["mobile", "crash", "app", "startup", "update", "os"],
        topic: "Mobile app",
    },
    ProblemTheme {
        key: "connector-install",
        case_type: "Problem",
        reason: "Installation",
        subjects: &[
            "Desktop connector installation fails",
            "Installer error 1603 on Windows",
            "Cannot install the sync agent",
        ],
        description: "The desktop connector for {product} stops with error 1603 during installation on Windows 11 machines managed by group policy. A local administrator account gets the same error.",
        article: Some(ArticleText {
            title: "Installer error 1603 when installing the desktop connector",
            url_name: "installer-error-1603-desktop-connector",
            summary: "Error 1603 comes from a pending reboot or a blocked service account; reboot, then run the installer with the service account flag.",
            body: "<h2>Problem</h2><p>The desktop connector installer fails with error 1603.</p><h2>Cause</h2><p>A pending reboot or a group policy that blocks the connector's service account.</p><h2>Resolution</h2><ol><li>Reboot the machine.</li><li>Run the installer with <code>/serviceaccount=LocalSystem</code>.</li></ol>",
        }),
        keywords: &[
            "install",
            "installer",
            "1603",
            "connector",
            "windows",
            "setup",
        ],
        topic: "Installation",
    },
    ProblemTheme {
        key: "api-limits",
        case_type: "Problem",
        reason: "Performance",
        subjects: &[
            "Integration hits API request limit",
            "REQUEST_LIMIT_EXCEEDED in nightly sync",
            "API calls throttled during business hours",
        ],
        description: "Our nightly sync with {product} fails around 3am with REQUEST_LIMIT_EXCEEDED. The integration makes one call per record; volume doubled last month.",
        article: Some(ArticleText {
            title: "Avoiding API request limit errors in integrations",
            url_name: "avoiding-api-request-limit-errors",
            summary: "Batch record calls with composite or bulk requests and spread syncs over the day to stay within the daily API request limit.",
            body: "<h2>Problem</h2><p>Integrations fail with REQUEST_LIMIT_EXCEEDED.</p><h2>Cause</h2><p>One API call per record exhausts the rolling 24-hour limit.</p><h2>Resolution</h2><ol><li>Use composite or collection requests (up to 200 records per call).</li><li>Check usage with the limits resource before large jobs.</li></ol>",
        }),
        keywords: &[
            "api",
            "limit",
            "request",
            "throttled",
            "integration",
            "sync",
        ],
        topic: "API limits",
    },
    ProblemTheme {
        key: "email-notifications",
        case_type: "Problem",
        reason: "Configuration",
        subjects: &[
            "Email notifications not being sent",
            "Users stopped receiving alert emails",
            "Notification emails land in spam",
        ],
        description: "Alert emails from {product} stopped arriving for all users on Monday. Nothing changed on our side except a new mail gateway.",
        article: Some(ArticleText {
            title: "Notification emails are not delivered",
            url_name: "notification-emails-not-delivered",
            summary: "Check the deliverability setting, then allow the sending domain and its SPF/DKIM records at the mail gateway.",
            body: "<h2>Problem</h2><p>Users do not receive notification emails.</p><h2>Cause</h2><p>Deliverability is set to system email only, or a mail gateway rejects the sender.</p><h2>Resolution</h2><ol><li>Set deliverability to All email.</li><li>Allow the sending domain and publish SPF and DKIM records.</li></ol>",
        }),
        keywords: &[
            "email",
            "notification",
            "alerts",
            "spam",
            "deliverability",
            "gateway",
        ],
        topic: "Email notifications",
    },
    ProblemTheme {
        key: "report-export",
        case_type: "Problem",
        reason: "Performance",
        subjects: &[
            "Report export to Excel times out",
            "Large report export never finishes",
        ],
        description: "Exporting a 150,000-row report from {product} to Excel times out after 10 minutes. Smaller reports export fine.",
        article: None,
        keywords: &["report", "export", "excel", "timeout", "large"],
        topic: "Report export",
    },
    ProblemTheme {
        key: "vpn-connectivity",
        case_type: "Problem",
        reason: "Connectivity",
        subjects: &[
            "Cannot reach the service over VPN",
            "Connection resets behind corporate proxy",
        ],
        description: "Users connected through the corporate VPN get 'connection reset' when opening {product}; without VPN it works. The proxy performs TLS inspection.",
        article: Some(ArticleText {
            title: "Connection resets behind a TLS-inspecting proxy",
            url_name: "connection-resets-tls-inspecting-proxy",
            summary: "Add the service domains to the proxy's TLS inspection bypass list, or install the proxy's root certificate on clients.",
            body: "<h2>Problem</h2><p>Connections reset when going through a VPN or proxy.</p><h2>Cause</h2><p>TLS inspection replaces the certificate and certificate pinning rejects it.</p><h2>Resolution</h2><ol><li>Bypass TLS inspection for the service domains.</li><li>Or trust the proxy's root certificate on managed devices.</li></ol>",
        }),
        keywords: &["vpn", "proxy", "connection", "reset", "tls", "network"],
        topic: "Connectivity",
    },
    ProblemTheme {
        key: "dark-mode",
        case_type: "Feature Request",
        reason: "New Feature",
        subjects: &[
            "Request: dark mode for the web app",
            "Feature request: export dashboards to PDF",
            "Please add bulk edit for records",
        ],
        description: "Several users of {product} asked for this feature in our internal survey. It would save the team time every day.",
        article: None,
        keywords: &["feature", "request", "dark", "mode", "pdf", "bulk"],
        topic: "Feature requests",
    },
    ProblemTheme {
        key: "billing-question",
        case_type: "Question",
        reason: "Other",
        subjects: &[
            "Question about license renewal",
            "How are API add-on packs billed?",
            "Invoice shows more seats than we use",
        ],
        description: "We have a question about our {product} subscription and would like someone from billing to get back to us.",
        article: Some(ArticleText {
            title: "How licenses and add-on packs are billed",
            url_name: "how-licenses-and-add-ons-are-billed",
            summary: "Seats are billed on the highest number of active users in the billing period; add-on packs renew with the main subscription.",
            body: "<h2>Question</h2><p>How are seats and add-on packs billed?</p><h2>Answer</h2><p>Seats are billed on the peak number of active users in each period. Deactivate users before the period ends to reduce the count. Add-on packs renew with the main subscription.</p>",
        }),
        keywords: &[
            "billing",
            "license",
            "invoice",
            "seats",
            "renewal",
            "subscription",
        ],
        topic: "Billing",
    },
    ProblemTheme {
        key: "ui-feedback",
        case_type: "Question",
        reason: "Feedback",
        subjects: &[
            "Feedback on the new navigation",
            "The new layout is confusing",
        ],
        description: "Sharing feedback from our team on the redesigned navigation in {product}: the search box moved and people cannot find saved views.",
        article: None,
        keywords: &["feedback", "navigation", "layout", "search", "views"],
        topic: "Product feedback",
    },
];

/// The theme a case subject was written from, if any.
pub fn theme_for_subject(subject: &str) -> Option<&'static ProblemTheme> {
    THEMES.iter().find(|t| t.subjects.contains(&subject))
}
