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
}
