//! The live socket: events in, heartbeat and typing out, reconnect with catch-up.

use crate::host::call;
use crate::outbox::flush;
use crate::view::{add_message, set_conversation, set_status, set_status_default};
use crate::{chat, seen, set_unread, visible};
use js_sys::{Array, JSON};
use porchlight_shared::vocab::{AuthorSide, HubRole};
use porchlight_widget_common::catalog::{fill, t, Msg};
use porchlight_widget_common::js::{get, get_f64, get_str, num};
use porchlight_widget_common::{backoff_ms, sleep};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, WebSocket};

pub(super) fn on_event(e: JsValue) {
    let ty = get_str(&e, "type").unwrap_or_default();
    let mine = chat(|c| c.conversation.clone()).flatten();
    match ty.as_str() {
        "message" => {
            let m = get(&e, "message");
            let conv = get_str(&e, "conversationId");
            let agent =
                get_str(&get(&m, "author"), "type").as_deref() == Some(AuthorSide::Agent.as_str());
            let here = match (&mine, &conv) {
                (Some(mine), Some(conv)) => mine == conv,
                // A conversation another tab has just started (its first message) becomes this
                // tab's too; a reply in an older one does not undo "New conversation".
                (None, Some(id)) if !agent && get_f64(&m, "seq") == Some(1.0) => {
                    chat(|c| c.conversation = Some(id.clone()));
                    true
                }
                _ => false,
            };
            if here {
                add_message(&m);
                if agent {
                    set_status_default();
                }
            }
            // A reply in any of the visitor's conversations counts on the badge.
            if agent {
                let unread = chat(|c| c.unread).unwrap_or(0);
                set_unread(unread + 1);
                if here {
                    seen();
                }
            }
        }
        "conversation" => {
            let c = get(&e, "conversation");
            if mine.is_some() && get_str(&c, "id") == mine {
                set_conversation(&c);
            }
        }
        // The team moved one of the visitor's tickets.
        "ticket" => crate::tickets::on_update(&e),
        // The edge stored the visitor's events or attributes: checklists may have ticked.
        "checklists" => crate::tasks::changed(),
        "read" if get_str(&e, "by").as_deref() == Some(AuthorSide::Visitor.as_str()) => {
            set_unread(0)
        }
        "typing" if get_str(&e, "from").as_deref() == Some(HubRole::Agent.as_str()) => {
            let line = match get_str(&e, "name") {
                Some(name) => fill(Msg::Typing, &[("name", &name)]),
                None => t(Msg::TypingSomeone).into(),
            };
            set_status(&line);
        }
        _ => {}
    }
}

/// Tries again after a backoff, unless a newer start (or a shutdown) took over. (With one
/// socket per browser this tab may be the one all the others rely on: it must not give up.)
fn reconnect_later(generation: u32) {
    let n = chat(|c| {
        c.socket = None;
        c.reconnects += 1;
        c.reconnects
    })
    .unwrap_or(1);
    wasm_bindgen_futures::spawn_local(async move {
        sleep(backoff_ms(n)).await;
        let current = chat(|c| c.generation == generation).unwrap_or(false);
        if current && chat(|c| c.socket.is_none()).unwrap_or(false) {
            connect();
        }
    });
}

/// Opens the socket with a ticket: the session token never goes in a URL. The ticket comes
/// through the core's authed call, which refreshes or re-boots a dead session first, so a
/// failed connect heals by itself on the next try.
pub(super) fn connect() {
    if chat(|c| c.ws.is_empty()).unwrap_or(true) {
        return;
    }
    let generation = chat(|c| c.generation).unwrap_or(0);
    wasm_bindgen_futures::spawn_local(async move {
        let ticket = call("POST", "/v1/live/ticket", None)
            .await
            .ok()
            .and_then(|r| get_str(&r, "ticket"));
        // A stop, or a newer start, while the ticket was on its way: this one is over.
        if chat(|c| c.generation != generation).unwrap_or(true) {
            return;
        }
        match ticket {
            Some(t) => open(generation, &t),
            None => reconnect_later(generation),
        }
    });
}

fn open(generation: u32, ticket: &str) {
    let api = super::host::api();
    let base = if api.is_empty() {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default()
    } else {
        api
    };
    let mut url = String::from("ws");
    url.push_str(base.strip_prefix("http").unwrap_or(&base));
    url.push_str("/v1/live?ticket=");
    url.push_str(ticket);
    let Ok(sock) = WebSocket::new(&url) else {
        return reconnect_later(generation);
    };
    let on_message = Closure::<dyn FnMut(JsValue)>::new(|ev: JsValue| {
        let data = ev.unchecked_into::<MessageEvent>().data();
        if let Some(text) = data.as_string() {
            if let Ok(e) = JSON::parse(&text) {
                on_event(e);
                // The other tabs of this browser get it through this tab's socket.
                super::relay::relay(&text);
            }
        }
    });
    let on_open = Closure::<dyn FnMut(JsValue)>::new(|_| {
        chat(|c| c.reconnects = 0);
        super::relay::opened();
        heartbeat();
        wasm_bindgen_futures::spawn_local(catch_up());
        wasm_bindgen_futures::spawn_local(flush());
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        // A newer connection (or a shutdown) replaced this one: nothing to do.
        if chat(|c| c.generation).unwrap_or(u32::MAX) != generation {
            return;
        }
        reconnect_later(generation);
    });
    sock.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    sock.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    sock.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    chat(|c| {
        c.socket = Some(sock);
        c.keep.extend([on_message, on_open, on_close]);
        // Closures of sockets long closed are not needed; keep the list short.
        c.keep.reverse();
        c.keep.truncate(30);
        c.keep.reverse();
    });
}

pub(super) fn heartbeat() {
    // A tab without the socket tells the one that has it when it is in sight.
    if super::relay::follower_beat(visible()) {
        return;
    }
    let state = if visible() || super::relay::seen_elsewhere() {
        "active"
    } else {
        "away"
    };
    if let Some(s) = chat(|c| c.socket.clone()).flatten() {
        if s.ready_state() == WebSocket::OPEN {
            let mut f = String::from(r#"{"type":"hb","state":""#);
            f.push_str(state);
            f.push_str(r#""}"#);
            let _ = s.send_with_str(&f);
        }
    }
}

/// Loads what was missed (or everything, the first time).
pub(super) async fn catch_up() {
    let Some(id) = chat(|c| c.conversation.clone()).flatten() else {
        return;
    };
    let after = chat(|c| c.last_seq).unwrap_or(0.0);
    let mut path = String::from("/v1/conversations/");
    path.push_str(&id);
    path.push_str("/messages?limit=200&after=");
    path.push_str(&num(after));
    if let Ok(r) = call("GET", &path, None).await {
        let list = get(&r, "messages");
        if Array::is_array(&list) {
            for m in list.unchecked_into::<Array>().iter() {
                add_message(&m);
            }
        }
        set_conversation(&get(&r, "conversation"));
    }
}
