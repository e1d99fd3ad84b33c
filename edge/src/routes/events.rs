//! `POST /v1/events`: what a visitor did. Stored, and counted per visitor (a total and per-day
//! buckets) so that event-count targeting never scans history.

use porchlight_shared::events::{occurred_at, TrackRequest};
use porchlight_shared::ApiError;
use serde_json::json;
use worker::Response;

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::hub;

pub async fn track(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let req: TrackRequest = ctx.json().await?;
    req.validate()?;
    let db = ctx.db()?;
    let (ws, visitor) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let props = req
        .events
        .iter()
        .map(|e| serde_json::to_string(&e.properties.clone().unwrap_or_default()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::internal)?;
    let events: Vec<db::NewEvent> = req
        .events
        .iter()
        .zip(&props)
        .map(|(e, p)| db::NewEvent {
            name: &e.name,
            properties: p,
            url: e.url.as_deref(),
            occurred_at: occurred_at(e.occurred_at, ctx.now),
            client_id: e.client_id.as_deref(),
        })
        .collect();
    let request_id = crate::rand::id::<8>("req_")?;
    db::insert_events(&db, ws, visitor, &events, &request_id, ctx.now).await?;
    // The visitor's open messenger refreshes its checklists (tasks done by an event), after the
    // answer (`waitUntil`).
    hub::notify(ctx, ws, Some(visitor), false, json!({"type": "checklists"}));
    http::json(202, &json!({ "accepted": req.events.len() }))
}
