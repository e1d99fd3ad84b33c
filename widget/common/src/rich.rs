//! Authored text with the shared Markdown subset (`porchlight_shared::chat::spans`: bold,
//! italic, code, safe links, line breaks), drawn as text nodes and a few elements ([`append`])
//! — never the author's HTML. (As markup: `shared::chat::markup`, which the edge runs for a
//! tour step's body.) Links are http(s) or
//! mailto only (checked by `spans`), open in a new tab, and carry no referrer and no opener.

use porchlight_shared::chat::{spans, Span};

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
