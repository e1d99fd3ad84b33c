//! The hourly job's statements: retention, idle conversations, stale live tickets.

use porchlight_shared::ApiError;
use worker::D1Database;

use super::{batch, n, run, stmt};

/// Retention, part of the hourly job: anonymous visitors (no userId, nothing proven, not
/// merged) not seen since `idle_before` and with no conversation or ticket (what a teammate
/// worked on stays) are deleted with everything they left — sessions, events and counters,
/// impressions, tour progress, survey responses, checklist ticks, article feedback — at most
/// `per_run` of them per run, in one transaction. Events received before `events_before` are
/// dropped (at most `20 × per_run` per run): the counters (`event_counters`, `event_totals`), written with each event, already
/// hold them, so audiences and checklists see the same counts.
pub async fn apply_retention(
    db: &D1Database,
    idle_before: i64,
    events_before: i64,
    per_run: i64,
) -> Result<(), ApiError> {
    let idle = "SELECT v.id FROM visitors v WHERE v.user_id IS NULL AND v.identity_verified = 0 AND v.merged_into IS NULL \
         AND v.last_seen_at < ?1 \
         AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = v.id) \
         AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.visitor_id = v.id) \
         ORDER BY v.last_seen_at, v.id LIMIT ?2";
    let mut stmts = Vec::new();
    for table in [
        "widget_sessions",
        "events",
        "event_counters",
        "event_totals",
        "impressions",
        "tour_progress",
        "survey_responses",
        "checklist_progress",
        "article_feedback",
    ] {
        stmts.push(stmt(
            db,
            &format!("DELETE FROM {table} WHERE visitor_id IN ({idle})"),
            &[n(idle_before), n(per_run)],
        )?);
    }
    stmts.push(stmt(
        db,
        &format!("DELETE FROM visitors WHERE id IN ({idle})"),
        &[n(idle_before), n(per_run)],
    )?);
    batch(db, stmts).await?;
    // Its own statement, bounded like the visitors: a first run over a large table neither
    // exceeds D1's limits nor takes the visitor deletion down with it.
    run(
        db,
        "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < ?1 LIMIT ?2)",
        &[n(events_before), n(per_run * 20)],
    )
    .await
}

/// Closes open conversations idle (no message) for longer than their workspace's
/// `automation.autoCloseAfterHours`; workspaces without the setting are left alone.
pub async fn auto_close_conversations(db: &D1Database, now: i64) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE conversations SET status = 'closed', closed_at = ?1, updated_at = ?1 \
         WHERE status = 'open' AND id IN (SELECT c.id FROM conversations c JOIN workspaces w ON w.id = c.workspace_id \
           WHERE c.status = 'open' AND json_extract(w.automation, '$.autoCloseAfterHours') IS NOT NULL \
           AND COALESCE(c.last_message_at, c.created_at) < ?1 - json_extract(w.automation, '$.autoCloseAfterHours') * 3600000)",
        &[n(now)],
    )
    .await
}

/// Live-socket tickets past their expiry (unused ones: a used ticket is deleted at once).
pub async fn delete_expired_tickets(db: &D1Database, now: i64) -> Result<(), ApiError> {
    run(
        db,
        "DELETE FROM live_tickets WHERE expires_at < ?1",
        &[n(now)],
    )
    .await
}

/// `SELECT 1`: the deep health check, and the bench's cost of one D1 round trip.
pub async fn ping(db: &D1Database) -> Result<(), ApiError> {
    #[derive(serde::Deserialize)]
    struct One {
        #[allow(dead_code)]
        one: i64,
    }
    super::first::<One>(db, "SELECT 1 AS one", &[])
        .await?
        .map(drop)
        .ok_or_else(|| crate::internal("SELECT 1 returned nothing"))
}
