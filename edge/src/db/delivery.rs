//! What a visitor did with delivered items, as `/v1/eligible` reads it (impressions, open
//! survey responses, checklist ticks, tour progress) and as `/v1/impressions` writes it.

use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::D1Database;

use super::progress::{TickedRow, TourProgressRow, TOUR_PROGRESS_COLS};
use super::{n, opt, s, stmt, Batch, Rows};

#[derive(Deserialize)]
pub struct ImpressionRow {
    pub kind: String,
    pub content_id: String,
    pub action: String,
    pub browsing_session: Option<String>,
    pub at: i64,
}

#[derive(Deserialize)]
pub struct OpenResponseRow {
    pub survey_id: String,
    pub answers: String,
    pub client_id: Option<String>,
}

/// Every impression of a visitor.
pub fn impressions(
    batch: &mut Batch,
    db: &D1Database,
    visitor: &str,
) -> Result<Rows<ImpressionRow>, ApiError> {
    Ok(batch.read(stmt(
        db,
        "SELECT kind, content_id, action, browsing_session, at FROM impressions WHERE visitor_id = ?1",
        &[s(visitor)],
    )?))
}

/// A visitor's survey responses still open.
pub fn open_responses(
    batch: &mut Batch,
    db: &D1Database,
    visitor: &str,
) -> Result<Rows<OpenResponseRow>, ApiError> {
    Ok(batch.read(stmt(
        db,
        "SELECT survey_id, answers, client_id FROM survey_responses WHERE visitor_id = ?1 AND complete = 0",
        &[s(visitor)],
    )?))
}

/// Every checklist task a visitor ticked.
pub fn ticks(
    batch: &mut Batch,
    db: &D1Database,
    visitor: &str,
) -> Result<Rows<TickedRow>, ApiError> {
    Ok(batch.read(stmt(
        db,
        "SELECT checklist_id, task_id FROM checklist_progress WHERE visitor_id = ?1",
        &[s(visitor)],
    )?))
}

/// A visitor's progress in every tour.
pub fn tours_progress(
    batch: &mut Batch,
    db: &D1Database,
    visitor: &str,
) -> Result<Rows<TourProgressRow>, ApiError> {
    Ok(batch.read(stmt(
        db,
        &format!("SELECT {TOUR_PROGRESS_COLS} FROM tour_progress WHERE visitor_id = ?1"),
        &[s(visitor)],
    )?))
}

/// One impression (`shown`, `clicked`, `dismissed`, `completed`) of an item by a visitor.
pub struct NewImpression<'a> {
    pub workspace: &'a str,
    pub visitor: &'a str,
    pub kind: &'a str,
    pub content_id: &'a str,
    pub action: &'a str,
    pub browsing_session: Option<&'a str>,
    /// The sender's id: a second impression with it is not recorded.
    pub client_id: Option<&'a str>,
    pub at: i64,
}

pub async fn insert_impression(db: &D1Database, i: &NewImpression<'_>) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "INSERT INTO impressions (workspace_id, visitor_id, kind, content_id, action, browsing_session, at, client_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (visitor_id, client_id) WHERE client_id IS NOT NULL DO NOTHING",
        &[s(i.workspace), s(i.visitor), s(i.kind), s(i.content_id), s(i.action), opt(i.browsing_session), n(i.at), opt(i.client_id)],
    )?);
    batch.run(db).await?;
    Ok(())
}
