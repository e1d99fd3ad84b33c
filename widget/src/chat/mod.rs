//! Live chat in the messenger: the conversation view, the composer, and the rules that keep a
//! message from being lost or doubled.
//!
//! - Every send goes into an **outbox** in `localStorage` first (it survives a reload), with a
//!   `clientId` made here; the outbox is sent in order, one message at a time, and a message
//!   leaves it only once the edge has stored it. Network and server errors are retried with
//!   backoff (and at once when the browser comes back online or the socket reconnects); the
//!   edge stores each `clientId` once, so a retry — or two tabs sending the same outbox — never
//!   doubles a message.
//! - One **WebSocket** per tab (`/v1/live`) brings messages, typing, read receipts and state
//!   changes; every tab of the visitor gets them, so tabs stay in sync. On reconnect the view
//!   catches up from the last seen `seq`.
//! - Text is rendered from `shared::chat::spans` as text nodes; links only http(s) / mailto,
//!   with `rel="noopener noreferrer"`.

use std::cell::RefCell;

use js_sys::{Array, Date, Object, JSON};
use porchlight_shared::chat::{spans, Span};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, MessageEvent, WebSocket};

use crate::js::{get, get_f64, get_str, num, set};
use crate::ui::{add, attrs, Ui};
use crate::{fire, net, session, with, Ev};

#[derive(Default)]
struct Chat {
    ws: String,
    conversation: Option<String>,
    status: String,
    rated: bool,
    /// Messages shown, in order (stored ones by seq, then pending ones).
    messages: Vec<JsValue>,
    last_seq: f64,
    unread: u32,
    socket: Option<WebSocket>,
    reconnects: u32,
    flushing: bool,
    /// Closures of the socket and timers, alive as long as the chat.
    keep: Vec<Closure<dyn FnMut(JsValue)>>,
    generation: u32,
    /// The heartbeat interval.
    beat: Option<i32>,
    /// The panel the listeners were added to (a new mount needs them again).
    wired: Option<HtmlElement>,
}

thread_local! {
    static CHAT: RefCell<Chat> = RefCell::new(Chat::default());
}

fn chat<R>(f: impl FnOnce(&mut Chat) -> R) -> Option<R> {
    CHAT.try_with(|c| c.try_borrow_mut().ok().map(|mut c| f(&mut c)))
        .ok()
        .flatten()
}

fn ui() -> Option<Ui> {
    with(|rt| rt.ui.clone()).flatten()
}

mod hours;
mod list;
mod live;
mod outbox;
mod prechat;
mod view;

pub use hours::open_now;
pub(crate) use hours::show_availability;
use live::*;
use outbox::*;
pub(crate) use prechat::configure;
use view::*;

// --- Unread -------------------------------------------------------------------------------------

fn set_unread(n: u32) {
    let changed = chat(|c| std::mem::replace(&mut c.unread, n) != n).unwrap_or(false);
    if let Some(ui) = ui() {
        ui.set_unread(n);
    }
    if changed {
        fire(Ev::UnreadCountChange, &JsValue::from(n));
    }
}

fn visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| get_str(&d, "visibilityState").as_deref() != Some("hidden"))
        .unwrap_or(true)
}

/// The panel is open and seen: everything is read.
pub(crate) fn seen() {
    let open = ui().is_some_and(|u| u.is_open());
    if !open || !visible() {
        return;
    }
    let (id, unread) = chat(|c| (c.conversation.clone(), c.unread)).unwrap_or_default();
    set_unread(0);
    if let (Some(id), true) = (id, unread > 0) {
        wasm_bindgen_futures::spawn_local(async move {
            let mut path = String::from("/v1/conversations/");
            path.push_str(&id);
            path.push_str("/read");
            let _ = session::call_authed("POST", &path, Some(&Object::new().into())).await;
        });
    }
}

// --- Start --------------------------------------------------------------------------------------

/// After a boot: load the visitor's latest conversation, connect, send what is queued.
pub(crate) async fn start(ws: &str) {
    let fresh = chat(|c| {
        if c.ws == ws && c.socket.is_some() {
            return false;
        }
        if let Some(old) = c.socket.take() {
            old.set_onclose(None);
            old.set_onmessage(None);
            let _ = old.close();
        }
        *c = Chat {
            ws: ws.to_string(),
            generation: c.generation + 1,
            beat: c.beat,
            wired: c.wired.take(),
            ..Chat::default()
        };
        true
    })
    .unwrap_or(false);
    if !fresh {
        return;
    }
    wire_ui();
    if let Ok(r) = session::call_authed("GET", "/v1/conversations", None).await {
        let list = get(&r, "conversations");
        let latest = if Array::is_array(&list) {
            list.unchecked_into::<Array>().get(0)
        } else {
            JsValue::UNDEFINED
        };
        if latest.is_object() {
            set_conversation(&latest);
            catch_up().await;
        }
        set_unread(get_f64(&r, "unread").unwrap_or(0.0) as u32);
    }
    // What was queued before a reload is shown as pending again, then sent.
    let queued = outbox(ws);
    for item in queued.iter() {
        if let (Some(cid), Some(body)) = (get_str(&item, "c"), get_str(&item, "b")) {
            show_pending(&cid, &body);
        }
    }
    render();
    connect();
    wasm_bindgen_futures::spawn_local(flush());
}

/// Starts over for the same workspace (the visitor changed): a new socket, the visitor's own
/// conversations. The outbox stays and is sent as the new visitor.
pub(crate) async fn restart(ws: &str) {
    if let Some(s) = chat(|c| c.socket.take()).flatten() {
        s.set_onclose(None);
        s.set_onmessage(None);
        let _ = s.close();
    }
    start(ws).await;
}

/// Forgets the chat (shutdown): the socket closes, the outbox goes.
pub(crate) fn stop(ws: &str) {
    if let Some((s, beat)) = chat(|c| {
        c.generation += 1;
        c.wired = None;
        (c.socket.take(), c.beat.take())
    }) {
        if let Some(s) = s {
            s.set_onclose(None);
            s.set_onmessage(None);
            let _ = s.close();
        }
        if let (Some(b), Some(w)) = (beat, web_sys::window()) {
            w.clear_interval_with_handle(b);
        }
    }
    if let Some(s) = storage() {
        let _ = s.remove_item(&outbox_key(ws));
    }
}

/// Prefills the composer (`showNewMessage(text)`) and opens the panel.
pub(crate) fn compose(text: &str) {
    if let Some(ui) = ui() {
        ui.open();
        let input = &ui.chat().input;
        input.set_value(text);
        let _ = input.focus();
    }
}

fn wire_ui() {
    let Some(ui) = ui() else {
        return;
    };
    let panel = ui.panel().clone();
    if chat(|c| c.wired.as_ref() == Some(&panel)).unwrap_or(true) {
        return;
    }
    chat(|c| c.wired = Some(panel));
    list::mount(&ui);
    let d = ui.chat();
    let input = d.input.clone();
    let submit = move || {
        let text = input.value();
        if !text.trim().is_empty() && queue_send(text) {
            input.set_value("");
        }
    };
    let submit2 = submit.clone();
    ui.on(&d.form, "submit", move |e| {
        e.prevent_default();
        submit();
    });
    ui.on(&d.input, "keydown", move |e| {
        let k: &KeyboardEvent = e.unchecked_ref();
        if k.key() == "Enter" && !k.shift_key() && !k.is_composing() {
            e.prevent_default();
            submit2();
        }
    });
    let typed = std::cell::Cell::new(0.0);
    ui.on(&d.input, "input", move |_| {
        let now = Date::now();
        if now - typed.get() < 2000.0 {
            return;
        }
        typed.set(now);
        if let Some((Some(s), Some(id))) = chat(|c| (c.socket.clone(), c.conversation.clone())) {
            let mut f = String::from(r#"{"type":"typing","conversationId":""#);
            f.push_str(&id);
            f.push_str(r#""}"#);
            let _ = s.send_with_str(&f);
        }
    });
    if let Some(w) = web_sys::window() {
        ui.on(&w, "online", |_| wasm_bindgen_futures::spawn_local(flush()));
        if let Some(doc) = w.document() {
            ui.on(&doc, "visibilitychange", |_| {
                heartbeat();
                seen();
            });
        }
        // Presence heartbeat; `ping` keeps idle proxies from closing the socket.
        if chat(|c| c.beat.is_none()).unwrap_or(false) {
            let beat = Closure::<dyn FnMut()>::new(heartbeat).into_js_value();
            let id = w
                .set_interval_with_callback_and_timeout_and_arguments_0(
                    beat.unchecked_ref(),
                    30_000,
                )
                .ok();
            chat(|c| c.beat = id);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn outbox_keys_are_per_workspace() {
        assert_eq!(super::outbox::outbox_key("demo"), "porchlight:demo:outbox");
    }
}
