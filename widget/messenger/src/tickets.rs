//! Tickets: file one (subject, description, and the page it is filed from), list the visitor's
//! own with their status, open one (a disclosure: its description). When the team moves a ticket, the hub says so on the live
//! socket ([`on_update`]): the list and an open ticket change in place, the change is
//! announced, and until the visitor looks at Tickets a badge counts such changes.

use crate::host::call;
use crate::rules::{may_open, Space};
use crate::spaces::{at, button, el, hide, keep, set_updates, updates};
use crate::{ui, Dom};
use js_sys::{Array, Date, Object};
use porchlight_widget_common::add;
use porchlight_widget_common::catalog::{self, fill, t, Msg};
use porchlight_widget_common::js::{get, get_f64, get_str, set};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

struct Parts {
    list_view: Element,
    list: Element,
    form_view: Element,
    subject: HtmlInputElement,
    body: HtmlTextAreaElement,
    status: Element,
}

thread_local! {
    static PARTS: RefCell<Option<Rc<Parts>>> = const { RefCell::new(None) };
    /// The visitor's tickets as last loaded.
    static TICKETS: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
}

fn parts() -> Option<Rc<Parts>> {
    PARTS.with(|p| p.borrow().clone())
}

/// A labelled field: `<label>text <tag></label>`.
fn field(parent: &Element, text: &str, tag: &str, max: &str) -> Option<Element> {
    let label = el(parent, "label", "fl", Some(text));
    let f = add(&crate::spaces::doc()?, &label, tag, "").ok()?;
    at(&f, &[("maxlength", max), ("required", "")]);
    Some(f)
}

/// Draws Tickets in `space`. `again` (a redraw in another locale): the list moves over and is
/// drawn again in the new language, the tickets open staying open, and a ticket being written
/// keeps its text.
pub(crate) fn mount(ui: &Dom, space: &Element, again: bool) -> Option<()> {
    let was = parts().filter(|_| again);
    let list_view = el(space, "div", "hv", None);
    button(ui, &list_view, "go", t(Msg::TicketNew), |_| view(1));
    el(&list_view, "h3", "", Some(t(Msg::TicketsMine)));
    let list = keep(&list_view, was.as_ref().map(|w| &w.list), "ul", "hl");
    // The form; the Tickets tab leads back to the list.
    let form_view = el(space, "form", "hv", None);
    el(&form_view, "h3", "", Some(t(Msg::TicketNew)));
    let subject: HtmlInputElement =
        field(&form_view, t(Msg::TicketSubject), "input", "200")?.unchecked_into();
    let body: HtmlTextAreaElement =
        field(&form_view, t(Msg::TicketDescription), "textarea", "10000")?.unchecked_into();
    let send = el(&form_view, "button", "go", Some(t(Msg::TicketSend)));
    let _ = send.set_attribute("type", "submit");
    ui.on(&form_view, "submit", |e| {
        e.prevent_default();
        wasm_bindgen_futures::spawn_local(file());
    });
    let status = el(space, "p", "q", None);
    at(&status, &[("role", "status"), ("aria-live", "polite")]);
    if let Some(w) = &was {
        subject.set_value(&w.subject.value());
        body.set_value(&w.body.value());
    }
    PARTS.with(|p| {
        *p.borrow_mut() = Some(Rc::new(Parts {
            list_view,
            list,
            form_view,
            subject,
            body,
            status,
        }))
    });
    view(0);
    if again {
        draw();
    }
    Some(())
}

/// Shows the list (0) or the form (1).
fn view(n: u8) {
    let Some(p) = parts() else {
        return;
    };
    hide(&p.list_view, n != 0);
    hide(&p.form_view, n != 1);
    if n == 1 {
        let _ = p.subject.focus();
    }
}

/// Loads and draws the visitor's tickets (the list, in view).
pub(crate) fn refresh() {
    view(0);
    wasm_bindgen_futures::spawn_local(async {
        let r = call("GET", "/v1/tickets", None).await;
        let Some(p) = parts() else {
            return;
        };
        match r {
            Ok(r) => {
                let all = get(&r, "tickets").dyn_into::<Array>().unwrap_or_default();
                TICKETS.with(|t| *t.borrow_mut() = all.iter().collect());
                draw();
            }
            Err(_) => p.status.set_text_content(Some(t(Msg::TicketsFailed))),
        }
    });
}

fn status_word(tk: &JsValue) -> &'static str {
    match get_str(tk, "status").as_deref() {
        Some("pending") => t(Msg::TicketPending),
        Some("solved") => t(Msg::TicketSolved),
        Some("closed") => t(Msg::TicketClosed),
        _ => t(Msg::TicketOpen),
    }
}

/// Draws the list in place: a ticket already drawn keeps its elements (open or closed, focused,
/// under the pointer) and only its texts change, so a live move by the team or a reload landing
/// while the visitor clicks or reads neither loses the click nor moves focus to the page.
fn draw() {
    let Some(p) = parts() else {
        return;
    };
    let all = TICKETS.with(|t| t.borrow().clone());
    // The `<li>` already drawn for ticket `id`.
    let find = |id: &str| {
        let mut li = p.list.first_element_child();
        while let Some(e) = li {
            let d = e.first_element_child();
            if d.and_then(|d| d.get_attribute("data-ticket")).as_deref() == Some(id) {
                return Some(e);
            }
            li = e.next_element_sibling();
        }
        None
    };
    // Children before `next` are in their final order.
    let mut next = p.list.first_element_child();
    for tk in &all {
        let Some(id) = get_str(tk, "id") else {
            continue;
        };
        let date = get_f64(tk, "createdAt")
            .map(|at| {
                String::from(
                    Date::new(&JsValue::from_f64(at))
                        .to_locale_date_string(&catalog::intl_locale(), &JsValue::UNDEFINED),
                )
            })
            .unwrap_or_default();
        let label = fill(
            Msg::TicketLine,
            &[
                ("subject", &get_str(tk, "subject").unwrap_or_default()),
                ("status", status_word(tk)),
                ("date", &date),
            ],
        );
        let body = get_str(tk, "body").unwrap_or_default();
        // Rows at the cursor whose ticket is gone go first, so the ones after them stay put.
        while let Some(n) = next.clone().filter(|n| {
            let of = n
                .first_element_child()
                .and_then(|d| d.get_attribute("data-ticket"));
            !all.iter().any(|t| get_str(t, "id") == of)
        }) {
            next = n.next_element_sibling();
            n.remove();
        }
        let li = find(&id).unwrap_or_else(|| {
            let li = el(&p.list, "li", "", None);
            let d = el(&li, "details", "", None);
            at(&d, &[("data-ticket", &id)]);
            el(&d, "summary", "ar", None);
            el(&d, "p", "ab", None);
            li
        });
        if next.as_ref() == Some(&li) {
            next = li.next_element_sibling();
        } else {
            let _ = p.list.insert_before(&li, next.as_ref().map(|n| n.as_ref()));
        }
        let summary = li
            .first_element_child()
            .and_then(|d| d.first_element_child());
        let text = summary.as_ref().and_then(|s| s.next_element_sibling());
        for (e, words) in [(summary, &label), (text, &body)] {
            if let Some(e) = e.filter(|e| e.text_content().as_ref() != Some(words)) {
                e.set_text_content(Some(words));
            }
        }
    }
    // What is left over: tickets no longer listed, the "none yet" line.
    while let Some(gone) = next {
        next = gone.next_element_sibling();
        gone.remove();
    }
    if all.is_empty() {
        el(&p.list, "li", "av", Some(t(Msg::TicketsNone)));
    }
}

/// The page this ticket is filed from, when it is an http(s) page.
fn page() -> Option<String> {
    Some(crate::spaces::href()).filter(|h| may_open(h))
}

async fn file() {
    let Some(p) = parts() else {
        return;
    };
    let b = Object::new();
    set(&b, "subject", &JsValue::from_str(&p.subject.value()));
    set(&b, "body", &JsValue::from_str(&p.body.value()));
    if let Some(url) = page() {
        set(&b, "pageUrl", &JsValue::from_str(&url));
    }
    match call("POST", "/v1/tickets", Some(&b)).await {
        Ok(tk) => {
            p.subject.set_value("");
            p.body.set_value("");
            TICKETS.with(|t| t.borrow_mut().insert(0, tk));
            draw();
            view(0);
            p.status.set_text_content(Some(t(Msg::TicketFiled)));
        }
        Err(_) => p.status.set_text_content(Some(t(Msg::TicketFailed))),
    }
}

/// `{type: "ticket", ticket}` from the hub: the team moved one of the visitor's tickets.
pub(crate) fn on_update(e: &JsValue) {
    let tk = get(e, "ticket");
    let Some(id) = get_str(&tk, "id") else {
        return;
    };
    TICKETS.with(|t| {
        let all = &mut t.borrow_mut();
        match all
            .iter_mut()
            .find(|x| get_str(x, "id").as_deref() == Some(&id))
        {
            Some(x) => *x = tk.clone(),
            None => all.insert(0, tk.clone()),
        }
    });
    draw();
    let seen = ui().is_some_and(|u| u.is_open()) && crate::spaces::current() == Space::Tickets;
    if !seen {
        set_updates(updates() + 1);
    }
    if let Some(p) = parts() {
        p.status.set_text_content(Some(&fill(
            Msg::TicketMoved,
            &[
                ("subject", &get_str(&tk, "subject").unwrap_or_default()),
                ("status", status_word(&tk)),
            ],
        )));
    }
}
