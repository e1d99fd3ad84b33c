//! Survey answers: `porchlight:<ws>:sr`, each entry `{c, i, q?, v?, k?, t, x}` (client id,
//! survey, question and answer — or `k: true`, the response is complete —, when, when the
//! edge stored it: 0 not yet). Saved as the visitor goes (a partial response), sent oldest
//! survey first: every unsent entry of that survey in one `POST /v1/surveys/{id}/responses`
//! (one answer per question, the last given; `complete` if asked), retried with backoff, again
//! when the browser comes back online. The edge keeps one open response per visitor and survey
//! and merges answers into it, so a retry or two tabs sending the same entries store each
//! answer once; a `complete` it had already stored (a retry whose first answer was lost)
//! answers `409 ALREADY_EXISTS`, which is a success here. Sent entries are kept ten minutes:
//! an answer asked for before they landed is corrected with them (`answers_since`).

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

/// Queues an answer to question `question` of survey `id` (and, with `complete`, the end of
/// the response: in the same entry, so they go in one request), and sends.
pub(crate) fn answer(id: &str, question: Option<(&str, &JsValue)>, complete: bool) {
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

/// What this browser answered in survey `id` that an answer asked for at `answered_at` may
/// not include: (question id → answer, an object; whether it completed the response).
pub(crate) fn answers_since(id: &str, answered_at: i64) -> (Object, bool) {
    let out = Object::new();
    let mut complete = false;
    for e in read(&answers_key(&ws())).iter() {
        let x = get_f64(&e, "x").unwrap_or(0.0);
        if get_str(&e, "i").as_deref() != Some(id) || (x != 0.0 && x < answered_at as f64) {
            continue;
        }
        if let Some(q) = get_str(&e, "q") {
            set(&out, &q, &get(&e, "v"));
        }
        complete |= get(&e, "k").is_truthy();
    }
    (out, complete)
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
    let Some(id) = list
        .iter()
        .find(|e| unsent(e))
        .and_then(|e| get_str(&e, "i"))
    else {
        SR.set((false, 0));
        return;
    };
    // Every unsent entry of this survey: one answer per question (the last), and complete.
    let (answers, mut complete, mut sent) = (Array::new(), false, Vec::new());
    let by_question = Object::new();
    let mut order: Vec<String> = Vec::new();
    for e in list.iter().filter(|e| unsent(e)) {
        if get_str(&e, "i").as_deref() != Some(id.as_str()) {
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
            // Already answered: the edge has the complete response (this retry's first try,
            // or another tab). Anything else refused is dropped: the edge's checks are the
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
