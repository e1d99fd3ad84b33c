//! The core's side of live chat. The conversation itself (outbox, socket, rendering, pre-chat,
//! rating) is the *messenger*, a second WASM module (`widget/messenger`:
//! `porchlight-messenger.js` + `_bg.wasm`) that most visitors never download. The loader's
//! `load("messenger")` imports it, from the directory the loader came from, when:
//! - the visitor opens the panel (also `show`, `showMessages`, `showNewMessage`);
//! - the visitor has a conversation, so replies reach the badge and `message` /
//!   `unreadCountChange` fire while the panel is closed. This browser knows it from
//!   `porchlight:<ws>:chat` (set once a conversation exists) or a non-empty outbox
//!   `porchlight:<ws>:outbox` (unsent messages go out after a reload, without an open panel);
//!   otherwise `GET /v1/conversations` after boot tells (a conversation from another device);
//! - it is already loaded and another workspace boots, or a sign-in changes the visitor.
//!
//! The two modules share no memory; what they call each other is one typed definition,
//! `porchlight_widget_common::contract`. The core hands the messenger a *host* object — `call`
//! (every authed request goes through [`session::call_authed`], so token refresh and re-boot
//! stay here; the socket's ticket comes that way too, so the token never leaves the core; a
//! question of what to show gets the tab's preview token, `crate::preview`),
//! `emit` (page events and the badge), `api`, `visitor` — and calls the messenger's exports `configure` (office hours, pre-chat,
//! rating), `mount`, `start`,
//! `restart`, `stop`, `seen`, `submit`, `space` (one of the panel's spaces: `showMessages`,
//! `showArticle`, `startChecklist`). Calls made before it has loaded wait here and are
//! applied in order once it has; a failed load keeps them, warns once, says so in the panel,
//! and is tried again on the next open or send (or when the browser comes back online), while
//! the launcher keeps working.

use crate::js::{self, get, get_f64};
use crate::{fire, session, Ev};
use js_sys::{Array, Function, Object, Promise};
use porchlight_widget_common::contract::{Emit, Export, Host};
use porchlight_widget_common::{chat_key, outbox_key, storage};
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A call of one of the messenger's exports, with up to two arguments.
type Op = (Export, JsValue, JsValue);

#[derive(Default)]
enum Load {
    #[default]
    Idle,
    Loading,
    Ready(JsValue),
    Failed,
}

#[derive(Default)]
struct M {
    load: Load,
    /// Calls waiting for the module, oldest first.
    ops: VecDeque<Op>,
    /// The workspace the messenger was started for.
    started: Option<String>,
    /// Failed loads so far (a retry asks for a fresh copy).
    attempts: u32,
    /// The host object, made once.
    host: Option<Object>,
    /// The loader's `load(name, attempt)`, handed in at start.
    loader: Option<Function>,
    /// The API base URL, handed in at start (the messenger's `api`).
    api: String,
}

thread_local! {
    static M: RefCell<M> = RefCell::new(M::default());
}

fn m<R>(f: impl FnOnce(&mut M) -> R) -> Option<R> {
    M.try_with(|c| c.try_borrow_mut().ok().map(|mut s| f(&mut s)))
        .ok()
        .flatten()
}

const U: JsValue = JsValue::UNDEFINED;

/// Start-up: the loader's `load` and the API base, handed in by the dispatcher.
pub(crate) fn init(loader: Option<Function>, api: String) {
    m(|s| {
        s.loader = loader;
        s.api = api;
    });
}

/// True when this browser already knows the visitor chats in `ws`.
pub(crate) fn has_hint(ws: &str) -> bool {
    storage().is_some_and(|s| {
        [chat_key(ws), outbox_key(ws)]
            .iter()
            .any(|k| s.get_item(k).ok().flatten().is_some())
    })
}

/// Starts downloading the messenger (a hint at start-up, so it arrives while boot runs; or the
/// pointer or focus on the launcher).
pub(crate) fn prefetch() {
    load();
}

/// Calls `op` now if the messenger is there, else queues it and makes sure it is coming.
fn push(op: Op) {
    let ready = m(|s| {
        s.ops.push_back(op);
        match &s.load {
            Load::Ready(x) => Some(x.clone()),
            _ => None,
        }
    })
    .flatten();
    match ready {
        Some(x) => drain(&x),
        None => load(),
    }
}

fn drain(x: &JsValue) {
    while let Some((name, a, b)) = m(|s| s.ops.pop_front()).flatten() {
        let r = get(x, name.name())
            .dyn_into::<Function>()
            .and_then(|f| f.call2(&U, &a, &b));
        if let Err(e) = r {
            js::warn("the messenger failed", &e);
        }
    }
}

fn load() {
    let Some(attempt) = m(|s| match s.load {
        Load::Idle | Load::Failed => {
            s.load = Load::Loading;
            Some(s.attempts)
        }
        _ => None,
    })
    .flatten() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let status = |text: &str| {
            if let Some(ui) = crate::ui() {
                ui.chat().status.set_text_content(Some(text));
            }
        };
        match fetch(attempt).await {
            Ok(x) => {
                m(|s| s.load = Load::Ready(x.clone()));
                status("");
                drain(&x);
            }
            Err(e) => {
                m(|s| {
                    s.load = Load::Failed;
                    s.attempts += 1;
                });
                if attempt == 0 {
                    js::warn("could not load the messenger", &e);
                    // Back online: try again by itself (a send made meanwhile then goes out).
                    if let Some(w) = web_sys::window() {
                        let again = Closure::<dyn FnMut()>::new(|| {
                            if m(|s| matches!(s.load, Load::Failed)).unwrap_or(false) {
                                load();
                            }
                        });
                        let _ = w.add_event_listener_with_callback(
                            "online",
                            again.as_ref().unchecked_ref(),
                        );
                        again.forget();
                    }
                }
                use porchlight_widget_common::catalog::{t, Msg};
                status(t(Msg::MessengerFailed));
            }
        }
    });
}

/// The loader's `load("messenger", attempt)`, then the module's `init(host)`.
async fn fetch(attempt: u32) -> Result<JsValue, JsValue> {
    let f = m(|s| s.loader.clone())
        .flatten()
        .ok_or_else(|| JsValue::from_str("no loader"))?;
    let p = f.call2(&U, &JsValue::from_str("messenger"), &attempt.into())?;
    let x = JsFuture::from(Promise::resolve(&p)).await?;
    get(&x, Export::Init.name())
        .dyn_into::<Function>()?
        .call1(&U, &host())?;
    Ok(x)
}

/// What the messenger may ask of the core.
pub(crate) fn host() -> Object {
    if let Some(h) = m(|s| s.host.clone()).flatten() {
        return h;
    }
    let h = Object::new();
    let call = Closure::<dyn Fn(String, String, JsValue, JsValue) -> Promise>::new(
        |method: String, path: String, body: JsValue, signal: JsValue| {
            wasm_bindgen_futures::future_to_promise(async move {
                let body = Some(&body).filter(|b| !b.is_undefined());
                let path = crate::preview::decorate(path);
                session::call_authed(&method, &path, body, signal.dyn_ref())
                    .await
                    .map_err(|e| e.to_js())
            })
        },
    );
    let emit = Closure::<dyn Fn(String, JsValue)>::new(|name: String, v: JsValue| {
        let badge = |n: &JsValue| {
            if let Some(ui) = crate::ui() {
                ui.set_unread(n.as_f64().unwrap_or(0.0) as u32);
            }
        };
        match Emit::from_name(&name) {
            Some(Emit::Badge) => badge(&v),
            Some(Emit::UnreadCountChange) => {
                badge(&v);
                fire(Ev::UnreadCountChange, &v);
            }
            Some(Emit::OpenMessenger) => crate::enqueue(crate::Cmd::Show),
            // The others are the page's events of the same name.
            _ => {
                if let Some(e) = Ev::named(&name) {
                    fire(e, &v);
                }
            }
        }
    });
    js::set(&h, Host::Call.name(), &call.into_js_value());
    js::set(&h, Host::Emit.name(), &emit.into_js_value());
    if let Some(api) = m(|s| s.api.clone()) {
        js::set(&h, Host::Api.name(), &JsValue::from_str(&api));
    }
    js::set(&h, Host::Visitor.name(), &session::visitor());
    m(|s| s.host = Some(h.clone()));
    h
}

/// The visitor changed (boot, identify): the messenger reads it from the host.
pub(crate) fn visitor(v: &JsValue) {
    if let Some(h) = m(|s| s.host.clone()).flatten() {
        js::set(&h, Host::Visitor.name(), v);
    }
}

/// Hands the messenger the workspace's settings, the panel and the workspace, once per boot.
fn ensure(ws: &str) {
    let settings = crate::mounted_settings();
    let fresh = m(|s| {
        let fresh = s.started.as_deref() != Some(ws);
        s.started = Some(ws.into());
        fresh
    })
    .unwrap_or(false);
    if !fresh {
        return;
    }
    push((Export::Configure, settings, U));
    mount(U);
    push((Export::Start, JsValue::from_str(ws), U));
}

/// The messenger's `mount(panel, again)` with the core's panel.
fn mount(again: JsValue) {
    if let Some(ui) = crate::ui() {
        push((Export::Mount, ui.panel().into(), again));
    }
}

/// The core drew its panel again (a boot in another locale): the messenger, if it runs, moves
/// into the new one and draws its spaces there, `again` (where the visitor was).
pub(crate) fn remounted() {
    if m(|s| s.started.is_some()).unwrap_or(false) {
        mount(JsValue::TRUE);
    }
}

/// After a boot: start the messenger if the visitor chats here (or it is already running).
pub(crate) async fn after_boot(ws: String) {
    let other = m(|s| s.started.is_some()).unwrap_or(false);
    if other || has_hint(&ws) {
        return ensure(&ws);
    }
    let Ok(r) = session::call_authed("GET", "/v1/conversations", None, None).await else {
        return;
    };
    let any = get(&r, "conversations")
        .dyn_into::<Array>()
        .is_ok_and(|a| a.length() > 0)
        || get_f64(&r, "unread").unwrap_or(0.0) > 0.0;
    if any && session::ws().as_deref() == Some(ws.as_str()) {
        if let Some(s) = storage() {
            let _ = s.set_item(&chat_key(&ws), "1");
        }
        ensure(&ws);
    }
}

/// A sign-in merged the visitor into another: their conversations, their socket.
pub(crate) async fn visitor_changed(ws: String) {
    if m(|s| s.started.as_deref() == Some(ws.as_str())).unwrap_or(false) {
        push((Export::Restart, JsValue::from_str(&ws), U));
    } else {
        after_boot(ws).await;
    }
}

/// The panel opened: the messenger is needed now, and what it shows is read.
pub(crate) fn opened() {
    if let Some(ws) = session::ws() {
        ensure(&ws);
    }
    push((Export::Seen, U, U));
}

/// The visitor pressed Enter or Send: the messenger reads the composer (once it is there).
pub(crate) fn submit() {
    if let Some(ws) = session::ws() {
        ensure(&ws);
    }
    push((Export::Submit, U, U));
}

/// `showNewMessage(text)`: opens the panel on Messages with the composer prefilled.
pub(crate) fn compose(text: &str) {
    if let Some(ui) = crate::ui() {
        ui.open();
        let input = &ui.chat().input;
        input.set_value(text);
        space("messages", U);
        let _ = input.focus();
    }
}

/// Shows one of the messenger's spaces (the panel is open): `messages`, `article` + id,
/// `checklist` + id.
pub(crate) fn space(name: &str, arg: JsValue) {
    if let Some(ws) = session::ws() {
        ensure(&ws);
    }
    push((Export::Space, JsValue::from_str(name), arg));
}

/// Shutdown: the socket closes, the outbox and the hint go. Nothing waits for a messenger that
/// has not arrived.
pub(crate) fn stop(ws: &str) {
    let ready = m(|s| {
        s.started = None;
        s.ops.clear();
        matches!(s.load, Load::Ready(_))
    })
    .unwrap_or(false);
    if ready {
        push((Export::Stop, JsValue::from_str(ws), U));
    }
    if let Some(s) = storage() {
        let _ = s.remove_item(&outbox_key(ws));
        let _ = s.remove_item(&chat_key(ws));
    }
}
