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
use serde_json::{json, Value};
use worker::Response;

use crate::auth;
use crate::db::{self, n, opt, s};
use crate::http::{self, Ctx};

use super::outbound::{self, OutboundRow};

#[derive(Deserialize)]
struct ImpressionRow {
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
    static PARSED: RefCell<HashMap<(String, i64), Rc<Delivery>>> = RefCell::new(HashMap::new());
}

/// At most this many parsed items are kept per isolate.
const PARSED_CAP: usize = 2000;

/// The row's delivery settings, parsed (stored rows were validated when saved; one that no
/// longer parses shows to nobody).
fn delivery_of(row: &OutboundRow) -> Option<Rc<Delivery>> {
    let key = (row.id.clone(), row.updated_at);
    if let Some(d) = PARSED.with(|p| p.borrow().get(&key).cloned()) {
        return Some(d);
    }
    let parse = |s: &str| serde_json::from_str::<Value>(s).ok();
    let audience = row
        .audience
        .as_deref()
        .map(|a| parse(a).unwrap_or(Value::Null));
    let d = Rc::new(
        Delivery::parse(
            audience.as_ref(),
            parse(&row.triggers).as_ref(),
            parse(&row.frequency).as_ref(),
        )
        .ok()?,
    );
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= PARSED_CAP {
            p.clear();
        }
        p.insert(key, d.clone());
    });
    Some(d)
}

fn kind_of(outbound_kind: &str) -> Kind {
    match outbound_kind {
        "post" => Kind::Post,
        "banner" => Kind::Banner,
        "tooltip" => Kind::Tooltip,
        _ => Kind::Chat,
    }
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
    let mut stmts = vec![
        db::visitor_statement(&db, ws, vid)?,
        outbound::rows_statement(&db, ws, true)?,
        super::segments::segments_statement(&db, ws)?,
        db::stmt(&db, "SELECT content_id, action, browsing_session, at FROM impressions WHERE visitor_id = ?1 AND kind IN ('outbound', 'tooltip')", &[s(vid)])?,
    ];
    stmts.extend(super::segments::subject_statements(&db, vid)?);
    let mut results = db.batch(stmts).await.map_err(crate::internal)?.into_iter();
    let mut next = || results.next().ok_or_else(|| crate::internal("short batch"));
    let visitor = next()?
        .results::<db::VisitorRow>()
        .map_err(crate::internal)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotAuthenticated,
                "the session's visitor no longer exists",
            )
        })?;
    let active = next()?.results::<OutboundRow>().map_err(crate::internal)?;
    let segments = super::segments::parse_segments(next()?.results().map_err(crate::internal)?);
    let impressions = next()?
        .results::<ImpressionRow>()
        .map_err(crate::internal)?;
    let counters = next()?.results().map_err(crate::internal)?;
    let totals = next()?.results().map_err(crate::internal)?;
    let mut subject = super::segments::subject_from(&visitor, counters, totals);
    subject.page = PageFacts::from_url(&page_url, "");
    let histories = histories(impressions);
    let empty = History::default();
    let eval = EvalContext {
        subject: &subject,
        now_ms: ctx.now,
        segments: &segments,
    };

    let mut winners: Vec<(Candidate, &OutboundRow, &History)> = Vec::new();
    for row in &active {
        let Some(delivery) = delivery_of(row) else {
            continue;
        };
        if !porchlight_shared::targeting::evaluate_audience(delivery.audience.as_ref(), &eval) {
            continue;
        }
        let history = histories.get(&row.id).unwrap_or(&empty);
        let input = FrequencyInput {
            frequency: &delivery.frequency,
            history,
            now_ms: ctx.now,
            browsing_session: &bs,
            visitor_id: &visitor.id,
            content_id: &row.id,
            survey_pacing: None,
        };
        if check_frequency(&input).is_ok() {
            winners.push((
                Candidate {
                    kind: kind_of(&row.kind),
                    id: row.id.clone(),
                    priority: row.priority as i32,
                },
                row,
                history,
            ));
        }
    }
    let mut cands: Vec<Candidate> = winners.iter().map(|(c, _, _)| c.clone()).collect();
    order(&mut cands);
    let (mut items, mut tooltips) = (Vec::new(), Vec::new());
    for (_, row, h) in cands
        .iter()
        .filter_map(|c| winners.iter().find(|(w, _, _)| w.id == c.id))
    {
        let item = {
            let mut v = row.view();
            if let Some(o) = v.as_object_mut() {
                o.remove("audience");
                o.remove("status");
                o.remove("name");
                o.remove("createdAt");
                o.remove("updatedAt");
                o.insert("history".into(), json!({"shown": h.impressions.len(), "lastShownAt": h.impressions.iter().map(|i| i.at).max(), "dismissed": h.dismissed_at.is_some(), "completed": h.completed_at.is_some()}));
            }
            v
        };
        if row.kind == "tooltip" {
            tooltips.push(item);
        } else {
            items.push(item);
        }
    }
    // Tours, surveys and checklists arrive with their content kinds.
    http::json(
        200,
        &json!({"outbound": items, "tours": [], "surveys": [], "checklists": [], "tooltips": tooltips}),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImpressionBody {
    kind: String,
    content_id: String,
    action: String,
    browsing_session: Option<String>,
}

/// `POST /v1/impressions`: shown / clicked / dismissed / completed, for content of the token's
/// workspace only.
pub async fn record(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: ImpressionBody = ctx.json().await?;
    if b.kind != "outbound" && b.kind != "tooltip" {
        return Err(ApiError::invalid(
            "/kind",
            "outbound or tooltip (other kinds arrive with their content)",
        ));
    }
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
    let content = outbound::row(&db, &a.workspace.id, &b.content_id).await?;
    if (content.kind == "tooltip") != (b.kind == "tooltip") {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no such {} in this workspace", b.kind),
        ));
    }
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
