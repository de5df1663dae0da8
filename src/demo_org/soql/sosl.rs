//! SOSL: `FIND {term} [IN ALL|NAME|EMAIL|PHONE FIELDS] [RETURNING Object(fields [WHERE …]
//! [ORDER BY …] [LIMIT n] [OFFSET n]), …] [LIMIT n]`. The RETURNING items are planned and shaped
//! like SOQL queries; the term decides which records they start from.

use serde_json::Value;

use super::ast::{Expr, Ident, Query, SelectItem};
use super::error::{INVALID_TYPE, MALFORMED_QUERY, MALFORMED_SEARCH, Source, unsupported_sobject};
use super::eval;
use super::lexer::{TokenKind, tokenize};
use super::parser::Parser;
use super::path::Reader;
use super::plan::{Planner, RecordsPlan};
use super::relevance::{text_score, words};
use super::search_term::Term;
use super::{QueryOptions, SoqlError};
use crate::demo_org::schema::{FieldDef, FieldType, ObjectDef};
use crate::demo_org::store::{OrgData, Record};

/// The most records a search returns, whatever its LIMIT says.
const MAX_RESULTS: usize = 2000;

const NO_TERM: &str = "No search term found. The search term must be enclosed in braces.";

/// Which fields the term is looked for in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    All,
    Name,
    Email,
    Phone,
}

impl Scope {
    fn includes(self, field: &FieldDef) -> bool {
        match self {
            Scope::All => matches!(
                field.field_type,
                FieldType::String
                    | FieldType::TextArea
                    | FieldType::Email
                    | FieldType::Phone
                    | FieldType::Url
                    | FieldType::Picklist
                    | FieldType::MultiPicklist
            ),
            Scope::Name => field.name_field,
            Scope::Email => field.field_type == FieldType::Email,
            Scope::Phone => field.field_type == FieldType::Phone,
        }
    }
}

/// A parsed search, before planning.
struct Statement {
    term: Term,
    /// The term as written between the braces, for relevance scores.
    term_text: String,
    scope: Scope,
    /// One query per RETURNING item; empty for "every searchable object".
    returning: Vec<Query>,
    limit: Option<usize>,
}

/// Runs a SOSL search and returns its `searchRecords`.
pub fn search(org: &OrgData, sosl: &str, options: &QueryOptions) -> Result<Vec<Value>, SoqlError> {
    let (term_text, after_term) = find_term(sosl)?;
    let tokens = tokenize(sosl, after_term).map_err(as_search_error)?;
    let source = Source { text: sosl, tokens };
    let statement = parse(&source, term_text)?;
    let planner = Planner {
        schema: &org.schema,
        source: &source,
        today: options.now.date_naive(),
        tooling: false,
        malformed: MALFORMED_SEARCH,
    };
    let targets = if statement.returning.is_empty() {
        everything(&planner)
    } else {
        statement
            .returning
            .iter()
            .map(|q| target(&planner, q))
            .collect::<Result<_, _>>()?
    };
    let reader = Reader::new(org, options);
    let limit = statement.limit.unwrap_or(MAX_RESULTS).min(MAX_RESULTS);
    let mut results = Vec::new();
    for plan in &targets {
        if results.len() >= limit {
            break;
        }
        let rows = matching(&statement, plan, &reader);
        let rows = plan.page.apply(rows);
        results.extend(eval::render(plan, &rows, &reader, &options.sobjects_base));
    }
    results.truncate(limit);
    Ok(results)
}

/// The text between the braces after FIND, and the byte offset just past the closing brace.
fn find_term(sosl: &str) -> Result<(String, usize), SoqlError> {
    let trimmed = sosl.trim_start();
    let start = sosl.len() - trimmed.len();
    let keyword = trimmed.get(..4).filter(|k| k.eq_ignore_ascii_case("FIND"));
    let after_keyword = trimmed.get(4..).unwrap_or_default();
    if keyword.is_none() || after_keyword.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        let word: String = trimmed.chars().take_while(|c| !c.is_whitespace()).collect();
        return Err(SoqlError::new(
            MALFORMED_SEARCH,
            format!("unexpected token: {word}"),
        ));
    }
    let rest = after_keyword.trim_start();
    let open = start + 4 + (after_keyword.len() - rest.len());
    if !rest.starts_with('{') {
        return Err(SoqlError::new(MALFORMED_SEARCH, NO_TERM));
    }
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '}' => {
                let term = rest.get(1..i).unwrap_or_default().to_owned();
                return Ok((term, open + i + 1));
            }
            _ => {}
        }
    }
    Err(SoqlError::new(MALFORMED_SEARCH, NO_TERM))
}

fn as_search_error(error: SoqlError) -> SoqlError {
    if error.error_code == MALFORMED_QUERY {
        SoqlError::new(MALFORMED_SEARCH, error.message)
    } else {
        error
    }
}

fn parse(source: &Source<'_>, term_text: String) -> Result<Statement, SoqlError> {
    let term = Term::parse(&term_text)
        .filter(|t| t.literal_len() >= 2)
        .ok_or_else(|| {
            SoqlError::new(
                MALFORMED_SEARCH,
                format!(
                    "search term must be longer than one character: {}",
                    term_text.trim()
                ),
            )
        })?;
    let mut parser = Parser::new(source, MALFORMED_SEARCH);
    let mut scope = Scope::All;
    if parser.eat_keyword("IN") {
        scope = if parser.eat_keyword("ALL") {
            Scope::All
        } else if parser.eat_keyword("NAME") || parser.eat_keyword("SIDEBAR") {
            Scope::Name
        } else if parser.eat_keyword("EMAIL") {
            Scope::Email
        } else if parser.eat_keyword("PHONE") {
            Scope::Phone
        } else {
            return Err(parser.unexpected());
        };
        parser.expect_keyword("FIELDS")?;
    }
    let mut returning = Vec::new();
    if parser.eat_keyword("RETURNING") {
        loop {
            returning.push(returning_item(&mut parser)?);
            if !parser.eat(&TokenKind::Comma) {
                break;
            }
        }
    }
    let limit = parser
        .count_clause("LIMIT")?
        .map(|c| usize::try_from(c.value).unwrap_or(usize::MAX));
    parser.expect_end()?;
    Ok(Statement {
        term,
        term_text,
        scope,
        returning,
        limit,
    })
}

/// `Account(Id, Name WHERE … ORDER BY … LIMIT n OFFSET n)`, or just `Account` (which returns Id).
fn returning_item(parser: &mut Parser<'_>) -> Result<Query, SoqlError> {
    let from = parser.ident()?;
    let mut query = select_id(from);
    if parser.eat(&TokenKind::LParen) {
        query.select = parser.select_list()?;
        if parser.eat_keyword("WHERE") {
            query.filter = Some(parser.condition()?);
        }
        query.order_by = parser.order_by()?;
        query.limit = parser.count_clause("LIMIT")?;
        query.offset = parser.count_clause("OFFSET")?;
        parser.expect(&TokenKind::RParen)?;
    }
    Ok(query)
}

/// `SELECT Id FROM <from>`.
fn select_id(from: Ident) -> Query {
    Query {
        select: vec![SelectItem::Expr {
            expr: Expr::Path(Ident {
                name: "Id".to_owned(),
                at: from.at,
            }),
            alias: None,
        }],
        from,
        filter: None,
        group_by: Vec::new(),
        having: None,
        order_by: Vec::new(),
        limit: None,
        offset: None,
    }
}

fn target<'s>(planner: &Planner<'s, '_>, query: &Query) -> Result<RecordsPlan<'s>, SoqlError> {
    let object = planner.object(&query.from)?;
    if !object.searchable {
        return Err(planner.source.error(
            INVALID_TYPE,
            query.from.at,
            unsupported_sobject(&query.from.name),
        ));
    }
    planner.records(object, query, true)
}

/// Every searchable data object, returning Id.
fn everything<'s>(planner: &Planner<'s, '_>) -> Vec<RecordsPlan<'s>> {
    planner
        .schema
        .objects()
        .filter(|o| o.searchable && !o.tooling && o.queryable)
        .filter_map(|o| {
            let query = select_id(Ident {
                name: o.name.clone(),
                at: 0,
            });
            planner.records(o, &query, true).ok()
        })
        .collect()
}

/// The searched fields of an object, name fields first (they weigh most in relevance).
fn searched_fields(object: &ObjectDef, scope: Scope) -> Vec<&FieldDef> {
    let mut fields: Vec<&FieldDef> = object.fields.iter().filter(|f| scope.includes(f)).collect();
    fields.sort_by_key(|f| !f.name_field);
    fields
}

/// The records of a RETURNING item that match the term and its WHERE, in ORDER BY order or
/// else by relevance.
fn matching<'r>(
    statement: &Statement,
    plan: &RecordsPlan<'_>,
    reader: &Reader<'r>,
) -> Vec<&'r Record> {
    let fields = searched_fields(plan.selection.object, statement.scope);
    let mut scored: Vec<(&'r Record, f64)> = Vec::new();
    for record in reader.scan(plan.selection.object) {
        let texts: Vec<&str> = fields
            .iter()
            .map(|f| record.get(&f.name).as_str().unwrap_or_default())
            .collect();
        let field_words: Vec<Vec<String>> = texts.iter().map(|t| words(t).collect()).collect();
        if statement.term.matches(&field_words) && plan.selection.accepts(reader, record) {
            scored.push((record, text_score(&statement.term_text, &texts)));
        }
    }
    if plan.order.is_empty() {
        scored.sort_by(|(_, a), (_, b)| b.total_cmp(a));
        return scored.into_iter().map(|(record, _)| record).collect();
    }
    let rows = scored.into_iter().map(|(record, _)| record).collect();
    eval::sort(rows, &plan.order, reader)
}
