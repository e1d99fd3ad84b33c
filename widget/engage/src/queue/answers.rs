//! Survey answers: `porchlight:<ws>:sr`, each entry `{c, i, r, q?, v?, k?, t, x}` (client id,
//! survey, response — the id the widget gave the showing —, question and answer — `null`:
//! cleared — or `k: true`, the response is complete —, when, when the edge stored it: 0 not
//! yet). Saved as the visitor goes (a partial response), sent oldest response first: every
//! unsent entry of that response in one `POST /v1/surveys/{id}/responses` (one answer per
//! question, the last given; `complete` if asked; the response's id as `clientId`), retried
//! with backoff, again when the browser comes back online. The edge keeps at most one response
//! per visitor, survey and `clientId` and merges answers into it, so a retry or two tabs
//! sending the same entries store each answer once, and a `complete` it already stored (a
//! retry whose first answer was lost, another tab) is answered with the stored response;
//! `409 ALREADY_EXISTS` (answered once already, by another showing) is a success here too.
//! Sent entries are kept ten minutes: an answer asked for before they landed is corrected with
//! them (`answers_since`), and a reload resumes the response under its id.

use std::cell::Cell;

use js_sys::{Array, Object};
use porchlight_widget_common::js::{get, get_f64, get_str, set, warn};
use porchlight_widget_common::{backoff_ms, client_id, key, ApiError};
use wasm_bindgen::prelude::*;

use super::{now, read, write, ws};
use crate::host::{call, later};

thread_local! {
    /// (sending, failures in a row).
    static SR: Cell<(bool, u32)> = const { Cell::new((false, 0)) };
}

const KEEP_SENT_MS: f64 = 600_000.0;

pub(crate) fn answers_key(ws: &str) -> String {
    key(ws, ":sr")
}

/// Queues an answer to question `question` of survey `id`, response `rid` (and, with
/// `complete`, the end of the response: in the same entry, so they go in one request), and
/// sends.
pub(crate) fn answer(id: &str, rid: &str, question: Option<(&str, &JsValue)>, complete: bool) {
    let k = answers_key(&ws());
    let t = now() as f64;
    let left = Array::new();
    for e in read(&k).iter() {
        let x = get_f64(&e, "x").unwrap_or(0.0);
        if x == 0.0 || t - x < KEEP_SENT_MS {
            left.push(&e);
        }
    }
    let e = Object::new();
    set(&e, "c", &JsValue::from_str(&client_id()));
    set(&e, "i", &JsValue::from_str(id));
    set(&e, "r", &JsValue::from_str(rid));
    if let Some((q, v)) = question {
        set(&e, "q", &JsValue::from_str(q));
        set(&e, "v", v);
    }
    if complete {
        set(&e, "k", &JsValue::TRUE);
    }
    set(&e, "t", &JsValue::from_f64(t));
    set(&e, "x", &JsValue::from_f64(0.0));
    left.push(&e);
    while left.length() > 200 {
        left.shift();
    }
    write(&k, &left);
    flush_answers();
}

/// This browser's latest response to survey `id` (its id; whether it completed it) with its
/// answers that an answer asked for at `answered_at` may not include applied onto `out`
/// (question id → answer; a cleared one removed).
pub(crate) fn answers_since(id: &str, answered_at: i64, out: &Object) -> (Option<String>, bool) {
    let mut complete = false;
    let list = read(&answers_key(&ws()));
    let mine = |e: &JsValue| get_str(e, "i").as_deref() == Some(id);
    let rid = list.iter().rfind(mine).and_then(|e| get_str(&e, "r"));
    for e in list.iter().filter(mine) {
        let x = get_f64(&e, "x").unwrap_or(0.0);
        if get_str(&e, "r") != rid || (x != 0.0 && x < answered_at as f64) {
            continue;
        }
        if let Some(q) = get_str(&e, "q") {
            let v = get(&e, "v");
            if v.is_null() {
                let _ = js_sys::Reflect::delete_property(out, &JsValue::from_str(&q));
            } else {
                set(out, &q, &v);
            }
        }
        complete |= get(&e, "k").is_truthy();
    }
    (rid, complete)
}

pub(crate) fn flush_answers() {
    let (sending, n) = SR.get();
    if sending {
        return;
    }
    SR.set((true, n));
    send_answers();
}

fn send_answers() {
    let k = answers_key(&ws());
    let list = read(&k);
    let unsent = |e: &JsValue| get_f64(e, "x").unwrap_or(0.0) == 0.0;
    let Some(first) = list.iter().find(unsent) else {
        SR.set((false, 0));
        return;
    };
    let (Some(id), rid) = (get_str(&first, "i"), get_str(&first, "r")) else {
        SR.set((false, 0));
        return;
    };
    // Every unsent entry of this response: one answer per question (the last), and complete.
    let (answers, mut complete, mut sent) = (Array::new(), false, Vec::new());
    let by_question = Object::new();
    let mut order: Vec<String> = Vec::new();
    for e in list.iter().filter(|e| unsent(e)) {
        if get_str(&e, "i").as_deref() != Some(id.as_str()) || get_str(&e, "r") != rid {
            continue;
        }
        if let Some(c) = get_str(&e, "c") {
            sent.push(c);
        }
        if let Some(q) = get_str(&e, "q") {
            if !order.contains(&q) {
                order.push(q.clone());
            }
            set(&by_question, &q, &get(&e, "v"));
        }
        complete |= get(&e, "k").is_truthy();
    }
    for q in &order {
        let a = Object::new();
        set(&a, "questionId", &JsValue::from_str(q));
        set(&a, "value", &get(&by_question, q));
        answers.push(&a);
    }
    let body = Object::new();
    set(&body, "answers", &answers);
    set(&body, "complete", &JsValue::from_bool(complete));
    if let Some(r) = &rid {
        set(&body, "clientId", &JsValue::from_str(r));
    }
    let mut path = String::from("/v1/surveys/");
    path.push_str(&String::from(js_sys::encode_uri_component(&id)));
    path.push_str("/responses");
    let done = move |r: Result<JsValue, ApiError>| match r {
        Err(e) if e.retryable() => {
            let (_, n) = SR.get();
            SR.set((true, n + 1));
            later(backoff_ms(n), send_answers);
        }
        r => {
            SR.set((true, 0));
            // Already answered (by another showing, under a frequency that answers once).
            // Anything else refused is dropped: the edge's checks are the
            // widget's, so it is a survey changed or gone meanwhile.
            match &r {
                Err(e) if e.status != 409 => {
                    warn("survey answers were refused", &JsValue::from_str(&e.code))
                }
                _ => {}
            }
            let list = read(&k);
            for e in list.iter() {
                if get_str(&e, "c").is_some_and(|c| sent.contains(&c)) {
                    set(e.unchecked_ref(), "x", &JsValue::from_f64(now() as f64));
                }
            }
            write(&k, &list);
            // "Store as attribute": later targeting sees the new attributes.
            if complete && r.is_ok() {
                crate::surveys::stored();
            }
            send_answers();
        }
    };
    call("POST", &path, Some(&body.into()), Box::new(done));
}
