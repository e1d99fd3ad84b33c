//! One live socket per browser. The tabs of a visitor share it: the tab holding the Web Lock
//! `porchlight:<ws>:<visitorId>:live` opens the socket and relays every event it gets to the other tabs over
//! a `BroadcastChannel` of the same name; the other tabs send their frames (typing) through it
//! and tell it when they are in sight, so presence is "online" while any tab is seen. When that
//! tab goes (closed, navigated, shut down), the browser hands the lock to another tab, which
//! connects and catches up. Without Web Locks or BroadcastChannel every tab has its own socket,
//! as before; nothing else changes (sends never go through the relay: each tab posts its own).
//! The names carry the visitor: a tab signed in as someone else (a sign-in that merged, a
//! shutdown in another tab) links with that visitor's tabs, never hears another's events, and
//! has a socket of its own if none of them has one.
//!
//! Channel messages are strings: a socket event as the hub sent it, or a control frame
//! `{"relay":"open"}` (the leader connected: catch up, flush), `{"relay":"frame","f":…}` (a
//! follower's frame for the socket), `{"relay":"seen"}` (a follower is in sight).

use std::cell::RefCell;

use crate::chat;
use crate::live::{catch_up, connect, heartbeat, on_event};
use crate::outbox::flush;
use js_sys::{Date, JSON};
use js_sys::{Function, Promise, Reflect};
use porchlight_widget_common::js::get_str;
use wasm_bindgen::prelude::*;
use web_sys::MessageEvent;
use web_sys::WebSocket;

#[wasm_bindgen]
extern "C" {
    /// `BroadcastChannel` (bound here rather than through a web-sys feature: three members).
    #[wasm_bindgen(js_name = BroadcastChannel)]
    type Channel;
    #[wasm_bindgen(constructor, js_class = "BroadcastChannel", catch)]
    fn new(name: &str) -> Result<Channel, JsValue>;
    #[wasm_bindgen(method, js_name = postMessage, catch)]
    fn post(this: &Channel, message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, setter = onmessage)]
    fn set_onmessage(this: &Channel, f: Option<&Function>);
    #[wasm_bindgen(method)]
    fn close(this: &Channel);

    /// `navigator.locks`.
    type Locks;
    #[wasm_bindgen(method, js_name = request)]
    fn request(this: &Locks, name: &str, granted: &Function) -> Promise;
}

struct Link {
    /// The lock and channel name: workspace and visitor.
    name: String,
    channel: Channel,
    /// This tab holds the lock: it has the socket.
    leader: bool,
    /// Resolving it releases the lock.
    release: Option<Function>,
    /// When a follower last said it is in sight (epoch ms).
    seen_elsewhere: f64,
    _keep: Closure<dyn FnMut(JsValue)>,
}

thread_local! {
    static LINK: RefCell<Option<Link>> = const { RefCell::new(None) };
}

fn link<R>(f: impl FnOnce(&mut Link) -> R) -> Option<R> {
    LINK.try_with(|l| l.try_borrow_mut().ok().and_then(|mut l| l.as_mut().map(f)))
        .ok()
        .flatten()
}

fn name_of(ws: &str) -> Option<String> {
    let visitor = get_str(&super::host::visitor(), "id")?;
    let mut n = String::from("porchlight:");
    n.push_str(ws);
    n.push(':');
    n.push_str(&visitor);
    n.push_str(":live");
    Some(n)
}

/// Connects this tab: through the shared socket when the browser can share one, else its own.
pub(super) fn join(ws: &str) {
    let Some(name) = name_of(ws) else {
        leave();
        return connect();
    };
    match link(|l| (l.name == name, l.leader)) {
        // Already linked: the leader (re)connects, e.g. as another visitor after a sign-in;
        // a follower waits for events.
        Some((true, true)) => return connect(),
        Some((true, false)) => return,
        Some((false, _)) => leave(),
        None => {}
    }
    let locks = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"navigator".into()).ok())
        .and_then(|n| Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| l.is_object());
    let (Some(locks), Ok(channel)) = (locks, Channel::new(&name)) else {
        return connect();
    };
    let on_message = Closure::<dyn FnMut(JsValue)>::new(|ev: JsValue| {
        if let Some(text) = ev.unchecked_into::<MessageEvent>().data().as_string() {
            heard(&text);
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let name_granted = name.clone();
    let granted = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
        let mut release = None;
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        // Granted after this tab left (or moved to another workspace): give it back at once.
        let mine = link(|l| {
            if l.name != name_granted {
                return false;
            }
            l.leader = true;
            l.release = release.take();
            true
        })
        .unwrap_or(false);
        if let Some(r) = release {
            let _ = r.call0(&JsValue::NULL);
        }
        if mine {
            connect();
        }
        held
    });
    let _ = locks
        .unchecked_into::<Locks>()
        .request(&name, granted.as_ref().unchecked_ref());
    // The browser may grant the lock long after this tab left it (the request stays queued):
    // the callback must still exist then, to give the lock straight back. One per link, and a
    // tab links again only when its visitor or workspace changes.
    granted.forget();
    LINK.with(|l| {
        *l.borrow_mut() = Some(Link {
            name,
            channel,
            leader: false,
            release: None,
            seen_elsewhere: 0.0,
            _keep: on_message,
        })
    });
}

/// Leaves the shared socket (shutdown, another workspace): the lock goes to another tab.
pub(super) fn leave() {
    let Some(l) = LINK.with(|l| l.borrow_mut().take()) else {
        return;
    };
    l.channel.set_onmessage(None);
    l.channel.close();
    if let Some(r) = l.release {
        let _ = r.call0(&JsValue::NULL);
    }
}

/// The leader got an event from the socket: the other tabs get it too.
pub(super) fn relay(text: &str) {
    link(|l| {
        if l.leader {
            let _ = l.channel.post(text);
        }
    });
}

/// The leader's socket is open: the other tabs catch up and send what they hold.
pub(super) fn opened() {
    relay(r#"{"relay":"open"}"#);
}

/// A frame for the socket (typing): sent by the tab that has it, handed to it by the others.
pub(super) fn send_frame(frame: &str) {
    if let Some(s) = chat(|c| c.socket.clone()).flatten() {
        if s.ready_state() == WebSocket::OPEN {
            let _ = s.send_with_str(frame);
        }
        return;
    }
    link(|l| {
        let mut m = String::from(r#"{"relay":"frame","f":"#);
        m.push_str(&String::from(
            JSON::stringify(&frame.into()).unwrap_or_default(),
        ));
        m.push('}');
        let _ = l.channel.post(&m);
    });
}

/// Whether a follower tab is in sight, or was within the last heartbeat period.
pub(super) fn seen_elsewhere() -> bool {
    link(|l| Date::now() - l.seen_elsewhere < 40_000.0).unwrap_or(false)
}

/// A follower's heartbeat: it tells the leader when it is in sight. Returns false when this tab
/// is not a follower (it has its own socket to beat on).
pub(super) fn follower_beat(in_sight: bool) -> bool {
    link(|l| {
        if l.leader {
            return false;
        }
        if in_sight {
            let _ = l.channel.post(r#"{"relay":"seen"}"#);
        }
        true
    })
    .unwrap_or(false)
}

fn heard(text: &str) {
    let Ok(m) = JSON::parse(text) else {
        return;
    };
    let leader = link(|l| l.leader).unwrap_or(false);
    match get_str(&m, "relay").as_deref() {
        None if !leader => on_event(m),
        Some("open") if !leader => {
            wasm_bindgen_futures::spawn_local(catch_up());
            wasm_bindgen_futures::spawn_local(flush());
        }
        Some("frame") if leader => {
            if let Some(f) = get_str(&m, "f") {
                send_frame(&f);
            }
        }
        Some("seen") if leader => {
            let was = seen_elsewhere();
            link(|l| l.seen_elsewhere = Date::now());
            if !was {
                heartbeat();
            }
        }
        _ => {}
    }
}
