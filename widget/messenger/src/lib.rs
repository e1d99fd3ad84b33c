//! Porchlight's messenger: the panel's spaces (Home, Help, Tickets, Tasks) and live chat — the
//! conversation view, the composer's sends, and the rules that keep a message from being lost or
//! doubled. A second WASM module: the core (`porchlight-widget`, see its `chat` module) imports
//! it only when the visitor reaches for (pointer or focus on the launcher) or opens the panel, or
//! already has a conversation, hands it a *host* object ([`host`]) and the panel it
//! mounted, and calls the exports below. The two share no memory.
//!
//! - Every send goes into an **outbox** in `localStorage` first (it survives a reload), with a
//!   `clientId` made here; the outbox is sent in order, one message at a time, and a message
//!   leaves it only once the edge has stored it. Network and server errors are retried with
//!   backoff (and at once when the browser comes back online or the socket reconnects); the
//!   edge stores each `clientId` once, so a retry — or two tabs sending the same outbox — never
//!   doubles a message.
//! - One **WebSocket** per browser (`/v1/live`, see [`relay`]) brings messages, typing, read
//!   receipts and state changes; one tab holds it and relays to the others, so tabs stay in
//!   sync. On reconnect the view catches up from the last seen `seq`.
//! - Text is rendered from `shared::chat::spans` as text nodes; links only http(s) / mailto,
//!   with `rel="noopener noreferrer"`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Date, Object};
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::contract::{Emit, Part};
use porchlight_widget_common::js::{get, get_f64, get_str};
use wasm_bindgen::prelude::*;
use web_sys::{
    DocumentFragment, Element, Event, EventTarget, HtmlElement, HtmlTextAreaElement, WebSocket,
};

mod help;
mod home;
mod host;
mod hours;
mod list;
mod live;
mod outbox;
mod prechat;
mod relay;
pub mod rules;
mod spaces;
mod suggest;
mod tasks;
mod tickets;
mod view;

use host::{call, emit};
pub use hours::open_now;
use live::{catch_up, heartbeat};
use outbox::{flush, outbox, queue_send};
use view::{render, set_conversation, set_status, set_status_default, show_pending};

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
    /// The first load after `start` is done: a send may go out (it needs to know whether a
    /// conversation exists, for the pre-chat questions).
    ready: bool,
    /// A send asked for before that: done once ready.
    pending: bool,
}

thread_local! {
    static CHAT: RefCell<Chat> = RefCell::new(Chat::default());
    static DOM: RefCell<Option<Rc<Dom>>> = const { RefCell::new(None) };
    /// `settings.officeHours`, shown in each panel mounted.
    pub(crate) static HOURS: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

fn chat<R>(f: impl FnOnce(&mut Chat) -> R) -> Option<R> {
    CHAT.try_with(|c| c.try_borrow_mut().ok().map(|mut c| f(&mut c)))
        .ok()
        .flatten()
}

/// The panel the core mounted, and the parts of it the conversation fills (see the core's
/// `ui.rs` for the markup; found here by class, [`Part`]).
pub(crate) struct Dom {
    panel: HtmlElement,
    body: Element,
    empty: Element,
    list: Element,
    status: Element,
    rating: Element,
    form: Element,
    input: HtmlTextAreaElement,
    /// Listeners on these elements, alive as long as the panel.
    handlers: RefCell<Vec<Handler>>,
}

type Handler = Closure<dyn FnMut(Event)>;

impl Dom {
    fn find(panel: HtmlElement) -> Option<Dom> {
        let q = |s: &str| panel.query_selector(s).ok().flatten();
        Some(Dom {
            body: q(Part::Body.selector())?,
            empty: q(Part::Empty.selector())?,
            list: q(Part::Messages.selector())?,
            status: q(Part::Status.selector())?,
            rating: q(Part::Rating.selector())?,
            form: q(Part::Form.selector())?,
            input: q(Part::Input.selector())?.dyn_into().ok()?,
            panel,
            handlers: RefCell::new(Vec::new()),
        })
    }

    fn is_open(&self) -> bool {
        !self.panel.hidden()
    }

    /// Adds a listener that lives as long as this panel.
    fn on(&self, target: &EventTarget, ty: &str, f: impl FnMut(Event) + 'static) {
        self.on_boxed(target, ty, Box::new(f))
    }

    /// [`Dom::on`], made once for every kind of listener (bytes: one closure shim, not one per
    /// listener).
    #[inline(never)]
    fn on_boxed(&self, target: &EventTarget, ty: &str, f: Box<dyn FnMut(Event)>) {
        let c = Closure::wrap(f);
        let _ = target.add_event_listener_with_callback(ty, c.as_ref().unchecked_ref());
        if let Ok(mut all) = self.handlers.try_borrow_mut() {
            all.push(c);
        }
    }
}

/// The conversation's own rules: messages, rating, pre-chat, the list of conversations (the core
/// draws the panel itself before this module is there, with its own).
const CSS: &str = include_str!("messenger.css");

thread_local! {
    /// The shadow root [`CSS`] was added to.
    static STYLED: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// Adds [`CSS`] to the shadow root the core mounted `panel` in, once (a constructable
/// stylesheet; where the browser has none, the core drew a `<style>` with the page's CSP nonce,
/// and ours carries the same).
fn add_styles(panel: &HtmlElement) {
    let root = panel.get_root_node();
    // Only ever the core's shadow root (a ShadowRoot has a `host`), never the page.
    if !get(&root, "host").is_object()
        || STYLED.with(|s| *s.borrow() == *AsRef::<JsValue>::as_ref(&root))
    {
        return;
    }
    let nonce = root
        .unchecked_ref::<DocumentFragment>()
        .query_selector("style")
        .ok()
        .flatten()
        .and_then(|s| get_str(&s, "nonce"));
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if porchlight_widget_common::style::adopt(&doc, &root, CSS, nonce.as_deref()).is_ok() {
        STYLED.with(|s| *s.borrow_mut() = root.into());
    }
}

fn ui() -> Option<Rc<Dom>> {
    DOM.with(|d| d.borrow().clone())
}

// --- What the core calls -----------------------------------------------------------------------

/// First call after loading: what the core offers ([`host`]).
#[wasm_bindgen]
pub fn init(host: JsValue) {
    host::set(host);
}

/// The workspace's office hours, pre-chat and rating settings (a boot response's `settings`).
#[wasm_bindgen]
pub fn configure(settings: JsValue) {
    let hours = get(&settings, "officeHours");
    prechat::configure(&settings, open_now(&hours));
    spaces::configure(&settings);
    HOURS.with(|h| *h.borrow_mut() = hours);
}

/// The panel the core mounted: a new one after a boot of another workspace, where the spaces
/// start on Home; or, `again`, the same workspace's drawn again in another locale, where they
/// keep their place (`spaces::mount`).
#[wasm_bindgen]
pub fn mount(panel: JsValue, again: JsValue) {
    let Some(d) = panel.dyn_into().ok().and_then(Dom::find) else {
        return;
    };
    add_styles(&d.panel);
    hours::show_availability(&d, &HOURS.with(|h| h.borrow().clone()));
    DOM.with(|x| *x.borrow_mut() = Some(Rc::new(d)));
    prechat::forget();
    wire_ui();
    if let Some(ui) = ui() {
        spaces::mount(&ui, again.is_truthy());
    }
    render();
}

/// Shows one of the panel's spaces (`contract::Export::Space`): `messages`, `article` + id,
/// `checklist` + id.
#[wasm_bindgen]
pub fn space(name: String, arg: JsValue) {
    spaces::open(&name, arg);
}

/// After a boot: load the visitor's latest conversation, connect, send what is queued.
#[wasm_bindgen]
pub fn start(ws: String) {
    wasm_bindgen_futures::spawn_local(start_chat(ws));
}

/// Starts over for the same workspace (the visitor changed): a new socket, the visitor's own
/// conversations. The outbox stays and is sent as the new visitor.
#[wasm_bindgen]
pub fn restart(ws: String) {
    if let Some(s) = chat(|c| c.socket.take()).flatten() {
        s.set_onclose(None);
        s.set_onmessage(None);
        let _ = s.close();
    }
    start(ws);
}

/// Forgets the chat (shutdown): the socket closes, the outbox goes.
#[wasm_bindgen]
pub fn stop(ws: String) {
    if let Some((s, beat)) = chat(|c| {
        c.generation += 1;
        c.ws.clear();
        c.ready = false;
        c.pending = false;
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
    relay::leave();
    DOM.with(|d| *d.borrow_mut() = None);
    if let Some(s) = porchlight_widget_common::storage() {
        let _ = s.remove_item(&porchlight_widget_common::outbox_key(&ws));
    }
}

/// The panel is open and seen: everything is read.
#[wasm_bindgen]
pub fn seen() {
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
            let _ = call("POST", &path, Some(&Object::new().into())).await;
        });
    }
}

/// The visitor pressed Enter or Send: queue what the composer holds. Before the first load is
/// done the text stays in the composer and goes once it is.
#[wasm_bindgen]
pub fn submit() {
    if !chat(|c| {
        c.pending = !c.ready;
        c.ready
    })
    .unwrap_or(false)
    {
        set_status(t(Msg::Sending));
        return;
    }
    let Some(ui) = ui() else {
        return;
    };
    let text = ui.input.value();
    if !text.trim().is_empty() && queue_send(text) {
        ui.input.set_value("");
        suggest::clear();
    }
}

// --- Unread -------------------------------------------------------------------------------------

fn set_unread(n: u32) {
    let changed = chat(|c| std::mem::replace(&mut c.unread, n) != n).unwrap_or(false);
    // The badge is the core's (on the launcher); the event is the page's.
    if changed {
        emit(Emit::UnreadCountChange, &JsValue::from(n));
    }
    badge();
}

/// The launcher's badge: unread replies and ticket changes not yet seen.
pub(crate) fn badge() {
    let n = chat(|c| c.unread).unwrap_or(0) + spaces::updates();
    emit(Emit::Badge, &JsValue::from(n));
}

fn visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| get_str(&d, "visibilityState").as_deref() != Some("hidden"))
        .unwrap_or(true)
}

// --- Start --------------------------------------------------------------------------------------

async fn start_chat(ws: String) {
    let generation = chat(|c| {
        if c.ws == ws && c.socket.is_some() {
            return None;
        }
        if let Some(old) = c.socket.take() {
            old.set_onclose(None);
            old.set_onmessage(None);
            let _ = old.close();
        }
        *c = Chat {
            ws: ws.clone(),
            generation: c.generation + 1,
            beat: c.beat,
            pending: c.pending,
            ..Chat::default()
        };
        Some(c.generation)
    })
    .flatten();
    let Some(generation) = generation else {
        return;
    };
    // A stop (or another start) while a call was under way: this one is over.
    let current = move || chat(|c| c.generation == generation).unwrap_or(false);
    if let Ok(r) = call("GET", "/v1/conversations", None).await {
        let list = get(&r, "conversations");
        let latest = if Array::is_array(&list) {
            list.unchecked_into::<Array>().get(0)
        } else {
            JsValue::UNDEFINED
        };
        if latest.is_object() && current() {
            set_conversation(&latest);
            catch_up().await;
        }
        if !current() {
            return;
        }
        set_unread(get_f64(&r, "unread").unwrap_or(0.0) as u32);
    }
    if !current() {
        return;
    }
    // What was queued before a reload is shown as pending again, then sent.
    let queued = outbox(&ws);
    for item in queued.iter() {
        if let (Some(cid), Some(body)) = (get_str(&item, "c"), get_str(&item, "b")) {
            show_pending(&cid, &body);
        }
    }
    render();
    // Opened while this loaded: what is shown is read.
    seen();
    if chat(|c| {
        c.ready = true;
        std::mem::take(&mut c.pending)
    })
    .unwrap_or(false)
    {
        set_status_default();
        submit();
    }
    ensure_beat();
    relay::join(&ws);
    wasm_bindgen_futures::spawn_local(flush());
}

fn wire_ui() {
    let Some(ui) = ui() else {
        return;
    };
    list::mount(&ui);
    let typed = std::cell::Cell::new(0.0);
    ui.on(&ui.input, "input", move |_| {
        let now = Date::now();
        if now - typed.get() < 2000.0 {
            return;
        }
        typed.set(now);
        if let Some(Some(id)) = chat(|c| c.conversation.clone()) {
            let mut f = String::from(r#"{"type":"typing","conversationId":""#);
            f.push_str(&id);
            f.push_str(r#""}"#);
            relay::send_frame(&f);
        }
    });
    // Page-wide listeners: once for the life of the page.
    thread_local! {
        static GLOBAL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if GLOBAL.with(|g| g.replace(true)) {
        return;
    }
    if let Some(w) = web_sys::window() {
        let online = Closure::<dyn FnMut()>::new(|| wasm_bindgen_futures::spawn_local(flush()));
        let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        online.forget();
        if let Some(doc) = w.document() {
            let vis = Closure::<dyn FnMut()>::new(|| {
                heartbeat();
                seen();
            });
            let _ = doc
                .add_event_listener_with_callback("visibilitychange", vis.as_ref().unchecked_ref());
            vis.forget();
        }
    }
}

/// Presence heartbeat; `ping` keeps idle proxies from closing the socket. Started with the
/// socket, stopped by `stop`.
fn ensure_beat() {
    if chat(|c| c.beat.is_none()).unwrap_or(false) {
        let Some(w) = web_sys::window() else {
            return;
        };
        let beat = Closure::<dyn FnMut()>::new(heartbeat).into_js_value();
        let id = w
            .set_interval_with_callback_and_timeout_and_arguments_0(beat.unchecked_ref(), 30_000)
            .ok();
        chat(|c| c.beat = id);
    }
}

#[cfg(test)]
mod tests {
    use porchlight_widget_common::contract::Export;

    /// Every export the core calls (the contract in widget/common) is one of this module's
    /// `#[wasm_bindgen]` functions, under that very name, taking the contract's arguments in
    /// its order.
    #[test]
    fn exports_are_the_contracts() {
        let src = include_str!("lib.rs");
        for e in Export::ALL {
            let decl = ["#[wasm_bindgen]\npub fn ", e.name(), "("].concat();
            let at = src.find(&decl);
            assert!(at.is_some(), "no `pub fn {}` export", e.name());
            let rest = &src[at.unwrap_or(0) + decl.len()..];
            let params: Vec<&str> = rest[..rest.find(')').unwrap_or(0)]
                .split(',')
                .filter_map(|p| p.split(':').next())
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            assert_eq!(params, e.params(), "the arguments of `{}`", e.name());
        }
    }
}
