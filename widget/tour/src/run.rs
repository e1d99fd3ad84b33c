//! The exports, the module's state, and the life of one step: find (or wait for) its element,
//! draw, follow, report once.

use std::cell::RefCell;

use js_sys::Function;
use porchlight_widget_common::js::{call0, call1, get, get_f64, get_str};
use porchlight_widget_common::place::Prefer;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::card;
use crate::follow;

/// A listener or observer callback: every one takes one value (an event, a list of entries).
pub(crate) type Cb = Closure<dyn FnMut(JsValue)>;

/// A step's kind, read once (enums, not strings: a compared string is code in the module).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Pointer,
    Video,
    /// `post`, and a kind this module does not know (drawn as a post).
    Post,
}

/// What moves the step on.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Advance {
    Button,
    Click,
    Fill,
    /// An unknown value: no Next button, nothing listened to on the element.
    Other,
}

/// The tour's policy when the element never comes (`missingTarget`).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Missing {
    Centre,
    Skip,
    End,
}

/// One authored step, as this module reads it.
pub(crate) struct Step {
    pub kind: Kind,
    pub title: Option<String>,
    pub body: String,
    pub selector: Option<String>,
    pub prefer: Prefer,
    pub advance: Advance,
    pub video: Option<String>,
    pub wait_ms: u32,
    /// 0-based.
    pub index: u32,
    pub count: u32,
    pub progress: bool,
    pub missing: Missing,
    pub rtl: bool,
}

impl Step {
    fn read(cfg: &JsValue) -> Step {
        let s = get(cfg, "step");
        let text = |k: &str| get_str(&s, k).filter(|t| !t.trim().is_empty());
        let num = |v: &JsValue, k: &str, d: f64| get_f64(v, k).unwrap_or(d).max(0.0);
        let prefer = match get_str(&s, "placement").as_deref() {
            Some("left") => Prefer::Left,
            Some("right") => Prefer::Right,
            Some("above") => Prefer::Above,
            Some("below") => Prefer::Below,
            _ => Prefer::Auto,
        };
        Step {
            kind: match text("kind").as_deref() {
                None | Some("pointer") => Kind::Pointer,
                Some("video") => Kind::Video,
                _ => Kind::Post,
            },
            title: text("title"),
            body: text("body").unwrap_or_default(),
            selector: text("selector"),
            prefer,
            advance: match text("advance").as_deref() {
                None | Some("button") => Advance::Button,
                Some("click") => Advance::Click,
                Some("fill") => Advance::Fill,
                _ => Advance::Other,
            },
            video: text("videoUrl"),
            wait_ms: num(&s, "waitMs", 10_000.0).min(60_000.0) as u32,
            index: num(cfg, "index", 0.0) as u32,
            count: num(cfg, "count", 1.0).max(1.0) as u32,
            progress: get(cfg, "progress").as_bool() != Some(false),
            missing: match get_str(cfg, "missing").as_deref() {
                Some("skip") => Missing::Skip,
                Some("end") => Missing::End,
                _ => Missing::Centre,
            },
            rtl: porchlight_widget_common::catalog::rtl(),
        }
    }

    /// Whether it is anchored to an element (a pointer step, or any step that advances on a
    /// click or a fill of one).
    pub fn anchored(&self) -> bool {
        self.selector.is_some() && (self.kind == Kind::Pointer || self.advance != Advance::Button)
    }

    /// A centred card with the page behind inert.
    pub fn modal(&self) -> bool {
        self.kind != Kind::Pointer && self.advance == Advance::Button
    }

    pub fn last(&self) -> bool {
        self.index + 1 >= self.count
    }
}

#[derive(Default)]
pub(crate) struct St {
    /// Bumped by every `show` / `hide` / report: a callback of an older step does nothing.
    pub gen: u32,
    pub act: Option<Function>,
    pub root: Option<Element>,
    pub nonce: Option<String>,
    /// Where focus was when the tour began: it goes back there when the tour ends.
    pub before: Option<HtmlElement>,
    /// The step on screen: what follows its element reads this.
    pub live: Option<follow::Live>,
    pub keep: Vec<Cb>,
    pub cleanup: Vec<Box<dyn FnOnce()>>,
}

thread_local! {
    static ST: RefCell<Option<St>> = const { RefCell::new(None) };
}

pub(crate) fn with<R>(f: impl FnOnce(&mut St) -> R) -> Option<R> {
    ST.try_with(|c| {
        c.try_borrow_mut()
            .ok()
            .map(|mut s| f(s.get_or_insert_with(St::default)))
    })
    .ok()
    .flatten()
}

pub(crate) fn gen() -> u32 {
    with(|s| s.gen).unwrap_or(0)
}

/// Everything the step on screen set up goes (focus stays where it is). Its callbacks are
/// freed in a later task: this may run inside one of them (a click that reports, a change that
/// finds the element), which must not be freed while it runs.
pub(crate) fn teardown() {
    let (cleanup, keep) = with(|s| {
        s.live = None;
        (std::mem::take(&mut s.cleanup), std::mem::take(&mut s.keep))
    })
    .unwrap_or_default();
    for f in cleanup {
        f();
    }
    if keep.is_empty() {
        return;
    }
    let free = Closure::once_into_js(move || drop(keep));
    if let Some(w) = porchlight_widget_common::js::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(free.unchecked_ref(), 0);
    }
}

/// Keeps `f` alive as long as the step shows, and returns it as a JS function.
pub(crate) fn keep(f: Cb) -> Function {
    let js: Function = f.as_ref().unchecked_ref::<Function>().clone();
    with(|s| s.keep.push(f));
    js
}

pub(crate) fn on_teardown(f: impl FnOnce() + 'static) {
    with(|s| s.cleanup.push(Box::new(f)));
}

/// Reports `name` for the step of generation `g`, once: later reports of that step (a second
/// click, Escape after ×) are ignored.
pub(crate) fn report(g: u32, name: &str) {
    let act = with(|s| {
        if s.gen != g {
            return None;
        }
        s.gen += 1;
        s.act.clone()
    })
    .flatten();
    if let Some(f) = act {
        let _ = f.call1(&JsValue::UNDEFINED, &JsValue::from_str(name));
    }
}

/// `show(config)`: draws a step (see the crate's documentation).
#[wasm_bindgen]
pub fn show(cfg: JsValue) {
    teardown();
    let Ok(root) = get(&cfg, "root").dyn_into::<Element>() else {
        return;
    };
    let g = with(|s| {
        s.gen += 1;
        s.act = get(&cfg, "act").dyn_into().ok();
        s.nonce = get_str(&cfg, "nonce");
        if s.before.is_none() {
            s.before = follow::focused();
        }
        s.root = Some(root.clone());
        s.gen
    })
    .unwrap_or(0);
    card::style(&root);
    let step = Step::read(&cfg);
    if !step.anchored() {
        return draw(step, None, g);
    }
    match step.selector.as_deref().and_then(follow::find) {
        Some(el) => draw(step, Some(el), g),
        None => wait(step, g),
    }
}

/// `hide()`: the tour ends here (or leaves this page): the step goes, focus goes back.
#[wasm_bindgen]
pub fn hide() {
    teardown();
    let before = with(|s| {
        s.gen += 1;
        s.act = None;
        s.root = None;
        s.before.take()
    })
    .flatten();
    // Back where it was — unless the visitor has moved it since (a link that took the tour
    // down): only from the tour (gone now: the body) or nowhere. Without scrolling the page.
    let active = follow::doc().map(|d| get(&d, "activeElement"));
    let body = follow::doc().map(|d| get(&d, "body"));
    let free = active
        .as_ref()
        .is_none_or(|a| a.is_null() || Some(a) == body.as_ref());
    if let Some(b) = before.filter(|b| free && get(b, "isConnected").is_truthy()) {
        let o = js_sys::Object::new();
        porchlight_widget_common::js::set(&o, "preventScroll", &JsValue::TRUE);
        call1(&b, "focus", &o);
    }
}

/// Waits for the step's element; when it never comes, the tour's policy.
pub(crate) fn wait(step: Step, g: u32) {
    let sel = step.selector.clone().unwrap_or_default();
    let ms = step.wait_ms;
    // A `Cell` (taken, never borrowed): `RefCell::borrow_mut` ships its panic.
    let step = std::rc::Rc::new(std::cell::Cell::new(Some(step)));
    let found = step.clone();
    follow::watch(
        &sel,
        ms,
        Box::new(move |el| {
            if let Some(s) = found.take() {
                if gen() == g {
                    teardown();
                    draw(s, Some(el), g);
                }
            }
        }),
        Box::new(move || {
            let Some(s) = step.take() else {
                return;
            };
            if gen() != g {
                return;
            }
            teardown();
            match s.missing {
                Missing::Skip => report(g, "skip"),
                Missing::End => report(g, "end"),
                Missing::Centre => draw(s, None, g),
            }
        }),
    );
}

/// Draws `step`, anchored to `target` when there is one.
fn draw(step: Step, target: Option<Element>, g: u32) {
    let Some(root) = with(|s| s.root.clone()).flatten() else {
        return;
    };
    let Ok(dialog) = card::build(&root, &step, target.is_some(), g) else {
        return;
    };
    keys(&step, &dialog, g);
    follow::attach(step, target, dialog, g);
}

/// Whether `e` is where the visitor types: arrows there move the caret, never the tour.
fn typing(e: &JsValue) -> bool {
    let el = get(&call0(e, "composedPath"), "0");
    el.is_instance_of::<HtmlElement>()
        && (matches!(
            get_str(&el, "tagName").as_deref(),
            Some("INPUT" | "TEXTAREA" | "SELECT" | "VIDEO" | "AUDIO")
        ) || get(&el, "isContentEditable").is_truthy())
}

/// Escape ends the tour (while focus is in it, or nowhere in particular); the arrow keys go
/// back and forth (mirrored right-to-left), except while the visitor types in a field.
fn keys(step: &Step, dialog: &Element, g: u32) {
    let Some(doc) = follow::doc() else { return };
    let forward = if step.rtl { "ArrowLeft" } else { "ArrowRight" };
    let backward = if step.rtl { "ArrowRight" } else { "ArrowLeft" };
    let (can_next, can_back, last) = (step.advance != Advance::Click, step.index > 0, step.last());
    let host: JsValue = follow::host_of(dialog).into();
    let d2: JsValue = doc.clone().into();
    // Read by name (see `js::call0`).
    let f: Cb = Closure::new(move |e: JsValue| {
        let on = |k| get(&e, k).is_truthy();
        if on("defaultPrevented") || on("altKey") || on("ctrlKey") || on("metaKey") {
            return;
        }
        let key = get_str(&e, "key").unwrap_or_default();
        let active = get(&d2, "activeElement");
        let ours = active.is_null() || active == host || active == get(&d2, "body");
        // Arrows only while focus is in the tour (or nowhere): the page's own keys — a
        // carousel, tabs, a slider — stay the page's. A held key does not race through steps.
        let name = if key == "Escape" && ours {
            "dismiss"
        } else if !ours || on("repeat") || typing(&e) {
            return;
        } else if key == forward && can_next {
            if last {
                "done"
            } else {
                "next"
            }
        } else if key == backward && can_back {
            "back"
        } else {
            return;
        };
        call0(&e, "preventDefault");
        report(g, name);
    });
    let f = keep(f);
    let _ = doc.add_event_listener_with_callback_and_bool("keydown", &f, true);
    on_teardown(move || {
        let _ = doc.remove_event_listener_with_callback_and_bool("keydown", &f, true);
    });
}
