//! `widget_sessions`: session tokens (hashes only), the boot read, rotation, revocation.

use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::visitors::{VisitorRow, VISITOR_COLS};
use super::workspaces::{WorkspaceRow, WORKSPACE_COLS};
use super::{n, run, s, stmt, Batch, Results, Rows};
use crate::internal;

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

/// What a boot read, in one round trip: the workspace, the visitor of a presented token (with
/// the session's expiry and start), the anonymous visitor of a sessionId.
pub struct BootReads {
    pub workspace: Option<WorkspaceRow>,
    pub token_session: Option<(SessionRow, VisitorRow)>,
    pub anonymous: Option<VisitorRow>,
}

/// A boot's guess that it mints a session for a new anonymous visitor, decided from the
/// workspace row this isolate remembers. It is written only if the stored workspace is still
/// exactly `workspace` and no visitor holds the sessionId ([`super::insert_fresh_visitor`]);
/// otherwise nothing is written and the caller reads ([`boot_reads`]) and decides.
pub struct FreshGuess<'a> {
    pub workspace: &'a WorkspaceRow,
    pub visitor: &'a VisitorRow,
    pub token_hash: &'a str,
    pub expires_at: i64,
}

#[derive(Deserialize)]
struct TokenRow {
    s_workspace_id: String,
    s_expires_at: i64,
    s_started_at: i64,
    #[serde(flatten)]
    visitor: VisitorRow,
}

#[derive(Deserialize)]
struct Id {
    #[allow(dead_code)]
    id: String,
}

/// A new anonymous visitor's boot in one round trip of two statements: the guessed visitor and
/// its session, nothing read first (the guard in the visitor's insert is the check). `then`
/// may add reads that run after the writes in the same transaction (they see the new visitor);
/// their rows are taken from the returned [`Results`]. `None` when the guard held nothing back
/// but refused: nothing was written, and the caller reads and decides.
pub async fn write_fresh<H>(
    db: &D1Database,
    g: FreshGuess<'_>,
    then: impl FnOnce(&mut Batch, &D1Database) -> Result<H, ApiError>,
) -> Result<Option<(H, Results)>, ApiError> {
    let mut batch = Batch::new();
    let id = batch.read::<Id>(super::insert_fresh_visitor(db, g.visitor, g.workspace)?);
    // The session follows only if its visitor was written just before.
    batch.write(stmt(
        db,
        "INSERT INTO widget_sessions (token_hash, workspace_id, visitor_id, created_at, expires_at, identity_verified) \
         SELECT ?1, ?2, ?3, ?4, ?5, 0 WHERE EXISTS (SELECT 1 FROM visitors WHERE id = ?3 AND workspace_id = ?2)",
        &[s(g.token_hash), s(&g.visitor.workspace_id), s(&g.visitor.id), n(g.visitor.first_seen_at), n(g.expires_at)],
    )?);
    let then = then(&mut batch, db)?;
    let mut results = batch.run(db).await?;
    Ok(results.first(id)?.map(|_| (then, results)))
}

/// The boot's one read batch: the workspace, the token's session and visitor, the sessionId's
/// anonymous visitor.
pub async fn boot_reads(
    db: &D1Database,
    ws: &str,
    token_hash: Option<&str>,
    session_id: Option<&str>,
) -> Result<BootReads, ApiError> {
    let mut batch = Batch::new();
    let workspace = batch.read::<WorkspaceRow>(super::workspace_statement(db, ws)?);
    let token = match token_hash {
        Some(h) => Some(batch.read::<TokenRow>(stmt(
            db,
            &format!("SELECT s.workspace_id AS s_workspace_id, s.expires_at AS s_expires_at, COALESCE(s.started_at, s.created_at) AS s_started_at, {} FROM widget_sessions s JOIN visitors v ON v.id = s.visitor_id WHERE s.token_hash = ?1 AND v.merged_into IS NULL", prefixed("v", VISITOR_COLS)),
            &[s(h)],
        )?)),
        None => None,
    };
    let anonymous = match session_id {
        Some(sid) => Some(batch.read::<VisitorRow>(stmt(
            db,
            &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND session_id = ?2 AND identity_verified = 0 AND merged_into IS NULL ORDER BY last_seen_at DESC LIMIT 1"),
            &[s(ws), s(sid)],
        )?)),
        None => None,
    };
    let mut results = batch.run(db).await?;
    let token_session = match token {
        Some(t) => results.first(t)?.map(|r| {
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
    Ok(BootReads {
        workspace: results.first(workspace)?,
        token_session,
        anonymous: match anonymous {
            Some(a) => results.first(a)?,
            None => None,
        },
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

/// A session token's storage hash, as a read returns it.
#[derive(Deserialize)]
pub struct TokenHash {
    pub token_hash: String,
}

/// The hashes a read of [`TokenHash`] rows returned.
pub fn hashes(rows: Vec<TokenHash>) -> Vec<String> {
    rows.into_iter().map(|h| h.token_hash).collect()
}

/// A proof has just arrived for `visitor` (and for `merged` folded into it): every session of
/// either that did not prove itself is deleted, except the caller's own (`keep`). Its rows are
/// the deleted hashes (their sockets must close).
pub fn revoke_unproven_sessions(
    batch: &mut Batch,
    db: &D1Database,
    visitor: &str,
    merged: Option<&str>,
    keep: &str,
) -> Result<Rows<TokenHash>, ApiError> {
    Ok(batch.read(stmt(
        db,
        "DELETE FROM widget_sessions WHERE visitor_id IN (?1, ?2) AND identity_verified = 0 AND token_hash <> ?3 RETURNING token_hash",
        &[s(visitor), s(merged.unwrap_or(visitor)), s(keep)],
    )?))
}

/// The sessions a visitor still holds (after a revoke in the same batch).
pub fn visitor_sessions(
    batch: &mut Batch,
    db: &D1Database,
    visitor: &str,
) -> Result<Rows<TokenHash>, ApiError> {
    Ok(batch.read(stmt(
        db,
        "SELECT token_hash FROM widget_sessions WHERE visitor_id = ?1",
        &[s(visitor)],
    )?))
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
