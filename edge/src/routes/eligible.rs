//! What a visitor may see now (`GET /v1/eligible`) and what they did with it
//! (`POST /v1/impressions`). Audience, schedule, sampling and frequency are decided here with
//! the shared engine; triggers are returned for the widget to decide on the page with the same
//! engine.

mod answer;
mod deliverable;
mod impressions;
mod page;
mod parsed;
pub mod preview;
mod wire;

use porchlight_shared::ApiError;
use worker::{D1Database, Response};

use crate::auth;
use crate::db::{self, Batch, ImpressionRow, Rows, VisitorRow};
use crate::http::{self, Ctx};

use crate::db::{TickedRow, TourProgressRow};
pub use answer::answer;
pub use deliverable::{active_item, deliverable};
pub use impressions::record;
pub use page::Page;

/// Everything `/v1/eligible` reads of a visitor, to put in one batch: visitor, active items,
/// segments, impressions, tour progress, open survey responses, checklist ticks, counters.
pub struct Reads {
    visitor: Rows<VisitorRow>,
    active: db::ActiveRead,
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
            active: db::ActiveRead::add(batch, db, ws)?,
            segments: db::SegmentsRead::add(batch, db, ws)?,
            impressions: db::impressions(batch, db, vid)?,
            tours: db::tours_progress(batch, db, vid)?,
            open_responses: db::open_responses(batch, db, vid)?,
            ticks: db::ticks(batch, db, vid)?,
            subject: db::SubjectRead::add(batch, db, vid)?,
        })
    }
}

/// `GET /v1/eligible?url=&bs=&debug=&showing=`: one D1 round trip when this isolate has seen
/// the session (the session and everything above in one batch), two otherwise.
pub async fn eligible(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    let (mut page_url, mut bs, mut debug, mut preview) = (String::new(), String::new(), None, None);
    let mut showing = String::new();
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "url" => page_url = v.into_owned(),
            "bs" => bs = v.into_owned(),
            "debug" => debug = Some(v.into_owned()),
            "preview" => preview = Some(v.into_owned()),
            "showing" => showing = v.into_owned(),
            _ => {}
        }
    }
    let (a, reads, mut results) = auth::visitor_with(ctx, Reads::add).await?;
    let debug = match debug.as_deref() {
        None | Some("0" | "false") => false,
        Some("1" | "true") => true,
        Some(_) => return Err(ApiError::invalid("/debug", "1 or true (0 or false: off)")),
    };
    let mut page = Page::checked(page_url, &bs, debug, "", ctx.now)?;
    page.showing = page::showing(&showing)?;
    if preview.is_some() {
        page.preview = preview;
    }
    let out = answer(reads, &mut results, &page, &a.workspace, ctx.now)?;
    let out = preview::apply(&ctx.db()?, &a.workspace, &page, out, ctx.now).await?;
    http::json(200, &out)
}
