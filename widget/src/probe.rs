//! Size probes: exports that link the targeting engine into the widget, so that `scripts/bench`
//! can weigh it (it builds with and without them and prints the difference in brotli bytes).
//! JSON arrives as the browser hands it over (`Response.json()` / `JSON.parse`) and is read with
//! [`json_from_js`], never with serde_json's text parser.
//!
//! - feature `targeting-probe-client`: what the widget runs on `/v1/eligible` items — parse
//!   their triggers and frequency, decide triggers (URL patterns, event property filters),
//!   frequency and arbitration. The edge has already evaluated audiences.
//! - feature `targeting-probe` (includes the client path): the whole engine, adding audience
//!   rule parsing and evaluation against a visitor (`Subject`), as if segments were one day
//!   decided in the browser too.

use porchlight_shared::targeting::arbitrate::{arbitrate, Candidate, Kind};
use porchlight_shared::targeting::frequency::{
    check_frequency, Frequency, FrequencyInput, History, Impression,
};
use porchlight_shared::targeting::json_from_js;
use porchlight_shared::targeting::triggers::{trigger_fires, PageContext, TrackedEvent, Trigger};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

fn kind_of(s: &str) -> Kind {
    match s {
        "post" => Kind::Post,
        "banner" => Kind::Banner,
        "tooltip" => Kind::Tooltip,
        "tour" => Kind::Tour,
        _ => Kind::Chat,
    }
}

/// What the edge tells about an item's past (`history: {shown, lastShownAt, dismissed,
/// completed}`), as the frequency check reads it.
fn history_of(h: &Value, session: &str) -> History {
    let last = h.get("lastShownAt").and_then(Value::as_i64);
    let shown = h
        .get("shown")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(1000);
    let flag = |k: &str| (h.get(k) == Some(&Value::Bool(true))).then_some(last.unwrap_or(0));
    History {
        impressions: (0..shown)
            .map(|_| Impression {
                at: last.unwrap_or(0),
                browsing_session: session.into(),
            })
            .collect(),
        completed_at: flag("completed"),
        dismissed_at: flag("dismissed"),
        snoozed_until: None,
    }
}

/// The client path: of the `/v1/eligible` response's `outbound` items, how many show now on
/// `url` (with `event` `{name, properties}` just tracked, or null).
#[wasm_bindgen(js_name = __targetingClientProbe)]
pub fn targeting_client_probe(
    eligible: &JsValue,
    url: &str,
    event: &JsValue,
    session: &str,
    now: f64,
) -> u32 {
    let eligible = json_from_js(eligible);
    let event = json_from_js(event);
    let empty = Map::new();
    let page = PageContext {
        url,
        now_ms: now as i64,
        event: event
            .get("name")
            .and_then(Value::as_str)
            .map(|name| TrackedEvent {
                name,
                properties: event
                    .get("properties")
                    .and_then(Value::as_object)
                    .unwrap_or(&empty),
            }),
        ..PageContext::default()
    };
    let mut cands = Vec::new();
    let items = eligible.get("outbound").and_then(Value::as_array);
    for item in items.into_iter().flatten() {
        let id = item.get("id").and_then(Value::as_str).unwrap_or("");
        let triggers: Result<Vec<Trigger>, _> = match item.get("triggers") {
            Some(Value::Array(list)) => list.iter().map(|t| Trigger::parse(t, "")).collect(),
            _ => Ok(Vec::new()),
        };
        let frequency = match item.get("frequency") {
            None | Some(Value::Null) => Ok(Frequency::default()),
            Some(f) => Frequency::parse(f, ""),
        };
        let (Ok(triggers), Ok(frequency)) = (triggers, frequency) else {
            continue;
        };
        let history = history_of(item.get("history").unwrap_or(&Value::Null), session);
        let input = FrequencyInput {
            frequency: &frequency,
            history: &history,
            now_ms: now as i64,
            browsing_session: session,
            visitor_id: "v",
            content_id: id,
            survey_pacing: None,
        };
        let fires = triggers.is_empty() || triggers.iter().any(|t| trigger_fires(t, &page));
        if fires && check_frequency(&input).is_ok() {
            cands.push(Candidate {
                kind: kind_of(item.get("kind").and_then(Value::as_str).unwrap_or("")),
                id: id.into(),
                priority: item.get("priority").and_then(Value::as_i64).unwrap_or(0) as i32,
            });
        }
    }
    arbitrate(&cands, &[]).show.len() as u32
}

/// The rest of the engine: parse an audience rule and evaluate it for a visitor.
#[cfg(feature = "targeting-probe")]
#[wasm_bindgen(js_name = __targetingProbe)]
pub fn targeting_probe(rule: &JsValue, subject: &JsValue, now: f64) -> bool {
    use porchlight_shared::targeting::{EvalContext, NoSegments, Rule, Subject};
    let Ok(rule) = Rule::parse(&json_from_js(rule)) else {
        return false;
    };
    let subject: Subject = serde_json::from_value(json_from_js(subject)).unwrap_or_default();
    rule.matches(&EvalContext {
        subject: &subject,
        now_ms: now as i64,
        segments: &NoSegments,
    })
}
