//! Suggested answers before a human: while the visitor writes the first message of a new
//! conversation, articles matching what they write (any telling word, ranked by the edge) are
//! offered above the composer; sending goes on as always. After that first message the edge may
//! add the help center's own message listing matches (drawn by `view`).

use crate::help::{results, search_path, Turn};
use crate::spaces::{el, hide};
use crate::{chat, Dom};
use porchlight_widget_common::catalog::{t, Msg};
use std::cell::RefCell;
use web_sys::Element;

thread_local! {
    static BOX: RefCell<Option<(Element, Element)>> = const { RefCell::new(None) };
    static TURN: Turn = const { Turn::new() };
}

/// At most this many suggestions above the composer.
const MAX: u32 = 3;

pub(crate) fn mount(ui: &Dom, messages: &Element) -> Option<()> {
    let sg = crate::spaces::doc()?.create_element("div").ok()?;
    sg.set_class_name("sg");
    let _ = messages.insert_before(&sg, Some(&ui.form));
    let h = el(&sg, "p", "", Some(t(Msg::SuggestedArticles)));
    let _ = h.set_attribute("id", "pl-sg");
    let list = el(&sg, "ul", "hl", None);
    let _ = list.set_attribute("aria-labelledby", "pl-sg");
    hide(&sg, true);
    let input = ui.input.clone();
    ui.on(&ui.input, "input", move |_| typed(input.value()));
    BOX.with(|b| *b.borrow_mut() = Some((sg, list)));
    Some(())
}

/// Hides the suggestions (a message went, or the conversation exists).
pub(crate) fn clear() {
    TURN.with(Turn::next);
    if let Some((sg, _)) = BOX.with(|b| b.borrow().clone()) {
        hide(&sg, true);
    }
}

fn typed(text: String) {
    let first = chat(|c| c.conversation.is_none()).unwrap_or(false);
    if !first || text.trim().len() < 3 {
        return clear();
    }
    wasm_bindgen_futures::spawn_local(async move {
        let found = results(search_path(&text, true), &TURN).await;
        let (Some(Ok(found)), Some((sg, list))) = (found, BOX.with(|b| b.borrow().clone())) else {
            return;
        };
        crate::spaces::article_list(&list, &found, MAX);
        hide(&sg, found.length() == 0);
    });
}
