//! Fuzzes the targeting engine's inputs: arbitrary bytes, read as JSON, go to `Rule::parse`
//! (and, when it parses, to evaluation against a few fixed visitors, with the rule also saved
//! as segments so that references and cycles resolve), `Trigger::parse` + `trigger_fires` and
//! `Frequency::parse` + `check_frequency`. Besides "never panics", it checks that a parsed
//! rule prints to JSON that parses back, evaluates the same and prints the same.
//!
//! Run (from `shared/fuzz`; seeds: the rules of `shared/tests/cases/*.json`, see README):
//! `cargo +nightly fuzz run rule_eval -- -max_total_time=300 -timeout=5`
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use porchlight_shared::targeting::frequency::{
    check_frequency, Frequency, FrequencyInput, History, Impression, Pacing,
};
use porchlight_shared::targeting::triggers::{trigger_fires, PageContext, TrackedEvent, Trigger};
use porchlight_shared::targeting::{EvalContext, Rule, Subject};
use serde_json::{json, Map, Value};

/// 2026-11-22T12:00:00Z
const NOW: i64 = 1_795_348_800_000;

fn subjects() -> &'static [Subject] {
    static S: OnceLock<Vec<Subject>> = OnceLock::new();
    S.get_or_init(|| {
        [
            json!({}),
            json!({
                "email": "Ann@Acme.com", "name": "Ann", "userId": "u_1", "firstSeenAt": NOW - 86_400_000 * 400,
                "lastSeenAt": NOW - 3_600_000, "sessionCount": 7, "device": "mobile", "browser": "Safari",
                "os": "iOS", "language": "fr-CA", "referrer": "https://www.google.com/", "country": "France",
                "countryCode": "FR", "city": "Paris", "region": "IDF", "identityVerified": true,
                "attributes": {"plan": {"tier": "pro", "seats": "12"}, "tags": ["vip", "beta-2", 3], "seats": 42,
                               "signed_up": "2026-01-05T10:00:00+01:00", "beta": false, "empty": "", "n": null},
                "events": {"purchase": {"count": 4, "daily": {"2026-11-21": 1, "2026-10-01": 3}},
                           "signup": {"count": 1}},
                "page": {"url": "https://shop.example.com/pricing/?plan=pro&utm_source=a%20b#faq", "title": "Pricing"}
            }),
            json!({
                "email": "", "sessionCount": 0, "firstSeenAt": i64::MIN, "lastSeenAt": i64::MAX,
                "attributes": {"plan": "PRO", "seats": "-1e300", "tags": [], "signed_up": -1e300, "x": {"y": {"z": [[1]]}}},
                "events": {"purchase": {"count": u64::MAX, "daily": {"2026-11-20": u64::MAX, "2026-11-21": 5}}},
                "page": {"url": "/caf\u{e9}?q=%ZZ&q=%C3%A9+x"}
            }),
        ]
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("fixed subjects deserialize"))
        .collect()
    })
}

fn check_rule(v: &Value) {
    let Ok(rule) = Rule::parse(v) else { return };
    // The rule is also every segment it could name, so references resolve and may cycle.
    let mut segments = BTreeMap::new();
    for id in rule.segment_refs() {
        segments.insert(id.to_string(), rule.clone());
    }
    let printed = rule.to_json();
    let again = Rule::parse(&printed)
        .unwrap_or_else(|e| panic!("printed rule refused: {e} at {:?}\n{printed}", e.path));
    assert_eq!(again.to_json(), printed, "printing is not stable");
    for s in subjects() {
        for now in [NOW, 0, i64::MIN, i64::MAX] {
            let ctx = EvalContext {
                subject: s,
                now_ms: now,
                segments: &segments,
            };
            assert_eq!(
                rule.matches(&ctx),
                again.matches(&ctx),
                "reprinted rule disagrees"
            );
        }
    }
}

fn check_trigger(v: &Value) {
    let Ok(t) = Trigger::parse(v, "") else { return };
    let props: Map<String, Value> = serde_json::from_value(
        json!({"plan": "pro", "amount": "150", "at": "2026-11-20", "tags": ["a"], "n": null}),
    )
    .unwrap_or_default();
    for url in [
        "https://shop.example.com/pricing/?plan=pro#faq",
        "/caf\u{e9}/x",
        "",
        "https://x",
        "?a=1",
        "https://x.com?a=/b",
    ] {
        let ctx = PageContext {
            url,
            time_on_page_ms: 5_000,
            scroll_percent: 50.0,
            idle_ms: 1_000,
            exit_intent: true,
            event: Some(TrackedEvent {
                name: "purchase",
                properties: &props,
            }),
            clicked_selectors: &["#buy"],
            now_ms: NOW,
        };
        let _ = trigger_fires(&t, &ctx);
    }
}

fn check_frequency_value(v: &Value) {
    let Ok(f) = Frequency::parse(v, "") else {
        return;
    };
    let histories = [
        History::default(),
        History {
            impressions: vec![
                Impression {
                    at: NOW - 1,
                    browsing_session: "bs".into(),
                },
                Impression {
                    at: i64::MAX,
                    browsing_session: "other".into(),
                },
            ],
            completed_at: Some(i64::MIN),
            dismissed_at: None,
            snoozed_until: Some(NOW - 5),
        },
    ];
    for h in &histories {
        for now in [NOW, i64::MIN, i64::MAX] {
            let _ = check_frequency(&FrequencyInput {
                frequency: &f,
                history: h,
                now_ms: now,
                browsing_session: "bs",
                visitor_id: "v_1",
                content_id: "c_1",
                survey_pacing: Some(Pacing {
                    survey_cooldown_days: Some(u32::MAX),
                    last_survey_shown_at: Some(i64::MAX),
                }),
            });
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The text path too (malformed JSON is an error, never a panic).
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Rule::parse_str(text);
    }
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    check_rule(&v);
    check_trigger(&v);
    check_frequency_value(&v);
});
