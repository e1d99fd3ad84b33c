//! What the visitor does on the page, gathered for the engine: scroll depth, exit intent
//! (the pointer leaving through the top of the window), clicks (one delegated listener: it sees
//! elements added later too), activity (for idle triggers and the browsing session) and
//! navigation — the Navigation API's `currententrychange` where present, else `pushState` /
//! `replaceState` (wrapped), `popstate` and `hashchange`. Never polling.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use porchlight_widget_common::js::{call0, call1, get, get_f64, get_str, set};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

/// What happened on this page since it was entered.
pub(crate) struct Page {
    pub url: String,
    /// `performance.now()` when the page was entered.
    pub started: f64,
    /// When it was entered, epoch ms.
    pub entered_at: i64,
    /// Deepest scroll, 0-100.
    pub scroll_max: f64,
    /// Last activity, epoch ms.
    pub last_activity: f64,
    pub exit: bool,
    /// Events tracked on this page: name and properties (a plain object, as stored).
    pub events: Vec<(String, JsValue)>,
    /// Selectors of `element_click` triggers a click matched.
    pub clicked: Vec<String>,
}

impl Page {
    pub const EMPTY: Page = Page {
        url: String::new(),
        started: 0.0,
        entered_at: 0,
        scroll_max: 0.0,
        last_activity: 0.0,
        exit: false,
        events: Vec::new(),
        clicked: Vec::new(),
    };

    pub fn enter(url: String, started: f64) -> Page {
        let now = js_sys::Date::now();
        Page {
            url,
            started,
            entered_at: now as i64,
            last_activity: now,
            ..Page::EMPTY
        }
    }
}

/// What the runtime hears about.
pub(crate) enum Seen {
    /// Deeper than before.
    Scroll(f64),
    Exit,
    /// A click on this element.
    Click(Element),
    Activity,
    /// The URL changed.
    Navigated(String),
    /// Another tab wrote this `localStorage` key.
    Stored(String),
    /// Back online.
    Online,
    /// The tab came to the front (`visibilitychange`).
    Visible,
}

/// Whether the page is in a background tab (or minimised): nothing new is drawn there, where
/// no one sees it and a `once` would be spent.
pub(crate) fn hidden() -> bool {
    get(&get(&win(), "document"), "hidden").is_truthy()
}

/// The window, as a value to read by name (DOM members used once or twice are read with
/// `js::get` / `js::call0`: each web-sys binding is an import and glue of its own).
pub(crate) fn win() -> JsValue {
    porchlight_widget_common::js::window().map_or(JsValue::UNDEFINED, JsValue::from)
}

pub(crate) fn href() -> String {
    get(&get(&win(), "location"), "href")
        .as_string()
        .unwrap_or_default()
}

pub(crate) fn perf_now() -> f64 {
    call0(&get(&win(), "performance"), "now")
        .as_f64()
        .unwrap_or(0.0)
}

fn scroll_percent() -> f64 {
    let w = win();
    let d = get(&get(&w, "document"), "documentElement");
    if !d.is_object() {
        return 0.0;
    }
    let n = |o: &JsValue, k: &str| get_f64(o, k).unwrap_or(0.0);
    let (y, vh, h) = (
        n(&w, "scrollY"),
        n(&w, "innerHeight"),
        n(&d, "scrollHeight"),
    );
    if h <= vh || h <= 0.0 {
        return 100.0;
    }
    porchlight_widget_common::place::clamp((y + vh) / h * 100.0, 0.0, 100.0)
}

type Listener = Closure<dyn FnMut(Event)>;
/// `history.pushState` / `replaceState`, wrapped.
type Wrapped = Closure<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>;

thread_local! {
    static KEEP: RefCell<Vec<Listener>> = const { RefCell::new(Vec::new()) };
    static HISTORY: RefCell<Vec<Wrapped>> = const { RefCell::new(Vec::new()) };
    static FOCUS: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// `{capture, passive: true}`, as a plain object (no setter bindings).
pub(crate) fn passive(capture: bool) -> web_sys::AddEventListenerOptions {
    let o = js_sys::Object::new();
    set(&o, "capture", &JsValue::from_bool(capture));
    set(&o, "passive", &JsValue::TRUE);
    o.unchecked_into()
}

/// What a listener heard ([`hear`]). One closure type for every listener: each closure type
/// as a `dyn FnMut` is a body, a vtable shim and a drop of its own.
#[derive(Clone, Copy)]
enum Heard {
    Scroll,
    /// The pointer left an element: through the top of the window, an exit.
    Out,
    Click,
    Activity,
    /// A navigation.
    Nav,
    /// `storage`: another tab wrote a key.
    Storage,
    Online,
    Visibility,
    /// Focus moved: remembered when it is on the page (not in one of our items).
    Focus,
}

fn hear(tell: &dyn Fn(Seen), what: Heard, e: &JsValue) {
    match what {
        Heard::Scroll => tell(Seen::Scroll(scroll_percent())),
        Heard::Out => {
            if get(e, "relatedTarget").is_null() && get_f64(e, "clientY").unwrap_or(1.0) <= 0.0 {
                tell(Seen::Exit);
            }
        }
        Heard::Click => {
            if let Ok(el) = get(e, "target").dyn_into::<Element>() {
                tell(Seen::Click(el));
            }
        }
        Heard::Activity => tell(Seen::Activity),
        Heard::Nav => tell(Seen::Navigated(href())),
        Heard::Storage => tell(Seen::Stored(get_str(e, "key").unwrap_or_default())),
        Heard::Online => tell(Seen::Online),
        Heard::Visibility => {
            if !hidden() {
                tell(Seen::Visible)
            }
        }
        Heard::Focus => {
            let t = get(e, "target");
            if let Some(el) = t.dyn_ref::<Element>() {
                if !matches(el, "[data-porchlight-item]") {
                    FOCUS.with(|f| *f.borrow_mut() = t);
                }
            }
        }
    }
}

/// Where focus last was on the page outside our items (where it goes back to when an item
/// that holds focus goes), if that element is still there.
pub(crate) fn last_focus() -> Option<JsValue> {
    Some(FOCUS.with(|f| f.borrow().clone())).filter(|e| get(e, "isConnected").is_truthy())
}

fn on(
    target: &web_sys::EventTarget,
    ev: &str,
    capture: bool,
    tell: &Rc<dyn Fn(Seen)>,
    what: Heard,
) {
    let tell = tell.clone();
    let c = Closure::<dyn FnMut(Event)>::new(move |e: Event| hear(&*tell, what, &e));
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        ev,
        c.as_ref().unchecked_ref(),
        &passive(capture),
    );
    KEEP.with(|k| k.borrow_mut().push(c));
}

/// Installs the listeners, once; `tell` hears about each observation.
pub(crate) fn install(tell: Rc<dyn Fn(Seen)>) {
    let Some(w) = porchlight_widget_common::js::window() else {
        return;
    };
    let Some(doc) = w.document() else { return };
    on(&w, "scroll", false, &tell, Heard::Scroll);
    on(&doc, "mouseout", false, &tell, Heard::Out);
    on(&doc, "click", true, &tell, Heard::Click);
    on(&doc, "focusin", true, &tell, Heard::Focus);
    for ev in ["pointerdown", "keydown", "mousemove", "touchstart", "wheel"] {
        on(&doc, ev, true, &tell, Heard::Activity);
    }
    // Navigation.
    let navigation = get(&w, "navigation");
    if navigation.is_object() {
        on(
            navigation.unchecked_ref(),
            "currententrychange",
            false,
            &tell,
            Heard::Nav,
        );
    } else {
        let history = get(&w, "history");
        for name in ["pushState", "replaceState"] {
            let Ok(orig) = get(&history, name).dyn_into::<Function>() else {
                continue;
            };
            let (t, h) = (tell.clone(), history.clone());
            let f = Wrapped::new(move |a: JsValue, b: JsValue, c: JsValue| {
                let r = orig.call3(&h, &a, &b, &c);
                hear(&*t, Heard::Nav, &JsValue::UNDEFINED);
                // The page's own call must see what it would have seen.
                match r {
                    Ok(v) => v,
                    Err(e) => wasm_bindgen::throw_val(e),
                }
            });
            let _ = Reflect::set(&history, &name.into(), f.as_ref().unchecked_ref());
            HISTORY.with(|k| k.borrow_mut().push(f));
        }
    }
    for ev in ["popstate", "hashchange"] {
        on(&w, ev, false, &tell, Heard::Nav);
    }
    on(&w, "storage", false, &tell, Heard::Storage);
    on(&w, "online", false, &tell, Heard::Online);
    let doc: web_sys::EventTarget = get(&w, "document").unchecked_into();
    on(&doc, "visibilitychange", false, &tell, Heard::Visibility);
}

/// `el.closest(selector)`, never throwing: an invalid or hostile selector matches nothing.
pub(crate) fn matches(el: &Element, selector: &str) -> bool {
    call1(el, "closest", &selector.into()).is_object()
}
