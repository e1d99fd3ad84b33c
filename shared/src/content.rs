//! Content site owners author, as the admin API accepts it: outbound messages and the
//! delivery settings every kind shares (audience, triggers, frequency, priority). Validation
//! errors name the JSON pointer of the bad field; rules go through the targeting engine.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;
use crate::targeting::frequency::Frequency;
use crate::targeting::triggers::Trigger;
use crate::targeting::Rule;
use crate::types::is_safe_http_url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboundKind {
    /// Appears as a teammate's message in the launcher.
    Chat,
    /// A modal with title, body and buttons.
    Post,
    /// A strip at the top or bottom of the page.
    Banner,
    /// A hint or popover anchored to an element of the page (`content.selector`).
    Tooltip,
}

impl OutboundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboundKind::Chat => "chat",
            OutboundKind::Post => "post",
            OutboundKind::Banner => "banner",
            OutboundKind::Tooltip => "tooltip",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum ButtonAction {
    OpenUrl {
        url: String,
    },
    OpenMessenger,
    StartTour {
        #[serde(rename = "tourId")]
        tour_id: String,
    },
    Dismiss,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Button {
    pub label: String,
    pub action: ButtonAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BannerPosition {
    #[default]
    Top,
    Bottom,
}

/// How a banner sits on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BannerStyle {
    /// Fixed over the page.
    #[default]
    Floating,
    /// In the page's flow: it pushes the page down (or sits at its end).
    Inline,
}

/// What opens a tooltip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TooltipHint {
    /// A small pulsing beacon next to the element: hover, focus or click it.
    #[default]
    Beacon,
    /// The element itself: hover or focus it.
    Element,
}

/// What an outbound message says. Text is plain text: the widget renders it with
/// `textContent`, never as HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutboundContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The CSS selector a tooltip is anchored to (tooltips only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    pub body: String,
    #[serde(default)]
    pub buttons: Vec<Button>,
    #[serde(default)]
    pub position: BannerPosition,
    /// Tooltips only (a beacon when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<TooltipHint>,
    /// Banners only (floating when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<BannerStyle>,
    /// A post's image (http or https), shown above its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// The image's text alternative; none means decorative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<String>,
    #[serde(default = "yes")]
    pub dismissible: bool,
}

fn yes() -> bool {
    true
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

impl OutboundContent {
    pub fn validate(&self, kind: OutboundKind, path: &str) -> Result<(), ApiError> {
        let max_body = if matches!(kind, OutboundKind::Banner | OutboundKind::Tooltip) {
            500
        } else {
            2000
        };
        match (&self.selector, kind) {
            (Some(sel), OutboundKind::Tooltip)
                if !sel.trim().is_empty() && sel.chars().count() <= 500 => {}
            (_, OutboundKind::Tooltip) => {
                return Err(ApiError::invalid(
                    format!("{path}/selector"),
                    "a tooltip needs the CSS selector of its element (1-500 characters)",
                ))
            }
            (Some(_), _) => {
                return Err(ApiError::invalid(
                    format!("{path}/selector"),
                    "only tooltips are anchored to a selector",
                ))
            }
            (None, _) => {}
        }
        if self.body.trim().is_empty() || too_long(&self.body, max_body) {
            return Err(ApiError::invalid(
                format!("{path}/body"),
                format!("1-{max_body} characters"),
            ));
        }
        if self.title.as_deref().is_some_and(|t| too_long(t, 120)) {
            return Err(ApiError::invalid(
                format!("{path}/title"),
                "at most 120 characters",
            ));
        }
        match (&self.image_url, kind) {
            (Some(u), OutboundKind::Post | OutboundKind::Chat)
                if !is_safe_http_url(u) || u.len() > 2048 =>
            {
                return Err(ApiError::invalid(
                    format!("{path}/imageUrl"),
                    "an http(s) URL of at most 2048 characters",
                ))
            }
            (Some(_), OutboundKind::Banner | OutboundKind::Tooltip) => {
                return Err(ApiError::invalid(
                    format!("{path}/imageUrl"),
                    "only posts and chats have an image",
                ))
            }
            _ => {}
        }
        if self.hint.is_some() && kind != OutboundKind::Tooltip {
            return Err(ApiError::invalid(
                format!("{path}/hint"),
                "only tooltips open from a beacon or their element",
            ));
        }
        if self.style.is_some() && kind != OutboundKind::Banner {
            return Err(ApiError::invalid(
                format!("{path}/style"),
                "only banners are inline or floating",
            ));
        }
        if self.image_alt.as_deref().is_some_and(|t| too_long(t, 200)) {
            return Err(ApiError::invalid(
                format!("{path}/imageAlt"),
                "at most 200 characters",
            ));
        }
        if self.buttons.len() > 3 {
            return Err(ApiError::invalid(
                format!("{path}/buttons"),
                "at most 3 buttons",
            ));
        }
        for (i, b) in self.buttons.iter().enumerate() {
            let bp = format!("{path}/buttons/{i}");
            if b.label.trim().is_empty() || too_long(&b.label, 40) {
                return Err(ApiError::invalid(format!("{bp}/label"), "1-40 characters"));
            }
            match &b.action {
                ButtonAction::OpenUrl { url } if !is_safe_http_url(url) => {
                    return Err(ApiError::invalid(
                        format!("{bp}/action/url"),
                        "an http(s) URL (javascript: and data: are refused)",
                    ));
                }
                ButtonAction::StartTour { tour_id } if tour_id.is_empty() || tour_id.len() > 64 => {
                    return Err(ApiError::invalid(
                        format!("{bp}/action/tourId"),
                        "a tour id",
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Delivery settings shared by every kind of content.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub audience: Option<Rule>,
    pub triggers: Vec<Trigger>,
    pub frequency: Frequency,
}

/// At most this many triggers per item.
pub const MAX_TRIGGERS: usize = 5;

impl Delivery {
    /// Parses `audience` (null = everyone), `triggers` (a list; empty = immediately) and
    /// `frequency`, with errors under `/audience`, `/triggers/i`, `/frequency`.
    pub fn parse(
        audience: Option<&Value>,
        triggers: Option<&Value>,
        frequency: Option<&Value>,
    ) -> Result<Delivery, ApiError> {
        let audience = match audience {
            None | Some(Value::Null) => None,
            Some(v) => Some(Rule::parse(v).map_err(|mut e| {
                e.path = Some(format!("/audience{}", e.path.unwrap_or_default()));
                e
            })?),
        };
        let triggers = match triggers {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) if list.len() <= MAX_TRIGGERS => list
                .iter()
                .enumerate()
                .map(|(i, t)| Trigger::parse(t, &format!("/triggers/{i}")))
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(ApiError::invalid(
                    "/triggers",
                    format!("a list of at most {MAX_TRIGGERS} triggers"),
                ))
            }
        };
        let frequency = match frequency {
            None | Some(Value::Null) => Frequency::default(),
            Some(v) => Frequency::parse(v, "/frequency")?,
        };
        Ok(Delivery {
            audience,
            triggers,
            frequency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn content(v: Value) -> OutboundContent {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn outbound_content_is_checked_with_paths() {
        let ok = content(
            json!({"title": "New", "body": "Reports are here", "buttons": [{"label": "See", "action": {"type": "open_url", "url": "https://acme.test/reports"}}]}),
        );
        assert!(ok.validate(OutboundKind::Post, "/content").is_ok());
        let cases = [
            (json!({"body": ""}), OutboundKind::Post, "/content/body"),
            (
                json!({"body": "x".repeat(501)}),
                OutboundKind::Banner,
                "/content/body",
            ),
            (
                json!({"body": "x", "buttons": [{"label": "Go", "action": {"type": "open_url", "url": "javascript:alert(1)"}}]}),
                OutboundKind::Post,
                "/content/buttons/0/action/url",
            ),
            (
                json!({"body": "x", "buttons": [{"label": "", "action": {"type": "dismiss"}}]}),
                OutboundKind::Post,
                "/content/buttons/0/label",
            ),
        ];
        for (v, kind, path) in cases {
            assert_eq!(
                content(v.clone())
                    .validate(kind, "/content")
                    .unwrap_err()
                    .path
                    .as_deref(),
                Some(path),
                "{v}"
            );
        }
        assert!(
            serde_json::from_value::<OutboundContent>(json!({"body": "x", "html": "<b>"})).is_err()
        );
        let tip = content(json!({"body": "Click to export", "selector": "#export-csv"}));
        assert!(tip.validate(OutboundKind::Tooltip, "/content").is_ok());
        assert_eq!(
            content(json!({"body": "x"}))
                .validate(OutboundKind::Tooltip, "/content")
                .unwrap_err()
                .path
                .as_deref(),
            Some("/content/selector")
        );
        assert_eq!(
            tip.validate(OutboundKind::Post, "/content")
                .unwrap_err()
                .path
                .as_deref(),
            Some("/content/selector")
        );
    }

    #[test]
    fn delivery_errors_point_into_each_part() {
        assert!(Delivery::parse(None, None, None).is_ok());
        let bad_rule = json!({"type": "condition", "property": {"source": "custom", "key": "a"}, "operator": "nope"});
        assert_eq!(
            Delivery::parse(Some(&bad_rule), None, None)
                .unwrap_err()
                .path
                .as_deref(),
            Some("/audience/operator")
        );
        let bad_trigger = json!([{"type": "immediate"}, {"type": "teleport"}]);
        assert_eq!(
            Delivery::parse(None, Some(&bad_trigger), None)
                .unwrap_err()
                .path
                .as_deref(),
            Some("/triggers/1/type")
        );
        assert_eq!(
            Delivery::parse(None, None, Some(&json!("sometimes")))
                .unwrap_err()
                .path
                .as_deref(),
            Some("/frequency/mode")
        );
        assert_eq!(
            Delivery::parse(None, Some(&json!([{}, {}, {}, {}, {}, {}])), None)
                .unwrap_err()
                .path
                .as_deref(),
            Some("/triggers")
        );
    }
}
