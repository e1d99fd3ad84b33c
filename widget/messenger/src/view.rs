//! The conversation as the visitor sees it: messages, status line, rating.

use crate::host::{call, emit};
use crate::{chat, ui, Dom};
use js_sys::Object;
use porchlight_shared::vocab::AuthorSide;
use porchlight_widget_common::catalog::{fill, t, Msg};
use porchlight_widget_common::contract::Emit;
use porchlight_widget_common::js::{get, get_f64, get_str, num, set};
use porchlight_widget_common::{add, attrs, storage, ApiError};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

pub(super) fn render_text(doc: &web_sys::Document, li: &Element, text: &str) {
    porchlight_widget_common::rich::append(doc, li, text);
}

pub(super) fn message_li(doc: &web_sys::Document, list: &Element, m: &JsValue) -> Option<Element> {
    let author = get(m, "author");
    let side = get_str(&author, "type");
    let agent = side.as_deref() == Some(AuthorSide::Agent.as_str());
    let system = side.as_deref() == Some(AuthorSide::System.as_str());
    let li = add(doc, list, "li", if agent || system { "ag" } else { "" }).ok()?;
    if let Some(cid) = get_str(m, "clientId") {
        let _ = li.set_attribute("data-client-id", &cid);
    }
    if let Some(seq) = get_f64(m, "seq") {
        let _ = li.set_attribute("data-seq", &num(seq));
    }
    if agent {
        if let Some(name) = get_str(&author, "name") {
            if let Ok(who) = add(doc, &li, "small", "") {
                who.set_text_content(Some(&name));
            }
        }
    }
    if system {
        // The help center's suggested articles, in the visitor's language (its body is the
        // team's copy, for the console).
        if let Ok(who) = add(doc, &li, "small", "") {
            who.set_text_content(Some(t(Msg::HelpCenter)));
        }
        li.append_with_str_1(t(Msg::SuggestedArticles)).ok()?;
        let list = crate::spaces::el(&li, "ul", "hl", None);
        let all = get(m, "articles")
            .dyn_into::<js_sys::Array>()
            .unwrap_or_default();
        crate::spaces::article_list(&list, &all, 3);
        return Some(li);
    }
    render_text(doc, &li, &get_str(m, "body").unwrap_or_default());
    if get(m, "pending").is_truthy() {
        let _ = li.class_list().add_1("pe");
        if let Ok(s) = add(doc, &li, "small", "") {
            s.set_text_content(Some(t(Msg::Sending)));
        }
    }
    Some(li)
}

pub(super) fn render() {
    let Some(ui) = ui() else {
        return;
    };
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let d = &ui;
    super::prechat::render(&ui);
    d.list.set_text_content(None);
    let msgs = chat(|c| c.messages.clone()).unwrap_or_default();
    d.empty
        .unchecked_ref::<HtmlElement>()
        .set_hidden(!msgs.is_empty());
    for m in &msgs {
        message_li(&doc, &d.list, m);
    }
    d.body.set_scroll_top(d.body.scroll_height());
    render_rating(&ui);
}

/// Adds or replaces (same clientId) a message, keeping the order by seq; pending ones last.
pub(super) fn add_message(m: &JsValue) {
    let is_new = chat(|c| {
        let cid = get_str(m, "clientId");
        let seq = get_f64(m, "seq").unwrap_or(f64::MAX);
        let existing = c
            .messages
            .iter()
            .position(|x| cid.is_some() && get_str(x, "clientId") == cid);
        let stored_before = existing.is_some_and(|i| get_f64(&c.messages[i], "seq").is_some());
        if let Some(i) = existing {
            c.messages.remove(i);
        }
        // Stored messages by seq; pending ones (no seq yet) after them, in the order sent.
        let at = c
            .messages
            .iter()
            .position(|x| get_f64(x, "seq").unwrap_or(f64::MAX) > seq)
            .unwrap_or(c.messages.len());
        c.messages.insert(at, m.clone());
        // `last_seq` is the end of the unbroken run: a message that skips ahead (an earlier
        // announcement was lost) leaves it where it is, so the catch-up asks for the gap.
        let gap = seq != f64::MAX && seq > c.last_seq + 1.0;
        while c
            .messages
            .iter()
            .any(|x| get_f64(x, "seq") == Some(c.last_seq + 1.0))
        {
            c.last_seq += 1.0;
        }
        (!stored_before && seq != f64::MAX, gap)
    })
    .unwrap_or((false, false));
    let (is_new, gap) = is_new;
    if gap {
        wasm_bindgen_futures::spawn_local(super::live::catch_up());
    }
    render();
    if is_new {
        emit(Emit::Message, m);
    }
}

pub(super) fn show_pending(cid: &str, body: &str) {
    let m = Object::new();
    set(&m, "clientId", &JsValue::from_str(cid));
    set(&m, "body", &JsValue::from_str(body));
    set(&m, "pending", &JsValue::TRUE);
    let author = Object::new();
    set(
        &author,
        "type",
        &JsValue::from_str(AuthorSide::Visitor.as_str()),
    );
    set(&m, "author", &author);
    add_message(&m);
}

pub(super) fn mark_failed(cid: &str) {
    chat(|c| {
        c.messages
            .retain(|m| get_str(m, "clientId").as_deref() != Some(cid))
    });
    render();
    set_status(t(Msg::SendFailed));
}

pub(super) fn set_status(text: &str) {
    if let Some(ui) = ui() {
        ui.status.set_text_content(Some(text));
    }
}

/// Queue position while nobody has answered yet; nothing otherwise.
pub(super) fn set_status_default() {
    let text = chat(|c| {
        (
            (c.status.clone(), c.rated),
            c.messages.iter().any(|m| {
                get_str(&get(m, "author"), "type").as_deref() == Some(AuthorSide::Agent.as_str())
            }),
        )
    });
    let line = match text {
        // The thanks for a rating outlives the live update that follows it.
        Some(((s, true), _)) if s == "closed" => t(Msg::ClosedRated).into(),
        Some(((s, false), _)) if s == "closed" => t(Msg::Closed).into(),
        Some((_, false)) => QUEUE.with(|q| q.borrow().clone()),
        _ => String::new(),
    };
    set_status(&line);
}

thread_local! {
    static QUEUE: RefCell<String> = const { RefCell::new(String::new()) };
    /// The conversation last shown (Home offers to go back to it).
    pub(crate) static LAST: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

pub(super) fn set_conversation(c: &JsValue) {
    let Some(id) = get_str(c, "id") else {
        return;
    };
    LAST.with(|l| *l.borrow_mut() = c.clone());
    let status = get_str(c, "status").unwrap_or_default();
    let rated = get(c, "csat").is_object();
    let ws = chat(|ch| {
        // A rating just sent stays sent: an answer fetched before it was stored must not
        // bring the prompt back.
        let kept = ch.rated && ch.conversation.as_deref() == Some(id.as_str());
        ch.conversation = Some(id);
        ch.status = status;
        ch.rated = rated || kept;
        ch.ws.clone()
    });
    // This browser now knows the visitor chats here: the core loads the messenger at boot.
    if let (Some(s), Some(ws)) = (storage(), ws.filter(|w| !w.is_empty())) {
        let _ = s.set_item(&porchlight_widget_common::chat_key(&ws), "1");
    }
    let q = get_f64(c, "queuePosition").map(|p| {
        if p <= 1.0 {
            t(Msg::QueueNext).into()
        } else {
            fill(Msg::QueuePosition, &[("position", &num(p))])
        }
    });
    QUEUE.with(|s| *s.borrow_mut() = q.unwrap_or_default());
    set_status_default();
    render();
    super::list::refresh();
}

pub(super) fn render_rating(ui: &Dom) {
    let d = ui;
    let show = super::prechat::csat_on()
        && chat(|c| c.status == "closed" && !c.rated && c.conversation.is_some()).unwrap_or(false);
    let box_: &HtmlElement = d.rating.unchecked_ref();
    if !show {
        box_.set_hidden(true);
        return;
    }
    if !box_.hidden() {
        return;
    }
    box_.set_hidden(false);
    d.rating.set_text_content(None);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(p) = add(&doc, &d.rating, "p", "") {
        p.set_text_content(Some(t(Msg::RatingPrompt)));
        let _ = p.set_attribute("id", "pl-rate");
    }
    let comment: Option<web_sys::HtmlTextAreaElement> =
        add(&doc, &d.rating, "textarea", "").ok().map(|area| {
            let _ = attrs(
                &area,
                &[
                    ("aria-label", t(Msg::RatingComment)),
                    ("placeholder", t(Msg::RatingComment)),
                    ("maxlength", "2000"),
                    ("rows", "2"),
                ],
            );
            area.unchecked_into()
        });
    for n in 1..=5u8 {
        let Ok(b) = add(&doc, &d.rating, "button", "") else {
            continue;
        };
        let digits = num(n as f64);
        let label = fill(Msg::RatingOption, &[("rating", &digits)]);
        let _ = attrs(
            &b,
            &[
                ("type", "button"),
                ("aria-label", &label),
                ("aria-describedby", "pl-rate"),
            ],
        );
        b.set_text_content(Some(&digits));
        let comment = comment.clone();
        ui.on(&b, "click", move |_| {
            let text = comment.as_ref().map(|c| c.value()).unwrap_or_default();
            wasm_bindgen_futures::spawn_local(rate(n, text));
        });
    }
}

pub(super) async fn rate(n: u8, comment: String) {
    let Some(id) = chat(|c| c.conversation.clone()).flatten() else {
        return;
    };
    let body = Object::new();
    set(&body, "rating", &JsValue::from(n));
    if !comment.trim().is_empty() {
        set(&body, "comment", &JsValue::from_str(&comment));
    }
    let mut path = String::from("/v1/conversations/");
    path.push_str(&id);
    path.push_str("/csat");
    match call("POST", &path, Some(&body)).await {
        // Rated now, or already rated (another tab): either way the prompt goes.
        Ok(_) | Err(ApiError { status: 409, .. }) => {
            chat(|c| c.rated = true);
            if let Some(ui) = ui() {
                ui.rating.unchecked_ref::<HtmlElement>().set_hidden(true);
            }
            set_status(t(Msg::RatingThanks));
        }
        Err(_) => set_status(t(Msg::RatingFailed)),
    }
}
