//! `teammates`: teammate rows (never their key) and the key lookup.

use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::D1Database;

use super::{first, s};

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

/// The workspace's teammates, oldest first.
pub async fn teammates_of(db: &D1Database, ws: &str) -> Result<Vec<TeammateRow>, ApiError> {
    super::all(super::stmt(
        db,
        &format!(
            "SELECT {TEAMMATE_COLS} FROM teammates WHERE workspace_id = ?1 ORDER BY created_at"
        ),
        &[s(ws)],
    )?)
    .await
}

/// A new teammate (their key as a hash only), with its audit entry.
pub struct NewTeammate<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub avatar_url: Option<&'a str>,
    pub key_hash: &'a str,
}

pub async fn insert_teammate(
    db: &D1Database,
    ws: &str,
    t: &NewTeammate<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = super::Batch::new();
    batch.write(super::stmt(
        db,
        "INSERT INTO teammates (id, workspace_id, name, email, avatar_url, key_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[s(t.id), s(ws), s(t.name), super::opt(t.email), super::opt(t.avatar_url), s(t.key_hash), super::n(now)],
    )?);
    batch.write(super::audit(
        db,
        ws,
        "teammate.created",
        t.id,
        &serde_json::json!({}),
        now,
    )?);
    batch.run(db).await.map(drop)
}

/// Deletes a teammate; their conversations become unassigned.
pub async fn delete_teammate(
    db: &D1Database,
    ws: &str,
    id: &str,
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = super::Batch::new();
    batch.write(super::stmt(
        db,
        "UPDATE conversations SET assignee_id = NULL WHERE workspace_id = ?1 AND assignee_id = ?2",
        &[s(ws), s(id)],
    )?);
    batch.write(super::stmt(
        db,
        "DELETE FROM teammates WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id)],
    )?);
    batch.write(super::audit(
        db,
        ws,
        "teammate.deleted",
        id,
        &serde_json::json!({}),
        now,
    )?);
    batch.run(db).await.map(drop)
}
