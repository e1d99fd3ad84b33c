//! The messenger's settings as a workspace stores them (look, launcher, common questions,
//! click tracking), with their validation.

use serde::{Deserialize, Serialize};

use super::{check_len, MAX_URL_LEN};
use crate::error::ApiError;

/// Where the launcher sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LauncherPosition {
    Left,
    #[default]
    Right,
}

/// Colour scheme of the messenger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Appearance {
    Light,
    Dark,
    #[default]
    System,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Teammate {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

/// The messenger's look and greeting: public, sent to every visitor at boot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct MessengerSettings {
    pub primary_color: String,
    pub background_color: String,
    pub appearance: Appearance,
    pub launcher_position: LauncherPosition,
    pub horizontal_spacing: u32,
    pub vertical_spacing: u32,
    pub show_launcher: bool,
    /// When true the launcher appears only after `visibility_delay_ms`.
    pub auto_visibility: bool,
    pub visibility_delay_ms: u32,
    pub welcome_message: String,
    pub team_name: String,
    pub teammates: Vec<Teammate>,
    pub z_index: u32,
    /// Pre-chat: the visitor picks one of these before the first message (empty: no choice).
    pub topics: Vec<String>,
    /// Pre-chat: a notice the visitor must accept before the first message (empty: none).
    pub consent_notice: String,
    /// Click tracking without code: clicks on elements matching a selector are tracked as the
    /// named event (so audience rules and event triggers can use them).
    pub tracked_clicks: Vec<TrackedClick>,
    /// The messenger's Home: a few authored "common questions", each an article or a link.
    pub common_questions: Vec<CommonQuestion>,
    /// The widget's language for a visitor whose browser asks for none it speaks (and the
    /// fallback of authored translations): one of `crate::i18n::Locale`'s tags.
    pub default_language: crate::i18n::Locale,
}

/// One of the Home's common questions: a title, and the published article (`articleId`) or
/// the http(s) page (`url`) it opens — exactly one of the two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommonQuestion {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// At most this many common questions on the Home.
pub const MAX_COMMON_QUESTIONS: usize = 5;

/// One selector whose clicks the widget tracks as an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrackedClick {
    /// A CSS selector (checked by the browser when used: an invalid one matches nothing).
    pub selector: String,
    /// The event name it is tracked as.
    pub event: String,
}

/// At most this many tracked-click selectors per workspace.
pub const MAX_TRACKED_CLICKS: usize = 20;

impl Default for MessengerSettings {
    fn default() -> Self {
        MessengerSettings {
            primary_color: "#4f46e5".into(),
            background_color: "#ffffff".into(),
            appearance: Appearance::System,
            launcher_position: LauncherPosition::Right,
            horizontal_spacing: 20,
            vertical_spacing: 20,
            show_launcher: true,
            auto_visibility: false,
            visibility_delay_ms: 0,
            welcome_message: "Hi there! How can we help?".into(),
            team_name: "Support".into(),
            teammates: Vec::new(),
            z_index: 2_147_483_000,
            topics: Vec::new(),
            consent_notice: String::new(),
            tracked_clicks: Vec::new(),
            common_questions: Vec::new(),
            default_language: crate::i18n::Locale::En,
        }
    }
}

/// `#rgb` or `#rrggbb` only: these strings end up in CSS.
pub fn is_hex_color(s: &str) -> bool {
    let Some(h) = s.strip_prefix('#') else {
        return false;
    };
    matches!(h.len(), 3 | 6) && h.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An http(s) URL without whitespace or quotes (safe in an attribute or `url()`).
pub fn is_safe_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() <= MAX_URL_LEN
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '(' | ')')
        })
}

impl MessengerSettings {
    pub fn validate(&self, path: &str) -> Result<(), ApiError> {
        for (v, f) in [
            (&self.primary_color, "primaryColor"),
            (&self.background_color, "backgroundColor"),
        ] {
            if !is_hex_color(v) {
                return Err(ApiError::invalid(
                    format!("{path}/{f}"),
                    "a colour is #rgb or #rrggbb",
                ));
            }
        }
        for (v, f) in [
            (self.horizontal_spacing, "horizontalSpacing"),
            (self.vertical_spacing, "verticalSpacing"),
        ] {
            if v > 200 {
                return Err(ApiError::invalid(
                    format!("{path}/{f}"),
                    "spacing is 0-200 px",
                ));
            }
        }
        if self.visibility_delay_ms > 600_000 {
            return Err(ApiError::invalid(
                format!("{path}/visibilityDelayMs"),
                "at most 600000 ms",
            ));
        }
        check_len(
            &self.welcome_message,
            500,
            &format!("{path}/welcomeMessage"),
        )?;
        check_len(&self.team_name, 80, &format!("{path}/teamName"))?;
        if self.teammates.len() > 10 {
            return Err(ApiError::invalid(
                format!("{path}/teammates"),
                "at most 10 teammates",
            ));
        }
        if self.topics.len() > 10 {
            return Err(ApiError::invalid(
                format!("{path}/topics"),
                "at most 10 topics",
            ));
        }
        for (i, t) in self.topics.iter().enumerate() {
            if t.trim().is_empty() || t.chars().count() > 60 || self.topics[..i].contains(t) {
                return Err(ApiError::invalid(
                    format!("{path}/topics/{i}"),
                    "distinct topics of 1-60 characters",
                ));
            }
        }
        check_len(&self.consent_notice, 500, &format!("{path}/consentNotice"))?;
        if self.tracked_clicks.len() > MAX_TRACKED_CLICKS {
            return Err(ApiError::invalid(
                format!("{path}/trackedClicks"),
                format!("at most {MAX_TRACKED_CLICKS} selectors"),
            ));
        }
        for (i, t) in self.tracked_clicks.iter().enumerate() {
            let at = format!("{path}/trackedClicks/{i}");
            if t.selector.trim().is_empty()
                || t.selector.chars().count() > 500
                || t.selector.chars().any(char::is_control)
            {
                return Err(ApiError::invalid(
                    format!("{at}/selector"),
                    "a CSS selector of 1-500 printable characters",
                ));
            }
            if !crate::events::valid_event_name(&t.event) {
                return Err(ApiError::invalid(
                    format!("{at}/event"),
                    "an event name: 1-100 printable characters without leading or trailing spaces",
                ));
            }
        }
        if self.common_questions.len() > MAX_COMMON_QUESTIONS {
            return Err(ApiError::invalid(
                format!("{path}/commonQuestions"),
                format!("at most {MAX_COMMON_QUESTIONS} common questions"),
            ));
        }
        for (i, q) in self.common_questions.iter().enumerate() {
            let at = format!("{path}/commonQuestions/{i}");
            if q.title.trim().is_empty()
                || q.title.chars().count() > 120
                || q.title.chars().any(char::is_control)
            {
                return Err(ApiError::invalid(
                    format!("{at}/title"),
                    "1-120 printable characters",
                ));
            }
            match (&q.article_id, &q.url) {
                (Some(a), None) if crate::experiences::valid_local_id(a) => {}
                (Some(_), None) => {
                    return Err(ApiError::invalid(
                        format!("{at}/articleId"),
                        "an article id",
                    ))
                }
                (None, Some(u)) if is_safe_http_url(u) => {}
                (None, Some(_)) => {
                    return Err(ApiError::invalid(
                        format!("{at}/url"),
                        "an http(s) URL (javascript: and data: are refused)",
                    ))
                }
                _ => {
                    return Err(ApiError::invalid(
                        at,
                        "either articleId or url, not both, not neither",
                    ))
                }
            }
        }
        for (i, t) in self.teammates.iter().enumerate() {
            check_len(&t.name, 80, &format!("{path}/teammates/{i}/name"))?;
            if t.avatar_url
                .as_deref()
                .is_some_and(|u| !is_safe_http_url(u))
            {
                return Err(ApiError::invalid(
                    format!("{path}/teammates/{i}/avatarUrl"),
                    "an http(s) URL",
                ));
            }
        }
        Ok(())
    }
}
