//! Help: search the workspace's published articles as the visitor types (debounced; an answer
//! to an older query than the latest is dropped), ranked by the edge; results with title and
//! plain-text excerpt; an article drawn from the shared Markdown subset as text nodes
//! (`rich`: links http(s) / mailto only); "Was this helpful?" once — a second vote is refused
//! by the edge and said so; back to the results.

use crate::host::{call, call_until};
use crate::rules::Space;
use crate::spaces::{at, button, el, focus, hide, keep, show};
use crate::Dom;
use js_sys::{encode_uri_component, Array, Object};
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{call0, get, get_str, set};
use porchlight_widget_common::{sleep, ApiError};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

/// The pause after a keystroke before the edge is asked.
pub(crate) const DEBOUNCE_MS: u32 = 250;

struct Parts {
    input: HtmlInputElement,
    status: Element,
    results: Element,
    list: Element,
    article: Element,
    title: Element,
    body: Element,
    vote: Element,
    said: Element,
}

thread_local! {
    static PARTS: RefCell<Option<std::rc::Rc<Parts>>> = const { RefCell::new(None) };
    /// Help's searches.
    static ASKED: Turn = const { Turn::new() };
    /// The article shown, for its feedback.
    static SHOWN: RefCell<String> = const { RefCell::new(String::new()) };
}

fn parts() -> Option<std::rc::Rc<Parts>> {
    PARTS.with(|p| p.borrow().clone())
}

/// Draws Help in `help`. `again` (a redraw in another locale): what the old Help showed stays —
/// the search typed (asked again, in the new language) with its results until the answer, the
/// article open (read again); the parts holding only the workspace's text move over as they are.
pub(crate) fn mount(ui: &Dom, help: &Element, again: bool) -> Option<()> {
    let was = parts().filter(|_| again);
    let list = el(help, "div", "hv", None);
    let input: HtmlInputElement = el(&list, "input", "hs", None).unchecked_into();
    at(
        &input,
        &[
            ("type", "search"),
            ("id", "pl-q"),
            ("aria-label", t(Msg::SearchHelp)),
            ("placeholder", t(Msg::SearchHelp)),
            ("maxlength", "200"),
        ],
    );
    let status = el(&list, "p", "q", None);
    at(&status, &[("role", "status"), ("aria-live", "polite")]);
    let results = keep(&list, was.as_ref().map(|w| &w.results), "ul", "hl");
    let article = el(help, "div", "hv", None);
    button(ui, &article, "bk", t(Msg::ArticleBack), |_| back());
    let title = keep(&article, was.as_ref().map(|w| &w.title), "h3", "");
    at(&title, &[("tabindex", "-1"), ("id", "pl-at")]);
    let body = keep(&article, was.as_ref().map(|w| &w.body), "div", "ab");
    let vote = el(&article, "div", "cs", None);
    el(&vote, "p", "", Some(t(Msg::ArticleHelpful)));
    button(ui, &vote, "", t(Msg::FeedbackYes), |_| {
        wasm_bindgen_futures::spawn_local(feedback(true))
    });
    button(ui, &vote, "", t(Msg::FeedbackNo), |_| {
        wasm_bindgen_futures::spawn_local(feedback(false))
    });
    let said = el(&article, "p", "q", None);
    at(&said, &[("role", "status"), ("aria-live", "polite")]);
    let i2 = input.clone();
    ui.on(&input, "input", move |_| ask(i2.value()));
    let reading = was
        .as_ref()
        .is_some_and(|w| !w.article.has_attribute("hidden"));
    hide(&list, reading);
    hide(&article, !reading);
    if let Some(w) = &was {
        let q = w.input.value();
        input.set_value(&q);
        if !q.is_empty() {
            ask(q);
        }
        if reading {
            read(SHOWN.with(|s| s.borrow().clone()), false);
        }
    }
    PARTS.with(|p| {
        *p.borrow_mut() = Some(std::rc::Rc::new(Parts {
            input,
            status,
            results,
            list,
            article,
            title,
            body,
            vote,
            said,
        }))
    });
    Some(())
}

/// Help's search field, in view and focused (Home's search leads here).
pub(crate) fn search() {
    show(Space::Help as usize, false);
    back();
}

/// Help with `q` typed in its search field (focused, the caret after it) and asked: what the
/// visitor started typing in Home's field.
pub(crate) fn search_for(q: String) {
    search();
    if let Some(p) = parts() {
        p.input.set_value(&q);
        ask(q);
    }
}

/// The path of a search for `q` (`any`: any telling word, for suggestions).
pub(crate) fn search_path(q: &str, any: bool) -> String {
    let mut path = String::from("/v1/articles/search?q=");
    path.push_str(&String::from(encode_uri_component(q)));
    if any {
        path.push_str("&match=any");
    }
    path
}

/// One stream of searches (Help's, the composer's suggestions): the latest query asked (an
/// answer to any earlier one is dropped) and the request on its way, cancelled when a later
/// keystroke supersedes it.
pub(crate) struct Turn {
    n: Cell<u32>,
    /// The `AbortController` of the request on its way (`undefined`: none).
    on_way: RefCell<JsValue>,
}

impl Turn {
    pub(crate) const fn new() -> Turn {
        Turn {
            n: Cell::new(0),
            on_way: RefCell::new(JsValue::UNDEFINED),
        }
    }

    /// A later query (or none at all): the one on its way is cancelled; answers its number.
    pub(crate) fn next(&self) -> u32 {
        let on_way = self.on_way.replace(JsValue::UNDEFINED);
        if on_way.is_object() {
            call0(&on_way, "abort");
        }
        self.n.set(self.n.get() + 1);
        self.n.get()
    }

    fn is(&self, n: u32) -> bool {
        self.n.get() == n
    }
}

/// The results of a search, or `None` when a later keystroke superseded it (`turn` is the
/// stream it was asked in).
pub(crate) async fn results(
    path: String,
    turn: &'static std::thread::LocalKey<Turn>,
) -> Option<Result<Array, ApiError>> {
    let mine = turn.with(Turn::next);
    sleep(DEBOUNCE_MS).await;
    if !turn.with(|t| t.is(mine)) {
        return None;
    }
    // Cancelled (`abort()`) by the next keystroke: a browser without `AbortController`
    // just lets it finish, and its answer is dropped below.
    let ctrl = get(
        &porchlight_widget_common::js::window()?.into(),
        "AbortController",
    )
    .dyn_into::<js_sys::Function>()
    .and_then(|c| js_sys::Reflect::construct(&c, &Array::new()))
    .unwrap_or(JsValue::UNDEFINED);
    turn.with(|t| t.on_way.replace(ctrl.clone()));
    let r = call_until("GET", &path, None, &get(&ctrl, "signal")).await;
    if !turn.with(|t| t.is(mine)) {
        return None;
    }
    turn.with(|t| t.on_way.replace(JsValue::UNDEFINED));
    Some(r.map(|r| get(&r, "results").dyn_into::<Array>().unwrap_or_default()))
}

fn ask(q: String) {
    wasm_bindgen_futures::spawn_local(async move {
        let empty = q.trim().is_empty();
        let found = if empty {
            // Clearing the field also drops any answer still on its way.
            ASKED.with(Turn::next);
            Some(Ok(Array::new()))
        } else {
            results(search_path(&q, false), &ASKED).await
        };
        let (Some(found), Some(p)) = (found, parts()) else {
            return;
        };
        let said = match found {
            Ok(list) => {
                crate::spaces::article_list(&p.results, &list, 10);
                if list.length() == 0 && !empty {
                    t(Msg::SearchNone)
                } else {
                    ""
                }
            }
            Err(_) => t(Msg::SearchFailed),
        };
        p.status.set_text_content(Some(said));
    });
}

fn back() {
    if let Some(p) = parts() {
        hide(&p.article, true);
        hide(&p.list, false);
        let _ = p.input.focus();
    }
}

/// Opens article `id` in Help (a result, a suggestion, a common question, `showArticle`).
pub(crate) fn open_article(id: String) {
    show(Space::Help as usize, false);
    read(id, true);
}

/// Fetches article `id` and draws it in Help's article view, its title focused when `focus`.
fn read(id: String, focus_title: bool) {
    SHOWN.with(|s| *s.borrow_mut() = id.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let mut path = String::from("/v1/articles/");
        path.push_str(&String::from(encode_uri_component(&id)));
        let r = call("GET", &path, None).await;
        let Some(p) = parts() else {
            return;
        };
        hide(&p.list, true);
        hide(&p.article, false);
        p.body.set_text_content(None);
        p.said.set_text_content(None);
        match r {
            Ok(a) => {
                p.title.set_text_content(get_str(&a, "title").as_deref());
                if let Some(doc) = crate::spaces::doc() {
                    porchlight_widget_common::rich::append(
                        &doc,
                        &p.body,
                        &get_str(&a, "body").unwrap_or_default(),
                    );
                }
                hide(&p.vote, false);
            }
            Err(_) => {
                p.title.set_text_content(Some(t(Msg::ArticleFailed)));
                hide(&p.vote, true);
            }
        }
        if focus_title {
            focus(&p.title);
        }
    });
}

async fn feedback(helpful: bool) {
    let id = SHOWN.with(|s| s.borrow().clone());
    let mut path = String::from("/v1/articles/");
    path.push_str(&String::from(encode_uri_component(&id)));
    path.push_str("/feedback");
    let body = Object::new();
    set(&body, "helpful", &JsValue::from(helpful));
    let r = call("POST", &path, Some(&body)).await;
    let Some(p) = parts() else {
        return;
    };
    let said = match r {
        Ok(_) => t(Msg::FeedbackThanks),
        Err(ApiError { status: 409, .. }) => t(Msg::FeedbackAlready),
        Err(_) => return p.said.set_text_content(Some(t(Msg::FeedbackFailed))),
    };
    // Asked once: the question goes, the answer stays.
    hide(&p.vote, true);
    p.said.set_text_content(Some(said));
}
