//! `segments` and the visitor's targeting [`Subject`]: the saved audience rules of a workspace
//! and what a visitor looks like to them (the visitor row plus its event counters), read here,
//! next to the tables they come from, so the edge evaluates with the very engine the widget
//! ships.

use std::collections::BTreeMap;

use porchlight_shared::targeting::{EventStats, Rule, Subject};
use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement};

use super::visitors::VisitorRow;
use super::{audit, n, s, stmt, Batch, Results, Rows};

#[derive(Deserialize)]
pub struct SegmentRow {
    pub id: String,
    pub name: String,
    pub rule: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl SegmentRow {
    pub fn view(&self) -> Value {
        json!({"id": self.id, "name": self.name, "rule": serde_json::from_str::<Value>(&self.rule).unwrap_or(Value::Null),
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const COLS: &str = "id, name, rule, created_at, updated_at";

fn all_statement(db: &D1Database, ws: &str) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        &format!("SELECT {COLS} FROM segments WHERE workspace_id = ?1 ORDER BY created_at, id"),
        &[s(ws)],
    )
}

/// The workspace's segments, oldest first.
pub async fn segment_rows(db: &D1Database, ws: &str) -> Result<Vec<SegmentRow>, ApiError> {
    super::all::<SegmentRow>(all_statement(db, ws)?).await
}

pub async fn segment_row(
    db: &D1Database,
    ws: &str,
    id: &str,
) -> Result<Option<SegmentRow>, ApiError> {
    super::first::<SegmentRow>(
        db,
        &format!("SELECT {COLS} FROM segments WHERE workspace_id = ?1 AND id = ?2"),
        &[s(ws), s(id)],
    )
    .await
}

/// Saves a segment (new or changed) with its audit entry, in one batch.
pub async fn save_segment(
    db: &D1Database,
    ws: &str,
    id: &str,
    name: &str,
    rule: &str,
    now: i64,
    created: bool,
) -> Result<(), ApiError> {
    let (sql, action) = if created {
        ("INSERT INTO segments (id, workspace_id, name, rule, created_at, updated_at) VALUES (?2, ?1, ?3, ?4, ?5, ?5)", "segment.created")
    } else {
        ("UPDATE segments SET name = ?3, rule = ?4, updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2", "segment.updated")
    };
    let mut batch = Batch::new();
    batch.write(stmt(db, sql, &[s(ws), s(id), s(name), s(rule), n(now)])?);
    batch.write(audit(db, ws, action, id, &json!({}), now)?);
    batch.run(db).await.map(drop)
}

pub async fn delete_segment(db: &D1Database, ws: &str, id: &str, now: i64) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "DELETE FROM segments WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id)],
    )?);
    batch.write(audit(db, ws, "segment.deleted", id, &json!({}), now)?);
    batch.run(db).await.map(drop)
}

/// Parsed rules by id; a stored rule the engine cannot read is left out (a reference to it is
/// then *unknown*, which shows to nobody).
fn parse_segments(rows: Vec<SegmentRow>) -> BTreeMap<String, Rule> {
    rows.into_iter()
        .filter_map(|r| {
            let v: Value = serde_json::from_str(&r.rule).ok()?;
            Rule::parse(&v).ok().map(|rule| (r.id, rule))
        })
        .collect()
}

/// The workspace's segments, parsed, by id (what rules resolve references against).
pub async fn workspace_segments(
    db: &D1Database,
    ws: &str,
) -> Result<BTreeMap<String, Rule>, ApiError> {
    Ok(parse_segments(segment_rows(db, ws).await?))
}

/// The workspace's segments as a read in a caller's batch.
pub struct SegmentsRead(Rows<SegmentRow>);

impl SegmentsRead {
    pub fn add(batch: &mut Batch, db: &D1Database, ws: &str) -> Result<Self, ApiError> {
        Ok(Self(batch.read(all_statement(db, ws)?)))
    }
    pub fn take(self, results: &mut Results) -> Result<BTreeMap<String, Rule>, ApiError> {
        Ok(parse_segments(results.rows(self.0)?))
    }
}

#[derive(Deserialize)]
pub struct CounterRow {
    pub(super) name: String,
    pub(super) day: i64,
    pub(super) count: i64,
}

#[derive(Deserialize, Clone)]
pub struct TotalRow {
    pub name: String,
    pub count: i64,
}

/// The two reads a subject needs (daily counters, totals), in a caller's batch.
pub struct SubjectRead {
    counters: Rows<CounterRow>,
    totals: Rows<TotalRow>,
}

impl SubjectRead {
    pub fn add(batch: &mut Batch, db: &D1Database, visitor_id: &str) -> Result<Self, ApiError> {
        Ok(Self {
            counters: batch.read(stmt(
                db,
                "SELECT name, day, count FROM event_counters WHERE visitor_id = ?1 ORDER BY name, day",
                &[s(visitor_id)],
            )?),
            totals: batch.read(stmt(
                db,
                "SELECT name, count FROM event_totals WHERE visitor_id = ?1",
                &[s(visitor_id)],
            )?),
        })
    }
    /// The subject of `v`, and its event totals (checklists read them too).
    pub fn take(
        self,
        results: &mut Results,
        v: &VisitorRow,
    ) -> Result<(Subject, Vec<TotalRow>), ApiError> {
        let counters = results.rows(self.counters)?;
        let totals = results.rows(self.totals)?;
        Ok((subject_from(v, counters, totals.clone())?, totals))
    }
}

/// A visitor as the targeting engine sees them: the visitor row plus its event counters
/// (a total and per-day buckets; never the event history).
pub(super) fn subject_from(
    v: &VisitorRow,
    counters: Vec<CounterRow>,
    totals: Vec<TotalRow>,
) -> Result<Subject, ApiError> {
    let mut events: BTreeMap<String, EventStats> = BTreeMap::new();
    for t in totals {
        events.entry(t.name).or_default().count = t.count.max(0) as u64;
    }
    for c in counters {
        events
            .entry(c.name)
            .or_default()
            .daily
            .push((c.day, c.count.max(0) as u64));
    }
    Ok(Subject {
        email: v.email.clone(),
        name: v.name.clone(),
        user_id: v.user_id.clone(),
        first_seen_at: Some(v.first_seen_at),
        last_seen_at: Some(v.last_seen_at),
        session_count: Some(v.session_count.max(0) as u64),
        language: v.locale.clone(),
        identity_verified: Some(v.verified()),
        attributes: v.attributes()?.into(),
        events,
        ..Subject::default()
    })
}

/// The ids and names of this workspace's segments the visitor is in right now: one round trip.
pub async fn memberships(
    db: &D1Database,
    ws: &str,
    v: &VisitorRow,
    now: i64,
) -> Result<Vec<Value>, ApiError> {
    let mut batch = Batch::new();
    let rows = batch.read::<SegmentRow>(all_statement(db, ws)?);
    let subject = SubjectRead::add(&mut batch, db, &v.id)?;
    let mut results = batch.run(db).await?;
    let rows = results.rows(rows)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let names: BTreeMap<String, String> = rows
        .iter()
        .map(|r| (r.id.clone(), r.name.clone()))
        .collect();
    let segments = parse_segments(rows);
    let (subject, _) = subject.take(&mut results, v)?;
    let ctx = porchlight_shared::targeting::EvalContext {
        subject: &subject,
        now_ms: now,
        segments: &segments,
    };
    Ok(segments
        .iter()
        .filter(|(_, rule)| rule.matches(&ctx))
        .map(|(id, _)| json!({"id": id, "name": names.get(id)}))
        .collect())
}
