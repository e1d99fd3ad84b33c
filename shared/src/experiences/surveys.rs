//! Surveys: questions as authored, answers checked against them, and results.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::branching::{path_stop, path_taken, validate_branches, Branch};
use super::{chars, local_id, opt_text, text};
use crate::error::ApiError;
use crate::read::Json;
use crate::targeting::host::sentence;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SurveyFormat {
    /// A card in the corner; does not block the page.
    #[default]
    Small,
    /// A modal with a progress bar; blocking.
    Large,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Nps,
    NumericScale,
    StarRating,
    EmojiRating,
    Dropdown,
    ShortText,
    LongText,
    MultipleChoice,
}

pub const MAX_SHORT_TEXT: usize = 255;
pub const MAX_LONG_TEXT: usize = 2000;
pub const MAX_QUESTIONS: usize = 20;

/// An intro or thank-you screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Screen {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_label: Option<String>,
}

/// `V`: how a branch's value is kept — a `Value` at the edge, the browser's own JSON in the
/// widget (`SurveyContent::read`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(bound(serialize = "V: Serialize", deserialize = "V: Deserialize<'de>"))]
pub struct Question<V = Value> {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub prompt: String,
    #[serde(default)]
    pub required: bool,
    /// dropdown and multiple_choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// multiple_choice: several options may be picked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
    /// numeric_scale bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_label: Option<String>,
    /// emoji_rating: 3 or 5 faces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u8>,
    /// Copies the answer into this custom attribute of the visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_as_attribute: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Where to go after this question, by its answer (`branching`): the first rule that
    /// holds decides; none → the next question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Branch<V>>,
}

impl<V> Question<V> {
    /// The integer range of a rating question, or None for the others.
    pub fn range(&self) -> Option<(i64, i64)> {
        match self.kind {
            QuestionType::Nps => Some((0, 10)),
            QuestionType::NumericScale => Some((self.start.unwrap_or(1), self.end.unwrap_or(5))),
            QuestionType::StarRating => Some((1, 5)),
            QuestionType::EmojiRating => Some((1, self.count.unwrap_or(5) as i64)),
            _ => None,
        }
    }

    /// Checks one answer (read through [`Json`]: the edge's `Value`, the widget's browser
    /// JSON); the message says what the question takes.
    pub fn check<J: Json>(&self, v: J) -> Result<(), String> {
        if let Some((lo, hi)) = self.range() {
            return match v.i64() {
                Some(n) if (lo..=hi).contains(&n) => Ok(()),
                _ => Err(sentence(|| format!("an integer from {lo} to {hi}"))),
            };
        }
        let in_options = |s: &str| self.options.iter().any(|o| o == s);
        match self.kind {
            QuestionType::ShortText | QuestionType::LongText => {
                let max = if self.kind == QuestionType::ShortText {
                    MAX_SHORT_TEXT
                } else {
                    MAX_LONG_TEXT
                };
                match v.str() {
                    Some(s) if !s.as_ref().trim().is_empty() && chars(s.as_ref()) <= max => Ok(()),
                    _ => Err(sentence(|| format!("text of 1-{max} characters"))),
                }
            }
            QuestionType::MultipleChoice if self.multiple => {
                // Distinct options of this question, at least one.
                let mut picked: Vec<J::Str> = Vec::new();
                for i in 0..v.items().unwrap_or(0) {
                    match v.at(i).and_then(|x| x.str()) {
                        Some(s)
                            if in_options(s.as_ref())
                                && !picked.iter().any(|p| p.as_ref() == s.as_ref()) =>
                        {
                            picked.push(s)
                        }
                        _ => return Err("a list of distinct options of this question".into()),
                    }
                }
                match picked.is_empty() {
                    false => Ok(()),
                    true => Err("a list of distinct options of this question".into()),
                }
            }
            _ => match v.str() {
                Some(s) if in_options(s.as_ref()) => Ok(()),
                _ => Err("one of this question's options".into()),
            },
        }
    }
}

impl Question {
    fn validate(&self, p: &str) -> Result<(), ApiError> {
        local_id(&self.id, format!("{p}/id"))?;
        text(&self.prompt, format!("{p}/prompt"), 500)?;
        let choice = matches!(
            self.kind,
            QuestionType::Dropdown | QuestionType::MultipleChoice
        );
        if choice {
            if !(2..=20).contains(&self.options.len()) {
                return Err(ApiError::invalid(format!("{p}/options"), "2 to 20 options"));
            }
            for (i, o) in self.options.iter().enumerate() {
                text(o, format!("{p}/options/{i}"), 200)?;
                if self.options[..i].contains(o) {
                    return Err(ApiError::invalid(
                        format!("{p}/options/{i}"),
                        "options are distinct",
                    ));
                }
            }
        } else if !self.options.is_empty() {
            return Err(ApiError::invalid(
                format!("{p}/options"),
                "only dropdown and multiple_choice questions have options",
            ));
        }
        if self.multiple && self.kind != QuestionType::MultipleChoice {
            return Err(ApiError::invalid(
                format!("{p}/multiple"),
                "only multiple_choice questions take several answers",
            ));
        }
        if self.kind == QuestionType::NumericScale {
            let (s, e) = (self.start.unwrap_or(1), self.end.unwrap_or(5));
            if !(-10..=10).contains(&s) || e <= s || e - s > 10 {
                return Err(ApiError::invalid(
                    format!("{p}/end"),
                    "a scale from start to end, with -10 ≤ start < end ≤ start + 10",
                ));
            }
        } else if self.start.is_some() || self.end.is_some() {
            return Err(ApiError::invalid(
                format!("{p}/start"),
                "only numeric_scale questions have bounds",
            ));
        }
        match (self.kind, self.count) {
            (QuestionType::EmojiRating, None | Some(3 | 5)) | (_, None) => {}
            (QuestionType::EmojiRating, Some(_)) => {
                return Err(ApiError::invalid(format!("{p}/count"), "3 or 5"))
            }
            (_, Some(_)) => {
                return Err(ApiError::invalid(
                    format!("{p}/count"),
                    "only emoji_rating questions have a count",
                ))
            }
        }
        opt_text(&self.low_label, format!("{p}/lowLabel"), 60)?;
        opt_text(&self.high_label, format!("{p}/highLabel"), 60)?;
        opt_text(&self.placeholder, format!("{p}/placeholder"), 120)?;
        if let Some(key) = &self.store_as_attribute {
            if !crate::attributes::valid_key(key) {
                return Err(ApiError::invalid(
                    format!("{p}/storeAsAttribute"),
                    "a custom attribute name (1-64 characters, no control characters)",
                ));
            }
        }
        Ok(())
    }

    /// [`Question::check`], and `null` — the visitor went back and emptied the field — clears
    /// the answer of an optional question; a required one refuses it.
    pub fn check_or_clear(&self, v: &Value) -> Result<(), String> {
        match v {
            Value::Null if self.required => {
                Err("this question is required: its answer cannot be cleared".into())
            }
            Value::Null => Ok(()),
            v => self.check(v),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(bound(serialize = "V: Serialize", deserialize = "V: Deserialize<'de>"))]
pub struct SurveyContent<V = Value> {
    #[serde(default)]
    pub format: SurveyFormat,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Screen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thank_you: Option<Screen>,
    #[serde(default)]
    pub questions: Vec<Question<V>>,
}

impl SurveyContent {
    /// Checks a survey as saved; `for_activation` also requires at least one question.
    pub fn validate(&self, path: &str, for_activation: bool) -> Result<(), ApiError> {
        if self.questions.len() > MAX_QUESTIONS || (for_activation && self.questions.is_empty()) {
            return Err(ApiError::invalid(
                format!("{path}/questions"),
                format!("a survey needs 1-{MAX_QUESTIONS} questions to go live"),
            ));
        }
        for (name, screen) in [("intro", &self.intro), ("thankYou", &self.thank_you)] {
            if let Some(s) = screen {
                opt_text(&s.title, format!("{path}/{name}/title"), 120)?;
                opt_text(&s.body, format!("{path}/{name}/body"), 1000)?;
                opt_text(&s.button_label, format!("{path}/{name}/buttonLabel"), 40)?;
            }
        }
        for (i, q) in self.questions.iter().enumerate() {
            q.validate(&format!("{path}/questions/{i}"))?;
            if self.questions[..i].iter().any(|o| o.id == q.id) {
                return Err(ApiError::invalid(
                    format!("{path}/questions/{i}/id"),
                    "question ids are unique in a survey",
                ));
            }
        }
        // Rules name other questions: checked once every question is.
        for i in 0..self.questions.len() {
            validate_branches(self, i, &format!("{path}/questions/{i}"))?;
        }
        Ok(())
    }
}

impl<V> SurveyContent<V> {
    pub fn question(&self, id: &str) -> Option<&Question<V>> {
        self.questions.iter().find(|q| q.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Answer {
    pub question_id: String,
    /// `null` clears the answer (`Question::check_or_clear`); absent is refused, not a clear.
    #[serde(deserialize_with = "present")]
    pub value: Value,
}

/// A value that must be in the JSON (serde would read an absent `Value` as `null`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Value::deserialize(d)
}

pub const MAX_ANSWERS: usize = MAX_QUESTIONS;

/// Checks answers against the survey and folds them into `stored` (a partial response as
/// saved so far, question id → value), then keeps only the path taken (`path_taken`): answers
/// to questions the path jumps over are dropped — a forged answer to a question a branch
/// skipped is not stored, and a visitor who changed an earlier answer leaves the questions of
/// the old path behind. Answers beyond the question the walk stops at (unanswered, required)
/// wait, undecided, until that question is answered. With `complete`, the path must reach
/// the end: every required question on it answered (a required question off the path does
/// not count). Errors point at `/answers/i/...`, or `/answers` for a missing required answer.
pub fn apply_answers(
    survey: &SurveyContent,
    stored: &mut Map<String, Value>,
    answers: &[Answer],
    complete: bool,
) -> Result<(), ApiError> {
    if answers.len() > MAX_ANSWERS {
        return Err(ApiError::invalid(
            "/answers",
            format!("at most {MAX_ANSWERS} answers"),
        ));
    }
    for (i, a) in answers.iter().enumerate() {
        let p = format!("/answers/{i}");
        let Some(q) = survey.question(&a.question_id) else {
            return Err(ApiError::invalid(
                format!("{p}/questionId"),
                "no such question in this survey",
            ));
        };
        if answers[..i].iter().any(|o| o.question_id == a.question_id) {
            return Err(ApiError::invalid(
                format!("{p}/questionId"),
                "one answer per question",
            ));
        }
        q.check_or_clear(&a.value)
            .map_err(|m| ApiError::invalid(format!("{p}/value"), m))?;
    }
    for a in answers {
        if a.value.is_null() {
            stored.remove(&a.question_id);
        } else {
            stored.insert(a.question_id.clone(), a.value.clone());
        }
    }
    let path = path_taken(survey, stored);
    let stop = path_stop(survey, stored, &path);
    if complete {
        if let Some(q) = stop {
            return Err(ApiError::invalid(
                "/answers",
                format!("question {} is required", q.id),
            ));
        }
    }
    let keep = kept(survey, stored, &path);
    stored.retain(|id, _| {
        match survey.questions.iter().position(|q| &q.id == id) {
            Some(i) => keep(i),
            // Not a question of the survey (any more): left as stored.
            None => true,
        }
    });
    Ok(())
}

/// Whether a response keeps its answer to question `i`, given its path taken: the questions
/// on the path, and those past the question the walk stopped at (unanswered and required),
/// undecided yet. Every other question the path jumped over.
fn kept<'a>(
    survey: &SurveyContent,
    answers: &Map<String, Value>,
    path: &'a [usize],
) -> impl Fn(usize) -> bool + 'a {
    let decided = match (path_stop(survey, answers, path), path.last()) {
        (Some(_), Some(&last)) => last,
        _ => survey.questions.len(),
    };
    move |i| i > decided || path.contains(&i)
}

/// Which questions of the survey a stored response reached: on its path taken, all of it for
/// a complete response; for a partial one, up to the question after its last answer on the
/// path (where the visitor stopped; the first question if none). Answers past the question a
/// partial response stopped at (undecided) count as reached too; answers the path jumped over
/// (a response stored before the survey was edited) do not.
pub fn questions_reached(
    survey: &SurveyContent,
    answers: &Map<String, Value>,
    complete: bool,
) -> Vec<bool> {
    let path = path_taken(survey, answers);
    let keep = kept(survey, answers, &path);
    let mut out: Vec<bool> = survey
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| answers.contains_key(&q.id) && keep(i))
        .collect();
    let upto = if complete {
        path.len()
    } else {
        path.iter()
            .rposition(|&i| answers.contains_key(&survey.questions[i].id))
            .map_or(1, |k| k + 2)
    };
    for &i in path.iter().take(upto) {
        out[i] = true;
    }
    out
}

/// Per-question aggregates over stored responses (`(answers, complete)`): how many responses
/// reached the question (`reached`) and answered it, the distribution of ratings and options,
/// the average, the NPS score, and recent text answers.
pub fn survey_results(survey: &SurveyContent, responses: &[(Map<String, Value>, bool)]) -> Value {
    let complete = responses.iter().filter(|(_, c)| *c).count();
    let reach: Vec<Vec<bool>> = responses
        .iter()
        .map(|(a, c)| questions_reached(survey, a, *c))
        .collect();
    let questions: Vec<Value> = survey
        .questions
        .iter()
        .enumerate()
        .map(|(qi, q)| {
            // Over the responses that reached the question only.
            let answers: Vec<&Value> = responses
                .iter()
                .zip(&reach)
                .filter(|(_, r)| r[qi])
                .filter_map(|((a, _), _)| a.get(&q.id))
                .collect();
            let reached = reach.iter().filter(|r| r[qi]).count();
            let mut out = json!({"id": q.id, "type": q.kind, "prompt": q.prompt, "reached": reached, "answered": answers.len()});
            let o = out.as_object_mut().expect("an object literal");
            if let Some((lo, hi)) = q.range() {
                let mut dist = Map::new();
                let mut sum = 0i64;
                let mut n = 0i64;
                for v in lo..=hi {
                    let c = answers.iter().filter(|a| a.as_i64() == Some(v)).count();
                    dist.insert(v.to_string(), json!(c));
                    sum += v * c as i64;
                    n += c as i64;
                }
                o.insert("distribution".into(), Value::Object(dist));
                o.insert(
                    "average".into(),
                    if n > 0 {
                        json!((sum as f64 / n as f64 * 100.0).round() / 100.0)
                    } else {
                        Value::Null
                    },
                );
                if q.kind == QuestionType::Nps {
                    let count = |r: std::ops::RangeInclusive<i64>| {
                        answers
                            .iter()
                            .filter(|a| a.as_i64().is_some_and(|v| r.contains(&v)))
                            .count()
                    };
                    let (pro, pas, det) = (count(9..=10), count(7..=8), count(0..=6));
                    let score = if n > 0 {
                        json!(((pro as f64 - det as f64) * 1000.0 / n as f64).round() / 10.0)
                    } else {
                        Value::Null
                    };
                    o.insert(
                        "nps".into(),
                        json!({"score": score, "promoters": pro, "passives": pas, "detractors": det}),
                    );
                }
            } else if q.options.is_empty() {
                let recent: Vec<&Value> = answers.iter().rev().take(20).copied().collect();
                o.insert("recent".into(), json!(recent));
            } else {
                let mut dist = Map::new();
                for opt in &q.options {
                    let c = answers
                        .iter()
                        .filter(|a| match a {
                            Value::String(s) => s == opt,
                            Value::Array(l) => l.iter().any(|x| x.as_str() == Some(opt)),
                            _ => false,
                        })
                        .count();
                    dist.insert(opt.clone(), json!(c));
                }
                o.insert("distribution".into(), Value::Object(dist));
            }
            out
        })
        .collect();
    json!({
        "responses": {"total": responses.len(), "complete": complete, "partial": responses.len() - complete},
        "questions": questions,
    })
}

#[cfg(test)]
mod tests;
