//! Porchlight's in-page runtime. The loader (`loader/porchlight.js`) imports this module and
//! calls [`start`] with the commands queued so far; from then on `window.Porchlight(cmd, a, b)`
//! dispatches here directly.
//!
//! Commands with network effects run one at a time from a queue, so `boot` → `identify` →
//! `show` apply in the order they were called. `on` / `off` take effect at once. No command
//! throws into the host page: misuse logs one console warning.

pub mod chat;
pub mod engage;
mod net;
mod preview;
#[cfg(feature = "targeting-probe-client")]
mod probe;
pub mod session;
pub mod theme;
pub mod ui;

use porchlight_widget_common::contract::MESSENGER_COMMANDS;
pub(crate) use porchlight_widget_common::js;
use porchlight_widget_common::{paint_key, storage};

use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;

/// A queued command.
pub(crate) enum Cmd {
    Boot(JsValue),
    Identify(JsValue),
    Show,
    Hide,
    Shutdown,
    /// Internal: the refresh timer fired.
    Refresh,
    /// `showNewMessage(text)`: open with the composer prefilled.
    Compose(String),
    /// A command of the engagement module (`track`, `start…`, `debug`, `update`), its
    /// arguments.
    Engage(String, Array),
    /// Open the panel on one of the messenger's spaces (`showMessages`, `showArticle(id)`,
    /// `startChecklist(id)`): its name and argument.
    Space(&'static str, JsValue),
}

/// The events a page can listen to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ev {
    Ready,
    Open,
    Close,
    Error,
    /// A new message in the visitor's conversation (either side).
    Message,
    /// The number of unread teammate messages changed.
    UnreadCountChange,
    ContentShown,
    ContentDismissed,
    TourCompleted,
    SurveyCompleted,
}

impl Ev {
    const ALL: [Ev; 10] = [
        Ev::Ready,
        Ev::Open,
        Ev::Close,
        Ev::Error,
        Ev::Message,
        Ev::UnreadCountChange,
        Ev::ContentShown,
        Ev::ContentDismissed,
        Ev::TourCompleted,
        Ev::SurveyCompleted,
    ];
    /// The page's name of each, in [`Ev::ALL`]'s order.
    const NAMES: [&'static str; 10] = [
        "ready",
        "open",
        "close",
        "error",
        "message",
        "unreadCountChange",
        "contentShown",
        "contentDismissed",
        "tourCompleted",
        "surveyCompleted",
    ];

    pub(crate) fn named(name: &str) -> Option<Ev> {
        Ev::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Ev::ALL[i])
    }
}

/// The dispatcher's state: the command queue, the page's listeners and the mounted UI. Private
/// to this file (the other modules get their inputs handed in, and keep their own state);
/// only touched through [`with`], never borrowed across an `await` or while calling page code.
#[derive(Default)]
struct Rt {
    nonce: Option<String>,
    queue: VecDeque<Cmd>,
    running: bool,
    listeners: Vec<(Ev, Function)>,
    ui: Option<ui::Ui>,
    /// The `settings` of the boot that mounted the UI: passed through to the messenger and the
    /// engagement module, not read.
    settings: JsValue,
}

thread_local! {
    static RT: RefCell<Rt> = RefCell::new(Rt::default());
}

/// Runs `f` on the state; `None` instead of a panic if it is already borrowed.
fn with<R>(f: impl FnOnce(&mut Rt) -> R) -> Option<R> {
    RT.try_with(|c| c.try_borrow_mut().ok().map(|mut rt| f(&mut rt)))
        .ok()
        .flatten()
}

/// The mounted UI, if any.
pub(crate) fn ui() -> Option<ui::Ui> {
    with(|rt| rt.ui.clone()).flatten()
}

/// The `settings` of the boot that mounted the UI (passed through, not read).
pub(crate) fn mounted_settings() -> JsValue {
    with(|rt| rt.settings.clone()).unwrap_or_default()
}

/// Takes the mounted UI off the dispatcher, leaving it on the page.
pub(crate) fn take_ui() -> Option<ui::Ui> {
    with(|rt| rt.ui.take()).flatten()
}

/// Removes the mounted UI (another workspace boots, or shutdown).
pub(crate) fn unmount() {
    if let Some(ui) = take_ui() {
        ui.unmount();
    }
}

/// Replays the loader's queue, then makes `window.Porchlight` dispatch directly.
///
/// `config` is `{workspaceId, apiBase, settings, nonce, load}` from the script tag,
/// `window.porchlightSettings` and the loader. With a workspace known up front the messenger
/// boots by itself unless the queue holds an explicit `boot`.
#[wasm_bindgen]
pub fn start(queue: JsValue, config: JsValue) {
    let settings = js::get(&config, "settings");
    let ws = js::get_str(&config, "workspaceId").or_else(|| js::get_str(&settings, "workspaceId"));
    let auto = ws.is_some() || settings.is_object();
    let api: String = js::get_str(&config, "apiBase")
        .unwrap_or_default()
        .trim_end_matches('/')
        .into();
    let nonce = js::get_str(&config, "nonce");
    let load: Option<Function> = js::get(&config, "load").dyn_into().ok();
    with(|rt| rt.nonce = nonce.clone());
    chat::init(load.clone(), api.clone());
    engage::init(js::get(&config, "engage").dyn_into().ok(), load, nonce);
    session::init(
        api,
        ws.clone(),
        settings,
        Some(js::get(&config, "boot")).filter(|b| b.is_object()),
    );
    // A visitor who chats here gets the messenger while boot runs.
    if ws.is_some_and(|ws| chat::has_hint(&ws)) {
        chat::prefetch();
    }
    let calls: Vec<Array> = if Array::is_array(&queue) {
        queue
            .unchecked_into::<Array>()
            .iter()
            .filter(|a| a.is_object())
            .map(|a| Array::from(&a))
            .collect()
    } else {
        Vec::new()
    };
    if auto
        && !calls
            .iter()
            .any(|a| a.get(0).as_string().as_deref() == Some("boot"))
    {
        enqueue(Cmd::Boot(JsValue::UNDEFINED));
    }
    for a in calls {
        dispatch(a.get(0), a.get(1), a.get(2));
    }
    if let Some(w) = web_sys::window() {
        let f = Closure::<dyn Fn(JsValue, JsValue, JsValue)>::new(dispatch).into_js_value();
        let _ = Reflect::set(&w, &JsValue::from_str("Porchlight"), &f);
    }
}

/// `Porchlight(cmd, a, b)`.
fn dispatch(cmd: JsValue, a: JsValue, b: JsValue) {
    let name = cmd.as_string().unwrap_or_default();
    let settings_like = a.is_undefined() || a.is_null() || a.is_object();
    let c = match name.as_str() {
        "boot" if settings_like => Cmd::Boot(a),
        // Who the visitor is decides what they may see: ask again once it is known.
        "identify" if a.is_object() => {
            enqueue(Cmd::Identify(a));
            Cmd::Engage("update".into(), Array::new())
        }
        "update" if a.is_object() => {
            let body = Object::new();
            js::set(&body, "attributes", &a);
            enqueue(Cmd::Identify(body.into()));
            Cmd::Engage(name, Array::new())
        }
        "update" if settings_like => Cmd::Engage(name, Array::new()),
        n if engage::owns(n) => Cmd::Engage(name, Array::of2(&a, &b)),
        "show" => Cmd::Show,
        "showMessages" => Cmd::Space("messages", JsValue::UNDEFINED),
        "showNewMessage" => Cmd::Compose(a.as_string().unwrap_or_default()),
        "hide" => Cmd::Hide,
        "shutdown" => Cmd::Shutdown,
        "on" => return listen(true, &a, b),
        "off" => return listen(false, &a, b),
        "boot" | "identify" | "update" => {
            return js::warn("expected an object as the argument of", &cmd)
        }
        // `showArticle(id)`, `startChecklist(id)`: the messenger's.
        n => match MESSENGER_COMMANDS.iter().find(|(c, _)| *c == n) {
            Some((_, space))
                if a.as_string()
                    .is_some_and(|id| !id.is_empty() && id.len() <= 64) =>
            {
                Cmd::Space(space, a)
            }
            Some(_) => return js::warn("expected an id as the argument of", &cmd),
            None => return js::warn("unknown command", &cmd),
        },
    };
    enqueue(c);
}

/// `on(event, cb)` / `off(event, cb)`. A `ready` listener added after boot is called at once.
fn listen(on: bool, ev: &JsValue, cb: JsValue) {
    let Some(e) = ev.as_string().as_deref().and_then(Ev::named) else {
        return js::warn("unknown event", ev);
    };
    let cb = match cb.dyn_into::<Function>() {
        Ok(f) => f,
        Err(v) => return js::warn("on/off expects a function, got", &v),
    };
    if !on {
        with(|rt| rt.listeners.retain(|(le, f)| !(*le == e && *f == cb)));
        return;
    }
    with(|rt| rt.listeners.push((e, cb.clone())));
    let v = session::visitor();
    if e == Ev::Ready && v.is_object() {
        call(&cb, &v);
    }
}

fn call(f: &Function, arg: &JsValue) {
    if let Err(err) = f.call1(&JsValue::UNDEFINED, arg) {
        js::warn("an event listener threw", &err);
    }
}

/// Calls every listener of `ev` with `arg`.
pub(crate) fn fire(ev: Ev, arg: &JsValue) {
    let fs: Vec<Function> = with(|rt| {
        rt.listeners
            .iter()
            .filter(|(e, _)| *e == ev)
            .map(|(_, f)| f.clone())
            .collect()
    })
    .unwrap_or_default();
    for f in fs {
        call(&f, arg);
    }
}

/// Appends a command and starts the queue runner if it is idle.
#[inline(never)]
pub(crate) fn enqueue(c: Cmd) {
    let idle = with(|rt| {
        rt.queue.push_back(c);
        !std::mem::replace(&mut rt.running, true)
    });
    if idle == Some(true) {
        wasm_bindgen_futures::spawn_local(run());
    }
}

/// True when a newer `boot` or a `shutdown` is waiting: a retrying boot gives way to it.
pub(crate) fn superseded() -> bool {
    with(|rt| {
        rt.queue
            .iter()
            .any(|c| matches!(c, Cmd::Boot(_) | Cmd::Shutdown))
    })
    .unwrap_or(false)
}

async fn run() {
    while let Some(c) = with(|rt| {
        let c = rt.queue.pop_front();
        rt.running = c.is_some();
        c
    })
    .flatten()
    {
        match c {
            Cmd::Boot(a) => session::boot(a).await,
            Cmd::Identify(a) => session::identify(a).await,
            // `show()` moves focus into the panel, so Escape closes it and focus comes back.
            Cmd::Show => match ui() {
                Some(ui) => ui.set_open(true, true),
                None => js::warn("show before a successful boot", &JsValue::UNDEFINED),
            },
            Cmd::Hide => {
                if let Some(ui) = ui() {
                    ui.close();
                }
            }
            Cmd::Shutdown => session::shutdown().await,
            Cmd::Refresh => session::refresh().await,
            Cmd::Compose(text) => chat::compose(&text),
            Cmd::Space(name, arg) => match ui() {
                Some(ui) => {
                    ui.set_open(true, true);
                    chat::space(name, arg);
                }
                None => js::warn("show before a successful boot", &JsValue::from_str(name)),
            },
            Cmd::Engage(name, args) => match session::ws() {
                Some(ws) if name == "update" => engage::update(&ws),
                _ => engage::command(&name, args),
            },
        }
    }
}

/// Mounts the messenger from a boot response's `settings`, once, in place of the launcher the
/// loader drew; and keeps how it looks for the loader of the next page of `ws`.
pub(crate) fn ensure_ui(ws: &str, settings: &session::Settings) {
    if with(|rt| rt.ui.is_some()).unwrap_or(true) {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(parent) = doc
        .body()
        .map(|b| b.unchecked_into::<web_sys::Element>())
        .or_else(|| doc.document_element())
    else {
        return;
    };
    let nonce = with(|rt| rt.nonce.clone()).flatten();
    let m = ui::Messenger::from_js(&js::get(&settings.js, "messenger"));
    match ui::mount(&parent, &m, nonce.as_deref()) {
        Ok(ui) => {
            ui.on_toggle(|open| {
                fire(if open { Ev::Open } else { Ev::Close }, &JsValue::UNDEFINED);
                if open {
                    chat::opened();
                }
            });
            // A visitor reaching for the launcher is likely to open it: fetch the messenger now.
            for ev in ["pointerenter", "focus"] {
                ui.on(ui.launcher(), ev, |_| chat::prefetch());
            }
            // The composer is the core's: a send made while the messenger is on its way waits
            // for it (the text stays in the composer until the messenger takes it).
            let d = ui.chat();
            ui.on(&d.form, "submit", |e| {
                e.prevent_default();
                chat::submit();
            });
            ui.on(&d.input, "keydown", |e| {
                let k: &web_sys::KeyboardEvent = e.unchecked_ref();
                if k.key() == "Enter" && !k.shift_key() && !k.is_composing() {
                    e.prevent_default();
                    chat::submit();
                }
            });
            if let Some(s) = storage() {
                let k = paint_key(ws);
                if s.get_item(&k).ok().flatten().as_deref() != Some(ui.paint_record()) {
                    let _ = s.set_item(&k, ui.paint_record());
                }
            }
            with(|rt| {
                rt.ui = Some(ui);
                rt.settings = settings.js.clone();
            });
        }
        Err(e) => js::warn("could not show the messenger", &e),
    }
}
