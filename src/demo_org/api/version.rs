//! The API version a request addressed (`/services/data/v66.0/...`), read from the request path.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::ApiError;

/// Oldest and newest versions the demo org answers; others get 404 like a retired version.
pub const MIN_VERSION: f64 = 31.0;
pub const MAX_VERSION: f64 = 66.0;

/// The `vXX.X` segment of a data API path, e.g. `66.0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiVersion(pub String);

impl ApiVersion {
    /// `/services/data/v66.0`: the prefix every URL the org hands out starts with.
    pub fn base(&self) -> String {
        format!("/services/data/v{}", self.0)
    }

    /// `/services/data/v66.0/sobjects`, the base of record URLs.
    pub fn sobjects_base(&self) -> String {
        format!("{}/sobjects", self.base())
    }

    /// `/services/data/v66.0/tooling/sobjects`, the base of Tooling record URLs.
    pub fn tooling_sobjects_base(&self) -> String {
        format!("{}/tooling/sobjects", self.base())
    }

    /// Parses the version out of a path such as `/services/data/v66.0/query`.
    pub fn from_path(path: &str) -> Option<ApiVersion> {
        let rest = path.strip_prefix("/services/data/v")?;
        let version = rest.split('/').next()?;
        let (major, minor) = version.split_once('.')?;
        if major.is_empty()
            || minor.len() != 1
            || !major
                .bytes()
                .chain(minor.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let number: f64 = version.parse().ok()?;
        (MIN_VERSION..=MAX_VERSION)
            .contains(&number)
            .then(|| ApiVersion(version.to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiVersion {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        ApiVersion::from_path(parts.uri.path()).ok_or_else(ApiError::not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_versions_only() {
        assert_eq!(
            ApiVersion::from_path("/services/data/v66.0/query"),
            Some(ApiVersion("66.0".into()))
        );
        assert_eq!(
            ApiVersion::from_path("/services/data/v53.0"),
            Some(ApiVersion("53.0".into()))
        );
        assert_eq!(ApiVersion::from_path("/services/data/v99.0/query"), None);
        assert_eq!(ApiVersion::from_path("/services/data/v66/query"), None);
        assert_eq!(ApiVersion::from_path("/services/oauth2/token"), None);
    }
}
