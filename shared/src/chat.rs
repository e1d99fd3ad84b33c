//! Live chat's rules, shared by the edge (which stores and orders messages) and the widget
//! (which queues, retries and renders them): message and client-id limits, CSAT, and the small
//! Markdown subset message text may use. Rendering is by tokens, never HTML: whoever shows a
//! message builds text nodes and, for links, anchors whose scheme was checked here.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};

/// Longest message body, in characters (`PAYLOAD_TOO_LARGE` beyond).
pub const MAX_BODY_CHARS: usize = 10_000;

/// Checks a message body: not blank, at most [`MAX_BODY_CHARS`] characters.
pub fn check_body(body: &str, path: &str) -> Result<(), ApiError> {
    if body.trim().is_empty() {
        return Err(ApiError::invalid(path, "a message needs some text"));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        let mut e = ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("a message holds at most {MAX_BODY_CHARS} characters"),
        );
        e.path = Some(path.into());
        return Err(e);
    }
    Ok(())
}

/// A client id makes a send idempotent: 1-64 letters, digits, `-` and `_` (a UUID fits).
pub fn valid_client_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn check_client_id(s: &str, path: &str) -> Result<(), ApiError> {
    if valid_client_id(s) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            path,
            "1-64 letters, digits, - or _ (a UUID made by the sender)",
        ))
    }
}

/// A satisfaction rating after a conversation closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Csat {
    pub rating: i64,
    #[serde(default)]
    pub comment: Option<String>,
}

impl Csat {
    pub fn validate(&self) -> Result<(), ApiError> {
        if !(1..=5).contains(&self.rating) {
            return Err(ApiError::invalid("/rating", "an integer from 1 to 5"));
        }
        if self
            .comment
            .as_deref()
            .is_some_and(|c| c.chars().count() > 2000)
        {
            return Err(ApiError::invalid("/comment", "at most 2000 characters"));
        }
        Ok(())
    }
}

/// One piece of a rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span<'a> {
    Text(&'a str),
    Bold(&'a str),
    Italic(&'a str),
    Code(&'a str),
    /// `href` is http(s) or mailto; anything else stays text.
    Link {
        text: &'a str,
        href: &'a str,
    },
    LineBreak,
}

/// Whether a link target may become an anchor: http, https and mailto only (no
/// `javascript:`, `data:`, relative or protocol-relative URLs).
pub fn safe_href(href: &str) -> bool {
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

/// Emphasis hugs its text (`*a*`, not `2 * 3 *`), as in CommonMark.
fn flanked(inner: &str) -> bool {
    !inner.is_empty()
        && !inner.starts_with(char::is_whitespace)
        && !inner.ends_with(char::is_whitespace)
}

/// Byte search without `str::find`'s searcher (smaller in the widget's WASM).
fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Splits message text into spans: `**bold**`, `*italic*` or `_italic_`, `` `code` ``,
/// `[text](url)` with a safe URL, bare `https://…` links, and line breaks. Everything else is
/// text, including every `<` and `&`: callers render spans as text nodes.
pub fn spans<'t>(text: &'t str) -> Vec<Span<'t>> {
    // Slices go through `sub` (never a panicking index): the widget ships no panic formatting.
    fn sub(s: &str, from: usize, to: usize) -> &str {
        s.get(from..to).unwrap_or("")
    }
    let mut out = Vec::new();
    let mut plain = 0; // start of pending plain text
    let mut i = 0;
    let b = text.as_bytes();
    while let Some(&c) = b.get(i) {
        let rest = sub(text, i, text.len());
        let inner = |open: usize, close: &str| -> Option<(&'t str, usize)> {
            let after = sub(rest, open, rest.len());
            let e = find(after, close)?;
            Some((sub(after, 0, e), open + e + close.len()))
        };
        let found: Option<(Span<'t>, usize)> = if c == b'\n' {
            Some((Span::LineBreak, 1))
        } else if rest.starts_with("**") {
            inner(2, "**")
                .filter(|(t, _)| flanked(t))
                .map(|(t, n)| (Span::Bold(t), n))
        } else if c == b'*' || c == b'_' {
            inner(1, if c == b'*' { "*" } else { "_" })
                .filter(|(t, _)| flanked(t) && !t.contains('\n'))
                .map(|(t, n)| (Span::Italic(t), n))
        } else if c == b'`' {
            inner(1, "`")
                .filter(|(t, _)| !t.is_empty())
                .map(|(t, n)| (Span::Code(t), n))
        } else if c == b'[' {
            inner(1, "](").and_then(|(label, n)| {
                let (href, m) = inner(n, ")")?;
                (!label.is_empty() && !label.contains('\n') && safe_href(href))
                    .then_some((Span::Link { text: label, href }, m))
            })
        } else if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
                .unwrap_or(rest.len());
            // A trailing full stop or comma ends the sentence, not the URL.
            let url = sub(rest, 0, end).trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
            safe_href(url).then_some((
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
                    out.push(Span::Text(sub(text, plain, i)));
                }
                out.push(span);
                i += len;
                plain = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if text.len() > plain {
        out.push(Span::Text(sub(text, plain, text.len())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_client_ids() {
        assert!(check_body("hi", "/body").is_ok());
        assert_eq!(
            check_body("  \n", "/body").unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert!(check_body(&"é".repeat(MAX_BODY_CHARS), "/body").is_ok());
        assert_eq!(
            check_body(&"x".repeat(MAX_BODY_CHARS + 1), "/body")
                .unwrap_err()
                .code,
            ErrorCode::PayloadTooLarge
        );
        assert!(valid_client_id("2b5e2d9c-8f5c-4b8e-9d3a-1f2e3d4c5b6a"));
        assert!(!valid_client_id("a b"));
        assert!(!valid_client_id(&"a".repeat(65)));
    }

    #[test]
    fn csat_bounds() {
        assert!(Csat {
            rating: 5,
            comment: None
        }
        .validate()
        .is_ok());
        assert_eq!(
            Csat {
                rating: 6,
                comment: None
            }
            .validate()
            .unwrap_err()
            .path
            .as_deref(),
            Some("/rating")
        );
        assert_eq!(
            Csat {
                rating: 0,
                comment: None
            }
            .validate()
            .unwrap_err()
            .path
            .as_deref(),
            Some("/rating")
        );
    }

    #[test]
    fn markdown_subset_renders_as_spans() {
        use Span::*;
        assert_eq!(
            spans("Hi **there**, see [docs](https://a.test/d) or _soon_\n`x<y`"),
            vec![
                Text("Hi "),
                Bold("there"),
                Text(", see "),
                Link {
                    text: "docs",
                    href: "https://a.test/d"
                },
                Text(" or "),
                Italic("soon"),
                LineBreak,
                Code("x<y")
            ]
        );
        assert_eq!(
            spans("go to https://a.test/x?y=1. Thanks"),
            vec![
                Text("go to "),
                Link {
                    text: "https://a.test/x?y=1",
                    href: "https://a.test/x?y=1"
                },
                Text(". Thanks")
            ]
        );
        assert_eq!(
            spans("mail [us](mailto:a@b.test)")[1],
            Link {
                text: "us",
                href: "mailto:a@b.test"
            }
        );
    }

    /// The agent console renders with a JavaScript copy of these rules
    /// (www/console/markdown.mjs): both are held to the same vectors.
    #[test]
    fn shared_vectors_with_the_console() {
        let vectors: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../tests/markdown.json")).expect("vectors");
        assert!(vectors.len() >= 30);
        for v in vectors {
            let input = v["input"].as_str().expect("input");
            let got: Vec<serde_json::Value> = spans(input)
                .into_iter()
                .map(|s| match s {
                    Span::Text(t) => serde_json::json!({"t": "text", "v": t}),
                    Span::Bold(t) => serde_json::json!({"t": "b", "v": t}),
                    Span::Italic(t) => serde_json::json!({"t": "i", "v": t}),
                    Span::Code(t) => serde_json::json!({"t": "code", "v": t}),
                    Span::Link { text, href } => {
                        serde_json::json!({"t": "a", "v": text, "href": href})
                    }
                    Span::LineBreak => serde_json::json!({"t": "br"}),
                })
                .collect();
            assert_eq!(serde_json::Value::Array(got), v["spans"], "input {input:?}");
        }
    }

    #[test]
    fn dangerous_links_and_html_stay_text() {
        use Span::*;
        assert_eq!(
            spans("[click](javascript:alert(1))"),
            vec![Text("[click](javascript:alert(1))")]
        );
        assert_eq!(
            spans("[x](data:text/html,<script>)"),
            vec![Text("[x](data:text/html,<script>)")]
        );
        assert_eq!(
            spans("[x]( JaVaScRiPt:alert(1))"),
            vec![Text("[x]( JaVaScRiPt:alert(1))")]
        );
        assert_eq!(
            spans("<img src=x onerror=alert(1)></script>"),
            vec![Text("<img src=x onerror=alert(1)></script>")]
        );
        assert!(!safe_href("//evil.test"));
        assert!(!safe_href("https://a.test/\"onmouseover=\"x"));
        assert!(safe_href("HTTPS://A.TEST"));
        // Unclosed markers and multibyte text are safe.
        assert_eq!(spans("2 * 3 = 6 ✓ **"), vec![Text("2 * 3 = 6 ✓ **")]);
    }
}
