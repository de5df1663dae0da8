//! How stored values compare: text case-insensitively, ids in their 18-character form, dates and
//! datetimes in one canonical text form (so comparing them is comparing strings), numbers and
//! booleans as themselves. Also LIKE patterns and the sort order of ORDER BY.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use crate::demo_org::ids;
use crate::demo_org::schema::{FieldDef, FieldType};
use crate::demo_org::store::{format_datetime, parse_date, parse_datetime};

/// How the values of a field (or of a function result) compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Id,
    Number,
    Bool,
    Date,
    DateTime,
}

impl ValueKind {
    pub fn of(field_type: FieldType) -> Self {
        match field_type {
            FieldType::Id | FieldType::Reference => Self::Id,
            FieldType::Boolean => Self::Bool,
            FieldType::Int | FieldType::Double | FieldType::Currency | FieldType::Percent => {
                Self::Number
            }
            FieldType::Date => Self::Date,
            FieldType::DateTime => Self::DateTime,
            FieldType::String
            | FieldType::TextArea
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Url
            | FieldType::Picklist
            | FieldType::MultiPicklist => Self::Text,
        }
    }
}

/// A value reduced to what comparisons need. Ids, dates and datetimes are canonical text.
#[derive(Clone, Debug, PartialEq)]
pub enum Comparable<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
}

/// The comparable form of a stored value, or `None` for null (or a value of the wrong shape).
pub fn comparable(kind: ValueKind, value: &Value) -> Option<Comparable<'_>> {
    match (kind, value) {
        (ValueKind::Number, v) => v.as_f64().map(Comparable::Number),
        (ValueKind::Bool, v) => v.as_bool().map(Comparable::Bool),
        (ValueKind::Text, Value::String(s)) => Some(Comparable::Text(Cow::Borrowed(s))),
        (ValueKind::Id, Value::String(s)) => Some(Comparable::Text(canonical_id(s))),
        (ValueKind::Date, Value::String(s)) => {
            Some(Comparable::Text(Cow::Borrowed(s.get(..10).unwrap_or(s))))
        }
        (ValueKind::DateTime, Value::String(s)) => canonical_datetime(s).map(Comparable::Text),
        _ => None,
    }
}

/// An id in its 18-character form; anything that is not an id stays as it is.
pub fn canonical_id(id: &str) -> Cow<'_, str> {
    if id.len() == 15
        && let Some(long) = ids::canonical(id)
    {
        return Cow::Owned(long);
    }
    Cow::Borrowed(id)
}

/// A datetime in the store's format (`2026-04-01T12:34:56.000+0000`), which sorts as text.
/// Values already in that form are borrowed: this is the common case and the hot path.
pub fn canonical_datetime(text: &str) -> Option<Cow<'_, str>> {
    let canonical = text.len() == 28
        && text.ends_with("+0000")
        && text.as_bytes().get(10) == Some(&b'T')
        && text.as_bytes().get(19) == Some(&b'.');
    if canonical {
        return Some(Cow::Borrowed(text));
    }
    let at = parse_datetime(text)
        .or_else(|| parse_date(text)?.and_hms_opt(0, 0, 0).map(|d| d.and_utc()))?;
    Some(Cow::Owned(format_datetime(at)))
}

/// Compares two comparables of the same kind; text compares case-insensitively when `kind` is
/// `Text` and exactly otherwise (ids, dates and datetimes are canonical).
pub fn compare(kind: ValueKind, a: &Comparable<'_>, b: &Comparable<'_>) -> Option<Ordering> {
    match (a, b) {
        (Comparable::Text(a), Comparable::Text(b)) if kind == ValueKind::Text => {
            Some(cmp_ignore_case(a, b))
        }
        (Comparable::Text(a), Comparable::Text(b)) => Some(a.cmp(b)),
        (Comparable::Number(a), Comparable::Number(b)) => a.partial_cmp(b),
        (Comparable::Bool(a), Comparable::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// Case-insensitive ordering without allocating.
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        let a = a.bytes().map(|c| c.to_ascii_lowercase());
        let b = b.bytes().map(|c| c.to_ascii_lowercase());
        return a.cmp(b);
    }
    let a = a.chars().flat_map(char::to_lowercase);
    let b = b.chars().flat_map(char::to_lowercase);
    a.cmp(b)
}

/// A key under which equal values (case-insensitively, for text) group together.
pub fn group_key(kind: ValueKind, value: &Value) -> Option<String> {
    match comparable(kind, value)? {
        Comparable::Text(text) if kind == ValueKind::Text => Some(text.to_lowercase()),
        Comparable::Text(text) => Some(text.into_owned()),
        Comparable::Number(n) => Some(n.to_string()),
        Comparable::Bool(b) => Some(b.to_string()),
    }
}

/// How ORDER BY (and MIN/MAX) order the values of one column.
#[derive(Clone, Copy, Debug)]
pub struct SortOrder<'s> {
    pub kind: ValueKind,
    /// Picklists sort by the order of their values in the schema, not alphabetically.
    pub picklist: Option<&'s FieldDef>,
}

/// A value ready to sort: a picklist rank, or the comparable value itself.
#[derive(Clone, Debug, PartialEq)]
pub enum SortValue<'a> {
    Rank(usize),
    Plain(Comparable<'a>),
}

impl<'s> SortOrder<'s> {
    pub fn of(field: &'s FieldDef) -> Self {
        let picklist = matches!(
            field.field_type,
            FieldType::Picklist | FieldType::MultiPicklist
        )
        .then_some(field);
        SortOrder {
            kind: ValueKind::of(field.field_type),
            picklist,
        }
    }

    pub fn plain(kind: ValueKind) -> Self {
        SortOrder {
            kind,
            picklist: None,
        }
    }

    /// The sort value of a stored value; `None` for null.
    pub fn key<'a>(&self, value: &'a Value) -> Option<SortValue<'a>> {
        let plain = comparable(self.kind, value)?;
        if let (Some(field), Comparable::Text(text)) = (self.picklist, &plain) {
            let values = &field.picklist_values;
            let rank = values
                .iter()
                .position(|p| p.value.eq_ignore_ascii_case(text))
                .unwrap_or(values.len());
            return Some(SortValue::Rank(rank));
        }
        Some(SortValue::Plain(plain))
    }

    /// Orders two sort values ascending; values that cannot be compared are equal.
    pub fn compare(&self, a: &SortValue<'_>, b: &SortValue<'_>) -> Ordering {
        match (a, b) {
            (SortValue::Rank(a), SortValue::Rank(b)) => a.cmp(b),
            (SortValue::Plain(a), SortValue::Plain(b)) => {
                compare(self.kind, a, b).unwrap_or(Ordering::Equal)
            }
            (SortValue::Rank(_), SortValue::Plain(_)) => Ordering::Less,
            (SortValue::Plain(_), SortValue::Rank(_)) => Ordering::Greater,
        }
    }
}

/// Orders optional sort values with nulls first or last, then applies the direction. Nulls keep
/// their place whatever the direction, as NULLS FIRST/LAST say.
pub fn order_with_nulls(
    order: &SortOrder<'_>,
    a: Option<&SortValue<'_>>,
    b: Option<&SortValue<'_>>,
    descending: bool,
    nulls_first: bool,
) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) if nulls_first => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) if nulls_first => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let ordering = order.compare(a, b);
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PatternChar {
    Literal(char),
    /// `_` in LIKE, `?` in SOSL.
    One,
    /// `%` in LIKE, `*` in SOSL.
    Any,
}

/// A case-insensitive wildcard pattern: LIKE's `%` and `_`, or SOSL's `*` and `?`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    chars: Vec<PatternChar>,
}

impl Pattern {
    /// A LIKE pattern from the string as written between its quotes: `\%` and `\_` are literal.
    pub fn like(raw: &str) -> Self {
        let mut chars = Vec::new();
        let mut input = raw.chars();
        while let Some(c) = input.next() {
            match c {
                '%' => chars.push(PatternChar::Any),
                '_' => chars.push(PatternChar::One),
                '\\' => {
                    if let Some(escaped) = input.next() {
                        let resolved = super::lexer::unescape(escaped).unwrap_or(escaped);
                        chars.extend(resolved.to_lowercase().map(PatternChar::Literal));
                    }
                }
                _ => chars.extend(c.to_lowercase().map(PatternChar::Literal)),
            }
        }
        Pattern { chars }
    }

    /// A SOSL word: `*` for any run of characters, `?` for one.
    pub fn search_word(word: &str) -> Self {
        let chars = word
            .chars()
            .flat_map(|c| {
                let mapped: Vec<PatternChar> = match c {
                    '*' => vec![PatternChar::Any],
                    '?' => vec![PatternChar::One],
                    _ => c.to_lowercase().map(PatternChar::Literal).collect(),
                };
                mapped
            })
            .collect();
        Pattern { chars }
    }

    /// How many literal characters the pattern holds.
    pub fn literal_len(&self) -> usize {
        self.chars
            .iter()
            .filter(|c| matches!(c, PatternChar::Literal(_)))
            .count()
    }

    /// Whether the whole of `text` matches, ignoring case.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        let pattern = &self.chars;
        // Iterative wildcard matching: remember the last `Any` and retry from there.
        let (mut p, mut t) = (0, 0);
        let mut backtrack: Option<(usize, usize)> = None;
        while t < text.len() {
            match pattern.get(p) {
                Some(PatternChar::Any) => {
                    backtrack = Some((p, t));
                    p += 1;
                    continue;
                }
                Some(PatternChar::One) => {
                    p += 1;
                    t += 1;
                    continue;
                }
                Some(PatternChar::Literal(c)) if text.get(t) == Some(c) => {
                    p += 1;
                    t += 1;
                    continue;
                }
                _ => {}
            }
            match backtrack {
                Some((star, at)) => {
                    p = star + 1;
                    t = at + 1;
                    backtrack = Some((star, at + 1));
                }
                None => return false,
            }
        }
        pattern
            .get(p..)
            .unwrap_or_default()
            .iter()
            .all(|c| *c == PatternChar::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_compares_ignoring_case() {
        assert_eq!(cmp_ignore_case("Zava", "zAVA"), Ordering::Equal);
        assert_eq!(cmp_ignore_case("apple", "Banana"), Ordering::Less);
        assert_eq!(cmp_ignore_case("Élan", "élan"), Ordering::Equal);
    }

    #[test]
    fn ids_compare_in_18_character_form() {
        let (long, short) = (json!("001D000000IqhSLIAZ"), json!("001D000000IqhSL"));
        assert_eq!(
            comparable(ValueKind::Id, &long),
            comparable(ValueKind::Id, &short)
        );
    }

    #[test]
    fn datetimes_compare_across_formats() {
        let a = json!("2026-04-01T12:00:00.000+0000");
        let b = json!("2026-04-01T14:00:00+02:00");
        assert_eq!(
            comparable(ValueKind::DateTime, &a),
            comparable(ValueKind::DateTime, &b)
        );
    }

    #[test]
    fn like_patterns() {
        assert!(Pattern::like("Za%").matches("zava corp"));
        assert!(Pattern::like("%corp").matches("Zava Corp"));
        assert!(Pattern::like("z_va").matches("ZAVA"));
        assert!(!Pattern::like("z_va").matches("zaava"));
        assert!(Pattern::like("%a%b%").matches("xxaxxbxx"));
        assert!(!Pattern::like("%a%b").matches("xxaxxbxx"));
        assert!(Pattern::like(r"50\%").matches("50%"));
        assert!(!Pattern::like(r"50\%").matches("500"));
        assert!(Pattern::like("%").matches(""));
    }

    #[test]
    fn picklists_sort_by_definition_order() {
        let field = FieldDef::picklist("Priority", "Priority", &["Critical", "High", "Low"]);
        let order = SortOrder::of(&field);
        let critical = json!("Critical");
        let low = json!("low");
        let a = order.key(&critical).expect("key");
        let b = order.key(&low).expect("key");
        assert_eq!(order.compare(&a, &b), Ordering::Less);
    }
}
