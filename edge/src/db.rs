//! D1 access: the only module that writes SQL. Rows are plain structs; callers decide.

use porchlight_shared::identity::{IdentityMode, Secrets};
use porchlight_shared::settings::{AutomationSettings, OfficeHours};
use porchlight_shared::types::{MessengerSettings, PublicSettings, VisitorView};
use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::internal;

pub fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
pub fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}
pub fn opt(v: Option<&str>) -> JsValue {
    v.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

pub fn stmt(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement, ApiError> {
    db.prepare(sql).bind(args).map_err(internal)
}

pub async fn first<T: for<'a> Deserialize<'a>>(
    db: &D1Database,
    sql: &str,
    args: &[JsValue],
) -> Result<Option<T>, ApiError> {
    stmt(db, sql, args)?
        .first::<T>(None)
        .await
        .map_err(internal)
}

/// Every row of a prepared statement.
pub async fn all<T: for<'a> Deserialize<'a>>(st: D1PreparedStatement) -> Result<Vec<T>, ApiError> {
    st.all()
        .await
        .map_err(internal)?
        .results::<T>()
        .map_err(internal)
}

pub async fn run(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<(), ApiError> {
    stmt(db, sql, args)?.run().await.map_err(internal)?;
    Ok(())
}

pub async fn batch(db: &D1Database, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    db.batch(stmts).await.map_err(internal)?;
    Ok(())
}

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

const WORKSPACE_COLS: &str = "id, name, allowed_origins, session_lifetime_ms, identity_mode, identity_secret, identity_secret_prev, identity_secret_prev_until, messenger, office_hours, automation, created_at, updated_at";

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

const VISITOR_COLS: &str = "id, workspace_id, readable_id, session_id, user_id, email, email_verified, name, identity_verified, user_id_verified, attributes, signed_attributes, device, locale, first_seen_at, last_seen_at, session_count";

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

/// Inserts a new visitor or updates an existing one (identity, attributes, activity); the
/// id, workspace, readable id and first-seen time never change once written.
pub fn save_visitor(db: &D1Database, v: &VisitorRow) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO visitors (id, workspace_id, readable_id, session_id, user_id, email, email_lower, email_verified, name, identity_verified, attributes, device, locale, first_seen_at, last_seen_at, session_count, user_id_verified, signed_attributes) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) \
         ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, user_id = excluded.user_id, email = excluded.email, \
         email_lower = excluded.email_lower, email_verified = excluded.email_verified, name = excluded.name, \
         identity_verified = excluded.identity_verified, attributes = excluded.attributes, device = excluded.device, \
         locale = excluded.locale, last_seen_at = excluded.last_seen_at, session_count = excluded.session_count, \
         user_id_verified = excluded.user_id_verified, signed_attributes = excluded.signed_attributes",
        &[
            s(&v.id),
            s(&v.workspace_id),
            s(&v.readable_id),
            opt(v.session_id.as_deref()),
            opt(v.user_id.as_deref()),
            opt(v.email.as_deref()),
            opt(v.email.as_deref().map(porchlight_shared::identity::normalize_email).as_deref()),
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
        ],
    )
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionRow {
    pub workspace_id: String,
    pub visitor_id: String,
    pub expires_at: i64,
    /// When the session started (its first boot): no refresh moves it past this plus the
    /// absolute age.
    pub started_at: i64,
}

/// A session and its workspace, in one query.
pub async fn session_with_workspace(
    db: &D1Database,
    hash: &str,
) -> Result<Option<(SessionRow, WorkspaceRow)>, ApiError> {
    let row: Option<SessionJoinRow> = session_stmt(db, hash)?
        .first::<SessionJoinRow>(None)
        .await
        .map_err(internal)?;
    Ok(session_of(row))
}

/// A session joined with its workspace, as read by [`session_stmt`].
#[derive(Deserialize)]
pub struct SessionJoinRow {
    s_visitor_id: String,
    s_expires_at: i64,
    s_started_at: i64,
    #[serde(flatten)]
    workspace: WorkspaceRow,
}

/// The read behind [`session_with_workspace`], to batch with another.
pub fn session_stmt(db: &D1Database, hash: &str) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        &format!("SELECT s.visitor_id AS s_visitor_id, s.expires_at AS s_expires_at, COALESCE(s.started_at, s.created_at) AS s_started_at, {} FROM widget_sessions s JOIN workspaces w ON w.id = s.workspace_id WHERE s.token_hash = ?1", prefixed("w", WORKSPACE_COLS)),
        &[s(hash)],
    )
}

pub fn session_of(row: Option<SessionJoinRow>) -> Option<(SessionRow, WorkspaceRow)> {
    row.map(|r| {
        let session = SessionRow {
            workspace_id: r.workspace.id.clone(),
            visitor_id: r.s_visitor_id,
            expires_at: r.s_expires_at,
            started_at: r.s_started_at,
        };
        (session, r.workspace)
    })
}

/// `a, b` → `t.a, t.b`.
fn prefixed(table: &str, cols: &str) -> String {
    cols.split(", ")
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a boot needs to read, fetched in one round trip: the workspace, the visitor of a
/// presented token (with the session's expiry and workspace), and the anonymous visitor of a
/// sessionId.
pub struct BootReads {
    pub workspace: Option<WorkspaceRow>,
    pub token_session: Option<(SessionRow, VisitorRow)>,
    pub anonymous: Option<VisitorRow>,
}

pub async fn boot_reads(
    db: &D1Database,
    ws: &str,
    token_hash: Option<&str>,
    session_id: Option<&str>,
) -> Result<BootReads, ApiError> {
    #[derive(Deserialize)]
    struct TokenRow {
        s_workspace_id: String,
        s_expires_at: i64,
        s_started_at: i64,
        #[serde(flatten)]
        visitor: VisitorRow,
    }
    let mut stmts = vec![stmt(
        db,
        &format!("SELECT {WORKSPACE_COLS} FROM workspaces WHERE id = ?1"),
        &[s(ws)],
    )?];
    if let Some(h) = token_hash {
        stmts.push(stmt(
            db,
            &format!("SELECT s.workspace_id AS s_workspace_id, s.expires_at AS s_expires_at, COALESCE(s.started_at, s.created_at) AS s_started_at, {} FROM widget_sessions s JOIN visitors v ON v.id = s.visitor_id WHERE s.token_hash = ?1 AND v.merged_into IS NULL", prefixed("v", VISITOR_COLS)),
            &[s(h)],
        )?);
    }
    if let Some(sid) = session_id {
        stmts.push(stmt(
            db,
            &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND session_id = ?2 AND identity_verified = 0 AND merged_into IS NULL ORDER BY last_seen_at DESC LIMIT 1"),
            &[s(ws), s(sid)],
        )?);
    }
    let results = db.batch(stmts).await.map_err(internal)?;
    let mut it = results.into_iter();
    let workspace = it
        .next()
        .map(|r| r.results::<WorkspaceRow>())
        .transpose()
        .map_err(internal)?
        .and_then(|v| v.into_iter().next());
    let token_session = match token_hash {
        Some(_) => it
            .next()
            .map(|r| r.results::<TokenRow>())
            .transpose()
            .map_err(internal)?
            .and_then(|v| v.into_iter().next())
            .map(|r| {
                let session = SessionRow {
                    workspace_id: r.s_workspace_id,
                    visitor_id: r.visitor.id.clone(),
                    expires_at: r.s_expires_at,
                    started_at: r.s_started_at,
                };
                (session, r.visitor)
            }),
        None => None,
    };
    let anonymous = match session_id {
        Some(_) => it
            .next()
            .map(|r| r.results::<VisitorRow>())
            .transpose()
            .map_err(internal)?
            .and_then(|v| v.into_iter().next()),
        None => None,
    };
    Ok(BootReads {
        workspace,
        token_session,
        anonymous,
    })
}

/// A new session for `visitor`; `proven` when the request that minted it carried a valid
/// proof (`widget_sessions.identity_verified`: this session proved who it is).
pub fn insert_session(
    db: &D1Database,
    hash: &str,
    visitor: &VisitorRow,
    now: i64,
    expires_at: i64,
    proven: bool,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO widget_sessions (token_hash, workspace_id, visitor_id, created_at, expires_at, identity_verified) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[s(hash), s(&visitor.workspace_id), s(&visitor.id), n(now), n(expires_at), n(i64::from(proven))],
    )
}

/// Points a session at `visitor` (after a merge or an identity switch). A session stays proven
/// while it stays on the visitor it proved; moved to another visitor, it is proven only if
/// this request proved it.
pub fn bind_session(
    db: &D1Database,
    hash: &str,
    visitor: &VisitorRow,
    proven: bool,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "UPDATE widget_sessions SET identity_verified = CASE WHEN visitor_id = ?2 THEN MAX(identity_verified, ?3) ELSE ?3 END, visitor_id = ?2 WHERE token_hash = ?1",
        &[s(hash), s(&visitor.id), n(i64::from(proven))],
    )
}

/// A proof has just arrived for `visitor` (and for `merged` folded into it): every session of
/// either that did not prove itself is deleted, except the caller's own (`keep`). Returns the
/// deleted hashes (their sockets must close).
pub fn revoke_unproven_sessions(
    db: &D1Database,
    visitor: &str,
    merged: Option<&str>,
    keep: &str,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "DELETE FROM widget_sessions WHERE visitor_id IN (?1, ?2) AND identity_verified = 0 AND token_hash <> ?3 RETURNING token_hash",
        &[s(visitor), s(merged.unwrap_or(visitor)), s(keep)],
    )
}

/// The `token_hash` column of the `n`-th result of a batch (a `DELETE … RETURNING token_hash`
/// of revoked sessions, or a `SELECT` of the ones that stay).
pub fn token_hashes(results: Vec<worker::D1Result>, n: usize) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Hash {
        token_hash: String,
    }
    Ok(results
        .into_iter()
        .nth(n)
        .map(|r| r.results::<Hash>())
        .transpose()
        .map_err(internal)?
        .unwrap_or_default()
        .into_iter()
        .map(|h| h.token_hash)
        .collect())
}

/// Replaces a session token by a new one with a new expiry, keeping visitor, verified flag and
/// the session's start.
pub fn rotate_session(
    db: &D1Database,
    old_hash: &str,
    new_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        stmt(
            db,
            "INSERT INTO widget_sessions (token_hash, workspace_id, visitor_id, created_at, expires_at, identity_verified, started_at) \
             SELECT ?2, workspace_id, visitor_id, ?3, ?4, identity_verified, COALESCE(started_at, created_at) FROM widget_sessions WHERE token_hash = ?1",
            &[s(old_hash), s(new_hash), n(now), n(expires_at)],
        )?,
        delete_session(db, old_hash)?,
    ])
}

pub fn delete_session(db: &D1Database, hash: &str) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "DELETE FROM widget_sessions WHERE token_hash = ?1",
        &[s(hash)],
    )
}

pub async fn delete_expired_sessions(db: &D1Database, before: i64) -> Result<(), ApiError> {
    run(
        db,
        "DELETE FROM widget_sessions WHERE expires_at < ?1",
        &[n(before)],
    )
    .await
}

/// Retention, part of the hourly job: anonymous visitors (no userId, nothing proven, not
/// merged) not seen since `idle_before` and with no conversation or ticket (what a teammate
/// worked on stays) are deleted with everything they left — sessions, events and counters,
/// impressions, tour progress, survey responses, checklist ticks, article feedback — at most
/// `per_run` of them per run, in one transaction. Events received before `events_before` are
/// dropped (at most `20 × per_run` per run): the counters (`event_counters`, `event_totals`), written with each event, already
/// hold them, so audiences and checklists see the same counts.
pub async fn apply_retention(
    db: &D1Database,
    idle_before: i64,
    events_before: i64,
    per_run: i64,
) -> Result<(), ApiError> {
    let idle = "SELECT v.id FROM visitors v WHERE v.user_id IS NULL AND v.identity_verified = 0 AND v.merged_into IS NULL \
         AND v.last_seen_at < ?1 \
         AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = v.id) \
         AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.visitor_id = v.id) \
         ORDER BY v.last_seen_at, v.id LIMIT ?2";
    let mut stmts = Vec::new();
    for table in [
        "widget_sessions",
        "events",
        "event_counters",
        "event_totals",
        "impressions",
        "tour_progress",
        "survey_responses",
        "checklist_progress",
        "article_feedback",
    ] {
        stmts.push(stmt(
            db,
            &format!("DELETE FROM {table} WHERE visitor_id IN ({idle})"),
            &[n(idle_before), n(per_run)],
        )?);
    }
    stmts.push(stmt(
        db,
        &format!("DELETE FROM visitors WHERE id IN ({idle})"),
        &[n(idle_before), n(per_run)],
    )?);
    batch(db, stmts).await?;
    // Its own statement, bounded like the visitors: a first run over a large table neither
    // exceeds D1's limits nor takes the visitor deletion down with it.
    run(
        db,
        "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < ?1 LIMIT ?2)",
        &[n(events_before), n(per_run * 20)],
    )
    .await
}

pub fn audit(
    db: &D1Database,
    ws: &str,
    action: &str,
    subject: &str,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO audit_log (workspace_id, action, subject, detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[s(ws), s(action), s(subject), s(&detail.to_string()), n(now)],
    )
}

/// A teammate (never with their key).
#[derive(Debug, Clone, Deserialize)]
pub struct TeammateRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: i64,
}

impl TeammateRow {
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({"id": self.id, "name": self.name, "email": self.email, "avatarUrl": self.avatar_url, "createdAt": self.created_at})
    }
    /// What a visitor sees of whoever answers.
    pub fn public_view(&self) -> serde_json::Value {
        serde_json::json!({"id": self.id, "name": self.name, "avatarUrl": self.avatar_url})
    }
}

pub const TEAMMATE_COLS: &str = "id, workspace_id, name, email, avatar_url, created_at";

pub async fn teammate_by_key_hash(
    db: &D1Database,
    hash: &str,
) -> Result<Option<TeammateRow>, ApiError> {
    first(
        db,
        &format!("SELECT {TEAMMATE_COLS} FROM teammates WHERE key_hash = ?1"),
        &[s(hash)],
    )
    .await
}

/// Closes open conversations idle (no message) for longer than their workspace's
/// `automation.autoCloseAfterHours`; workspaces without the setting are left alone.
pub async fn auto_close_conversations(db: &D1Database, now: i64) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE conversations SET status = 'closed', closed_at = ?1, updated_at = ?1 \
         WHERE status = 'open' AND id IN (SELECT c.id FROM conversations c JOIN workspaces w ON w.id = c.workspace_id \
           WHERE c.status = 'open' AND json_extract(w.automation, '$.autoCloseAfterHours') IS NOT NULL \
           AND COALESCE(c.last_message_at, c.created_at) < ?1 - json_extract(w.automation, '$.autoCloseAfterHours') * 3600000)",
        &[n(now)],
    )
    .await
}

/// Live-socket tickets past their expiry (unused ones: a used ticket is deleted at once).
pub async fn delete_expired_tickets(db: &D1Database, now: i64) -> Result<(), ApiError> {
    run(
        db,
        "DELETE FROM live_tickets WHERE expires_at < ?1",
        &[n(now)],
    )
    .await
}
