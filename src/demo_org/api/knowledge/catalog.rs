//! What readers of Knowledge see: the Online article versions visible in a channel, and their
//! view and vote statistics.
//!
//! The org stores one view count per article (KnowledgeArticle.TotalViewCount). The Support API
//! reports per-channel counts and votes, which the org has no records for; they are derived from
//! the total in fixed proportions (internal app 55%, public knowledge base 25%, customer portal
//! 15%, partner portal 5%) and a vote rate that varies by article number, so they are stable
//! and move when the article is viewed.

use serde_json::Value;

use super::versions::{Status, VERSION_OBJECT, find_article};
use crate::demo_org::api::error::ApiError;
use crate::demo_org::store::{OrgData, Record};

/// Where an article is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// The internal Salesforce app.
    App,
    /// The public knowledge base.
    Pkb,
    /// The customer portal.
    Csp,
    /// The partner portal.
    Prm,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::App, Channel::Pkb, Channel::Csp, Channel::Prm];

    pub fn parse(text: &str) -> Option<Channel> {
        match text.to_ascii_lowercase().as_str() {
            "app" => Some(Channel::App),
            "pkb" => Some(Channel::Pkb),
            "csp" => Some(Channel::Csp),
            "prm" => Some(Channel::Prm),
            _ => None,
        }
    }

    /// The `channel` parameter, App when absent; anything else is refused.
    pub fn from_param(value: Option<&str>) -> Result<Channel, ApiError> {
        match value {
            None => Ok(Channel::App),
            Some(text) => Channel::parse(text).ok_or_else(|| {
                ApiError::bad_request(
                    "INVALID_API_INPUT",
                    format!("Invalid value for channel: {text}. Specify App, Pkb, Csp or Prm."),
                )
            }),
        }
    }

    /// The prefix of this channel's keys in an Article Detail (`appViewCount`, …).
    pub fn key(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Pkb => "pkb",
            Channel::Csp => "csp",
            Channel::Prm => "prm",
        }
    }

    pub fn visibility_field(self) -> &'static str {
        match self {
            Channel::App => "IsVisibleInApp",
            Channel::Pkb => "IsVisibleInPkb",
            Channel::Csp => "IsVisibleInCsp",
            Channel::Prm => "IsVisibleInPrm",
        }
    }

    /// Percent of an article's views that come through this channel.
    fn share(self) -> u64 {
        match self {
            Channel::App => 55,
            Channel::Pkb => 25,
            Channel::Csp => 15,
            Channel::Prm => 5,
        }
    }

    pub fn shows(self, version: &Record) -> bool {
        version
            .get(self.visibility_field())
            .as_bool()
            .unwrap_or(self != Channel::Prm)
    }
}

/// An Online article: its master record and its Online version.
#[derive(Clone, Copy)]
pub struct Published<'a> {
    pub article: &'a Record,
    pub version: &'a Record,
}

impl Published<'_> {
    pub fn total_views(&self) -> u64 {
        self.article
            .get("TotalViewCount")
            .as_u64()
            .or_else(|| self.version.get("ArticleTotalViewCount").as_u64())
            .unwrap_or(0)
    }

    pub fn channel_views(&self, channel: Channel) -> u64 {
        if channel.shows(self.version) {
            self.total_views() * channel.share() / 100
        } else {
            0
        }
    }

    /// Up and down votes through a channel: between 3% and 9% of its views vote up, and a
    /// sixth of that number vote down, the rate depending on the article number.
    pub fn channel_votes(&self, channel: Channel) -> (u64, u64) {
        let number: u64 = self
            .article
            .get_str("ArticleNumber")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let up = self.channel_views(channel) * (3 + number % 7) / 100;
        (up, up / 6)
    }
}

/// Every Online article visible in `channel`, in article-number order.
pub fn online_articles(org: &OrgData, channel: Channel) -> Vec<Published<'_>> {
    let mut published: Vec<Published> = org
        .records(VERSION_OBJECT)
        .filter(|v| Status::of(v) == Some(Status::Online) && channel.shows(v))
        .filter_map(|version| {
            let article = find_article(org, version.get_str("KnowledgeArticleId")?)?;
            Some(Published { article, version })
        })
        .collect();
    published.sort_by(|a, b| {
        a.article
            .get_str("ArticleNumber")
            .cmp(&b.article.get_str("ArticleNumber"))
    });
    published
}

/// The view score (0–100) of `views` among articles whose most viewed one has `max_views`.
pub fn view_score(views: u64, max_views: u64) -> Value {
    let score = if max_views == 0 {
        0.0
    } else {
        ((views as f64) * 1000.0 / (max_views as f64)).round() / 10.0
    };
    serde_json::Number::from_f64(score)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse_and_scores_scale() {
        assert_eq!(Channel::parse("pkb"), Some(Channel::Pkb));
        assert_eq!(Channel::from_param(None), Ok(Channel::App));
        assert!(Channel::from_param(Some("Web")).is_err());
        assert_eq!(view_score(50, 200), serde_json::json!(25.0));
        assert_eq!(view_score(200, 200), serde_json::json!(100.0));
        assert_eq!(view_score(1, 0), serde_json::json!(0.0));
    }
}
