//! `events` and their per-visitor counters (`event_counters`: per day; `event_totals`: all
//! time), written together so that event-count targeting never scans history.

use porchlight_shared::events::day_of;
use porchlight_shared::ApiError;
use serde::{Deserialize, Serialize};
use worker::D1Database;

use super::{n, opt, s, stmt, Batch};

/// One tracked event, validated.
pub struct NewEvent<'a> {
    pub name: &'a str,
    pub properties: &'a str,
    pub url: Option<&'a str>,
    pub occurred_at: i64,
}

/// Stores events and counts them, in one transaction.
pub async fn insert_events(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    events: &[NewEvent<'_>],
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    for e in events {
        batch.write(stmt(
            db,
            "INSERT INTO events (workspace_id, visitor_id, name, properties, url, occurred_at, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[s(ws), s(visitor), s(e.name), s(e.properties), opt(e.url), n(e.occurred_at), n(now)],
        )?);
        batch.write(stmt(
            db,
            "INSERT INTO event_counters (visitor_id, name, day, count) VALUES (?1, ?2, ?3, 1) \
             ON CONFLICT (visitor_id, name, day) DO UPDATE SET count = count + 1",
            &[s(visitor), s(e.name), n(day_of(e.occurred_at))],
        )?);
        batch.write(stmt(
            db,
            "INSERT INTO event_totals (visitor_id, workspace_id, name, count, first_at, last_at) VALUES (?1, ?2, ?3, 1, ?4, ?4) \
             ON CONFLICT (visitor_id, name) DO UPDATE SET count = count + 1, first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)",
            &[s(visitor), s(ws), s(e.name), n(e.occurred_at)],
        )?);
    }
    batch.run(db).await.map(drop)
}

/// An event name's all-time count for a visitor, with its first and last time.
#[derive(Deserialize, Serialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct EventTotal {
    pub name: String,
    pub count: i64,
    pub first_at: i64,
    pub last_at: i64,
}

/// A stored event, as the visitor view lists it.
#[derive(Deserialize)]
pub struct RecentEvent {
    pub name: String,
    pub properties: String,
    pub url: Option<String>,
    pub occurred_at: i64,
}

/// A visitor's event totals (latest first, at most 100) and latest events (at most 50), in
/// one round trip.
pub async fn visitor_events(
    db: &D1Database,
    visitor: &str,
) -> Result<(Vec<EventTotal>, Vec<RecentEvent>), ApiError> {
    let mut batch = Batch::new();
    let totals = batch.read::<EventTotal>(stmt(db, "SELECT name, count, first_at, last_at FROM event_totals WHERE visitor_id = ?1 ORDER BY last_at DESC LIMIT 100", &[s(visitor)])?);
    let recent = batch.read::<RecentEvent>(stmt(db, "SELECT name, properties, url, occurred_at FROM events WHERE visitor_id = ?1 ORDER BY occurred_at DESC, id DESC LIMIT 50", &[s(visitor)])?);
    let mut results = batch.run(db).await?;
    Ok((results.rows(totals)?, results.rows(recent)?))
}
