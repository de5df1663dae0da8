//! Knowledge languages: the Support API's required `Accept-Language` header and the `language`
//! parameter of search suggestions. Knowledge in the demo org is enabled for en_US only.

use axum::http::{HeaderMap, header};

use super::versions::KNOWLEDGE_LANGUAGE;
use crate::demo_org::api::error::ApiError;

/// Language codes Salesforce knows (its supported languages), in Salesforce's spelling.
const KNOWN_LANGUAGES: &[&str] = &[
    "ar", "bg", "ca", "cs", "da", "de", "el", "en_AU", "en_CA", "en_GB", "en_IE", "en_IN", "en_MY",
    "en_NZ", "en_PH", "en_SG", "en_US", "en_ZA", "es", "es_MX", "et", "fi", "fr", "fr_CA", "hi",
    "hr", "hu", "in", "it", "iw", "ja", "ko", "lt", "lv", "ms", "nl_NL", "no", "pl", "pt_BR",
    "pt_PT", "ro", "ru", "sk", "sl", "sv", "th", "tr", "uk", "vi", "zh_CN", "zh_TW",
];

/// What a language code means for Knowledge in this org.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LanguageCheck {
    Enabled,
    /// A real language, but not one of the org's Knowledge languages.
    NotEnabled,
    Invalid,
}

/// `en-US`, `en_us` → `en_US`; `FR` → `fr`.
fn normalise(code: &str) -> String {
    let code = code.trim().replace('-', "_");
    match code.split_once('_') {
        Some((lang, region)) => format!("{}_{}", lang.to_lowercase(), region.to_uppercase()),
        None => code.to_lowercase(),
    }
}

pub fn check_language(code: &str) -> LanguageCheck {
    let code = normalise(code);
    if code == KNOWLEDGE_LANGUAGE {
        return LanguageCheck::Enabled;
    }
    let language = code.split('_').next().unwrap_or("");
    let known = KNOWN_LANGUAGES.contains(&code.as_str())
        || (code.contains('_')
            && language.len() == 2
            && KNOWN_LANGUAGES
                .iter()
                .any(|k| k.split('_').next() == Some(language)));
    if known {
        LanguageCheck::NotEnabled
    } else {
        LanguageCheck::Invalid
    }
}

fn refuse(check: LanguageCheck) -> Result<(), ApiError> {
    match check {
        LanguageCheck::Enabled => Ok(()),
        LanguageCheck::NotEnabled => Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            "Invalid language code. Check that the language is included in your Knowledge language settings.",
        )),
        LanguageCheck::Invalid => Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            "The language code is not valid or not supported by Knowledge.",
        )),
    }
}

/// The Support API's check of `Accept-Language`: required, a valid code, and an enabled one.
/// Of a list (`en-US,en;q=0.9`) the first language counts.
pub fn require_accept_language(headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_API_INPUT",
                "The Accept-Language header is required by the Knowledge Support API, e.g. Accept-Language: en-US.",
            )
        })?;
    let first = value
        .split(',')
        .next()
        .and_then(|tag| tag.split(';').next())
        .unwrap_or("");
    refuse(check_language(first))
}

/// The check of a required `language` parameter (search suggestions).
pub fn require_language_param(value: Option<&str>) -> Result<(), ApiError> {
    let value = value.ok_or_else(|| {
        ApiError::bad_request(
            "MISSING_ARGUMENT",
            "Missing required parameter: language (e.g. language=en_US).",
        )
    })?;
    refuse(check_language(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn classifies_language_codes() {
        assert_eq!(check_language("en-US"), LanguageCheck::Enabled);
        assert_eq!(check_language("en_US"), LanguageCheck::Enabled);
        assert_eq!(check_language("EN-us"), LanguageCheck::Enabled);
        assert_eq!(check_language("fr"), LanguageCheck::NotEnabled);
        assert_eq!(check_language("de-DE"), LanguageCheck::NotEnabled);
        assert_eq!(check_language("en-GB"), LanguageCheck::NotEnabled);
        assert_eq!(check_language("xx-YY"), LanguageCheck::Invalid);
        assert_eq!(check_language("klingon"), LanguageCheck::Invalid);
    }

    #[test]
    fn accept_language_is_required() {
        let mut headers = HeaderMap::new();
        assert!(require_accept_language(&headers).is_err());
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9"),
        );
        assert!(require_accept_language(&headers).is_ok());
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("zz"));
        let error = require_accept_language(&headers).expect_err("invalid");
        assert_eq!(
            error.errors[0].message,
            "The language code is not valid or not supported by Knowledge."
        );
    }
}
