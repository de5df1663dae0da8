//! The `Sforce-Limit-Info` header: how much of the org's daily API allowance is used.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ApiUsage {
    pub used: u64,
    pub max: u64,
}

/// Reads `api-usage=51/100000` (other `;`-separated parts, such as per-app usage, are ignored).
pub fn parse_limit_info(header: &str) -> Option<ApiUsage> {
    header.split(';').find_map(|part| {
        let value = part.trim().strip_prefix("api-usage=")?;
        let (used, max) = value.split_once('/')?;
        Some(ApiUsage {
            used: used.trim().parse().ok()?,
            max: max.trim().parse().ok()?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_header_forms() {
        assert_eq!(
            parse_limit_info("api-usage=51/100000"),
            Some(ApiUsage {
                used: 51,
                max: 100000
            })
        );
        assert_eq!(
            parse_limit_info(
                "api-usage=18/5000; per-app-api-usage=17/250(appName=sample-connected-app)"
            ),
            Some(ApiUsage {
                used: 18,
                max: 5000
            })
        );
        assert_eq!(parse_limit_info("nonsense"), None);
    }
}
