//! Authored text with the shared Markdown subset (`porchlight_shared::chat::spans`: bold,
//! italic, code, safe links, line breaks), drawn as text nodes and a few elements ([`append`]),
//! or written as markup for a module that draws with markup ([`markup`]: every text escaped, so
//! the same few elements are all that is parsed) — never the author's HTML. Links are http(s) or
//! mailto only (checked by `spans`), open in a new tab, and carry no referrer and no opener.

use porchlight_shared::chat::{spans, Span};

use crate::js::esc;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Node};

/// Appends `text` to `parent`.
pub fn append(doc: &Document, parent: &Element, text: &str) {
    for s in spans(text) {
        let node: Result<Node, JsValue> = match s {
            Span::Text(t) => {
                let _ = parent.append_with_str_1(t);
                continue;
            }
            Span::LineBreak => doc.create_element("br").map(Into::into),
            Span::Bold(t) | Span::Italic(t) | Span::Code(t) => {
                let tag = match s {
                    Span::Bold(_) => "strong",
                    Span::Italic(_) => "em",
                    _ => "code",
                };
                doc.create_element(tag).map(|e| {
                    e.set_text_content(Some(t));
                    e.into()
                })
            }
            Span::Link { text, href } => doc.create_element("a").map(|a| {
                let _ = crate::attrs(
                    &a,
                    &[
                        ("href", href),
                        ("rel", "noopener noreferrer"),
                        ("target", "_blank"),
                    ],
                );
                a.set_text_content(Some(text));
                a.into()
            }),
        };
        if let Ok(n) = node {
            let _ = parent.append_child(&n);
        }
    }
}

/// Appends `text` to `out` as markup, for a module that draws with markup (`esc`'d: only the
/// elements [`append`] makes are parsed from it).
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

#[cfg(test)]
mod tests {
    use super::markup;

    #[test]
    fn markup_makes_the_spans_elements_and_escapes_the_rest() {
        let mut out = String::from("<p>");
        markup(
            &mut out,
            "**<b>x</b>** _i_ `a&b`\n[go \"there\"](https://a.test/?a=1&b=2) <script>alert(1)</script> [x](javascript:alert(1))",
        );
        assert_eq!(
            out,
            "<p><strong>&lt;b>x&lt;/b></strong> <em>i</em> <code>a&amp;b</code><br>\
             <a href=\"https://a.test/?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=_blank>go &quot;there&quot;</a> \
             &lt;script>alert(1)&lt;/script> [x](javascript:alert(1))"
        );
        let mut out = String::new();
        markup(&mut out, "");
        assert_eq!(out, "");
    }
}
