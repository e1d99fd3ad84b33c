//! Writes to `workspaces`: creation, settings, identity-secret and secret-key rotation (reads
//! are in `workspaces.rs`). Each write carries its audit entry in the same transaction.

use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::json;
use worker::D1Database;

use super::{all, audit, n, opt, s, stmt, Batch};

/// A new workspace's columns (its secret key as a hash only).
pub struct NewWorkspace<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub secret_key_hash: &'a str,
    pub allowed_origins: &'a str,
    pub session_lifetime_ms: i64,
    pub identity_mode: &'a str,
    pub identity_secret: &'a str,
    pub messenger: &'a str,
}

pub async fn insert_workspace(
    db: &D1Database,
    w: &NewWorkspace<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "INSERT INTO workspaces (id, name, secret_key_hash, allowed_origins, session_lifetime_ms, identity_mode, identity_secret, messenger, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        &[s(w.id), s(w.name), s(w.secret_key_hash), s(w.allowed_origins), n(w.session_lifetime_ms), s(w.identity_mode), s(w.identity_secret), s(w.messenger), n(now)],
    )?);
    batch.write(audit(db, w.id, "workspace.created", w.id, &json!({}), now)?);
    batch.run(db).await.map(drop)
}

/// A workspace's editable settings, as stored (JSON columns as text).
pub struct WorkspaceSettings<'a> {
    pub name: &'a str,
    pub allowed_origins: &'a str,
    pub session_lifetime_ms: i64,
    pub identity_mode: &'a str,
    pub messenger: &'a str,
    pub office_hours: Option<&'a str>,
    pub automation: &'a str,
}

#[derive(Deserialize)]
struct TokenHash {
    token_hash: String,
}

/// Saves the settings. With `revoke_claimed` (leaving identity mode `off`), sessions that
/// reached a verified visitor by a mere claim are deleted in the same transaction; their
/// token hashes come back (their sockets must close).
pub async fn update_workspace(
    db: &D1Database,
    ws: &str,
    w: &WorkspaceSettings<'_>,
    revoke_claimed: bool,
    now: i64,
) -> Result<Vec<String>, ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "UPDATE workspaces SET name = ?2, allowed_origins = ?3, session_lifetime_ms = ?4, identity_mode = ?5, messenger = ?6, office_hours = ?8, automation = ?9, updated_at = ?7 WHERE id = ?1",
        &[s(ws), s(w.name), s(w.allowed_origins), n(w.session_lifetime_ms), s(w.identity_mode), s(w.messenger), n(now), opt(w.office_hours), s(w.automation)],
    )?);
    batch.write(audit(db, ws, "workspace.updated", ws, &json!({}), now)?);
    let revoked = if revoke_claimed {
        Some(batch.read::<TokenHash>(stmt(
            db,
            "DELETE FROM widget_sessions WHERE workspace_id = ?1 AND identity_verified = 0 \
             AND visitor_id IN (SELECT id FROM visitors WHERE workspace_id = ?1 AND identity_verified = 1) RETURNING token_hash",
            &[s(ws)],
        )?))
    } else {
        None
    };
    let mut results = batch.run(db).await?;
    Ok(match revoked {
        Some(rows) => results
            .rows(rows)?
            .into_iter()
            .map(|r| r.token_hash)
            .collect(),
        None => Vec::new(),
    })
}

/// The ids of the workspace's teammates.
pub async fn teammate_ids(db: &D1Database, ws: &str) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    Ok(all::<Id>(stmt(
        db,
        "SELECT id FROM teammates WHERE workspace_id = ?1",
        &[s(ws)],
    )?)
    .await?
    .into_iter()
    .map(|t| t.id)
    .collect())
}

/// A new identity secret; the previous one keeps verifying until `prev_until`.
pub async fn rotate_identity_secret(
    db: &D1Database,
    ws: &str,
    secret: &str,
    previous: &str,
    prev_until: i64,
    grace_ms: i64,
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "UPDATE workspaces SET identity_secret = ?2, identity_secret_prev = ?3, identity_secret_prev_until = ?4, updated_at = ?5 WHERE id = ?1",
        &[s(ws), s(secret), s(previous), n(prev_until), n(now)],
    )?);
    batch.write(audit(
        db,
        ws,
        "identity_secret.rotated",
        ws,
        &json!({"gracePeriodMs": grace_ms}),
        now,
    )?);
    batch.run(db).await.map(drop)
}

/// Swaps the secret key from `old` to `new` (hashes), in one transaction: the swap happens
/// only from the key presented (of two concurrent rotations, one wins), the old key's unused
/// live tickets go, and only a swap is audited. `false` when the old key was no longer the
/// workspace's.
pub async fn rotate_secret_key(
    db: &D1Database,
    ws: &str,
    old: &str,
    new: &str,
    now: i64,
) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Id {
        #[allow(dead_code)]
        id: String,
    }
    let mut batch = Batch::new();
    let swapped = batch.read::<Id>(stmt(
        db,
        "UPDATE workspaces SET secret_key_hash = ?2, updated_at = ?4 WHERE id = ?1 AND secret_key_hash = ?3 RETURNING id",
        &[s(ws), s(new), s(old), n(now)],
    )?);
    batch.write(stmt(
        db,
        "DELETE FROM live_tickets WHERE workspace_id = ?1 AND credential_hash = ?2",
        &[s(ws), s(old)],
    )?);
    batch.write(stmt(
        db,
        "INSERT INTO audit_log (workspace_id, action, subject, detail, created_at) \
         SELECT ?1, 'secret_key.rotated', ?1, '{}', ?3 WHERE EXISTS (SELECT 1 FROM workspaces WHERE id = ?1 AND secret_key_hash = ?2)",
        &[s(ws), s(new), n(now)],
    )?);
    let mut results = batch.run(db).await?;
    Ok(!results.rows(swapped)?.is_empty())
}
