//! The core's side of engagement: outbound messages, tooltips, tours and surveys live in a third
//! WASM module (`widget/engage`; checklists are the messenger's Tasks). The loader's
//! `engage(export, …)` calls it in order, importing it on the first call, when
//! - a boot's `eligible` answer (the boot asks for it: one round trip) holds anything, or the
//!   answer after a navigation or `update()` does;
//! - the workspace tracks clicks without code (`settings.messenger.trackedClicks`);
//! - the page calls a command it owns (`contract::ENGAGE_COMMANDS`).
//!
//! The module gets the same host object as the messenger (`init`), then every answer
//! (`eligible`) and the page's commands (`command`). Before it is here, the loader follows
//! navigation (the Navigation API's `currententrychange`, `popstate`, `hashchange`) and calls
//! `update`: if the workspace has active content at all (the answer's `active`), the module
//! starts and asks the edge about the new page; once here, it follows every navigation itself
//! (pushState included). A workspace without content never loads it.

use crate::js::{self, get};
use crate::session;
use js_sys::{Array, Function, Object};
use porchlight_widget_common::contract::{EngageExport, ENGAGE_COMMANDS};
use porchlight_widget_common::key;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The workspace the module was started for.
    static STARTED: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The workspace has active content (some page may show something).
    static ACTIVE: RefCell<bool> = const { RefCell::new(false) };
    /// What the dispatcher handed in at start.
    static LOADER: RefCell<Loader> = const { RefCell::new(Loader { engage: None, load: None, nonce: None }) };
}

/// The loader's functions and the page's nonce.
struct Loader {
    /// The loader's `engage(export, a, b, c)`: calls the module, loading it first.
    engage: Option<Function>,
    /// The loader's `load(name)`: the module loads the tour and survey modules with it.
    load: Option<Function>,
    nonce: Option<String>,
}

/// Start-up: the loader's `engage` and `load`, and the nonce, handed in by the dispatcher.
pub(crate) fn init(engage: Option<Function>, load: Option<Function>, nonce: Option<String>) {
    let _ = LOADER.try_with(|l| {
        l.try_borrow_mut().map(|mut l| {
            *l = Loader {
                engage,
                load,
                nonce,
            }
        })
    });
}

fn loader<R>(f: impl FnOnce(&Loader) -> R) -> Option<R> {
    LOADER
        .try_with(|l| l.try_borrow().ok().map(|l| f(&l)))
        .ok()
        .flatten()
}

fn started(ws: &str) -> bool {
    STARTED
        .try_with(|s| s.borrow().as_deref() == Some(ws))
        .unwrap_or(false)
}

/// True for a command the engagement module carries out.
pub(crate) fn owns(cmd: &str) -> bool {
    ENGAGE_COMMANDS.contains(&cmd)
}

/// `{url, bs}`: what a boot asks eligible content for. `bs` is the browsing session as this
/// browser last left it (`id.lastActive`: the edge decides whether it still goes on).
pub(crate) fn ask(ws: &str) -> JsValue {
    let o = Object::new();
    if let Some(href) = web_sys::window().and_then(|w| w.location().href().ok()) {
        js::set(&o, "url", &JsValue::from_str(session::clip(&href, 2048)));
    }
    if let Some(b) =
        porchlight_widget_common::storage().and_then(|s| s.get_item(&key(ws, ":bs")).ok().flatten())
    {
        js::set(&o, "bs", &JsValue::from_str(&b));
    }
    if let Some(t) = crate::preview::token(ws) {
        js::set(&o, "preview", &JsValue::from_str(&t));
    }
    o.into()
}

fn call(op: EngageExport, a: &JsValue, b: &JsValue, c: &JsValue) {
    if let Some(f) = loader(|l| l.engage.clone()).flatten() {
        let args = Array::of4(&JsValue::from_str(op.name()), a, b, c);
        let _ = f.apply(&JsValue::UNDEFINED, &args);
    }
}

/// Starts the module for `ws`, once per workspace.
fn start(ws: &str) {
    if started(ws) {
        return;
    }
    let _ = STARTED.try_with(|s| *s.borrow_mut() = Some(ws.into()));
    let config = Object::new();
    if let Some((nonce, load)) = loader(|l| (l.nonce.clone(), l.load.clone())) {
        js::set(
            &config,
            "settings",
            &get(&crate::mounted_settings(), "messenger"),
        );
        if let Some(n) = nonce {
            js::set(&config, "nonce", &JsValue::from_str(&n));
        }
        // The loader's `load(name)`: the engagement module loads the tour and survey modules
        // with it.
        if let Some(l) = load {
            js::set(&config, "load", &l);
        }
    }
    // Clicks while the module downloads: it replays them once it has an answer, so a tracked
    // click made meanwhile is an event like any other (it sets `done` when it listens itself).
    let early = Array::new();
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        let a = early.clone();
        let f = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if a.length() < 20 && !get(&a, "done").is_truthy() {
                if let Some(t) = e.target() {
                    a.push(&t);
                }
            }
        });
        let _ =
            d.add_event_listener_with_callback_and_bool("click", f.as_ref().unchecked_ref(), true);
        f.forget();
    }
    js::set(&config, "clicks", &early);
    call(
        EngageExport::Init,
        &crate::chat::host().into(),
        &JsValue::from_str(ws),
        &config.into(),
    );
}

/// An eligible answer for `ws` (a boot's, or one asked after a navigation): handed over if the
/// module runs already or there is something for it to do.
pub(crate) fn answered(ws: &str, answer: &JsValue, settings: &session::Settings) {
    // The loader asked without the tab's preview (it knows nothing of previews; on the link's
    // own page its URL carried it): this answer is not what the page shows — the previewed
    // item would lose its place to the site's own — the module asks again with it.
    let unasked = ["preview", "previewError"]
        .iter()
        .all(|k| get(answer, k).is_undefined());
    if unasked && answer.is_object() && crate::preview::token(ws).is_some() {
        return command("update", Array::new());
    }
    let _ = ACTIVE.try_with(|a| *a.borrow_mut() = get(answer, "active").is_truthy());
    let some = |v: &JsValue, k: &str| get(v, k).dyn_into::<Array>().is_ok_and(|a| a.length() > 0);
    let wanted = started(ws)
        || settings.tracks_clicks
        || ["outbound", "tooltips", "tours", "surveys", "checklists"]
            .iter()
            .any(|k| some(answer, k));
    if wanted && answer.is_object() {
        start(ws);
        call(
            EngageExport::Eligible,
            answer,
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        );
    }
}

/// The page's `name(a, b)`.
pub(crate) fn command(name: &str, args: Array) {
    let Some(ws) = session::ws() else {
        return js::warn("a command before boot", &JsValue::from_str(name));
    };
    start(&ws);
    call(
        EngageExport::Command,
        &JsValue::from_str(name),
        &args.into(),
        &JsValue::UNDEFINED,
    );
}

/// `update()`, or a navigation the loader saw: the module asks the edge again. It is started
/// for it only if the workspace has active content at all (the last answer's `active`).
pub(crate) fn update(ws: &str) {
    if started(ws) || ACTIVE.try_with(|a| *a.borrow()).unwrap_or(false) {
        command("update", Array::new());
    }
}

/// Shutdown: what shows goes and the module's queues are cleared.
pub(crate) fn stop() {
    if STARTED
        .try_with(|s| s.borrow_mut().take())
        .ok()
        .flatten()
        .is_some()
    {
        call(
            EngageExport::Stop,
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        );
    }
}
