//! `POST /v1/surveys/{id}/responses` (answers checked against the survey, "store as attribute"
//! on the path taken) and the owner's `GET /admin/v1/surveys/{id}/results` (the responses last
//! answered in a date range: `from` / `to` as the console's analytics take them).

use porchlight_shared::attributes;
use porchlight_shared::chat::check_client_id;
use porchlight_shared::experiences::{
    apply_answers, path_taken, survey_results, Answer, SurveyContent,
};
use porchlight_shared::insights::date_of;
use porchlight_shared::targeting::frequency::{Frequency, Mode};
use porchlight_shared::vocab::ImpressionAction;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use worker::Response;

use super::stored;
use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::routes::eligible::active_item;
use crate::routes::items::{self, Family};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResponseBody {
    answers: Vec<Answer>,
    #[serde(default)]
    complete: bool,
    /// The response's id as the widget made it when it showed the survey: every answer and
    /// the completion of one showing carry it, so a retry lands on the same response.
    #[serde(default)]
    client_id: Option<String>,
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
    let (item, admitted, resolvable) = active_item(&db, &a, id, Family::Surveys, ctx.now).await?;
    let survey: SurveyContent = stored(&item)?;
    let cid = b.client_id.as_deref();
    if let Some(c) = cid {
        check_client_id(c, "/clientId")?;
    }
    let (mine, open, done) = db::survey_state(&db, vid, id, cid).await?;
    // The response this client id names is complete: a retried `complete` whose answer was
    // lost, or a late answer from another tab. Answered as the first time — what is stored —
    // and nothing changes (a complete response is closed).
    if let Some(m) = mine.as_ref().filter(|m| m.complete != 0) {
        let answers: Value = serde_json::from_str(&m.answers).map_err(crate::internal)?;
        return reply(&m.id, id, &answers, true, m.client_id.as_deref());
    }
    let target = mine.or(open);
    // A response the visitor started while the audience admitted them goes on to the end even
    // if it no longer does: an answer stored as an attribute the audience reads (`role is not
    // set`, then the answer sets `role`) must not lose the rest. A new one needs the audience,
    // and an audience that no longer resolves (a deleted segment) stops both.
    if !admitted && (target.is_none() || !resolvable) {
        return Err(items::not_found(Family::Surveys));
    }
    if target.is_none() {
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
    let mut answers: Map<String, Value> = match &target {
        Some(o) => serde_json::from_str(&o.answers).map_err(crate::internal)?,
        None => Map::new(),
    };
    apply_answers(&survey, &mut answers, &b.answers, b.complete)?;
    let response_id = match &target {
        Some(o) => o.id.clone(),
        None => crate::rand::id::<8>("rsp_")?,
    };
    // The latest showing owns an open response (see `db::save_response`).
    let client_id = cid.or(target.as_ref().and_then(|o| o.client_id.as_deref()));
    let answers_json = Value::Object(answers.clone()).to_string();
    let mut batch = db::Batch::new();
    batch.write(db::save_response(
        &db,
        &db::SavedResponse {
            ws,
            survey: id,
            visitor: vid,
            id: &response_id,
            client_id: cid,
            answers_json: &answers_json,
            complete: b.complete,
        },
        ctx.now,
    )?);
    if b.complete {
        // Once per response (two tabs completing it at once record one).
        let once = client_id.map(|c| format!("{c}.completed"));
        batch.write(db::impression_statement(
            &db,
            ws,
            vid,
            Family::Surveys,
            id,
            ImpressionAction::Completed,
            once.as_deref(),
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
                // New attributes may complete checklist tasks: the open messenger asks again.
                crate::hub::notify(ctx, ws, Some(vid), false, json!({"type": "checklists"}));
            }
        }
    }
    batch.run(&db).await?;
    reply(
        &response_id,
        id,
        &Value::Object(answers),
        b.complete,
        client_id,
    )
}

fn reply(
    id: &str,
    survey: &str,
    answers: &Value,
    complete: bool,
    client_id: Option<&str>,
) -> Result<Response, ApiError> {
    http::json(
        200,
        &json!({"response": {"id": id, "surveyId": survey, "answers": answers, "complete": complete, "clientId": client_id}}),
    )
}

pub async fn results(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let range = crate::routes::analytics::range(ctx)?;
    let db = ctx.db()?;
    let item = items::row_in(&db, &ws.id, id, Family::Surveys).await?;
    let survey: SurveyContent = stored(&item)?;
    let rows = db::survey_responses(&db, &ws.id, id, range).await?;
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
        o.insert("from".into(), json!(date_of(range.from_day)));
        o.insert("to".into(), json!(date_of(range.to_day)));
    }
    http::json(200, &out)
}
