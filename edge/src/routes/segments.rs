//! Saved segments (`/admin/v1/segments`): audience rules validated by the shared engine when
//! saved, with references checked against this workspace only. Also builds the targeting
//! subject of a visitor from D1, so the edge evaluates with the very engine the widget ships.

use std::collections::BTreeMap;

use porchlight_shared::targeting::{EventStats, Rule, Subject};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth;
use crate::db::{self, n, s, VisitorRow, WorkspaceRow};
use crate::http::{self, Ctx};
use crate::rand;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentBody {
    name: Option<String>,
    rule: Option<Value>,
}

#[derive(Deserialize)]
pub struct SegmentRow {
    id: String,
    name: String,
    rule: String,
    created_at: i64,
    updated_at: i64,
}

impl SegmentRow {
    fn view(&self) -> Value {
        json!({"id": self.id, "name": self.name, "rule": serde_json::from_str::<Value>(&self.rule).unwrap_or(Value::Null),
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const COLS: &str = "id, name, rule, created_at, updated_at";

async fn all_rows(db: &D1Database, ws: &str) -> Result<Vec<SegmentRow>, ApiError> {
    db::all::<SegmentRow>(db::stmt(
        db,
        &format!("SELECT {COLS} FROM segments WHERE workspace_id = ?1 ORDER BY created_at, id"),
        &[s(ws)],
    )?)
    .await
}

async fn one_row(db: &D1Database, ws: &str, id: &str) -> Result<SegmentRow, ApiError> {
    db::first::<SegmentRow>(
        db,
        &format!("SELECT {COLS} FROM segments WHERE workspace_id = ?1 AND id = ?2"),
        &[s(ws), s(id)],
    )
    .await?
    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such segment in this workspace"))
}

/// The workspace's segments, parsed, by id (what rules resolve references against).
pub async fn workspace_segments(
    db: &D1Database,
    ws: &str,
) -> Result<BTreeMap<String, Rule>, ApiError> {
    Ok(parse_segments(all_rows(db, ws).await?))
}

/// The read behind [`workspace_segments`], to put in a caller's batch.
pub fn segments_statement(
    db: &D1Database,
    ws: &str,
) -> Result<worker::D1PreparedStatement, ApiError> {
    db::stmt(
        db,
        &format!("SELECT {COLS} FROM segments WHERE workspace_id = ?1 ORDER BY created_at, id"),
        &[s(ws)],
    )
}

pub fn parse_segments(rows: Vec<SegmentRow>) -> BTreeMap<String, Rule> {
    rows.into_iter()
        .filter_map(|r| {
            let v: Value = serde_json::from_str(&r.rule).ok()?;
            Rule::parse(&v).ok().map(|rule| (r.id, rule))
        })
        .collect()
}

fn validate_name(name: &str) -> Result<String, ApiError> {
    let t = name.trim();
    if t.is_empty() || t.chars().count() > 100 {
        return Err(ApiError::invalid("/name", "1-100 characters"));
    }
    Ok(t.to_string())
}

/// Parses a rule with the engine (errors point into `/rule`) and checks every segment it
/// references exists in this workspace (Opencom bug 9: segments were never workspace-checked).
async fn validate_rule(
    db: &D1Database,
    ws: &str,
    v: &Value,
    self_id: Option<&str>,
) -> Result<Rule, ApiError> {
    let rule = Rule::parse(v).map_err(|mut e| {
        e.path = Some(format!("/rule{}", e.path.unwrap_or_default()));
        e
    })?;
    let refs = rule.segment_refs();
    if !refs.is_empty() {
        let existing: Vec<String> = all_rows(db, ws).await?.into_iter().map(|r| r.id).collect();
        for r in refs {
            if Some(r) == self_id || !existing.iter().any(|e| e == r) {
                return Err(ApiError::invalid(
                    "/rule",
                    format!(
                        "segment {r} does not exist in this workspace (or is this segment itself)"
                    ),
                ));
            }
        }
    }
    Ok(rule)
}

pub async fn list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let rows = all_rows(&ctx.db()?, &ws.id).await?;
    http::json(
        200,
        &json!({"segments": rows.iter().map(SegmentRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let body: SegmentBody = ctx.json().await?;
    let name = validate_name(body.name.as_deref().unwrap_or(""))?;
    let db = ctx.db()?;
    let Some(rule_json) = &body.rule else {
        return Err(ApiError::invalid("/rule", "required"));
    };
    let rule = validate_rule(&db, &ws.id, rule_json, None).await?;
    let id = rand::id::<8>("seg_")?;
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "INSERT INTO segments (id, workspace_id, name, rule, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                &[s(&id), s(&ws.id), s(&name), s(&rule.to_json().to_string()), n(ctx.now)],
            )?,
            db::audit(&db, &ws.id, "segment.created", &id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
    http::json(201, &one_row(&db, &ws.id, &id).await?.view())
}

pub async fn get(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    http::json(200, &one_row(&ctx.db()?, &ws.id, id).await?.view())
}

pub async fn patch(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let body: SegmentBody = ctx.json().await?;
    let db = ctx.db()?;
    let row = one_row(&db, &ws.id, id).await?;
    let name = match &body.name {
        Some(n) => validate_name(n)?,
        None => row.name.clone(),
    };
    let rule = match &body.rule {
        Some(v) => validate_rule(&db, &ws.id, v, Some(id))
            .await?
            .to_json()
            .to_string(),
        None => row.rule.clone(),
    };
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "UPDATE segments SET name = ?3, rule = ?4, updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2",
                &[s(&ws.id), s(id), s(&name), s(&rule), n(ctx.now)],
            )?,
            db::audit(&db, &ws.id, "segment.updated", id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
    http::json(200, &one_row(&db, &ws.id, id).await?.view())
}

/// Deleting a segment others reference is allowed: those references then match nobody.
pub async fn delete(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    one_row(&db, &ws.id, id).await?;
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "DELETE FROM segments WHERE workspace_id = ?1 AND id = ?2",
                &[s(&ws.id), s(id)],
            )?,
            db::audit(&db, &ws.id, "segment.deleted", id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
    http::no_content()
}

#[derive(Deserialize)]
pub struct CounterRow {
    name: String,
    day: i64,
    count: i64,
}

#[derive(Deserialize, Clone)]
pub struct TotalRow {
    pub name: String,
    pub count: i64,
}

/// The two reads a subject needs (daily counters, totals), to put in a caller's batch.
pub fn subject_statements(
    db: &D1Database,
    visitor_id: &str,
) -> Result<Vec<worker::D1PreparedStatement>, ApiError> {
    Ok(vec![
        db::stmt(
            db,
            "SELECT name, day, count FROM event_counters WHERE visitor_id = ?1 ORDER BY name, day",
            &[s(visitor_id)],
        )?,
        db::stmt(
            db,
            "SELECT name, count FROM event_totals WHERE visitor_id = ?1",
            &[s(visitor_id)],
        )?,
    ])
}

/// A visitor as the targeting engine sees them: the visitor row plus its event counters
/// (a total and per-day buckets; never the event history).
pub fn subject_from(
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

pub async fn subject_for(db: &D1Database, v: &VisitorRow) -> Result<Subject, ApiError> {
    let mut it = db
        .batch(subject_statements(db, &v.id)?)
        .await
        .map_err(crate::internal)?
        .into_iter();
    let counters = it
        .next()
        .map(|r| r.results::<CounterRow>())
        .transpose()
        .map_err(crate::internal)?
        .unwrap_or_default();
    let totals = it
        .next()
        .map(|r| r.results::<TotalRow>())
        .transpose()
        .map_err(crate::internal)?
        .unwrap_or_default();
    subject_from(v, counters, totals)
}

/// The ids and names of this workspace's segments the visitor is in right now.
pub async fn memberships(
    db: &D1Database,
    ws: &WorkspaceRow,
    v: &VisitorRow,
    now: i64,
) -> Result<Vec<Value>, ApiError> {
    let segments = workspace_segments(db, &ws.id).await?;
    if segments.is_empty() {
        return Ok(Vec::new());
    }
    let subject = subject_for(db, v).await?;
    let ctx = porchlight_shared::targeting::EvalContext {
        subject: &subject,
        now_ms: now,
        segments: &segments,
    };
    let names: BTreeMap<String, String> = all_rows(db, &ws.id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(segments
        .iter()
        .filter(|(_, rule)| rule.matches(&ctx))
        .map(|(id, _)| json!({"id": id, "name": names.get(id)}))
        .collect())
}
