//! Request and response types of the visitor and admin API, with their validation.
//!
//! Field names are camelCase on the wire (API.md). Validation errors carry the JSON pointer of
//! the offending field.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attributes;
use crate::error::ApiError;
use crate::identity::IdentityMode;
use crate::origin;
use crate::settings::{AutomationSettings, OfficeHours};

pub const MAX_NAME_LEN: usize = 200;
pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_USER_ID_LEN: usize = 255;
pub const MAX_SESSION_ID_LEN: usize = 64;
/// The anonymous sessionId is a credential (it resumes an unverified visitor): long enough not
/// to be guessed. The widget sends 32 hex characters (16 random bytes).
pub const MIN_SESSION_ID_LEN: usize = 16;

/// An anonymous sessionId: 16–64 letters, digits, `-` and `_`.
pub fn valid_session_id(s: &str) -> bool {
    (MIN_SESSION_ID_LEN..=MAX_SESSION_ID_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
pub const MAX_URL_LEN: usize = 2048;

mod messenger;
pub use messenger::*;

fn check_len(s: &str, max: usize, path: &str) -> Result<(), ApiError> {
    if s.chars().count() > max {
        return Err(ApiError::invalid(path, format!("at most {max} characters")));
    }
    Ok(())
}

/// What every visitor of a workspace may know about it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicSettings {
    pub workspace_id: String,
    pub name: String,
    pub session_lifetime_ms: i64,
    pub messenger: MessengerSettings,
    /// When the team answers; absent when it always does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_hours: Option<OfficeHours>,
    /// When the messenger asks an anonymous visitor for an email.
    pub email_capture: crate::settings::EmailCapture,
    /// Whether a closed conversation asks for a rating.
    pub csat: bool,
}

/// A visitor as the visitor API shows it (to that visitor only).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VisitorView {
    pub id: String,
    pub readable_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub identity_verified: bool,
    pub attributes: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub url: Option<String>,
    pub referrer: Option<String>,
    pub title: Option<String>,
}

/// `POST /v1/boot`. Unknown fields are ignored so older edges accept newer widgets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BootRequest {
    pub workspace_id: String,
    pub session_id: Option<String>,
    // The identity fields are spelled out (not `#[serde(flatten)]`) so that type errors keep
    // their JSON path.
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub user_hash: Option<String>,
    pub user_jwt: Option<String>,
    pub attributes: Option<Map<String, Value>>,
    pub device: Option<Map<String, Value>>,
    pub page: Option<PageInfo>,
    /// The page's explicit locale (`boot({locale})`, `porchlightSettings.locale`).
    pub locale: Option<String>,
    /// The browser's `navigator.languages`, in the visitor's order.
    pub languages: Option<Vec<String>>,
}

/// `POST /v1/identify`, and the identity part of a boot.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifyRequest {
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub user_hash: Option<String>,
    pub user_jwt: Option<String>,
    pub attributes: Option<Map<String, Value>>,
}

/// A plausible email: one `@`, something on each side, a dot in the domain, no spaces.
pub fn is_plausible_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.len() <= MAX_EMAIL_LEN
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
}

impl IdentifyRequest {
    pub fn validate(&self) -> Result<(), ApiError> {
        if let Some(u) = &self.user_id {
            if u.trim().is_empty() || u.chars().count() > MAX_USER_ID_LEN {
                return Err(ApiError::invalid(
                    "/userId",
                    format!("1-{MAX_USER_ID_LEN} characters"),
                ));
            }
        }
        if let Some(e) = &self.email {
            if !is_plausible_email(e) {
                return Err(ApiError::invalid("/email", "not a valid email address"));
            }
        }
        if let Some(n) = &self.name {
            check_len(n, MAX_NAME_LEN, "/name")?;
        }
        if let Some(h) = &self.user_hash {
            check_len(h, 128, "/userHash")?;
        }
        if let Some(j) = &self.user_jwt {
            check_len(j, crate::identity::MAX_JWT_LEN, "/userJwt")?;
        }
        if let Some(a) = &self.attributes {
            attributes::validate(a, "/attributes")?;
        }
        Ok(())
    }
}

impl BootRequest {
    /// The visitor's locale: the page's explicit one, else the browser's languages in order,
    /// else what this visitor had (`prior`) when the boot names none at all, else `default`.
    pub fn locale(&self, prior: Option<&str>, default: crate::i18n::Locale) -> crate::i18n::Locale {
        let asked = self.locale.is_some() || self.languages.as_ref().is_some_and(|l| !l.is_empty());
        let wanted = self
            .locale
            .as_deref()
            .into_iter()
            .chain(self.languages.iter().flatten().map(String::as_str))
            .chain(prior.filter(|_| !asked));
        crate::i18n::negotiate(wanted, default)
    }

    /// The identity part, as `identify` would receive it.
    pub fn identity(&self) -> IdentifyRequest {
        IdentifyRequest {
            user_id: self.user_id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            user_hash: self.user_hash.clone(),
            user_jwt: self.user_jwt.clone(),
            attributes: self.attributes.clone(),
        }
    }

    pub fn validate(&self) -> Result<(), ApiError> {
        if self.workspace_id.is_empty() || self.workspace_id.len() > 64 {
            return Err(ApiError::invalid("/workspaceId", "required"));
        }
        if let Some(s) = &self.session_id {
            if !valid_session_id(s) {
                return Err(ApiError::invalid(
                    "/sessionId",
                    "16-64 characters of letters, digits, - and _ (it is a credential: use 16 random bytes as hex)",
                ));
            }
        }
        if let Some(p) = &self.page {
            for (v, f) in [(&p.url, "url"), (&p.referrer, "referrer")] {
                if let Some(v) = v {
                    check_len(v, MAX_URL_LEN, &format!("/page/{f}"))?;
                }
            }
            if let Some(t) = &p.title {
                check_len(t, 500, "/page/title")?;
            }
        }
        if let Some(l) = &self.locale {
            check_len(l, 35, "/locale")?;
        }
        // A browser lists a handful; anything past that is not a browser.
        if let Some(list) = &self.languages {
            if list.len() > crate::i18n::MAX_WANTED {
                return Err(ApiError::invalid(
                    "/languages",
                    format!("at most {} languages", crate::i18n::MAX_WANTED),
                ));
            }
            for (i, l) in list.iter().enumerate() {
                check_len(l, 35, &format!("/languages/{i}"))?;
            }
        }
        if let Some(d) = &self.device {
            attributes::validate(d, "/device")?;
        }
        self.identity().validate()
    }
}

/// `POST /admin/v1/workspaces`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWorkspace {
    /// Optional slug (`demo`); a random `ws_…` id otherwise.
    pub id: Option<String>,
    pub name: String,
    pub allowed_origins: Option<Vec<String>>,
    pub session_lifetime_ms: Option<i64>,
    pub identity_verification: Option<IdentityMode>,
    pub messenger: Option<MessengerSettings>,
}

impl CreateWorkspace {
    /// The settings part, validated like a PATCH.
    pub fn settings(&self) -> WorkspacePatch {
        WorkspacePatch {
            name: Some(self.name.clone()),
            allowed_origins: self.allowed_origins.clone(),
            session_lifetime_ms: self.session_lifetime_ms,
            identity_verification: self.identity_verification,
            messenger: self.messenger.clone(),
            office_hours: None,
            automation: None,
        }
    }
}

/// `PATCH /admin/v1/workspace`: every field optional; absent fields are left alone.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub allowed_origins: Option<Vec<String>>,
    pub session_lifetime_ms: Option<i64>,
    pub identity_verification: Option<IdentityMode>,
    pub messenger: Option<MessengerSettings>,
    /// `null` removes office hours (the team is always in).
    #[serde(default, deserialize_with = "present")]
    pub office_hours: Option<Option<OfficeHours>>,
    pub automation: Option<AutomationSettings>,
}

/// Tells `"field": null` (Some(None)) from an absent field (None).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

pub fn valid_workspace_slug(s: &str) -> bool {
    (3..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

impl WorkspacePatch {
    pub fn validate(&self) -> Result<(), ApiError> {
        if let Some(n) = &self.name {
            if n.trim().is_empty() {
                return Err(ApiError::invalid("/name", "required"));
            }
            check_len(n, 100, "/name")?;
        }
        if let Some(o) = &self.allowed_origins {
            origin::validate_allowlist(o, "/allowedOrigins")?;
        }
        if let Some(ms) = self.session_lifetime_ms {
            if ms <= 0 {
                return Err(ApiError::invalid(
                    "/sessionLifetimeMs",
                    "a positive number of milliseconds",
                ));
            }
        }
        if let Some(m) = &self.messenger {
            m.validate("/messenger")?;
        }
        if let Some(Some(h)) = &self.office_hours {
            h.validate("/officeHours")?;
        }
        if let Some(a) = &self.automation {
            a.validate("/automation")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_questions_are_an_article_or_a_safe_link() {
        let with = |q: serde_json::Value| -> Result<(), String> {
            let m: MessengerSettings =
                serde_json::from_value(serde_json::json!({ "commonQuestions": q }))
                    .map_err(|e| e.to_string())?;
            m.validate("/messenger").map_err(|e| format!("{e:?}"))
        };
        assert!(with(serde_json::json!([{"title": "Export?", "articleId": "art_1"}, {"title": "Status", "url": "https://status.example"}])).is_ok());
        for bad in [
            serde_json::json!([{"title": "x", "url": "javascript:alert(1)"}]),
            serde_json::json!([{"title": "x"}]),
            serde_json::json!([{"title": "x", "articleId": "a", "url": "https://a.b"}]),
            serde_json::json!([{"title": "", "articleId": "a"}]),
            serde_json::json!([{"title": "x", "articleId": "<b>"}]),
            serde_json::json!([{"title": "x".repeat(121), "articleId": "a"}]),
            serde_json::json!((0..6)
                .map(|_| serde_json::json!({"title": "x", "articleId": "a"}))
                .collect::<Vec<_>>()),
            serde_json::json!([{"title": 5, "articleId": "a"}]),
            serde_json::json!([{"title": "x", "articleId": "a", "html": "<b>"}]),
        ] {
            assert!(with(bad.clone()).is_err(), "{bad}");
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn colours() {
        assert!(is_hex_color("#fff") && is_hex_color("#4F46E5"));
        for bad in ["fff", "#ffff", "#ggg", "red", "#fff;}body{x:y", ""] {
            assert!(!is_hex_color(bad), "{bad}");
        }
    }

    #[test]
    fn tracked_clicks_are_checked_with_paths() {
        let path = |v: serde_json::Value| {
            serde_json::from_value::<MessengerSettings>(json!({ "trackedClicks": v }))
                .map_err(|e| e.to_string())
                .and_then(|m| {
                    m.validate("/messenger")
                        .map_err(|e| e.path.unwrap_or_default())
                })
        };
        assert_eq!(
            path(json!([{"selector": "#export-csv", "event": "export_clicked"}])),
            Ok(())
        );
        assert_eq!(
            path(json!([{"selector": " ", "event": "x"}])),
            Err("/messenger/trackedClicks/0/selector".into())
        );
        assert_eq!(
            path(json!([{"selector": "a\u{0}b", "event": "x"}])),
            Err("/messenger/trackedClicks/0/selector".into())
        );
        assert_eq!(
            path(json!([{"selector": "a", "event": "x"}, {"selector": "b", "event": " padded"}])),
            Err("/messenger/trackedClicks/1/event".into())
        );
        let many: Vec<_> = (0..21)
            .map(|i| json!({"selector": format!("#b{i}"), "event": "e"}))
            .collect();
        assert_eq!(path(json!(many)), Err("/messenger/trackedClicks".into()));
        assert!(
            path(json!([{"selector": "a"}])).is_err(),
            "event is required"
        );
        assert!(
            path(json!([{"selector": "a", "event": "e", "x": 1}])).is_err(),
            "unknown field"
        );
    }

    #[test]
    fn messenger_settings_reject_css_injection_with_path() {
        let m: MessengerSettings =
            serde_json::from_value(json!({"primaryColor": "red;}*{display:none"})).unwrap();
        assert_eq!(
            m.validate("/messenger").unwrap_err().path.as_deref(),
            Some("/messenger/primaryColor")
        );
        assert!(MessengerSettings::default().validate("/messenger").is_ok());
        let m: MessengerSettings = serde_json::from_value(
            json!({"teammates": [{"name": "Ada", "avatarUrl": "javascript:alert(1)"}]}),
        )
        .unwrap();
        assert_eq!(
            m.validate("/m").unwrap_err().path.as_deref(),
            Some("/m/teammates/0/avatarUrl")
        );
    }

    #[test]
    fn the_default_language_is_a_supported_one() {
        assert_eq!(MessengerSettings::default().default_language, "en");
        for (lang, ok) in [
            ("fr", true),
            ("ar", true),
            ("klingon", false),
            ("fr-FR", false),
            ("", false),
        ] {
            let m: MessengerSettings =
                serde_json::from_value(json!({ "defaultLanguage": lang })).unwrap();
            assert_eq!(m.validate("/messenger").is_ok(), ok, "{lang}");
            if !ok {
                assert_eq!(
                    m.validate("/messenger").unwrap_err().path.as_deref(),
                    Some("/messenger/defaultLanguage")
                );
            }
        }
    }

    #[test]
    fn messenger_settings_reject_unknown_fields() {
        assert!(
            serde_json::from_value::<MessengerSettings>(json!({"primaryColour": "#fff"})).is_err()
        );
    }

    #[test]
    fn boot_request_validation() {
        let ok: BootRequest = serde_json::from_value(json!({
            "workspaceId": "demo", "sessionId": "abc-123-def_456-ghi", "userId": "u1", "email": "a@b.co",
            "attributes": {"plan": "pro"}, "page": {"url": "https://x.test/"}
        }))
        .unwrap();
        ok.validate().unwrap();
        assert_eq!(ok.identity().user_id.as_deref(), Some("u1"));
        let cases = [
            (json!({"workspaceId": ""}), "/workspaceId"),
            (
                json!({"workspaceId": "d", "sessionId": "<script>"}),
                "/sessionId",
            ),
            // The sessionId is a credential: too short to be unguessable is refused.
            (
                json!({"workspaceId": "d", "sessionId": "abc-123"}),
                "/sessionId",
            ),
            (
                json!({"workspaceId": "d", "sessionId": "0123456789abcde!"}),
                "/sessionId",
            ),
            (
                json!({"workspaceId": "d", "email": "not-an-email"}),
                "/email",
            ),
            (json!({"workspaceId": "d", "userId": "  "}), "/userId"),
            (
                json!({"workspaceId": "d", "name": "n".repeat(201)}),
                "/name",
            ),
            (
                json!({"workspaceId": "d", "attributes": {"x": {"y": {"z": {"w": 1}}}}}),
                "/attributes/x/y/z",
            ),
        ];
        for (v, path) in cases {
            let r: BootRequest = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(r.validate().unwrap_err().path.as_deref(), Some(path), "{v}");
        }
    }

    #[test]
    fn emails() {
        assert!(is_plausible_email("ada@example.com"));
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.com",
            "a@b",
            "a b@c.com",
            "a@b.com<script>",
            "a@@b.com",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn workspace_patch() {
        let p: WorkspacePatch = serde_json::from_value(
            json!({"identityVerification": "required", "allowedOrigins": ["https://a.com"]}),
        )
        .unwrap();
        p.validate().unwrap();
        assert!(serde_json::from_value::<WorkspacePatch>(
            json!({"identityVerification": "sometimes"})
        )
        .is_err());
        let p: WorkspacePatch =
            serde_json::from_value(json!({"allowedOrigins": ["nope"]})).unwrap();
        assert_eq!(
            p.validate().unwrap_err().path.as_deref(),
            Some("/allowedOrigins/0")
        );
        assert!(
            valid_workspace_slug("demo")
                && !valid_workspace_slug("De")
                && !valid_workspace_slug("a b c")
        );
    }
}
