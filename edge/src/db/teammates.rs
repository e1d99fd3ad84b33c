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
