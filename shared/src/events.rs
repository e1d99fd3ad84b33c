//! Tracked events as the visitor API accepts them (`POST /v1/events`): validation and the
//! day bucket each one counts in.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::attributes;
use crate::error::ApiError;
use crate::targeting::dates::DAY_MS;

/// Events in one batch, at most.
pub const MAX_BATCH: usize = 50;
pub const MAX_NAME_LEN: usize = 100;
/// Properties of one event, at most.
pub const MAX_PROPERTIES: usize = 20;
/// How far in the past a client clock may date an event (queued offline), and in the future.
pub const MAX_PAST_MS: i64 = 7 * DAY_MS;
pub const MAX_FUTURE_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrackRequest {
    pub events: Vec<TrackEvent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrackEvent {
    pub name: String,
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub occurred_at: Option<i64>,
    /// Made by the sender (a UUID): an event sent again with the same id (a retry after a lost
    /// answer, a queue replayed after being offline) is stored and counted once.
    #[serde(default)]
    pub client_id: Option<String>,
}

/// Names are what site owners target with (`purchase`, `Signed up`): printable text.
pub fn valid_event_name(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty()
        && n == name
        && crate::experiences::chars(name) <= MAX_NAME_LEN
        && !name.chars().any(char::is_control)
}

impl TrackRequest {
    /// Validates the batch; errors name the offending event (`/events/3/name`).
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.events.is_empty() || self.events.len() > MAX_BATCH {
            return Err(ApiError::invalid(
                "/events",
                format!("send 1-{MAX_BATCH} events per request"),
            ));
        }
        for (i, e) in self.events.iter().enumerate() {
            let p = format!("/events/{i}");
            if !valid_event_name(&e.name) {
                return Err(ApiError::invalid(
                    format!("{p}/name"),
                    format!("event names are 1-{MAX_NAME_LEN} printable characters without leading or trailing spaces"),
                ));
            }
            if let Some(props) = &e.properties {
                if props.len() > MAX_PROPERTIES {
                    return Err(ApiError::invalid(
                        format!("{p}/properties"),
                        format!("at most {MAX_PROPERTIES} properties"),
                    ));
                }
                attributes::validate(props, &format!("{p}/properties"))?;
            }
            if let Some(c) = &e.client_id {
                crate::chat::check_client_id(c, &format!("{p}/clientId"))?;
            }
            if let Some(u) = &e.url {
                if u.chars().count() > crate::types::MAX_URL_LEN {
                    return Err(ApiError::invalid(
                        format!("{p}/url"),
                        "at most 2048 characters",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// When an event counts as having happened: the client's time if plausible (queued offline
/// for up to a week, or a little ahead), else the time it arrived.
pub fn occurred_at(client: Option<i64>, now_ms: i64) -> i64 {
    match client {
        Some(t) if t >= now_ms - MAX_PAST_MS && t <= now_ms + MAX_FUTURE_MS => t.min(now_ms),
        _ => now_ms,
    }
}

/// The UTC day (since 1970) an instant falls on.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(v: Value) -> Result<TrackRequest, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn batches_and_names_are_checked_with_paths() {
        assert!(req(
            json!({"events": [{"name": "purchase", "properties": {"plan": "pro", "amount": 49.5}}]})
        )
        .unwrap()
        .validate()
        .is_ok());
        let cases = [
            (json!({"events": []}), "/events"),
            (
                json!({"events": vec![json!({"name": "x"}); MAX_BATCH + 1]}),
                "/events",
            ),
            (
                json!({"events": [{"name": "ok"}, {"name": ""}]}),
                "/events/1/name",
            ),
            (json!({"events": [{"name": " padded"}]}), "/events/0/name"),
            (
                json!({"events": [{"name": "a\u{0007}b"}]}),
                "/events/0/name",
            ),
            (
                json!({"events": [{"name": "n".repeat(MAX_NAME_LEN + 1)}]}),
                "/events/0/name",
            ),
            (
                json!({"events": [{"name": "x", "properties": {"deep": {"a": {"b": {"c": 1}}}}}]}),
                "/events/0/properties/deep/a/b",
            ),
            (
                json!({"events": [{"name": "x", "url": "u".repeat(2049)}]}),
                "/events/0/url",
            ),
        ];
        for (v, path) in cases {
            let e = req(v.clone()).unwrap().validate().unwrap_err();
            assert_eq!(e.path.as_deref(), Some(path), "{v}");
        }
        // HTML is just text in a name.
        assert!(
            req(json!({"events": [{"name": "<img src=x onerror=alert(1)>"}]}))
                .unwrap()
                .validate()
                .is_ok()
        );
        // Unknown fields (a visitor id, say) are refused, never trusted.
        assert!(req(json!({"events": [{"name": "x", "visitorId": "v_other"}]})).is_err());
    }

    #[test]
    fn client_ids_are_checked() {
        let ok = req(json!({"events": [{"name": "a", "clientId": "0f8c-4b1e_9"}]})).unwrap();
        assert!(ok.validate().is_ok());
        for bad in [
            json!(""),
            json!("has space"),
            json!("x".repeat(65)),
            json!("<b>"),
        ] {
            let r =
                req(json!({"events": [{"name": "a"}, {"name": "b", "clientId": bad}]})).unwrap();
            assert_eq!(
                r.validate().unwrap_err().path.as_deref(),
                Some("/events/1/clientId")
            );
        }
        assert!(req(json!({"events": [{"name": "a", "clientId": 7}]})).is_err());
    }

    #[test]
    fn client_times_are_trusted_only_when_plausible() {
        let now = 1_800_000_000_000;
        assert_eq!(occurred_at(Some(now - 1000), now), now - 1000);
        assert_eq!(occurred_at(Some(now - 8 * DAY_MS), now), now);
        assert_eq!(
            occurred_at(Some(now + 60_000), now),
            now,
            "a little ahead counts as now"
        );
        assert_eq!(occurred_at(Some(now + DAY_MS), now), now);
        assert_eq!(occurred_at(None, now), now);
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(DAY_MS - 1), 0);
        assert_eq!(day_of(-1), -1);
    }
}
