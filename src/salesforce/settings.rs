//! How to reach an org: instance URL, Connected App credentials, API version, timeouts, retries.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::secret::Secret;

pub const DEFAULT_API_VERSION: &str = "66.0";

/// A validated connection configuration.
#[derive(Clone, Debug)]
pub struct ConnectionSettings {
    /// The My Domain URL the token is requested from (`https://acme.my.salesforce.com`).
    pub login_url: Url,
    pub client_id: String,
    pub client_secret: Secret,
    /// `66.0`: the `vXX.X` of every data API path.
    pub api_version: String,
    pub connect_timeout: Duration,
    /// Total time allowed for one HTTP exchange.
    pub request_timeout: Duration,
    /// PEM file with extra trusted roots (corporate TLS inspection).
    pub ca_cert: Option<PathBuf>,
    pub retry: RetryPolicy,
}

/// When and how often a safe request is tried again.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts after the first one (0 disables retries).
    pub max_retries: u32,
    /// First backoff; doubled at each attempt, with jitter.
    pub base_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the error goes to the caller.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// Why a connection configuration was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("{name} is not set: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("instance URL '{value}' is not a URL: {reason}")]
    BadUrl { value: String, reason: String },
    #[error(
        "instance URL '{value}' uses http:// for a host that is not loopback; use https:// (plain http is only accepted for 127.0.0.0/8, localhost and [::1])"
    )]
    InsecureUrl { value: String },
    #[error("API version '{0}' is not of the form NN.N (for example 66.0)")]
    BadApiVersion(String),
}

/// Parses an instance URL as users write it: `acme.my.salesforce.com`, `https://acme.my.salesforce.com/`,
/// or `http://127.0.0.1:8080` for a local org. Keeps scheme, host and port only.
pub fn parse_instance_url(raw: &str) -> Result<Url, SettingsError> {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(SettingsError::Missing {
            name: "SF_INSTANCE_URL",
            hint: "set it to your My Domain URL, e.g. https://acme.my.salesforce.com",
        });
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| SettingsError::BadUrl {
        value: raw.to_owned(),
        reason: e.to_string(),
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SettingsError::BadUrl {
            value: raw.to_owned(),
            reason: "it has no host".to_owned(),
        });
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(SettingsError::InsecureUrl {
                value: raw.to_owned(),
            });
        }
        other => {
            return Err(SettingsError::BadUrl {
                value: raw.to_owned(),
                reason: format!("scheme '{other}' is not https"),
            });
        }
    }
    let mut origin = url.clone();
    origin.set_path("");
    origin.set_query(None);
    origin.set_fragment(None);
    Ok(origin)
}

/// True for 127.0.0.0/8, `localhost` and `[::1]`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Accepts `66.0` or `v66.0`; returns `66.0`.
pub fn parse_api_version(raw: &str) -> Result<String, SettingsError> {
    let version = raw.trim().trim_start_matches(['v', 'V']);
    let valid = version.split_once('.').is_some_and(|(major, minor)| {
        !major.is_empty()
            && major.len() <= 3
            && minor.len() == 1
            && major
                .bytes()
                .chain(minor.bytes())
                .all(|b| b.is_ascii_digit())
    });
    if valid {
        Ok(version.to_owned())
    } else {
        Err(SettingsError::BadApiVersion(raw.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_urls_as_users_write_them() {
        let url = parse_instance_url("acme.my.salesforce.com").unwrap();
        assert_eq!(url.as_str(), "https://acme.my.salesforce.com/");
        let url = parse_instance_url("https://acme.my.salesforce.com/some/path/").unwrap();
        assert_eq!(url.as_str(), "https://acme.my.salesforce.com/");
        assert!(parse_instance_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_instance_url("http://127.8.9.10:8080").is_ok());
        assert!(parse_instance_url("http://localhost:3000").is_ok());
        assert!(parse_instance_url("http://[::1]:3000").is_ok());
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        assert!(matches!(
            parse_instance_url("http://acme.my.salesforce.com"),
            Err(SettingsError::InsecureUrl { .. })
        ));
        assert!(matches!(
            parse_instance_url("ftp://x"),
            Err(SettingsError::BadUrl { .. })
        ));
        assert!(matches!(
            parse_instance_url(" "),
            Err(SettingsError::Missing { .. })
        ));
    }

    #[test]
    fn api_versions() {
        assert_eq!(parse_api_version("66.0").unwrap(), "66.0");
        assert_eq!(parse_api_version("v62.0").unwrap(), "62.0");
        assert!(parse_api_version("66").is_err());
        assert!(parse_api_version("66.0/../x").is_err());
    }
}
