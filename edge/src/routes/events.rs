//! `POST /v1/events`: what a visitor did. Stored, and counted per visitor (a total and per-day
//! buckets) so that event-count targeting never scans history.

use porchlight_shared::events::{day_of, occurred_at, TrackRequest};
use porchlight_shared::ApiError;
use serde_json::json;
use worker::Response;

use crate::auth;
use crate::db::{self, n, opt, s};
use crate::http::{self, Ctx};

pub async fn track(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let req: TrackRequest = ctx.json().await?;
    req.validate()?;
    let db = ctx.db()?;
    let (ws, visitor) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let mut stmts = Vec::with_capacity(req.events.len() * 3);
    for e in &req.events {
        let at = occurred_at(e.occurred_at, ctx.now);
        let props = serde_json::to_string(&e.properties.clone().unwrap_or_default())
            .map_err(crate::internal)?;
        stmts.push(db::stmt(
            &db,
            "INSERT INTO events (workspace_id, visitor_id, name, properties, url, occurred_at, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[s(ws), s(visitor), s(&e.name), s(&props), opt(e.url.as_deref()), n(at), n(ctx.now)],
        )?);
        stmts.push(db::stmt(
            &db,
            "INSERT INTO event_counters (visitor_id, name, day, count) VALUES (?1, ?2, ?3, 1) \
             ON CONFLICT (visitor_id, name, day) DO UPDATE SET count = count + 1",
            &[s(visitor), s(&e.name), n(day_of(at))],
        )?);
        stmts.push(db::stmt(
            &db,
            "INSERT INTO event_totals (visitor_id, workspace_id, name, count, first_at, last_at) VALUES (?1, ?2, ?3, 1, ?4, ?4) \
             ON CONFLICT (visitor_id, name) DO UPDATE SET count = count + 1, first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)",
            &[s(visitor), s(ws), s(&e.name), n(at)],
        )?);
    }
    db::batch(&db, stmts).await?;
    http::json(202, &json!({ "accepted": req.events.len() }))
}
