//! The console's measures (`/admin/v1/analytics/…`, workspace secret key, reads only): an
//! item's shown / clicked / dismissed / completed per day and a tour's funnel by step
//! (`items/{id}`), and CSAT per teammate (`csat`), over a date range (`from`, `to`:
//! `YYYY-MM-DD`, UTC, at most 366 days; the last 30 by default). The edge reads grouped counts;
//! `shared::insights` shapes them.

use porchlight_shared::insights::{self, date_of, Range};
use porchlight_shared::{ApiError, ErrorCode};
use serde_json::{json, Value};
use worker::Response;

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};

/// The report's days, from the `from` / `to` query parameters (also the survey results').
pub(crate) fn range(ctx: &Ctx) -> Result<Range, ApiError> {
    Range::parse(
        ctx.query("from")?.as_deref(),
        ctx.query("to")?.as_deref(),
        ctx.now,
    )
}

pub async fn item(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let range = range(ctx)?;
    let report = db::item_report(&ctx.db()?, &ws.id, id, range).await?;
    let Some(item) = report.item else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "no such item in this workspace",
        ));
    };
    let days = insights::daily_series(range, &report.days);
    let sum = |f: fn(&insights::DayCounts) -> u64| days.iter().map(f).sum::<u64>();
    let totals = json!({
        "shown": sum(|d| d.shown),
        "clicked": sum(|d| d.clicked),
        "dismissed": sum(|d| d.dismissed),
        "completed": sum(|d| d.completed),
    });
    let funnel = if item.kind == "tour" {
        let content: Value = serde_json::from_str(&item.content).unwrap_or(Value::Null);
        let steps = content
            .get("steps")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let (counts, completed) = insights::funnel(steps.len(), &report.progress);
        let steps: Vec<Value> = counts
            .iter()
            .zip(&steps)
            .enumerate()
            .map(|(i, (c, step))| {
                json!({"index": i, "title": step.get("title").and_then(Value::as_str).unwrap_or(""),
                       "reached": c.reached, "dismissed": c.dismissed})
            })
            .collect();
        json!({"steps": steps, "completed": completed})
    } else {
        Value::Null
    };
    http::json(
        200,
        &json!({
            "item": {"id": item.id, "kind": item.kind, "name": item.name},
            "from": date_of(range.from_day),
            "to": date_of(range.to_day),
            "days": days,
            "totals": totals,
            "funnel": funnel,
        }),
    )
}

pub async fn csat(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let range = range(ctx)?;
    let rows = db::csat_ratings(&ctx.db()?, &ws.id, range).await?;
    http::json(
        200,
        &json!({
            "from": date_of(range.from_day),
            "to": date_of(range.to_day),
            "teammates": insights::csat(&rows),
        }),
    )
}
