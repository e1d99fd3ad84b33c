//! Branching in surveys: rules on a question's answer that jump ahead to a later question or
//! to the end. Shared by the widget (which question comes next) and the edge (which answers a
//! response keeps, what `complete` requires, who reached a question in the results).
//!
//! ## Rules
//! - A question's `branches` are tried in order; the first whose `when` holds decides where the
//!   visitor goes (`to`: a later question's id, or `"end"`). None holds → the next question.
//! - `equals` / `one_of` compare the answer with the value (one of the values). For a
//!   multiple_choice question with `multiple`, they hold when a picked option is the value
//!   (one of the values).
//! - `gt` / `lt` compare a rating's answer with an integer.
//! - `answered` / `skipped` hold when the question has an answer / none. Every other op needs
//!   an answer: a skipped question never `equals` anything.
//! - Targets lie strictly ahead (checked when saved), so a walk through a survey always ends.
//!   A rule whose target is missing or not ahead (content not saved through the checks) is
//!   ignored here rather than followed.
//!
//! ## The path taken
//! `path_taken` walks from the first question with the answers so far: an answered question
//! follows its rules on the answer; an unanswered one that is not required counts as skipped
//! (its `skipped` rules apply, and the walk goes on); the walk stops at the first unanswered
//! required question (it is on the path: the visitor is there) or at the end.
//!
//! The functions the widget calls (`next_question`, `path_taken`, `BranchWhen::holds`) do not
//! format, allocate only the path, and cannot panic; the checks with messages
//! (`validate_branches`) are the edge's.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::surveys::{Question, QuestionType, SurveyContent};
use crate::error::ApiError;
use crate::read::{same, Answers, Json, Keep};

/// `to` of a rule that ends the survey (no question may have this id).
pub const BRANCH_END: &str = "end";
pub const MAX_BRANCHES: usize = 10;
/// Values of a `one_of` rule.
pub const MAX_BRANCH_VALUES: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchOp {
    Equals,
    OneOf,
    Gt,
    Lt,
    Answered,
    Skipped,
}

/// The condition of a rule, on the answer to its own question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(bound(serialize = "V: Serialize", deserialize = "V: Deserialize<'de>"))]
pub struct BranchWhen<V = Value> {
    pub op: BranchOp,
    /// `equals`: one answer; `one_of`: a list of answers; `gt`/`lt`: an integer; none for
    /// `answered` and `skipped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<V>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(bound(serialize = "V: Serialize", deserialize = "V: Deserialize<'de>"))]
pub struct Branch<V = Value> {
    pub when: BranchWhen<V>,
    /// A later question's id, or `"end"`.
    pub to: String,
}

/// The answer is `v`, or (a multiple-select answer) contains it.
fn is_or_has<A: Json, B: Json>(answer: &A, v: &B) -> bool {
    match answer.items() {
        Some(n) => (0..n).any(|i| answer.at(i).is_some_and(|p| same(&p, v))),
        None => same(answer, v),
    }
}

impl<V: Keep> BranchWhen<V> {
    /// Whether the rule holds for this answer (None: the question was skipped).
    pub fn holds<A: Json>(&self, answer: Option<A>) -> bool {
        let Some(a) = answer else {
            return self.op == BranchOp::Skipped;
        };
        let value = self.value.as_ref().map(Keep::read);
        match self.op {
            BranchOp::Answered => true,
            BranchOp::Skipped => false,
            BranchOp::Equals => value.is_some_and(|v| is_or_has(&a, &v)),
            BranchOp::OneOf => match value.as_ref().and_then(|l| Some((l, l.items()?))) {
                Some((list, n)) => (0..n).any(|i| list.at(i).is_some_and(|v| is_or_has(&a, &v))),
                None => false,
            },
            BranchOp::Gt | BranchOp::Lt => match (a.i64(), value.and_then(|v| v.i64())) {
                (Some(x), Some(y)) if self.op == BranchOp::Gt => x > y,
                (Some(x), Some(y)) => x < y,
                _ => false,
            },
        }
    }
}

/// Where a visitor goes after question `at` given its answer (None: skipped): the index of
/// the next question, or None at the end of the survey (or when `at` is out of range).
pub fn next_question<V: Keep, A: Json>(
    survey: &SurveyContent<V>,
    at: usize,
    answer: Option<A>,
) -> Option<usize> {
    let q = survey.questions.get(at)?;
    for b in &q.branches {
        if !b.when.holds(answer.clone()) {
            continue;
        }
        if b.to == BRANCH_END {
            return None;
        }
        // Only a target ahead is followed: the walk always moves forward.
        match survey.questions.iter().position(|o| o.id == b.to) {
            Some(i) if i > at => return Some(i),
            _ => {}
        }
    }
    let next = at + 1;
    if next < survey.questions.len() {
        Some(next)
    } else {
        None
    }
}

/// The indices of the questions a visitor reaches with these answers (question id → value),
/// in order: see the module's notes. Strictly increasing, so no question twice.
pub fn path_taken<V: Keep, M: Answers>(survey: &SurveyContent<V>, answers: &M) -> Vec<usize> {
    let mut path = Vec::new();
    let mut at = if survey.questions.is_empty() {
        None
    } else {
        Some(0)
    };
    while let Some(i) = at {
        let Some(q) = survey.questions.get(i) else {
            break;
        };
        path.push(i);
        let answer = answers.answer(&q.id);
        if answer.is_none() && q.required {
            break;
        }
        at = next_question(survey, i, answer);
    }
    path
}

/// The question the walk stopped at, unanswered and required; None when the path reaches the
/// end of the survey.
pub fn path_stop<'a>(
    survey: &'a SurveyContent,
    answers: &Map<String, Value>,
    path: &[usize],
) -> Option<&'a Question> {
    let q = survey.questions.get(*path.last()?)?;
    (q.required && !answers.contains_key(&q.id)).then_some(q)
}

/// A value a rule compares with one answer of `q`: as an answer would be, except that a
/// multiple-select question's value is one option.
fn fits(q: &Question, v: &Value) -> Result<(), String> {
    if q.kind == QuestionType::MultipleChoice && q.multiple {
        return match v.as_str() {
            Some(s) if q.options.iter().any(|o| o == s) => Ok(()),
            _ => Err("one of this question's options".into()),
        };
    }
    q.check(v)
}

/// Checks the rules of question `i` (`p`: its JSON pointer) against the survey: at most
/// `MAX_BRANCHES`, targets that exist and lie after it, values that fit the op and the question.
pub(crate) fn validate_branches(survey: &SurveyContent, i: usize, p: &str) -> Result<(), ApiError> {
    let Some(q) = survey.questions.get(i) else {
        return Ok(());
    };
    if q.id == BRANCH_END {
        return Err(ApiError::invalid(
            format!("{p}/id"),
            "\"end\" is reserved: a branch to \"end\" ends the survey",
        ));
    }
    if q.branches.len() > MAX_BRANCHES {
        return Err(ApiError::invalid(
            format!("{p}/branches"),
            format!("at most {MAX_BRANCHES} branches per question"),
        ));
    }
    for (j, b) in q.branches.iter().enumerate() {
        let bp = format!("{p}/branches/{j}");
        if b.to != BRANCH_END {
            match survey.questions.iter().position(|o| o.id == b.to) {
                None => {
                    return Err(ApiError::invalid(
                        format!("{bp}/to"),
                        "the id of a later question of this survey, or \"end\"",
                    ))
                }
                Some(k) if k <= i => {
                    return Err(ApiError::invalid(
                        format!("{bp}/to"),
                        "a branch jumps ahead only (to a later question or \"end\"): no loops",
                    ))
                }
                Some(_) => {}
            }
        }
        let vp = format!("{bp}/when/value");
        let value = b.when.value.as_ref();
        match b.when.op {
            BranchOp::Answered | BranchOp::Skipped => {
                if value.is_some() {
                    return Err(ApiError::invalid(vp, "answered and skipped take no value"));
                }
                if b.when.op == BranchOp::Skipped && q.required {
                    return Err(ApiError::invalid(
                        format!("{bp}/when/op"),
                        "a required question is never skipped",
                    ));
                }
            }
            BranchOp::Gt | BranchOp::Lt => {
                let Some((lo, hi)) = q.range() else {
                    return Err(ApiError::invalid(
                        format!("{bp}/when/op"),
                        "gt and lt compare ratings: nps, numeric_scale, star_rating and emoji_rating questions only",
                    ));
                };
                match value.and_then(Value::as_i64) {
                    Some(n) if (lo..=hi).contains(&n) => {}
                    _ => {
                        return Err(ApiError::invalid(
                            vp,
                            format!("an integer from {lo} to {hi}"),
                        ))
                    }
                }
            }
            BranchOp::Equals => match value {
                Some(v) => fits(q, v).map_err(|m| ApiError::invalid(vp, m))?,
                None => return Err(ApiError::invalid(vp, "equals needs a value")),
            },
            BranchOp::OneOf => match value {
                Some(Value::Array(list)) if (1..=MAX_BRANCH_VALUES).contains(&list.len()) => {
                    for (k, v) in list.iter().enumerate() {
                        fits(q, v).map_err(|m| ApiError::invalid(format!("{vp}/{k}"), m))?;
                    }
                }
                _ => {
                    return Err(ApiError::invalid(
                        vp,
                        format!("a list of 1-{MAX_BRANCH_VALUES} values"),
                    ))
                }
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A skipped question (no answer).
    const SKIPPED: Option<&Value> = None;
    use crate::experiences::err_path;
    use serde_json::json;

    fn survey(v: Value) -> SurveyContent {
        serde_json::from_value(json!({ "questions": v })).unwrap()
    }

    /// The demo's shape: an NPS score, then one follow-up per group, then a last question.
    fn nps() -> SurveyContent {
        survey(json!([
            {"id": "score", "type": "nps", "prompt": "Recommend?", "required": true, "branches": [
                {"when": {"op": "lt", "value": 7}, "to": "better"},
                {"when": {"op": "one_of", "value": [7, 8]}, "to": "missing"},
                {"when": {"op": "gt", "value": 8}, "to": "like"}
            ]},
            {"id": "better", "type": "long_text", "prompt": "Better?", "required": true, "branches": [
                {"when": {"op": "answered"}, "to": "end"}
            ]},
            {"id": "missing", "type": "short_text", "prompt": "Missing?", "branches": [
                {"when": {"op": "skipped"}, "to": "end"},
                {"when": {"op": "answered"}, "to": "role"}
            ]},
            {"id": "like", "type": "multiple_choice", "prompt": "Like?", "options": ["a", "b", "c"], "multiple": true, "branches": [
                {"when": {"op": "equals", "value": "c"}, "to": "end"}
            ]},
            {"id": "role", "type": "dropdown", "prompt": "Role?", "options": ["dev", "pm"]}
        ]))
    }

    fn answers(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn rules_hold_on_the_answer() {
        let w = |v: Value| serde_json::from_value::<BranchWhen>(v).unwrap();
        let (n9, n3) = (json!(9), json!(3));
        assert!(w(json!({"op": "gt", "value": 8})).holds(Some(&n9)));
        assert!(!w(json!({"op": "gt", "value": 9})).holds(Some(&n9)));
        assert!(w(json!({"op": "lt", "value": 7})).holds(Some(&n3)));
        assert!(!w(json!({"op": "lt", "value": 7})).holds(SKIPPED));
        assert!(!w(json!({"op": "lt", "value": 7})).holds(Some(&json!("3"))));
        assert!(w(json!({"op": "equals", "value": 9})).holds(Some(&n9)));
        assert!(w(json!({"op": "equals", "value": -2})).holds(Some(&json!(-2))));
        assert!(w(json!({"op": "one_of", "value": [1, 9]})).holds(Some(&n9)));
        assert!(!w(json!({"op": "one_of", "value": 9})).holds(Some(&n9)));
        assert!(w(json!({"op": "equals", "value": "b"})).holds(Some(&json!(["a", "b"]))));
        assert!(w(json!({"op": "one_of", "value": ["x", "a"]})).holds(Some(&json!(["a"]))));
        assert!(!w(json!({"op": "equals", "value": "c"})).holds(Some(&json!(["a", "b"]))));
        assert!(w(json!({"op": "answered"})).holds(Some(&n3)));
        assert!(!w(json!({"op": "answered"})).holds(SKIPPED));
        assert!(w(json!({"op": "skipped"})).holds(SKIPPED));
        assert!(!w(json!({"op": "skipped"})).holds(Some(&n3)));
        assert!(!w(json!({"op": "equals"})).holds(Some(&n3)));
        assert!(serde_json::from_value::<BranchWhen>(json!({"op": "contains"})).is_err());
        assert!(serde_json::from_value::<BranchWhen>(json!({"op": "answered", "x": 1})).is_err());
    }

    #[test]
    fn next_question_follows_the_first_rule_that_holds() {
        let s = nps();
        assert_eq!(next_question(&s, 0, Some(&json!(3))), Some(1));
        assert_eq!(next_question(&s, 0, Some(&json!(6))), Some(1));
        assert_eq!(next_question(&s, 0, Some(&json!(7))), Some(2));
        assert_eq!(next_question(&s, 0, Some(&json!(9))), Some(3));
        assert_eq!(
            next_question(&s, 0, SKIPPED),
            Some(1),
            "no rule holds: next in order"
        );
        assert_eq!(next_question(&s, 1, Some(&json!("x"))), None);
        assert_eq!(next_question(&s, 2, SKIPPED), None);
        assert_eq!(next_question(&s, 2, Some(&json!("x"))), Some(4));
        assert_eq!(next_question(&s, 3, Some(&json!(["a", "c"]))), None);
        assert_eq!(next_question(&s, 3, Some(&json!(["a"]))), Some(4));
        assert_eq!(
            next_question(&s, 4, Some(&json!("dev"))),
            None,
            "the last question"
        );
        assert_eq!(next_question(&s, 5, SKIPPED), None, "out of range");
        // Content that skipped the checks: a rule back, to itself or nowhere is ignored.
        let raw = survey(json!([
            {"id": "a", "type": "nps", "prompt": "x"},
            {"id": "b", "type": "nps", "prompt": "x", "branches": [
                {"when": {"op": "answered"}, "to": "a"},
                {"when": {"op": "answered"}, "to": "b"},
                {"when": {"op": "answered"}, "to": "ghost"}
            ]},
            {"id": "c", "type": "nps", "prompt": "x"}
        ]));
        assert_eq!(next_question(&raw, 1, Some(&json!(1))), Some(2));
    }

    #[test]
    fn the_path_taken() {
        let s = nps();
        let path = |v: Value| path_taken(&s, &answers(v));
        assert_eq!(
            path(json!({})),
            vec![0],
            "stops at the unanswered required score"
        );
        assert_eq!(
            path(json!({"score": 2})),
            vec![0, 1],
            "stops at the required follow-up"
        );
        assert_eq!(path(json!({"score": 2, "better": "x"})), vec![0, 1]);
        assert_eq!(path(json!({"score": 8})), vec![0, 2], "skipped: ends");
        assert_eq!(path(json!({"score": 8, "missing": "x"})), vec![0, 2, 4]);
        assert_eq!(path(json!({"score": 10})), vec![0, 3, 4]);
        assert_eq!(path(json!({"score": 10, "like": ["c"]})), vec![0, 3]);
        // Answers off the path do not change it.
        assert_eq!(
            path(json!({"score": 10, "better": "x", "missing": "y"})),
            vec![0, 3, 4]
        );
        assert!(path_taken(&survey(json!([])), &Map::new()).is_empty());
        let a = answers(json!({"score": 2}));
        let p = path_taken(&s, &a);
        assert_eq!(path_stop(&s, &a, &p).map(|q| q.id.as_str()), Some("better"));
        let a = answers(json!({"score": 8}));
        assert_eq!(path_stop(&s, &a, &path_taken(&s, &a)), None);
    }

    /// Surveys of up to 3 questions (required or not, with no rule or one rule of
    /// each kind to each target, backwards and to itself included: content that skipped the
    /// checks) under every answer pattern: the path starts at the first question, is strictly
    /// increasing (no question twice, so the walk ends), follows next_question, and ends at
    /// the end of the survey or at an unanswered required question.
    #[test]
    fn paths_never_revisit_and_always_end() {
        let ops = [
            json!({"op": "answered"}),
            json!({"op": "skipped"}),
            json!({"op": "equals", "value": 3}),
            json!({"op": "gt", "value": 2}),
            json!({"op": "lt", "value": 2}),
            json!({"op": "one_of", "value": [1, 5]}),
        ];
        let values = [
            None,
            Some(json!(1)),
            Some(json!(2)),
            Some(json!(3)),
            Some(json!(5)),
        ];
        let mut checked = 0u32;
        for n in 1..=3usize {
            // For each question: which op (or none) and which target (any id, "end").
            let choices = (ops.len() + 1) * (n + 1);
            let surveys = choices.pow(n as u32);
            for code in 0..surveys {
                // Which questions are required: mixed from the code, so every mask shows up
                // with many rule sets.
                let required = (code.wrapping_mul(2_654_435_761) >> 7) % (1 << n);
                let mut c = code;
                let mut qs = Vec::new();
                for i in 0..n {
                    let pick = c % choices;
                    c /= choices;
                    let (op, target) = (pick / (n + 1), pick % (n + 1));
                    let to = if target == n {
                        "end".to_string()
                    } else {
                        format!("q{target}")
                    };
                    let branches = if op == ops.len() {
                        json!([])
                    } else {
                        json!([{"when": ops[op], "to": to}])
                    };
                    qs.push(
                        json!({"id": format!("q{i}"), "type": "star_rating", "prompt": "x",
                        "required": required >> i & 1 == 1, "branches": branches}),
                    );
                }
                let s = survey(Value::Array(qs));
                let k = values.len() as u32;
                for pattern in 0..k.pow(n as u32) {
                    let mut a = Map::new();
                    let mut p = pattern;
                    for i in 0..n {
                        if let Some(v) = &values[(p % k) as usize] {
                            a.insert(format!("q{i}"), v.clone());
                        }
                        p /= k;
                    }
                    let path = path_taken(&s, &a);
                    assert!(!path.is_empty() && path[0] == 0);
                    assert!(path.windows(2).all(|w| w[0] < w[1]), "{path:?}");
                    for w in path.windows(2) {
                        let q = &s.questions[w[0]];
                        assert_eq!(next_question(&s, w[0], a.get(&q.id)), Some(w[1]));
                    }
                    let last = *path.last().unwrap();
                    let q = &s.questions[last];
                    let stopped = q.required && !a.contains_key(&q.id);
                    assert!(stopped || next_question(&s, last, a.get(&q.id)).is_none());
                    checked += 1;
                }
            }
        }
        assert!(checked > 2_000_000, "{checked}");
    }

    #[test]
    fn rules_are_checked_when_saved() {
        assert!(nps().validate("/content", true).is_ok());
        let bad = |q: Value| {
            let s = survey(json!([
                {"id": "a", "type": "short_text", "prompt": "x"},
                q,
                {"id": "c", "type": "short_text", "prompt": "x"}
            ]));
            err_path(s.validate("/content", false))
        };
        let with = |kind: Value, when: Value, to: &str| {
            let mut q = json!({"id": "b", "prompt": "x", "branches": [
                {"when": {"op": "answered"}, "to": "c"},
                {"when": when, "to": to}
            ]});
            for (k, v) in kind.as_object().unwrap() {
                q[k] = v.clone();
            }
            bad(q)
        };
        let nps_q = json!({"type": "nps"});
        let text = json!({"type": "short_text"});
        let choice = json!({"type": "dropdown", "options": ["x", "y"]});
        let multi = json!({"type": "multiple_choice", "options": ["x", "y"], "multiple": true});
        let at = "/content/questions/1/branches/1";
        let answered = json!({"op": "answered"});
        // Targets: back, to itself, nowhere.
        assert_eq!(
            with(nps_q.clone(), answered.clone(), "a"),
            format!("{at}/to")
        );
        assert_eq!(
            with(nps_q.clone(), answered.clone(), "b"),
            format!("{at}/to")
        );
        assert_eq!(
            with(nps_q.clone(), answered.clone(), "zz"),
            format!("{at}/to")
        );
        // Values that do not fit.
        let v = format!("{at}/when/value");
        assert_eq!(
            with(nps_q.clone(), json!({"op": "gt", "value": 11}), "c"),
            v
        );
        assert_eq!(
            with(nps_q.clone(), json!({"op": "lt", "value": 2.5}), "c"),
            v
        );
        assert_eq!(with(nps_q.clone(), json!({"op": "gt"}), "c"), v);
        assert_eq!(
            with(nps_q.clone(), json!({"op": "equals", "value": "9"}), "c"),
            v
        );
        assert_eq!(
            with(nps_q.clone(), json!({"op": "answered", "value": 1}), "c"),
            v
        );
        assert_eq!(
            with(nps_q.clone(), json!({"op": "one_of", "value": []}), "c"),
            v
        );
        assert_eq!(
            with(nps_q.clone(), json!({"op": "one_of", "value": 3}), "c"),
            v
        );
        assert_eq!(
            with(
                nps_q.clone(),
                json!({"op": "one_of", "value": [3, 12]}),
                "c"
            ),
            format!("{v}/1")
        );
        assert_eq!(
            with(text.clone(), json!({"op": "gt", "value": 1}), "c"),
            format!("{at}/when/op")
        );
        assert_eq!(
            with(text.clone(), json!({"op": "equals", "value": ""}), "c"),
            v
        );
        assert_eq!(
            with(choice.clone(), json!({"op": "equals", "value": "z"}), "c"),
            v
        );
        assert_eq!(
            with(multi.clone(), json!({"op": "equals", "value": ["x"]}), "c"),
            v
        );
        let mut req = nps_q.clone();
        req["required"] = json!(true);
        assert_eq!(
            with(req, json!({"op": "skipped"}), "c"),
            format!("{at}/when/op")
        );
        // Values that fit.
        for (kind, when) in [
            (nps_q.clone(), json!({"op": "gt", "value": 8})),
            (nps_q.clone(), json!({"op": "one_of", "value": [0, 10]})),
            (text.clone(), json!({"op": "equals", "value": "yes"})),
            (text.clone(), json!({"op": "skipped"})),
            (choice.clone(), json!({"op": "one_of", "value": ["x", "y"]})),
            (multi.clone(), json!({"op": "equals", "value": "y"})),
        ] {
            let mut q =
                json!({"id": "b", "prompt": "x", "branches": [{"when": when, "to": "end"}]});
            for (k, val) in kind.as_object().unwrap() {
                q[k] = val.clone();
            }
            let s = survey(json!([q, {"id": "c", "type": "nps", "prompt": "x"}]));
            assert!(s.validate("/content", false).is_ok(), "{s:?}");
        }
        // At most 10 rules; "end" is no question's id; unknown fields are refused.
        let many: Vec<Value> = (0..11)
            .map(|_| json!({"when": {"op": "answered"}, "to": "c"}))
            .collect();
        assert_eq!(
            bad(json!({"id": "b", "type": "nps", "prompt": "x", "branches": many})),
            "/content/questions/1/branches"
        );
        assert_eq!(
            bad(json!({"id": "end", "type": "nps", "prompt": "x"})),
            "/content/questions/1/id"
        );
        assert!(serde_json::from_value::<SurveyContent>(json!({"questions": [
            {"id": "a", "type": "nps", "prompt": "x", "branches": [{"when": {"op": "answered"}, "to": "end", "goto": 1}]}
        ]}))
        .is_err());
    }
}
