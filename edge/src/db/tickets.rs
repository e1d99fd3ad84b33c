//! `tickets`: what a visitor filed, read back by that visitor; the team lists them and moves
//! their status.

use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::D1Database;

use super::{all, first, n, opt, run, s, stmt};

#[derive(Deserialize)]
pub struct TicketRow {
    pub id: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default)]
    pub page_url: Option<String>,
    #[serde(default)]
    pub visitor_id: Option<String>,
}

impl TicketRow {
    pub fn view(&self) -> Value {
        json!({"id": self.id, "subject": self.subject, "body": self.body, "status": self.status,
               "pageUrl": self.page_url, "createdAt": self.created_at, "updatedAt": self.updated_at})
    }

    /// The team's view: the visitor's too.
    pub fn admin_view(&self) -> Value {
        let mut v = self.view();
        if let Some(o) = v.as_object_mut() {
            o.insert("visitorId".into(), json!(self.visitor_id));
        }
        v
    }
}

const COLS: &str = "id, subject, body, status, created_at, updated_at, page_url, visitor_id";

/// What a visitor files.
pub struct FiledTicket<'a> {
    pub id: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The http(s) page it was filed from.
    pub page_url: Option<&'a str>,
}

pub async fn insert_ticket(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    t: &FiledTicket<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let FiledTicket {
        id,
        subject,
        body,
        page_url,
    } = *t;
    run(
        db,
        "INSERT INTO tickets (id, workspace_id, visitor_id, subject, body, status, created_at, updated_at, page_url) VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?6, ?7)",
        &[s(id), s(ws), s(visitor), s(subject), s(body), n(now), opt(page_url)],
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

/// The workspace's tickets, newest first (at most 200), optionally of one status.
pub async fn workspace_tickets(
    db: &D1Database,
    ws: &str,
    status: Option<&str>,
) -> Result<Vec<TicketRow>, ApiError> {
    all(stmt(
        db,
        &format!("SELECT {COLS} FROM tickets WHERE workspace_id = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY created_at DESC, id LIMIT 200"),
        &[s(ws), opt(status)],
    )?)
    .await
}

/// One ticket of the workspace.
pub async fn workspace_ticket(
    db: &D1Database,
    ws: &str,
    id: &str,
) -> Result<Option<TicketRow>, ApiError> {
    first(
        db,
        &format!("SELECT {COLS} FROM tickets WHERE workspace_id = ?1 AND id = ?2"),
        &[s(ws), s(id)],
    )
    .await
}

/// Moves a ticket to `status` (a word the caller checked).
pub async fn set_ticket_status(
    db: &D1Database,
    ws: &str,
    id: &str,
    status: &str,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE tickets SET status = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id), s(status), n(now)],
    )
    .await
}
