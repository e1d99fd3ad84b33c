//! `Porchlight('debug')`: the last plan's verdicts in words, with what the edge left out, as
//! one console table.

use js_sys::{Array, Object};
use porchlight_shared::read::Json;
use porchlight_shared::targeting::page::Verdict;
use porchlight_shared::vocab::ItemKind;
use porchlight_widget_common::js::{call0, call1, get, set};
use wasm_bindgen::prelude::*;

use super::with;

/// A verdict in words: (state, why).
fn describe(v: &Verdict) -> (&'static str, String) {
    use porchlight_shared::targeting::arbitrate::LossReason as L;
    use porchlight_shared::targeting::frequency::Ineligible as I;
    let date = |t: i64| -> String {
        call0(
            &js_sys::Date::new(&JsValue::from_f64(t as f64)),
            "toISOString",
        )
        .as_string()
        .unwrap_or_default()
    };
    let cat = |parts: &[&str]| {
        let mut s = String::new();
        for p in parts {
            s.push_str(p);
        }
        s
    };
    match v {
        Verdict::Show => ("shows", "ready and first in line".into()),
        Verdict::Showing => ("showing", String::new()),
        Verdict::OffPage => ("taken down", "its page rule does not hold here".into()),
        Verdict::Refused { why } => (
            "frequency",
            match why {
                I::NotStarted => "its schedule has not started".into(),
                I::Ended => "its schedule has ended".into(),
                I::NotSampled => "this visitor is outside its sampling percentage".into(),
                I::Snoozed { until } => cat(&["snoozed until ", &date(*until)]),
                I::AlreadyShown => "shown once already".into(),
                I::ShownThisSession => "shown in this browsing session already".into(),
                I::Completed => "completed".into(),
                I::Dismissed => "dismissed".into(),
                I::MaxTimesReached => "shown the most times allowed".into(),
                I::RecontactWait { until } => cat(&["waiting to show again until ", &date(*until)]),
                I::SurveyCooldown { until } => cat(&["survey pacing: not before ", &date(*until)]),
            },
        ),
        Verdict::Waiting { triggers } => {
            let mut s = String::new();
            for t in triggers {
                if !s.is_empty() {
                    s.push_str(", ");
                }
                s.push_str(t);
            }
            ("trigger waiting", s)
        }
        Verdict::Delayed { until } => ("delayed", cat(&["shows at ", &date(*until)])),
        Verdict::Lost { why } => (
            "lost arbitration",
            match why {
                L::BlockingShowing(b) => cat(&[b, " shows (blocking)"]),
                L::OutrankedBy(b) => cat(&["outranked by ", b]),
                L::WaitingForBlocking(b) => cat(&["waits while ", b, " shows"]),
                L::SameKindShowing(b) => cat(&[b, " of the same kind shows"]),
            },
        ),
    }
}

/// `debug`: per item, why it shows or not.
pub(super) fn print_debug() {
    let rows = Array::new();
    let row = |id: &str, kind: &str, state: &str, detail: &str| {
        let o = Object::new();
        set(&o, "id", &JsValue::from_str(id));
        set(&o, "kind", &JsValue::from_str(kind));
        set(&o, "state", &JsValue::from_str(state));
        set(&o, "why", &JsValue::from_str(detail));
        rows.push(&o);
    };
    with(|rt| {
        for (id, v) in &rt.last {
            let kind = rt
                .items
                .iter()
                .find(|i| &i.id == id)
                .map(|i| i.kind.as_str())
                .unwrap_or("");
            let (state, mut detail) = describe(v);
            if matches!(v, Verdict::Show) && rt.missing.contains(id) {
                detail = "ready, waiting for its element to be on the page".into();
            }
            row(id, kind, state, &detail);
        }
        for id in &rt.missing {
            if !rt.last.iter().any(|(l, _)| l == id) {
                row(id, "tooltip", "waiting", "its element is not on the page");
            }
        }
        for i in &rt.items {
            if i.kind == ItemKind::Tour && !rt.last.iter().any(|(l, _)| *l == i.id) {
                let why = match rt.closed.contains(&i.id) {
                    true => "ended or snoozed on this page",
                    false => "its current step runs on another page",
                };
                row(&i.id, "tour", "not here", why);
            }
        }
        for (id, why) in &rt.left {
            row(id, "", "not here", why);
        }
        let list = &rt.skipped;
        let mut listed = Vec::new();
        for i in 0..list.items().unwrap_or(0) {
            let s = list.at(i).unwrap_or_default();
            let text = |k: &str| s.get_str(k).unwrap_or_default();
            let mut why = String::from("the edge: ");
            why.push_str(&text("reason"));
            row(&text("id"), &text("kind"), "not eligible", &why);
            listed.push(text("id"));
        }
        // Asked for by `startSurvey`, but neither offered nor left out by the edge: it is not
        // an active survey of this workspace (paused, archived, or not one of its own).
        for id in &rt.asked {
            if !listed.contains(id) && !rt.items.iter().any(|i| &i.id == id) {
                row(
                    id,
                    "survey",
                    "not offered",
                    "startSurvey: not an active survey of this workspace",
                );
            }
        }
    });
    let console = get(&crate::observe::win(), "console");
    call1(
        &console,
        "info",
        &"Porchlight debug: what shows on this page, and why".into(),
    );
    if let Ok(f) = get(&console, "table").dyn_into::<js_sys::Function>() {
        let _ = f.call1(&console, &rows);
    }
}
