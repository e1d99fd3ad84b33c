//! The console's measures, read as grouped counts (never rows per visitor), each bounded by the
//! report's date range and served by an index (migration 0020): an item's impressions by day
//! and action, a tour's progress by step and state, CSAT ratings by teammate.

use porchlight_shared::insights::Range;
use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::D1Database;

use super::{n, s, stmt, Batch};

/// The item a report is about (any authored kind), in this workspace.
#[derive(Deserialize)]
pub struct ReportItem {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub content: String,
}

#[derive(Deserialize)]
struct DayAction {
    day: i64,
    action: String,
    n: i64,
}

#[derive(Deserialize)]
struct StepState {
    step: i64,
    state: String,
    n: i64,
}

#[derive(Deserialize)]
struct Rating {
    teammate_id: Option<String>,
    name: Option<String>,
    rating: i64,
    n: i64,
}

/// What an item's report reads: the item, its impressions by (day, action), and its tour
/// progress by (step, state) (empty unless a tour), in one round trip.
pub struct ItemReport {
    pub item: Option<ReportItem>,
    pub days: Vec<(i64, String, u64)>,
    pub progress: Vec<(i64, String, u64)>,
}

pub async fn item_report(
    db: &D1Database,
    ws: &str,
    id: &str,
    range: Range,
) -> Result<ItemReport, ApiError> {
    let mut batch = Batch::new();
    let item = batch.read::<ReportItem>(stmt(
        db,
        "SELECT id, kind, name, content FROM items WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id)],
    )?);
    let days = batch.read::<DayAction>(stmt(
        db,
        "SELECT at / 86400000 AS day, action, COUNT(*) AS n FROM impressions \
         WHERE workspace_id = ?1 AND content_id = ?2 AND at >= ?3 AND at < ?4 GROUP BY day, action",
        &[s(ws), s(id), n(range.start_ms()), n(range.end_ms())],
    )?);
    let progress = batch.read::<StepState>(stmt(
        db,
        "SELECT step, state, COUNT(*) AS n FROM tour_progress \
         WHERE workspace_id = ?1 AND tour_id = ?2 AND started_at >= ?3 AND started_at < ?4 GROUP BY step, state",
        &[s(ws), s(id), n(range.start_ms()), n(range.end_ms())],
    )?);
    let mut results = batch.run(db).await?;
    let count = |v: i64| v.max(0) as u64;
    Ok(ItemReport {
        item: results.first(item)?,
        days: results
            .rows(days)?
            .into_iter()
            .map(|r| (r.day, r.action, count(r.n)))
            .collect(),
        progress: results
            .rows(progress)?
            .into_iter()
            .map(|r| (r.step, r.state, count(r.n)))
            .collect(),
    })
}

/// CSAT ratings given in the range, by (teammate, rating).
pub async fn csat_ratings(
    db: &D1Database,
    ws: &str,
    range: Range,
) -> Result<Vec<(Option<String>, Option<String>, i64, u64)>, ApiError> {
    let rows = super::all::<Rating>(stmt(
        db,
        "SELECT c.assignee_id AS teammate_id, t.name AS name, c.csat_rating AS rating, COUNT(*) AS n \
         FROM conversations c LEFT JOIN teammates t ON t.id = c.assignee_id AND t.workspace_id = c.workspace_id \
         WHERE c.workspace_id = ?1 AND c.csat_rating IS NOT NULL AND c.csat_at >= ?2 AND c.csat_at < ?3 \
         GROUP BY c.assignee_id, c.csat_rating",
        &[s(ws), n(range.start_ms()), n(range.end_ms())],
    )?)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.teammate_id, r.name, r.rating, r.n.max(0) as u64))
        .collect())
}
