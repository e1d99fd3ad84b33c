//! `POST /v1/tours/{id}/progress`: a tour's run, checked against the tour (state machine, step
//! bounds and pages); its starts and ends are impressions.

use porchlight_shared::experiences::{apply_tour_action, TourAction, TourContent, TourState};
use porchlight_shared::vocab::ImpressionAction;
use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use super::stored;
use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::routes::eligible::active_item;
use crate::routes::items::Family;

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
    let (item, admitted, resolvable) = active_item(&db, &a, id, Family::Tours, ctx.now).await?;
    let prev = db::tour_progress(&db, vid, id).await?;
    let was_running = prev
        .as_ref()
        .is_some_and(|p| p.state == TourState::InProgress);
    // A run under way goes on to its end even when the audience no longer admits the visitor
    // (its own steps may have changed what the audience reads; `/v1/eligible` resumes it the
    // same way) — never past an audience that no longer resolves (a deleted segment). A new
    // run — a start or a restart — needs the audience, as for an id that does not exist.
    let goes_on = was_running && resolvable && b.action != TourAction::Restart;
    if !admitted && !goes_on {
        return Err(crate::routes::items::not_found(Family::Tours));
    }
    let content: TourContent = stored(&item)?;
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
            None,
            ctx.now,
        )?);
    }
    batch.run(&db).await?;
    http::json(200, &json!({"tourId": id, "progress": next}))
}
