//! `chat::spans` is linear-time: it remembers its searches (see `seek` in chat.rs). This holds
//! it to the plain version it replaced, kept here as the reference: each opener searched for its
//! closer afresh, quadratic on hostile text but simple enough to read as the rules. Random text
//! of delimiters, link parts, whitespace, control and multibyte characters, and runs long enough
//! to cross the 2048-byte link limit, must give the same spans.
#![cfg(not(target_arch = "wasm32"))]

use porchlight_shared::chat::{safe_href, spans, Span};
use proptest::prelude::*;

fn reference_safe_href(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    let ok_scheme = ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s));
    ok_scheme
        && href.len() <= 2048
        && !href
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

fn flanked(inner: &str) -> bool {
    !inner.is_empty()
        && !inner.starts_with(char::is_whitespace)
        && !inner.ends_with(char::is_whitespace)
}

fn reference_spans(text: &str) -> Vec<Span<'_>> {
    let mut out = Vec::new();
    let mut plain = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let inner = |open: usize, close: &str| -> Option<(&str, usize)> {
            let e = rest[open..].find(close)?;
            Some((&rest[open..open + e], open + e + close.len()))
        };
        let found = if rest.starts_with('\n') {
            Some((Span::LineBreak, 1))
        } else if rest.starts_with("**") {
            inner(2, "**")
                .filter(|(t, _)| flanked(t))
                .map(|(t, n)| (Span::Bold(t), n))
        } else if rest.starts_with('*') || rest.starts_with('_') {
            inner(1, &rest[..1])
                .filter(|(t, _)| flanked(t) && !t.contains('\n'))
                .map(|(t, n)| (Span::Italic(t), n))
        } else if rest.starts_with('`') {
            inner(1, "`")
                .filter(|(t, _)| !t.is_empty())
                .map(|(t, n)| (Span::Code(t), n))
        } else if rest.starts_with('[') {
            inner(1, "](").and_then(|(label, n)| {
                let (href, m) = inner(n, ")")?;
                (!label.is_empty() && !label.contains('\n') && reference_safe_href(href))
                    .then_some((Span::Link { text: label, href }, m))
            })
        } else if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
            reference_safe_href(url).then_some((
                Span::Link {
                    text: url,
                    href: url,
                },
                url.len(),
            ))
        } else {
            None
        };
        match found {
            Some((span, len)) => {
                if i > plain {
                    out.push(Span::Text(&text[plain..i]));
                }
                out.push(span);
                i += len;
                plain = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if text.len() > plain {
        out.push(Span::Text(&text[plain..]));
    }
    out
}

fn piece() -> impl Strategy<Value = String> {
    const SHORT: [&str; 35] = [
        "*", "**", "_", "`", "[", "]", "(", ")", "](", "\n", " ", "a", "é", "😀", "http://",
        "https://", "HTTP://", "mailto:", ".", ",", "!", ";", ":", "?", "\u{1}", "\u{85}",
        "\u{a0}", "\u{2003}", "\u{feff}", "\u{7f}", "<", ">", "\"", "/", "x",
    ];
    prop_oneof![
        20 => proptest::sample::select(&SHORT[..]).prop_map(str::to_string),
        1 => (proptest::sample::select(&["x", "é", "😀", ".", "ab", "http://"][..]), 500usize..2100)
            .prop_map(|(s, k)| s.repeat(k / s.len())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn spans_match_the_plain_reference(pieces in proptest::collection::vec(piece(), 0..40)) {
        let text = pieces.concat();
        prop_assert_eq!(spans(&text), reference_spans(&text));
        prop_assert_eq!(safe_href(&text), reference_safe_href(&text));
        let link = format!("http://{text}");
        prop_assert_eq!(safe_href(&link), reference_safe_href(&link));
    }
}

/// Links around the 2048-byte limit, which random text seldom lands on.
#[test]
fn links_at_the_length_limit_match_the_reference() {
    for fill in ["x", "é", "😀", "\u{1}", "."] {
        for len in 2030..2060 {
            let body = fill.repeat((len - 7) / fill.len());
            for text in [
                format!("http://{body}"),
                format!("http://{body}x. z"),
                format!("see http://http://{body}"),
                format!("[a](http://{body})"),
                format!("[[a](mailto:{body}x)"),
            ] {
                assert_eq!(spans(&text), reference_spans(&text), "{len} {fill:?}");
            }
        }
    }
}
