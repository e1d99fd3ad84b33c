//! The exports, the module's state, its one callback, and the life of one step: find (or wait
//! for) its element, draw, follow, report once.

use std::cell::RefCell;

use js_sys::{Function, Object};
use porchlight_widget_common::js::{call0, call1, call2, get, get_f64, get_str, set, window};
use porchlight_widget_common::place::Prefer;
use wasm_bindgen::prelude::*;
use web_sys::{Element, EventTarget};

use crate::card;
use crate::follow;

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
    /// The body as the edge made it markup (`bodyHtml`: `shared::chat::markup`, every text
    /// escaped), drawn as is.
    pub html: Option<String>,
    /// A video step's player as the edge made it (`player.html`: a `<video>` or a sandboxed
    /// `<iframe>` for the URL `shared::experiences::video_source` checked, escaped), drawn as is.
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
        let text = |k: &str| trimmed(&get(&s, k));
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
            html: get(&s, "bodyHtml").as_string(),
            video: get_str(&get(&s, "player"), "html"),
            wait_ms: num(&s, "waitMs", 10_000.0).min(60_000.0) as u32,
            index: num(cfg, "index", 0.0) as u32,
            count: num(cfg, "count", 1.0).max(1.0) as u32,
            progress: get(cfg, "progress").as_bool() != Some(false),
            missing: match get_str(cfg, "missing").as_deref() {
                Some("skip") => Missing::Skip,
                Some("end") => Missing::End,
                _ => Missing::Centre,
            },
            rtl: is(cfg, "rtl"),
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

pub(crate) struct St {
    /// Bumped by every `show` / `hide` / report.
    pub gen: u32,
    /// The generation of the step on screen (or waited for): it reports while `gen` is still
    /// this, once.
    pub g: u32,
    pub act: Option<Function>,
    pub root: Option<Element>,
    /// Where focus was when the tour began: it goes back there when the tour ends.
    pub before: Option<JsValue>,
    /// The module's one callback: its export [`on`], from its exports (`show`).
    pub h: JsValue,
    /// The step waiting for its element, and the `MutationObserver` that watches for it.
    pub waiting: Option<(Step, JsValue)>,
    /// Nodes were added since the last check (new shadow roots to watch?).
    pub added: bool,
    /// The step on screen: what follows its element reads this.
    pub live: Option<follow::Live>,
    /// The frame requested (its id), else `undefined`: one at a time.
    pub frame: JsValue,
    /// `{capture: true, signal}`: the step's listeners, all removed by one `abort`.
    pub opts: JsValue,
    /// What the step set up, undone when it goes: `o[m](a, b)` for each, in order (the
    /// listeners' `abort`, observers' `disconnect`, the dialog's `close`, nodes' `remove`, a
    /// timer's `clearTimeout`, the element's `aria-describedby` put back). Data, not closures:
    /// each closure is code of its own.
    pub undo: Vec<(JsValue, &'static str, JsValue, JsValue)>,
}

thread_local! {
    static ST: RefCell<St> = const {
        RefCell::new(St {
            gen: 0,
            g: 0,
            act: None,
            root: None,
            before: None,
            h: JsValue::UNDEFINED,
            waiting: None,
            added: false,
            live: None,
            frame: JsValue::UNDEFINED,
            opts: JsValue::UNDEFINED,
            undo: Vec::new(),
        })
    };
}

pub(crate) fn with<R>(f: impl FnOnce(&mut St) -> R) -> Option<R> {
    ST.try_with(|c| c.try_borrow_mut().ok().map(|mut s| f(&mut s)))
        .ok()
        .flatten()
}

/// The module's one callback, for every listener, observer, frame and timer: its own export
/// [`on`], handed over by the engagement module with the module's exports (`show`'s second
/// argument). No `Closure`: wasm-bindgen's closures are shims, a vtable and glue of their own.
pub(crate) fn handler() -> JsValue {
    with(|s| s.h.clone()).unwrap_or_default()
}

/// `on(a, b)`: what every listener, observer, frame and timer of the step calls, told apart by
/// what it is handed.
#[wasm_bindgen]
pub fn on(a: JsValue, b: JsValue) {
    if b.is_object() {
        // An observer's (entries, observer).
        follow::observed(&a, &b);
    } else if a.is_object() {
        event(&a);
    } else if a.is_undefined() {
        // The timer: the element never came.
        gone();
    } else {
        // A frame (its timestamp).
        follow::frame();
    }
}

/// `new globalThis[name](handler)`: the four constructors of the module through one
/// `Reflect.construct` (each binding is a glue function and a wrapper of its own).
pub(crate) fn make(name: &str) -> Option<JsValue> {
    let c = get(&window()?.into(), name);
    js_sys::Reflect::construct(
        c.unchecked_ref::<Function>(),
        &js_sys::Array::of1(&handler()),
    )
    .ok()
}

/// `v` as an element when it is an object: every value taken so is an element or nothing (the
/// engagement module's root, what a query or `lastElementChild` answered), so no `instanceof`
/// import.
pub(crate) fn elem(v: JsValue) -> Result<Element, JsValue> {
    match v.is_object() {
        true => Ok(v.unchecked_into()),
        false => Err(v),
    }
}

/// `v.trim()` by the browser when `v` is a string; `None` when nothing is left (no Unicode
/// whitespace table or UTF-8 decoder in the module for `str::trim`).
pub(crate) fn trimmed(v: &JsValue) -> Option<String> {
    v.dyn_ref::<js_sys::JsString>()?
        .trim()
        .as_string()
        .filter(|t| !t.is_empty())
}

/// Whether `o[k]` is truthy (its value dropped here, not at every caller).
#[inline(never)]
pub(crate) fn is(o: &JsValue, k: &str) -> bool {
    get(o, k).is_truthy()
}

/// `o[k]` as a number (0 when it is none).
#[inline(never)]
pub(crate) fn n(o: &JsValue, k: &str) -> f64 {
    get(o, k).as_f64().unwrap_or(0.0)
}

/// `o[m](a)` with a string.
#[inline(never)]
pub(crate) fn call_s(o: &JsValue, m: &str, a: &str) -> JsValue {
    call1(o, m, &JsValue::from_str(a))
}

/// `o[m](a, b)` when the step goes.
pub(crate) fn undo(o: JsValue, m: &'static str, a: JsValue, b: JsValue) {
    with(|s| s.undo.push((o, m, a, b)));
}

/// Listens to `ty` on `t` while the step shows (capture: a scroll in any ancestor; on the
/// dialog, the same order as bubbling, nothing inside it listening).
pub(crate) fn listen(t: &JsValue, ty: &str) {
    let h = handler();
    let o = with(|s| s.opts.clone()).unwrap_or_default();
    let _ = t
        .unchecked_ref::<EventTarget>()
        .add_event_listener_with_callback_and_add_event_listener_options(
            ty,
            h.unchecked_ref(),
            o.unchecked_ref(),
        );
}

/// Everything the step on screen (or waiting) set up goes (focus stays where it is).
pub(crate) fn teardown() {
    let (undo, frame) = with(|s| {
        s.live = None;
        s.waiting = None;
        s.added = false;
        (
            std::mem::take(&mut s.undo),
            std::mem::replace(&mut s.frame, JsValue::UNDEFINED),
        )
    })
    .unwrap_or_default();
    for (o, m, a, b) in undo {
        call2(&o, m, &a, &b);
    }
    if let Some(w) = window() {
        call1(&w, "cancelAnimationFrame", &frame);
    }
}

/// Reports `name` for the step on screen, once: later reports of that step (a second click,
/// Escape after ×) are ignored.
pub(crate) fn report(name: &str) {
    let act = with(|s| {
        if s.gen != s.g {
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

/// `show(config, exports)`: draws a step (see the crate's documentation); `exports` the
/// module's own (the loader's module object): [`on`] is taken from there.
#[wasm_bindgen]
pub fn show(cfg: JsValue, exports: JsValue) {
    teardown();
    let Ok(root) = elem(get(&cfg, "root")) else {
        return;
    };
    with(|s| {
        s.gen += 1;
        s.g = s.gen;
        // Not checked: `call1` of anything but a function is an `Err`, ignored (`report`).
        s.act = Some(get(&cfg, "act").unchecked_into());
        if s.before.is_none() {
            s.before = follow::focused();
        }
        s.root = Some(root.clone());
        s.h = get(&exports, "on");
    });
    card::style(&root, get_str(&cfg, "nonce"));
    let step = Step::read(&cfg);
    if !step.anchored() {
        return draw(step, None);
    }
    match step.selector.as_deref().and_then(follow::find) {
        Some(el) => draw(step, Some(el)),
        None => wait(step),
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
    let d: JsValue = follow::doc().map(Into::into).unwrap_or_default();
    let active = get(&d, "activeElement");
    let free = active.is_falsy() || active == get(&d, "body");
    if let Some(b) = before.filter(|b| free && is(b, "isConnected")) {
        let o = Object::new();
        set(&o, "preventScroll", &JsValue::TRUE);
        call1(&b, "focus", &o);
    }
}

/// Waits for the step's element (`follow::observed` and `follow::frame` look for it); when it
/// never comes, the tour's policy ([`gone`]).
pub(crate) fn wait(step: Step) {
    let h = handler();
    let (Some(w), Some(mo)) = (window(), make("MutationObserver")) else {
        return;
    };
    follow::observe_all(&mo, true);
    let timer = call2(&w, "setTimeout", &h, &step.wait_ms.into());
    undo(
        mo.clone(),
        "disconnect",
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    undo(w.into(), "clearTimeout", timer, JsValue::UNDEFINED);
    with(|s| s.waiting = Some((step, mo)));
}

/// The element of the step waiting for it came: drawn.
pub(crate) fn found(el: Element) {
    if let Some(step) = with(take_waiting).flatten() {
        teardown();
        draw(step, Some(el));
    }
}

fn take_waiting(s: &mut St) -> Option<Step> {
    let (step, _) = s.waiting.take()?;
    (s.gen == s.g).then_some(step)
}

/// The element never came: the tour's policy.
fn gone() {
    let Some(s) = with(take_waiting).flatten() else {
        return;
    };
    teardown();
    match s.missing {
        Missing::Skip => report("skip"),
        Missing::End => report("end"),
        Missing::Centre => draw(s, None),
    }
}

/// Draws `step`, anchored to `target` when there is one.
fn draw(step: Step, target: Option<Element>) {
    let Some(root) = with(|s| s.root.clone()).flatten() else {
        return;
    };
    let Some(ctrl) = make("AbortController") else {
        return;
    };
    let o = Object::new();
    set(&o, "capture", &JsValue::TRUE);
    set(&o, "signal", &get(&ctrl, "signal"));
    with(|s| s.opts = o.into());
    undo(ctrl, "abort", JsValue::UNDEFINED, JsValue::UNDEFINED);
    let Ok(dialog) = card::build(&root, &step, target.is_some()) else {
        return;
    };
    if let Some(doc) = follow::doc() {
        listen(&doc, "keydown");
    }
    follow::attach(step, target, dialog);
}

/// An event of the step: told apart by its type and where it is heard.
fn event(e: &JsValue) {
    let ty = get_str(e, "type").unwrap_or_default();
    let Some(dialog) = with(|s| s.live.as_ref().map(|l| JsValue::from(&l.dialog))).flatten() else {
        return;
    };
    let in_card = get(e, "currentTarget") == dialog;
    match ty.as_str() {
        // In a modal step focus stays in the step, not in the browser's own controls.
        "keydown" if in_card => {
            porchlight_widget_common::js::wrap_tab(&dialog, e, "button,a[href],iframe,video")
        }
        "keydown" => keys(e),
        // One listener for every button: its `data-a` is what it reports.
        "click" if in_card => {
            let b = call_s(&get(e, "target"), "closest", "[data-a]");
            if let Some(a) = call_s(&b, "getAttribute", "data-a").as_string() {
                report(&a);
            }
        }
        // Escape in a modal step: the dialog's `cancel`. The tour ends; the browser does not
        // close it itself.
        "cancel" => {
            call0(e, "preventDefault");
            report("dismiss");
        }
        "click" | "change" => follow::advanced(e),
        // `scroll`, `resize`.
        _ => follow::schedule(),
    }
}

/// Whether `e` is where the visitor types: arrows there move the caret, never the tour.
fn typing(e: &JsValue) -> bool {
    let el = get(&call0(e, "composedPath"), "0");
    // Read by name: anything else (a document, an SVG element) has neither.
    matches!(
        get_str(&el, "tagName").as_deref(),
        Some("INPUT" | "TEXTAREA" | "SELECT" | "VIDEO" | "AUDIO")
    ) || is(&el, "isContentEditable")
}

/// Escape ends the tour (while focus is in it, or nowhere in particular); the arrow keys go
/// back and forth (mirrored right-to-left), except while the visitor types in a field.
fn keys(e: &JsValue) {
    let Some(doc) = follow::doc() else { return };
    let Some((rtl, can_next, can_back, last, host)) = with(|s| {
        let l = s.live.as_ref()?;
        let st = &l.step;
        Some((
            st.rtl,
            st.advance != Advance::Click,
            st.index > 0,
            st.last(),
            JsValue::from(follow::host_of(&l.dialog)),
        ))
    })
    .flatten() else {
        return;
    };
    let forward = if rtl { "ArrowLeft" } else { "ArrowRight" };
    let backward = if rtl { "ArrowRight" } else { "ArrowLeft" };
    let on = |k| is(e, k);
    if on("defaultPrevented") || on("altKey") || on("ctrlKey") || on("metaKey") {
        return;
    }
    let key = get_str(e, "key").unwrap_or_default();
    let active = get(&doc, "activeElement");
    let ours = active.is_null() || active == host || active == get(&doc, "body");
    // Arrows only while focus is in the tour (or nowhere): the page's own keys — a
    // carousel, tabs, a slider — stay the page's. A held key does not race through steps.
    let name = if key == "Escape" && ours {
        "dismiss"
    } else if !ours || on("repeat") || typing(e) {
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
    call0(e, "preventDefault");
    report(name);
}
