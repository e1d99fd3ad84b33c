//! Turning what a visitor types into a safe full-text query: words only, each quoted (so no
//! FTS5 syntax can be injected), all required, the last one as a prefix (search as you type).

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
mod tests {
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
