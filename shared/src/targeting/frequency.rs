//! Frequency, scheduling and sampling: given what a visitor has already seen (plain data),
//! may this item show again now? Each refusal says why.

use serde::{Deserialize, Serialize};

use super::dates::DAY_MS;
use crate::error::ApiError;
use crate::read::Json;

/// A browsing session ends after this much inactivity (or when the browser closes: the widget
/// keeps the session id in `sessionStorage`).
pub const SESSION_IDLE_MS: i64 = 30 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Shown at most once, ever.
    Once,
    /// At most once per browsing session.
    OncePerSession,
    Always,
    /// Until the visitor completes it (e.g. answers the survey).
    UntilCompleted,
    /// Until the visitor dismisses it.
    UntilDismissed,
    /// Only until first seen through: completing or dismissing ends it; a snooze does not.
    FirstTimeOnly,
    /// At most N times.
    AtMost(u32),
}

/// How often an item may show, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Frequency {
    pub mode: Mode,
    /// After an impression, wait this many days before showing again.
    pub recontact_after_days: Option<u32>,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    /// 0-100: the share of visitors (stable per visitor and item) who may see it.
    pub sampling_percent: Option<f64>,
}

impl Default for Frequency {
    fn default() -> Self {
        Frequency {
            mode: Mode::Once,
            recontact_after_days: None,
            start_at: None,
            end_at: None,
            sampling_percent: None,
        }
    }
}

/// See [`super::host::invalid`] (no sentence in the widget's build).
#[inline(always)]
fn err(path: &str, msg: impl Into<String>) -> ApiError {
    super::host::invalid(path, msg)
}

impl Frequency {
    /// `"once"` or `{"mode": "at_most", "maxTimes": 3, "recontactAfterDays": 7, "startAt",
    /// "endAt", "samplingPercent"}`. Read through [`Json`] (see `Trigger::parse`).
    pub fn parse<J: Json>(v: J, path: &str) -> Result<Frequency, ApiError> {
        let (mode_name, o) = match v.str() {
            Some(s) => (Some(s), None),
            None if v.is_object() => (v.get_str("mode"), Some(&v)),
            None => return Err(err(path, "a frequency is a mode name or an object")),
        };
        let get = |k: &str| o.and_then(|o| o.get(k)).filter(|v| !v.is_null());
        let mode = match mode_name.as_ref().map_or("", AsRef::as_ref) {
            "once" => Mode::Once,
            "once_per_session" => Mode::OncePerSession,
            "always" => Mode::Always,
            "until_completed" => Mode::UntilCompleted,
            "until_dismissed" => Mode::UntilDismissed,
            "first_time_only" => Mode::FirstTimeOnly,
            "at_most" => match get("maxTimes").and_then(|n| n.u64()) {
                Some(n) if (1..=1000).contains(&n) => Mode::AtMost(n as u32),
                _ => return Err(err(&super::host::at(path, "/maxTimes"), "1 to 1000")),
            },
            _ => return Err(err(&super::host::at(path, "/mode"), "once, once_per_session, always, until_completed, until_dismissed, first_time_only or at_most")),
        };
        let recontact_after_days = match get("recontactAfterDays") {
            None => None,
            Some(v) => Some(v.u64().filter(|d| *d <= 3650).ok_or_else(|| {
                err(
                    &super::host::at(path, "/recontactAfterDays"),
                    "0 to 3650 days",
                )
            })? as u32),
        };
        let time = |k: &str| -> Result<Option<i64>, ApiError> {
            match get(k) {
                None => Ok(None),
                Some(v) => v.i64().filter(|t| *t >= 0).map(Some).ok_or_else(|| {
                    err(
                        &super::host::at(&super::host::at(path, "/"), k),
                        "epoch milliseconds",
                    )
                }),
            }
        };
        let (start_at, end_at) = (time("startAt")?, time("endAt")?);
        if let (Some(s), Some(e)) = (start_at, end_at) {
            if e <= s {
                return Err(err(
                    &super::host::at(path, "/endAt"),
                    "endAt is after startAt",
                ));
            }
        }
        let sampling_percent = match get("samplingPercent") {
            None => None,
            Some(v) => Some(
                v.f64()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .ok_or_else(|| err(&super::host::at(path, "/samplingPercent"), "0 to 100"))?,
            ),
        };
        Ok(Frequency {
            mode,
            recontact_after_days,
            start_at,
            end_at,
            sampling_percent,
        })
    }
}

/// One time an item was shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Impression {
    pub at: i64,
    pub browsing_session: String,
}

/// What this visitor did with this item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct History {
    pub impressions: Vec<Impression>,
    pub completed_at: Option<i64>,
    pub dismissed_at: Option<i64>,
    pub snoozed_until: Option<i64>,
}

/// Why an item may not show now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Ineligible {
    NotStarted,
    Ended,
    NotSampled,
    Snoozed { until: i64 },
    AlreadyShown,
    ShownThisSession,
    Completed,
    Dismissed,
    MaxTimesReached,
    RecontactWait { until: i64 },
    SurveyCooldown { until: i64 },
}

impl Ineligible {
    /// Whether showing the item is itself what refuses it now (its "shown" counted): an item
    /// still on the visitor's screen is not taken down for that when the page asks again. A
    /// schedule that is over, a snooze, a dismissal or a completion still take it down.
    pub fn spent_by_showing(&self) -> bool {
        matches!(
            self,
            Self::AlreadyShown
                | Self::ShownThisSession
                | Self::MaxTimesReached
                | Self::RecontactWait { .. }
                | Self::SurveyCooldown { .. }
        )
    }
}

/// Whether an item on the visitor's screen stays when the page asks again though
/// [`check_frequency`] refused it (`why`): only for what its showing spent, and never once it
/// was dismissed or completed, whatever the frequency answers first (`once` says
/// `AlreadyShown` before it looks at a dismissal).
pub fn stays_on_screen(why: &Ineligible, history: &History) -> bool {
    why.spent_by_showing() && history.dismissed_at.is_none() && history.completed_at.is_none()
}

#[cfg(test)]
mod spent_tests {
    use super::Ineligible::*;

    #[test]
    fn only_what_a_showing_spends_lets_an_item_on_screen_stay() {
        for spent in [
            AlreadyShown,
            ShownThisSession,
            MaxTimesReached,
            RecontactWait { until: 1 },
            SurveyCooldown { until: 1 },
        ] {
            assert!(spent.spent_by_showing(), "{spent:?}");
        }
        for not in [
            NotStarted,
            Ended,
            NotSampled,
            Snoozed { until: 1 },
            Completed,
            Dismissed,
        ] {
            assert!(!not.spent_by_showing(), "{not:?}");
        }
        let mut h = super::History::default();
        assert!(super::stays_on_screen(&AlreadyShown, &h));
        h.dismissed_at = Some(1);
        assert!(
            !super::stays_on_screen(&AlreadyShown, &h),
            "dismissed in another tab"
        );
        h.dismissed_at = None;
        h.completed_at = Some(1);
        assert!(!super::stays_on_screen(&AlreadyShown, &h), "completed");
    }
}

/// Workspace-wide pacing across items.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pacing {
    /// "At most one survey every N days" (surveys only).
    pub survey_cooldown_days: Option<u32>,
    /// When this visitor last saw any survey.
    pub last_survey_shown_at: Option<i64>,
}

/// Stable 0-9999 bucket of a visitor for an item (FNV-1a), so sampling never flickers.
pub fn sample_bucket(visitor_id: &str, content_id: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in visitor_id.bytes().chain([b':']).chain(content_id.bytes()) {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h % 10_000
}

/// Everything frequency decides with.
pub struct FrequencyInput<'a> {
    pub frequency: &'a Frequency,
    pub history: &'a History,
    pub now_ms: i64,
    pub browsing_session: &'a str,
    pub visitor_id: &'a str,
    pub content_id: &'a str,
    /// `Some` for surveys: the workspace pacing applies.
    pub survey_pacing: Option<Pacing>,
}

/// May the item show now?
pub fn check_frequency(i: &FrequencyInput) -> Result<(), Ineligible> {
    let (f, h, now) = (i.frequency, i.history, i.now_ms);
    if f.start_at.is_some_and(|s| now < s) {
        return Err(Ineligible::NotStarted);
    }
    if f.end_at.is_some_and(|e| now >= e) {
        return Err(Ineligible::Ended);
    }
    if let Some(p) = f.sampling_percent {
        if sample_bucket(i.visitor_id, i.content_id) as f64 >= p * 100.0 {
            return Err(Ineligible::NotSampled);
        }
    }
    if let Some(until) = h.snoozed_until.filter(|u| now < *u) {
        return Err(Ineligible::Snoozed { until });
    }
    let shown = h.impressions.len();
    match f.mode {
        Mode::Once if shown > 0 => return Err(Ineligible::AlreadyShown),
        Mode::OncePerSession
            if h.impressions
                .iter()
                .any(|x| x.browsing_session == i.browsing_session) =>
        {
            return Err(Ineligible::ShownThisSession)
        }
        Mode::UntilCompleted if h.completed_at.is_some() => return Err(Ineligible::Completed),
        Mode::UntilDismissed if h.dismissed_at.is_some() => return Err(Ineligible::Dismissed),
        Mode::FirstTimeOnly => {
            if h.completed_at.is_some() {
                return Err(Ineligible::Completed);
            }
            if h.dismissed_at.is_some() {
                return Err(Ineligible::Dismissed);
            }
            // Seen before, and not because of a snooze that has now run out: done.
            if shown > 0 && h.snoozed_until.is_none() {
                return Err(Ineligible::AlreadyShown);
            }
        }
        Mode::AtMost(n) if shown >= n as usize => return Err(Ineligible::MaxTimesReached),
        _ => {}
    }
    if let (Some(days), Some(last)) = (
        f.recontact_after_days,
        h.impressions.iter().map(|x| x.at).max(),
    ) {
        let until = last.saturating_add(days as i64 * DAY_MS);
        if now < until {
            return Err(Ineligible::RecontactWait { until });
        }
    }
    if let Some(Pacing {
        survey_cooldown_days: Some(days),
        last_survey_shown_at: Some(last),
    }) = i.survey_pacing
    {
        let until = last.saturating_add(days as i64 * DAY_MS);
        if now < until {
            return Err(Ineligible::SurveyCooldown { until });
        }
    }
    Ok(())
}

/// The browsing session to use now: the previous one if it was active within
/// [`SESSION_IDLE_MS`], else a new one (`new_id` is called only then). Returns (id, is_new).
pub fn browsing_session(
    prev: Option<(&str, i64)>,
    now_ms: i64,
    new_id: impl FnOnce() -> String,
) -> (String, bool) {
    match prev {
        Some((id, last_active))
            if now_ms.saturating_sub(last_active) <= SESSION_IDLE_MS && now_ms >= last_active =>
        {
            (id.to_string(), false)
        }
        _ => (new_id(), true),
    }
}
