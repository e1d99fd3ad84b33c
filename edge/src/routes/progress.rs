//! What a visitor does with tours, surveys and checklists, checked on the server against the
//! item (state machine, step bounds and pages, answers, task kinds): `POST
//! /v1/tours/{id}/progress`, `POST /v1/surveys/{id}/responses`, `POST
//! /v1/checklists/{id}/tasks/{taskId}`; and the owner's side, `GET
//! /admin/v1/surveys/{id}/results`. The visitor is always the token's; an item must be live in
//! the token's workspace.

use std::collections::HashMap;

use porchlight_shared::attributes;
use porchlight_shared::experiences::{
    apply_answers, apply_tour_action, path_taken, survey_results, Answer, ChecklistContent,
    SurveyContent, TourAction, TourContent, TourState,
};
use porchlight_shared::targeting::frequency::{Frequency, Mode};
use porchlight_shared::vocab::ImpressionAction;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use worker::Response;

use super::eligible::deliverable;
use super::items::{self, Family, ItemRow};
use crate::auth;
use crate::db;
use crate::http::{self, Ctx};

fn stored<T: serde::de::DeserializeOwned>(row: &ItemRow) -> Result<T, ApiError> {
    serde_json::from_str(&row.content).map_err(crate::internal)
}

// ---------------------------------------------------------------------------------------------
// Tours

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TourBody {
    action: TourAction,
    step: Option<u32>,
    /// An advance: the step the visitor leaves. Refused when the run is elsewhere (a tab
    /// that fell behind, or a repeat after a newer action landed).
    from: Option<u32>,
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
    let prev = db::tour_progress(&db, vid, id).await?;
    if b.from.is_some() && b.action != TourAction::Advance {
        return Err(ApiError::invalid("/from", "only advance takes a from"));
    }
    let last = content.steps.len().saturating_sub(1) as u32;
    let at = prev.as_ref().map(|p| porchlight_shared::experiences::Run {
        state: p.state,
        step: p.step.min(last),
    });
    if porchlight_shared::experiences::stale_advance(at, b.from) {
        return Err(ApiError::invalid(
            "/from",
            "the visitor has left that step (another tab, or an older request)",
        ));
    }
    let next = apply_tour_action(
        &content,
        prev.as_ref(),
        b.action,
        b.step,
        b.url.as_deref(),
        ctx.now,
    )?;
    let mut batch = db::Batch::new();
    batch.write(db::save_tour_progress(&db, ws, vid, id, &next, ctx.now)?);
    // Impressions feed frequency: a new run is "shown"; the ends are "completed"/"dismissed".
    // A retried request writes none: start or restart of a running tour is not a new run, and
    // a repeated complete or dismiss was refused above.
    let was_running = prev
        .as_ref()
        .is_some_and(|p| p.state == TourState::InProgress);
    let action = match b.action {
        TourAction::Start | TourAction::Restart if !was_running => Some(ImpressionAction::Shown),
        TourAction::Complete => Some(ImpressionAction::Completed),
        TourAction::Dismiss => Some(ImpressionAction::Dismissed),
        _ => None,
    };
    if let Some(act) = action {
        batch.write(db::impression_statement(
            &db,
            ws,
            vid,
            Family::Tours,
            id,
            act,
            ctx.now,
        )?);
    }
    batch.run(&db).await?;
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
    let (open, done) = db::survey_state(&db, vid, id).await?;
    if open.is_none() {
        let frequency =
            Frequency::parse(&items::parse_json(&item.frequency), "/frequency").unwrap_or_default();
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
    let mut batch = db::Batch::new();
    batch.write(db::save_response(
        &db,
        ws,
        id,
        vid,
        &response_id,
        &answers_json,
        b.complete,
        ctx.now,
    )?);
    if b.complete {
        batch.write(db::impression_statement(
            &db,
            ws,
            vid,
            Family::Surveys,
            id,
            ImpressionAction::Completed,
            ctx.now,
        )?);
    }
    // "Store as attribute": the answers sent now are copied into the visitor's attributes —
    // those on the path taken only: an answer the path jumps over (dropped from the response)
    // or past the question it stopped at (undecided yet) changes no attribute.
    let path = path_taken(&survey, &answers);
    let on_path = |ans: &Answer| {
        survey
            .questions
            .iter()
            .position(|q| q.id == ans.question_id)
            .is_some_and(|i| path.contains(&i))
    };
    let stores: Map<String, Value> = b
        .answers
        .iter()
        .filter(|ans| on_path(ans))
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
                if !on_path(ans) {
                    continue;
                }
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
                batch.write(db::replace_attributes_if_unchanged(
                    &db,
                    vid,
                    &Value::Object(attrs).to_string(),
                    &visitor.attributes,
                )?);
            }
        }
    }
    batch.run(&db).await?;
    http::json(
        200,
        &json!({"response": {"id": response_id, "surveyId": id, "answers": answers, "complete": b.complete}}),
    )
}

pub async fn results(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    let item = items::row_in(&db, &ws.id, id, Family::Surveys).await?;
    let survey: SurveyContent = stored(&item)?;
    let rows = db::survey_responses(&db, &ws.id, id).await?;
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
    // The tick and the checklist's state after it, in one round trip.
    let tick = db::tick_task(&db, ws, vid, id, task_id, b.done, ctx.now)?;
    let facts = db::checklist_facts(&db, ws, vid, id, tick).await?;
    let attrs: Map<String, Value> = match &facts.attributes {
        Some(a) => serde_json::from_str(a).map_err(crate::internal)?,
        None => Map::new(),
    };
    let ticked: Vec<&str> = facts.ticked.iter().map(String::as_str).collect();
    let totals: HashMap<&str, i64> = facts
        .totals
        .iter()
        .map(|t| (t.name.as_str(), t.count))
        .collect();
    let states = content.task_states(
        &ticked,
        |name| totals.get(name).copied().unwrap_or(0),
        &attrs,
    );
    let completed = states.iter().all(|(_, d)| *d);
    if completed && !facts.already_completed {
        db::impression_statement(
            &db,
            ws,
            vid,
            Family::Checklists,
            id,
            ImpressionAction::Completed,
            ctx.now,
        )?
        .run()
        .await
        .map_err(crate::internal)?;
    }
    http::json(
        200,
        &json!({"checklistId": id, "tasks": states.iter().map(|(t, d)| json!({"id": t, "done": d})).collect::<Vec<_>>(), "completed": completed}),
    )
}
