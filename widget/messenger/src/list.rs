//! The visitor's conversations: a list to reopen an earlier one, and a way to start a new one.

use crate::host::call;
use crate::live::catch_up;
use crate::view::{render, set_status};
use crate::{chat, ui, Dom};
use js_sys::Array;
use porchlight_widget_common::catalog::{self, fill_count, t, Msg};
use porchlight_widget_common::js::{get, get_f64, get_str, num};
use porchlight_widget_common::{add, attrs};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

thread_local! {
    /// The bar (toggle, new) and the list, once added to the panel.
    static BAR: RefCell<Option<(Element, Element, Element)>> = const { RefCell::new(None) };
}

/// Adds the bar above the messages: "Your conversations" (a disclosure) and "New conversation".
pub(super) fn mount(ui: &Dom) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let d = ui;
    let Ok(bar) = doc.create_element("div") else {
        return;
    };
    bar.set_class_name("cv");
    let _ = d.body.insert_before(&bar, d.body.first_child().as_ref());
    let (Ok(toggle), Ok(fresh), Ok(list)) = (
        add(&doc, &bar, "button", ""),
        add(&doc, &bar, "button", ""),
        add(&doc, &bar, "ul", "cl"),
    ) else {
        return;
    };
    let _ = attrs(
        &toggle,
        &[
            ("type", "button"),
            ("aria-expanded", "false"),
            ("aria-controls", "pl-conversations"),
        ],
    );
    toggle.set_text_content(Some(t(Msg::Conversations)));
    let _ = attrs(&fresh, &[("type", "button")]);
    fresh.set_text_content(Some(t(Msg::NewConversation)));
    let _ = attrs(
        &list,
        &[
            ("id", "pl-conversations"),
            ("aria-label", t(Msg::Conversations)),
        ],
    );
    list.unchecked_ref::<HtmlElement>().set_hidden(true);
    ui.on(&toggle, "click", |_| {
        wasm_bindgen_futures::spawn_local(toggle_list())
    });
    ui.on(&fresh, "click", |_| start_new());
    BAR.with(|b| *b.borrow_mut() = Some((bar, toggle, list)));
    refresh();
}

/// The bar shows once there is a conversation.
pub(super) fn refresh() {
    let has = chat(|c| c.conversation.is_some()).unwrap_or(false);
    BAR.with(|b| {
        if let Some((bar, _, _)) = b.borrow().as_ref() {
            bar.unchecked_ref::<HtmlElement>().set_hidden(!has);
        }
    });
}

fn close_list() {
    BAR.with(|b| {
        if let Some((_, toggle, list)) = b.borrow().as_ref() {
            list.unchecked_ref::<HtmlElement>().set_hidden(true);
            let _ = toggle.set_attribute("aria-expanded", "false");
        }
    });
}

async fn toggle_list() {
    let Some((toggle, list)) =
        BAR.with(|b| b.borrow().as_ref().map(|(_, t, l)| (t.clone(), l.clone())))
    else {
        return;
    };
    let el: &HtmlElement = list.unchecked_ref();
    if !el.hidden() {
        close_list();
        return;
    }
    let Ok(r) = call("GET", "/v1/conversations", None).await else {
        set_status(t(Msg::ConversationsFailed));
        return;
    };
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    list.set_text_content(None);
    let all = get(&r, "conversations");
    let all: Array = all.dyn_into().unwrap_or_default();
    let Some(ui) = ui() else {
        return;
    };
    for c in all.iter() {
        let (Some(id), Ok(li)) = (get_str(&c, "id"), add(&doc, &list, "li", "")) else {
            continue;
        };
        let Ok(b) = add(&doc, &li, "button", "") else {
            continue;
        };
        let _ = attrs(&b, &[("type", "button")]);
        b.set_text_content(Some(&label(&c)));
        ui.on(&b, "click", move |_| switch_to(Some(id.clone())));
    }
    el.set_hidden(false);
    let _ = toggle.set_attribute("aria-expanded", "true");
}

/// A conversation as the list names it: topic, open or closed, the day of its last message (in
/// the browser's own date format, `Intl`), and its unread replies.
pub(crate) fn label(c: &JsValue) -> String {
    let topic = get_str(c, "topic").unwrap_or_else(|| t(Msg::ConversationUntitled).into());
    let date = get_f64(c, "lastMessageAt")
        .or_else(|| get_f64(c, "createdAt"))
        .map(|at| {
            String::from(
                js_sys::Date::new(&JsValue::from_f64(at))
                    .to_locale_date_string(&catalog::intl_locale(), &JsValue::UNDEFINED),
            )
        })
        .unwrap_or_default();
    let closed = get_str(c, "status").as_deref() == Some("closed");
    let unread = get_f64(c, "unread").unwrap_or(0.0);
    let count = num(unread);
    // Each text picked by name (see the catalog: never a `Msg` chosen at run time).
    let text = match (closed, unread > 0.0) {
        (false, false) => t(Msg::ConversationOpen),
        (true, false) => t(Msg::ConversationClosed),
        (false, true) => t(Msg::ConversationOpenUnread),
        (true, true) => t(Msg::ConversationClosedUnread),
    };
    fill_count(
        text,
        "count",
        unread,
        &[("topic", &topic), ("date", &date), ("count", &count)],
    )
}

/// Shows another conversation (or none: the next message starts a new one).
pub(crate) fn switch_to(id: Option<String>) {
    close_list();
    let load = id.is_some();
    chat(|c| {
        c.conversation = id;
        c.messages.clear();
        c.last_seq = 0.0;
        c.status.clear();
        c.rated = false;
    });
    if let Some(ui) = ui() {
        let r: &HtmlElement = ui.rating.unchecked_ref();
        r.set_hidden(true);
    }
    set_status("");
    render();
    refresh();
    if load {
        wasm_bindgen_futures::spawn_local(catch_up());
    } else if let Some(ui) = ui() {
        let _ = ui.input.focus();
    }
}

fn start_new() {
    switch_to(None);
}
