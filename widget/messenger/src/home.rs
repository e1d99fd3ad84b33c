//! Home, what the launcher opens to: the welcome message, office hours ("typically replies
//! in …"), the most recent conversation (or a way to start one), a help search, the
//! workspace's common questions (an article or an http(s) link each) and the visitor's
//! checklists still to do. The team's avatars are the core's, in the panel's header.

use crate::rules::{may_open, Space};
use crate::spaces::{article_button, at, button, el, hide, settings, show};
use crate::{ui, Dom, HOURS};
use js_sys::Array;
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{get, get_str};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

thread_local! {
    /// Where the recent conversation and the checklists are drawn.
    static PARTS: RefCell<Option<(Element, Element, Element)>> = const { RefCell::new(None) };
}

pub(crate) fn mount(ui: &Dom, home: &Element) -> Option<()> {
    let s = settings();
    if let Some(w) = get_str(&s, "welcomeMessage").filter(|w| !w.is_empty()) {
        el(home, "p", "m", Some(&w));
    }
    if let Some(a) = crate::hours::availability(&HOURS.with(|h| h.borrow().clone())) {
        el(home, "p", "av", Some(&a));
    }
    let recent = el(home, "div", "hr", None);
    // Search: a field whose first keystroke carries on in Help's (the results are there).
    let field: HtmlInputElement = el(home, "input", "hs", None).unchecked_into();
    at(
        &field,
        &[
            ("type", "search"),
            ("aria-label", t(Msg::SearchHelp)),
            ("placeholder", t(Msg::SearchHelp)),
            ("maxlength", "200"),
        ],
    );
    let f = field.clone();
    ui.on(&field, "input", move |_| {
        crate::help::search_for(f.value());
        f.set_value("");
    });
    let questions = get(&s, "commonQuestions").dyn_into::<Array>().ok();
    if let Some(qs) = questions.filter(|q| q.length() > 0) {
        el(home, "h3", "", Some(t(Msg::HomeQuestions)));
        let list = el(home, "ul", "hl", None);
        for q in qs.iter() {
            let Some(title) = get_str(&q, "title") else {
                continue;
            };
            let li = el(&list, "li", "", None);
            if let Some(id) = get_str(&q, "articleId") {
                article_button(&li, &id, &title);
            } else if let Some(url) = get_str(&q, "url").filter(|u| may_open(u)) {
                let a = el(&li, "a", "ar", Some(&title));
                at(
                    &a,
                    &[
                        ("href", url.as_str()),
                        ("target", "_blank"),
                        ("rel", "noopener noreferrer"),
                    ],
                );
            }
        }
    }
    let h = el(home, "h3", "", Some(t(Msg::HomeChecklists)));
    let lists = el(home, "ul", "hl", None);
    PARTS.with(|p| *p.borrow_mut() = Some((recent, h, lists)));
    Some(())
}

/// Draws the parts that change: the visitor's conversation (the latest, or the one they were
/// last in) and the checklists to do.
pub(crate) fn refresh() {
    let (Some(ui), Some((recent, _, _))) = (ui(), PARTS.with(|p| p.borrow().clone())) else {
        return;
    };
    recent.set_text_content(None);
    let c = crate::view::LAST.with(|l| l.borrow().clone());
    match get_str(&c, "id") {
        Some(id) => {
            el(&recent, "h3", "", Some(t(Msg::HomeRecent)));
            button(&ui, &recent, "ar", &crate::list::label(&c), move |_| {
                crate::list::switch_to(Some(id.clone()));
                show(Space::Messages as usize, false);
            });
        }
        None => {
            button(&ui, &recent, "go", t(Msg::HomeNewMessage), |_| {
                crate::spaces::open("messages", JsValue::UNDEFINED)
            });
        }
    }
    wasm_bindgen_futures::spawn_local(async {
        crate::tasks::load().await;
        checklists();
    });
}

/// The checklists still to do, each a button to it in Tasks.
pub(crate) fn checklists() {
    let (Some(ui), Some((_, h, list))) = (ui(), PARTS.with(|p| p.borrow().clone())) else {
        return;
    };
    list.set_text_content(None);
    let todo = crate::tasks::todo();
    hide(&h, todo.is_empty());
    for (id, label) in todo {
        let li = el(&list, "li", "", None);
        button(&ui, &li, "ar", &label, move |_| {
            crate::tasks::open(id.clone())
        });
    }
}
