//! `visitors`: the visitor row, its lookups by proven identity, and its upsert.

use porchlight_shared::types::VisitorView;
use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{Map, Value};
use worker::{D1Database, D1PreparedStatement};

use super::{first, n, opt, s, stmt};
use crate::internal;

#[derive(Debug, Clone, Deserialize)]
pub struct VisitorRow {
    pub id: String,
    pub workspace_id: String,
    pub readable_id: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub email_verified: i64,
    pub name: Option<String>,
    pub identity_verified: i64,
    /// Whether `user_id` itself was proven (optional mode also stores unproven claims).
    pub user_id_verified: i64,
    pub attributes: String,
    /// JSON list of the top-level attribute keys a verified userJwt set.
    pub signed_attributes: String,
    pub device: Option<String>,
    pub locale: Option<String>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub session_count: i64,
}

impl VisitorRow {
    /// A visitor not stored yet: anonymous, nothing proven, no attributes, first seen `now`.
    pub fn anonymous(id: String, workspace_id: String, readable_id: String, now: i64) -> Self {
        VisitorRow {
            id,
            workspace_id,
            readable_id,
            session_id: None,
            user_id: None,
            email: None,
            email_verified: 0,
            name: None,
            identity_verified: 0,
            user_id_verified: 0,
            attributes: "{}".into(),
            signed_attributes: "[]".into(),
            device: None,
            locale: None,
            first_seen_at: now,
            last_seen_at: now,
            session_count: 1,
        }
    }

    /// The stored attributes. Unreadable ones are an error, never `{}`: replacing them with
    /// nothing and writing that back would wipe them.
    pub fn attributes(&self) -> Result<Map<String, Value>, ApiError> {
        serde_json::from_str(&self.attributes).map_err(|e| {
            internal(format!(
                "visitor {}: unreadable stored attributes: {e}",
                self.id
            ))
        })
    }
    /// The keys a verified userJwt set (an unreadable list is an error, like attributes).
    pub fn signed_keys(&self) -> Result<Vec<String>, ApiError> {
        serde_json::from_str(&self.signed_attributes).map_err(|e| {
            internal(format!(
                "visitor {}: unreadable signed attribute keys: {e}",
                self.id
            ))
        })
    }
    pub fn verified(&self) -> bool {
        self.identity_verified != 0
    }
    pub fn view(&self) -> Result<VisitorView, ApiError> {
        Ok(VisitorView {
            id: self.id.clone(),
            readable_id: self.readable_id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            user_id: self.user_id.clone(),
            identity_verified: self.verified(),
            attributes: self.attributes()?,
        })
    }
}

pub(super) const VISITOR_COLS: &str = "id, workspace_id, readable_id, session_id, user_id, email, email_verified, name, identity_verified, user_id_verified, attributes, signed_attributes, device, locale, first_seen_at, last_seen_at, session_count";

/// The read behind [`visitor_by_id`], to put in a caller's batch.
pub fn visitor_statement(
    db: &D1Database,
    ws: &str,
    id: &str,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND id = ?2 AND merged_into IS NULL"),
        &[s(ws), s(id)],
    )
}

pub async fn visitor_by_id(
    db: &D1Database,
    ws: &str,
    id: &str,
) -> Result<Option<VisitorRow>, ApiError> {
    first(db, &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND id = ?2 AND merged_into IS NULL"), &[s(ws), s(id)]).await
}

/// Forgets a visitor's anonymous sessionId (a revoke: it resumes nothing any more).
pub fn forget_session_id(db: &D1Database, id: &str) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "UPDATE visitors SET session_id = NULL WHERE id = ?1",
        &[s(id)],
    )
}

/// The visitor whose userId was proven: what a proof of that userId signs in as.
pub async fn visitor_by_verified_user_id(
    db: &D1Database,
    ws: &str,
    user_id: &str,
) -> Result<Option<VisitorRow>, ApiError> {
    first(db, &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND user_id = ?2 AND user_id_verified = 1 AND merged_into IS NULL"), &[s(ws), s(user_id)]).await
}

/// Mode `off` only (claims are trusted by design): the visitor holding a userId, proven or
/// not, the proven one first, then the most recently seen.
pub async fn visitor_by_any_user_id(
    db: &D1Database,
    ws: &str,
    user_id: &str,
) -> Result<Option<VisitorRow>, ApiError> {
    first(db, &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND user_id = ?2 AND merged_into IS NULL ORDER BY user_id_verified DESC, last_seen_at DESC LIMIT 1"), &[s(ws), s(user_id)]).await
}

/// Only visitors whose email was itself proven are found by email.
pub async fn visitor_by_verified_email(
    db: &D1Database,
    ws: &str,
    email_lower: &str,
) -> Result<Option<VisitorRow>, ApiError> {
    first(
        db,
        &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND email_lower = ?2 AND email_verified = 1 AND merged_into IS NULL ORDER BY first_seen_at LIMIT 1"),
        &[s(ws), s(email_lower)],
    )
    .await
}

/// The columns [`save_visitor`] and [`insert_fresh_visitor`] write, bound as `?1`…`?18` by
/// [`visitor_values`].
const WRITE_COLS: &str = "id, workspace_id, readable_id, session_id, user_id, email, email_lower, email_verified, name, identity_verified, attributes, device, locale, first_seen_at, last_seen_at, session_count, user_id_verified, signed_attributes";

fn visitor_values(v: &VisitorRow) -> Vec<wasm_bindgen::JsValue> {
    vec![
        s(&v.id),
        s(&v.workspace_id),
        s(&v.readable_id),
        opt(v.session_id.as_deref()),
        opt(v.user_id.as_deref()),
        opt(v.email.as_deref()),
        opt(v
            .email
            .as_deref()
            .map(porchlight_shared::identity::normalize_email)
            .as_deref()),
        n(v.email_verified),
        opt(v.name.as_deref()),
        n(v.identity_verified),
        s(&v.attributes),
        opt(v.device.as_deref()),
        opt(v.locale.as_deref()),
        n(v.first_seen_at),
        n(v.last_seen_at),
        n(v.session_count),
        n(v.user_id_verified),
        s(&v.signed_attributes),
    ]
}

/// Inserts a new visitor or updates an existing one (identity, attributes, activity); the
/// id, workspace, readable id and first-seen time never change once written.
pub fn save_visitor(db: &D1Database, v: &VisitorRow) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        &format!("INSERT INTO visitors ({WRITE_COLS}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) \
         ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, user_id = excluded.user_id, email = excluded.email, \
         email_lower = excluded.email_lower, email_verified = excluded.email_verified, name = excluded.name, \
         identity_verified = excluded.identity_verified, attributes = excluded.attributes, device = excluded.device, \
         locale = excluded.locale, last_seen_at = excluded.last_seen_at, session_count = excluded.session_count, \
         user_id_verified = excluded.user_id_verified, signed_attributes = excluded.signed_attributes"),
        &visitor_values(v),
    )
}

/// Inserts `v`, a new anonymous visitor decided from `ws` as this isolate remembered it, only
/// if the stored workspace is still exactly `ws` and no visitor holds `v.session_id` (which is
/// then recorded on nobody else's visitor). Returns the new id when it was written, nothing
/// otherwise (the caller then decides from what it read in the same batch).
pub fn insert_fresh_visitor(
    db: &D1Database,
    v: &VisitorRow,
    ws: &super::WorkspaceRow,
) -> Result<D1PreparedStatement, ApiError> {
    let (unchanged, mut args) = ws.unchanged(19);
    let mut all = visitor_values(v);
    all.append(&mut args);
    stmt(
        db,
        &format!("INSERT INTO visitors ({WRITE_COLS}) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18 \
         WHERE (?4 IS NULL OR NOT EXISTS (SELECT 1 FROM visitors WHERE workspace_id = ?2 AND session_id = ?4 AND merged_into IS NULL)) \
         AND {unchanged} RETURNING id"),
        &all,
    )
}
