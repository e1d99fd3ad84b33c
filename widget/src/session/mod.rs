//! The visitor session: what is kept in `localStorage`, when to refresh, and the boot /
//! identify / refresh / revoke calls with their transparent re-boot on an expired token.
//!
//! The token is re-read from storage before every call, so tabs of one site share one session:
//! when one tab refreshes (rotating the token), the others pick up the new token instead of
//! presenting the dead one.

use crate::js::{self, get, get_f64, get_str};
use crate::net::{self, ApiError};
use crate::{ensure_ui, fire, superseded, Cmd, Ev};
use js_sys::{Date, Object, Promise, JSON};
/// Boot retry delay (1 s, 2 s, 4 s, … capped at 30 s) and hex, shared with the messenger.
pub use porchlight_widget_common::{backoff_ms, hex};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

mod stored;
pub use stored::*;

/// The boot the loader started while this module downloaded (`config.boot`, see
/// `loader/porchlight.js`): `{workspaceId, sessionId, token, response}` — the anonymous id and
/// the token it sent, and its `fetch` in flight. The first boot of that workspace reads its
/// answer instead of sending its own.
pub type Prefetched = JsValue;

/// The visitor of the live session, read once from a boot or identify answer.
#[derive(Clone, Default)]
pub struct Visitor {
    pub id: Option<String>,
    /// The answer's `visitor` object: passed through to `ready` listeners and the messenger,
    /// not read.
    pub js: JsValue,
}

impl Visitor {
    pub fn from_js(js: JsValue) -> Self {
        Visitor {
            id: get_str(&js, "id"),
            js,
        }
    }
}

/// What the core reads of a boot answer's `settings`.
pub struct Settings {
    /// `sessionLifetimeMs`.
    pub lifetime_ms: f64,
    /// `messenger.trackedClicks` is non-empty: the engagement module is needed on every page.
    pub tracks_clicks: bool,
    /// The whole object: passed through to the UI, the messenger and the engagement module.
    pub js: JsValue,
}

impl Settings {
    pub fn from_js(js: JsValue) -> Self {
        Settings {
            lifetime_ms: get_f64(&js, "sessionLifetimeMs").unwrap_or(DEFAULT_LIFETIME_MS),
            tracks_clicks: get(&get(&js, "messenger"), "trackedClicks")
                .dyn_into::<js_sys::Array>()
                .is_ok_and(|a| a.length() > 0),
            js,
        }
    }
}

/// The session's own state: set at start ([`init`]) and by boot, identify and shutdown. Only
/// touched through [`state`], never borrowed across an `await` or while calling page code.
#[derive(Default)]
struct Session {
    /// API base URL, without a trailing slash.
    api: String,
    /// `data-workspace` / `porchlightSettings.workspaceId`.
    default_ws: Option<String>,
    /// `window.porchlightSettings`: the page's object, read key by key at each boot.
    page: JsValue,
    /// The booted workspace.
    ws: Option<String>,
    /// Identity claims replayed on a transparent re-boot: copied into request bodies, not read.
    claims: Object,
    visitor: Visitor,
    /// The pending refresh timer.
    timer: Option<i32>,
    /// The boot the loader started before this module arrived, until the first boot adopts it.
    prefetched: Option<Prefetched>,
}

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
}

/// Runs `f` on the session's state; `None` instead of a panic if it is already borrowed (a
/// re-entrant call from page code).
fn state<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    SESSION
        .try_with(|c| c.try_borrow_mut().ok().map(|mut s| f(&mut s)))
        .ok()
        .flatten()
}

/// Start-up: the API base, the workspace known up front, the page's settings and the boot
/// the loader started, handed in by the dispatcher.
pub(crate) fn init(
    api: String,
    default_ws: Option<String>,
    page: JsValue,
    prefetched: Option<Prefetched>,
) {
    state(|s| {
        s.api = api;
        s.default_ws = default_ws;
        s.page = page;
        s.prefetched = prefetched;
    });
}

/// The booted workspace.
pub(crate) fn ws() -> Option<String> {
    state(|s| s.ws.clone()).flatten()
}

/// The booted visitor's object (undefined before boot and after shutdown).
pub(crate) fn visitor() -> JsValue {
    state(|s| s.visitor.js.clone()).unwrap_or_default()
}

/// Drops the stored token of `ws` if it is still `tried` (another tab may have stored a newer
/// one meanwhile, which must survive).
fn forget_token(ws: &str, tried: &str) {
    let mut st = Stored::load(ws);
    if st.token.as_deref() == Some(tried) {
        st.token = None;
        st.save(ws);
    }
}

fn api_url(path: &str) -> String {
    net::url(&state(|s| s.api.clone()).unwrap_or_default(), path)
}

/// Warns once and fires the `error` event.
fn report(what: &str, e: &ApiError) {
    let detail = e.to_js();
    js::warn(what, &detail);
    fire(Ev::Error, &detail);
}

/// The page facts sent with every boot.
fn page() -> JsValue {
    let o = Object::new();
    if let Some(w) = web_sys::window() {
        if let Ok(href) = w.location().href() {
            js::set(&o, "url", &JsValue::from_str(clip(&href, 2048)));
        }
        if let Some(d) = w.document() {
            js::set(
                &o,
                "referrer",
                &JsValue::from_str(clip(&d.referrer(), 2048)),
            );
            js::set(&o, "title", &JsValue::from_str(clip(&d.title(), 500)));
        }
    }
    o.into()
}

/// `settings[k]`, else the page's `window.porchlightSettings[k]`.
fn setting(arg: &JsValue, page: &JsValue, k: &str) -> JsValue {
    let v = get(arg, k);
    if v.is_undefined() {
        get(page, k)
    } else {
        v
    }
}

/// The `boot` command: resolve the workspace, boot (or resume) its session, mount the UI, fire
/// `ready`.
pub async fn boot(arg: JsValue) {
    if !(arg.is_undefined() || arg.is_null() || arg.is_object()) {
        js::warn("boot expects an object of settings, got", &arg);
        return;
    }
    let Some((page_settings, default_ws)) = state(|s| (s.page.clone(), s.default_ws.clone()))
    else {
        return;
    };
    let ws = setting(&arg, &page_settings, "workspaceId")
        .as_string()
        .filter(|s| !s.is_empty())
        .or(default_ws);
    let Some(ws) = ws else {
        js::warn(
            "boot needs a workspace: add data-workspace to the script tag",
            &arg,
        );
        return;
    };
    // Booting another workspace leaves the old session stored (for a later boot) but its UI goes.
    let other = state(|s| {
        let other = s.ws.as_deref() != Some(ws.as_str());
        if other {
            s.ws = Some(ws.clone());
        }
        other
    });
    if other == Some(true) {
        crate::unmount();
    }
    // The loader's boot is this one when the page asked nothing else (auto boot, same workspace).
    let prefetched = state(|s| s.prefetched.take())
        .flatten()
        .filter(|p| arg.is_undefined() && get_str(p, "workspaceId").as_deref() == Some(&ws));
    let claims = Object::new();
    for k in CLAIMS {
        let v = setting(&arg, &page_settings, k);
        if !v.is_undefined() && !v.is_null() {
            js::set(&claims, k, &v);
        }
    }
    state(|s| s.claims = claims.clone());
    let attributes = setting(&arg, &page_settings, "attributes");
    let locale = setting(&arg, &page_settings, "locale");
    match start_session(&ws, &claims, &attributes, &locale, prefetched).await {
        Some(visitor) => {
            fire(Ev::Ready, &visitor);
            wasm_bindgen_futures::spawn_local(crate::chat::after_boot(ws));
        }
        // Failed for good (an unknown workspace, a refused origin, …): the launcher the loader
        // drew ahead of the answer goes, as this module's never comes.
        None if !superseded() => remove_early(),
        None => {}
    }
}

/// `POST /v1/boot` until it succeeds or fails for good; resumes with the stored token when it
/// is live. Returns the visitor. Network failures back off (1 s … 30 s) and give way to a newer
/// `boot` or `shutdown` waiting in the queue.
async fn start_session(
    ws: &str,
    claims: &Object,
    attributes: &JsValue,
    locale: &JsValue,
    mut prefetched: Option<Prefetched>,
) -> Option<JsValue> {
    // Adopting the loader's boot, this runs in the task that instantiated the module, and the
    // launcher on screen is the loader's: the rest (the body, storage, the answer, mounting the
    // UI) gets tasks of its own, so none adds to that one.
    if prefetched.is_some() {
        net::sleep(0).await;
    }
    let url = api_url("/v1/boot");
    let body = Object::new();
    js::copy(&body, claims, &CLAIMS);
    js::set(&body, "workspaceId", &JsValue::from_str(ws));
    if attributes.is_object() {
        js::set(&body, "attributes", attributes);
    }
    js::set(&body, "page", &page());
    js::set(&body, "eligible", &crate::engage::ask(ws));
    // The edge picks the language (as the loader's boot): the page's locale, else the browser's.
    if let Some(l) = locale.as_string() {
        js::set(&body, "locale", &JsValue::from_str(clip(&l, 35)));
    }
    if let Some(w) = web_sys::window() {
        js::set(&body, "languages", &w.navigator().languages());
    }
    let mut attempt = 0;
    let mut told = false;
    loop {
        let mut st = Stored::load(ws);
        // The loader sent this very request already: its answer is read below.
        let adopted = prefetched.take().and_then(|p| {
            let sid = get_str(&p, "sessionId").filter(|s| valid_session_id(s))?;
            let response = get(&p, "response").dyn_into::<Promise>().ok()?;
            Some((
                sid,
                get_str(&p, "token").filter(|t| valid_token(t)),
                response,
            ))
        });
        if let Some((sid, _, _)) = &adopted {
            st.session_id = sid.clone();
        }
        st.save(ws);
        js::set(&body, "sessionId", &JsValue::from_str(&st.session_id));
        let (token, sent) = match adopted {
            Some((_, token, response)) => (token, Ok(response)),
            None => {
                let token = st.live_token(Date::now()).map(String::from);
                let sent = net::send("POST", &url, token.as_deref(), Some(&body), None);
                (token, sent)
            }
        };
        let answer = match sent {
            Ok(p) => net::read(p).await,
            Err(e) => Err(e),
        };
        match (answer, token) {
            (Ok(r), _) => {
                // The answer was parsed in this task, and storing it and mounting the UI is
                // work of its own, as is handing its content to the engagement module: three
                // tasks, none of them long (issue 16).
                net::sleep(0).await;
                let Some((v, settings)) = accept(ws, st, &r) else {
                    report(
                        "boot: unexpected response",
                        &ApiError::new(200, "BAD_RESPONSE"),
                    );
                    return None;
                };
                net::sleep(0).await;
                crate::engage::answered(ws, &get(&r, "eligible"), &settings);
                return Some(v);
            }
            // The stored token died: boot afresh with the same anonymous id.
            (Err(e), Some(t)) if e.is_auth() => forget_token(ws, &t),
            (Err(e), _) if e.retryable() => {
                if !told {
                    told = true;
                    report("boot failed, retrying", &e);
                }
                net::sleep(backoff_ms(attempt)).await;
                attempt += 1;
                if superseded() {
                    return None;
                }
            }
            (Err(e), _) => {
                report("boot failed", &e);
                return None;
            }
        }
    }
}

/// Stores a boot response, schedules its refresh and mounts the UI. Returns the visitor and
/// the workspace's settings.
fn accept(ws: &str, mut st: Stored, r: &JsValue) -> Option<(JsValue, Settings)> {
    let token = get_str(r, "sessionToken").filter(|t| valid_token(t))?;
    let expires_at = get_f64(r, "expiresAt")?;
    let settings = Settings::from_js(get(r, "settings"));
    st.token = Some(token);
    st.expires_at = expires_at;
    st.lifetime_ms = settings.lifetime_ms;
    st.save(ws);
    schedule_refresh(refresh_delay(Date::now(), expires_at, st.lifetime_ms));
    let visitor = get(r, "visitor");
    state(|s| s.visitor = Visitor::from_js(visitor.clone()));
    crate::chat::visitor(&visitor);
    // A boot in another locale (`boot({locale})` again): what is drawn is drawn again in it —
    // the launcher and panel here, the messenger's spaces on the new panel, the engagement
    // module's items when it reads the answer.
    // The new UI takes over the visitor's state from the old one, still on the page until then
    // (where focus is); in the composer, the messenger shows the conversation it is in.
    let was = if porchlight_widget_common::catalog::adopt(r) {
        crate::take_ui()
    } else {
        None
    };
    ensure_ui(ws, &settings);
    if let Some(was) = was {
        if crate::ui().is_some_and(|ui| ui.adopt(&was, crate::chat::remounted)) {
            crate::chat::space("messages", JsValue::UNDEFINED);
        }
        was.unmount();
    }
    Some((visitor, settings))
}

/// The launcher the loader drew, when no UI of this module replaced it.
fn remove_early() {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        crate::ui::remove_early(&d);
    }
}

/// A re-boot nobody asked for (expired token): same claims, no `ready`, and the language the
/// widget speaks (else the edge would pick the browser's over the page's `boot({locale})`).
async fn reboot(ws: &str) -> Option<JsValue> {
    let claims = state(|s| s.claims.clone())?;
    let locale = porchlight_widget_common::catalog::locale()
        .map(|l| JsValue::from_str(&l))
        .unwrap_or(JsValue::UNDEFINED);
    start_session(ws, &claims, &JsValue::UNDEFINED, &locale, None).await
}

/// A call that needs the session token. A dead token is replaced by a transparent re-boot and
/// the call is tried once more.
pub(crate) async fn call_authed(
    method: &str,
    path: &str,
    body: Option<&JsValue>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<JsValue, ApiError> {
    let Some(ws) = ws() else {
        return Err(ApiError::new(0, "NOT_BOOTED"));
    };
    let url = api_url(path);
    for attempt in 0..2 {
        let token = match Stored::load(&ws).live_token(Date::now()) {
            Some(t) => t.to_owned(),
            None => {
                reboot(&ws)
                    .await
                    .ok_or_else(|| ApiError::new(0, "NOT_BOOTED"))?;
                Stored::load(&ws)
                    .live_token(Date::now())
                    .map(String::from)
                    .ok_or_else(|| ApiError::new(0, "NOT_BOOTED"))?
            }
        };
        match net::read(net::send(method, &url, Some(&token), body, signal)?).await {
            Err(e) if attempt == 0 && e.is_auth() => forget_token(&ws, &token),
            r => return r,
        }
    }
    Err(ApiError::new(401, "SESSION_EXPIRED"))
}

/// The `identify` command (and `update`, which sends only attributes).
pub async fn identify(arg: JsValue) {
    let body = Object::new();
    js::copy(&body, &arg, &CLAIMS);
    js::copy(&body, &arg, &["attributes"]);
    match call_authed("POST", "/v1/identify", Some(&body), None).await {
        Ok(r) => {
            let visitor = get(&r, "visitor");
            let visitor = Visitor::from_js(visitor);
            let changed = state(|s| {
                let before = s.visitor.id.clone();
                if visitor.js.is_object() {
                    s.visitor = visitor.clone();
                }
                // Accepted claims ride along on any later transparent re-boot.
                js::copy(&s.claims, &body, &CLAIMS);
                before != visitor.id
            })
            .unwrap_or(false);
            if visitor.js.is_object() {
                crate::chat::visitor(&visitor.js);
            }
            // A verified sign-in merged this visitor into another: the live socket and the
            // conversations are now that visitor's.
            if changed {
                if let Some(ws) = ws() {
                    crate::chat::visitor_changed(ws).await;
                }
            }
        }
        Err(e) if e.code == "NOT_BOOTED" => js::warn("identify/update before boot", &arg),
        Err(e) => report("identify failed", &e),
    }
}

/// The refresh timer fired: rotate the token if it is due (another tab may already have).
pub async fn refresh() {
    let Some(ws) = ws() else {
        return;
    };
    // Every tab of the site fires this timer at about the same moment: a random pause lets
    // one rotate the token and the others adopt it from storage.
    // The pause stays small next to the lifetime, so even a short-lived token is refreshed in time.
    let life = Stored::load(&ws).lifetime_ms;
    let jitter = REFRESH_JITTER_MS.min(if life > 0.0 {
        life / 20.0
    } else {
        REFRESH_JITTER_MS
    });
    net::sleep((js_sys::Math::random() * jitter) as u32).await;
    let mut st = Stored::load(&ws);
    let now = Date::now();
    let Some(token) = st.live_token(now).map(String::from) else {
        reboot(&ws).await;
        return;
    };
    let due = refresh_delay(now, st.expires_at, st.lifetime_ms);
    if due > 0.0 {
        schedule_refresh(due);
        return;
    }
    match net::post(&api_url("/v1/session/refresh"), Some(&token), None).await {
        Ok(r) => match (
            get_str(&r, "sessionToken").filter(|t| valid_token(t)),
            get_f64(&r, "expiresAt"),
        ) {
            (Some(t), Some(exp)) => {
                // A session has an absolute end (30 days after its first boot): once a refresh
                // no longer moves the expiry, the next step is a new boot when it expires, not
                // another refresh.
                let extended = exp > st.expires_at;
                st.token = Some(t);
                st.expires_at = exp;
                st.save(&ws);
                let now = Date::now();
                schedule_refresh(if extended {
                    refresh_delay(now, exp, st.lifetime_ms)
                } else {
                    until(now, exp)
                });
            }
            _ => schedule_refresh(REFRESH_RETRY_MS),
        },
        Err(e) if e.is_auth() => {
            // Perhaps another tab rotated it a moment ago; otherwise boot again.
            net::sleep(1000).await;
            let fresh = Stored::load(&ws);
            match fresh.live_token(Date::now()) {
                Some(t) if t != token => schedule_refresh(refresh_delay(
                    Date::now(),
                    fresh.expires_at,
                    fresh.lifetime_ms,
                )),
                _ => {
                    forget_token(&ws, &token);
                    reboot(&ws).await;
                }
            }
        }
        Err(_) => schedule_refresh(REFRESH_RETRY_MS),
    }
}

/// Replaces the pending refresh timer.
fn schedule_refresh(ms: f64) {
    let Some(w) = web_sys::window() else {
        return;
    };
    let cb = Closure::once_into_js(|| crate::enqueue(Cmd::Refresh));
    let id = w
        .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms as i32)
        .ok();
    if let Some(old) = state(|s| std::mem::replace(&mut s.timer, id)).flatten() {
        w.clear_timeout_with_handle(old);
    }
}

/// The `shutdown` command: unmount, forget everything stored, revoke the token. The next boot
/// on this browser is a stranger.
pub async fn shutdown() {
    let Some((ws, timer)) = state(|s| {
        s.visitor = Visitor::default();
        s.claims = Object::new();
        (s.ws.take().or_else(|| s.default_ws.clone()), s.timer.take())
    }) else {
        return;
    };
    if let (Some(t), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(t);
    }
    crate::unmount();
    remove_early();
    let Some(ws) = ws else {
        return;
    };
    crate::chat::stop(&ws);
    crate::engage::stop();
    let k = key(&ws);
    let token = read(&k)
        .and_then(|s| JSON::parse(&s).ok())
        .and_then(|v| get_str(&v, "token"))
        .filter(|t| valid_token(t));
    remove(&k);
    if let Some(t) = token {
        // Best effort: the token is already forgotten here, and it expires anyway.
        let _ = net::post(&api_url("/v1/session/revoke"), Some(&t), None).await;
    }
}
