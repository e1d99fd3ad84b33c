//! Tickets (`/v1/tickets`): a visitor files one from the widget (with the http(s) page it was
//! filed from, `pageUrl`) and follows its status. A
//! visitor only ever sees their own; another visitor's ticket is simply not found. The team
//! works them from the console (`/admin/v1/tickets`, a teammate key or the workspace key): a
//! status change is announced live to the visitor's sockets and the agents'.

use porchlight_shared::types::is_safe_http_url;
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
    // Announced to the team's consoles, as a new conversation is.
    if let Some(row) = db::workspace_ticket(&db, &a.workspace.id, &id).await? {
        hub::notify(
            ctx,
            &a.workspace.id,
            None,
            true,
            json!({"type": "ticket", "new": true, "ticket": row.view()}),
        );
    }
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

/// The statuses a ticket moves between (the table's CHECK).
const STATUSES: [&str; 4] = ["open", "pending", "solved", "closed"];

/// `GET /admin/v1/tickets?status=open|pending|solved|closed|all` (default all).
pub async fn admin_list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let status = ctx.query("status")?.unwrap_or_else(|| "all".into());
    let filter = match status.as_str() {
        "all" => None,
        s if STATUSES.contains(&s) => Some(s),
        _ => {
            return Err(ApiError::invalid(
                "/status",
                "open, pending, solved, closed or all",
            ))
        }
    };
    // One visitor's tickets (their profile), however long ago they last changed.
    let visitor = ctx.query_id("visitorId")?;
    let rows =
        db::workspace_tickets(&ctx.db()?, &agent.workspace.id, filter, visitor.as_deref()).await?;
    http::json(
        200,
        &json!({"tickets": rows.iter().map(db::AdminTicketRow::view).collect::<Vec<_>>()}),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: String,
}

/// `POST /admin/v1/tickets/{id}/status` `{status}`: the visitor sees it live.
pub async fn admin_status(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let change: StatusChange = ctx.json().await?;
    if !STATUSES.contains(&change.status.as_str()) {
        return Err(ApiError::invalid(
            "/status",
            "open, pending, solved or closed",
        ));
    }
    let db = ctx.db()?;
    let ws = agent.workspace.id.clone();
    let not_found = || ApiError::new(ErrorCode::NotFound, "no such ticket");
    db::workspace_ticket(&db, &ws, id)
        .await?
        .ok_or_else(not_found)?;
    db::set_ticket_status(&db, &ws, id, &change.status, ctx.now).await?;
    let row = db::workspace_ticket(&db, &ws, id)
        .await?
        .ok_or_else(not_found)?;
    hub::notify(
        ctx,
        &ws,
        Some(&row.visitor_id),
        true,
        json!({"type": "ticket", "ticket": row.visitor_view()}),
    );
    http::json(200, &row.view())
}
