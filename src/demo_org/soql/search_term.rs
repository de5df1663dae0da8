//! The search term between SOSL's braces: words (all must match), `"quoted phrases"`, `AND`,
//! `OR`, `AND NOT`, parentheses, and the wildcards `*` and `?`. Words match whole words of a
//! field, ignoring case; `*` makes a prefix (or any run of characters).

use super::value::Pattern;

#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Any(Vec<Term>),
    All(Vec<Term>),
    Not(Box<Term>),
    /// Consecutive words of one field. A single word is a phrase of one; `e-mail` is two.
    Phrase(Vec<Pattern>),
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Word(String),
    Quoted(String),
    Open,
    Close,
}

/// Splits the term into words, quoted phrases and parentheses; `\x` escapes `x`.
fn pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars();
    let flush = |word: &mut String, pieces: &mut Vec<Piece>| {
        if !word.is_empty() {
            pieces.push(Piece::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => word.extend(chars.next()),
            '"' => {
                flush(&mut word, &mut pieces);
                let mut phrase = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => phrase.extend(chars.next()),
                        _ => phrase.push(c),
                    }
                }
                pieces.push(Piece::Quoted(phrase));
            }
            '(' | ')' => {
                flush(&mut word, &mut pieces);
                pieces.push(if c == '(' { Piece::Open } else { Piece::Close });
            }
            c if c.is_whitespace() => flush(&mut word, &mut pieces),
            _ => word.push(c),
        }
    }
    flush(&mut word, &mut pieces);
    pieces
}

/// The word patterns of a word or phrase: runs of letters, digits and wildcards.
fn phrase(text: &str) -> Option<Term> {
    let patterns: Vec<Pattern> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '?'))
        .filter(|w| !w.is_empty())
        .map(Pattern::search_word)
        .collect();
    (!patterns.is_empty()).then_some(Term::Phrase(patterns))
}

struct TermParser {
    pieces: Vec<Piece>,
    index: usize,
}

impl TermParser {
    fn peek(&self) -> Option<&Piece> {
        self.pieces.get(self.index)
    }

    fn at_operator(&self, operator: &str) -> bool {
        matches!(self.peek(), Some(Piece::Word(w)) if w.eq_ignore_ascii_case(operator))
    }

    fn any(&mut self) -> Option<Term> {
        let mut items: Vec<Term> = self.all().into_iter().collect();
        while self.at_operator("OR") {
            self.index += 1;
            items.extend(self.all());
        }
        collapse(items, Term::Any)
    }

    fn all(&mut self) -> Option<Term> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None | Some(Piece::Close) => break,
                _ if self.at_operator("OR") => break,
                _ => {}
            }
            if self.at_operator("AND") {
                self.index += 1;
                continue;
            }
            if self.at_operator("NOT") {
                self.index += 1;
                if let Some(term) = self.unary() {
                    items.push(Term::Not(Box::new(term)));
                }
                continue;
            }
            items.extend(self.unary());
        }
        collapse(items, Term::All)
    }

    fn unary(&mut self) -> Option<Term> {
        let piece = self.peek()?.clone();
        self.index += 1;
        match piece {
            Piece::Open => {
                let inner = self.any();
                if self.peek() == Some(&Piece::Close) {
                    self.index += 1;
                }
                inner
            }
            Piece::Close => None,
            Piece::Word(text) | Piece::Quoted(text) => phrase(&text),
        }
    }
}

fn collapse(mut items: Vec<Term>, group: fn(Vec<Term>) -> Term) -> Option<Term> {
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(group(items)),
    }
}

impl Term {
    /// Parses a term; `None` when it holds no word at all.
    pub fn parse(text: &str) -> Option<Term> {
        let mut parser = TermParser {
            pieces: pieces(text),
            index: 0,
        };
        let mut items: Vec<Term> = Vec::new();
        while parser.index < parser.pieces.len() {
            items.extend(parser.any());
            // A stray `)` would stop the parse; skip it and go on.
            parser.index += 1;
        }
        collapse(items, Term::All)
    }

    /// The number of literal (non-wildcard) characters: SOSL wants at least two.
    pub fn literal_len(&self) -> usize {
        match self {
            Term::Any(items) | Term::All(items) => items.iter().map(Term::literal_len).sum(),
            Term::Not(inner) => inner.literal_len(),
            Term::Phrase(patterns) => patterns.iter().map(Pattern::literal_len).sum(),
        }
    }

    /// Whether a record whose searched fields hold these words (one list per field) matches.
    pub fn matches(&self, fields: &[Vec<String>]) -> bool {
        match self {
            Term::Any(items) => items.iter().any(|t| t.matches(fields)),
            Term::All(items) => items.iter().all(|t| t.matches(fields)),
            Term::Not(inner) => !inner.matches(fields),
            Term::Phrase(patterns) => fields.iter().any(|words| {
                words.windows(patterns.len()).any(|window| {
                    window
                        .iter()
                        .zip(patterns)
                        .all(|(word, pattern)| pattern.matches(word))
                })
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::soql::relevance::words;

    fn fields(texts: &[&str]) -> Vec<Vec<String>> {
        texts.iter().map(|t| words(t).collect()).collect()
    }

    fn matches(term: &str, texts: &[&str]) -> bool {
        Term::parse(term).expect("term").matches(&fields(texts))
    }

    #[test]
    fn words_must_all_match_as_whole_words() {
        assert!(matches("zava", &["Zava Corp"]));
        assert!(matches("zava corp", &["Zava", "Corp Ltd"]));
        assert!(!matches("zava corp", &["Zava"]));
        assert!(!matches("zav", &["Zava Corp"]));
        assert!(matches("zav*", &["Zava Corp"]));
        assert!(matches("z?va", &["ZAVA"]));
    }

    #[test]
    fn phrases_and_operators() {
        assert!(matches("\"printer jam\"", &["The printer jam again"]));
        assert!(!matches("\"printer jam\"", &["jam in the printer"]));
        assert!(matches("printer OR scanner", &["scanner broken"]));
        assert!(!matches("printer AND NOT jam", &["printer jam"]));
        assert!(matches("printer AND NOT jam", &["printer ok"]));
        assert!(matches("(printer OR scanner) broken", &["scanner broken"]));
        assert!(matches("alice@zava.com", &["alice@zava.com"]));
    }

    #[test]
    fn counts_literal_characters() {
        assert_eq!(Term::parse("a*").map(|t| t.literal_len()), Some(1));
        assert_eq!(Term::parse("ab").map(|t| t.literal_len()), Some(2));
        assert_eq!(Term::parse("  "), None);
    }
}
