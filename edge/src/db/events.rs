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
    pub client_id: Option<&'a str>,
}

/// Stores events and counts them, in one transaction. An event whose client id the visitor
/// already sent (now or in an earlier request) is neither stored nor counted again: its
/// counters move only if the row carrying this request's id is the one stored.
pub async fn insert_events(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    events: &[NewEvent<'_>],
    request_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    // Counted only when this request stored the event (always, without a client id); `?1` is
    // the visitor, `?c` the client id, `?r` this request's id.
    let stored_here = |c: u8, r: u8| {
        format!("(?{c} IS NULL OR EXISTS (SELECT 1 FROM events WHERE visitor_id = ?1 AND client_id = ?{c} AND request_id = ?{r}))")
    };
    let mut batch = Batch::new();
    let mut seen: Vec<&str> = Vec::new();
    for e in events {
        if let Some(cid) = e.client_id {
            if seen.contains(&cid) {
                continue; // twice in one batch: once
            }
            seen.push(cid);
        }
        batch.write(stmt(
            db,
            "INSERT INTO events (workspace_id, visitor_id, name, properties, url, occurred_at, received_at, client_id, request_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
             ON CONFLICT (visitor_id, client_id) WHERE client_id IS NOT NULL DO NOTHING",
            &[s(ws), s(visitor), s(e.name), s(e.properties), opt(e.url), n(e.occurred_at), n(now), opt(e.client_id), s(request_id)],
        )?);
        batch.write(stmt(
            db,
            &format!(
                "INSERT INTO event_counters (visitor_id, name, day, count) SELECT ?1, ?2, ?3, 1 WHERE {} \
                 ON CONFLICT (visitor_id, name, day) DO UPDATE SET count = count + 1",
                stored_here(4, 5)
            ),
            &[s(visitor), s(e.name), n(day_of(e.occurred_at)), opt(e.client_id), s(request_id)],
        )?);
        batch.write(stmt(
            db,
            &format!(
                "INSERT INTO event_totals (visitor_id, workspace_id, name, count, first_at, last_at) SELECT ?1, ?2, ?3, 1, ?4, ?4 WHERE {} \
                 ON CONFLICT (visitor_id, name) DO UPDATE SET count = count + 1, first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)",
                stored_here(5, 6)
            ),
            &[s(visitor), s(ws), s(e.name), n(e.occurred_at), opt(e.client_id), s(request_id)],
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
