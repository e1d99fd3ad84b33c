//! The browser build (feature `browser`) against the reference engine. Natively: every pattern of
//! `regex_corpus.json` translates to JavaScript, except those marked `refused`. Under
//! wasm-bindgen-test in Node with `--features browser` (scripts/test): a `matches` rule, run by
//! the browser's `RegExp`, answers like regex-lite on every input of the corpus, and
//! `json_from_js(JSON.parse(text))` is what serde_json reads from the same text, for every case
//! file. The widget's Chromium tests (widget/tests/dom.rs) run the same corpus in Chromium.

use porchlight_shared::targeting::regex_js::to_js;
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// (pattern, refused in the browser, inputs)
fn corpus() -> Vec<(String, bool, Vec<String>)> {
    let all: Vec<Value> =
        serde_json::from_str(include_str!("regex_corpus.json")).expect("corpus is JSON");
    all.iter()
        .map(|c| {
            (
                c["pattern"].as_str().expect("pattern").to_string(),
                c.get("refused") == Some(&Value::Bool(true)),
                c["inputs"]
                    .as_array()
                    .expect("inputs")
                    .iter()
                    .map(|i| i.as_str().expect("input").to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn corpus_patterns_are_valid_and_translate_unless_refused() {
    for (p, refused, _) in corpus() {
        assert!(
            regex_lite::Regex::new(&p).is_ok(),
            "{p} is valid regex-lite"
        );
        assert_eq!(to_js(&p).is_none(), refused, "{p}");
    }
}

#[cfg(all(feature = "browser", target_arch = "wasm32"))]
mod browser {
    use super::{corpus, to_js, Value};
    use porchlight_shared::targeting::{json_from_js, EvalContext, NoSegments, Rule, Subject};
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn browser_regexp_agrees_with_regex_lite() {
        let mut checked = 0;
        for (p, refused, inputs) in corpus() {
            let rule = Rule::parse(
                &json!({"type": "condition", "property": {"source": "custom", "key": "s"}, "operator": "matches", "value": p, "js": to_js(&p)}),
            );
            if refused {
                assert!(rule.is_err(), "{p} is refused in the browser");
                continue;
            }
            let rule = rule.unwrap_or_else(|e| panic!("{p}: {e}"));
            let reference = regex_lite::Regex::new(&p).expect("valid");
            for input in inputs {
                let subject: Subject =
                    serde_json::from_value(json!({"attributes": {"s": input}})).expect("subject");
                let ctx = EvalContext {
                    subject: &subject,
                    now_ms: 0,
                    segments: &NoSegments,
                };
                assert_eq!(
                    rule.matches(&ctx),
                    reference.is_match(&input),
                    "{p:?} on {input:?} (JS source {:?})",
                    to_js(&p)
                );
                checked += 1;
            }
        }
        assert!(checked > 150, "{checked}");
    }

    /// Paths where `got` and `want` differ. Numbers compare as the f64 JavaScript holds: a
    /// whole number written `10.0` reads as the integer 10, and an integer beyond 2^53 as its
    /// nearest f64 (the documented differences; stored settings never hold either, the edge
    /// refuses them when saving).
    fn diff(got: &Value, want: &Value, path: &str, out: &mut Vec<String>) {
        match (got, want) {
            (Value::Object(g), Value::Object(w)) if g.len() == w.len() => {
                for (k, wv) in w {
                    match g.get(k) {
                        Some(gv) => diff(gv, wv, &format!("{path}/{k}"), out),
                        None => out.push(format!("{path}/{k} missing")),
                    }
                }
            }
            (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
                for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                    diff(gv, wv, &format!("{path}/{i}"), out);
                }
            }
            (Value::Number(g), Value::Number(w)) if g.as_f64() == w.as_f64() => {}
            _ if got == want => {}
            _ => out.push(format!("{path}: {got} vs {want}")),
        }
    }

    #[test]
    fn json_parse_reads_like_serde_json() {
        let mut out = Vec::new();
        for text in [
            include_str!("cases/audience.json"),
            include_str!("cases/operators.json"),
            include_str!("cases/validation.json"),
            include_str!("cases/opencom.json"),
            include_str!("cases/triggers.json"),
            include_str!("cases/frequency.json"),
            include_str!("cases/arbitration.json"),
        ] {
            let parsed = js_sys::JSON::parse(text).expect("JSON.parse");
            let want: Value = serde_json::from_str(text).expect("serde_json");
            diff(&json_from_js(&parsed), &want, "", &mut out);
        }
        assert!(out.is_empty(), "{}", out.join("\n"));
    }

    /// Every trigger and frequency of the cases, and survey content, read through the browser's
    /// own JSON (`read::Json` on `JsValue`, what the widget does) gives what the serde reader
    /// gives (the edge's): the same parse, or an error at the same JSON pointer.
    #[test]
    fn the_browser_reader_parses_as_the_serde_reader() {
        use porchlight_shared::experiences::{next_question, SurveyContent};
        use porchlight_shared::read::same;
        use porchlight_shared::targeting::frequency::Frequency;
        use porchlight_shared::targeting::triggers::Trigger;
        use wasm_bindgen::JsValue;

        fn browser(v: &Value) -> JsValue {
            js_sys::JSON::parse(&v.to_string()).expect("JSON.parse")
        }
        fn collect(v: &Value, key: &str, out: &mut Vec<Value>) {
            match v {
                Value::Object(o) => {
                    for (k, x) in o {
                        if k == key {
                            out.push(x.clone());
                        }
                        collect(x, key, out);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| collect(x, key, out)),
                _ => {}
            }
        }
        let (mut triggers, mut frequencies) = (Vec::new(), Vec::new());
        for text in [
            include_str!("cases/triggers.json"),
            include_str!("cases/opencom.json"),
            include_str!("cases/frequency.json"),
        ] {
            let v: Value = serde_json::from_str(text).expect("cases");
            collect(&v, "trigger", &mut triggers);
            collect(&v, "frequency", &mut frequencies);
        }
        // Malformed on purpose: wrong types everywhere.
        for bad in [
            json!(null),
            json!([1]),
            json!({"type": "event", "name": "e", "properties": [{"key": "k", "operator": "in", "value": [1, {}]}]}),
            json!({"type": "event", "name": "e", "eventProperties": {"a/b": {"x": 1}, "z": 2}}),
            json!({"type": "page_visit", "match": "regex", "value": "(a", "js": 3}),
            json!({"type": "time_on_page", "seconds": "12"}),
            json!({"type": "scroll_depth", "percent": true}),
        ] {
            triggers.push(bad);
        }
        for bad in [
            json!(3),
            json!({"mode": "at_most", "maxTimes": 2.5}),
            json!({"mode": "once", "startAt": "1"}),
        ] {
            frequencies.push(bad);
        }
        assert!(triggers.len() > 30 && frequencies.len() > 10);
        let outcome = |r: Result<String, porchlight_shared::ApiError>| r.map_err(|e| e.path);
        for t in &triggers {
            let a = outcome(Trigger::parse(t, "/t").map(|x| format!("{x:?}")));
            let b = outcome(Trigger::parse(browser(t), "/t").map(|x| format!("{x:?}")));
            assert_eq!(a, b, "{t}");
        }
        for f in &frequencies {
            let a = outcome(Frequency::parse(f, "/f").map(|x| format!("{x:?}")));
            let b = outcome(Frequency::parse(browser(f), "/f").map(|x| format!("{x:?}")));
            assert_eq!(a, b, "{f}");
        }

        let survey = json!({"format": "large", "intro": {"title": "Hi"}, "questions": [
            {"id": "n", "type": "nps", "prompt": "?", "required": true, "branches": [
                {"when": {"op": "lt", "value": 7}, "to": "t"},
                {"when": {"op": "one_of", "value": [7, 8]}, "to": "end"}]},
            {"id": "m", "type": "multiple_choice", "prompt": "?", "options": ["x", "y"], "multiple": true,
             "branches": [{"when": {"op": "equals", "value": "y"}, "to": "end"}]},
            {"id": "t", "type": "short_text", "prompt": "?"}]});
        let a: SurveyContent = SurveyContent::read(&survey).expect("serde reader");
        let b: SurveyContent<JsValue> =
            SurveyContent::read(browser(&survey)).expect("browser reader");
        assert_eq!((a.format, &a.intro), (b.format, &b.intro));
        for (qa, qb) in a.questions.iter().zip(&b.questions) {
            assert_eq!(
                (&qa.id, qa.kind, &qa.options, qa.required, qa.multiple),
                (&qb.id, qb.kind, &qb.options, qb.required, qb.multiple)
            );
            for (ba, bb) in qa.branches.iter().zip(&qb.branches) {
                assert_eq!((ba.when.op, &ba.to), (bb.when.op, &bb.to));
                assert!(same(
                    &ba.when.value.as_ref().unwrap(),
                    bb.when.value.as_ref().unwrap()
                ));
            }
        }
        // Answers, checked and followed the same way.
        for (i, answer) in [
            (0, json!(3)),
            (0, json!(8)),
            (0, json!(9)),
            (0, json!(11)),
            (0, json!("3")),
            (1, json!(["y"])),
            (1, json!(["x", "x"])),
            (1, json!("y")),
            (2, json!(" ")),
        ] {
            let q = (&a.questions[i], &b.questions[i]);
            assert_eq!(q.0.check(&answer), q.1.check(browser(&answer)), "{answer}");
            assert_eq!(
                next_question(&a, i, Some(&answer)),
                next_question(&b, i, Some(browser(&answer))),
                "{answer}"
            );
        }
        for bad in [
            json!({"questions": [{"id": "a", "type": "dropdown", "options": [1]}]}),
            json!({"questions": {}}),
            json!([]),
        ] {
            assert!(
                SurveyContent::read(&bad).is_none()
                    && SurveyContent::<JsValue>::read(browser(&bad)).is_none(),
                "{bad}"
            );
        }
    }
}
