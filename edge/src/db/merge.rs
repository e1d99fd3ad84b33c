//! The verified merge: an anonymous visitor folded into the visitor a proof reached. Which
//! visitor that is, and whether a merge happens at all, is decided before (routes/session);
//! this module only writes it, inside the caller's batch (one transaction).

use porchlight_shared::ApiError;
use worker::D1Database;

use super::{n, s, stmt, Batch};

/// Tables keyed by visitor and item that a merge moves; where both visitors hold a row for
/// the same item, the statements before the move decide which one stands (see [`merge`]).
const MOVED_WITH_KEYS: [&str; 4] = [
    "tour_progress",
    "survey_responses",
    "checklist_progress",
    "article_feedback",
];

/// What the `visitor.merged` audit record counts, per kind: the rows of the merged visitor,
/// counted in the batch just before anything moves.
const COUNTS_JSON: &str = "json_object( \
    'sessions', (SELECT COUNT(*) FROM widget_sessions WHERE visitor_id = ?1), \
    'events', (SELECT COUNT(*) FROM events WHERE visitor_id = ?1), \
    'tickets', (SELECT COUNT(*) FROM tickets WHERE visitor_id = ?1), \
    'conversations', (SELECT COUNT(*) FROM conversations WHERE visitor_id = ?1), \
    'impressions', (SELECT COUNT(*) FROM impressions WHERE visitor_id = ?1), \
    'tourProgress', (SELECT COUNT(*) FROM tour_progress WHERE visitor_id = ?1), \
    'surveyResponses', (SELECT COUNT(*) FROM survey_responses WHERE visitor_id = ?1), \
    'checklistTasks', (SELECT COUNT(*) FROM checklist_progress WHERE visitor_id = ?1), \
    'articleFeedback', (SELECT COUNT(*) FROM article_feedback WHERE visitor_id = ?1))";

/// The `visitor.merged` audit record of folding `from` into `into`, its counts read in the
/// same transaction. Goes in the batch before anything of `from` is revoked or moved.
pub fn merge_audit(
    batch: &mut Batch,
    db: &D1Database,
    ws: &str,
    from: &str,
    into: &str,
    now: i64,
) -> Result<(), ApiError> {
    batch.write(stmt(
        db,
        &format!(
            "INSERT INTO audit_log (workspace_id, action, subject, detail, created_at) \
             SELECT ?3, 'visitor.merged', ?2, json_object('from', ?1, 'into', ?2, 'counts', {COUNTS_JSON}), ?4"
        ),
        &[s(from), s(into), s(ws), n(now)],
    )?);
    Ok(())
}

/// Moves everything of visitor `from` to `into` and retires `from` (its sessionId forgotten):
/// sessions, events (counters added up), tickets, impressions, conversations, and per-item
/// progress. Where both visitors hold a row for the same item, what the person did is kept:
/// - a tour: a completed one beats one that is not, otherwise the latest change (a dismissal
///   or a further step) stands;
/// - an open survey response: the answers are combined (the identified visitor's answer wins
///   for a question both answered);
/// - checklist ticks: every ticked task stays ticked (rows are per task);
/// - article feedback: the identified visitor's stands.
pub fn merge(batch: &mut Batch, db: &D1Database, from: &str, into: &str) -> Result<(), ApiError> {
    let both = [s(from), s(into)];
    let mut write = |sql: &str, args: &[wasm_bindgen::JsValue]| -> Result<(), ApiError> {
        batch.write(stmt(db, sql, args)?);
        Ok(())
    };
    write(
        "UPDATE visitors SET merged_into = ?2, session_id = NULL WHERE id = ?1",
        &both,
    )?;
    for table in ["widget_sessions", "tickets", "conversations"] {
        write(
            &format!("UPDATE {table} SET visitor_id = ?2 WHERE visitor_id = ?1"),
            &both,
        )?;
    }
    // An event or impression whose client id both visitors hold (sent again after the visitor
    // changed) stays with the merged visitor: ids are unique per visitor.
    for table in ["events", "impressions"] {
        write(
            &format!("UPDATE OR IGNORE {table} SET visitor_id = ?2 WHERE visitor_id = ?1"),
            &both,
        )?;
    }
    write(
        "INSERT INTO event_counters (visitor_id, name, day, count) SELECT ?2, name, day, count FROM event_counters WHERE visitor_id = ?1 \
         ON CONFLICT (visitor_id, name, day) DO UPDATE SET count = event_counters.count + excluded.count",
        &both,
    )?;
    write(
        "DELETE FROM event_counters WHERE visitor_id = ?1",
        &both[..1],
    )?;
    write(
        "INSERT INTO event_totals (visitor_id, workspace_id, name, count, first_at, last_at) SELECT ?2, workspace_id, name, count, first_at, last_at FROM event_totals WHERE visitor_id = ?1 \
         ON CONFLICT (visitor_id, name) DO UPDATE SET count = event_totals.count + excluded.count, first_at = min(event_totals.first_at, excluded.first_at), last_at = max(event_totals.last_at, excluded.last_at)",
        &both,
    )?;
    write("DELETE FROM event_totals WHERE visitor_id = ?1", &both[..1])?;
    write(
        "DELETE FROM tour_progress AS b WHERE b.visitor_id = ?2 AND EXISTS (SELECT 1 FROM tour_progress a \
         WHERE a.visitor_id = ?1 AND a.tour_id = b.tour_id AND b.state <> 'completed' \
         AND (a.state = 'completed' OR a.updated_at > b.updated_at))",
        &both,
    )?;
    write(
        "UPDATE survey_responses AS b SET answers = json_patch(a.answers, b.answers), updated_at = MAX(a.updated_at, b.updated_at) \
         FROM survey_responses a WHERE b.visitor_id = ?2 AND b.complete = 0 \
         AND a.visitor_id = ?1 AND a.survey_id = b.survey_id AND a.complete = 0",
        &both,
    )?;
    for table in MOVED_WITH_KEYS {
        write(
            &format!("UPDATE OR IGNORE {table} SET visitor_id = ?2 WHERE visitor_id = ?1"),
            &both,
        )?;
        write(
            &format!("DELETE FROM {table} WHERE visitor_id = ?1"),
            &both[..1],
        )?;
    }
    Ok(())
}
