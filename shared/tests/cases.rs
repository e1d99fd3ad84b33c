//! Table-driven targeting cases (tests/cases/*.json), run natively *and* under
//! wasm-bindgen-test, so the edge and the browser are held to one truth.
//!
//! Each file is a JSON array of cases; each case has `name`, `why` (one sentence) and one of:
//! - audience: `rule` (or null for "everyone"), `subject`, optional `segments` {id: rule},
//!   `now` (ISO 8601 or epoch ms), `expect` true/false;
//! - rule validation: `rule` and `expectError` (the JSON pointer the error must name);
//! - trigger: `trigger`, `page` {url, timeOnPageMs, scrollPercent, idleMs, exitIntent, event:
//!   {name, properties}, clickedSelectors}, optional `now`, `expect` true/false (or
//!   `expectError`), optional `expectDelayMs`;
//! - frequency: `frequency`, `history`, `now`, optional `browsingSession`, `visitorId`,
//!   `contentId`, `pacing` {surveyCooldownDays, lastSurveyShownAt}, `expect` "eligible" or a
//!   reason (`already_shown`, …);
//! - arbitration: `candidates`, `showing`, `expectShow` [ids], optional `expectLost` {id: reason}.
//!
//! The same cases run in the widget's build (feature `browser` on wasm32), where patterns run on
//! the browser's `RegExp`: every target refuses the patterns it could not run the same way.

use std::collections::BTreeMap;

use porchlight_shared::targeting::arbitrate::{arbitrate, Candidate, Kind};
use porchlight_shared::targeting::dates::parse_iso8601;
use porchlight_shared::targeting::frequency::{
    check_frequency, Frequency, FrequencyInput, History, Pacing,
};
use porchlight_shared::targeting::regex_js::with_js;
use porchlight_shared::targeting::triggers::{trigger_fires, PageContext, TrackedEvent, Trigger};
use porchlight_shared::targeting::{EvalContext, Rule, Subject};
use serde_json::{Map, Value};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const FILES: &[(&str, &str)] = &[
    ("audience.json", include_str!("cases/audience.json")),
    ("operators.json", include_str!("cases/operators.json")),
    ("validation.json", include_str!("cases/validation.json")),
    ("opencom.json", include_str!("cases/opencom.json")),
    ("triggers.json", include_str!("cases/triggers.json")),
    ("frequency.json", include_str!("cases/frequency.json")),
    ("arbitration.json", include_str!("cases/arbitration.json")),
];

const DEFAULT_NOW: &str = "2026-11-22T12:00:00Z";

fn time(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::String(s)) => parse_iso8601(s).unwrap_or_else(|| panic!("bad time {s}")),
        Some(Value::Number(n)) => n.as_i64().expect("integer ms"),
        _ => parse_iso8601(DEFAULT_NOW).unwrap(),
    }
}

fn run_case(file: &str, c: &Map<String, Value>) -> Result<(), String> {
    let name = c.get("name").and_then(Value::as_str).unwrap_or("?");
    let why = c.get("why").and_then(Value::as_str).unwrap_or("");
    let fail = |msg: String| Err(format!("{file} / {name}: {msg}\n    why: {why}"));
    if why.is_empty() {
        return fail("every case says why".into());
    }
    let now = time(c.get("now"));
    if let Some(rule) = c.get("rule") {
        let parsed = if rule.is_null() {
            None
        } else {
            Some(Rule::parse(rule))
        };
        if let Some(path) = c.get("expectError") {
            return match parsed {
                Some(Err(e)) if Some(e.path.as_deref().unwrap_or("")) == path.as_str() => Ok(()),
                Some(Err(e)) => fail(format!(
                    "error at {:?} ({}), expected at {path}",
                    e.path, e.message
                )),
                _ => fail(format!("parsed, expected an error at {path}")),
            };
        }
        let rule = match parsed {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => return fail(format!("rule refused: {e} at {:?}", e.path)),
            None => None,
        };
        let subject: Subject = serde_json::from_value(
            c.get("subject")
                .cloned()
                .unwrap_or(Value::Object(Map::new())),
        )
        .map_err(|e| format!("{name}: subject: {e}"))?;
        let mut segments = BTreeMap::new();
        if let Some(Value::Object(s)) = c.get("segments") {
            for (id, r) in s {
                segments.insert(
                    id.clone(),
                    Rule::parse(r).map_err(|e| format!("{name}: segment {id}: {e}"))?,
                );
            }
        }
        let ctx = EvalContext {
            subject: &subject,
            now_ms: now,
            segments: &segments,
        };
        let got = porchlight_shared::targeting::evaluate_audience(rule.as_ref(), &ctx);
        let want = c
            .get("expect")
            .and_then(Value::as_bool)
            .ok_or("expect is a bool")?;
        if got != want {
            return fail(format!("matched = {got}, expected {want}"));
        }
        // What the edge asks before a visitor acts on an item: admitted on some page.
        if let Some(want) = c.get("expectOnSomePage").and_then(Value::as_bool) {
            let got = rule.as_ref().is_none_or(|r| r.admits_on_some_page(&ctx));
            if got != want {
                return fail(format!("admitted on some page = {got}, expected {want}"));
            }
        }
        // A run under way keeps to the audience's pages, whoever the visitor is now.
        if let Some(want) = c.get("expectPageAdmits").and_then(Value::as_bool) {
            let got = rule.as_ref().is_none_or(|r| r.page_admits(&ctx));
            if got != want {
                return fail(format!("page admits = {got}, expected {want}"));
            }
        }
        // Whether a run under way may outlive it: only when every segment it names resolves.
        if let Some(want) = c.get("expectResolvable").and_then(Value::as_bool) {
            let got = rule.as_ref().is_none_or(|r| r.resolvable(&ctx));
            if got != want {
                return fail(format!("resolvable = {got}, expected {want}"));
            }
        }
        // Printing and re-parsing must not change the answer.
        if let Some(r) = &rule {
            let mut printed = r.to_json();
            with_js(&mut printed);
            let again =
                Rule::parse(&printed).map_err(|e| format!("{name}: reprint refused: {e}"))?;
            if again.matches(&ctx) != got || again.to_json() != r.to_json() {
                return fail("print/parse round trip changed the rule".into());
            }
        }
        return Ok(());
    }

    if let Some(t) = c.get("trigger") {
        let parsed = Trigger::parse(t, "");
        if let Some(path) = c.get("expectError") {
            return match parsed {
                Err(e) if Some(e.path.as_deref().unwrap_or("")) == path.as_str() => Ok(()),
                Err(e) => fail(format!("error at {:?}, expected at {path}", e.path)),
                Ok(_) => fail(format!("parsed, expected an error at {path}")),
            };
        }
        let t = parsed.map_err(|e| format!("{name}: trigger refused: {e} at {:?}", e.path))?;
        let page = c
            .get("page")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let empty = Map::new();
        let ev = page.get("event").and_then(Value::as_object);
        let selectors: Vec<&str> = page
            .get("clickedSelectors")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let ctx = PageContext {
            url: page
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or("https://example.com/"),
            time_on_page_ms: page
                .get("timeOnPageMs")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            scroll_percent: page
                .get("scrollPercent")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
            idle_ms: page.get("idleMs").and_then(Value::as_u64).unwrap_or(0),
            exit_intent: page
                .get("exitIntent")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            event: ev.map(|e| TrackedEvent {
                name: e.get("name").and_then(Value::as_str).unwrap_or(""),
                properties: e
                    .get("properties")
                    .and_then(Value::as_object)
                    .unwrap_or(&empty),
            }),
            clicked_selectors: &selectors,
            now_ms: now,
        };
        let got = trigger_fires(&t, &ctx);
        let want = c
            .get("expect")
            .and_then(Value::as_bool)
            .ok_or("expect is a bool")?;
        if let Some(d) = c.get("expectDelayMs").and_then(Value::as_u64) {
            if t.delay_ms as u64 != d {
                return fail(format!("delay {} expected {d}", t.delay_ms));
            }
        }
        return if got == want {
            Ok(())
        } else {
            fail(format!("fires = {got}, expected {want}"))
        };
    }

    if let Some(f) = c.get("frequency") {
        let parsed = Frequency::parse(f, "");
        if let Some(path) = c.get("expectError") {
            return match parsed {
                Err(e) if Some(e.path.as_deref().unwrap_or("")) == path.as_str() => Ok(()),
                Err(e) => fail(format!("error at {:?}, expected at {path}", e.path)),
                Ok(_) => fail(format!("parsed, expected an error at {path}")),
            };
        }
        let freq = parsed.map_err(|e| format!("{name}: frequency refused: {e} at {:?}", e.path))?;
        let history: History = serde_json::from_value(
            c.get("history")
                .cloned()
                .unwrap_or(Value::Object(Map::new())),
        )
        .map_err(|e| format!("{name}: history: {e}"))?;
        let pacing = c.get("pacing").map(|p| Pacing {
            survey_cooldown_days: p
                .get("surveyCooldownDays")
                .and_then(Value::as_u64)
                .map(|d| d as u32),
            last_survey_shown_at: p.get("lastSurveyShownAt").map(|v| time(Some(v))),
        });
        let input = FrequencyInput {
            frequency: &freq,
            history: &history,
            now_ms: now,
            browsing_session: c
                .get("browsingSession")
                .and_then(Value::as_str)
                .unwrap_or("bs_1"),
            visitor_id: c.get("visitorId").and_then(Value::as_str).unwrap_or("v_1"),
            content_id: c.get("contentId").and_then(Value::as_str).unwrap_or("c_1"),
            survey_pacing: pacing,
        };
        let got = match check_frequency(&input) {
            Ok(()) => "eligible".to_string(),
            Err(r) => serde_json::to_value(r)
                .ok()
                .and_then(|v| v.get("reason").and_then(Value::as_str).map(String::from))
                .unwrap_or_default(),
        };
        let want = c
            .get("expect")
            .and_then(Value::as_str)
            .ok_or("expect is a string")?;
        return if got == want {
            Ok(())
        } else {
            fail(format!("got {got}, expected {want}"))
        };
    }

    if let Some(cands) = c.get("candidates") {
        let parse = |v: Option<&Value>| -> Result<Vec<Candidate>, String> {
            let mut out = Vec::new();
            for x in v.and_then(Value::as_array).cloned().unwrap_or_default() {
                let kind: Kind =
                    serde_json::from_value(x.get("kind").cloned().unwrap_or(Value::Null))
                        .map_err(|e| format!("{name}: kind: {e}"))?;
                out.push(Candidate {
                    kind,
                    id: x.get("id").and_then(Value::as_str).unwrap_or("").into(),
                    priority: x.get("priority").and_then(Value::as_i64).unwrap_or(0) as i32,
                });
            }
            Ok(out)
        };
        let a = arbitrate(&parse(Some(cands))?, &parse(c.get("showing"))?);
        let want: Vec<String> =
            serde_json::from_value(c.get("expectShow").cloned().unwrap_or(Value::Array(vec![])))
                .map_err(|e| e.to_string())?;
        if a.show != want {
            return fail(format!("show {:?}, expected {want:?}", a.show));
        }
        if let Some(Value::Object(lost)) = c.get("expectLost") {
            for (id, reason) in lost {
                let got = a
                    .lost
                    .iter()
                    .find(|(i, _)| i == id)
                    .map(|(_, r)| serde_json::to_value(r).unwrap_or_default());
                let got_reason = got
                    .as_ref()
                    .and_then(|g| g.get("reason"))
                    .and_then(Value::as_str);
                if got_reason != reason.as_str() {
                    return fail(format!("{id} lost with {got:?}, expected {reason}"));
                }
            }
        }
        return Ok(());
    }
    fail("unknown case shape".into())
}

fn run_all() -> (usize, Vec<String>) {
    let mut n = 0;
    let mut failures = Vec::new();
    for (file, text) in FILES {
        // As the edge sends them: each pattern with its browser translation beside it (the
        // widget's build compiles that; native builds ignore it).
        let cases: Vec<Map<String, Value>> = match serde_json::from_str(text) {
            Ok(c) => {
                let mut c: Vec<Map<String, Value>> = c;
                for case in &mut c {
                    case.values_mut().for_each(with_js);
                }
                c
            }
            Err(e) => {
                failures.push(format!("{file}: not a JSON array of cases: {e}"));
                continue;
            }
        };
        for c in &cases {
            n += 1;
            if let Err(e) = run_case(file, c) {
                failures.push(e);
            }
        }
    }
    (n, failures)
}

#[test]
fn targeting_cases_hold_on_this_target() {
    let (n, failures) = run_all();
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n >= 150, "only {n} cases: the issue asks for at least 150");
}
