//! Estimated reach: a bounded sample of a workspace's visitors (the most recently seen, up to
//! [`REACH_SAMPLE`]) as targeting subjects, with their event counters, read in one round trip.
//! The caller evaluates a rule over them with the shared engine.

use std::collections::BTreeMap;

use porchlight_shared::targeting::Subject;
use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::D1Database;

use super::segments::{subject_from, CounterRow, TotalRow};
use super::visitors::{VisitorRow, VISITOR_COLS};
use super::{n, s, stmt, Batch};

/// Visitors evaluated at most (the most recently seen first).
pub const REACH_SAMPLE: i64 = 1000;
/// Event counter rows read at most for the sample; past it, event conditions may undercount.
const COUNTER_ROWS: i64 = 20_000;

#[derive(Deserialize)]
struct Count {
    n: i64,
}

#[derive(Deserialize)]
struct VisitorCounter {
    visitor_id: String,
    name: String,
    day: i64,
    count: i64,
}

#[derive(Deserialize)]
struct VisitorTotal {
    visitor_id: String,
    name: String,
    count: i64,
}

/// What the sample holds.
pub struct ReachSample {
    /// Every visitor of the workspace (merged ones left out).
    pub total: i64,
    pub subjects: Vec<Subject>,
    /// False when a cap cut the event counters short (event conditions may undercount).
    pub events_complete: bool,
}

/// The sample's visitors, as one subquery both counter reads repeat (one transaction: the same rows).
const SAMPLE_IDS: &str = "SELECT id FROM visitors WHERE workspace_id = ?1 AND merged_into IS NULL ORDER BY last_seen_at DESC LIMIT ?2";

pub async fn reach_sample(db: &D1Database, ws: &str) -> Result<ReachSample, ApiError> {
    let mut batch = Batch::new();
    let total = batch.read::<Count>(stmt(
        db,
        "SELECT COUNT(*) AS n FROM visitors WHERE workspace_id = ?1 AND merged_into IS NULL",
        &[s(ws)],
    )?);
    let visitors = batch.read::<VisitorRow>(stmt(
        db,
        &format!("SELECT {VISITOR_COLS} FROM visitors WHERE workspace_id = ?1 AND merged_into IS NULL ORDER BY last_seen_at DESC LIMIT ?2"),
        &[s(ws), n(REACH_SAMPLE)],
    )?);
    let counters = batch.read::<VisitorCounter>(stmt(
        db,
        &format!("SELECT visitor_id, name, day, count FROM event_counters WHERE visitor_id IN ({SAMPLE_IDS}) LIMIT ?3"),
        &[s(ws), n(REACH_SAMPLE), n(COUNTER_ROWS + 1)],
    )?);
    let totals = batch.read::<VisitorTotal>(stmt(
        db,
        &format!("SELECT visitor_id, name, count FROM event_totals WHERE workspace_id = ?1 AND visitor_id IN ({SAMPLE_IDS}) LIMIT ?3"),
        &[s(ws), n(REACH_SAMPLE), n(COUNTER_ROWS + 1)],
    )?);
    let mut results = batch.run(db).await?;
    let total = results.first(total)?.map_or(0, |c| c.n);
    let visitors = results.rows(visitors)?;
    let counters = results.rows(counters)?;
    let totals = results.rows(totals)?;
    let events_complete =
        counters.len() as i64 <= COUNTER_ROWS && totals.len() as i64 <= COUNTER_ROWS;

    let mut by_visitor: BTreeMap<String, (Vec<CounterRow>, Vec<TotalRow>)> = BTreeMap::new();
    for c in counters.into_iter().take(COUNTER_ROWS as usize) {
        by_visitor
            .entry(c.visitor_id)
            .or_default()
            .0
            .push(CounterRow {
                name: c.name,
                day: c.day,
                count: c.count,
            });
    }
    for t in totals.into_iter().take(COUNTER_ROWS as usize) {
        by_visitor
            .entry(t.visitor_id)
            .or_default()
            .1
            .push(TotalRow {
                name: t.name,
                count: t.count,
            });
    }
    let mut subjects = Vec::with_capacity(visitors.len());
    for v in &visitors {
        let (mut counters, totals) = by_visitor.remove(&v.id).unwrap_or_default();
        // The engine reads per-day buckets sorted by day.
        counters.sort_by(|a, b| (a.name.as_str(), a.day).cmp(&(b.name.as_str(), b.day)));
        // A visitor whose stored attributes cannot be read is left out of the sample rather
        // than failing the whole estimate.
        if let Ok(subject) = subject_from(v, counters, totals) {
            subjects.push(subject);
        }
    }
    Ok(ReachSample {
        total,
        subjects,
        events_complete,
    })
}
