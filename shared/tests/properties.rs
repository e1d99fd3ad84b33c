//! Property tests of the targeting engine (native only: proptest does not run under wasm).
//!
//! - `not(r)` is the exact negation of `r` (no segment references, so no unknowns);
//! - De Morgan, double negation, `and`/`or` identities and commutativity;
//! - `Rule::parse(&r.to_json())` evaluates and prints identically;
//! - `Rule::parse` + `matches`, `Trigger::parse` + `trigger_fires` and `Frequency::parse` +
//!   `check_frequency` never panic on arbitrary JSON and arbitrary subjects.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use porchlight_shared::targeting::frequency::{
    check_frequency, Frequency, FrequencyInput, History, Impression, Pacing,
};
use porchlight_shared::targeting::triggers::{trigger_fires, PageContext, TrackedEvent, Trigger};
use porchlight_shared::targeting::{EvalContext, EventStats, NoSegments, PageFacts, Rule, Subject};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// 2026-11-22T12:00:00Z
const NOW: i64 = 1_795_348_800_000;
const DAY: i64 = 86_400_000;

// ---- well-formed rules -----------------------------------------------------------------------

fn text() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("pro")),
        Just(json!("PRO")),
        Just(json!("basic")),
        Just(json!("42")),
        Just(json!("true")),
        Just(json!("é")),
        Just(json!("@acme.com")),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        text(),
        Just(json!("")),
        (-5i64..50).prop_map(|n| json!(n)),
        Just(json!(42.5)),
        any::<bool>().prop_map(|b| json!(b)),
    ]
}

fn date() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0i64..400).prop_map(|d| json!(NOW - d * DAY)),
        (0i64..400).prop_map(|d| json!((NOW - d * DAY).to_string())),
        Just(json!("2026-01-01")),
        Just(json!("2026-11-20T08:30:00+02:00")),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-5i64..50).prop_map(|n| json!(n)),
        (-5i64..50).prop_map(|n| json!(n.to_string())),
        Just(json!(2.5)),
        date(),
    ]
}

/// An operator and a value it accepts.
fn op_value() -> impl Strategy<Value = (&'static str, Option<Value>)> {
    prop_oneof![
        (prop_oneof![Just("equals"), Just("not_equals")], scalar()).prop_map(|(o, v)| (o, Some(v))),
        (
            prop_oneof![
                Just("contains"),
                Just("not_contains"),
                Just("starts_with"),
                Just("ends_with")
            ],
            text()
        )
            .prop_map(|(o, v)| (o, Some(v))),
        (
            prop_oneof![Just("in"), Just("not_in")],
            prop::collection::vec(scalar(), 1..4)
        )
            .prop_map(|(o, v)| (o, Some(Value::Array(v)))),
        (
            prop_oneof![
                Just("gt"),
                Just("gte"),
                Just("lt"),
                Just("lte"),
                Just("greater_than"),
                Just("less_than_or_equals")
            ],
            number()
        )
            .prop_map(|(o, v)| (o, Some(v))),
        (prop_oneof![Just("before"), Just("after")], date()).prop_map(|(o, v)| (o, Some(v))),
        (
            prop_oneof![Just("within_last_days"), Just("more_than_days_ago")],
            0u32..100
        )
            .prop_map(|(o, d)| (o, Some(json!(d)))),
        prop_oneof![Just("is_set"), Just("is_not_set")].prop_map(|o| (o, None)),
        prop_oneof![
            Just("^p"),
            Just("(?i)pro"),
            Just("\\d+"),
            Just("^$"),
            Just("acme")
        ]
        .prop_map(|p| ("matches", Some(json!(p)))),
    ]
}

fn property() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop_oneof![
            Just("plan"),
            Just("seats"),
            Just("tags"),
            Just("plan.tier"),
            Just("signed_up")
        ]
        .prop_map(|k| json!({"source": "custom", "key": k})),
        prop_oneof![
            Just("email"),
            Just("sessionCount"),
            Just("lastSeenAt"),
            Just("identityVerified"),
            Just("country"),
            Just("externalUserId")
        ]
        .prop_map(|k| json!({"source": "system", "key": k})),
        prop_oneof![Just("path"), Just("url"), Just("query.ref")]
            .prop_map(|k| json!({"source": "page", "key": k})),
    ]
}

fn condition() -> impl Strategy<Value = Value> {
    let plain = (property(), op_value()).prop_map(|(p, (op, v))| {
        let mut c = json!({"type": "condition", "property": p, "operator": op});
        if let Some(v) = v {
            c["value"] = v;
        }
        c
    });
    let counted = (
        prop_oneof![Just("at_least"), Just("at_most"), Just("exactly")],
        0u64..5,
        prop::option::of(1u32..60),
    )
        .prop_map(|(op, n, days)| {
            let mut f = json!({"name": "purchase", "countOperator": op, "count": n});
            if let Some(d) = days {
                f["withinDays"] = json!(d);
            }
            json!({"type": "condition", "property": {"source": "event", "key": "purchase", "eventFilter": f}, "operator": "is_set"})
        });
    let via_op = (
        prop_oneof![
            Just("equals"),
            Just("gte"),
            Just("lt"),
            Just("is_set"),
            Just("is_not_set")
        ],
        0u64..5,
    )
        .prop_map(|(op, n)| {
            let mut c = json!({"type": "condition", "property": {"source": "event", "key": "purchase"}, "operator": op});
            if !op.starts_with("is_") {
                c["value"] = json!(n);
            }
            c
        });
    prop_oneof![6 => plain, 1 => counted, 1 => via_op]
}

fn group(op: &str, children: Vec<Value>) -> Value {
    json!({"type": "group", "operator": op, "conditions": children})
}

/// Random rule trees: conditions, and/or groups (0-3 children) and not groups; at most 5 levels.
fn rule_json() -> impl Strategy<Value = Value> {
    condition().prop_recursive(4, 40, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|c| group("and", c)),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|c| group("or", c)),
            inner.prop_map(|c| group("not", vec![c])),
        ]
    })
}

// ---- subjects -------------------------------------------------------------------------------

fn subject_json() -> impl Strategy<Value = Value> {
    let attr = prop_oneof![
        Just(Value::Null),
        scalar(),
        date(),
        prop::collection::vec(scalar(), 0..3).prop_map(Value::Array),
        Just(json!({"tier": "pro"})),
        Just(json!({"tier": 3})),
    ];
    (
        prop::collection::btree_map(
            prop_oneof![Just("plan"), Just("seats"), Just("tags"), Just("signed_up")],
            attr,
            0..4,
        ),
        prop::option::of(prop_oneof![
            Just("ann@acme.com"),
            Just("bob@gmail.com"),
            Just("")
        ]),
        prop::option::of(0u64..10),
        prop::option::of((0i64..400).prop_map(|d| NOW - d * DAY)),
        prop::option::of(any::<bool>()),
        prop_oneof![
            Just(""),
            Just("https://example.com/pricing?ref=pro"),
            Just("/docs/"),
            Just("https://example.com")
        ],
        prop::option::of((
            0u64..6,
            prop::collection::btree_map(0i64..90, 1u64..3, 0..3),
        )),
    )
        .prop_map(
            |(attrs, email, sessions, last_seen, verified, url, purchase)| {
                let mut s = json!({"attributes": attrs, "page": {"url": url}});
                if let Some(e) = email {
                    s["email"] = json!(e);
                }
                if let Some(n) = sessions {
                    s["sessionCount"] = json!(n);
                }
                if let Some(t) = last_seen {
                    s["lastSeenAt"] = json!(t);
                }
                if let Some(v) = verified {
                    s["identityVerified"] = json!(v);
                }
                if let Some((count, daily)) = purchase {
                    let daily: Map<String, Value> = daily
                        .into_iter()
                        .map(|(d, n)| (day_iso(NOW - d * DAY), json!(n)))
                        .collect();
                    s["events"] = json!({"purchase": {"count": count, "daily": daily}});
                }
                s
            },
        )
}

fn day_iso(ms: i64) -> String {
    porchlight_shared::insights::date_of(ms.div_euclid(DAY))
}

fn subject(v: &Value) -> Subject {
    serde_json::from_value(v.clone()).expect("generated subjects deserialize")
}

fn parse(v: &Value) -> Rule {
    Rule::parse(v).unwrap_or_else(|e| panic!("generated rule refused: {e} at {:?}\n{v}", e.path))
}

fn eval(r: &Value, s: &Subject) -> bool {
    let ctx = EvalContext {
        subject: s,
        now_ms: NOW,
        segments: &NoSegments,
    };
    parse(r).matches(&ctx)
}

// ---- arbitrary JSON -------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "type",
    "group",
    "condition",
    "segment",
    "segmentId",
    "operator",
    "conditions",
    "property",
    "source",
    "key",
    "value",
    "eventFilter",
    "name",
    "countOperator",
    "count",
    "withinDays",
    "and",
    "or",
    "not",
    "system",
    "custom",
    "event",
    "page",
    "email",
    "plan",
    "plan.tier",
    "query.ref",
    "url",
    "path",
    "firstSeenAt",
    "at_least",
    "at_most",
    "exactly",
    "equals",
    "not_equals",
    "contains",
    "in",
    "not_in",
    "gt",
    "greater_than_or_equals",
    "before",
    "within_last_days",
    "more_than_days_ago",
    "is_set",
    "matches",
    "(a+)+$",
    "[",
    "2026-02-29",
    "1e308",
    "-0",
    "mode",
    "maxTimes",
    "startAt",
    "endAt",
    "samplingPercent",
    "recontactAfterDays",
    "page_visit",
    "match",
    "wildcard",
    "regex",
    "not_regex",
    "pageUrl",
    "delayMs",
    "eventProperties",
    "properties",
    "purchase",
    "seats",
    "tags",
    "signed_up",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(String::from),
        1 => ".{0,12}",
        1 => "[/a-z*?%.:]{0,10}",
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        (-3i64..10).prop_map(|n| json!(n)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(10, 200, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(word(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Any i64, with the extremes and today's neighbourhood (days since 1970 too) well represented.
fn edgy_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        (NOW - 400 * DAY..NOW + DAY),
        (NOW / DAY - 400..NOW / DAY + 1),
    ]
}

fn any_subject() -> impl Strategy<Value = (Subject, i64)> {
    (
        prop::collection::btree_map(word(), any_json(), 0..5),
        prop::option::of(word()),
        prop::option::of(edgy_i64()),
        prop::option::of(edgy_i64()),
        any::<Option<u64>>(),
        any::<Option<bool>>(),
        ".{0,40}",
        prop::collection::btree_map(
            prop_oneof![Just("purchase".to_string()), word()],
            (
                any::<u64>(),
                prop::collection::vec((edgy_i64(), any::<u64>()), 0..4),
            ),
            0..3,
        ),
        edgy_i64(),
    )
        .prop_map(
            |(attrs, email, first, last, sessions, verified, url, events, now)| {
                let events: BTreeMap<String, EventStats> = events
                    .into_iter()
                    .map(|(k, (count, mut daily))| {
                        daily.sort_unstable();
                        (k, EventStats { count, daily })
                    })
                    .collect();
                let s = Subject {
                    email: email.clone(),
                    name: email,
                    first_seen_at: first,
                    last_seen_at: last,
                    session_count: sessions,
                    identity_verified: verified,
                    attributes: attrs.into_iter().collect::<Map<String, Value>>().into(),
                    events,
                    page: PageFacts::from_url(&url, "t"),
                    ..Subject::default()
                };
                (s, now)
            },
        )
}

proptest! {
    #[test]
    fn not_is_negation(r in rule_json(), s in subject_json()) {
        let s = subject(&s);
        prop_assert_eq!(eval(&group("not", vec![r.clone()]), &s), !eval(&r, &s));
    }

    #[test]
    fn double_negation(r in rule_json(), s in subject_json()) {
        let s = subject(&s);
        let nn = group("not", vec![group("not", vec![r.clone()])]);
        prop_assert_eq!(eval(&nn, &s), eval(&r, &s));
    }

    #[test]
    fn de_morgan(a in rule_json(), b in rule_json(), s in subject_json()) {
        let s = subject(&s);
        let not = |x: &Value| group("not", vec![x.clone()]);
        prop_assert_eq!(
            eval(&not(&group("and", vec![a.clone(), b.clone()])), &s),
            eval(&group("or", vec![not(&a), not(&b)]), &s)
        );
        prop_assert_eq!(
            eval(&not(&group("or", vec![a.clone(), b.clone()])), &s),
            eval(&group("and", vec![not(&a), not(&b)]), &s)
        );
    }

    #[test]
    fn and_or_identity(r in rule_json(), s in subject_json()) {
        let s = subject(&s);
        let x = eval(&r, &s);
        // An empty and is true, an empty or is false.
        prop_assert!(eval(&group("and", vec![]), &s));
        prop_assert!(!eval(&group("or", vec![]), &s));
        prop_assert_eq!(eval(&group("and", vec![r.clone()]), &s), x);
        prop_assert_eq!(eval(&group("or", vec![r.clone()]), &s), x);
        prop_assert_eq!(eval(&group("and", vec![r.clone(), group("and", vec![])]), &s), x);
        prop_assert_eq!(eval(&group("or", vec![r.clone(), group("or", vec![])]), &s), x);
        // Idempotence.
        prop_assert_eq!(eval(&group("and", vec![r.clone(), r.clone()]), &s), x);
        prop_assert_eq!(eval(&group("or", vec![r.clone(), r.clone()]), &s), x);
    }

    #[test]
    fn and_or_commute(a in rule_json(), b in rule_json(), s in subject_json()) {
        let s = subject(&s);
        prop_assert_eq!(
            eval(&group("and", vec![a.clone(), b.clone()]), &s),
            eval(&group("and", vec![b.clone(), a.clone()]), &s)
        );
        prop_assert_eq!(
            eval(&group("or", vec![a.clone(), b.clone()]), &s),
            eval(&group("or", vec![b, a]), &s)
        );
    }

    #[test]
    fn parse_print_round_trips(r in rule_json(), s in subject_json()) {
        let s = subject(&s);
        let ctx = EvalContext { subject: &s, now_ms: NOW, segments: &NoSegments };
        let first = parse(&r);
        let printed = first.to_json();
        let again = Rule::parse(&printed).expect("a printed rule parses");
        prop_assert_eq!(again.matches(&ctx), first.matches(&ctx));
        prop_assert_eq!(again.to_json(), printed);
    }

    #[test]
    fn rule_parse_and_eval_never_panic(v in any_json(), (s, now) in any_subject()) {
        if let Ok(rule) = Rule::parse(&v) {
            let ctx = EvalContext { subject: &s, now_ms: now, segments: &NoSegments };
            let got = rule.matches(&ctx);
            let again = Rule::parse(&rule.to_json()).expect("a printed rule parses");
            prop_assert_eq!(again.matches(&ctx), got);
            prop_assert_eq!(again.to_json(), rule.to_json());
        }
    }

    #[test]
    fn eval_never_panics_on_hostile_subjects(r in rule_json(), (s, now) in any_subject()) {
        let ctx = EvalContext { subject: &s, now_ms: now, segments: &NoSegments };
        let _ = parse(&r).matches(&ctx);
    }

    #[test]
    fn trigger_and_frequency_never_panic(
        t in any_json(),
        f in any_json(),
        props in prop::collection::btree_map(word(), any_json(), 0..4),
        url in ".{0,60}",
        name in word(),
        at in prop::collection::vec(any::<i64>(), 0..3),
        snooze in any::<Option<i64>>(),
        last_survey in any::<Option<i64>>(),
        cooldown in any::<Option<u32>>(),
        now in any::<i64>(),
        visitor in ".{0,12}",
    ) {
        if let Ok(t) = Trigger::parse(&t, "") {
            let props: Map<String, Value> = props.into_iter().collect();
            let ctx = PageContext {
                url: &url,
                time_on_page_ms: now.unsigned_abs(),
                scroll_percent: (now % 150) as f64,
                idle_ms: now.unsigned_abs() / 2,
                exit_intent: now % 2 == 0,
                event: Some(TrackedEvent { name: &name, properties: &props }),
                clicked_selectors: &["#buy"],
                now_ms: now,
            };
            let _ = trigger_fires(&t, &ctx);
        }
        if let Ok(f) = Frequency::parse(&f, "") {
            let history = History {
                impressions: at.iter().map(|&at| Impression { at, browsing_session: "bs".into() }).collect(),
                completed_at: None,
                dismissed_at: snooze.filter(|s| s % 3 == 0),
                snoozed_until: snooze,
            };
            let _ = check_frequency(&FrequencyInput {
                frequency: &f,
                history: &history,
                now_ms: now,
                browsing_session: "bs",
                visitor_id: &visitor,
                content_id: "c",
                survey_pacing: Some(Pacing { survey_cooldown_days: cooldown, last_survey_shown_at: last_survey }),
            });
        }
    }
}

/// An `eventProperties` key is one JSON-pointer token in a refusal's path: `~` and `/` escaped
/// (RFC 6901), the rest, multi-byte characters included, copied as it is.
#[test]
fn event_property_keys_escaped_in_pointers() {
    for (key, token) in [
        ("a/b~c", "a~1b~0c"),
        ("~/", "~0~1"),
        ("é/ü", "é~1ü"),
        ("plain", "plain"),
    ] {
        let mut props = Map::new();
        props.insert(key.into(), json!({"x": 1}));
        let t = json!({"type": "event", "name": "e", "eventProperties": props});
        let e = Trigger::parse(&t, "/t").expect_err("an object is no property value");
        assert_eq!(
            e.path.as_deref(),
            Some(["/t/eventProperties/", token].concat().as_str())
        );
    }
}
