//! What a visitor may see now (`GET /v1/eligible`) and what they did with it
//! (`POST /v1/impressions`). Audience, schedule, sampling and frequency are decided here with
//! the shared engine; triggers are returned for the widget to decide on the page with the same
//! engine.

mod answer;
mod parsed;

use porchlight_shared::targeting::frequency::browsing_session;
use porchlight_shared::targeting::EvalContext;
use porchlight_shared::vocab::ImpressionAction;
use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::{D1Database, Response};

use crate::auth::{self, VisitorAuth};
use crate::db::{self, Batch, ImpressionRow, Rows, VisitorRow};
use crate::http::{self, Ctx};

use super::items::{self, Family, ItemRow};
use crate::db::{TickedRow, TourProgressRow};
pub use answer::answer;
use parsed::delivery_of;

fn valid_browsing_session(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

const BS_FORMAT: &str =
    "a browsing session: 1-64 letters, digits, - and _, optionally followed by . \
     and the epoch milliseconds it was last active (1-15 digits)";

/// A browsing session as a question names it: `<id>`, or `<id>.<lastActiveEpochMs>` (what the
/// widget keeps in `localStorage`). `None` when malformed.
fn parse_browsing_session(s: &str) -> Option<(&str, Option<i64>)> {
    let (id, at) = match s.split_once('.') {
        Some((id, ms)) => {
            if ms.is_empty() || ms.len() > 15 || !ms.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (id, Some(ms.parse().ok()?))
        }
        None => (s, None),
    };
    valid_browsing_session(id).then_some((id, at))
}

/// The browsing session a question is answered in: none named → a new one; `<id>` → that one
/// (as the widget decided); `<id>.<at>` → the shared rule ([`browsing_session`]): the same id
/// while active within 30 minutes, else a new one. `None` when `raw` is malformed.
fn effective_browsing_session(
    raw: &str,
    now: i64,
    new_id: impl FnOnce() -> String,
) -> Option<String> {
    if raw.is_empty() {
        return Some(new_id());
    }
    Some(match parse_browsing_session(raw)? {
        (id, None) => id.to_string(),
        (id, Some(at)) => browsing_session(Some((id, at)), now, new_id).0,
    })
}

/// A new browsing-session id: 22 URL-safe random characters (a valid browsing session).
fn new_browsing_session() -> Result<String, ApiError> {
    crate::rand::url_safe::<22>()
}

/// The page an eligibility question is asked for: its URL, the browsing session (`bs`) it is
/// answered in, and whether to say why each item left out was left out (`debug`).
pub struct Page {
    pub url: String,
    /// The effective browsing session (see [`effective_browsing_session`]): answered as `bs`.
    pub bs: String,
    pub debug: bool,
}

impl Page {
    /// Refuses a URL over 2048 characters and a malformed browsing session, and decides the
    /// browsing session; `at` is the JSON pointer (or query parameter) prefix errors name.
    pub fn checked(
        url: String,
        bs: &str,
        debug: bool,
        at: &str,
        now: i64,
    ) -> Result<Page, ApiError> {
        if url.chars().count() > porchlight_shared::types::MAX_URL_LEN {
            return Err(ApiError::invalid(
                format!("{at}/url"),
                "at most 2048 characters",
            ));
        }
        let mut rng_failed = None;
        let new_id = || {
            new_browsing_session().unwrap_or_else(|e| {
                rng_failed = Some(e);
                String::new()
            })
        };
        let bs = effective_browsing_session(bs, now, new_id)
            .ok_or_else(|| ApiError::invalid(format!("{at}/bs"), BS_FORMAT))?;
        if let Some(e) = rng_failed {
            return Err(e);
        }
        Ok(Page { url, bs, debug })
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
            tours: db::tours_progress(batch, db, vid)?,
            open_responses: db::open_responses(batch, db, vid)?,
            ticks: db::ticks(batch, db, vid)?,
            subject: db::SubjectRead::add(batch, db, vid)?,
        })
    }
}

/// `GET /v1/eligible?url=&bs=&debug=`: one D1 round trip when this isolate has seen the session
/// (the session and everything above in one batch), two otherwise.
pub async fn eligible(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    let (mut page_url, mut bs, mut debug) = (String::new(), String::new(), None);
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "url" => page_url = v.into_owned(),
            "bs" => bs = v.into_owned(),
            "debug" => debug = Some(v.into_owned()),
            _ => {}
        }
    }
    let (a, reads, mut results) = auth::visitor_with(ctx, Reads::add).await?;
    let debug = match debug.as_deref() {
        None | Some("0" | "false") => false,
        Some("1" | "true") => true,
        Some(_) => return Err(ApiError::invalid("/debug", "1 or true (0 or false: off)")),
    };
    let page = Page::checked(page_url, &bs, debug, "", ctx.now)?;
    let survey_cooldown_days = a.workspace.automation().survey_cooldown_days;
    let out = answer(reads, &mut results, &page, survey_cooldown_days, ctx.now)?;
    http::json(200, &out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImpressionBody {
    kind: String,
    content_id: String,
    action: String,
    browsing_session: Option<String>,
    /// Made by the sender: an impression sent again with the same id is recorded once.
    client_id: Option<String>,
    /// When it happened, if it was queued (trusted within the window `events` trusts).
    occurred_at: Option<i64>,
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
    let family: Family = b
        .kind
        .parse()
        .map_err(|_| ApiError::invalid("/kind", "outbound, tooltip, tour, survey or checklist"))?;
    let action: ImpressionAction = b
        .action
        .parse()
        .map_err(|_| ApiError::invalid("/action", "shown, clicked, dismissed or completed"))?;
    if b.browsing_session
        .as_deref()
        .is_some_and(|s| !valid_browsing_session(s))
    {
        return Err(ApiError::invalid(
            "/browsingSession",
            "1-64 characters of letters, digits, - and _",
        ));
    }
    if let Some(c) = &b.client_id {
        porchlight_shared::chat::check_client_id(c, "/clientId")?;
    }
    let db = ctx.db()?;
    deliverable(&db, &a, &b.content_id, family, ctx.now).await?;
    db::insert_impression(
        &db,
        &db::NewImpression {
            workspace: &a.workspace.id,
            visitor: &a.session.visitor_id,
            kind: family.as_str(),
            content_id: &b.content_id,
            action: action.as_str(),
            browsing_session: b.browsing_session.as_deref(),
            client_id: b.client_id.as_deref(),
            at: porchlight_shared::events::occurred_at(b.occurred_at, ctx.now),
        },
    )
    .await?;
    http::no_content()
}

#[cfg(test)]
mod tests {
    use super::*;
    use porchlight_shared::targeting::frequency::SESSION_IDLE_MS;

    const NOW: i64 = 1_800_000_000_000;

    fn decide(raw: &str) -> Option<String> {
        effective_browsing_session(raw, NOW, || "fresh".to_string())
    }

    #[test]
    fn a_browsing_session_is_kept_while_active_and_renewed_when_idle() {
        assert_eq!(decide("tab-1").as_deref(), Some("tab-1"), "bare id: as is");
        assert_eq!(decide("").as_deref(), Some("fresh"), "none: a new one");
        let at = |ms: i64| format!("tab_1.{ms}");
        assert_eq!(decide(&at(NOW)).as_deref(), Some("tab_1"));
        assert_eq!(decide(&at(NOW - SESSION_IDLE_MS)).as_deref(), Some("tab_1"));
        assert_eq!(
            decide(&at(NOW - SESSION_IDLE_MS - 1)).as_deref(),
            Some("fresh")
        );
        assert_eq!(
            decide(&at(NOW + 1)).as_deref(),
            Some("fresh"),
            "active in the future"
        );
        assert_eq!(decide("tab.0").as_deref(), Some("fresh"));
    }

    #[test]
    fn a_malformed_browsing_session_is_refused() {
        let long = "b".repeat(65);
        let cases = [
            "not valid!",
            long.as_str(),
            ".123",
            "tab.",
            "tab.-5",
            "tab.+5",
            "tab.1e3",
            "tab.1.2",
            "tab.1234567890123456",
            "tab. 1",
            "ta b.1",
        ];
        for raw in cases {
            assert_eq!(decide(raw), None, "{raw}");
        }
        assert!(decide(&format!("{}.123456789012345", "b".repeat(64))).is_some());
    }

    #[test]
    fn a_new_browsing_session_is_a_valid_one() {
        let a = new_browsing_session().unwrap();
        assert_eq!(a.len(), 22);
        assert!(valid_browsing_session(&a), "{a}");
        assert_ne!(a, new_browsing_session().unwrap());
        let page = Page::checked(String::new(), "", false, "/eligible", NOW).unwrap();
        assert!(valid_browsing_session(&page.bs));
        let bad = Page::checked(String::new(), "x.y", false, "/eligible", NOW);
        assert_eq!(
            bad.err().and_then(|e| e.path).as_deref(),
            Some("/eligible/bs")
        );
    }
}
