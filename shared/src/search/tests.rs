//! Which index a text is searched with, and the excerpt a scan answers with.

use super::{excerpt, is_cjk, plan, Match, Plan};

fn scan(terms: &[&str], need: usize) -> Option<Plan> {
    Some(Plan::Scan {
        terms: terms.iter().map(|t| t.to_string()).collect(),
        need,
    })
}

#[test]
fn text_without_cjk_is_searched_by_words_as_before() {
    assert_eq!(
        plan("export csv", Match::All),
        Some(Plan::Words("\"export\" \"csv\"*".into()))
    );
    assert_eq!(
        plan("Réglages du compte", Match::All),
        Some(Plan::Words("\"Réglages\" \"du\" \"compte\"*".into()))
    );
    assert_eq!(
        plan("How do I export my reports?", Match::Any),
        Some(Plan::Words("\"export\" OR \"reports\"".into()))
    );
    assert_eq!(
        plan("تصدير تقرير", Match::All),
        Some(Plan::Words("\"تصدير\" \"تقرير\"*".into()))
    );
    assert_eq!(plan("\" * ( -- ;", Match::All), None);
}

#[test]
fn cjk_of_three_characters_or_more_uses_the_substring_index() {
    assert_eq!(
        plan("スプレッドシート", Match::All),
        Some(Plan::Substrings("\"スプレッドシート\"".into()))
    );
    assert_eq!(
        plan("CSV 書き出す", Match::All),
        Some(Plan::Substrings("\"csv\" \"書き出す\"".into())),
        "every term required, ASCII lowercased, no prefix star (substrings already)"
    );
    assert_eq!(
        plan("请求书　发票吗", Match::All),
        Some(Plan::Substrings("\"请求书\" \"发票吗\"".into())),
        "an ideographic space separates"
    );
}

#[test]
fn a_term_shorter_than_a_trigram_is_scanned_for() {
    assert_eq!(plan("請求", Match::All), scan(&["請求"], 1));
    assert_eq!(plan("表", Match::All), scan(&["表"], 1));
    assert_eq!(
        plan("PDF 請求", Match::All),
        scan(&["pdf", "請求"], 2),
        "all terms required"
    );
    assert_eq!(
        plan("请求书 发票", Match::All),
        scan(&["请求书", "发票"], 2)
    );
    assert_eq!(plan("請求、請求", Match::All), scan(&["請求"], 1), "once");
}

#[test]
fn hostile_text_gives_quoted_terms_only() {
    for text in [
        "\"レポート\" OR NEAR(書き出す",
        "レポート*",
        "'); DROP TABLE articles; -- レポート",
        "レポート\"\"\"",
    ] {
        let Some(p) = plan(text, Match::All) else {
            panic!("{text}: a plan");
        };
        let (Plan::Substrings(q) | Plan::Words(q)) = &p else {
            continue;
        };
        let inner: String = q.split('"').skip(1).step_by(2).collect();
        assert!(
            inner.chars().all(char::is_alphanumeric),
            "{text}: only letters inside quotes: {q}"
        );
        let outer: String = q.split('"').step_by(2).collect();
        assert!(
            outer.chars().all(|c| c == ' '),
            "{text}: AND only, no operator outside quotes: {q}"
        );
    }
    let long = "レポート".repeat(100);
    let Some(Plan::Substrings(q)) = plan(&long, Match::All) else {
        panic!("a plan");
    };
    assert_eq!(q.chars().count(), 42, "a term is cut to 40 characters");
    let many: String = (0..30).map(|i| format!("レポート{i} ")).collect();
    let Some(Plan::Substrings(q)) = plan(&many, Match::All) else {
        panic!("a plan");
    };
    assert_eq!(q.matches('"').count(), 16, "at most 8 terms");
}

#[test]
fn a_message_is_about_its_katakana_ideograph_and_latin_words() {
    assert_eq!(
        plan(
            "CSVでレポートを書き出すにはどうすればいいですか？",
            Match::Any
        ),
        Some(Plan::Substrings("\"csv\" OR \"レポート\"".into())),
        "particles and single ideographs left out"
    );
    assert_eq!(
        plan("請求書の宛名を変更したい", Match::Any),
        scan(&["請求書", "宛名", "変更"], 1),
        "any one of them; a two-ideograph word is scanned for"
    );
    assert_eq!(
        plan("こんにちは、ありがとう", Match::Any),
        None,
        "nothing telling"
    );
    assert_eq!(
        plan("help me with the レポート", Match::Any),
        Some(Plan::Substrings("\"レポート\"".into())),
        "common words left out"
    );
}

#[test]
fn cjk_is_kana_ideographs_and_hangul() {
    for c in ['ひ', 'カ', 'ー', 'ｶ', '漢', '々', '한', '𠀋'] {
        assert!(is_cjk(c), "{c}");
    }
    for c in ['a', 'é', 'ع', '1', '。', '、', '　', '・'] {
        assert!(!is_cjk(c), "{c}");
    }
}

#[test]
fn an_excerpt_is_plain_text_around_the_first_term() {
    let body = "請求書はPDFで届きます。宛名を変更するには、設定を開いて会社名を書き換えてください。変更は次の請求から反映されます。";
    let e = excerpt(body, &["変更".into()]);
    assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
    assert!(e.contains("変更するには"), "{e}");
    assert!(e.chars().count() <= super::EXCERPT_CHARS + 2);
    assert_eq!(
        excerpt("Export to CSV", &["csv".into()]),
        "Export to CSV",
        "ASCII case ignored; short bodies whole"
    );
    assert_eq!(
        excerpt(&"あ".repeat(100), &["ない".into()]),
        format!("{}…", "あ".repeat(40)),
        "no term: the start"
    );
    assert_eq!(excerpt("", &["x".into()]), "");
    assert_eq!(
        excerpt("<b>表</b>", &["表".into()]),
        "<b>表</b>",
        "as written"
    );
}

proptest::proptest! {
    /// Whatever is typed: only letters and digits inside quotes, only `AND`, `OR` and the
    /// prefix star outside them; scanned terms are letters and digits; an excerpt is short.
    #[test]
    fn any_text_gives_quoted_words_only(text in "(\\PC|[\"*():^{}\\-]|レポート|請求| ){0,80}", any: bool) {
        let how = if any { Match::Any } else { Match::All };
        match plan(&text, how) {
            None => {}
            Some(Plan::Words(q) | Plan::Substrings(q)) => {
                let parts: Vec<&str> = q.split('"').collect();
                proptest::prop_assert!(parts.len() % 2 == 1, "{q}");
                for (i, p) in parts.iter().enumerate() {
                    if i % 2 == 1 {
                        proptest::prop_assert!(!p.is_empty() && p.chars().all(char::is_alphanumeric), "{q}");
                    } else {
                        proptest::prop_assert!(["", " ", " OR ", "*"].contains(p), "{q}");
                    }
                }
            }
            Some(Plan::Scan { terms, need }) => {
                proptest::prop_assert!(need >= 1 && need <= terms.len());
                for t in &terms {
                    proptest::prop_assert!(!t.is_empty() && t.chars().all(char::is_alphanumeric));
                    let e = excerpt(&text, std::slice::from_ref(t));
                    proptest::prop_assert!(e.chars().count() <= super::EXCERPT_CHARS + 2);
                }
            }
        }
    }
}
