//! What visitors did with items: `tour_progress`, `survey_responses`, `checklist_progress` and
//! `impressions` (shown / clicked / dismissed / completed, which frequency reads back).

use porchlight_shared::experiences::{TourProgress, TourState};
use porchlight_shared::insights::Range;
use porchlight_shared::vocab::{Family, ImpressionAction};
use porchlight_shared::ApiError;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{first, n, opt, s, stmt, Batch};

/// One impression of `content_id` by `visitor`, to put in a caller's batch; one with a
/// `client_id` is recorded once.
#[allow(clippy::too_many_arguments)]
pub fn impression_statement(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    family: Family,
    content_id: &str,
    action: ImpressionAction,
    client_id: Option<&str>,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO impressions (workspace_id, visitor_id, kind, content_id, action, browsing_session, at, client_id) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7) \
         ON CONFLICT (visitor_id, client_id) WHERE client_id IS NOT NULL DO NOTHING",
        &[s(ws), s(visitor), s(family.as_str()), s(content_id), s(action.as_str()), n(now), opt(client_id)],
    )
}

#[derive(Deserialize, Clone)]
pub struct TourProgressRow {
    pub tour_id: String,
    pub state: String,
    pub step: i64,
    pub checkpoint: Option<String>,
    pub snoozed_until: Option<i64>,
    pub started_at: i64,
    pub completed_at: Option<i64>,
    pub dismissed_at: Option<i64>,
}

impl TourProgressRow {
    pub fn progress(&self) -> Option<TourProgress> {
        Some(TourProgress {
            state: TourState::parse(&self.state)?,
            step: u32::try_from(self.step).ok()?,
            checkpoint: self.checkpoint.clone(),
            snoozed_until: self.snoozed_until,
            started_at: self.started_at,
            completed_at: self.completed_at,
            dismissed_at: self.dismissed_at,
        })
    }
}

pub const TOUR_PROGRESS_COLS: &str =
    "tour_id, state, step, checkpoint, snoozed_until, started_at, completed_at, dismissed_at";

/// The visitor's progress on one tour, if they started it.
pub async fn tour_progress(
    db: &D1Database,
    visitor: &str,
    tour: &str,
) -> Result<Option<TourProgress>, ApiError> {
    Ok(first::<TourProgressRow>(
        db,
        &format!(
            "SELECT {TOUR_PROGRESS_COLS} FROM tour_progress WHERE visitor_id = ?1 AND tour_id = ?2"
        ),
        &[s(visitor), s(tour)],
    )
    .await?
    .and_then(|r| r.progress()))
}

fn nullable(v: Option<i64>) -> JsValue {
    v.map_or(JsValue::NULL, n)
}

/// Stores the visitor's progress on a tour (insert or replace).
pub fn save_tour_progress(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    tour: &str,
    p: &TourProgress,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO tour_progress (visitor_id, tour_id, workspace_id, state, step, checkpoint, snoozed_until, started_at, completed_at, dismissed_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (visitor_id, tour_id) DO UPDATE SET state = excluded.state, step = excluded.step, checkpoint = excluded.checkpoint, \
         snoozed_until = excluded.snoozed_until, started_at = excluded.started_at, completed_at = excluded.completed_at, dismissed_at = excluded.dismissed_at, updated_at = excluded.updated_at",
        &[s(visitor), s(tour), s(ws), s(p.state.as_str()), n(p.step as i64), opt(p.checkpoint.as_deref()),
          nullable(p.snoozed_until), n(p.started_at), nullable(p.completed_at), nullable(p.dismissed_at), n(now)],
    )
}

/// One of a visitor's responses to a survey.
#[derive(Deserialize)]
pub struct ResponseState {
    pub id: String,
    pub answers: String,
    pub complete: i64,
    pub client_id: Option<String>,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// What a visitor's answers to a survey land on, in one round trip: (the response carrying
/// the sender's client id `cid`, open or complete; the open response; how many they completed).
pub async fn survey_state(
    db: &D1Database,
    visitor: &str,
    survey: &str,
    cid: Option<&str>,
) -> Result<(Option<ResponseState>, Option<ResponseState>, i64), ApiError> {
    const COLS: &str = "SELECT id, answers, complete, client_id FROM survey_responses WHERE visitor_id = ?1 AND survey_id = ?2";
    let both = [s(visitor), s(survey)];
    let mut batch = Batch::new();
    let mine = batch.read::<ResponseState>(stmt(
        db,
        &format!("{COLS} AND client_id = ?3"),
        &[s(visitor), s(survey), opt(cid)],
    )?);
    let open = batch.read::<ResponseState>(stmt(db, &format!("{COLS} AND complete = 0"), &both)?);
    let done = batch.read::<Count>(stmt(
        db,
        "SELECT COUNT(*) AS n FROM survey_responses WHERE visitor_id = ?1 AND survey_id = ?2 AND complete = 1",
        &both,
    )?);
    let mut results = batch.run(db).await?;
    Ok((
        results.first(mine)?,
        results.first(open)?,
        results.first(done)?.map_or(0, |c| c.n),
    ))
}

/// A response as it now stands. Another tab's open response to the same survey (the unique
/// open response per visitor and survey) takes the answers in, so nothing is lost; a response
/// that already holds the sender's client id (a retry racing this one) takes them in while
/// open and is left alone once complete. An open response takes the sender's client id: the
/// latest showing owns it (one dismissed half-way and shown again, or saved before responses
/// carried one), so that showing's retries land on it.
pub struct SavedResponse<'a> {
    pub ws: &'a str,
    pub survey: &'a str,
    pub visitor: &'a str,
    pub id: &'a str,
    pub client_id: Option<&'a str>,
    pub answers_json: &'a str,
    pub complete: bool,
}

pub fn save_response(
    db: &D1Database,
    r: &SavedResponse,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    const MERGE: &str = "answers = json_patch(answers, excluded.answers), complete = excluded.complete, updated_at = excluded.updated_at, completed_at = excluded.completed_at";
    stmt(
        db,
        &format!("INSERT INTO survey_responses (id, workspace_id, survey_id, visitor_id, answers, complete, created_at, updated_at, completed_at, client_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9) \
         ON CONFLICT (id) DO UPDATE SET answers = excluded.answers, complete = excluded.complete, updated_at = excluded.updated_at, completed_at = excluded.completed_at, client_id = COALESCE(excluded.client_id, client_id) \
         ON CONFLICT (visitor_id, survey_id) WHERE complete = 0 DO UPDATE SET {MERGE}, client_id = COALESCE(excluded.client_id, client_id) \
         ON CONFLICT (visitor_id, survey_id, client_id) WHERE client_id IS NOT NULL DO UPDATE SET {MERGE} WHERE complete = 0"),
        &[s(r.id), s(r.ws), s(r.survey), s(r.visitor), s(r.answers_json), n(r.complete as i64), n(now), nullable(r.complete.then_some(now)), opt(r.client_id)],
    )
}

/// Replaces a visitor's attributes, only if they are still `read` (an identify landing in
/// between — a newly signed JWT — is not reverted).
pub fn replace_attributes_if_unchanged(
    db: &D1Database,
    visitor: &str,
    attributes: &str,
    read: &str,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "UPDATE visitors SET attributes = ?2 WHERE id = ?1 AND attributes = ?3",
        &[s(visitor), s(attributes), s(read)],
    )
}

#[derive(Deserialize)]
pub struct ResponseRow {
    pub answers: String,
    pub complete: i64,
}

/// The responses to a survey last answered in `range` (`updated_at`: a response counts on the
/// day of its latest answer), oldest first, read through `survey_responses_updated` (0023).
pub async fn survey_responses(
    db: &D1Database,
    ws: &str,
    survey: &str,
    range: Range,
) -> Result<Vec<ResponseRow>, ApiError> {
    super::all::<ResponseRow>(stmt(
        db,
        "SELECT answers, complete FROM survey_responses WHERE workspace_id = ?1 AND survey_id = ?2 \
         AND updated_at >= ?3 AND updated_at < ?4 ORDER BY created_at, id",
        &[s(ws), s(survey), n(range.start_ms()), n(range.end_ms())],
    )?)
    .await
}

#[derive(Deserialize)]
pub struct TickedRow {
    pub checklist_id: String,
    pub task_id: String,
}

/// Ticks (or unticks) a manual task; ticking twice keeps the first time. For
/// [`checklist_facts`], which runs it before its reads.
pub fn tick_task(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    checklist: &str,
    task: &str,
    done: bool,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    if done {
        stmt(db, "INSERT INTO checklist_progress (visitor_id, checklist_id, task_id, workspace_id, done_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
             &[s(visitor), s(checklist), s(task), s(ws), n(now)])
    } else {
        stmt(
            db,
            "DELETE FROM checklist_progress WHERE visitor_id = ?1 AND checklist_id = ?2 AND task_id = ?3",
            &[s(visitor), s(checklist), s(task)],
        )
    }
}

/// What a checklist's state is computed from, for one visitor (after `first`, a write in the
/// same round trip): the tasks they ticked, their
/// event totals and attributes, and whether the checklist was already recorded as completed.
pub struct ChecklistFacts {
    pub ticked: Vec<String>,
    pub totals: Vec<super::TotalRow>,
    pub attributes: Option<String>,
    pub already_completed: bool,
}

pub async fn checklist_facts(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    checklist: &str,
    first: D1PreparedStatement,
) -> Result<ChecklistFacts, ApiError> {
    #[derive(Deserialize)]
    struct Attributes {
        attributes: String,
    }
    let mut batch = Batch::new();
    batch.write(first);
    let ticked = batch.read::<TickedRow>(stmt(db, "SELECT checklist_id, task_id FROM checklist_progress WHERE visitor_id = ?1 AND checklist_id = ?2", &[s(visitor), s(checklist)])?);
    let totals = batch.read::<super::TotalRow>(stmt(
        db,
        "SELECT name, count FROM event_totals WHERE visitor_id = ?1",
        &[s(visitor)],
    )?);
    let done = batch.read::<Count>(stmt(db, "SELECT COUNT(*) AS n FROM impressions WHERE visitor_id = ?1 AND content_id = ?2 AND action = 'completed'", &[s(visitor), s(checklist)])?);
    let attrs = batch.read::<Attributes>(stmt(
        db,
        "SELECT attributes FROM visitors WHERE workspace_id = ?1 AND id = ?2 AND merged_into IS NULL",
        &[s(ws), s(visitor)],
    )?);
    let mut results = batch.run(db).await?;
    Ok(ChecklistFacts {
        ticked: results
            .rows(ticked)?
            .into_iter()
            .map(|t| t.task_id)
            .collect(),
        totals: results.rows(totals)?,
        already_completed: results.first(done)?.is_some_and(|c| c.n > 0),
        attributes: results.first(attrs)?.map(|a| a.attributes),
    })
}
