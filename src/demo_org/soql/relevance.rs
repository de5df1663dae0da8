//! Words and a simple relevance score, shared by SOSL and by anything else that ranks text.

/// Common English words that say nothing about what a text is about.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
    "i", "if", "in", "is", "it", "my", "of", "on", "or", "the", "to", "what", "when", "why",
    "with",
];

/// The lowercase words of a text: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// How well `texts` answer `query`: 0.0 when no query word appears in them.
///
/// The query's words (two characters or more, stop words such as "the" or "how" left out) are
/// looked up as whole words, ignoring case. `texts` go most important first (a title, then a
/// summary, then a body): a word found in `texts[i]` adds `1 / (i + 1)`, and up to half as
/// much again when it appears there several times. The sum is divided by the number of query
/// words, so a query whose every word appears once in `texts[0]` scores 1.0.
pub fn text_score(query: &str, texts: &[&str]) -> f64 {
    let mut terms: Vec<String> = Vec::new();
    for word in words(query) {
        let meaningful = word.chars().count() >= 2 && !STOP_WORDS.contains(&word.as_str());
        if meaningful && !terms.contains(&word) {
            terms.push(word);
        }
    }
    if terms.is_empty() {
        return 0.0;
    }
    let mut score = 0.0;
    for (position, text) in texts.iter().enumerate() {
        let weight = 1.0 / (position as f64 + 1.0);
        let mut counts = vec![0_u32; terms.len()];
        for word in words(text) {
            if let Some(i) = terms.iter().position(|t| *t == word)
                && let Some(count) = counts.get_mut(i)
            {
                *count += 1;
            }
        }
        score += counts
            .iter()
            .filter(|c| **c > 0)
            .map(|c| weight * (1.5 - 0.5 / f64::from(*c)))
            .sum::<f64>();
    }
    score / terms.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_match_scores_zero() {
        assert_eq!(text_score("printer jam", &["Password reset"]), 0.0);
        assert_eq!(text_score("the", &["the the the"]), 0.0);
        assert_eq!(text_score("", &["anything"]), 0.0);
    }

    #[test]
    fn every_word_once_in_the_first_text_scores_one() {
        let score = text_score("Reset PASSWORD", &["How to reset your password"]);
        assert!((score - 1.0).abs() < 1e-9);
    }

    #[test]
    fn earlier_texts_and_more_words_weigh_more() {
        let title = text_score("vpn timeout", &["VPN timeout", ""]);
        let body = text_score("vpn timeout", &["", "VPN timeout"]);
        assert!(title > body && body > 0.0);
        let both = text_score("vpn timeout", &["vpn timeout"]);
        let repeated = text_score("vpn timeout", &["vpn vpn vpn vpn"]);
        assert!(both > repeated);
    }
}
