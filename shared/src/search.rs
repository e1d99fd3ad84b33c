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

#[cfg(test)]
mod tests {
    use super::fts_query;

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
