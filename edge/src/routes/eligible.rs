//! What a visitor may see now (`GET /v1/eligible`) and what they did with it
//! (`POST /v1/impressions`). Audience, schedule, sampling and frequency are decided here with
//! the shared engine; triggers are returned for the widget to decide on the page with the same
//! engine.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use porchlight_shared::content::Delivery;
use porchlight_shared::targeting::arbitrate::{order, Candidate, Kind};
use porchlight_shared::targeting::frequency::{
    check_frequency, FrequencyInput, History, Impression,
};
use porchlight_shared::targeting::{EvalContext, PageFacts};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth::{self, VisitorAuth};
use crate::db::{self, n, opt, s};
use crate::http::{self, Ctx};

use super::items::{self, Family, ItemKind, ItemRow};
use crate::db::{TickedRow, TourProgressRow, TOUR_PROGRESS_COLS};
use porchlight_shared::experiences::{ChecklistContent, SurveyContent, SurveyFormat, TourState};
use porchlight_shared::targeting::frequency::Pacing;

#[derive(Deserialize)]
struct ImpressionRow {
    kind: String,
    content_id: String,
    action: String,
    browsing_session: Option<String>,
    at: i64,
}

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

thread_local! {
    /// Parsed delivery settings by (content id, updated_at): an isolate parses each message's
    /// rules once, not on every request. An edit changes updated_at, so it is never stale.
    static PARSED: RefCell<HashMap<(String, i64), Rc<Parsed>>> = RefCell::new(HashMap::new());
}

/// At most this many parsed items are kept per isolate.
const PARSED_CAP: usize = 2000;

/// The row's delivery settings, parsed (stored rows were validated when saved; one that no
/// longer parses shows to nobody).
/// What `/v1/eligible` needs of an item beyond its row, parsed once per version.
struct Parsed {
    delivery: Delivery,
    kind: Kind,
    checklist: Option<ChecklistContent>,
}

fn delivery_of(row: &ItemRow) -> Option<Rc<Parsed>> {
    let key = (row.id.clone(), row.updated_at);
    if let Some(d) = PARSED.with(|p| p.borrow().get(&key).cloned()) {
        return Some(d);
    }
    let parse = |s: &str| serde_json::from_str::<Value>(s).ok();
    // An unreadable audience shows to nobody (a `null` one would be everyone).
    let audience = match row.audience.as_deref() {
        Some(a) => Some(parse(a)?),
        None => None,
    };
    let delivery = Delivery::parse(
        audience.as_ref(),
        parse(&row.triggers).as_ref(),
        parse(&row.frequency).as_ref(),
    )
    .ok()?;
    let d = Rc::new(Parsed {
        delivery,
        kind: arbitration_kind(row)?,
        checklist: match row.item_kind() {
            Some(ItemKind::Checklist) => Some(serde_json::from_str(&row.content).ok()?),
            _ => None,
        },
    });
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= PARSED_CAP {
            p.clear();
        }
        p.insert(key, d.clone());
    });
    Some(d)
}

fn arbitration_kind(row: &ItemRow) -> Option<Kind> {
    Some(match row.item_kind()? {
        ItemKind::Chat => Kind::Chat,
        ItemKind::Post => Kind::Post,
        ItemKind::Banner => Kind::Banner,
        ItemKind::Tooltip => Kind::Tooltip,
        ItemKind::Tour => Kind::Tour,
        ItemKind::Checklist => Kind::Checklist,
        ItemKind::Survey => match serde_json::from_str::<SurveyContent>(&row.content)
            .ok()?
            .format
        {
            SurveyFormat::Large => Kind::LargeSurvey,
            SurveyFormat::Small => Kind::SmallSurvey,
        },
    })
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

#[derive(Deserialize)]
struct OpenResponseRow {
    survey_id: String,
    answers: String,
}

fn valid_browsing_session(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn eligible(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    let mut page_url = String::new();
    let mut bs = String::new();
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "url" => page_url = v.into_owned(),
            "bs" => bs = v.into_owned(),
            _ => {}
        }
    }
    if page_url.chars().count() > porchlight_shared::types::MAX_URL_LEN {
        return Err(ApiError::invalid("/url", "at most 2048 characters"));
    }
    if !bs.is_empty() && !valid_browsing_session(&bs) {
        return Err(ApiError::invalid(
            "/bs",
            "1-64 characters of letters, digits, - and _",
        ));
    }
    let db = ctx.db()?;
    // Everything in one D1 round trip: visitor, active messages, counters, segments, impressions.
    let (ws, vid) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let mut batch = db::Batch::new();
    let visitor = batch.read::<db::VisitorRow>(db::visitor_statement(&db, ws, vid)?);
    let active = batch.read::<ItemRow>(items::active_statement(&db, ws)?);
    let segments = db::SegmentsRead::add(&mut batch, &db, ws)?;
    let impressions = batch.read::<ImpressionRow>(db::stmt(&db, "SELECT kind, content_id, action, browsing_session, at FROM impressions WHERE visitor_id = ?1", &[s(vid)])?);
    let tours = batch.read::<TourProgressRow>(db::stmt(
        &db,
        &format!("SELECT {TOUR_PROGRESS_COLS} FROM tour_progress WHERE visitor_id = ?1"),
        &[s(vid)],
    )?);
    let open_responses = batch.read::<OpenResponseRow>(db::stmt(
        &db,
        "SELECT survey_id, answers FROM survey_responses WHERE visitor_id = ?1 AND complete = 0",
        &[s(vid)],
    )?);
    let ticked = batch.read::<TickedRow>(db::stmt(
        &db,
        "SELECT checklist_id, task_id FROM checklist_progress WHERE visitor_id = ?1",
        &[s(vid)],
    )?);
    let subject = db::SubjectRead::add(&mut batch, &db, vid)?;
    let mut results = batch.run(&db).await?;
    let visitor = results.first(visitor)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotAuthenticated,
            "the session's visitor no longer exists",
        )
    })?;
    let active = results.rows(active)?;
    let segments = segments.take(&mut results)?;
    let impressions = results.rows(impressions)?;
    let tours: HashMap<String, TourProgressRow> = results
        .rows(tours)?
        .into_iter()
        .map(|t| (t.tour_id.clone(), t))
        .collect();
    let open_responses: HashMap<String, Value> = results
        .rows(open_responses)?
        .into_iter()
        .map(|r| (r.survey_id, items::parse_json(&r.answers)))
        .collect();
    let ticked: Vec<TickedRow> = results.rows(ticked)?;
    let (mut subject, totals) = subject.take(&mut results, &visitor)?;
    let event_totals: HashMap<String, i64> =
        totals.iter().map(|t| (t.name.clone(), t.count)).collect();
    subject.page = PageFacts::from_url(&page_url, "");
    // Workspace pacing: at most one survey every N days.
    let pacing = Pacing {
        survey_cooldown_days: a.workspace.automation().survey_cooldown_days,
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
        now_ms: ctx.now,
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
        let kind = parsed.kind;
        // A tour the visitor is in the middle of resumes (multi-page tours, reloads).
        let resuming = tours
            .get(&row.id)
            .is_some_and(|t| t.state == TourState::InProgress.as_str());
        let input = FrequencyInput {
            frequency: &delivery.frequency,
            history,
            now_ms: ctx.now,
            browsing_session: &bs,
            visitor_id: &visitor.id,
            content_id: &row.id,
            survey_pacing: (row.kind == "survey").then_some(pacing),
        };
        if resuming || check_frequency(&input).is_ok() {
            winners.push((
                Candidate {
                    kind,
                    id: row.id.clone(),
                    priority: row.priority as i32,
                },
                row,
                history,
                parsed.clone(),
            ));
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
                let states = c.task_states(
                    &mine,
                    |name| event_totals.get(name).copied().unwrap_or(0),
                    &attributes,
                );
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
    http::json(200, &out)
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
    db::batch(
        &db,
        vec![db::stmt(
            &db,
            "INSERT INTO impressions (workspace_id, visitor_id, kind, content_id, action, browsing_session, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[s(&a.workspace.id), s(&a.session.visitor_id), s(&b.kind), s(&b.content_id), s(&b.action), opt(b.browsing_session.as_deref()), n(ctx.now)],
        )?],
    )
    .await?;
    http::no_content()
}
