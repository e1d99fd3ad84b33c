//! Workspace settings beyond the messenger's look: office hours (when the team answers, in the
//! workspace's IANA time zone) and automation (survey pacing, assignment, auto-close, CSAT,
//! email capture). Validated with JSON-pointer paths like every admin body.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// 0 = Monday … 6 = Sunday.
    pub fn index(self) -> u8 {
        self as u8
    }
}

/// One block of opening hours: these days, from `open` to `close` (`"HH:MM"`, 24 h, local to
/// the workspace's time zone, `close` after `open`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenHours {
    pub days: Vec<Weekday>,
    pub open: String,
    pub close: String,
}

/// What the messenger promises about reply times while the team is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ReplyTime {
    Minutes,
    #[default]
    Hours,
    Day,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficeHours {
    /// IANA name (`Europe/Paris`); the edge also checks the runtime knows it.
    pub time_zone: String,
    pub hours: Vec<OpenHours>,
    /// Shown instead of the reply time while the team is out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_message: Option<String>,
    #[serde(default)]
    pub reply_time: ReplyTime,
}

/// `"HH:MM"` → minutes after midnight.
pub fn minutes_of(hhmm: &str) -> Option<u16> {
    let (h, m) = hhmm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60)
        .then_some(h * 60 + m)
        .or((h == 24 && m == 0).then_some(1440))
}

/// Whether a block from `open` to `close` (`"HH:MM"`) covers this minute of the day: open
/// inclusive, close exclusive. The one rule, for the edge's types and the widget's JS values.
pub fn block_covers(open: &str, close: &str, minute_of_day: u16) -> bool {
    minutes_of(open).is_some_and(|o| minute_of_day >= o)
        && minutes_of(close).is_some_and(|c| minute_of_day < c)
}

/// Weekday names as office hours spell them, Monday first.
pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The shape of an IANA zone name: `UTC`, `Area/Location`, `Area/Location/Sub`.
pub fn plausible_time_zone(tz: &str) -> bool {
    (1..=64).contains(&tz.len())
        && !tz.starts_with('/')
        && !tz.ends_with('/')
        && !tz.contains("//")
        && tz
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
}

impl OfficeHours {
    pub fn validate(&self, path: &str) -> Result<(), ApiError> {
        if !plausible_time_zone(&self.time_zone) {
            return Err(ApiError::invalid(
                format!("{path}/timeZone"),
                "an IANA time zone such as Europe/Paris",
            ));
        }
        if self.hours.len() > 14 {
            return Err(ApiError::invalid(
                format!("{path}/hours"),
                "at most 14 blocks",
            ));
        }
        for (i, h) in self.hours.iter().enumerate() {
            let p = format!("{path}/hours/{i}");
            if h.days.is_empty()
                || h.days
                    .iter()
                    .enumerate()
                    .any(|(j, d)| h.days[..j].contains(d))
            {
                return Err(ApiError::invalid(
                    format!("{p}/days"),
                    "distinct days: mon, tue, wed, thu, fri, sat, sun",
                ));
            }
            let open = minutes_of(&h.open)
                .filter(|m| *m < 1440)
                .ok_or_else(|| ApiError::invalid(format!("{p}/open"), "HH:MM, 00:00 to 23:59"))?;
            match minutes_of(&h.close) {
                Some(c) if c > open => {}
                _ => {
                    return Err(ApiError::invalid(
                        format!("{p}/close"),
                        "HH:MM after open (24:00 for midnight)",
                    ))
                }
            }
        }
        if let Some(m) = &self.offline_message {
            if m.trim().is_empty() || m.chars().count() > 500 {
                return Err(ApiError::invalid(
                    format!("{path}/offlineMessage"),
                    "1-500 characters",
                ));
            }
        }
        Ok(())
    }

    /// Whether the team is in at this local time of the workspace's zone (the caller converts
    /// "now" into the zone: the browser and the Worker both have `Intl`).
    pub fn is_open(&self, day: Weekday, minute_of_day: u16) -> bool {
        self.hours
            .iter()
            .any(|h| h.days.contains(&day) && block_covers(&h.open, &h.close, minute_of_day))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// Conversations wait in the inbox until a teammate takes one.
    #[default]
    Manual,
    /// New conversations go to teammates in turn.
    RoundRobin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EmailCapture {
    Off,
    /// Ask anonymous visitors for an email while the team is out.
    #[default]
    WhenOffline,
    Always,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutomationSettings {
    /// Workspace-wide: a visitor sees at most one survey every N days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_cooldown_days: Option<u32>,
    #[serde(default)]
    pub assignment: Assignment,
    /// Close conversations idle for this many hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_close_after_hours: Option<u32>,
    /// Ask for a rating when a conversation closes.
    #[serde(default = "yes")]
    pub csat: bool,
    #[serde(default)]
    pub email_capture: EmailCapture,
    /// Routing: a conversation started under this pre-chat topic goes to this teammate (id).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub topic_assignees: std::collections::BTreeMap<String, String>,
}

impl Default for AutomationSettings {
    fn default() -> Self {
        AutomationSettings {
            survey_cooldown_days: None,
            assignment: Assignment::default(),
            auto_close_after_hours: None,
            csat: true,
            email_capture: EmailCapture::default(),
            topic_assignees: Default::default(),
        }
    }
}

impl AutomationSettings {
    pub fn validate(&self, path: &str) -> Result<(), ApiError> {
        if self.survey_cooldown_days.is_some_and(|d| d > 365) {
            return Err(ApiError::invalid(
                format!("{path}/surveyCooldownDays"),
                "0 to 365 days",
            ));
        }
        if self.topic_assignees.len() > 10 {
            return Err(ApiError::invalid(
                format!("{path}/topicAssignees"),
                "at most 10 topics",
            ));
        }
        for (topic, who) in &self.topic_assignees {
            if topic.trim().is_empty()
                || topic.chars().count() > 60
                || who.is_empty()
                || who.len() > 64
            {
                return Err(ApiError::invalid(
                    format!(
                        "{path}/topicAssignees/{}",
                        crate::attributes::escape_pointer(topic)
                    ),
                    "a topic (1-60 characters) → a teammate id",
                ));
            }
        }
        if self
            .auto_close_after_hours
            .is_some_and(|h| !(1..=720).contains(&h))
        {
            return Err(ApiError::invalid(
                format!("{path}/autoCloseAfterHours"),
                "1 to 720 hours",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hours(v: serde_json::Value) -> OfficeHours {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn office_hours_are_checked_and_answer_is_open() {
        let h = hours(json!({"timeZone": "Europe/Paris", "hours": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "17:30"},
            {"days": ["sat"], "open": "10:00", "close": "24:00"}
        ], "offlineMessage": "Back Monday", "replyTime": "minutes"}));
        assert!(h.validate("/officeHours").is_ok());
        assert!(h.is_open(Weekday::Mon, 9 * 60));
        assert!(!h.is_open(Weekday::Mon, 17 * 60 + 30));
        assert!(!h.is_open(Weekday::Sun, 12 * 60));
        assert!(h.is_open(Weekday::Sat, 23 * 60 + 59));
        let bad =
            |v: serde_json::Value| hours(v).validate("/officeHours").unwrap_err().path.unwrap();
        assert_eq!(
            bad(json!({"timeZone": "Paris; DROP", "hours": []})),
            "/officeHours/timeZone"
        );
        assert_eq!(
            bad(
                json!({"timeZone": "UTC", "hours": [{"days": ["mon"], "open": "18:00", "close": "09:00"}]})
            ),
            "/officeHours/hours/0/close"
        );
        assert_eq!(
            bad(
                json!({"timeZone": "UTC", "hours": [{"days": ["mon"], "open": "9:00", "close": "17:00"}]})
            ),
            "/officeHours/hours/0/open"
        );
        assert_eq!(
            bad(
                json!({"timeZone": "UTC", "hours": [{"days": ["mon", "mon"], "open": "09:00", "close": "17:00"}]})
            ),
            "/officeHours/hours/0/days"
        );
        assert!(serde_json::from_value::<OfficeHours>(json!({"timeZone": "UTC", "hours": [{"days": ["funday"], "open": "09:00", "close": "10:00"}]})).is_err());
    }

    #[test]
    fn automation_defaults_and_limits() {
        let a: AutomationSettings = serde_json::from_value(json!({})).unwrap();
        assert_eq!(a, AutomationSettings::default());
        assert!(a.csat);
        let a: AutomationSettings =
            serde_json::from_value(json!({"surveyCooldownDays": 400})).unwrap();
        assert_eq!(
            a.validate("/automation").unwrap_err().path.as_deref(),
            Some("/automation/surveyCooldownDays")
        );
        assert!(
            serde_json::from_value::<AutomationSettings>(json!({"assignment": "random"})).is_err()
        );
    }
}
