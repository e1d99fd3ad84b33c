//! The outbox: sends queued in localStorage (they survive a reload), sent in order, once.

use crate::chat;
use crate::host::call;
use crate::view::{
    add_message, mark_failed, set_conversation, set_status, set_status_default, show_pending,
};
use js_sys::{Array, Date, Object, JSON};
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{get, get_str, set};
use porchlight_widget_common::{backoff_ms, sleep};
use wasm_bindgen::prelude::*;

pub(super) use porchlight_widget_common::{outbox_key, storage};

/// The queued sends: `[{c: clientId, b: body, t: target, at, p?: pre-chat}]`, oldest first.
/// The target is the conversation the message was written in, or `new:<clientId>` for one it
/// starts (messages written before that start has gone out join it): whichever tab sends an
/// item (tabs share the outbox), it goes where it was written, once.
pub(super) fn outbox(ws: &str) -> Array {
    storage()
        .and_then(|s| s.get_item(&outbox_key(ws)).ok().flatten())
        .and_then(|t| JSON::parse(&t).ok())
        .filter(Array::is_array)
        .map(|v| v.unchecked_into())
        .unwrap_or_default()
}

pub(super) fn save_outbox(ws: &str, list: &Array) {
    if let (Some(s), Ok(t)) = (storage(), JSON::stringify(list)) {
        let _ = match t.as_string() {
            Some(t) if list.length() > 0 => s.set_item(&outbox_key(ws), &t),
            _ => s.remove_item(&outbox_key(ws)),
        };
    }
}

pub(super) fn client_id() -> String {
    porchlight_widget_common::client_id()
}

/// Queues a message and starts sending; false (and nothing queued) while the pre-chat form is
/// incomplete.
pub(super) fn queue_send(body: String) -> bool {
    let Some(ws) = chat(|c| c.ws.clone()) else {
        return false;
    };
    let pre = match super::prechat::answers() {
        Ok(p) => p,
        Err(why) => {
            set_status(why);
            return false;
        }
    };
    let item = Object::new();
    if let Some(p) = pre {
        set(&item, "p", &p);
    }
    let id = client_id();
    let list = outbox(&ws);
    let target = chat(|c| c.conversation.clone())
        .flatten()
        .unwrap_or_else(|| {
            list.iter()
                .find_map(|i| get_str(&i, "t").filter(|t| t.starts_with("new:")))
                .unwrap_or_else(|| {
                    let mut t = String::from("new:");
                    t.push_str(&id);
                    t
                })
        });
    set(&item, "c", &JsValue::from_str(&id));
    set(&item, "b", &JsValue::from_str(&body));
    set(&item, "t", &JsValue::from_str(&target));
    set(&item, "at", &JsValue::from_f64(Date::now()));
    list.push(&item);
    save_outbox(&ws, &list);
    show_pending(&id, &body);
    wasm_bindgen_futures::spawn_local(flush());
    true
}

/// Sends the outbox in order until it is empty or the network fails.
pub(super) async fn flush() {
    if chat(|c| std::mem::replace(&mut c.flushing, true)).unwrap_or(true) {
        return;
    }
    let mut attempt = 0u32;
    let mut sent = false;
    while let Some(ws) = chat(|c| c.ws.clone()) {
        let list = outbox(&ws);
        let Some(item) = list.get(0).dyn_into::<Object>().ok() else {
            break;
        };
        sent = true;
        let (cid, body) = (
            get_str(&item, "c").unwrap_or_default(),
            get_str(&item, "b").unwrap_or_default(),
        );
        let msg = Object::new();
        set(&msg, "clientId", &JsValue::from_str(&cid));
        set(&msg, "body", &JsValue::from_str(&body));
        let mine = chat(|c| c.conversation.clone()).flatten();
        // Items queued before targets existed go to the conversation shown.
        let target = get_str(&item, "t");
        let conv = match &target {
            Some(t) if t.starts_with("new:") => None,
            Some(t) => Some(t.clone()),
            None => mine.clone(),
        };
        let result = match &conv {
            Some(id) => {
                let mut path = String::from("/v1/conversations/");
                path.push_str(id);
                path.push_str("/messages");
                call("POST", &path, Some(&msg)).await
            }
            None => {
                // The first message starts the conversation, with the pre-chat answers.
                let p = get(&item, "p");
                let start: Object = if p.is_object() {
                    p.unchecked_into()
                } else {
                    Object::new()
                };
                set(&start, "message", &msg);
                call("POST", "/v1/conversations", Some(&start)).await
            }
        };
        match result {
            Ok(r) => {
                attempt = 0;
                drop_from_outbox(&ws, &cid);
                let m = get(&r, "message");
                if conv.is_none() {
                    let c = get(&r, "conversation");
                    if let (Some(t), Some(id)) = (&target, get_str(&c, "id")) {
                        retarget(&ws, t, &id);
                    }
                    // This tab adopts it unless it shows another conversation by now.
                    if chat(|ch| ch.conversation.is_none()).unwrap_or(false) {
                        set_conversation(&c);
                    }
                }
                let shown = chat(|c| c.conversation.clone()).flatten();
                if m.is_object() && shown.is_some() && get_str(&m, "conversationId") == shown {
                    add_message(&m);
                }
            }
            Err(e) if e.retryable() || e.is_auth() || e.status == 429 => {
                set_status(if e.status == 0 {
                    t(Msg::Offline)
                } else {
                    t(Msg::Sending)
                });
                attempt += 1;
                sleep(backoff_ms(attempt)).await;
            }
            Err(_) => {
                // Refused for good (too long, malformed): it would fail forever; drop it.
                drop_from_outbox(&ws, &cid);
                mark_failed(&cid);
            }
        }
    }
    chat(|c| c.flushing = false);
    // Only a status of ours ("Sending…", "Offline…") is reset: with nothing to send, a pre-chat
    // hint the visitor has yet to act on stays.
    if sent {
        set_status_default();
    }
}

/// The conversation `new:…` stands for exists now: the messages queued for it go there.
fn retarget(ws: &str, from: &str, id: &str) {
    let list = outbox(ws);
    for i in list.iter() {
        if get_str(&i, "t").as_deref() == Some(from) {
            set(i.unchecked_ref(), "t", &JsValue::from_str(id));
        }
    }
    save_outbox(ws, &list);
}

pub(super) fn drop_from_outbox(ws: &str, cid: &str) {
    let list = outbox(ws);
    let kept: Array = list
        .iter()
        .filter(|i| get_str(i, "c").as_deref() != Some(cid))
        .collect();
    save_outbox(ws, &kept);
}
