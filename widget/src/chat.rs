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

use crate::js::{get, get_f64, get_str, set};
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

// --- The outbox -------------------------------------------------------------------------------

fn outbox_key(ws: &str) -> String {
    let mut k = String::from("porchlight:");
    k.push_str(ws);
    k.push_str(":outbox");
    k
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The queued sends: `[{c: clientId, b: body, at}]`, oldest first.
fn outbox(ws: &str) -> Array {
    storage()
        .and_then(|s| s.get_item(&outbox_key(ws)).ok().flatten())
        .and_then(|t| JSON::parse(&t).ok())
        .filter(Array::is_array)
        .map(|v| v.unchecked_into())
        .unwrap_or_default()
}

fn save_outbox(ws: &str, list: &Array) {
    if let (Some(s), Ok(t)) = (storage(), JSON::stringify(list)) {
        let _ = match t.as_string() {
            Some(t) if list.length() > 0 => s.set_item(&outbox_key(ws), &t),
            _ => s.remove_item(&outbox_key(ws)),
        };
    }
}

/// A number as JavaScript prints it (no float formatting code in the WASM).
pub(crate) fn num(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

fn client_id() -> String {
    let mut b = [0u8; 16];
    let ok = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut b).ok())
        .is_some();
    if !ok {
        // No crypto: time and Math.random still make collisions vanishingly rare.
        let t = Date::now().to_bits().to_le_bytes();
        let r = js_sys::Math::random().to_bits().to_le_bytes();
        b[..8].copy_from_slice(&t);
        b[8..].copy_from_slice(&r);
    }
    session::hex(&b)
}

/// Queues a message and starts sending.
fn queue_send(body: String) {
    let Some(ws) = chat(|c| c.ws.clone()) else {
        return;
    };
    let item = Object::new();
    let id = client_id();
    set(&item, "c", &JsValue::from_str(&id));
    set(&item, "b", &JsValue::from_str(&body));
    set(&item, "at", &JsValue::from_f64(Date::now()));
    let list = outbox(&ws);
    list.push(&item);
    save_outbox(&ws, &list);
    show_pending(&id, &body);
    wasm_bindgen_futures::spawn_local(flush());
}

/// Sends the outbox in order until it is empty or the network fails.
async fn flush() {
    if chat(|c| std::mem::replace(&mut c.flushing, true)).unwrap_or(true) {
        return;
    }
    let mut attempt = 0u32;
    while let Some(ws) = chat(|c| c.ws.clone()) {
        let list = outbox(&ws);
        let Some(item) = list.get(0).dyn_into::<Object>().ok() else {
            break;
        };
        let (cid, body) = (
            get_str(&item, "c").unwrap_or_default(),
            get_str(&item, "b").unwrap_or_default(),
        );
        let msg = Object::new();
        set(&msg, "clientId", &JsValue::from_str(&cid));
        set(&msg, "body", &JsValue::from_str(&body));
        let conv = chat(|c| c.conversation.clone()).flatten();
        let result = match &conv {
            Some(id) => {
                let mut path = String::from("/v1/conversations/");
                path.push_str(id);
                path.push_str("/messages");
                session::call_authed("POST", &path, Some(&msg)).await
            }
            None => {
                let start = Object::new();
                set(&start, "message", &msg);
                session::call_authed("POST", "/v1/conversations", Some(&start)).await
            }
        };
        match result {
            Ok(r) => {
                attempt = 0;
                drop_from_outbox(&ws, &cid);
                if conv.is_none() {
                    let c = get(&r, "conversation");
                    set_conversation(&c);
                }
                let m = get(&r, "message");
                if m.is_object() {
                    add_message(&m);
                }
            }
            Err(e) if e.retryable() || e.is_auth() || e.status == 429 => {
                set_status(if e.status == 0 {
                    "Offline — your message will be sent when you are back online."
                } else {
                    "Sending…"
                });
                attempt += 1;
                net::sleep(session::backoff_ms(attempt)).await;
            }
            Err(_) => {
                // Refused for good (too long, malformed): it would fail forever; drop it.
                drop_from_outbox(&ws, &cid);
                mark_failed(&cid);
            }
        }
    }
    chat(|c| c.flushing = false);
    set_status_default();
}

fn drop_from_outbox(ws: &str, cid: &str) {
    let list = outbox(ws);
    let kept: Array = list
        .iter()
        .filter(|i| get_str(i, "c").as_deref() != Some(cid))
        .collect();
    save_outbox(ws, &kept);
}

// --- Rendering --------------------------------------------------------------------------------

fn render_text(doc: &web_sys::Document, li: &Element, text: &str) {
    for s in spans(text) {
        let node: Result<web_sys::Node, JsValue> = match s {
            Span::Text(t) => {
                let _ = li.append_with_str_1(t);
                continue;
            }
            Span::LineBreak => doc.create_element("br").map(Into::into),
            Span::Bold(t) | Span::Italic(t) | Span::Code(t) => {
                let tag = match s {
                    Span::Bold(_) => "strong",
                    Span::Italic(_) => "em",
                    _ => "code",
                };
                doc.create_element(tag).map(|e| {
                    e.set_text_content(Some(t));
                    e.into()
                })
            }
            Span::Link { text, href } => doc.create_element("a").map(|a| {
                let _ = attrs(
                    &a,
                    &[
                        ("href", href),
                        ("rel", "noopener noreferrer"),
                        ("target", "_blank"),
                    ],
                );
                a.set_text_content(Some(text));
                a.into()
            }),
        };
        if let Ok(n) = node {
            let _ = li.append_child(&n);
        }
    }
}

fn message_li(doc: &web_sys::Document, list: &Element, m: &JsValue) -> Option<Element> {
    let author = get(m, "author");
    let agent = get_str(&author, "type").as_deref() == Some("agent");
    let li = add(doc, list, "li", if agent { "ag" } else { "" }).ok()?;
    if let Some(cid) = get_str(m, "clientId") {
        let _ = li.set_attribute("data-client-id", &cid);
    }
    if let Some(seq) = get_f64(m, "seq") {
        let _ = li.set_attribute("data-seq", &num(seq));
    }
    if agent {
        if let Some(name) = get_str(&author, "name") {
            if let Ok(who) = add(doc, &li, "small", "") {
                who.set_text_content(Some(&name));
            }
        }
    }
    render_text(doc, &li, &get_str(m, "body").unwrap_or_default());
    if get(m, "pending").is_truthy() {
        let _ = li.class_list().add_1("pe");
        if let Ok(s) = add(doc, &li, "small", "") {
            s.set_text_content(Some("Sending…"));
        }
    }
    Some(li)
}

fn render() {
    let Some(ui) = ui() else {
        return;
    };
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let d = ui.chat();
    d.list.set_text_content(None);
    let msgs = chat(|c| c.messages.clone()).unwrap_or_default();
    d.empty
        .unchecked_ref::<HtmlElement>()
        .set_hidden(!msgs.is_empty());
    for m in &msgs {
        message_li(&doc, &d.list, m);
    }
    d.body.set_scroll_top(d.body.scroll_height());
    render_rating(&ui);
}

/// Adds or replaces (same clientId) a message, keeping the order by seq; pending ones last.
fn add_message(m: &JsValue) {
    let is_new = chat(|c| {
        let cid = get_str(m, "clientId");
        let seq = get_f64(m, "seq").unwrap_or(f64::MAX);
        let existing = c
            .messages
            .iter()
            .position(|x| cid.is_some() && get_str(x, "clientId") == cid);
        let stored_before = existing.is_some_and(|i| get_f64(&c.messages[i], "seq").is_some());
        if let Some(i) = existing {
            c.messages.remove(i);
        }
        // Stored messages by seq; pending ones (no seq yet) after them, in the order sent.
        let at = c
            .messages
            .iter()
            .position(|x| get_f64(x, "seq").unwrap_or(f64::MAX) > seq)
            .unwrap_or(c.messages.len());
        c.messages.insert(at, m.clone());
        if seq != f64::MAX && seq > c.last_seq {
            c.last_seq = seq;
        }
        !stored_before && seq != f64::MAX
    })
    .unwrap_or(false);
    render();
    if is_new {
        fire(Ev::Message, m);
    }
}

fn show_pending(cid: &str, body: &str) {
    let m = Object::new();
    set(&m, "clientId", &JsValue::from_str(cid));
    set(&m, "body", &JsValue::from_str(body));
    set(&m, "pending", &JsValue::TRUE);
    let author = Object::new();
    set(&author, "type", &JsValue::from_str("visitor"));
    set(&m, "author", &author);
    add_message(&m);
}

fn mark_failed(cid: &str) {
    chat(|c| {
        c.messages
            .retain(|m| get_str(m, "clientId").as_deref() != Some(cid))
    });
    render();
    set_status("A message could not be sent.");
}

fn set_status(text: &str) {
    if let Some(ui) = ui() {
        ui.chat().status.set_text_content(Some(text));
    }
}

/// Queue position while nobody has answered yet; nothing otherwise.
fn set_status_default() {
    let text = chat(|c| {
        (
            c.status.clone(),
            c.messages
                .iter()
                .any(|m| get_str(&get(m, "author"), "type").as_deref() == Some("agent")),
        )
    });
    let line = match text {
        Some((s, _)) if s == "closed" => "This conversation is closed.".to_string(),
        Some((_, false)) => QUEUE.with(|q| q.borrow().clone()),
        _ => String::new(),
    };
    set_status(&line);
}

thread_local! {
    static QUEUE: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_conversation(c: &JsValue) {
    let Some(id) = get_str(c, "id") else {
        return;
    };
    let status = get_str(c, "status").unwrap_or_default();
    let rated = get(c, "csat").is_object();
    chat(|ch| {
        ch.conversation = Some(id);
        ch.status = status;
        ch.rated = rated;
    });
    let q = get_f64(c, "queuePosition").map(|p| {
        if p <= 1.0 {
            "You are next in line.".to_string()
        } else {
            let mut t = String::from("You are number ");
            t.push_str(&num(p));
            t.push_str(" in line.");
            t
        }
    });
    QUEUE.with(|s| *s.borrow_mut() = q.unwrap_or_default());
    set_status_default();
    render();
}

fn render_rating(ui: &Ui) {
    let d = ui.chat();
    let show =
        chat(|c| c.status == "closed" && !c.rated && c.conversation.is_some()).unwrap_or(false);
    let box_: &HtmlElement = d.rating.unchecked_ref();
    if !show {
        box_.set_hidden(true);
        return;
    }
    if !box_.hidden() {
        return;
    }
    box_.set_hidden(false);
    d.rating.set_text_content(None);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(p) = add(&doc, &d.rating, "p", "") {
        p.set_text_content(Some("How did we do?"));
        let _ = p.set_attribute("id", "pl-rate");
    }
    let comment: Option<web_sys::HtmlTextAreaElement> =
        add(&doc, &d.rating, "textarea", "").ok().map(|t| {
            let _ = attrs(
                &t,
                &[
                    ("aria-label", "Comment (optional)"),
                    ("placeholder", "Comment (optional)"),
                    ("maxlength", "2000"),
                    ("rows", "2"),
                ],
            );
            t.unchecked_into()
        });
    for n in 1..=5u8 {
        let Ok(b) = add(&doc, &d.rating, "button", "") else {
            continue;
        };
        let mut label = num(n as f64);
        label.push_str(" out of 5");
        let _ = attrs(
            &b,
            &[
                ("type", "button"),
                ("aria-label", &label),
                ("aria-describedby", "pl-rate"),
            ],
        );
        b.set_text_content(Some(&num(n as f64)));
        let comment = comment.clone();
        ui.on(&b, "click", move |_| {
            let text = comment.as_ref().map(|c| c.value()).unwrap_or_default();
            wasm_bindgen_futures::spawn_local(rate(n, text));
        });
    }
}

async fn rate(n: u8, comment: String) {
    let Some(id) = chat(|c| c.conversation.clone()).flatten() else {
        return;
    };
    let body = Object::new();
    set(&body, "rating", &JsValue::from(n));
    if !comment.trim().is_empty() {
        set(&body, "comment", &JsValue::from_str(&comment));
    }
    let mut path = String::from("/v1/conversations/");
    path.push_str(&id);
    path.push_str("/csat");
    match session::call_authed("POST", &path, Some(&body)).await {
        // Rated now, or already rated (another tab): either way the prompt goes.
        Ok(_) | Err(net::ApiError { status: 409, .. }) => {
            chat(|c| c.rated = true);
            if let Some(ui) = ui() {
                ui.chat()
                    .rating
                    .unchecked_ref::<HtmlElement>()
                    .set_hidden(true);
            }
            set_status("Thanks for your feedback!");
        }
        Err(_) => set_status("Your rating could not be sent; try again."),
    }
}

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

// --- The socket ---------------------------------------------------------------------------------

fn on_event(e: JsValue) {
    let ty = get_str(&e, "type").unwrap_or_default();
    let mine = chat(|c| c.conversation.clone()).flatten();
    match ty.as_str() {
        "message" => {
            let m = get(&e, "message");
            let conv = get_str(&e, "conversationId");
            if mine.is_none() {
                // A conversation started in another tab becomes this tab's too.
                if let Some(id) = &conv {
                    chat(|c| c.conversation = Some(id.clone()));
                }
            } else if conv != mine {
                return;
            }
            let agent = get_str(&get(&m, "author"), "type").as_deref() == Some("agent");
            add_message(&m);
            if agent {
                set_status_default();
                let unread = chat(|c| c.unread).unwrap_or(0);
                set_unread(unread + 1);
                seen();
            }
        }
        "conversation" => {
            let c = get(&e, "conversation");
            if mine.is_none() || get_str(&c, "id") == mine {
                set_conversation(&c);
            }
        }
        "read" if get_str(&e, "by").as_deref() == Some("visitor") => set_unread(0),
        "typing" if get_str(&e, "from").as_deref() == Some("agent") => {
            let mut t = get_str(&e, "name").unwrap_or_else(|| "Someone".into());
            t.push_str(" is typing…");
            set_status(&t);
        }
        _ => {}
    }
}

fn connect() {
    let Some((ws_id, api)) = chat(|c| c.ws.clone()).zip(with(|rt| rt.api.clone())) else {
        return;
    };
    let Some(token) = session::live_token(&ws_id) else {
        return;
    };
    let base = if api.is_empty() {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default()
    } else {
        api
    };
    let mut url = String::from("ws");
    url.push_str(base.strip_prefix("http").unwrap_or(&base));
    url.push_str("/v1/live?token=");
    url.push_str(&token);
    let Ok(sock) = WebSocket::new(&url) else {
        return;
    };
    let generation = chat(|c| c.generation).unwrap_or(0);
    let on_message = Closure::<dyn FnMut(JsValue)>::new(|ev: JsValue| {
        let data = ev.unchecked_into::<MessageEvent>().data();
        if let Some(e) = data.as_string().and_then(|t| JSON::parse(&t).ok()) {
            on_event(e);
        }
    });
    let on_open = Closure::<dyn FnMut(JsValue)>::new(|_| {
        chat(|c| c.reconnects = 0);
        heartbeat();
        wasm_bindgen_futures::spawn_local(catch_up());
        wasm_bindgen_futures::spawn_local(flush());
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        // A newer connection (or a shutdown) replaced this one: nothing to do.
        if chat(|c| c.generation).unwrap_or(u32::MAX) != generation {
            return;
        }
        let n = chat(|c| {
            c.socket = None;
            c.reconnects += 1;
            c.reconnects
        })
        .unwrap_or(1);
        wasm_bindgen_futures::spawn_local(async move {
            net::sleep(session::backoff_ms(n)).await;
            if chat(|c| c.generation).unwrap_or(u32::MAX) == generation {
                connect();
            }
        });
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

fn heartbeat() {
    let state = if visible() { "active" } else { "away" };
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
async fn catch_up() {
    let Some(id) = chat(|c| c.conversation.clone()).flatten() else {
        return;
    };
    let after = chat(|c| c.last_seq).unwrap_or(0.0);
    let mut path = String::from("/v1/conversations/");
    path.push_str(&id);
    path.push_str("/messages?limit=200&after=");
    path.push_str(&num(after));
    if let Ok(r) = session::call_authed("GET", &path, None).await {
        let list = get(&r, "messages");
        if Array::is_array(&list) {
            for m in list.unchecked_into::<Array>().iter() {
                add_message(&m);
            }
        }
        set_conversation(&get(&r, "conversation"));
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
    connect();
    wasm_bindgen_futures::spawn_local(flush());
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
    let d = ui.chat();
    let input = d.input.clone();
    let submit = move || {
        let text = input.value();
        if !text.trim().is_empty() {
            input.set_value("");
            queue_send(text);
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

// --- Office hours -------------------------------------------------------------------------------

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat(locales, options)`; throws for a zone this browser does not know.
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = DateTimeFormat)]
    fn date_time_format(locales: &JsValue, options: &JsValue) -> Result<JsValue, JsValue>;
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The weekday (0 = Monday) and minute of the day now, in the IANA zone `tz`.
fn local_now(tz: &str) -> Option<(usize, u16)> {
    let o = Object::new();
    for (k, v) in [
        ("timeZone", tz),
        ("weekday", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ] {
        set(&o, k, &JsValue::from_str(v));
    }
    let f = date_time_format(&JsValue::from_str("en-US"), &o).ok()?;
    let parts = get(&f, "formatToParts")
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call0(&f)
        .ok()?;
    let (mut day, mut hour, mut minute) = (None, None, None);
    for p in parts.dyn_into::<Array>().ok()?.iter() {
        let v = get_str(&p, "value").unwrap_or_default();
        match get_str(&p, "type").as_deref() {
            Some("weekday") => {
                day = DAYS
                    .iter()
                    .position(|d| v.to_ascii_lowercase().starts_with(d))
            }
            Some("hour") => hour = v.parse::<u16>().ok(),
            Some("minute") => minute = v.parse::<u16>().ok(),
            _ => {}
        }
    }
    Some((day?, hour? % 24 * 60 + minute?))
}

/// Whether the team is in now, by the workspace's office hours (`None`: no hours set, or a
/// zone this browser does not know).
pub fn open_now(hours: &JsValue) -> Option<bool> {
    let (day, minute) = local_now(&get_str(hours, "timeZone")?)?;
    let blocks = get(hours, "hours");
    let blocks: Array = blocks.dyn_into().ok()?;
    Some(blocks.iter().any(|b| {
        let days = get(&b, "days");
        let on_day = Array::is_array(&days)
            && days
                .unchecked_into::<Array>()
                .iter()
                .any(|d| d.as_string().as_deref() == Some(DAYS[day]));
        let at = |k| {
            get_str(&b, k)
                .as_deref()
                .and_then(porchlight_shared::settings::minutes_of)
        };
        on_day && at("open").is_some_and(|o| minute >= o) && at("close").is_some_and(|c| minute < c)
    }))
}

/// "Typically replies in …" while the team is in; the offline message while it is out.
pub(crate) fn show_availability(ui: &Ui, hours: &JsValue) {
    let text = match open_now(hours) {
        Some(true) => match get_str(hours, "replyTime").as_deref() {
            Some("minutes") => "The team typically replies in a few minutes.".to_string(),
            Some("day") => "The team typically replies within a day.".to_string(),
            _ => "The team typically replies in a few hours.".to_string(),
        },
        Some(false) => get_str(hours, "offlineMessage").unwrap_or_else(|| {
            "We are away right now. Leave a message and we will get back to you.".to_string()
        }),
        None => return,
    };
    let d = ui.chat();
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(p) = doc.create_element("p") {
        p.set_class_name("av");
        p.set_text_content(Some(&text));
        let _ = d.body.insert_before(&p, Some(&d.empty));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn outbox_keys_are_per_workspace() {
        assert_eq!(super::outbox_key("demo"), "porchlight:demo:outbox");
    }
}
