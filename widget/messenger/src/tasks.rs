//! Tasks: the visitor's checklists (those the edge offers on this page, `GET /v1/eligible`)
//! with their progress; completed ones at the bottom. A manual task is a checkbox (ticked at
//! the edge); a task's action starts a tour (the page's `startTour`), opens an http(s) page in
//! a new tab, or tracks its event (the page's `track`). Tasks done by an event or an attribute
//! tick as it happens, and so do ticks made in another tab: the edge announces stored events,
//! attributes and ticks on the live socket (`{type: checklists}`), and the checklists are asked
//! for again ([`changed`]); focus in a checklist stays in it. `startChecklist(id)` opens one ([`open`]).

use crate::host::call;
use crate::rules::{checklist_order, may_open, progress, Space};
use crate::spaces::{at, button, el, focus, show};
use crate::{ui, Dom};
use js_sys::{encode_uri_component, Array, Function, Object};
use porchlight_widget_common::catalog::{fill_count, t, Msg};
use porchlight_widget_common::js::{get, get_str, num, set};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::Element;

thread_local! {
    static ROOT: RefCell<Option<(Element, Element)>> = const { RefCell::new(None) };
    /// The checklists as last answered.
    static LISTS: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn mount(_ui: &Dom, space: &Element) -> Option<()> {
    let list = el(space, "div", "", None);
    let status = el(space, "p", "q", None);
    at(&status, &[("role", "status"), ("aria-live", "polite")]);
    ROOT.with(|r| *r.borrow_mut() = Some((list, status)));
    Some(())
}

fn states(c: &JsValue) -> Vec<bool> {
    get(c, "tasks")
        .dyn_into::<Array>()
        .unwrap_or_default()
        .iter()
        .map(|t| get(&t, "done").is_truthy())
        .collect()
}

/// Asks the edge for the checklists this visitor has on this page.
pub(crate) async fn load() -> bool {
    let mut path = String::from("/v1/eligible?url=");
    path.push_str(&String::from(encode_uri_component(&crate::spaces::href())));
    match call("GET", &path, None).await {
        Ok(r) => {
            let all = get(&r, "checklists")
                .dyn_into::<Array>()
                .unwrap_or_default();
            LISTS.with(|l| *l.borrow_mut() = all.iter().collect());
            true
        }
        Err(_) => false,
    }
}

/// `(id, "title · n of m done")` of each checklist still to do (Home lists them).
pub(crate) fn todo() -> Vec<(String, String)> {
    LISTS.with(|l| {
        l.borrow()
            .iter()
            .filter(|c| !get(c, "completed").is_truthy())
            .filter_map(|c| {
                let title = get_str(&get(c, "content"), "title")?;
                let (done, total) = progress(&states(c));
                let p = fill_count(
                    t(Msg::ChecklistProgress),
                    "done",
                    done as f64,
                    &[("done", &num(done as f64)), ("total", &num(total as f64))],
                );
                Some((get_str(c, "id")?, [title.as_str(), " · ", &p].concat()))
            })
            .collect()
    })
}

pub(crate) fn refresh() {
    wasm_bindgen_futures::spawn_local(async {
        let ok = load().await;
        draw();
        if let (false, Some((_, status))) = (ok, ROOT.with(|r| r.borrow().clone())) {
            status.set_text_content(Some(t(Msg::TasksFailed)));
        }
    });
}

/// The edge stored events, attributes or ticks of this visitor (in this tab or another): tasks
/// may have ticked. Tasks or Home on show is drawn again.
pub(crate) fn changed() {
    let here = ui().is_some_and(|u| u.is_open());
    match crate::spaces::current() {
        Space::Tasks if here => refresh(),
        Space::Home if here => crate::home::refresh(),
        _ => {}
    }
}

/// `startChecklist(id)`, or a checklist on Home: Tasks, with that checklist in view.
pub(crate) fn open(id: String) {
    show(Space::Tasks as usize, false);
    wasm_bindgen_futures::spawn_local(async move {
        load().await;
        draw_at(Some(["pl-ck-", &id].concat()));
    });
}

fn draw() {
    draw_at(None)
}

/// Draws the checklists and focuses the title (its id) of checklist `at`, else of the one that
/// had focus: a tick or a live update redraws the list, and focus in a checklist stays in it.
fn draw_at(at: Option<String>) {
    let (Some(ui), Some((root, _))) = (ui(), ROOT.with(|r| r.borrow().clone())) else {
        return;
    };
    let keep = at.or_else(|| {
        root.query_selector(":focus")
            .ok()
            .flatten()?
            .closest("section")
            .ok()
            .flatten()?
            .get_attribute("aria-labelledby")
    });
    root.set_text_content(None);
    let lists = LISTS.with(|l| l.borrow().clone());
    if lists.is_empty() {
        el(&root, "p", "av", Some(t(Msg::TasksNone)));
    }
    let completed: Vec<bool> = lists
        .iter()
        .map(|c| get(c, "completed").is_truthy())
        .collect();
    for i in checklist_order(&completed) {
        if let Some(c) = lists.get(i) {
            checklist(&ui, &root, c);
        }
    }
    if let Some(e) = keep.and_then(|k| root.query_selector(&["#", &k].concat()).ok().flatten()) {
        focus(&e);
    }
    crate::home::checklists();
}

fn checklist(ui: &Dom, root: &Element, c: &JsValue) -> Option<()> {
    let id = get_str(c, "id")?;
    let content = get(c, "content");
    let done = states(c);
    let sec = el(root, "section", "cx", None);
    let h = el(&sec, "h3", "", get_str(&content, "title").as_deref());
    at(&h, &[("id", &["pl-ck-", &id].concat()), ("tabindex", "-1")]);
    let _ = sec.set_attribute("aria-labelledby", &["pl-ck-", &id].concat());
    el(&sec, "p", "av", get_str(&content, "description").as_deref());
    let (n, total) = progress(&done);
    el(
        &sec,
        "p",
        "",
        Some(&fill_count(
            t(Msg::ChecklistProgress),
            "done",
            n as f64,
            &[("done", &num(n as f64)), ("total", &num(total as f64))],
        )),
    );
    let ul = el(&sec, "ul", "hl", None);
    let tasks = get(&content, "tasks")
        .dyn_into::<Array>()
        .unwrap_or_default();
    for (k, task) in tasks.iter().enumerate() {
        let is_done = done.get(k).copied().unwrap_or(false);
        let li = el(&ul, "li", "tk", None);
        let title = get_str(&task, "title").unwrap_or_default();
        let tid = get_str(&task, "id").unwrap_or_default();
        let manual = get_str(&get(&task, "completion"), "type").is_none_or(|ty| ty == "manual");
        if manual {
            let label = el(&li, "label", "", None);
            let boxed = el(&label, "input", "", None);
            at(&boxed, &[("type", "checkbox")]);
            if is_done {
                at(&boxed, &[("checked", "")]);
            }
            let _ = label.append_with_str_1(&title);
            let (cid, b2) = (id.clone(), boxed.clone());
            ui.on(&boxed, "change", move |_| {
                let on = get(&b2, "checked").is_truthy();
                wasm_bindgen_futures::spawn_local(tick(cid.clone(), tid.clone(), on))
            });
        } else {
            el(&li, "span", "", Some(&title));
            el(
                &li,
                "small",
                "",
                Some(t(if is_done {
                    Msg::TaskDone
                } else {
                    Msg::TaskTodo
                })),
            );
        }
        let action = get(&task, "action");
        let label = match get_str(&action, "type").as_deref() {
            Some("start_tour") => t(Msg::TaskTour),
            Some("track_event") => t(Msg::TaskDo),
            // A link (http(s) only), to a new tab without opener or referrer.
            Some("open_url") => {
                if let Some(url) = get_str(&action, "url").filter(|u| may_open(u)) {
                    let a = el(&li, "a", "go", Some(t(Msg::TaskOpen)));
                    at(
                        &a,
                        &[
                            ("href", url.as_str()),
                            ("target", "_blank"),
                            ("rel", "noopener noreferrer"),
                        ],
                    );
                }
                continue;
            }
            _ => continue,
        };
        button(ui, &li, "go", label, move |_| act(&action));
    }
    Some(())
}

/// The page's `Porchlight(name, arg)` (the engagement module carries out `startTour`, `track`).
fn page(name: &str, arg: &JsValue) {
    if let Some(f) = web_sys::window()
        .map(|w| get(&w, "Porchlight"))
        .and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = f.call2(&JsValue::UNDEFINED, &JsValue::from_str(name), arg);
    }
}

fn act(action: &JsValue) {
    let arg = |k| JsValue::from_str(&get_str(action, k).unwrap_or_default());
    match get_str(action, "type").as_deref() {
        Some("start_tour") => {
            // The tour shows on the page: the panel gives way.
            page("startTour", &arg("tourId"));
            page("hide", &JsValue::UNDEFINED);
        }
        Some("track_event") => page("track", &arg("name")),
        _ => {}
    }
}

async fn tick(checklist: String, task: String, done: bool) {
    let mut path = String::from("/v1/checklists/");
    path.push_str(&String::from(encode_uri_component(&checklist)));
    path.push_str("/tasks/");
    path.push_str(&String::from(encode_uri_component(&task)));
    let body = Object::new();
    set(&body, "done", &JsValue::from(done));
    match call("POST", &path, Some(&body)).await {
        Ok(r) => {
            LISTS.with(|l| {
                for c in l.borrow().iter() {
                    if get_str(c, "id").as_deref() == Some(&checklist) {
                        let o: &Object = c.unchecked_ref();
                        set(o, "tasks", &get(&r, "tasks"));
                        set(o, "completed", &get(&r, "completed"));
                    }
                }
            });
            draw();
        }
        Err(_) => {
            draw();
            if let Some((_, s)) = ROOT.with(|r| r.borrow().clone()) {
                s.set_text_content(Some(t(Msg::TaskFailed)));
            }
        }
    }
}
