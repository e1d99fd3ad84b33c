//! Nothing is lost: impressions and tracked events go into `localStorage` first (they survive a
//! reload and an offline spell), each with a client id, and are sent from there — in order,
//! retried with backoff, again at once when the browser comes back online. The edge stores each
//! client id once, so a retry, or two tabs sending the same queue, never counts twice.
//!
//! - `porchlight:<ws>:fx` — impressions: the queue *and* this browser's record of what it
//!   showed, dismissed or completed (kept a day after being sent). Frequency reads it for what
//!   happened since the edge last answered; every tab reads it, so a dismissal in one tab takes
//!   the item down in the others at once (`storage` event).
//! - `porchlight:<ws>:ev` — tracked events, sent in batches of up to 50 and removed once stored.
//! - `porchlight:<ws>:tp` — tours' progress actions, in order (a tour's step is replayed from
//!   the edge's progress and these).
//! - `porchlight:<ws>:sr` — survey answers (`queue/answers.rs`).

use std::cell::RefCell;

use js_sys::{Array, Object, JSON};
use porchlight_shared::events::{valid_event_name, MAX_BATCH, MAX_PROPERTIES};
use porchlight_shared::experiences::{replay, Run, TourAction};
use porchlight_shared::targeting::frequency::{History, Impression};
use porchlight_shared::vocab::{ImpressionAction, ItemKind};
use porchlight_widget_common::js::{get_f64, get_str, set};
use porchlight_widget_common::{backoff_ms, client_id, key, storage, ApiError};
use wasm_bindgen::prelude::*;

use crate::host::{call, later};

mod answers;
pub(crate) use answers::{answer, answers_key, answers_since, flush_answers};

/// One impression (short keys: it is kept in every visitor's storage): client id `c`,
/// family `k`, item `i`, action `a`, when `t`, browsing session `b`, when the edge stored it
/// `s` (0: not yet).
#[derive(Debug, Clone)]
pub(crate) struct Imp {
    pub c: String,
    pub k: String,
    pub i: String,
    pub a: String,
    pub t: i64,
    pub b: String,
    pub s: i64,
}

impl Imp {
    fn from_js(v: &JsValue) -> Option<Imp> {
        Some(Imp {
            c: get_str(v, "c")?,
            k: get_str(v, "k")?,
            i: get_str(v, "i")?,
            a: get_str(v, "a")?,
            t: get_f64(v, "t")? as i64,
            b: get_str(v, "b").unwrap_or_default(),
            s: get_f64(v, "s").unwrap_or(0.0) as i64,
        })
    }

    fn to_js(&self) -> JsValue {
        let o = Object::new();
        for (k, v) in [
            ("c", &self.c),
            ("k", &self.k),
            ("i", &self.i),
            ("a", &self.a),
            ("b", &self.b),
        ] {
            set(&o, k, &JsValue::from_str(v));
        }
        set(&o, "t", &JsValue::from_f64(self.t as f64));
        set(&o, "s", &JsValue::from_f64(self.s as f64));
        o.into()
    }
}

/// Kept at most: older entries go first.
const MAX_IMPS: usize = 300;
const MAX_EVENTS: u32 = 500;
/// A sent impression is kept this long: the next `/v1/eligible` answer includes it.
const KEEP_SENT_MS: i64 = 24 * 60 * 60 * 1000;

struct Q {
    ws: String,
    sending_imps: bool,
    sending_events: bool,
    imp_failures: u32,
    event_failures: u32,
}

thread_local! {
    static Q: RefCell<Q> = const {
        RefCell::new(Q {
            ws: String::new(),
            sending_imps: false,
            sending_events: false,
            imp_failures: 0,
            event_failures: 0,
        })
    };
}

fn q<R>(f: impl FnOnce(&mut Q) -> R) -> Option<R> {
    Q.try_with(|c| c.try_borrow_mut().ok().map(|mut s| f(&mut s)))
        .ok()
        .flatten()
}

pub(crate) fn set_workspace(ws: &str) {
    q(|s| s.ws = ws.into());
}

fn ws() -> String {
    q(|s| s.ws.clone()).unwrap_or_default()
}

pub(crate) fn imps_key(ws: &str) -> String {
    key(ws, ":fx")
}

fn events_key(ws: &str) -> String {
    key(ws, ":ev")
}

thread_local! {
    /// The queues of a browser without `localStorage` (blocked, or full): kept for this page,
    /// so what the visitor does still reaches the edge (a reload then starts afresh).
    static MEM: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

fn mem(k: &str) -> Option<String> {
    MEM.with(|m| {
        m.borrow()
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
    })
}

/// The stored list at `k` (an array; anything else reads as empty): this page's copy when
/// storage refused the last write, else storage's.
fn read(k: &str) -> Array {
    mem(k)
        .or_else(|| storage().and_then(|s| s.get_item(k).ok().flatten()))
        .and_then(|t| JSON::parse(&t).ok())
        .and_then(|v| v.dyn_into::<Array>().ok())
        .unwrap_or_default()
}

fn write(k: &str, list: &Array) {
    let text = match list.length() {
        0 => None,
        _ => match JSON::stringify(list).ok().and_then(|t| t.as_string()) {
            Some(t) => Some(t),
            None => return,
        },
    };
    let stored = storage().is_some_and(|s| {
        let ok = match &text {
            None => s.remove_item(k).is_ok(),
            Some(t) => s.set_item(k, t).is_ok(),
        };
        // Refused (full): the copy left there is older than this page's; it goes, so a reload
        // does not send what was sent since.
        if !ok {
            let _ = s.remove_item(k);
        }
        ok
    });
    MEM.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|(x, _)| x != k);
        if let (false, Some(t)) = (stored, text) {
            m.push((k.to_string(), t));
        }
    });
}

fn read_imps(k: &str) -> Vec<Imp> {
    let mut out = Vec::new();
    for v in read(k).iter() {
        if let Some(x) = Imp::from_js(&v) {
            out.push(x);
        }
    }
    out
}

fn write_imps(k: &str, list: &[Imp]) {
    let a = Array::new();
    for x in list {
        a.push(&x.to_js());
    }
    write(k, &a);
}

pub(crate) fn imps() -> Vec<Imp> {
    read_imps(&imps_key(&ws()))
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Records what the visitor did with an item, and sends it.
pub(crate) fn record(family: &str, id: &str, action: ImpressionAction, bs: &str) {
    record_once(family, id, action, bs, None);
}

/// [`record`], under client id `once` when given: recorded already (this browser's record
/// holds it), it is not recorded again — and the edge stores a client id once.
pub(crate) fn record_once(
    family: &str,
    id: &str,
    action: ImpressionAction,
    bs: &str,
    once: Option<String>,
) {
    keep_imp(family, id, action, bs, 0, once);
    flush_imps();
}

/// Records what the visitor did with a tour in this browser's record only (frequency, other
/// tabs): the edge records a tour's impressions itself, from its progress.
pub(crate) fn note(family: &str, id: &str, action: ImpressionAction, bs: &str) {
    keep_imp(family, id, action, bs, now(), None);
}

fn keep_imp(
    family: &str,
    id: &str,
    action: ImpressionAction,
    bs: &str,
    sent: i64,
    once: Option<String>,
) {
    let k = imps_key(&ws());
    let mut list = read_imps(&k);
    if once
        .as_ref()
        .is_some_and(|c| list.iter().any(|x| &x.c == c))
    {
        return;
    }
    let t = now();
    list.retain(|x| x.s == 0 || t - x.s < KEEP_SENT_MS);
    list.push(Imp {
        c: once.unwrap_or_else(client_id),
        k: family.into(),
        i: id.into(),
        a: action.as_str().into(),
        t,
        b: bs.into(),
        s: sent,
    });
    if list.len() > MAX_IMPS {
        let drop = list.len() - MAX_IMPS;
        list.drain(..drop);
    }
    write_imps(&k, &list);
}

/// When this browser last showed a survey (an author's preview aside) since the edge answered
/// at `answered_at`: the workspace's survey pacing counts from it (the edge paced what it sent
/// by the ones before).
pub(crate) fn last_survey_shown(list: &[Imp], answered_at: i64) -> Option<i64> {
    let mut last = None;
    for x in list {
        if x.k == ItemKind::Survey.family().as_str()
            && x.a == ImpressionAction::Shown.as_str()
            && !x.i.starts_with("preview-")
            && (x.s == 0 || x.s >= answered_at)
        {
            last = last.max(Some(x.t));
        }
    }
    last
}

/// What this browser recorded about `id` that the edge's answer (received at `answered_at`)
/// cannot include yet, added to the edge's history.
pub(crate) fn history(edge: &History, id: &str, answered_at: i64, list: &[Imp]) -> History {
    let mut h = edge.clone();
    for x in list
        .iter()
        .filter(|x| x.i == id && (x.s == 0 || x.s >= answered_at))
    {
        match x.a.parse::<ImpressionAction>() {
            Ok(ImpressionAction::Shown) => h.impressions.push(Impression {
                at: x.t,
                browsing_session: x.b.clone(),
            }),
            Ok(ImpressionAction::Dismissed) => h.dismissed_at = Some(x.t),
            Ok(ImpressionAction::Completed) => h.completed_at = Some(x.t),
            _ => {}
        }
    }
    h
}

/// Sends unsent impressions, oldest first, one at a time, from a task of its own (they are
/// stored already: the page's own work, drawing what shows, goes first).
pub(crate) fn flush_imps() {
    if q(|s| std::mem::replace(&mut s.sending_imps, true)).unwrap_or(true) {
        return;
    }
    later(0, send_imp);
}

/// Sends the oldest unsent impression, then the next (from the answer's callback), until none
/// is left.
fn send_imp() {
    let k = imps_key(&ws());
    let Some(next) = read_imps(&k).into_iter().find(|x| x.s == 0) else {
        q(|s| s.sending_imps = false);
        return;
    };
    let body = js_sys::Object::new();
    for (name, v) in [
        ("kind", JsValue::from_str(&next.k)),
        ("contentId", JsValue::from_str(&next.i)),
        ("action", JsValue::from_str(&next.a)),
        ("browsingSession", JsValue::from_str(&next.b)),
        ("clientId", JsValue::from_str(&next.c)),
        ("occurredAt", JsValue::from_f64(next.t as f64)),
    ] {
        porchlight_widget_common::js::set(&body, name, &v);
    }
    let done = move |r: Result<JsValue, ApiError>| match r {
        Err(e) if e.retryable() => {
            let n = q(|s| {
                s.imp_failures += 1;
                s.imp_failures
            })
            .unwrap_or(1);
            later(backoff_ms(n - 1), send_imp);
        }
        // Stored; or refused for good (the item was paused or archived meanwhile): either
        // way it leaves the queue, and stays in the record.
        _ => {
            q(|s| s.imp_failures = 0);
            let mut list = read_imps(&k);
            for x in list.iter_mut().filter(|x| x.c == next.c) {
                x.s = now();
            }
            write_imps(&k, &list);
            send_imp();
        }
    };
    call("POST", "/v1/impressions", Some(&body), Box::new(done));
}

/// `track(name, props)`: checked, queued, sent. Returns the event as the page's triggers see
/// it, or why it was refused.
pub(crate) fn track(
    name: &JsValue,
    props: &JsValue,
    url: &str,
) -> Result<(String, JsValue), &'static str> {
    let name = name.as_string().unwrap_or_default();
    if !valid_event_name(&name) {
        return Err("track expects an event name of 1-100 printable characters");
    }
    // A copy through JSON: what is stored is plain data, whatever the page handed over.
    let plain = if props.is_undefined() || props.is_null() {
        Object::new().into()
    } else {
        JSON::stringify(props)
            .ok()
            .and_then(|t| t.as_string())
            .and_then(|t| JSON::parse(&t).ok())
            .unwrap_or(JsValue::NULL)
    };
    if !plain.is_object() || Array::is_array(&plain) {
        return Err("track expects an object of properties");
    }
    if Object::keys(plain.unchecked_ref::<Object>()).length() as usize > MAX_PROPERTIES {
        return Err("track accepts at most 20 properties");
    }
    let k = events_key(&ws());
    let list = read(&k);
    let e = Object::new();
    set(&e, "clientId", &JsValue::from_str(&client_id()));
    set(&e, "name", &JsValue::from_str(&name));
    set(&e, "properties", &plain);
    set(&e, "url", &JsValue::from_str(url));
    set(&e, "occurredAt", &JsValue::from_f64(now() as f64));
    list.push(&e);
    while list.length() > MAX_EVENTS {
        list.shift();
    }
    write(&k, &list);
    flush_events();
    Ok((name, plain))
}

/// Sends queued events in batches.
pub(crate) fn flush_events() {
    if q(|s| std::mem::replace(&mut s.sending_events, true)).unwrap_or(true) {
        return;
    }
    send_events();
}

/// Sends the oldest batch, then the next (from the answer's callback), until none is left.
fn send_events() {
    let k = events_key(&ws());
    let batch = read(&k).slice(0, MAX_BATCH as u32);
    if batch.length() == 0 {
        q(|s| s.sending_events = false);
        return;
    }
    let body = Object::new();
    set(&body, "events", &batch);
    let done = move |r: Result<JsValue, ApiError>| match r {
        Err(e) if e.retryable() => {
            let n = q(|s| {
                s.event_failures += 1;
                s.event_failures
            })
            .unwrap_or(1);
            later(backoff_ms(n - 1), send_events);
        }
        r => {
            if let Err(e) = r {
                porchlight_widget_common::js::warn(
                    "events were refused",
                    &JsValue::from_str(&e.code),
                );
            }
            q(|s| s.event_failures = 0);
            let mut sent: Vec<String> = Vec::new();
            for e in batch.iter() {
                if let Some(c) = get_str(&e, "clientId") {
                    sent.push(c);
                }
            }
            let left = Array::new();
            for e in read(&k).iter() {
                if !get_str(&e, "clientId").is_some_and(|c| sent.contains(&c)) {
                    left.push(&e);
                }
            }
            write(&k, &left);
            send_events();
        }
    };
    call("POST", "/v1/events", Some(&body.into()), Box::new(done));
}

/// Clears both queues (shutdown: the next visitor on this browser is a stranger).
pub(crate) fn clear() {
    let ws = ws();
    if let Some(s) = storage() {
        let _ = s.remove_item(&imps_key(&ws));
        let _ = s.remove_item(&events_key(&ws));
        let _ = s.remove_item(&progress_key(&ws));
        let _ = s.remove_item(&answers_key(&ws));
    }
    MEM.with(|m| m.borrow_mut().clear());
}

// ---------------------------------------------------------------------------------------------
// Tour progress: `porchlight:<ws>:tp`, each action `{c, i, a, s?, f?, u?, t, x}` (client id,
// tour, action, step, the step left, URL, when, when the edge stored it: 0 not yet), sent in
// order, one at a time, retried with backoff. Every tab of the browser shares it (and hears
// it change: `storage`), so tabs follow one run. A repeat changes nothing at the edge (an
// advance names the step it leaves and the one it goes to; a repeated complete or dismiss is
// refused), so a refusal leaves the queue as a success does, and the runtime asks the edge
// again (this tab had fallen behind). Sent actions are kept ten minutes: an answer asked for
// before they landed is corrected by replaying them (`tour_run`).

thread_local! {
    static TP: RefCell<(bool, u32)> = const { RefCell::new((false, 0)) };
}

/// `/v1/tours/{id}/progress` (one copy: `startTour` posts there too).
pub(crate) fn progress_path(id: &str) -> String {
    let mut path = String::from("/v1/tours/");
    path.push_str(&String::from(js_sys::encode_uri_component(id)));
    path.push_str("/progress");
    path
}

pub(crate) fn progress_key(ws: &str) -> String {
    key(ws, ":tp")
}

/// Queues `action` on tour `id` (an advance: `step` to, `from`; `url` when its step runs
/// here), and sends it.
pub(crate) fn progress(
    id: &str,
    action: TourAction,
    step: Option<u32>,
    from: Option<u32>,
    url: Option<&str>,
) {
    let k = progress_key(&ws());
    let list = read(&k);
    let t = now();
    let left = Array::new();
    for e in list.iter() {
        let x = get_f64(&e, "x").unwrap_or(0.0) as i64;
        if x == 0 || t - x < 600_000 {
            left.push(&e);
        }
    }
    let e = Object::new();
    set(&e, "c", &JsValue::from_str(&client_id()));
    set(&e, "i", &JsValue::from_str(id));
    set(&e, "a", &JsValue::from_str(action.as_str()));
    if let Some(s) = step {
        set(&e, "s", &JsValue::from(s));
    }
    if let Some(f) = from {
        set(&e, "f", &JsValue::from(f));
    }
    if let Some(u) = url {
        set(&e, "u", &JsValue::from_str(u));
    }
    set(&e, "t", &JsValue::from_f64(t as f64));
    set(&e, "x", &JsValue::from_f64(0.0));
    left.push(&e);
    while left.length() > 100 {
        left.shift();
    }
    write(&k, &left);
    flush_progress();
}

/// Where the visitor is in tour `id` (last step `last`): the edge's `edge`, with the actions
/// queued since its answer was asked for (`answered_at`) replayed on top.
pub(crate) fn tour_run(id: &str, edge: Option<Run>, last: u32, answered_at: i64) -> Option<Run> {
    let mut run = edge;
    // A preview's run is this browser's alone: the edge refuses and keeps none of it.
    let preview = id.starts_with("preview-");
    for e in read(&progress_key(&ws())).iter() {
        let x = get_f64(&e, "x").unwrap_or(0.0) as i64;
        let refused = porchlight_widget_common::js::get(&e, "r").is_truthy();
        if get_str(&e, "i").as_deref() != Some(id)
            || (!preview && ((x != 0 && x < answered_at) || refused))
        {
            continue;
        }
        if let Some(a) = get_str(&e, "a").as_deref().and_then(TourAction::parse) {
            let step = get_f64(&e, "s").map(|s| s as u32);
            let from = get_f64(&e, "f").map(|s| s as u32);
            run = replay(run, a, step, from, last);
        }
    }
    run
}

pub(crate) fn flush_progress() {
    if TP.with(|t| std::mem::replace(&mut t.borrow_mut().0, true)) {
        return;
    }
    send_progress();
}

fn send_progress() {
    let k = progress_key(&ws());
    let next = read(&k)
        .iter()
        .find(|e| get_f64(e, "x").unwrap_or(0.0) == 0.0);
    let Some(next) = next else {
        TP.with(|t| t.borrow_mut().0 = false);
        return;
    };
    let ours = |e: &JsValue| ["c", "i", "a"].iter().all(|f| get_str(e, f).is_some());
    let (Some(c), Some(id), Some(a)) = (
        get_str(&next, "c"),
        get_str(&next, "i"),
        get_str(&next, "a"),
    ) else {
        // Not one of ours (another version, a hand edit): it leaves, the rest goes on.
        let list = read(&k);
        let left = Array::new();
        for e in list.iter() {
            if ours(&e) {
                left.push(&e);
            }
        }
        write(&k, &left);
        return send_progress();
    };
    let body = Object::new();
    set(&body, "action", &JsValue::from_str(&a));
    for (from, to) in [("s", "step"), ("f", "from"), ("u", "url")] {
        let v = porchlight_widget_common::js::get(&next, from);
        if !v.is_undefined() {
            set(&body, to, &v);
        }
    }
    let path = progress_path(&id);
    let done = move |r: Result<JsValue, ApiError>| match r {
        Err(e) if e.retryable() => {
            let n = TP.with(|t| {
                let mut t = t.borrow_mut();
                t.1 += 1;
                t.1
            });
            later(backoff_ms(n - 1), send_progress);
        }
        r => {
            // Refused: this tab had fallen behind (another tab moved the run on, or a repeat):
            // the edge is asked where the run is.
            let refused = r.is_err();
            TP.with(|t| t.borrow_mut().1 = 0);
            let list = read(&k);
            for e in list.iter() {
                if get_str(&e, "c").as_deref() == Some(c.as_str()) {
                    set(e.unchecked_ref(), "x", &JsValue::from_f64(now() as f64));
                    // Refused: never replayed as if it had landed.
                    if refused {
                        set(e.unchecked_ref(), "r", &JsValue::TRUE);
                    }
                }
            }
            write(&k, &list);
            if refused {
                crate::runtime::resync();
            }
            send_progress();
        }
    };
    call("POST", &path, Some(&body.into()), Box::new(done));
}
