//! The panel's spaces: Home, Messages, Help, Tickets, Tasks — a tab list (the WAI-ARIA tabs
//! pattern: arrow keys, Home and End move between tabs, one tab in the Tab order) above one
//! tab panel each. Messages is the conversation the core drew (its parts are moved into their
//! panel as they are); the others are this module's (`home`, `help`, `tickets`, `tasks`). The
//! launcher opens on Home; the page's `showMessages`, `showArticle(id)`, `startChecklist(id)`
//! reach [`open`] through the core.
//!
//! Also the small DOM helpers the spaces share, and one click listener on the panel for every
//! button that opens an article (`data-article`: results, suggestions, common questions, the
//! help center's message), so re-rendered lists add no listeners.

use crate::rules::{tab_after, Space};
use crate::{ui, Dom};
use porchlight_widget_common::catalog::{fill_count, t, Msg};
use porchlight_widget_common::contract::SPACES;
use porchlight_widget_common::js::{get, get_str, num};
use porchlight_widget_common::{add, attrs};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, HtmlElement};

#[derive(Default)]
struct Sp {
    tabs: Vec<HtmlElement>,
    panels: Vec<HtmlElement>,
    current: usize,
    /// Ticket status changes not yet seen, and the badge that counts them.
    updates: u32,
    badge: Option<HtmlElement>,
    /// The visitor the spaces were drawn for (the host's `visitor.id`).
    who: JsValue,
}

thread_local! {
    static SP: RefCell<Sp> = RefCell::new(Sp::default());
    /// `settings.messenger` of the boot (welcome message, common questions).
    static SETTINGS: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

pub(crate) fn configure(settings: &JsValue) {
    SETTINGS.with(|s| *s.borrow_mut() = get(settings, "messenger"));
}

pub(crate) fn settings() -> JsValue {
    SETTINGS.with(|s| s.borrow().clone())
}

// --- DOM helpers ---------------------------------------------------------------------------

pub(crate) fn doc() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}

/// `<tag class>` at the end of `parent`, with `text` when given. (Our own fixed tag names:
/// creating one cannot fail in a document; it would throw, never panic.)
#[inline(never)]
pub(crate) fn el(parent: &Element, tag: &str, class: &str, text: Option<&str>) -> Element {
    let e = doc()
        .and_then(|d| add(&d, parent, tag, class).ok())
        .unwrap_throw();
    if text.is_some() {
        e.set_text_content(text);
    }
    e
}

/// `old` moved to the end of `parent` (a part of a space drawn before, holding only the
/// workspace's text, kept as it is through a redraw in another locale), else a new
/// `<tag class>`.
pub(crate) fn keep(parent: &Element, old: Option<&Element>, tag: &str, class: &str) -> Element {
    match old {
        Some(e) => {
            let _ = parent.append_child(e);
            e.clone()
        }
        None => el(parent, tag, class, None),
    }
}

/// Sets attributes (failures ignored: our own names and values).
#[inline(never)]
pub(crate) fn at(e: &Element, list: &[(&str, &str)]) {
    let _ = attrs(e, list);
}

/// A `<button type=button>` at the end of `parent` that calls `f`.
pub(crate) fn button(
    ui: &Dom,
    parent: &Element,
    class: &str,
    text: &str,
    f: impl FnMut(Event) + 'static,
) -> Element {
    let b = el(parent, "button", class, Some(text));
    let _ = b.set_attribute("type", "button");
    ui.on(&b, "click", f);
    b
}

/// A button that opens article `id` (through the panel's one listener).
pub(crate) fn article_button(parent: &Element, id: &str, title: &str) -> Element {
    let b = el(parent, "button", "ar", Some(title));
    at(&b, &[("type", "button"), ("data-article", id)]);
    b
}

/// Draws `items` (`{id, title, excerpt?}`, at most `max`) in `list`: an article button each,
/// the excerpt (plain text from the edge) drawn as text.
pub(crate) fn article_list(list: &Element, items: &js_sys::Array, max: u32) {
    list.set_text_content(None);
    for r in items.iter().take(max as usize) {
        if let (Some(id), Some(title)) = (get_str(&r, "id"), get_str(&r, "title")) {
            let b = article_button(&el(list, "li", "", None), &id, &title);
            if let Some(x) = get_str(&r, "excerpt") {
                el(&b, "small", "", Some(&x));
            }
        }
    }
}

/// The page's address, when it is at most 2048 bytes (what the edge takes).
pub(crate) fn href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .filter(|h| h.len() <= 2048)
        .unwrap_or_default()
}

pub(crate) fn hide(e: &Element, hidden: bool) {
    e.unchecked_ref::<HtmlElement>().set_hidden(hidden);
}

pub(crate) fn focus(e: &Element) {
    let _ = e.unchecked_ref::<HtmlElement>().focus();
}

// --- The tabs -------------------------------------------------------------------------------

/// Adds the tab list and the spaces' panels to the panel the core drew, and shows Home (or
/// Messages when the composer already holds text: `showNewMessage` before this module came).
/// `again` (the same workspace's panel drawn again in another locale), for the same visitor:
/// the space shown stays, with what it showed, and so do the ticket updates not yet seen; the
/// tabs keep their ids, so the core puts focus back on the same one.
pub(crate) fn mount(ui: &Dom, again: bool) -> Option<()> {
    let who = get(&crate::host::visitor(), "id");
    let (was, unseen, again) = SP.with(|s| {
        let s = s.borrow();
        (s.current, s.updates, again && s.who == who)
    });
    let doc = doc()?;
    let panel: &Element = &ui.panel;
    let list = doc.create_element("div").ok()?;
    list.set_class_name("tb");
    at(
        &list,
        &[("role", "tablist"), ("aria-label", t(Msg::Spaces))],
    );
    let _ = panel.insert_before(&list, Some(&ui.body));
    let names = [
        t(Msg::SpaceHome),
        t(Msg::SpaceMessages),
        t(Msg::SpaceHelp),
        t(Msg::SpaceTickets),
        t(Msg::SpaceTasks),
    ];
    let mut tabs = Vec::new();
    let mut panels = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let tab = el(&list, "button", "", Some(name));
        let (tid, pid) = (
            ["pl-tab-", SPACES[i]].concat(),
            ["pl-sp-", SPACES[i]].concat(),
        );
        at(
            &tab,
            &[
                ("type", "button"),
                ("role", "tab"),
                ("id", &tid),
                ("aria-controls", &pid),
            ],
        );
        ui.on(&tab, "click", move |_| show(i, true));
        ui.on(&tab, "keydown", move |e| {
            let key = porchlight_widget_common::js::get_str(&e, "key").unwrap_or_default();
            let now = SP.with(|s| s.borrow().current);
            if let Some(next) = tab_after(&key, now, SPACES.len()) {
                e.prevent_default();
                show(next, true);
            }
        });
        let p = add(&doc, panel, "div", if i == 1 { "sp" } else { "sp pn" }).ok()?;
        at(
            &p,
            &[
                ("role", "tabpanel"),
                ("id", &pid),
                ("aria-labelledby", &tid),
            ],
        );
        tabs.push(tab.unchecked_into::<HtmlElement>());
        panels.push(p.unchecked_into::<HtmlElement>());
    }
    // The conversation's parts, as the core drew them, into Messages.
    for part in [&ui.body, &ui.status, &ui.rating, &ui.form] {
        let _ = panels[1].append_child(part);
    }
    // Its number is drawn from `data-n` by the stylesheet: the tab's visible text stays the word
    // its name ("Tickets, 1 updated") starts with in every language (WCAG 2.5.3, label in name).
    let badge = el(&tabs[Space::Tickets as usize], "span", "n", None);
    let _ = badge.set_attribute("aria-hidden", "true");
    hide(&badge, true);
    // Every article button, wherever it is drawn.
    ui.on(panel, "click", |e| {
        let id = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-article]").ok().flatten())
            .and_then(|b| b.get_attribute("data-article"));
        if let Some(id) = id {
            crate::help::open_article(id);
        }
    });
    crate::home::mount(ui, &panels[0]);
    crate::suggest::mount(ui, &panels[1]);
    crate::help::mount(ui, &panels[2], again);
    crate::tickets::mount(ui, &panels[3], again);
    crate::tasks::mount(ui, &panels[4]);
    SP.with(|s| {
        *s.borrow_mut() = Sp {
            tabs,
            panels,
            badge: Some(badge.unchecked_into()),
            who,
            ..Sp::default()
        }
    });
    if again {
        show(was, false);
        set_updates(unseen);
        return Some(());
    }
    let start = if ui.input.value().is_empty() {
        Space::Home
    } else {
        Space::Messages
    };
    show(start as usize, false);
    Some(())
}

/// Shows space `i` (focus on its tab when `focus`), and refreshes what it shows.
pub(crate) fn show(i: usize, focus_tab: bool) {
    let tab = SP.with(|s| {
        let mut s = s.borrow_mut();
        s.current = i;
        for (n, (t, p)) in s.tabs.iter().zip(&s.panels).enumerate() {
            let on = n == i;
            at(
                t,
                &[
                    ("aria-selected", if on { "true" } else { "false" }),
                    ("tabindex", if on { "0" } else { "-1" }),
                ],
            );
            p.set_hidden(!on);
        }
        s.tabs.get(i).cloned()
    });
    if let (Some(t), true) = (tab, focus_tab) {
        let _ = t.focus();
    }
    match Space::from(i) {
        Space::Home => crate::home::refresh(),
        Space::Tickets => {
            set_updates(0);
            crate::tickets::refresh();
        }
        Space::Tasks => crate::tasks::refresh(),
        Space::Messages => crate::view::render(),
        Space::Help => {}
    }
}

pub(crate) fn current() -> Space {
    Space::from(SP.with(|s| s.borrow().current))
}

/// `space(name, arg)` from the core (the panel is open).
pub(crate) fn open(name: &str, arg: JsValue) {
    let id = arg.as_string().unwrap_or_default();
    match name {
        "article" => crate::help::open_article(id),
        "checklist" => crate::tasks::open(id),
        _ => {
            show(Space::Messages as usize, false);
            if let Some(u) = ui() {
                let _ = u.input.focus();
            }
        }
    }
}

/// Ticket status changes not yet seen: the Tickets tab's badge and accessible name; the
/// launcher's badge counts them with the unread replies.
pub(crate) fn set_updates(n: u32) {
    let (tab, badge) = SP.with(|s| {
        let mut s = s.borrow_mut();
        s.updates = n;
        (
            s.tabs.get(Space::Tickets as usize).cloned(),
            s.badge.clone(),
        )
    });
    crate::badge();
    let (Some(tab), Some(badge)) = (tab, badge) else {
        return;
    };
    badge.set_hidden(n == 0);
    let count = num(n as f64);
    let _ = badge.set_attribute("data-n", &count);
    let label = if n == 0 {
        t(Msg::SpaceTickets).into()
    } else {
        fill_count(
            t(Msg::SpaceTicketsUpdated),
            "count",
            n as f64,
            &[("count", &count)],
        )
    };
    at(&tab, &[("aria-label", &label)]);
}

pub(crate) fn updates() -> u32 {
    SP.with(|s| s.borrow().updates)
}
