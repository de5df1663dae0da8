//! WHERE: operators, LIKE, IN, nulls, booleans, logic, literals and date literals.

use serde_json::{Value, json};

use super::{Demo, insert};

fn names(demo: &Demo, filter: &str) -> Vec<String> {
    demo.column(
        &format!("SELECT Name FROM Account WHERE {filter} ORDER BY Name"),
        "Name",
    )
    .into_iter()
    .map(|v| v.as_str().unwrap_or_default().to_owned())
    .collect()
}

fn subjects(demo: &Demo, filter: &str) -> Vec<String> {
    demo.subjects(&format!(
        "SELECT Subject FROM Case WHERE {filter} ORDER BY CaseNumber"
    ))
}

#[test]
fn comparison_operators_on_numbers() {
    let demo = Demo::new();
    assert_eq!(names(&demo, "NumberOfEmployees = 250"), ["Zava"]);
    assert_eq!(
        names(&demo, "NumberOfEmployees != 250"),
        ["Contoso", "fabrikam"]
    );
    assert_eq!(
        names(&demo, "NumberOfEmployees <> 250"),
        ["Contoso", "fabrikam"]
    );
    assert_eq!(names(&demo, "NumberOfEmployees < 250"), ["Contoso"]);
    assert_eq!(
        names(&demo, "NumberOfEmployees <= 250"),
        ["Contoso", "Zava"]
    );
    assert_eq!(names(&demo, "NumberOfEmployees > 40"), ["Zava"]);
    assert_eq!(names(&demo, "NumberOfEmployees >= 40"), ["Contoso", "Zava"]);
    assert_eq!(names(&demo, "NumberOfEmployees > -1"), ["Contoso", "Zava"]);
    assert_eq!(names(&demo, "AnnualRevenue > 1000000.25"), ["Zava"]);
}

#[test]
fn text_comparisons_ignore_case() {
    let demo = Demo::new();
    assert_eq!(names(&demo, "Name = 'zAVA'"), ["Zava"]);
    assert_eq!(names(&demo, "Name != 'ZAVA'"), ["Contoso", "fabrikam"]);
    assert_eq!(names(&demo, "Name > 'D'"), ["fabrikam", "Zava"]);
    assert_eq!(names(&demo, "Name <= 'FABRIKAM'"), ["Contoso", "fabrikam"]);
    assert_eq!(subjects(&demo, "Status = 'new'").len(), 3);
}

#[test]
fn like_matches_wildcards_ignoring_case() {
    let demo = Demo::new();
    assert_eq!(subjects(&demo, "Subject LIKE '%JAM%'"), ["Printer jam"]);
    assert_eq!(subjects(&demo, "Subject LIKE '_PN%'"), ["VPN timeout"]);
    assert_eq!(subjects(&demo, "Subject LIKE 'it\\'s%'"), ["It's billing"]);
    assert_eq!(
        subjects(&demo, "NOT Subject LIKE '%e%'"),
        ["It's billing", "Orphan"]
    );
    assert_eq!(
        subjects(&demo, "Account.Name LIKE 'con%'"),
        ["It's billing"]
    );
}

#[test]
fn in_and_not_in() {
    let demo = Demo::new();
    assert_eq!(
        subjects(&demo, "Priority IN ('high', 'Low')"),
        ["Printer jam", "Closed issue", "Fresh case"]
    );
    // NOT IN keeps nulls, as != does.
    assert_eq!(
        subjects(&demo, "Priority NOT IN ('High', 'Low')"),
        ["VPN timeout", "It's billing", "Orphan"]
    );
    assert_eq!(
        subjects(&demo, "Priority IN ('Medium', null)"),
        ["It's billing", "Orphan"]
    );
    assert_eq!(
        names(&demo, "NumberOfEmployees IN (40, 250)"),
        ["Contoso", "Zava"]
    );
}

#[test]
fn null_handling() {
    let demo = Demo::new();
    assert_eq!(subjects(&demo, "Priority = null"), ["Orphan"]);
    assert_eq!(subjects(&demo, "Priority != null").len(), 5);
    assert_eq!(subjects(&demo, "Account.Name = null"), ["Orphan"]);
    assert_eq!(
        subjects(&demo, "Account.Industry != 'Technology'"),
        ["It's billing", "Orphan"]
    );
    // Ordering operators never match null.
    assert_eq!(subjects(&demo, "Priority < 'zzz'").len(), 5);
    assert_eq!(names(&demo, "NumberOfEmployees = null"), ["fabrikam"]);
}

#[test]
fn booleans() {
    let demo = Demo::new();
    assert_eq!(subjects(&demo, "IsEscalated = true"), ["It's billing"]);
    assert_eq!(subjects(&demo, "IsEscalated = FALSE").len(), 5);
    assert_eq!(subjects(&demo, "IsEscalated != true").len(), 5);
}

#[test]
fn and_or_not_and_parentheses() {
    let demo = Demo::new();
    assert_eq!(
        subjects(
            &demo,
            "(Status = 'New' OR Status = 'Working') AND Priority != 'Low'"
        ),
        ["VPN timeout", "Fresh case", "Orphan"]
    );
    assert_eq!(
        subjects(&demo, "NOT (Status = 'New')"),
        ["VPN timeout", "Closed issue", "It's billing"]
    );
    assert_eq!(
        subjects(
            &demo,
            "Status = 'Closed' OR (Status = 'New' AND Origin = 'Email')"
        ),
        ["Closed issue", "Fresh case", "Orphan"]
    );
}

#[test]
fn string_literal_escapes() {
    let mut demo = Demo::new();
    insert(
        &mut demo.org,
        "Account",
        json!({"Name": "Back\\slash \"quoted\"\nline"}),
    );
    assert_eq!(
        subjects(&demo, "Subject = 'It\\'s billing'"),
        ["It's billing"]
    );
    assert_eq!(
        names(&demo, "Name = 'Back\\\\slash \\\"quoted\\\"\\nline'").len(),
        1
    );
    assert_eq!(names(&demo, "Name LIKE 'Back\\\\%'").len(), 1);
}

#[test]
fn datetime_literals_with_zones() {
    let demo = Demo::new();
    assert_eq!(
        subjects(&demo, "CreatedDate >= 2026-11-12T00:00:00Z"),
        ["VPN timeout", "Fresh case"]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate = 2026-11-10T09:00:00Z"),
        ["Printer jam"]
    );
    // 10:00+01:00 is 09:00Z: case 1 was created at exactly that instant.
    assert_eq!(
        subjects(&demo, "CreatedDate < 2026-11-10T10:00:00+01:00"),
        ["Closed issue", "It's billing", "Orphan"]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate <= 2026-11-10T10:00:00+01:00"),
        ["Printer jam", "Closed issue", "It's billing", "Orphan"]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate > 2026-11-17T08:00:00.000+0000"),
        ["Fresh case"]
    );
}

#[test]
fn date_literals_on_datetime_fields() {
    let demo = Demo::new();
    assert_eq!(subjects(&demo, "CreatedDate = YESTERDAY"), ["Fresh case"]);
    assert_eq!(subjects(&demo, "CreatedDate = TODAY"), Vec::<String>::new());
    assert_eq!(subjects(&demo, "CreatedDate = THIS_WEEK"), ["Fresh case"]);
    assert_eq!(
        subjects(&demo, "CreatedDate = LAST_WEEK"),
        ["Printer jam", "VPN timeout"]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate = LAST_MONTH"),
        ["It's billing"]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate < LAST_N_DAYS:2"),
        [
            "Printer jam",
            "VPN timeout",
            "Closed issue",
            "It's billing",
            "Orphan"
        ]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate = LAST_N_DAYS:7"),
        ["VPN timeout", "Fresh case"]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate > LAST_N_DAYS:30"),
        Vec::<String>::new()
    );
    assert_eq!(
        subjects(&demo, "CreatedDate = N_DAYS_AGO:6"),
        ["VPN timeout"]
    );
    assert_eq!(
        subjects(&demo, "CreatedDate >= THIS_MONTH"),
        ["Printer jam", "VPN timeout", "Closed issue", "Fresh case"]
    );
    assert_eq!(subjects(&demo, "CreatedDate = N_MONTHS_AGO:2"), ["Orphan"]);
}

/// Opportunities named after their CloseDate.
fn with_opportunities(demo: &mut Demo) {
    for day in [
        "2025-12-31",
        "2026-01-01",
        "2026-08-19",
        "2026-08-20",
        "2026-10-31",
        "2026-11-01",
        "2026-11-14",
        "2026-11-15",
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-12-01",
    ] {
        insert(
            &mut demo.org,
            "Opportunity",
            json!({"Name": day, "CloseDate": day, "StageName": "Prospecting"}),
        );
    }
}

#[test]
fn date_literals_on_date_fields() {
    let mut demo = Demo::new();
    with_opportunities(&mut demo);
    let closing = |filter: &str| -> Vec<Value> {
        demo.column(
            &format!("SELECT Name FROM Opportunity WHERE CloseDate {filter} ORDER BY CloseDate"),
            "Name",
        )
    };
    let days = |list: &[&str]| -> Vec<Value> { list.iter().map(|d| json!(d)).collect() };
    assert_eq!(closing("= TODAY"), days(&["2026-11-18"]));
    assert_eq!(closing("= 2026-11-18"), days(&["2026-11-18"]));
    assert_eq!(closing("= YESTERDAY"), days(&["2026-11-17"]));
    assert_eq!(closing("= TOMORROW"), days(&["2026-11-19"]));
    assert_eq!(
        closing("= LAST_N_DAYS:3"),
        days(&["2026-11-15", "2026-11-17", "2026-11-18"])
    );
    assert_eq!(closing("= NEXT_N_DAYS:1"), days(&["2026-11-19"]));
    assert_eq!(closing("= N_DAYS_AGO:4"), days(&["2026-11-14"]));
    assert_eq!(
        closing("= THIS_WEEK"),
        days(&["2026-11-15", "2026-11-17", "2026-11-18", "2026-11-19"])
    );
    assert_eq!(closing("= LAST_WEEK"), days(&["2026-11-14"]));
    assert_eq!(
        closing("= THIS_MONTH"),
        days(&[
            "2026-11-01",
            "2026-11-14",
            "2026-11-15",
            "2026-11-17",
            "2026-11-18",
            "2026-11-19"
        ])
    );
    assert_eq!(closing("= LAST_MONTH"), days(&["2026-10-31"]));
    assert_eq!(closing("= NEXT_MONTH"), days(&["2026-12-01"]));
    assert_eq!(closing("= THIS_YEAR").len(), 11);
    assert_eq!(closing("= LAST_YEAR"), days(&["2025-12-31"]));
    assert_eq!(closing("!= THIS_YEAR"), days(&["2025-12-31"]));
    assert_eq!(
        closing("= LAST_90_DAYS"),
        days(&[
            "2026-08-20",
            "2026-10-31",
            "2026-11-01",
            "2026-11-14",
            "2026-11-15",
            "2026-11-17",
            "2026-11-18"
        ])
    );
    // `<` is before the range starts, `>` after it ends; `<=`/`>=` include the range.
    let before_november = days(&[
        "2025-12-31",
        "2026-01-01",
        "2026-08-19",
        "2026-08-20",
        "2026-10-31",
    ]);
    assert_eq!(closing("< THIS_MONTH"), before_november);
    assert_eq!(closing("<= LAST_MONTH"), before_november);
    assert_eq!(closing("> THIS_MONTH"), days(&["2026-12-01"]));
    assert_eq!(
        closing(">= TODAY"),
        days(&["2026-11-18", "2026-11-19", "2026-12-01"])
    );
}

#[test]
fn date_functions_in_where() {
    let demo = Demo::new();
    assert_eq!(
        subjects(&demo, "CALENDAR_MONTH(CreatedDate) = 11"),
        ["Printer jam", "VPN timeout", "Closed issue", "Fresh case"]
    );
    assert_eq!(
        subjects(&demo, "DAY_ONLY(CreatedDate) = 2026-11-17"),
        ["Fresh case"]
    );
}
