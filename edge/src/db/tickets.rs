//! `tickets`: what a visitor filed, read back by that visitor and worked by the team (the
//! console's queue: `/admin/v1/tickets`).

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
    /// The page it was filed from (migration 0017).
    #[serde(default)]
    pub page_url: Option<String>,
}

impl TicketRow {
    pub fn view(&self) -> Value {
        visitor_view(
            &self.id,
            &self.subject,
            &self.body,
            &self.status,
            (self.created_at, self.updated_at),
            self.page_url.as_deref(),
        )
    }
}

/// A ticket as its visitor sees it (`GET /v1/tickets/{id}`, the live `ticket` event).
fn visitor_view(
    id: &str,
    subject: &str,
    body: &str,
    status: &str,
    (created_at, updated_at): (i64, i64),
    page_url: Option<&str>,
) -> Value {
    json!({"id": id, "subject": subject, "body": body, "status": status,
           "pageUrl": page_url, "createdAt": created_at, "updatedAt": updated_at})
}

const COLS: &str = "id, subject, body, status, created_at, updated_at, page_url";

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

/// A ticket as the team sees it: with its visitor (fields spelled out: D1 rows decode
/// field by field, `serde(flatten)` would buffer numbers as floats).
#[derive(Deserialize)]
pub struct AdminTicketRow {
    pub id: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub visitor_id: String,
    pub readable_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub page_url: Option<String>,
}

impl AdminTicketRow {
    /// What the visitor sees of it (`GET /v1/tickets/{id}`).
    pub fn visitor_view(&self) -> Value {
        visitor_view(
            &self.id,
            &self.subject,
            &self.body,
            &self.status,
            (self.created_at, self.updated_at),
            self.page_url.as_deref(),
        )
    }

    pub fn view(&self) -> Value {
        let mut v = self.visitor_view();
        if let Some(o) = v.as_object_mut() {
            o.insert("visitorId".into(), json!(self.visitor_id));
            o.insert(
                "visitor".into(),
                json!({"id": self.visitor_id, "readableId": self.readable_id, "name": self.name, "email": self.email}),
            );
        }
        v
    }
}

/// A ticket with its visitor: the columns of [`AdminTicketRow`] and where they come from.
const ADMIN_FROM: &str = "SELECT t.id, t.subject, t.body, t.status, t.created_at, t.updated_at, t.visitor_id, v.readable_id, v.name, v.email, t.page_url \
     FROM tickets t JOIN visitors v ON v.id = t.visitor_id";

/// The workspace's tickets (one status, or all; one visitor's, or everyone's), most recently
/// changed first (at most 200).
pub async fn workspace_tickets(
    db: &D1Database,
    ws: &str,
    status: Option<&str>,
    visitor: Option<&str>,
) -> Result<Vec<AdminTicketRow>, ApiError> {
    // One visitor's: read through their index (the planner would otherwise walk the
    // workspace's, ordered by time); another workspace's visitor matches nothing.
    let mut args = vec![s(ws), opt(status)];
    let (index, and_visitor) = match visitor {
        Some(v) => {
            args.push(s(v));
            (" INDEXED BY tickets_visitor", " AND t.visitor_id = ?3")
        }
        None => ("", ""),
    };
    let from = ADMIN_FROM.replacen("FROM tickets t", &format!("FROM tickets t{index}"), 1);
    all(stmt(
        db,
        &format!("{from} WHERE t.workspace_id = ?1 AND (?2 IS NULL OR t.status = ?2){and_visitor} ORDER BY t.updated_at DESC, t.id LIMIT 200"),
        &args,
    )?)
    .await
}

/// One ticket of the workspace, with its visitor.
pub async fn workspace_ticket(
    db: &D1Database,
    ws: &str,
    id: &str,
) -> Result<Option<AdminTicketRow>, ApiError> {
    first(
        db,
        &format!("{ADMIN_FROM} WHERE t.workspace_id = ?1 AND t.id = ?2"),
        &[s(ws), s(id)],
    )
    .await
}

/// Moves a ticket of the workspace to `status` (a no-op for another workspace's id).
pub async fn set_ticket_status(
    db: &D1Database,
    ws: &str,
    id: &str,
    status: &str,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE tickets SET status = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2 AND status <> ?3",
        &[s(ws), s(id), s(status), n(now)],
    )
    .await
}
