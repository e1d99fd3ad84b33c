//! `live_tickets`: one-use tickets that open a live socket (stored hashed).

use porchlight_shared::vocab::HubRole;
use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::D1Database;

use super::{n, opt, run, s, stmt, Batch};

/// A new ticket for a socket of `role`, standing for `credential_hash` (a session token's or a
/// key's hash).
pub struct NewTicket<'a> {
    pub ticket_hash: &'a str,
    pub role: HubRole,
    pub visitor: Option<&'a str>,
    pub teammate: Option<&'a str>,
    pub credential_hash: &'a str,
    pub expires_at: i64,
}

pub async fn insert_live_ticket(
    db: &D1Database,
    ws: &str,
    t: &NewTicket<'_>,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO live_tickets (ticket_hash, workspace_id, role, visitor_id, teammate_id, credential_hash, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[s(t.ticket_hash), s(ws), s(t.role.as_str()), opt(t.visitor), opt(t.teammate), s(t.credential_hash), n(t.expires_at), n(now)],
    )
    .await
}

/// A consumed ticket and what it still stands for.
#[derive(Deserialize)]
pub struct TakenTicket {
    pub workspace_id: String,
    pub role: String,
    pub visitor_id: Option<String>,
    pub teammate_id: Option<String>,
    pub credential_hash: String,
    pub expires_at: i64,
    /// The session the visitor ticket was asked with, if it still exists for that visitor.
    pub session_expires_at: Option<i64>,
    /// The teammate, if they still exist with the key that asked.
    pub teammate_name: Option<String>,
    /// 1 when the workspace key that asked is still the workspace's key.
    pub key_current: Option<i64>,
}

/// Deletes the ticket and reads what it stands for, in one batch (a transaction): of two
/// upgrades presenting the same ticket, only one gets it (`None` for the other, and for an
/// unknown ticket).
pub async fn take_live_ticket(
    db: &D1Database,
    ticket_hash: &str,
) -> Result<Option<TakenTicket>, ApiError> {
    #[derive(Deserialize)]
    struct Hash {
        #[allow(dead_code)]
        ticket_hash: String,
    }
    let mut batch = Batch::new();
    let read = batch.read::<TakenTicket>(stmt(
        db,
        "SELECT t.workspace_id, t.role, t.visitor_id, t.teammate_id, t.credential_hash, t.expires_at, \
         s.expires_at AS session_expires_at, tm.name AS teammate_name, \
         CASE WHEN t.teammate_id IS NULL THEN w.secret_key_hash = t.credential_hash END AS key_current \
         FROM live_tickets t JOIN workspaces w ON w.id = t.workspace_id \
         LEFT JOIN widget_sessions s ON t.role = 'visitor' AND s.token_hash = t.credential_hash AND s.visitor_id = t.visitor_id \
         LEFT JOIN teammates tm ON tm.id = t.teammate_id AND tm.workspace_id = t.workspace_id AND tm.key_hash = t.credential_hash \
         WHERE t.ticket_hash = ?1",
        &[s(ticket_hash)],
    )?);
    let deleted = batch.read::<Hash>(stmt(
        db,
        "DELETE FROM live_tickets WHERE ticket_hash = ?1 RETURNING ticket_hash",
        &[s(ticket_hash)],
    )?);
    let mut results = batch.run(db).await?;
    let deleted_here = !results.rows(deleted)?.is_empty();
    Ok(results.first(read)?.filter(|_| deleted_here))
}
