//! Tickets (`/v1/tickets`): a visitor files one from the widget and follows its status. A
//! visitor only ever sees their own; another visitor's ticket is simply not found.

use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::rand;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTicket {
    subject: String,
    body: String,
}

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
    db::insert_ticket(
        &db,
        &a.workspace.id,
        &a.session.visitor_id,
        &id,
        &subject,
        &body,
        ctx.now,
    )
    .await?;
    http::json(201, &one(ctx, &a, &id).await?.view())
}

async fn one(ctx: &Ctx, a: &auth::VisitorAuth, id: &str) -> Result<db::TicketRow, ApiError> {
    db::visitor_ticket(&ctx.db()?, &a.workspace.id, &a.session.visitor_id, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such ticket"))
}

pub async fn list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let rows = db::visitor_tickets(&ctx.db()?, &a.workspace.id, &a.session.visitor_id).await?;
    http::json(
        200,
        &json!({"tickets": rows.iter().map(db::TicketRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn get(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    http::json(200, &one(ctx, &a, id).await?.view())
}
