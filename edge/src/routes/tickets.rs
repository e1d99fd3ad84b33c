//! Tickets (`/v1/tickets`): a visitor files one from the widget and follows its status. A
//! visitor only ever sees their own; another visitor's ticket is simply not found.

use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::Response;

use crate::auth;
use crate::db::{self, n, s};
use crate::http::{self, Ctx};
use crate::rand;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTicket {
    subject: String,
    body: String,
}

#[derive(Deserialize)]
struct TicketRow {
    id: String,
    subject: String,
    body: String,
    status: String,
    created_at: i64,
    updated_at: i64,
}

impl TicketRow {
    fn view(&self) -> Value {
        json!({"id": self.id, "subject": self.subject, "body": self.body, "status": self.status,
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const COLS: &str = "id, subject, body, status, created_at, updated_at";

fn check_text(v: &str, max: usize, path: &str) -> Result<String, ApiError> {
    let t = v.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(ApiError::invalid(path, format!("1-{max} characters")));
    }
    Ok(t.to_string())
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let t: NewTicket = ctx.json().await?;
    let subject = check_text(&t.subject, 200, "/subject")?;
    let body = check_text(&t.body, 10_000, "/body")?;
    let db = ctx.db()?;
    let id = rand::id::<8>("tkt_")?;
    db::batch(
        &db,
        vec![db::stmt(
            &db,
            "INSERT INTO tickets (id, workspace_id, visitor_id, subject, body, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?6)",
            &[s(&id), s(&a.workspace.id), s(&a.session.visitor_id), s(&subject), s(&body), n(ctx.now)],
        )?],
    )
    .await?;
    http::json(201, &one(ctx, &a, &id).await?.view())
}

async fn one(ctx: &Ctx, a: &auth::VisitorAuth, id: &str) -> Result<TicketRow, ApiError> {
    db::first::<TicketRow>(
        &ctx.db()?,
        &format!(
            "SELECT {COLS} FROM tickets WHERE workspace_id = ?1 AND visitor_id = ?2 AND id = ?3"
        ),
        &[s(&a.workspace.id), s(&a.session.visitor_id), s(id)],
    )
    .await?
    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such ticket"))
}

pub async fn list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let rows = db::all::<TicketRow>(db::stmt(
        &ctx.db()?,
        &format!("SELECT {COLS} FROM tickets WHERE workspace_id = ?1 AND visitor_id = ?2 ORDER BY created_at DESC, id LIMIT 100"),
        &[s(&a.workspace.id), s(&a.session.visitor_id)],
    )?).await?;
    http::json(
        200,
        &json!({"tickets": rows.iter().map(TicketRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn get(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    http::json(200, &one(ctx, &a, id).await?.view())
}
