//! A realistic targeting workload: 20 rules three levels deep over 50 custom attributes,
//! system properties, page facts and event counts, evaluated for 200 visitors. Rules and
//! visitors are built once; the timed loop only evaluates (no allocation per evaluation).

use std::collections::BTreeMap;

use porchlight_shared::targeting::{EvalContext, Rule, Subject};
use serde_json::{json, Value};

pub struct Workload {
    pub rules: Vec<Rule>,
    pub subjects: Vec<Subject>,
    pub segments: BTreeMap<String, Rule>,
    pub now_ms: i64,
}

fn cond(source: &str, key: &str, op: &str, value: Value) -> Value {
    json!({"type": "condition", "property": {"source": source, "key": key}, "operator": op, "value": value})
}

fn event(name: &str, op: &str, count: u64, days: u64) -> Value {
    json!({"type": "condition", "property": {"source": "event", "key": name,
        "eventFilter": {"name": name, "countOperator": op, "count": count, "withinDays": days}}, "operator": "equals"})
}

fn rule(i: usize) -> Value {
    let plans = ["free", "pro", "team", "enterprise"];
    json!({"type": "group", "operator": "and", "conditions": [
        {"type": "group", "operator": "or", "conditions": [
            cond("custom", "plan", "equals", json!(plans[i % 4])),
            cond("custom", &format!("attr_{}", i % 50), "gt", json!(i * 3)),
            {"type": "group", "operator": "and", "conditions": [
                cond("system", "country", "in", json!(["US", "CA", "GB", "DE"])),
                cond("system", "sessionCount", "greater_than_or_equals", json!(2 + i % 5)),
            ]},
        ]},
        {"type": "group", "operator": "or", "conditions": [
            event("purchase", "at_least", 1 + (i % 3) as u64, 30),
            cond("system", "email", "ends_with", json!("@example.com")),
            {"type": "group", "operator": "not", "conditions": [cond("page", "path", "starts_with", json!("/admin"))]},
        ]},
        cond("custom", "company.size", "lte", json!(1000 + i * 10)),
        cond("system", "lastSeenAt", "within_last_days", json!(30)),
        {"segmentId": format!("seg_{}", i % 3)},
    ]})
}

pub fn workload() -> Workload {
    let now_ms = 1_795_000_000_000i64; // 2026-11-18
    let rules = (0..20)
        .map(|i| Rule::parse(&rule(i)).expect("bench rules are valid"))
        .collect();
    let segments = (0..3)
        .map(|i| {
            let r = Rule::parse(&cond(
                "custom",
                "beta",
                if i == 2 { "is_not_set" } else { "equals" },
                if i == 2 { Value::Null } else { json!(i == 0) },
            ))
            .expect("segment");
            (format!("seg_{i}"), r)
        })
        .collect();
    let plans = ["free", "pro", "team", "enterprise"];
    let countries = ["US", "FR", "DE", "JP", "BR"];
    let subjects = (0..200)
        .map(|v: usize| {
            let mut attrs = serde_json::Map::new();
            for a in 0..47 {
                attrs.insert(format!("attr_{a}"), json!((v * 7 + a * 13) % 100));
            }
            attrs.insert("plan".into(), json!(plans[v % 4]));
            attrs.insert("company".into(), json!({"size": (v * 37) % 2000, "name": format!("Company {v}")}));
            attrs.insert("beta".into(), json!(v.is_multiple_of(3)));
            serde_json::from_value(json!({
                "email": format!("user{v}@{}", if v.is_multiple_of(2) { "example.com" } else { "mail.test" }),
                "userId": format!("u_{v}"),
                "sessionCount": v % 9,
                "lastSeenAt": now_ms - (v as i64 % 40) * 86_400_000,
                "country": countries[v % 5],
                "attributes": attrs,
                "events": {"purchase": {"count": v % 6, "daily": {"2026-11-10": v % 3, "2026-10-01": v % 4}}},
                "page": {"url": format!("https://app.example.com/{}/reports?id={v}", if v.is_multiple_of(4) { "admin" } else { "app" })}
            }))
            .expect("bench subject")
        })
        .collect();
    Workload {
        rules,
        subjects,
        segments,
        now_ms,
    }
}

/// Evaluates every rule for every subject, `rounds` times. Returns (evaluations, matches).
pub fn run(w: &Workload, rounds: usize) -> (u64, u64) {
    let mut evals = 0u64;
    let mut hits = 0u64;
    for _ in 0..rounds {
        for s in &w.subjects {
            let ctx = EvalContext {
                subject: s,
                now_ms: w.now_ms,
                segments: &w.segments,
            };
            for r in &w.rules {
                hits += r.matches(&ctx) as u64;
                evals += 1;
            }
        }
    }
    (evals, hits)
}

/// Runs for at least `min_ms` (wall clock from `now`), returns `{"evals", "ms", "perSec", "matches"}`.
pub fn timed(min_ms: f64, now: impl Fn() -> f64) -> Value {
    let w = workload();
    run(&w, 5); // warm up
    let start = now();
    let (mut evals, mut hits) = (0u64, 0u64);
    while now() - start < min_ms {
        let (e, h) = run(&w, 10);
        evals += e;
        hits += h;
    }
    let ms = now() - start;
    json!({"evals": evals, "ms": ms, "perSec": (evals as f64 / (ms / 1000.0)).round(), "matches": hits})
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::prelude::*;

    /// Called from Node: `bench(2000)` → JSON text.
    #[wasm_bindgen]
    pub fn bench(min_ms: f64) -> String {
        super::timed(min_ms, js_sys::Date::now).to_string()
    }
}
