use super::*;

/// The placeholders of `text`, or why it is malformed.
fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    loop {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (None, None) => return Ok(names),
            (Some(o), Some(c)) if o < c => {
                let block = &rest[o + 1..c];
                // A plural block (`{count|one=…|other=…}`, see `plural`): its name, and
                // variants of known categories with `other` among them.
                let mut parts = block.split('|');
                let name = parts.next().unwrap_or_default();
                let variants: Vec<&str> = parts.collect();
                if !variants.is_empty() {
                    let mut cats = Vec::new();
                    for v in &variants {
                        match v.split_once('=') {
                            Some((cat, words))
                                if PLURAL_CATEGORIES.contains(&cat)
                                    && !cats.contains(&cat)
                                    && words.contains('#')
                                    && !words.contains(['{', '}']) =>
                            {
                                cats.push(cat)
                            }
                            _ => {
                                return Err(format!(
                                "plural variant {v:?} of {{{name}}} is not category=words with #"
                            ))
                            }
                        }
                    }
                    if !cats.contains(&"other") {
                        return Err(format!("plural block of {{{name}}} has no other"));
                    }
                }
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase()) {
                    return Err(format!("placeholder {{{name}}} is not [a-z]+"));
                }
                names.push(name);
                rest = &rest[c + 1..];
            }
            _ => return Err("unbalanced braces".into()),
        }
    }
}

#[test]
fn placeholders_are_checked() {
    assert_eq!(placeholders("a {b} c {d}"), Ok(vec!["b", "d"]));
    assert_eq!(
        placeholders("{n|one=# lu|other=# lus} {d}"),
        Ok(vec!["n", "d"])
    );
    for bad in [
        "{",
        "}",
        "a } b {",
        "{A}",
        "{}",
        "{a{b}}",
        "{a b}",
        "{a1}",
        "{n|one=# lu}",
        "{n|one=lu|other=# lus}",
        "{n|uno=# lu|other=# lus}",
        "{n|other=# a|other=# b}",
        "{n|other}",
        "{|other=#}",
    ] {
        assert!(placeholders(bad).is_err(), "{bad}");
    }
}

#[test]
fn every_message_has_english_text_and_well_formed_placeholders() {
    for m in Msg::ALL {
        let text = m.en();
        assert!(!text.trim().is_empty(), "{m:?} has no English text");
        assert_eq!(text, text.trim(), "{m:?} has surrounding blanks");
        let names = placeholders(text).unwrap_or_else(|e| panic!("{m:?}: {e}: {text:?}"));
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{m:?} repeats a placeholder");
    }
}

/// Every locale has every key (the `match`es are exhaustive: the compiler holds that), a text
/// that is not blank, and exactly the English placeholders — in whatever order its grammar
/// wants them.
#[test]
fn every_locale_has_every_message_with_the_same_placeholders() {
    let mut problems = Vec::new();
    for locale in Locale::ALL {
        for &m in Msg::ALL {
            let text = text(locale, m);
            if text.trim().is_empty() || text != text.trim() {
                problems.push(format!("{}: {m:?} is blank or padded", locale.tag()));
                continue;
            }
            let mut want = placeholders(m.en()).expect("English is well formed");
            match placeholders(text) {
                Err(e) => problems.push(format!("{}: {m:?}: {e}", locale.tag())),
                Ok(mut got) => {
                    want.sort_unstable();
                    got.sort_unstable();
                    if got != want {
                        problems.push(format!(
                            "{}: {m:?} has {got:?}, English has {want:?}: {text:?}",
                            locale.tag()
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A translation is a translation: apart from a few words that are the same in a language
/// (listed), no locale leaves the English text in place.
#[test]
fn no_locale_copies_english() {
    let same = [
        Msg::UnreadOverflow,
        Msg::TourProgress,
        Msg::ConversationOpen,
        Msg::ConversationClosed,
        Msg::TicketLine,
    ];
    for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
        for &m in Msg::ALL.iter().filter(|m| !same.contains(m)) {
            let t = text(locale, m);
            // Single words may be the same in a language ("Conversation", "Tickets", "Video").
            if t.contains(' ') {
                assert_ne!(t, m.en(), "{}: {m:?} is English", locale.tag());
            }
        }
    }
}

/// `ALL` names every variant of the enum (its declaration, read from msg.rs), once, in order:
/// a message's discriminant is its index in a delivered table.
#[test]
fn all_lists_every_message_once_in_discriminant_order() {
    let src = include_str!("msg.rs");
    let body = src
        .split_once("pub enum Msg {")
        .and_then(|(_, b)| b.split_once("\n}"))
        .map(|(b, _)| b)
        .expect("the enum");
    let declared: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && l.ends_with(','))
        .map(|l| l.trim_end_matches(','))
        .collect();
    let listed: Vec<String> = Msg::ALL.iter().map(|m| format!("{m:?}")).collect();
    assert_eq!(listed, declared, "Msg::ALL in the order of the enum");
    for (i, &m) in Msg::ALL.iter().enumerate() {
        assert_eq!(m as usize, i, "{m:?}");
    }
}

#[test]
fn negotiation_takes_the_first_wanted_locale_exact_then_base() {
    let n = |w: &[&str]| negotiate(w.iter().copied(), Locale::En);
    // An explicit locale comes first in the list, so it wins.
    assert_eq!(n(&["ja", "fr-FR", "de"]), Locale::Ja);
    // navigator.languages in order: the first one we speak.
    assert_eq!(n(&["it-IT", "it", "fr-CA", "de"]), Locale::Fr);
    // Base language of a region tag, per entry (pt-BR is Portuguese before German).
    assert_eq!(n(&["pt-BR", "de"]), Locale::Pt);
    assert_eq!(n(&["AR-eg"]), Locale::Ar);
    assert_eq!(n(&["es_419"]), Locale::Es);
    assert_eq!(n(&[" de "]), Locale::De);
    // Nothing we speak, nothing at all, garbage: the workspace's default.
    assert_eq!(negotiate(["zh-CN", "ko"], Locale::De), Locale::De);
    assert_eq!(negotiate([], Locale::Es), Locale::Es);
    assert_eq!(n(&["", "-", "e", "english", "<script>"]), Locale::En);
    // "ar" inside a longer language code is not Arabic.
    assert_eq!(n(&["arn", "jam"]), Locale::En);
    // Only the first MAX_WANTED entries are read.
    let mut many = vec!["xx"; MAX_WANTED];
    many.push("fr");
    assert_eq!(n(&many), Locale::En);
}

#[test]
fn tags_round_trip_and_only_arabic_is_rtl() {
    for l in Locale::ALL {
        assert_eq!(Locale::from_tag(l.tag()), Some(l));
        assert_eq!(l.rtl(), l == Locale::Ar);
    }
    assert_eq!(Locale::from_tag("EN"), Some(Locale::En));
    assert_eq!(Locale::from_tag("en-US"), None);
}

#[test]
fn delivery_carries_one_locale_and_no_english_table() {
    let en = serde_json::to_value(Delivery::of(Locale::En)).expect("json");
    assert_eq!(en, serde_json::json!({"locale": "en"}));
    let ar = Delivery::of(Locale::Ar);
    assert_eq!(ar.dir, Some("rtl"));
    let strings = ar.strings.expect("Arabic strings");
    assert_eq!(strings.len(), Msg::ALL.len());
    assert_eq!(strings[Msg::Send as usize], text(Locale::Ar, Msg::Send));
    let ja = serde_json::to_value(Delivery::of(Locale::Ja)).expect("json");
    assert!(ja.get("dir").is_none());
    assert_eq!(
        ja["strings"][Msg::OpenMessenger as usize],
        text(Locale::Ja, Msg::OpenMessenger)
    );
}

/// The boot's rule: the explicit locale, the browser's languages, what the visitor had only
/// when the boot names no language at all, the workspace's default.
#[test]
fn a_boot_names_the_locale_or_keeps_the_visitors() {
    use crate::types::BootRequest;
    let boot = |locale: Option<&str>, languages: Option<&[&str]>| BootRequest {
        locale: locale.map(String::from),
        languages: languages.map(|l| l.iter().map(|s| s.to_string()).collect()),
        ..BootRequest::default()
    };
    let de = Locale::De;
    assert_eq!(
        boot(Some("fr"), Some(&["ja"])).locale(Some("es"), de),
        Locale::Fr
    );
    assert_eq!(
        boot(None, Some(&["xx", "ja-JP"])).locale(Some("es"), de),
        Locale::Ja
    );
    // Languages named, none spoken: the workspace's default, not the old locale.
    assert_eq!(boot(None, Some(&["zh"])).locale(Some("es"), de), de);
    // Nothing named (an API client, an older widget): the visitor keeps theirs.
    assert_eq!(boot(None, None).locale(Some("es"), de), Locale::Es);
    assert_eq!(boot(None, Some(&[])).locale(Some("pt-BR"), de), Locale::Pt);
    assert_eq!(boot(None, None).locale(None, de), de);
    assert_eq!(boot(None, None).locale(Some("tlh"), Locale::En), Locale::En);
}

#[test]
fn plural_picks_the_category_s_words_else_other_and_keeps_the_rest() {
    let fr = "Ouvrir, {count|one=# non lu|other=# non lus} · {date}";
    assert_eq!(
        plural(fr, "count", "one"),
        "Ouvrir, {count} non lu · {date}"
    );
    assert_eq!(
        plural(fr, "count", "other"),
        "Ouvrir, {count} non lus · {date}"
    );
    // A category the block does not name (Arabic's "few" here) takes `other`, wherever it is.
    assert_eq!(plural("{n|other=# x|one=# y}", "n", "few"), "{n} x");
    assert_eq!(plural("{n|other=# x|one=# y}", "n", "one"), "{n} y");
    // No block, another count's block, a lone brace: as written.
    assert_eq!(plural("{count} unread", "count", "one"), "{count} unread");
    assert_eq!(
        plural("{done|one=# a|other=# b} {count}", "count", "one"),
        "{done|one=# a|other=# b} {count}"
    );
    assert_eq!(plural("a { b", "n", "one"), "a { b");
    assert_eq!(plural("", "n", "one"), "");
}

/// Each plural block of a translation counts one of its message's placeholders, and the
/// messages whose counts agree with words in French, Spanish and Portuguese say so.
#[test]
fn counts_agree_where_the_grammar_wants_it() {
    use Msg::*;
    for (locale, m, n_one, n_other) in [
        (
            Locale::Fr,
            OpenMessengerUnread,
            "Ouvrir la messagerie, {count} non lu",
            "Ouvrir la messagerie, {count} non lus",
        ),
        (
            Locale::Fr,
            SpaceTicketsUpdated,
            "Demandes, {count} mise à jour",
            "Demandes, {count} mises à jour",
        ),
        (
            Locale::Es,
            SpaceTicketsUpdated,
            "Solicitudes, {count} actualizada",
            "Solicitudes, {count} actualizadas",
        ),
        (
            Locale::Pt,
            OpenMessengerUnread,
            "Abrir o chat, {count} não lida",
            "Abrir o chat, {count} não lidas",
        ),
        (
            Locale::Pt,
            SpaceTicketsUpdated,
            "Chamados, {count} atualizado",
            "Chamados, {count} atualizados",
        ),
    ] {
        let text = super::text(locale, m);
        assert_eq!(plural(text, "count", "one"), n_one);
        assert_eq!(plural(text, "count", "other"), n_other);
    }
}
