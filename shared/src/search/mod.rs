//! Turning what a visitor types into a safe search: which index answers it ([`plan`]) and the
//! query it is asked. Words only, each quoted (so no FTS5 syntax can be injected).
//!
//! Two FTS5 indexes hold the same rows (one per article and served language): the word index
//! (`unicode61`: words, diacritics folded) and the substring index (`trigram`). Text in a
//! script written without spaces between words (Japanese, Chinese; Korean attaches particles)
//! has no words the word index can find inside a sentence, so a query with such characters is
//! asked of the substring index — or, shorter than a trigram, looked for in the served text.

mod cjk;

pub use cjk::{excerpt, is_cjk, EXCERPT_CHARS};

/// Whether every word must match (what a visitor types in Help) or any telling one (what a
/// message being written is about: suggestions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    All,
    Any,
}

/// How a visitor's text is searched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// The word index (`article_search`): an FTS5 query ([`fts_query`], [`fts_any`]), bm25.
    Words(String),
    /// The substring index (`article_search_cjk`): an FTS5 query of quoted substrings of at
    /// least [`TRIGRAM`] characters, all (`Match::All`) or any of them (`" OR "`), bm25.
    Substrings(String),
    /// A term shorter than a trigram: the served titles and bodies of the workspace's latest
    /// [`SCAN_ARTICLES`] published articles are looked through for these terms (ASCII
    /// lowercased; the text is compared ASCII-lowercased too), at least `need` of them present;
    /// title matches first.
    Scan { terms: Vec<String>, need: usize },
}

/// The substring index finds substrings of at least this many characters.
pub const TRIGRAM: usize = 3;

/// A scan ([`Plan::Scan`]) looks through at most this many articles (the latest updated).
pub const SCAN_ARTICLES: i64 = 300;

/// How `text` is searched; `None` when it has nothing to search for. Text without a CJK
/// character ([`is_cjk`]) is searched exactly as before: the word index.
pub fn plan(text: &str, how: Match) -> Option<Plan> {
    if !text.chars().any(is_cjk) {
        return match how {
            Match::All => fts_query(text),
            Match::Any => fts_any(text),
        }
        .map(Plan::Words);
    }
    let terms = match how {
        Match::All => cjk::all_terms(text),
        Match::Any => cjk::any_terms(text, STOP),
    };
    if terms.is_empty() {
        return None;
    }
    if terms.iter().all(|t| t.chars().count() >= TRIGRAM) {
        let sep = if how == Match::All { " " } else { " OR " };
        let quoted: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
        return Some(Plan::Substrings(quoted.join(sep)));
    }
    let need = if how == Match::All { terms.len() } else { 1 };
    Some(Plan::Scan { terms, need })
}

/// At most this many words are searched.
pub const MAX_TERMS: usize = 8;

/// `None` when the text has no searchable word.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(|w| w.chars().take(40).collect::<String>())
        .collect();
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Words too common to say what a message is about.
const STOP: &[&str] = &[
    "about", "also", "and", "are", "but", "can", "could", "did", "does", "for", "from", "have",
    "hello", "help", "how", "into", "just", "not", "please", "that", "the", "then", "there",
    "this", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    "thanks",
];

/// A query that matches any of the text's telling words (three letters or more, not a common
/// word), each quoted: what a chat message is about, ranked by bm25 — for suggested articles.
/// `None` when no word tells anything.
pub fn fts_any(text: &str) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        let w: String = w.chars().take(40).collect::<String>().to_lowercase();
        if w.chars().count() >= 3 && !STOP.contains(&w.as_str()) && !words.contains(&w) {
            words.push(w);
        }
        if words.len() == MAX_TERMS {
            break;
        }
    }
    if words.is_empty() {
        return None;
    }
    Some(
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" OR "),
    )
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod word_tests {
    use super::{fts_any, fts_query};

    #[test]
    fn any_keeps_telling_words_once_quoted() {
        assert_eq!(
            fts_any("How do I export my reports to CSV? export!").as_deref(),
            Some("\"export\" OR \"reports\" OR \"csv\"")
        );
        assert_eq!(fts_any("hi, how are you?"), None);
        assert_eq!(
            fts_any("\" OR NEAR( -- *csv*").as_deref(),
            Some("\"near\" OR \"csv\""),
            "operators are words, quoted"
        );
        assert_eq!(
            fts_any(&"word ".repeat(3)).as_deref(),
            Some("\"word\""),
            "each word once"
        );
        let many: String = (0..30).map(|i| format!("term{i} ")).collect();
        assert_eq!(fts_any(&many).unwrap().matches(" OR ").count(), 7);
    }

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            fts_query("export csv").as_deref(),
            Some("\"export\" \"csv\"*")
        );
        assert_eq!(
            fts_query("  Réglages, compte! ").as_deref(),
            Some("\"Réglages\" \"compte\"*")
        );
        assert_eq!(fts_query(""), None);
        assert_eq!(
            fts_query("\" OR * NEAR( -- ;").as_deref(),
            Some("\"OR\" \"NEAR\"*"),
            "operators become quoted words"
        );
        assert_eq!(
            fts_query("a b c d e f g h i j")
                .unwrap()
                .matches('"')
                .count(),
            16,
            "at most 8 terms"
        );
    }
}
