//! Tickets (`/v1/tickets`): a visitor files one from the widget (with the page it was filed
//! from) and follows its status. A visitor only ever sees their own; another visitor's ticket is
//! simply not found. The team (`/admin/v1/tickets`, teammate or workspace key) lists them and
//! moves their status; each move reaches the visitor's open widgets through the hub.

use porchlight_shared::types::is_safe_http_url;
use porchlight_shared::vocab::TicketStatus;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::hub;
use crate::rand;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
struct NewTicket {
    subject: String,
    body: String,
    page_url: Option<String>,
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
    if t.page_url.as_deref().is_some_and(|u| !is_safe_http_url(u)) {
        return Err(ApiError::invalid(
            "/pageUrl",
            "the http(s) URL of the page (at most 2048 characters)",
        ));
    }
    let db = ctx.db()?;
    let id = rand::id::<8>("tkt_")?;
    db::insert_ticket(
        &db,
        &a.workspace.id,
        &a.session.visitor_id,
        &db::FiledTicket {
            id: &id,
            subject: &subject,
            body: &body,
            page_url: t.page_url.as_deref(),
        },
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

// ---------------------------------------------------------------- the team's side

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such ticket")
}

/// `GET /admin/v1/tickets?status=`: the workspace's tickets, newest first.
pub async fn admin_list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let status = match ctx.query("status")? {
        Some(v) => Some(
            v.parse::<TicketStatus>()
                .map_err(|_| ApiError::invalid("/status", "open, pending, solved or closed"))?,
        ),
        None => None,
    };
    let rows =
        db::workspace_tickets(&ctx.db()?, &agent.workspace.id, status.map(|s| s.as_str())).await?;
    http::json(
        200,
        &json!({"tickets": rows.iter().map(db::TicketRow::admin_view).collect::<Vec<_>>()}),
    )
}

pub async fn admin_get(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let row = db::workspace_ticket(&ctx.db()?, &agent.workspace.id, id)
        .await?
        .ok_or_else(not_found)?;
    http::json(200, &row.admin_view())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: TicketStatus,
}

/// `PATCH /admin/v1/tickets/{id}` `{status}`: the visitor's open widgets hear of it.
pub async fn admin_patch(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let db = ctx.db()?;
    let ws = agent.workspace.id.as_str();
    // Another workspace's ticket is not found, whatever the body.
    let old = db::workspace_ticket(&db, ws, id)
        .await?
        .ok_or_else(not_found)?;
    let b: StatusBody = ctx.json().await?;
    if old.status != b.status.as_str() {
        db::set_ticket_status(&db, ws, id, b.status.as_str(), ctx.now).await?;
    }
    let row = db::workspace_ticket(&db, ws, id)
        .await?
        .ok_or_else(not_found)?;
    if old.status != row.status {
        hub::notify(
            ctx,
            ws,
            row.visitor_id.as_deref(),
            false,
            json!({"type": "ticket", "ticket": row.view()}),
        );
    }
    http::json(200, &row.admin_view())
}
