//! What a visitor does with tours, surveys and checklists, checked on the server against the
//! item (state machine, step bounds and pages, answers, task kinds): `POST
//! /v1/tours/{id}/progress`, `POST /v1/surveys/{id}/responses`, `POST
//! /v1/checklists/{id}/tasks/{taskId}`; and the owner's side, `GET
//! /admin/v1/surveys/{id}/results`. The visitor is always the token's; an item must be live in
//! the token's workspace.

use std::collections::HashMap;

use porchlight_shared::attributes;
use porchlight_shared::experiences::{
    apply_answers, apply_tour_action, survey_results, Answer, ChecklistContent, SurveyContent,
    TourAction, TourContent, TourProgress, TourState,
};
use porchlight_shared::targeting::frequency::{Frequency, Mode};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use worker::{D1Database, D1PreparedStatement, Response};

use super::eligible::deliverable;
use super::items::{self, Family, ItemRow};
use crate::auth;
use crate::db::{self, n, opt, s};
use crate::http::{self, Ctx};

fn stored<T: serde::de::DeserializeOwned>(row: &ItemRow) -> Result<T, ApiError> {
    serde_json::from_str(&row.content).map_err(crate::internal)
}

fn impression(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    kind: &str,
    content_id: &str,
    action: &str,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    db::stmt(
        db,
        "INSERT INTO impressions (workspace_id, visitor_id, kind, content_id, action, browsing_session, at) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)",
        &[s(ws), s(visitor), s(kind), s(content_id), s(action), n(now)],
    )
}

// ---------------------------------------------------------------------------------------------
// Tours

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TourBody {
    action: TourAction,
    step: Option<u32>,
    url: Option<String>,
}

pub async fn tour(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: TourBody = ctx.json().await?;
    if b.url
        .as_deref()
        .is_some_and(|u| u.chars().count() > porchlight_shared::types::MAX_URL_LEN)
    {
        return Err(ApiError::invalid("/url", "at most 2048 characters"));
    }
    let db = ctx.db()?;
    let (ws, vid) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let item = deliverable(&db, &a, id, Family::Tours, ctx.now).await?;
    let content: TourContent = stored(&item)?;
    let prev = db::first::<TourProgressRow>(
        &db,
        &format!(
            "SELECT {TOUR_PROGRESS_COLS} FROM tour_progress WHERE visitor_id = ?1 AND tour_id = ?2"
        ),
        &[s(vid), s(id)],
    )
    .await?
    .and_then(|r| r.progress());
    let next = apply_tour_action(
        &content,
        prev.as_ref(),
        b.action,
        b.step,
        b.url.as_deref(),
        ctx.now,
    )?;
    let mut stmts = vec![db::stmt(
        &db,
        "INSERT INTO tour_progress (visitor_id, tour_id, workspace_id, state, step, checkpoint, snoozed_until, started_at, completed_at, dismissed_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (visitor_id, tour_id) DO UPDATE SET state = excluded.state, step = excluded.step, checkpoint = excluded.checkpoint, \
         snoozed_until = excluded.snoozed_until, started_at = excluded.started_at, completed_at = excluded.completed_at, dismissed_at = excluded.dismissed_at, updated_at = excluded.updated_at",
        &[s(vid), s(id), s(ws), s(next.state.as_str()), n(next.step as i64), opt(next.checkpoint.as_deref()),
          next.snoozed_until.map_or(wasm_bindgen::JsValue::NULL, n), n(next.started_at),
          next.completed_at.map_or(wasm_bindgen::JsValue::NULL, n), next.dismissed_at.map_or(wasm_bindgen::JsValue::NULL, n), n(ctx.now)],
    )?];
    // Impressions feed frequency: a new run is "shown"; the ends are "completed"/"dismissed".
    let was_running = prev
        .as_ref()
        .is_some_and(|p| p.state == TourState::InProgress);
    let action = match b.action {
        TourAction::Start | TourAction::Restart if !was_running => Some("shown"),
        TourAction::Complete => Some("completed"),
        TourAction::Dismiss => Some("dismissed"),
        _ => None,
    };
    if let Some(act) = action {
        stmts.push(impression(&db, ws, vid, "tour", id, act, ctx.now)?);
    }
    db::batch(&db, stmts).await?;
    http::json(200, &json!({"tourId": id, "progress": next}))
}

// ---------------------------------------------------------------------------------------------
// Surveys

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResponseBody {
    answers: Vec<Answer>,
    #[serde(default)]
    complete: bool,
}

#[derive(Deserialize)]
struct OpenResponse {
    id: String,
    answers: String,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// Frequencies under which a completed survey is not answered again.
fn answers_once(f: &Frequency) -> bool {
    matches!(
        f.mode,
        Mode::Once | Mode::UntilCompleted | Mode::FirstTimeOnly
    )
}

pub async fn respond(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: ResponseBody = ctx.json().await?;
    let db = ctx.db()?;
    let (ws, vid) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let item = deliverable(&db, &a, id, Family::Surveys, ctx.now).await?;
    let survey: SurveyContent = stored(&item)?;
    let open = db::first::<OpenResponse>(
        &db,
        "SELECT id, answers FROM survey_responses WHERE visitor_id = ?1 AND survey_id = ?2 AND complete = 0",
        &[s(vid), s(id)],
    )
    .await?;
    if open.is_none() {
        let frequency =
            Frequency::parse(&items::parse_json(&item.frequency), "/frequency").unwrap_or_default();
        let done = db::first::<Count>(
            &db,
            "SELECT COUNT(*) AS n FROM survey_responses WHERE visitor_id = ?1 AND survey_id = ?2 AND complete = 1",
            &[s(vid), s(id)],
        )
        .await?
        .map_or(0, |c| c.n);
        if done > 0 && answers_once(&frequency) {
            return Err(ApiError::new(
                ErrorCode::AlreadyExists,
                "this survey is already answered",
            ));
        }
    }
    // Unreadable stored answers are an error: replaced by `{}` they would be written back and
    // the visitor's earlier answers lost.
    let mut answers: Map<String, Value> = match &open {
        Some(o) => serde_json::from_str(&o.answers).map_err(crate::internal)?,
        None => Map::new(),
    };
    apply_answers(&survey, &mut answers, &b.answers, b.complete)?;
    let response_id = match &open {
        Some(o) => o.id.clone(),
        None => crate::rand::id::<8>("rsp_")?,
    };
    let answers_json = Value::Object(answers.clone()).to_string();
    let completed_at = if b.complete {
        n(ctx.now)
    } else {
        wasm_bindgen::JsValue::NULL
    };
    let mut stmts = vec![db::stmt(
        &db,
        "INSERT INTO survey_responses (id, workspace_id, survey_id, visitor_id, answers, complete, created_at, updated_at, completed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8) \
         ON CONFLICT (id) DO UPDATE SET answers = excluded.answers, complete = excluded.complete, updated_at = excluded.updated_at, completed_at = excluded.completed_at \
         ON CONFLICT (visitor_id, survey_id) WHERE complete = 0 DO UPDATE SET answers = json_patch(answers, excluded.answers), complete = excluded.complete, updated_at = excluded.updated_at, completed_at = excluded.completed_at",
        &[s(&response_id), s(ws), s(id), s(vid), s(&answers_json), n(b.complete as i64), n(ctx.now), completed_at],
    )?];
    if b.complete {
        stmts.push(impression(
            &db,
            ws,
            vid,
            "survey",
            id,
            "completed",
            ctx.now,
        )?);
    }
    // "Store as attribute": the answers sent now are copied into the visitor's attributes.
    let stores: Map<String, Value> = b
        .answers
        .iter()
        .filter_map(|ans| {
            let key = survey
                .question(&ans.question_id)?
                .store_as_attribute
                .clone()?;
            Some((key, ans.value.clone()))
        })
        .collect();
    if !stores.is_empty() {
        if let Some(visitor) = db::visitor_by_id(&db, ws, vid).await? {
            let mut attrs = visitor.attributes()?;
            // What the site's server signed (a userJwt's attributes), an answer may not
            // change: refused, pointing at the answer, and nothing is stored.
            let signed = visitor.signed_keys()?;
            for (i, ans) in b.answers.iter().enumerate() {
                let Some(key) = survey
                    .question(&ans.question_id)
                    .and_then(|q| q.store_as_attribute.clone())
                else {
                    continue;
                };
                let one = Map::from_iter([(key, ans.value.clone())]);
                attributes::refuse_signed(&signed, &attrs, &one, "/answers")
                    .map_err(|e| e.at(format!("/answers/{i}/value")))?;
            }
            // A full attribute map keeps the answer in the response only.
            // Written only over what was read (an identify landing in between — a new signed
            // JWT — is not reverted; the answer itself is stored either way).
            if attributes::merge(&mut attrs, &stores, "/answers").is_ok() {
                stmts.push(db::stmt(
                    &db,
                    "UPDATE visitors SET attributes = ?2 WHERE id = ?1 AND attributes = ?3",
                    &[
                        s(vid),
                        s(&Value::Object(attrs).to_string()),
                        s(&visitor.attributes),
                    ],
                )?);
            }
        }
    }
    db::batch(&db, stmts).await?;
    http::json(
        200,
        &json!({"response": {"id": response_id, "surveyId": id, "answers": answers, "complete": b.complete}}),
    )
}

#[derive(Deserialize)]
struct ResponseRow {
    answers: String,
    complete: i64,
}

pub async fn results(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    let item = items::row_in(&db, &ws.id, id, Family::Surveys).await?;
    let survey: SurveyContent = stored(&item)?;
    let rows = db::all::<ResponseRow>(db::stmt(
        &db,
        "SELECT answers, complete FROM survey_responses WHERE workspace_id = ?1 AND survey_id = ?2 ORDER BY created_at, id",
        &[s(&ws.id), s(id)],
    )?)
    .await?;
    let responses: Vec<(Map<String, Value>, bool)> = rows
        .into_iter()
        .map(|r| {
            (
                serde_json::from_str(&r.answers).unwrap_or_default(),
                r.complete != 0,
            )
        })
        .collect();
    let mut out = survey_results(&survey, &responses);
    if let Some(o) = out.as_object_mut() {
        o.insert("surveyId".into(), json!(id));
    }
    http::json(200, &out)
}

// ---------------------------------------------------------------------------------------------
// Checklists

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TaskBody {
    done: bool,
}

#[derive(Deserialize)]
pub struct TickedRow {
    pub checklist_id: String,
    pub task_id: String,
}

/// Each task's state: manual ones from what the visitor ticked, the others from event totals
/// and attributes.
pub fn task_states(
    c: &ChecklistContent,
    ticked: &[&str],
    totals: &HashMap<String, i64>,
    attrs: &Map<String, Value>,
) -> Vec<(String, bool)> {
    c.tasks
        .iter()
        .map(|t| {
            let done = t
                .auto_done(|name| totals.get(name).copied().unwrap_or(0), attrs)
                .unwrap_or_else(|| ticked.contains(&t.id.as_str()));
            (t.id.clone(), done)
        })
        .collect()
}

#[derive(Deserialize)]
struct TotalRow {
    name: String,
    count: i64,
}

pub async fn task(ctx: &mut Ctx, id: &str, task_id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: TaskBody = ctx.json().await?;
    let db = ctx.db()?;
    let (ws, vid) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let item = deliverable(&db, &a, id, Family::Checklists, ctx.now).await?;
    let content: ChecklistContent = stored(&item)?;
    let Some(task) = content.task(task_id) else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "no such task in this checklist",
        ));
    };
    if task.completion != Default::default() {
        return Err(ApiError::invalid(
            "/done",
            "this task completes by itself (an event or an attribute), not by a tick",
        ));
    }
    let both = [s(vid), s(id), s(task_id)];
    let write = if b.done {
        db::stmt(&db, "INSERT INTO checklist_progress (visitor_id, checklist_id, task_id, workspace_id, done_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                 &[s(vid), s(id), s(task_id), s(ws), n(ctx.now)])?
    } else {
        db::stmt(
            &db,
            "DELETE FROM checklist_progress WHERE visitor_id = ?1 AND checklist_id = ?2 AND task_id = ?3",
            &both,
        )?
    };
    db::batch(&db, vec![write]).await?;
    // The checklist's state after the tick.
    let mut reads = db
        .batch(vec![
            db::stmt(&db, "SELECT checklist_id, task_id FROM checklist_progress WHERE visitor_id = ?1 AND checklist_id = ?2", &[s(vid), s(id)])?,
            db::stmt(&db, "SELECT name, count FROM event_totals WHERE visitor_id = ?1", &[s(vid)])?,
            db::stmt(&db, "SELECT COUNT(*) AS n FROM impressions WHERE visitor_id = ?1 AND content_id = ?2 AND action = 'completed'", &[s(vid), s(id)])?,
        ])
        .await
        .map_err(crate::internal)?
        .into_iter();
    let mut next = || reads.next().ok_or_else(|| crate::internal("short batch"));
    let ticked: Vec<TickedRow> = next()?.results().map_err(crate::internal)?;
    let totals: HashMap<String, i64> = next()?
        .results::<TotalRow>()
        .map_err(crate::internal)?
        .into_iter()
        .map(|t| (t.name, t.count))
        .collect();
    let already = next()?
        .results::<Count>()
        .map_err(crate::internal)?
        .first()
        .map_or(0, |c| c.n);
    let attrs = db::visitor_by_id(&db, ws, vid)
        .await?
        .map(|v| v.attributes())
        .transpose()?
        .unwrap_or_default();
    let ticked_ids: Vec<&str> = ticked.iter().map(|t| t.task_id.as_str()).collect();
    let states = task_states(&content, &ticked_ids, &totals, &attrs);
    let completed = states.iter().all(|(_, d)| *d);
    if completed && already == 0 {
        db::batch(
            &db,
            vec![impression(
                &db,
                ws,
                vid,
                "checklist",
                id,
                "completed",
                ctx.now,
            )?],
        )
        .await?;
    }
    http::json(
        200,
        &json!({"checklistId": id, "tasks": states.iter().map(|(t, d)| json!({"id": t, "done": d})).collect::<Vec<_>>(), "completed": completed}),
    )
}
