//! The survey model's checks, answers and results.
use super::*;
use crate::experiences::err_path;
use serde_json::json;

fn survey() -> SurveyContent {
    serde_json::from_value(json!({"format": "large", "questions": [
        {"id": "nps", "type": "nps", "prompt": "Recommend us?", "required": true, "storeAsAttribute": "nps_score"},
        {"id": "why", "type": "long_text", "prompt": "Why?"},
        {"id": "plan", "type": "multiple_choice", "prompt": "Which?", "options": ["a", "b", "c"], "multiple": true},
        {"id": "scale", "type": "numeric_scale", "prompt": "Ease?", "start": 1, "end": 7},
        {"id": "face", "type": "emoji_rating", "prompt": "Mood?", "count": 3},
        {"id": "role", "type": "dropdown", "prompt": "Role?", "options": ["dev", "pm"]}
    ]}))
    .unwrap()
}

#[test]
fn surveys_are_checked_with_paths() {
    assert!(survey().validate("/content", true).is_ok());
    let bad = |q: Value| {
        let s: SurveyContent = serde_json::from_value(json!({"questions": [q]})).unwrap();
        err_path(s.validate("/content", false))
    };
    assert_eq!(
        bad(json!({"id": "a", "type": "dropdown", "prompt": "x", "options": ["one"]})),
        "/content/questions/0/options"
    );
    assert_eq!(
        bad(json!({"id": "a b", "type": "nps", "prompt": "x"})),
        "/content/questions/0/id"
    );
    assert_eq!(
        bad(json!({"id": "a", "type": "numeric_scale", "prompt": "x", "start": 5, "end": 5})),
        "/content/questions/0/end"
    );
    assert_eq!(
        bad(json!({"id": "a", "type": "emoji_rating", "prompt": "x", "count": 4})),
        "/content/questions/0/count"
    );
    assert_eq!(
        bad(json!({"id": "a", "type": "nps", "prompt": ""})),
        "/content/questions/0/prompt"
    );
    assert_eq!(
        bad(json!({"id": "a", "type": "short_text", "prompt": "x", "options": ["a", "b"]})),
        "/content/questions/0/options"
    );
    let empty: SurveyContent = serde_json::from_value(json!({})).unwrap();
    assert!(empty.validate("/content", false).is_ok());
    assert_eq!(
        err_path(empty.validate("/content", true)),
        "/content/questions"
    );
    assert!(serde_json::from_value::<SurveyContent>(
        json!({"questions": [{"id": "a", "type": "slider", "prompt": "x"}]})
    )
    .is_err());
}

fn answers(v: Value) -> Vec<Answer> {
    serde_json::from_value(v).unwrap()
}

#[test]
fn answers_are_validated_against_the_survey() {
    let s = survey();
    let mut stored = Map::new();
    let bad = |v: Value| {
        let mut m = Map::new();
        err_path(apply_answers(&s, &mut m, &answers(v), false).map(|_| ()))
    };
    assert_eq!(
        bad(json!([{"questionId": "nps", "value": 11}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "nps", "value": 7.5}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "nps", "value": "9"}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "nope", "value": 1}])),
        "/answers/0/questionId"
    );
    assert_eq!(
        bad(json!([{"questionId": "nps", "value": 1}, {"questionId": "nps", "value": 2}])),
        "/answers/1/questionId"
    );
    assert_eq!(
        bad(json!([{"questionId": "why", "value": "x".repeat(2001)}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "plan", "value": ["a", "a"]}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "plan", "value": ["z"]}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "scale", "value": 8}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "face", "value": 4}])),
        "/answers/0/value"
    );
    assert_eq!(
        bad(json!([{"questionId": "role", "value": "ceo"}])),
        "/answers/0/value"
    );
    // Partial, then complete: the required question answered earlier counts.
    apply_answers(
        &s,
        &mut stored,
        &answers(json!([{"questionId": "why", "value": "<script>x</script>"}])),
        false,
    )
    .unwrap();
    assert_eq!(
        err_path(apply_answers(&s, &mut stored.clone(), &[], true).map(|_| ())),
        "/answers"
    );
    apply_answers(
        &s,
        &mut stored,
        &answers(json!([{"questionId": "nps", "value": 10}])),
        false,
    )
    .unwrap();
    apply_answers(&s, &mut stored, &[], true).unwrap();
    assert_eq!(stored.len(), 2);
}

#[test]
fn null_clears_an_optional_answer_and_a_required_one_refuses_it() {
    let s = survey();
    let mut stored = Map::new();
    apply_answers(
        &s,
        &mut stored,
        &answers(
            json!([{"questionId": "nps", "value": 9}, {"questionId": "why", "value": "fast"}]),
        ),
        false,
    )
    .unwrap();
    // The visitor went back and emptied the optional text: the answer is gone.
    apply_answers(
        &s,
        &mut stored,
        &answers(json!([{"questionId": "why", "value": null}])),
        false,
    )
    .unwrap();
    assert_eq!(stored, json!({"nps": 9}).as_object().unwrap().clone());
    // Clearing one never answered is no error either.
    apply_answers(
        &s,
        &mut stored,
        &answers(json!([{"questionId": "plan", "value": null}])),
        false,
    )
    .unwrap();
    // A required answer cannot be cleared: refused at the value, nothing changed.
    let before = stored.clone();
    let e = apply_answers(
        &s,
        &mut stored,
        &answers(
            json!([{"questionId": "why", "value": "again"}, {"questionId": "nps", "value": null}]),
        ),
        false,
    )
    .unwrap_err();
    assert_eq!(e.path.as_deref(), Some("/answers/1/value"));
    assert!(e.message.contains("required"), "{}", e.message);
    assert_eq!(stored, before);
    // An absent value is not a clear: the answer is malformed.
    assert!(serde_json::from_value::<Vec<Answer>>(json!([{"questionId": "why"}])).is_err());
}

#[test]
fn results_aggregate_per_question() {
    let s = survey();
    let rs: Vec<(Map<String, Value>, bool)> = [
        (json!({"nps": 10, "plan": ["a", "b"], "why": "great"}), true),
        (json!({"nps": 9, "plan": ["a"]}), true),
        (json!({"nps": 3}), true),
        (json!({"nps": 8, "role": "dev"}), false),
    ]
    .into_iter()
    .map(|(v, c)| (v.as_object().unwrap().clone(), c))
    .collect();
    let r = survey_results(&s, &rs);
    assert_eq!(
        r["responses"],
        json!({"total": 4, "complete": 3, "partial": 1})
    );
    let nps = &r["questions"][0];
    assert_eq!(nps["answered"], 4);
    assert_eq!(
        nps["nps"],
        json!({"score": 25.0, "promoters": 2, "passives": 1, "detractors": 1})
    );
    assert_eq!(nps["distribution"]["10"], 1);
    assert_eq!(nps["distribution"]["0"], 0);
    assert_eq!(nps["average"], 7.5);
    assert_eq!(r["questions"][1]["recent"], json!(["great"]));
    assert_eq!(
        r["questions"][2]["distribution"],
        json!({"a": 2, "b": 1, "c": 0})
    );
    assert_eq!(
        r["questions"][5]["distribution"],
        json!({"dev": 1, "pm": 0})
    );
    let none = survey_results(&s, &[]);
    assert_eq!(none["questions"][0]["nps"]["score"], Value::Null);
}

/// The demo's shape: a required score, a follow-up per group (the detractors' one
/// required), then a last question everyone who does not end early reaches.
fn branched() -> SurveyContent {
    serde_json::from_value(json!({"questions": [
        {"id": "score", "type": "nps", "prompt": "Recommend?", "required": true, "branches": [
            {"when": {"op": "lt", "value": 7}, "to": "better"},
            {"when": {"op": "lt", "value": 9}, "to": "missing"},
            {"when": {"op": "answered"}, "to": "like"}
        ]},
        {"id": "better", "type": "long_text", "prompt": "Better?", "required": true, "branches": [
            {"when": {"op": "answered"}, "to": "end"}
        ]},
        {"id": "like", "type": "multiple_choice", "prompt": "Like?", "options": ["a", "b"], "multiple": true, "required": true, "branches": [
            {"when": {"op": "answered"}, "to": "role"}
        ]},
        {"id": "missing", "type": "short_text", "prompt": "Missing?"},
        {"id": "role", "type": "dropdown", "prompt": "Role?", "options": ["dev", "pm"]}
    ]}))
    .unwrap()
}

#[test]
fn answers_off_the_path_taken_are_dropped() {
    let s = branched();
    let apply = |stored: &mut Map<String, Value>, v: Value, complete: bool| {
        apply_answers(&s, stored, &answers(v), complete)
    };
    let keys = |m: &Map<String, Value>| {
        let mut k: Vec<&str> = m.keys().map(String::as_str).collect();
        k.sort_unstable();
        k.join(",")
    };
    // A forged answer to a question the score skips is dropped, not an error.
    let mut m = Map::new();
    apply(
        &mut m,
        json!([{"questionId": "score", "value": 10}, {"questionId": "better", "value": "x"}]),
        false,
    )
    .unwrap();
    assert_eq!(keys(&m), "score");
    // Answers past the unanswered required score wait: the path is not decided yet.
    let mut m = Map::new();
    apply(
        &mut m,
        json!([{"questionId": "role", "value": "dev"}, {"questionId": "better", "value": "x"}]),
        false,
    )
    .unwrap();
    assert_eq!(keys(&m), "better,role");
    apply(&mut m, json!([{"questionId": "score", "value": 3}]), false).unwrap();
    assert_eq!(
        keys(&m),
        "better,score",
        "the detractors' path ends after better"
    );
    // A changed score changes the path: the old follow-up is left behind.
    apply(
        &mut m,
        json!([{"questionId": "score", "value": 8}, {"questionId": "missing", "value": "y"}]),
        false,
    )
    .unwrap();
    assert_eq!(keys(&m), "missing,score");
    // Complete: the path taken needs no more (better and like are required, off the path).
    apply(&mut m, json!([]), true).unwrap();
    // The promoters' path requires like, and better (required, off it) does not block.
    let mut m = Map::new();
    apply(&mut m, json!([{"questionId": "score", "value": 9}]), false).unwrap();
    let e = apply(&mut m.clone(), json!([]), true).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("/answers"));
    assert!(e.message.contains("like"), "{}", e.message);
    apply(
        &mut m,
        json!([{"questionId": "like", "value": ["a"]}]),
        true,
    )
    .unwrap();
    assert_eq!(keys(&m), "like,score");
    // A forged value is still refused, on or off the path.
    assert_eq!(
        err_path(apply(
            &mut m,
            json!([{"questionId": "better", "value": ""}]),
            false
        )),
        "/answers/0/value"
    );
}

#[test]
fn results_count_who_reached_each_question() {
    let s = branched();
    let rs: Vec<(Map<String, Value>, bool)> = [
        (json!({"score": 3, "better": "faster"}), true),
        (json!({"score": 8}), true),
        (json!({"score": 8, "missing": "x", "role": "dev"}), true),
        (json!({"score": 10, "like": ["a"]}), true),
        // Partial: stopped at like (required, after the score).
        (json!({"score": 9}), false),
        // Partial, nothing answered: it reached the first question.
        (json!({}), false),
        // Stored before the survey was edited: an answer its path jumps over is not
        // counted (nor is the response counted as reaching that question).
        (json!({"score": 3, "better": "x", "like": ["b"]}), true),
        // Partial, stopped at the score: the answer past it is undecided, and counts.
        (json!({"role": "pm"}), false),
    ]
    .into_iter()
    .map(|(v, c)| (v.as_object().unwrap().clone(), c))
    .collect();
    let r = survey_results(&s, &rs);
    let counts: Vec<(String, u64, u64)> = r["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_string(),
                q["reached"].as_u64().unwrap(),
                q["answered"].as_u64().unwrap(),
            )
        })
        .collect();
    let c = |id: &str, reached: u64, answered: u64| (id.to_string(), reached, answered);
    assert_eq!(
        counts,
        vec![
            c("score", 8, 6),
            c("better", 2, 2),
            // The completed promoter, and the partial one who stopped there.
            c("like", 2, 1),
            c("missing", 2, 1),
            // Both passives (one skipped missing), the completed promoter, and the
            // partial answer past the score.
            c("role", 4, 2),
        ]
    );
}
