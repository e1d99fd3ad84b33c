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

/// Appends `text` to `out`, escaped for an HTML attribute value in double quotes or an
/// element's text (`&`, `<` and `"` written as entities, so nothing is ever parsed as markup).
pub fn esc(out: &mut String, text: &str) {
    // By bytes, the text between two special ones copied whole: no UTF-8 decoding and
    // re-encoding of every character.
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(text.get(from..i).unwrap_or_default());
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(text.get(from..).unwrap_or_default());
}

/// Appends `text` (the Markdown subset) to `out` as markup: the [`spans`]' few elements
/// (`strong`, `em`, `code`, `a` with a [`safe_href`], `br`), every text and href [`esc`]'d, so
/// nothing else is ever parsed from it. What the edge sends a tour step's body as
/// (`bodyHtml`), drawn by the tour module as is.
pub fn markup(out: &mut String, text: &str) {
    for s in spans(text) {
        let (tag, t) = match s {
            Span::Text(t) => {
                esc(out, t);
                continue;
            }
            Span::LineBreak => {
                out.push_str("<br>");
                continue;
            }
            Span::Bold(t) => ("strong", t),
            Span::Italic(t) => ("em", t),
            Span::Code(t) => ("code", t),
            Span::Link { text, href } => {
                out.push_str("<a href=\"");
                esc(out, href);
                out.push_str("\" rel=\"noopener noreferrer\" target=_blank");
                ("a", text)
            }
        };
        if tag != "a" {
            out.push('<');
            out.push_str(tag);
        }
        out.push('>');
        esc(out, t);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

/// Whether a link target may become an anchor: http, https and mailto only (no
/// `javascript:`, `data:`, relative or protocol-relative URLs).
pub fn safe_href(href: &str) -> bool {
    // A leading space needs no trimming: any whitespace is refused.
    href_head(href) && !href.chars().any(refused)
}

/// A link target's bounded checks: its length and scheme (any case).
fn href_head(href: &str) -> bool {
    href.len() <= 2048
        && ["http://", "https://", "mailto:"].iter().any(|s| {
            href.get(..s.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(s))
        })
}

/// What a link target may not hold.
fn refused(c: char) -> bool {
    c.is_control() || c.is_whitespace() || c == '"' || c == '<' || c == '>'
}

/// Emphasis hugs its text (`*a*`, not `2 * 3 *`), as in CommonMark.
fn flanked(inner: &str) -> bool {
    // Its first and last characters, decoded forwards (`ends_with` would bring a backward
    // decoder into the widget).
    let white = |s: &str| s.chars().next().is_some_and(char::is_whitespace);
    let mut last = inner.len();
    while last > 0 {
        last -= 1;
        if inner.is_char_boundary(last) {
            break;
        }
    }
    !inner.is_empty() && !white(inner) && !white(sub(inner, last, inner.len()))
}

// Work done by `spans` (characters looked at), for the tests that hold it linear.
#[cfg(test)]
thread_local!(static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
fn step(_n: usize) {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + _n));
}

/// Slices go through `sub` (never a panicking index): the widget ships no panic formatting.
fn sub(s: &str, from: usize, to: usize) -> &str {
    s.get(from..to).unwrap_or("")
}

/// The first position at or after `from` (> 0) where `hit` holds for the rest of `text`, or
/// `text.len()`. `memo` keeps the last answer for one kind of search, asked with a `from` that
/// never decreases: an answer at or past `from` still holds, so no character is looked at
/// twice per kind. Without it every unclosed `[` searched to the end: quadratic time.
fn seek(memo: &mut usize, text: &str, from: usize, hit: fn(&str) -> bool) -> usize {
    if *memo < from {
        let rest = sub(text, from, text.len());
        // Character by character: at each byte that starts one (no decoding).
        let mut k = 0;
        while k < rest.len() {
            if rest.is_char_boundary(k) {
                step(1);
                if hit(sub(rest, k, rest.len())) {
                    break;
                }
            }
            k += 1;
        }
        *memo = from + k;
    }
    *memo
}

/// Splits message text into spans: `**bold**`, `*italic*` or `_italic_`, `` `code` ``,
/// `[text](url)` with a safe URL, bare `https://…` links, and line breaks. Everything else is
/// text, including every `<` and `&`: callers render spans as text nodes.
///
/// Linear time: every search for a closer, a line break, a link's end or a refused character
/// goes through [`seek`], remembered per kind.
pub fn spans<'t>(text: &'t str) -> Vec<Span<'t>> {
    let mut out = Vec::new();
    let mut plain = 0; // start of pending plain text
    let mut i = 0;
    let n = text.len();
    let b = text.as_bytes();
    // `seek`'s memos: `**`, `*`, `_`, `` ` ``, `](`, `)`, a line break, a bare link's end, a
    // refused character in a bare link, in a link target.
    let mut m = [0; 10];
    // A bare link's end and that end without trailing punctuation: many links can end there.
    let mut trim = (0, 0);
    while let Some(&c) = b.get(i) {
        step(1);
        let rest = sub(text, i, n);
        let found: Option<(Span<'t>, usize)> = if c == b'\n' {
            Some((Span::LineBreak, 1))
        } else if rest.starts_with("**") {
            let e = seek(&mut m[0], text, i + 2, |r| r.starts_with("**"));
            let t = sub(text, i + 2, e);
            (e < n && flanked(t)).then_some((Span::Bold(t), e + 2 - i))
        } else if c == b'*' || c == b'_' {
            let e = if c == b'*' {
                seek(&mut m[1], text, i + 1, |r| r.starts_with('*'))
            } else {
                seek(&mut m[2], text, i + 1, |r| r.starts_with('_'))
            };
            let t = sub(text, i + 1, e);
            (e < n && flanked(t) && seek(&mut m[6], text, i + 1, |r| r.starts_with('\n')) >= e)
                .then_some((Span::Italic(t), e + 1 - i))
        } else if c == b'`' {
            let e = seek(&mut m[3], text, i + 1, |r| r.starts_with('`'));
            (e < n && e > i + 1).then_some((Span::Code(sub(text, i + 1, e)), e + 1 - i))
        } else if c == b'[' {
            let mid = seek(&mut m[4], text, i + 1, |r| r.starts_with("]("));
            let end = if mid < n {
                seek(&mut m[5], text, mid + 2, |r| r.starts_with(')'))
            } else {
                n
            };
            let href = sub(text, mid + 2, end);
            (end < n
                && mid > i + 1
                && seek(&mut m[6], text, i + 1, |r| r.starts_with('\n')) >= mid
                && href_head(href)
                && seek(&mut m[9], text, mid + 2, |r| r.starts_with(refused)) >= end)
                .then_some((
                    Span::Link {
                        text: sub(text, i + 1, mid),
                        href,
                    },
                    end + 1 - i,
                ))
        } else if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = seek(&mut m[7], text, i + 7, |r| {
                r.starts_with(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            });
            if trim.0 != end {
                // A trailing full stop or comma ends the sentence, not the URL. The scheme's
                // `/` stops the trimming, so it does not depend on where the link starts.
                // By bytes: they are ASCII (`trim_end_matches` would bring its searcher).
                let b = sub(text, 0, end).as_bytes();
                let mut t = b.len();
                while t > 0 && matches!(b[t - 1], b'.' | b',' | b')' | b'!' | b'?' | b';' | b':') {
                    t -= 1;
                }
                step(end - t);
                trim = (end, t);
            }
            let url = sub(text, i, trim.1);
            // The scheme is known and whitespace, `<`, `>` and `"` end the link: only its length
            // and control characters are left to check.
            (url.len() <= 2048
                && seek(&mut m[8], text, i + 7, |r| r.starts_with(refused)) >= trim.1)
                .then_some((
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
            // The next character (the next byte that starts one).
            None => {
                i += 1;
                while !text.is_char_boundary(i) {
                    i += 1;
                }
            }
        }
    }
    if n > plain {
        out.push(Span::Text(sub(text, plain, n)));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn esc_writes_the_three_entities_and_keeps_the_rest() {
        let mut out = String::from("x");
        super::esc(&mut out, "a<b>&\"c\" é 🙂 '");
        assert_eq!(out, "xa&lt;b>&amp;&quot;c&quot; é 🙂 '");
        let mut out = String::new();
        super::esc(&mut out, "");
        assert_eq!(out, "");
    }

    #[test]
    fn markup_makes_the_spans_elements_and_escapes_the_rest() {
        let mut out = String::from("<p>");
        super::markup(
            &mut out,
            "**<b>x</b>** _i_ `a&b`\n[go \"there\"](https://a.test/?a=1&b=2) <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert_eq!(
            out,
            "<p><strong>&lt;b>x&lt;/b></strong> <em>i</em> <code>a&amp;b</code><br>\
             <a href=\"https://a.test/?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=_blank>go &quot;there&quot;</a> \
             &lt;script>alert(1)&lt;/script> [x](javascript:alert(1)) &lt;img src=x onerror=alert(1)>"
        );
        let mut out = String::new();
        super::markup(&mut out, "");
        assert_eq!(out, "");
    }

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

    /// Characters `spans` looked at (see `step`).
    fn work(text: &str) -> usize {
        STEPS.with(|s| s.set(0));
        let _ = spans(text);
        STEPS.with(|s| s.get())
    }

    /// Hostile text costs work in proportion to its length, whatever its shape. Before, each
    /// unclosed `[` or `[a](` searched to the end of the text, a bare link searched for its end
    /// and trimmed it again from every `http://` inside it, and a label was searched for line
    /// breaks and a target lowercased again for every `[` before it: quadratic.
    #[test]
    fn hostile_text_takes_linear_work() {
        let shapes: [fn(usize) -> String; 16] = [
            |k| "http:// ".repeat(k),
            |k| "http://".repeat(k),
            |k| "*a ".repeat(k),
            |k| "_".repeat(k),
            |k| "[".repeat(k),
            |k| "[a](".repeat(k),
            |k| "`".repeat(k),
            |k| "**".repeat(k),
            |k| "[".repeat(k) + "a](x)",
            |k| "[a](".repeat(k) + ")",
            |k| "[a](http://".repeat(k) + ")",
            |k| "[\n".repeat(k) + "a](https://a.test)",
            |k| "http://".repeat(k) + &".".repeat(k),
            |k| "http://\u{1}".repeat(k),
            |k| "*_`[**http://".repeat(k),
            |k| "[*_`](\n**https://x\u{85}".repeat(k),
        ];
        for shape in shapes {
            let (small, large) = (shape(1_250), shape(2_500));
            let (a, b) = (work(&small), work(&large));
            assert!(
                b < 3 * a && b <= 12 * large.len(),
                "{:?}…: {a} steps, then {b} for twice as much",
                small.get(..12)
            );
        }
    }
}
