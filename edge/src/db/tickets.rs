//! `tickets`: what a visitor filed, only ever read back by that visitor.

use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::D1Database;

use super::{all, first, n, run, s, stmt};

#[derive(Deserialize)]
pub struct TicketRow {
    pub id: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl TicketRow {
    pub fn view(&self) -> Value {
        json!({"id": self.id, "subject": self.subject, "body": self.body, "status": self.status,
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const COLS: &str = "id, subject, body, status, created_at, updated_at";

pub async fn insert_ticket(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    id: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO tickets (id, workspace_id, visitor_id, subject, body, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?6)",
        &[s(id), s(ws), s(visitor), s(subject), s(body), n(now)],
    )
    .await
}

/// One of the visitor's own tickets.
pub async fn visitor_ticket(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    id: &str,
) -> Result<Option<TicketRow>, ApiError> {
    first(
        db,
        &format!(
            "SELECT {COLS} FROM tickets WHERE workspace_id = ?1 AND visitor_id = ?2 AND id = ?3"
        ),
        &[s(ws), s(visitor), s(id)],
    )
    .await
}

/// The visitor's own tickets, newest first (at most 100).
pub async fn visitor_tickets(
    db: &D1Database,
    ws: &str,
    visitor: &str,
) -> Result<Vec<TicketRow>, ApiError> {
    all(stmt(
        db,
        &format!("SELECT {COLS} FROM tickets WHERE workspace_id = ?1 AND visitor_id = ?2 ORDER BY created_at DESC, id LIMIT 100"),
        &[s(ws), s(visitor)],
    )?)
    .await
}
