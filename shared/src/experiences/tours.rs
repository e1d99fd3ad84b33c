//! Tours: steps as authored, and the state machine that moves a visitor through them.

use serde::{Deserialize, Serialize};

use super::video::{video_source, VIDEO_ACCEPTED};
use super::{chars, opt_text, selector, text};
use crate::error::ApiError;

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

/// What a pointer step does when its element has not appeared within the step's `waitMs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MissingTarget {
    /// Show the step anyway, as a centred card (the visitor still gets the text).
    #[default]
    Center,
    /// Move on to the next step, as if the visitor had pressed Next (after the last step, the
    /// tour is complete).
    Skip,
    /// End the tour there: the widget dismisses it (complete is for a tour taken to its end).
    End,
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
    /// The policy for a pointer step whose element never appears.
    #[serde(default)]
    pub missing_target: MissingTarget,
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
                (Some(u), StepKind::Video) if video_source(u).is_some() => {}
                (_, StepKind::Video) => {
                    return Err(ApiError::invalid(format!("{p}/videoUrl"), VIDEO_ACCEPTED))
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
    /// The `page` of the current step, or of the nearest earlier step that has one.
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
    // Bytes and `get` (no searcher, no slicing panic): the widget links this.
    let b = url.as_bytes();
    let mut from = 0;
    if let Some(i) = (0..b.len()).find(|&i| b.get(i..i + 3) == Some(b"://")) {
        match (i + 3..b.len()).find(|&j| b.get(j) == Some(&b'/')) {
            Some(j) => from = j,
            None => return "/",
        }
    }
    let mut end = (from..b.len())
        .find(|&j| matches!(b.get(j), Some(b'?' | b'#')))
        .unwrap_or(b.len());
    while end > from + 1 && b.get(end - 1) == Some(&b'/') {
        end -= 1;
    }
    url.get(from..end).unwrap_or("/")
}

fn bad_action(msg: impl Into<String>) -> ApiError {
    ApiError::invalid("/action", msg)
}

/// The tour state machine. `url` is the page the action happens on.
///
/// `advance` moves to `step`: the next step when it is left out; given, it may be the next
/// (Next), the current one (a retried request: nothing changes) or any earlier one (Back), never
/// further ahead. A step with a `page` is only reached on that page (`url`, when sent, is checked
/// against it; going back to it from elsewhere, the widget navigates there first). The
/// checkpoint follows the step: the page of the step reached, or of the nearest earlier step
/// with one. The widget sends an explicit `step` for Next and Back alike, so a request sent
/// twice (offline queue, retry after a timeout) leaves the same progress as once. For the same
/// reason start of a running tour, snooze of a snoozed one and restart of one running at step 0
/// change nothing; a repeated complete or dismiss is refused and changes nothing either.
pub fn apply_tour_action(
    tour: &TourContent,
    prev: Option<&TourProgress>,
    action: TourAction,
    step: Option<u32>,
    url: Option<&str>,
    now: i64,
) -> Result<TourProgress, ApiError> {
    let last = tour.steps.len().saturating_sub(1) as u32;
    // The page of step `idx`, or of the nearest earlier step that has one.
    let checkpoint_at = |idx: u32| {
        tour.steps
            .iter()
            .take(idx as usize + 1)
            .rev()
            .find_map(|s| s.page.clone())
    };
    let fresh = |now| TourProgress {
        state: TourState::InProgress,
        step: 0,
        checkpoint: checkpoint_at(0),
        snoozed_until: None,
        started_at: now,
        completed_at: None,
        dismissed_at: None,
    };
    let check_page = |idx: u32| -> Result<(), ApiError> {
        let page = tour.steps.get(idx as usize).and_then(|s| s.page.as_deref());
        if let (Some(p), Some(u)) = (page, url) {
            if path_of(p) != path_of(u) {
                return Err(ApiError::invalid(
                    "/url",
                    format!("step {idx} runs on {p}, not on {}", path_of(u)),
                ));
            }
        }
        Ok(())
    };
    if step.is_some() && action != TourAction::Advance {
        return Err(ApiError::invalid("/step", "only advance takes a step"));
    }
    // A tour edited to fewer steps than the run reached goes on from its new last step (the
    // widget shows that step; `tour_run::replay` does the same).
    let clamped = prev.map(|p| TourProgress {
        step: p.step.min(last),
        ..p.clone()
    });
    let prev = clamped.as_ref();
    match (action, prev) {
        // Already started over (a retried restart): `startedAt` stays.
        (TourAction::Restart, Some(p)) if p.state == TourState::InProgress && p.step == 0 => {
            Ok(p.clone())
        }
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
            // Back (any earlier step), the same step again (a retry) or the next; never ahead.
            if to > p.step + 1 {
                return Err(ApiError::invalid(
                    "/step",
                    format!(
                        "the visitor is on step {}; the next is {}",
                        p.step,
                        p.step + 1
                    ),
                ));
            }
            check_page(to)?;
            Ok(TourProgress {
                step: to,
                checkpoint: checkpoint_at(to),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiences::err_path;
    use serde_json::{json, Value};

    fn tour(v: Value) -> TourContent {
        serde_json::from_value(v).unwrap()
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
        // Back: to any earlier step; the checkpoint follows the step back.
        let b = go(Some(&p), Advance, Some(0), None).unwrap();
        assert_eq!((b.step, b.checkpoint.as_deref()), (0, None));
        assert_eq!(err_path(go(Some(&b), Advance, Some(2), None)), "/step");
        // A step with a page is reached only there, backwards too.
        assert_eq!(
            err_path(go(Some(&p), Advance, Some(1), Some("/home"))),
            "/url"
        );
        let b = go(Some(&p), Advance, Some(1), Some("/billing")).unwrap();
        assert_eq!((b.step, b.checkpoint.as_deref()), (1, Some("/billing")));
        assert_eq!(
            (b.state, b.started_at, b.snoozed_until),
            (p.state, p.started_at, p.snoozed_until)
        );
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

    #[test]
    fn retried_actions_leave_the_same_progress() {
        use TourAction::*;
        let t = three_steps();
        // Each request is applied twice, the second time a little later (a retry).
        let twice = |p: &TourProgress, a, step, url| {
            let once = apply_tour_action(&t, Some(p), a, step, url, 5_000).unwrap();
            let again = apply_tour_action(&t, Some(&once), a, step, url, 9_000).unwrap();
            assert_eq!(once, again, "{a:?} {step:?}");
            once
        };
        let p = apply_tour_action(&t, None, Start, None, None, 1_000).unwrap();
        let p = twice(&p, Start, None, None);
        let p = twice(&p, Advance, Some(1), Some("/billing"));
        let p = twice(&p, Advance, Some(2), None);
        assert_eq!(p.step, 2);
        let p = twice(&p, Advance, Some(0), None);
        assert_eq!(p.step, 0);
        let p = twice(&p, Advance, Some(1), Some("/billing"));
        let z = twice(&p, Snooze, None, None);
        assert_eq!(
            (z.state, z.snoozed_until),
            (TourState::Snoozed, Some(5_000 + 7_200_000))
        );
        let p = twice(&z, Start, None, None);
        assert_eq!((p.state, p.step), (TourState::InProgress, 1));
        let r = twice(&p, Restart, None, None);
        assert_eq!(
            (r.state, r.step, r.started_at),
            (TourState::InProgress, 0, 5_000)
        );
        // The ends are refused the second time, and the stored progress is left as it was.
        for end in [Dismiss, Complete] {
            let at_end = apply_tour_action(&t, Some(&r), Advance, Some(1), Some("/billing"), 6_000)
                .and_then(|p| apply_tour_action(&t, Some(&p), Advance, Some(2), None, 6_000))
                .unwrap();
            let once = apply_tour_action(&t, Some(&at_end), end, None, None, 7_000).unwrap();
            assert_eq!(
                err_path(apply_tour_action(&t, Some(&once), end, None, None, 8_000)),
                "/action"
            );
        }
    }

    #[test]
    fn missing_target_policy() {
        assert_eq!(tour(json!({})).missing_target, MissingTarget::Center);
        for (v, want) in [
            ("center", MissingTarget::Center),
            ("skip", MissingTarget::Skip),
            ("end", MissingTarget::End),
        ] {
            let t = tour(json!({ "missingTarget": v }));
            assert_eq!(t.missing_target, want);
            assert_eq!(serde_json::to_value(&t).unwrap()["missingTarget"], v);
        }
        for bad in [json!("Center"), json!("wait"), json!(1), json!(null)] {
            assert!(
                serde_json::from_value::<TourContent>(json!({ "missingTarget": bad })).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn video_steps_take_only_the_allowlist() {
        let step = |u: &str| {
            tour(
                json!({"steps": [{"kind": "post", "body": "a"}, {"kind": "video", "body": "x", "videoUrl": u}]}),
            )
        };
        assert!(step("https://youtu.be/dQw4w9WgXcQ")
            .validate("/content", true)
            .is_ok());
        assert!(step("https://cdn.acme.test/intro.webm")
            .validate("/content", true)
            .is_ok());
        for bad in [
            "https://evil.test/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
            "http://cdn.acme.test/intro.mp4",
        ] {
            let e = step(bad).validate("/content", true).unwrap_err();
            assert_eq!(
                e.path.as_deref(),
                Some("/content/steps/1/videoUrl"),
                "{bad}"
            );
            assert!(
                e.message.contains("YouTube") && e.message.contains(".mp4"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn paths_of_urls() {
        assert_eq!(path_of("https://a.test/billing/?x#y"), "/billing");
        assert_eq!(path_of("https://a.test"), "/");
        assert_eq!(path_of("/a/b/"), "/a/b");
        assert_eq!(path_of("/"), "/");
    }
}
