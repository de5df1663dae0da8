//! Text matching for Knowledge: a small relevance scorer for the Support API's `q` (title hits
//! weigh most, then summary, then body) and the prefix matching behind search suggestions.

use std::collections::HashSet;

/// Words too common to tell articles apart.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "but", "by", "can", "cannot", "could", "did", "do", "does", "for",
    "from", "get", "gets", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its",
    "me", "more", "my", "no", "not", "of", "on", "or", "our", "please", "since", "so", "some",
    "still", "than", "that", "the", "their", "them", "then", "there", "this", "to", "too", "up",
    "us", "was", "we", "were", "what", "when", "which", "while", "who", "why", "will", "with",
    "would", "you", "your",
];

/// A crude English stemmer, enough to make "crashes"/"crash", "loading"/"loads"/"load" and
/// "updated"/"update" meet. Stems are only compared with each other, never shown.
pub fn stem(word: &str) -> String {
    let strip = |suffix: &str| {
        word.strip_suffix(suffix)
            .filter(|rest| rest.chars().count() >= 3)
    };
    let base = if let Some(rest) = word.strip_suffix("ies").filter(|r| r.chars().count() >= 2) {
        format!("{rest}y")
    } else if ["sses", "shes", "ches", "xes", "zes"]
        .iter()
        .any(|s| word.ends_with(s))
    {
        strip("es").unwrap_or(word).to_owned()
    } else if let Some(rest) = strip("ing").or_else(|| strip("ed")) {
        rest.to_owned()
    } else if !["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
        strip("s").unwrap_or(word).to_owned()
    } else {
        word.to_owned()
    };
    match base.strip_suffix('e') {
        Some(rest) if rest.chars().count() >= 3 => rest.to_owned(),
        _ => base,
    }
}

/// Lower-case words of a text (letters and digits).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The distinct search terms of a text: words without stop words, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    words(text)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// The text of HTML: tags dropped (block tags become spaces) and common entities decoded.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The searchable fields of one article version.
pub struct Document {
    title: HashSet<String>,
    summary: HashSet<String>,
    body: HashSet<String>,
}

impl Document {
    pub fn new(title: &str, summary: &str, body_html: &str) -> Self {
        let set = |text: &str| terms(text).into_iter().collect::<HashSet<_>>();
        Document {
            title: set(title),
            summary: set(summary),
            body: set(&strip_html(body_html)),
        }
    }

    /// How well the document answers the query terms: each term found in the title counts 10,
    /// in the summary 4, in the body 1. Zero means no term matched.
    pub fn score(&self, query_terms: &[String]) -> u32 {
        query_terms
            .iter()
            .map(|t| {
                let mut s = 0;
                if self.title.contains(t) {
                    s += 10;
                }
                if self.summary.contains(t) {
                    s += 4;
                }
                if self.body.contains(t) {
                    s += 1;
                }
                s
            })
            .sum()
    }
}

/// Rank of a title for "title matches" suggestions: every word of `q` must start a word of the
/// title. Lower is better: titles whose first word matches come first, then shorter titles.
pub fn title_match_rank(q: &str, title: &str) -> Option<(u8, usize)> {
    let query = words(q);
    let title_words = words(title);
    if query.is_empty() {
        return None;
    }
    let all_found = query
        .iter()
        .all(|q| title_words.iter().any(|w| w.starts_with(q.as_str())));
    if !all_found {
        return None;
    }
    let leads = title_words
        .first()
        .zip(query.first())
        .is_some_and(|(w, q)| w.starts_with(q.as_str()));
    Some((u8::from(!leads), title.len()))
}

/// Rank of a suggested query phrase for the typed text `q`: phrases starting with `q` come
/// first, then phrases with a word starting with `q`.
pub fn phrase_match_rank(q: &str, phrase: &str) -> Option<u8> {
    let q = q.trim().to_lowercase();
    let phrase = phrase.to_lowercase();
    if phrase == q {
        return None;
    }
    if phrase.starts_with(&q) {
        return Some(0);
    }
    let word_start = phrase
        .match_indices(q.as_str())
        .any(|(at, _)| at == 0 || phrase[..at].ends_with(|c: char| !c.is_alphanumeric()));
    word_start.then_some(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_common_endings() {
        let same = |a: &str, b: &str| assert_eq!(stem(a), stem(b), "{a} / {b}");
        same("crashes", "crash");
        same("loading", "load");
        same("loads", "load");
        same("failed", "fail");
        same("times", "time");
        same("updated", "update");
        same("throttled", "throttle");
        same("policies", "policy");
        same("classes", "class");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("sso"), "sso");
        assert_eq!(stem("os"), "os");
    }

    #[test]
    fn terms_drop_stop_words_and_duplicates() {
        assert_eq!(
            terms("The dashboard is slow, slow dashboards!"),
            vec![stem("dashboard"), stem("slow")]
        );
    }

    #[test]
    fn html_is_reduced_to_text() {
        assert_eq!(
            strip_html("<h2>Problem</h2><p>Users &amp; admins</p>"),
            "Problem Users & admins"
        );
    }

    #[test]
    fn title_hits_outrank_body_hits() {
        let title_doc = Document::new("Slow dashboards", "", "");
        let body_doc = Document::new("Other", "", "<p>dashboard</p>");
        let q = terms("dashboard");
        assert!(title_doc.score(&q) > body_doc.score(&q));
        assert_eq!(Document::new("x", "y", "z").score(&q), 0);
    }

    #[test]
    fn suggestion_matching() {
        assert_eq!(
            title_match_rank("slow dash", "Resolving slow dashboard load times"),
            Some((1, 35))
        );
        assert_eq!(
            title_match_rank("resolv", "Resolving slow dashboard"),
            Some((0, 24))
        );
        assert_eq!(title_match_rank("dashx", "Resolving slow dashboard"), None);
        assert_eq!(phrase_match_rank("dash", "dashboard performance"), Some(0));
        assert_eq!(phrase_match_rank("dash", "slow dashboard"), Some(1));
        assert_eq!(phrase_match_rank("ash", "slow dashboard"), None);
    }
}
