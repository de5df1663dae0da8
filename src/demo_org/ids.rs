//! Salesforce record ids: a 3-character key prefix, a 12-character body, and the 3-character
//! case-safety suffix that turns the case-sensitive 15-character form into the 18-character one.

const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const BODY_ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The 3 suffix bytes of an 18-character id, from its first 15 characters, without allocating.
fn suffix_bytes(id15: &[u8]) -> Option<[u8; 3]> {
    if id15.len() != 15 || !id15.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut suffix = [0u8; 3];
    for (slot, chunk) in suffix.iter_mut().zip(id15.chunks(5)) {
        let mut bits = 0usize;
        for (position, byte) in chunk.iter().enumerate() {
            if byte.is_ascii_uppercase() {
                bits |= 1 << position;
            }
        }
        *slot = *SUFFIX_ALPHABET.get(bits)?;
    }
    Some(suffix)
}

/// The 3-character suffix of an 18-character id, computed from its first 15 characters.
/// Returns `None` when `id15` is not 15 ASCII alphanumerics.
pub fn case_safe_suffix(id15: &str) -> Option<String> {
    suffix_bytes(id15.as_bytes()).map(|s| String::from_utf8_lossy(&s).into_owned())
}

/// The canonical 18-character form of a 15- or 18-character id, or `None` if it is not id-shaped.
/// An 18-character id is re-derived from its first 15 characters, so a wrong suffix is refused.
/// Lookups call this for every parent of every row, so an id already canonical is borrowed.
pub fn canonical_cow(id: &str) -> Option<std::borrow::Cow<'_, str>> {
    let bytes = id.as_bytes();
    let prefix15 = match bytes.len() {
        15 | 18 => bytes.get(..15)?,
        _ => return None,
    };
    let suffix = suffix_bytes(prefix15)?;
    match bytes.get(15..) {
        Some([]) => {
            let mut long = String::with_capacity(18);
            long.push_str(id);
            long.extend(suffix.iter().map(|b| char::from(*b)));
            Some(std::borrow::Cow::Owned(long))
        }
        Some(given) if given == suffix => Some(std::borrow::Cow::Borrowed(id)),
        Some(given) if given.eq_ignore_ascii_case(&suffix) => {
            let mut long = String::with_capacity(18);
            long.push_str(id.get(..15)?);
            long.extend(suffix.iter().map(|b| char::from(*b)));
            Some(std::borrow::Cow::Owned(long))
        }
        _ => None,
    }
}

/// [`canonical_cow`], always owned.
pub fn canonical(id: &str) -> Option<String> {
    canonical_cow(id).map(std::borrow::Cow::into_owned)
}

/// True when `value` has the shape of a record id (15 or 18 alphanumerics).
pub fn looks_like_id(value: &str) -> bool {
    matches!(value.len(), 15 | 18) && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Builds the 18-character id for `key_prefix` (3 characters) and a sequence number.
/// The 4th to 6th characters hold a fixed pod marker, as real ids carry one.
pub fn make_id(key_prefix: &str, sequence: u64) -> String {
    let mut body = [b'0'; 9];
    let mut n = sequence;
    for slot in body.iter_mut().rev() {
        let digit = usize::try_from(n % 62).unwrap_or(0);
        *slot = BODY_ALPHABET.get(digit).copied().unwrap_or(b'0');
        n /= 62;
    }
    let body = String::from_utf8_lossy(&body);
    let id15 = format!("{key_prefix}Dm0{body}");
    let suffix = case_safe_suffix(&id15).unwrap_or_else(|| "AAA".to_owned());
    format!("{id15}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_matches_salesforce_examples() {
        // Published pairs: 001D000000IqhSL -> 001D000000IqhSLIAZ, a00B000000FSkcv -> a00B000000FSkcvIAD.
        assert_eq!(case_safe_suffix("001D000000IqhSL").as_deref(), Some("IAZ"));
        assert_eq!(case_safe_suffix("a00B000000FSkcv").as_deref(), Some("IAD"));
        assert_eq!(
            canonical("001D000000IqhSL").as_deref(),
            Some("001D000000IqhSLIAZ")
        );
        assert_eq!(
            canonical("001D000000IqhSLIAZ").as_deref(),
            Some("001D000000IqhSLIAZ")
        );
    }

    #[test]
    fn refuses_malformed_ids() {
        assert_eq!(canonical("001D000000IqhS"), None);
        assert_eq!(canonical("001D000000IqhSLXXX"), None);
        assert_eq!(canonical("../../etc/passwd"), None);
        assert!(!looks_like_id("001D000000IqhS'"));
    }

    #[test]
    fn generated_ids_are_canonical_and_distinct() {
        let a = make_id("500", 1);
        let b = make_id("500", 2);
        assert_eq!(a.len(), 18);
        assert_ne!(a, b);
        assert_eq!(canonical(&a).as_deref(), Some(a.as_str()));
        assert!(a.starts_with("500"));
    }
}
