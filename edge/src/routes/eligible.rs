//! What a visitor may see now (`GET /v1/eligible`) and what they did with it
//! (`POST /v1/impressions`). Audience, schedule, sampling and frequency are decided here with
//! the shared engine; triggers are returned for the widget to decide on the page with the same
//! engine.

mod parsed;

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use porchlight_shared::experiences::TourState;
use porchlight_shared::targeting::arbitrate::{order, Candidate};
use porchlight_shared::targeting::frequency::{
    check_frequency, FrequencyInput, History, Impression, Pacing,
};
use porchlight_shared::targeting::{EvalContext, PageFacts};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth::{self, VisitorAuth};
use crate::db::{self, Batch, ImpressionRow, Results, Rows, VisitorRow};
use crate::http::{self, Ctx};

use super::items::{self, Family, ItemKind, ItemRow};
use super::progress::{task_states, TickedRow, TourProgressRow, TOUR_PROGRESS_COLS};
use parsed::{delivery_of, Parsed};

/// Builds each item's history from the visitor's impressions.
fn histories(rows: Vec<ImpressionRow>) -> BTreeMap<String, History> {
    let mut out: BTreeMap<String, History> = BTreeMap::new();
    for r in rows {
        let h = out.entry(r.content_id).or_default();
        match r.action.as_str() {
            "shown" => h.impressions.push(Impression {
                at: r.at,
                browsing_session: r.browsing_session.unwrap_or_default(),
            }),
            "dismissed" => h.dismissed_at = Some(h.dismissed_at.map_or(r.at, |d| d.min(r.at))),
            "completed" => h.completed_at = Some(h.completed_at.map_or(r.at, |d| d.min(r.at))),
            _ => {}
        }
    }
    out
}

/// One item as `/v1/eligible` answers it.
#[derive(serde::Serialize)]
struct EligibleItem<'a> {
    id: &'a str,
    kind: &'a str,
    priority: i64,
    content: &'a RawValue,
    triggers: &'a RawValue,
    frequency: &'a RawValue,
    history: Value,
    #[serde(flatten)]
    extra: serde_json::Map<String, Value>,
}

fn valid_browsing_session(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The page an eligibility question is asked for: its URL and the browsing session (`bs`).
pub struct Page {
    pub url: String,
    pub bs: String,
}

impl Page {
    /// Refuses a URL over 2048 characters and a malformed browsing session; `at` is the JSON
    /// pointer (or query parameter) prefix errors name.
    pub fn checked(url: String, bs: String, at: &str) -> Result<Page, ApiError> {
        if url.chars().count() > porchlight_shared::types::MAX_URL_LEN {
            return Err(ApiError::invalid(
                format!("{at}/url"),
                "at most 2048 characters",
            ));
        }
        if !bs.is_empty() && !valid_browsing_session(&bs) {
            return Err(ApiError::invalid(
                format!("{at}/bs"),
                "1-64 characters of letters, digits, - and _",
            ));
        }
        Ok(Page { url, bs })
    }
}

/// Everything `/v1/eligible` reads of a visitor, to put in one batch: visitor, active items,
/// segments, impressions, tour progress, open survey responses, checklist ticks, counters.
pub struct Reads {
    visitor: Rows<VisitorRow>,
    active: Rows<ItemRow>,
    segments: db::SegmentsRead,
    impressions: Rows<ImpressionRow>,
    tours: Rows<TourProgressRow>,
    open_responses: Rows<db::OpenResponseRow>,
    ticks: Rows<TickedRow>,
    subject: db::SubjectRead,
}

impl Reads {
    pub fn add(batch: &mut Batch, db: &D1Database, ws: &str, vid: &str) -> Result<Reads, ApiError> {
        Ok(Reads {
            visitor: batch.read(db::visitor_statement(db, ws, vid)?),
            active: batch.read(items::active_statement(db, ws)?),
            segments: db::SegmentsRead::add(batch, db, ws)?,
            impressions: db::impressions(batch, db, vid)?,
            tours: db::tour_progress(batch, db, vid, TOUR_PROGRESS_COLS)?,
            open_responses: db::open_responses(batch, db, vid)?,
            ticks: db::ticks(batch, db, vid)?,
            subject: db::SubjectRead::add(batch, db, vid)?,
        })
    }
}

/// `GET /v1/eligible?url=&bs=`: one D1 round trip when this isolate has seen the session
/// (the session and everything above in one batch), two otherwise.
pub async fn eligible(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    let (mut page_url, mut bs) = (String::new(), String::new());
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "url" => page_url = v.into_owned(),
            "bs" => bs = v.into_owned(),
            _ => {}
        }
    }
    let (a, reads, mut results) = auth::visitor_with(ctx, Reads::add).await?;
    let page = Page::checked(page_url, bs, "")?;
    let survey_cooldown_days = a.workspace.automation().survey_cooldown_days;
    let out = answer(reads, &mut results, &page, survey_cooldown_days, ctx.now)?;
    http::json(200, &out)
}

/// The eligible items of every family, best first, from what [`Reads`] read, as JSON.
pub fn answer(
    reads: Reads,
    results: &mut Results,
    page: &Page,
    survey_cooldown_days: Option<u32>,
    now: i64,
) -> Result<Box<RawValue>, ApiError> {
    let visitor = results.first(reads.visitor)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotAuthenticated,
            "the session's visitor no longer exists",
        )
    })?;
    let active = results.rows(reads.active)?;
    let segments = reads.segments.take(results)?;
    let impressions = results.rows(reads.impressions)?;
    let tours: HashMap<String, TourProgressRow> = results
        .rows(reads.tours)?
        .into_iter()
        .map(|t| (t.tour_id.clone(), t))
        .collect();
    let open_responses: HashMap<String, Value> = results
        .rows(reads.open_responses)?
        .into_iter()
        .map(|r| (r.survey_id, items::parse_json(&r.answers)))
        .collect();
    let ticked = results.rows(reads.ticks)?;
    let (mut subject, totals) = reads.subject.take(results, &visitor)?;
    let event_totals: HashMap<String, i64> =
        totals.iter().map(|t| (t.name.clone(), t.count)).collect();
    subject.page = PageFacts::from_url(&page.url, "");
    // Workspace pacing: at most one survey every N days.
    let pacing = Pacing {
        survey_cooldown_days,
        last_survey_shown_at: impressions
            .iter()
            .filter(|i| i.kind == "survey" && i.action == "shown")
            .map(|i| i.at)
            .max(),
    };
    let mut histories = histories(impressions);
    // A snoozed tour comes back when the snooze ends; frequency sees it through the history.
    for (id, t) in &tours {
        if t.state == TourState::Snoozed.as_str() {
            histories.entry(id.clone()).or_default().snoozed_until = t.snoozed_until;
        }
    }
    let empty = History::default();
    let eval = EvalContext {
        subject: &subject,
        now_ms: now,
        segments: &segments,
    };

    let mut winners: Vec<(Candidate, &ItemRow, &History, Rc<Parsed>)> = Vec::new();
    for row in &active {
        let Some(parsed) = delivery_of(row) else {
            continue;
        };
        let delivery = &parsed.delivery;
        if !porchlight_shared::targeting::evaluate_audience(delivery.audience.as_ref(), &eval) {
            continue;
        }
        let history = histories.get(&row.id).unwrap_or(&empty);
        // A tour the visitor is in the middle of resumes (multi-page tours, reloads).
        let resuming = tours
            .get(&row.id)
            .is_some_and(|t| t.state == TourState::InProgress.as_str());
        let input = FrequencyInput {
            frequency: &delivery.frequency,
            history,
            now_ms: now,
            browsing_session: &page.bs,
            visitor_id: &visitor.id,
            content_id: &row.id,
            survey_pacing: (row.kind == "survey").then_some(pacing),
        };
        if resuming || check_frequency(&input).is_ok() {
            let candidate = Candidate {
                kind: parsed.kind,
                id: row.id.clone(),
                priority: row.priority as i32,
            };
            winners.push((candidate, row, history, parsed.clone()));
        }
    }
    let mut cands: Vec<Candidate> = winners.iter().map(|(c, _, _, _)| c.clone()).collect();
    order(&mut cands);
    let mut out: BTreeMap<&'static str, Vec<EligibleItem>> = [
        Family::Outbound,
        Family::Tooltips,
        Family::Tours,
        Family::Surveys,
        Family::Checklists,
    ]
    .into_iter()
    .map(|f| (f.key(), Vec::new()))
    .collect();
    let attributes = visitor.attributes()?;
    for (_, row, h, parsed) in cands
        .iter()
        .filter_map(|c| winners.iter().find(|(w, _, _, _)| w.id == c.id))
    {
        let Some(kind) = row.item_kind() else {
            continue;
        };
        // Stored JSON goes out as stored (validated when saved): no parse, no re-serialize.
        fn raw(t: &str) -> Option<&RawValue> {
            serde_json::from_str(t).ok()
        }
        let (Some(content), Some(triggers), Some(frequency)) =
            (raw(&row.content), raw(&row.triggers), raw(&row.frequency))
        else {
            continue;
        };
        let mut extra = serde_json::Map::new();
        match kind {
            ItemKind::Tour => {
                let progress = tours.get(&row.id).and_then(TourProgressRow::progress);
                extra.insert("progress".into(), json!(progress));
            }
            ItemKind::Survey => {
                extra.insert(
                    "response".into(),
                    open_responses
                        .get(&row.id)
                        .map_or(Value::Null, |a| json!({"answers": a, "complete": false})),
                );
            }
            ItemKind::Checklist => {
                let Some(c) = &parsed.checklist else {
                    continue;
                };
                let mine: Vec<&str> = ticked
                    .iter()
                    .filter(|t| t.checklist_id == row.id)
                    .map(|t| t.task_id.as_str())
                    .collect();
                let states = task_states(c, &mine, &event_totals, &attributes);
                extra.insert("completed".into(), json!(states.iter().all(|(_, d)| *d)));
                extra.insert(
                    "tasks".into(),
                    json!(states
                        .iter()
                        .map(|(t, d)| json!({"id": t, "done": d}))
                        .collect::<Vec<_>>()),
                );
            }
            _ => {}
        }
        let item = EligibleItem {
            id: &row.id,
            kind: &row.kind,
            priority: row.priority,
            content,
            triggers,
            frequency,
            history: json!({"shown": h.impressions.len(), "lastShownAt": h.impressions.iter().map(|i| i.at).max(), "dismissed": h.dismissed_at.is_some(), "completed": h.completed_at.is_some()}),
            extra,
        };
        if let Some(list) = out.get_mut(kind.family().key()) {
            list.push(item);
        }
    }
    // Serialized once, here: stored content goes out as stored, never parsed into a tree.
    serde_json::value::to_raw_value(&out).map_err(crate::internal)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImpressionBody {
    kind: String,
    content_id: String,
    action: String,
    browsing_session: Option<String>,
}

/// The item a visitor acts on (tour progress, survey answers, checklist ticks, impressions):
/// of the token's workspace and `family`, active, and its audience admits the visitor now —
/// as `/v1/eligible` decides, except that the page is not known (`admits_on_some_page`: the
/// visitor may act on a later page than the one it was shown on). Anything else is `404`,
/// exactly as an id that does not exist, and the caller changes nothing. One D1 round trip.
pub async fn deliverable(
    db: &D1Database,
    a: &VisitorAuth,
    id: &str,
    family: Family,
    now: i64,
) -> Result<ItemRow, ApiError> {
    let (ws, vid) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let mut batch = db::Batch::new();
    let row = batch.read::<ItemRow>(items::row_statement(db, ws, id, family)?);
    let visitor = batch.read::<db::VisitorRow>(db::visitor_statement(db, ws, vid)?);
    let segments = db::SegmentsRead::add(&mut batch, db, ws)?;
    let subject = db::SubjectRead::add(&mut batch, db, vid)?;
    let mut results = batch.run(db).await?;
    let row = results
        .first(row)?
        .filter(|r| r.status == "active")
        .ok_or_else(|| items::not_found(family))?;
    let visitor = results
        .first(visitor)?
        .ok_or_else(|| items::not_found(family))?;
    let segments = segments.take(&mut results)?;
    // A stored item whose delivery no longer parses shows to nobody, so nobody acts on it.
    let parsed = delivery_of(&row).ok_or_else(|| items::not_found(family))?;
    let (subject, _) = subject.take(&mut results, &visitor)?;
    let eval = EvalContext {
        subject: &subject,
        now_ms: now,
        segments: &segments,
    };
    let admitted = parsed
        .delivery
        .audience
        .as_ref()
        .is_none_or(|r| r.admits_on_some_page(&eval));
    if !admitted {
        return Err(items::not_found(family));
    }
    Ok(row)
}

/// `POST /v1/impressions`: shown / clicked / dismissed / completed, for content of the token's
/// workspace only.
pub async fn record(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: ImpressionBody = ctx.json().await?;
    let family = match b.kind.as_str() {
        "outbound" => Family::Outbound,
        "tooltip" => Family::Tooltips,
        "tour" => Family::Tours,
        "survey" => Family::Surveys,
        "checklist" => Family::Checklists,
        _ => {
            return Err(ApiError::invalid(
                "/kind",
                "outbound, tooltip, tour, survey or checklist",
            ))
        }
    };
    if !matches!(
        b.action.as_str(),
        "shown" | "clicked" | "dismissed" | "completed"
    ) {
        return Err(ApiError::invalid(
            "/action",
            "shown, clicked, dismissed or completed",
        ));
    }
    if b.browsing_session
        .as_deref()
        .is_some_and(|s| !valid_browsing_session(s))
    {
        return Err(ApiError::invalid(
            "/browsingSession",
            "1-64 characters of letters, digits, - and _",
        ));
    }
    let db = ctx.db()?;
    deliverable(&db, &a, &b.content_id, family, ctx.now).await?;
    db::insert_impression(
        &db,
        &db::NewImpression {
            workspace: &a.workspace.id,
            visitor: &a.session.visitor_id,
            kind: &b.kind,
            content_id: &b.content_id,
            action: &b.action,
            browsing_session: b.browsing_session.as_deref(),
            at: ctx.now,
        },
    )
    .await?;
    http::no_content()
}
