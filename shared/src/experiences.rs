//! Tours, surveys and checklists: what site owners author, the checks a save goes through
//! (errors name the JSON pointer of the bad field), and the rules the edge applies to what a
//! visitor does with them (tour state machine, survey answers, checklist tasks, survey
//! results). Pure: callers bring rows and the clock.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::types::is_safe_http_url;

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn text(v: &str, path: String, max: usize) -> Result<(), ApiError> {
    if v.trim().is_empty() || chars(v) > max {
        return Err(ApiError::invalid(path, format!("1-{max} characters")));
    }
    Ok(())
}

fn opt_text(v: &Option<String>, path: String, max: usize) -> Result<(), ApiError> {
    match v {
        Some(v) => text(v, path, max),
        None => Ok(()),
    }
}

/// Ids inside an item (question, task): letters, digits, `-` and `_`, 1-64 characters.
pub fn valid_local_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn local_id(v: &str, path: String) -> Result<(), ApiError> {
    if valid_local_id(v) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            path,
            "1-64 letters, digits, - or _ (unique in the item)",
        ))
    }
}

fn selector(v: &Option<String>, path: String, why: &str) -> Result<(), ApiError> {
    match v {
        Some(s) if !s.trim().is_empty() && chars(s) <= 500 => Ok(()),
        _ => Err(ApiError::invalid(
            path,
            format!("{why} needs the CSS selector of its element (1-500 characters)"),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Tours

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// A popover anchored to an element.
    #[default]
    Pointer,
    /// A centred card.
    Post,
    /// A centred card with a video.
    Video,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    #[default]
    Auto,
    Left,
    Right,
    Above,
    Below,
}

/// What moves a tour to its next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Advance {
    /// The step's Next button.
    #[default]
    Button,
    /// A click on the step's element.
    Click,
    /// Typing into the step's element (a form field).
    Fill,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TourStep {
    #[serde(default)]
    pub kind: StepKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    #[serde(default)]
    pub placement: Placement,
    #[serde(default)]
    pub advance: Advance,
    /// Multi-page tours: the path this step runs on (`/billing`). Reaching it stores a
    /// checkpoint, so a reload or a navigation resumes here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// How long the widget waits for a late-rendered element before giving up on the step
    /// (it never skips at once).
    #[serde(default = "default_wait_ms")]
    pub wait_ms: u32,
}

fn default_wait_ms() -> u32 {
    10_000
}

fn default_snooze_hours() -> u32 {
    24
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TourContent {
    #[serde(default)]
    pub steps: Vec<TourStep>,
    /// How long "Remind me later" hides the tour.
    #[serde(default = "default_snooze_hours")]
    pub snooze_hours: u32,
    #[serde(default = "yes")]
    pub show_progress: bool,
}

pub const MAX_TOUR_STEPS: usize = 30;

impl TourContent {
    /// Checks a tour as saved; `for_activation` also requires at least one step.
    pub fn validate(&self, path: &str, for_activation: bool) -> Result<(), ApiError> {
        if self.steps.len() > MAX_TOUR_STEPS || (for_activation && self.steps.is_empty()) {
            return Err(ApiError::invalid(
                format!("{path}/steps"),
                format!("a tour needs 1-{MAX_TOUR_STEPS} steps to go live"),
            ));
        }
        if !(1..=720).contains(&self.snooze_hours) {
            return Err(ApiError::invalid(
                format!("{path}/snoozeHours"),
                "1 to 720 hours",
            ));
        }
        for (i, st) in self.steps.iter().enumerate() {
            let p = format!("{path}/steps/{i}");
            text(&st.body, format!("{p}/body"), 2000)?;
            opt_text(&st.title, format!("{p}/title"), 120)?;
            if st.kind == StepKind::Pointer {
                selector(&st.selector, format!("{p}/selector"), "a pointer step")?;
            } else if st.advance != Advance::Button {
                selector(
                    &st.selector,
                    format!("{p}/selector"),
                    "a step that advances on a click or a fill",
                )?;
            } else if st.selector.is_some() {
                selector(&st.selector, format!("{p}/selector"), "a step")?;
            }
            match (&st.video_url, st.kind) {
                (Some(u), StepKind::Video) if is_safe_http_url(u) && u.starts_with("https://") => {}
                (_, StepKind::Video) => {
                    return Err(ApiError::invalid(
                        format!("{p}/videoUrl"),
                        "a video step needs an https URL",
                    ))
                }
                (Some(_), _) => {
                    return Err(ApiError::invalid(
                        format!("{p}/videoUrl"),
                        "only video steps have a video",
                    ))
                }
                (None, _) => {}
            }
            if let Some(page) = &st.page {
                if !page.starts_with('/') || chars(page) > 2048 {
                    return Err(ApiError::invalid(
                        format!("{p}/page"),
                        "a path on the site, starting with /",
                    ));
                }
            }
            if !(0..=60_000).contains(&st.wait_ms) {
                return Err(ApiError::invalid(
                    format!("{p}/waitMs"),
                    "0 to 60000 milliseconds",
                ));
            }
        }
        Ok(())
    }
}

/// Where a visitor is in a tour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TourState {
    InProgress,
    Snoozed,
    Dismissed,
    Completed,
}

impl TourState {
    pub fn as_str(self) -> &'static str {
        match self {
            TourState::InProgress => "in_progress",
            TourState::Snoozed => "snoozed",
            TourState::Dismissed => "dismissed",
            TourState::Completed => "completed",
        }
    }
    pub fn parse(s: &str) -> Option<TourState> {
        Some(match s {
            "in_progress" => TourState::InProgress,
            "snoozed" => TourState::Snoozed,
            "dismissed" => TourState::Dismissed,
            "completed" => TourState::Completed,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TourProgress {
    pub state: TourState,
    /// Index of the current step.
    pub step: u32,
    /// The path of the last step reached that has a `page`.
    pub checkpoint: Option<String>,
    pub snoozed_until: Option<i64>,
    pub started_at: i64,
    pub completed_at: Option<i64>,
    pub dismissed_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TourAction {
    Start,
    Advance,
    Complete,
    Dismiss,
    Snooze,
    Restart,
}

/// The path part of a URL or path (`https://a.test/x/?q#h` → `/x`), without a trailing slash.
pub fn path_of(url: &str) -> &str {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find('/').map_or("/", |j| &after[j..])
        }
        None => url,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let p = &rest[..end];
    if p.len() > 1 {
        p.trim_end_matches('/')
    } else {
        p
    }
}

fn bad_action(msg: impl Into<String>) -> ApiError {
    ApiError::invalid("/action", msg)
}

/// The tour state machine. `step` is the step the visitor moves to (advance; defaults to the
/// next), `url` the page it happens on (checked against the step's `page`).
pub fn apply_tour_action(
    tour: &TourContent,
    prev: Option<&TourProgress>,
    action: TourAction,
    step: Option<u32>,
    url: Option<&str>,
    now: i64,
) -> Result<TourProgress, ApiError> {
    let last = tour.steps.len().saturating_sub(1) as u32;
    let fresh = |now| TourProgress {
        state: TourState::InProgress,
        step: 0,
        checkpoint: tour.steps.first().and_then(|s| s.page.clone()),
        snoozed_until: None,
        started_at: now,
        completed_at: None,
        dismissed_at: None,
    };
    let check_page = |idx: u32| -> Result<Option<String>, ApiError> {
        let page = tour.steps.get(idx as usize).and_then(|s| s.page.clone());
        if let (Some(p), Some(u)) = (&page, url) {
            if path_of(p) != path_of(u) {
                return Err(ApiError::invalid(
                    "/url",
                    format!("step {idx} runs on {p}, not on {}", path_of(u)),
                ));
            }
        }
        Ok(page)
    };
    if step.is_some() && action != TourAction::Advance {
        return Err(ApiError::invalid("/step", "only advance takes a step"));
    }
    match (action, prev) {
        (TourAction::Restart, _) => Ok(fresh(now)),
        (TourAction::Start, None) => Ok(fresh(now)),
        (TourAction::Start, Some(p)) => match p.state {
            TourState::Completed => Err(bad_action(
                "this tour is completed; restart it to take it again",
            )),
            TourState::Dismissed => Err(bad_action(
                "this tour was dismissed; restart it to take it again",
            )),
            // Resuming (or coming back after a snooze) keeps the step reached.
            TourState::InProgress | TourState::Snoozed => Ok(TourProgress {
                state: TourState::InProgress,
                snoozed_until: None,
                ..p.clone()
            }),
        },
        (_, None) => Err(bad_action("start the tour first")),
        (_, Some(p)) if p.state == TourState::Completed => Err(bad_action(
            "this tour is completed; only restart changes it",
        )),
        (_, Some(p)) if p.state == TourState::Dismissed => Err(bad_action(
            "this tour was dismissed; only restart changes it",
        )),
        (TourAction::Snooze, Some(p)) if p.state == TourState::Snoozed => Ok(p.clone()),
        (TourAction::Dismiss, Some(p)) => Ok(TourProgress {
            state: TourState::Dismissed,
            snoozed_until: None,
            dismissed_at: Some(now),
            ..p.clone()
        }),
        (_, Some(p)) if p.state == TourState::Snoozed => {
            Err(bad_action("this tour is snoozed; start it to resume"))
        }
        (TourAction::Snooze, Some(p)) => Ok(TourProgress {
            state: TourState::Snoozed,
            snoozed_until: Some(now.saturating_add(tour.snooze_hours as i64 * 3_600_000)),
            ..p.clone()
        }),
        (TourAction::Advance, Some(p)) => {
            let to = step.unwrap_or(p.step + 1);
            if to > last {
                return Err(ApiError::invalid(
                    "/step",
                    format!("this tour has steps 0 to {last}"),
                ));
            }
            if to != p.step + 1 && to != p.step {
                return Err(ApiError::invalid(
                    "/step",
                    format!(
                        "the visitor is on step {}; the next is {}",
                        p.step,
                        p.step + 1
                    ),
                ));
            }
            let page = check_page(to)?;
            Ok(TourProgress {
                step: to,
                checkpoint: page.or_else(|| p.checkpoint.clone()),
                ..p.clone()
            })
        }
        (TourAction::Complete, Some(p)) => {
            if p.step != last {
                return Err(bad_action(format!(
                    "the visitor is on step {} of {}; complete comes after the last",
                    p.step,
                    last + 1
                )));
            }
            Ok(TourProgress {
                state: TourState::Completed,
                completed_at: Some(now),
                ..p.clone()
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Surveys

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Question {
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
}

impl Question {
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

    /// Checks one answer; the message says what the question takes.
    pub fn check(&self, v: &Value) -> Result<(), String> {
        if let Some((lo, hi)) = self.range() {
            return match v.as_i64() {
                Some(n) if (lo..=hi).contains(&n) => Ok(()),
                _ => Err(format!("an integer from {lo} to {hi}")),
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
                match v.as_str() {
                    Some(s) if !s.trim().is_empty() && chars(s) <= max => Ok(()),
                    _ => Err(format!("text of 1-{max} characters")),
                }
            }
            QuestionType::MultipleChoice if self.multiple => match v.as_array() {
                Some(list)
                    if !list.is_empty()
                        && list.iter().enumerate().all(|(i, x)| {
                            x.as_str().is_some_and(in_options) && !list[..i].contains(x)
                        }) =>
                {
                    Ok(())
                }
                _ => Err("a list of distinct options of this question".into()),
            },
            _ => match v.as_str() {
                Some(s) if in_options(s) => Ok(()),
                _ => Err("one of this question's options".into()),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SurveyContent {
    #[serde(default)]
    pub format: SurveyFormat,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Screen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thank_you: Option<Screen>,
    #[serde(default)]
    pub questions: Vec<Question>,
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
        Ok(())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Answer {
    pub question_id: String,
    pub value: Value,
}

pub const MAX_ANSWERS: usize = MAX_QUESTIONS;

/// Checks answers against the survey and folds them into `stored` (a partial response as
/// saved so far, question id → value). With `complete`, every required question must then
/// be answered. Errors point at `/answers/i/...`.
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
        q.check(&a.value)
            .map_err(|m| ApiError::invalid(format!("{p}/value"), m))?;
    }
    for a in answers {
        stored.insert(a.question_id.clone(), a.value.clone());
    }
    if complete {
        if let Some(q) = survey
            .questions
            .iter()
            .find(|q| q.required && !stored.contains_key(&q.id))
        {
            return Err(ApiError::invalid(
                "/answers",
                format!("question {} is required", q.id),
            ));
        }
    }
    Ok(())
}

/// Per-question aggregates over stored responses (`(answers, complete)`): counts, the
/// distribution of ratings and options, the average, the NPS score, and recent text answers.
pub fn survey_results(survey: &SurveyContent, responses: &[(Map<String, Value>, bool)]) -> Value {
    let complete = responses.iter().filter(|(_, c)| *c).count();
    let questions: Vec<Value> = survey
        .questions
        .iter()
        .map(|q| {
            let answers: Vec<&Value> = responses.iter().filter_map(|(a, _)| a.get(&q.id)).collect();
            let mut out = json!({"id": q.id, "type": q.kind, "prompt": q.prompt, "answered": answers.len()});
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

// ---------------------------------------------------------------------------------------------
// Checklists

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum TaskAction {
    StartTour {
        #[serde(rename = "tourId")]
        tour_id: String,
    },
    OpenUrl {
        url: String,
    },
    TrackEvent {
        name: String,
    },
}

/// How a task gets done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum Completion {
    /// The visitor ticks it.
    #[default]
    Manual,
    /// Done once the visitor has tracked this event.
    Event { name: String },
    /// Done once the visitor has this custom attribute (set, not false, not empty).
    Attribute { key: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Task {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<TaskAction>,
    #[serde(default)]
    pub completion: Completion,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChecklistContent {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub tasks: Vec<Task>,
}

pub const MAX_TASKS: usize = 20;

impl ChecklistContent {
    pub fn validate(&self, path: &str, for_activation: bool) -> Result<(), ApiError> {
        text(&self.title, format!("{path}/title"), 120)?;
        opt_text(&self.description, format!("{path}/description"), 1000)?;
        if self.tasks.len() > MAX_TASKS || (for_activation && self.tasks.is_empty()) {
            return Err(ApiError::invalid(
                format!("{path}/tasks"),
                format!("a checklist needs 1-{MAX_TASKS} tasks to go live"),
            ));
        }
        for (i, t) in self.tasks.iter().enumerate() {
            let p = format!("{path}/tasks/{i}");
            local_id(&t.id, format!("{p}/id"))?;
            if self.tasks[..i].iter().any(|o| o.id == t.id) {
                return Err(ApiError::invalid(
                    format!("{p}/id"),
                    "task ids are unique in a checklist",
                ));
            }
            text(&t.title, format!("{p}/title"), 120)?;
            opt_text(&t.description, format!("{p}/description"), 500)?;
            match &t.action {
                Some(TaskAction::OpenUrl { url }) if !is_safe_http_url(url) => {
                    return Err(ApiError::invalid(
                        format!("{p}/action/url"),
                        "an http(s) URL (javascript: and data: are refused)",
                    ))
                }
                Some(TaskAction::StartTour { tour_id }) if !valid_local_id(tour_id) => {
                    return Err(ApiError::invalid(format!("{p}/action/tourId"), "a tour id"))
                }
                Some(TaskAction::TrackEvent { name }) if !crate::events::valid_event_name(name) => {
                    return Err(ApiError::invalid(
                        format!("{p}/action/name"),
                        "an event name",
                    ))
                }
                _ => {}
            }
            match &t.completion {
                Completion::Event { name } if !crate::events::valid_event_name(name) => {
                    return Err(ApiError::invalid(
                        format!("{p}/completion/name"),
                        "an event name",
                    ))
                }
                Completion::Attribute { key } if !crate::attributes::valid_key(key) => {
                    return Err(ApiError::invalid(
                        format!("{p}/completion/key"),
                        "a custom attribute name",
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }
}

impl Task {
    /// Whether an automatic task is done, from the visitor's event totals and attributes;
    /// `None` for a manual task (its state is what the visitor ticked).
    pub fn auto_done(
        &self,
        event_count: impl Fn(&str) -> i64,
        attributes: &Map<String, Value>,
    ) -> Option<bool> {
        match &self.completion {
            Completion::Manual => None,
            Completion::Event { name } => Some(event_count(name) > 0),
            Completion::Attribute { key } => Some(match attributes.get(key) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => false,
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Array(a)) => !a.is_empty(),
                Some(_) => true,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tour(v: Value) -> TourContent {
        serde_json::from_value(v).unwrap()
    }

    fn err_path(r: Result<impl std::fmt::Debug, ApiError>) -> String {
        r.unwrap_err().path.unwrap_or_default()
    }

    #[test]
    fn tours_are_checked_with_paths() {
        let ok = tour(json!({"steps": [
            {"body": "Welcome", "kind": "post"},
            {"body": "Export here", "selector": "#export"},
            {"body": "Plans", "selector": "#plans", "page": "/billing", "advance": "click"}
        ]}));
        assert!(ok.validate("/content", true).is_ok());
        assert_eq!(
            err_path(tour(json!({"steps": [{"body": "x"}]})).validate("/content", false)),
            "/content/steps/0/selector"
        );
        assert_eq!(
            err_path(tour(json!({})).validate("/content", true)),
            "/content/steps"
        );
        assert!(tour(json!({})).validate("/content", false).is_ok());
        assert_eq!(
            err_path(
                tour(json!({"steps": [{"kind": "video", "body": "x", "videoUrl": "javascript:alert(1)"}]}))
                    .validate("/content", false)
            ),
            "/content/steps/0/videoUrl"
        );
        assert_eq!(
            err_path(
                tour(json!({"steps": [{"kind": "post", "body": "x", "advance": "fill"}]}))
                    .validate("/content", false)
            ),
            "/content/steps/0/selector"
        );
        assert_eq!(
            err_path(
                tour(json!({"steps": [{"kind": "post", "body": "x", "page": "billing"}]}))
                    .validate("/content", false)
            ),
            "/content/steps/0/page"
        );
        assert!(serde_json::from_value::<TourContent>(
            json!({"steps": [{"body": "x", "onShow": "alert(1)"}]})
        )
        .is_err());
    }

    fn three_steps() -> TourContent {
        tour(json!({"snoozeHours": 2, "steps": [
            {"kind": "post", "body": "a"},
            {"kind": "post", "body": "b", "page": "/billing"},
            {"kind": "post", "body": "c"}
        ]}))
    }

    #[test]
    fn tour_state_machine() {
        use TourAction::*;
        let t = three_steps();
        let go =
            |p: Option<&TourProgress>, a, step, url| apply_tour_action(&t, p, a, step, url, 1000);
        assert_eq!(err_path(go(None, Advance, None, None)), "/action");
        let p = go(None, Start, None, None).unwrap();
        assert_eq!((p.state, p.step), (TourState::InProgress, 0));
        // Skipping a step, going past the end, or to the wrong page is refused.
        assert_eq!(err_path(go(Some(&p), Advance, Some(2), None)), "/step");
        assert_eq!(
            err_path(go(Some(&p), Advance, None, Some("https://a.test/home"))),
            "/url"
        );
        assert_eq!(err_path(go(Some(&p), Complete, None, None)), "/action");
        let p = go(Some(&p), Advance, None, Some("https://a.test/billing/?x=1")).unwrap();
        assert_eq!((p.step, p.checkpoint.as_deref()), (1, Some("/billing")));
        // Advancing to the same step again (a retried request) is harmless.
        assert_eq!(go(Some(&p), Advance, Some(1), None).unwrap(), p);
        let p = go(Some(&p), Advance, None, None).unwrap();
        assert_eq!(err_path(go(Some(&p), Advance, None, None)), "/step");
        let done = go(Some(&p), Complete, None, None).unwrap();
        assert_eq!(done.state, TourState::Completed);
        for a in [Advance, Complete, Dismiss, Snooze, Start] {
            assert_eq!(err_path(go(Some(&done), a, None, None)), "/action", "{a:?}");
        }
        let again = go(Some(&done), Restart, None, None).unwrap();
        assert_eq!((again.state, again.step), (TourState::InProgress, 0));
        // Snooze keeps the step and comes back in snoozeHours; start resumes there.
        let p = go(Some(&again), Advance, None, Some("/billing")).unwrap();
        let z = go(Some(&p), Snooze, None, None).unwrap();
        assert_eq!(
            (z.state, z.snoozed_until, z.step),
            (TourState::Snoozed, Some(1000 + 7_200_000), 1)
        );
        assert_eq!(err_path(go(Some(&z), Advance, None, None)), "/action");
        let back = go(Some(&z), Start, None, None).unwrap();
        assert_eq!((back.state, back.step), (TourState::InProgress, 1));
        let d = go(Some(&back), Dismiss, None, None).unwrap();
        assert_eq!(d.state, TourState::Dismissed);
        assert_eq!(err_path(go(Some(&d), Start, None, None)), "/action");
        assert_eq!(err_path(go(Some(&d), Start, Some(1), None)), "/step");
    }

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

    #[test]
    fn checklists_are_checked_and_tasks_complete_automatically() {
        let c: ChecklistContent = serde_json::from_value(json!({"title": "Get started", "tasks": [
            {"id": "invite", "title": "Invite a teammate", "completion": {"type": "event", "name": "teammate_invited"}},
            {"id": "logo", "title": "Upload a logo", "completion": {"type": "attribute", "key": "has_logo"}},
            {"id": "tour", "title": "Take the tour", "action": {"type": "start_tour", "tourId": "tur_1"}}
        ]}))
        .unwrap();
        assert!(c.validate("/content", true).is_ok());
        let counts = |n: &str| if n == "teammate_invited" { 2 } else { 0 };
        let attrs = json!({"has_logo": false}).as_object().unwrap().clone();
        assert_eq!(c.tasks[0].auto_done(counts, &attrs), Some(true));
        assert_eq!(c.tasks[1].auto_done(counts, &attrs), Some(false));
        let attrs = json!({"has_logo": "yes"}).as_object().unwrap().clone();
        assert_eq!(c.tasks[1].auto_done(counts, &attrs), Some(true));
        assert_eq!(c.tasks[2].auto_done(counts, &attrs), None);
        let bad: ChecklistContent = serde_json::from_value(json!({"title": "x", "tasks": [
            {"id": "a", "title": "A", "action": {"type": "open_url", "url": "javascript:alert(1)"}}
        ]}))
        .unwrap();
        assert_eq!(
            err_path(bad.validate("/content", false)),
            "/content/tasks/0/action/url"
        );
        let dup: ChecklistContent = serde_json::from_value(json!({"title": "x", "tasks": [
            {"id": "a", "title": "A"}, {"id": "a", "title": "B"}
        ]}))
        .unwrap();
        assert_eq!(
            err_path(dup.validate("/content", false)),
            "/content/tasks/1/id"
        );
    }

    #[test]
    fn paths_of_urls() {
        assert_eq!(path_of("https://a.test/billing/?x#y"), "/billing");
        assert_eq!(path_of("https://a.test"), "/");
        assert_eq!(path_of("/a/b/"), "/a/b");
        assert_eq!(path_of("/"), "/");
    }
}
