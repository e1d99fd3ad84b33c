//! `workspaces`: a workspace and its settings, found by id or by secret-key hash.

use porchlight_shared::identity::{IdentityMode, Secrets};
use porchlight_shared::settings::{AutomationSettings, OfficeHours};
use porchlight_shared::types::{MessengerSettings, PublicSettings};
use porchlight_shared::ApiError;
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{first, n, opt, s, stmt};

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

impl WorkspaceRow {
    /// An SQL condition true only while the stored row of this workspace is exactly `self`
    /// (every column of [`WORKSPACE_COLS`]), with its values to bind from `?{first}` on. A
    /// write guarded by it commits only if what was decided from `self` still holds.
    pub fn unchanged(&self, first: usize) -> (String, Vec<JsValue>) {
        let cols: [(&str, JsValue); 13] = [
            ("id", s(&self.id)),
            ("name", s(&self.name)),
            ("allowed_origins", s(&self.allowed_origins)),
            ("session_lifetime_ms", n(self.session_lifetime_ms)),
            ("identity_mode", s(&self.identity_mode)),
            ("identity_secret", s(&self.identity_secret)),
            (
                "identity_secret_prev",
                opt(self.identity_secret_prev.as_deref()),
            ),
            (
                "identity_secret_prev_until",
                self.identity_secret_prev_until.map_or(JsValue::NULL, n),
            ),
            ("messenger", s(&self.messenger)),
            ("office_hours", opt(self.office_hours.as_deref())),
            ("automation", s(&self.automation)),
            ("created_at", n(self.created_at)),
            ("updated_at", n(self.updated_at)),
        ];
        let sql = cols
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} IS ?{}", first + i))
            .collect::<Vec<_>>()
            .join(" AND ");
        (
            format!("EXISTS (SELECT 1 FROM workspaces WHERE {sql})"),
            cols.into_iter().map(|(_, v)| v).collect(),
        )
    }
}

/// How long this isolate keeps a workspace row it read, as a *guess* only: whatever is decided
/// from a remembered row is written under [`WorkspaceRow::unchanged`], so a row changed since
/// (settings, origins, identity secret or mode) makes the write do nothing and the caller
/// decides again from the row it just read. Nothing stale is ever acted on.
const REMEMBER_MS: i64 = 60_000;
/// At most this many rows are remembered per isolate.
const REMEMBER_CAP: usize = 256;

thread_local! {
    static REMEMBERED: RefCell<HashMap<String, (WorkspaceRow, i64)>> = RefCell::new(HashMap::new());
}

/// The row of workspace `id` this isolate read within [`REMEMBER_MS`], if any.
pub fn remembered_workspace(id: &str, now: i64) -> Option<WorkspaceRow> {
    REMEMBERED.with(|m| {
        m.borrow()
            .get(id)
            .filter(|(_, at)| now - *at < REMEMBER_MS && *at <= now)
            .map(|(row, _)| row.clone())
    })
}

/// Remembers what was just read of workspace `id` (forgets it when the row is gone).
pub fn remember_workspace(id: &str, row: Option<&WorkspaceRow>, now: i64) {
    REMEMBERED.with(|m| {
        let mut m = m.borrow_mut();
        match row {
            Some(r) => {
                if m.len() >= REMEMBER_CAP && !m.contains_key(id) {
                    m.clear();
                }
                m.insert(id.to_string(), (r.clone(), now));
            }
            None => {
                m.remove(id);
            }
        }
    });
}

/// The read of workspace `id`, to put in a caller's batch.
pub fn workspace_statement(db: &D1Database, id: &str) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        &format!("SELECT {WORKSPACE_COLS} FROM workspaces WHERE id = ?1"),
        &[s(id)],
    )
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
