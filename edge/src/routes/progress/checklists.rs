//! `POST /v1/checklists/{id}/tasks/{taskId}`: a tick (manual tasks only), and the checklist's
//! task states after it (decided in `shared`).

use std::collections::HashMap;

use porchlight_shared::experiences::ChecklistContent;
use porchlight_shared::vocab::ImpressionAction;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use worker::Response;

use super::stored;
use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::routes::eligible::deliverable;
use crate::routes::items::Family;

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
            None,
            ctx.now,
        )?
        .run()
        .await
        .map_err(crate::internal)?;
    }
    // The visitor's other tabs with Tasks open show the tick (after the answer, `waitUntil`).
    crate::hub::notify(ctx, ws, Some(vid), false, json!({"type": "checklists"}));
    http::json(
        200,
        &json!({"checklistId": id, "tasks": states.iter().map(|(t, d)| json!({"id": t, "done": d})).collect::<Vec<_>>(), "completed": completed}),
    )
}
