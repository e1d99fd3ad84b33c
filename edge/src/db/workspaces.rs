//! `workspaces`: a workspace and its settings, found by id or by secret-key hash.

use porchlight_shared::identity::{IdentityMode, Secrets};
use porchlight_shared::settings::{AutomationSettings, OfficeHours};
use porchlight_shared::types::{MessengerSettings, PublicSettings};
use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::D1Database;

use super::{first, s};

#[derive(Debug, Clone, Deserialize)]
pub struct WorkspaceRow {
    pub id: String,
    pub name: String,
    pub allowed_origins: String,
    pub session_lifetime_ms: i64,
    pub identity_mode: String,
    pub identity_secret: String,
    pub identity_secret_prev: Option<String>,
    pub identity_secret_prev_until: Option<i64>,
    pub messenger: String,
    pub office_hours: Option<String>,
    pub automation: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl WorkspaceRow {
    pub fn office_hours(&self) -> Option<OfficeHours> {
        self.office_hours
            .as_deref()
            .and_then(|h| serde_json::from_str(h).ok())
    }
    pub fn automation(&self) -> AutomationSettings {
        serde_json::from_str(&self.automation).unwrap_or_default()
    }
    /// The origin allowlist; `None` when the stored list cannot be read, which refuses every
    /// origin (an empty list would allow them all: a damaged row must fail closed).
    pub fn allowed_origins(&self) -> Option<Vec<String>> {
        match serde_json::from_str(&self.allowed_origins) {
            Ok(list) => Some(list),
            Err(e) => {
                worker::console_error!("workspace {}: unreadable allowed_origins: {e}", self.id);
                None
            }
        }
    }
    pub fn identity_mode(&self) -> IdentityMode {
        IdentityMode::parse(&self.identity_mode).unwrap_or_default()
    }
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets {
            current: &self.identity_secret,
            previous: self
                .identity_secret_prev
                .as_deref()
                .zip(self.identity_secret_prev_until),
        }
    }
    pub fn messenger(&self) -> MessengerSettings {
        serde_json::from_str(&self.messenger).unwrap_or_default()
    }
    pub fn public_settings(&self) -> PublicSettings {
        PublicSettings {
            workspace_id: self.id.clone(),
            name: self.name.clone(),
            session_lifetime_ms: self.session_lifetime_ms,
            messenger: self.messenger(),
            office_hours: self.office_hours(),
            email_capture: self.automation().email_capture,
            csat: self.automation().csat,
        }
    }
}

pub(super) const WORKSPACE_COLS: &str = "id, name, allowed_origins, session_lifetime_ms, identity_mode, identity_secret, identity_secret_prev, identity_secret_prev_until, messenger, office_hours, automation, created_at, updated_at";

pub async fn workspace_by_id(db: &D1Database, id: &str) -> Result<Option<WorkspaceRow>, ApiError> {
    first(
        db,
        &format!("SELECT {WORKSPACE_COLS} FROM workspaces WHERE id = ?1"),
        &[s(id)],
    )
    .await
}

pub async fn workspace_by_key_hash(
    db: &D1Database,
    hash: &str,
) -> Result<Option<WorkspaceRow>, ApiError> {
    first(
        db,
        &format!("SELECT {WORKSPACE_COLS} FROM workspaces WHERE secret_key_hash = ?1"),
        &[s(hash)],
    )
    .await
}
