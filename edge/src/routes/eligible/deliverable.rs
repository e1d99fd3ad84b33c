//! The item a visitor acts on, checked as `/v1/eligible` would show it.

use porchlight_shared::targeting::EvalContext;
use porchlight_shared::ApiError;
use worker::D1Database;

use super::parsed::delivery_of;
use crate::auth::VisitorAuth;
use crate::db;
use crate::routes::items::{self, Family, ItemRow};

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
    match active_item(db, a, id, family, now).await? {
        (row, true, _) => Ok(row),
        _ => Err(items::not_found(family)),
    }
}

/// [`deliverable`]'s item (of the workspace and `family`, active: else `404`), whether its
/// audience admits the visitor now, and whether it resolves at all (`Rule::resolvable`), for a
/// caller that lets something already under way go on past an audience that says no — never
/// past one that cannot say (a deleted segment): a survey response the visitor started while
/// admitted (`progress::surveys::respond`), a tour run (`progress::tours::tour`).
pub async fn active_item(
    db: &D1Database,
    a: &VisitorAuth,
    id: &str,
    family: Family,
    now: i64,
) -> Result<(ItemRow, bool, bool), ApiError> {
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
    let audience = parsed.delivery.audience.as_ref();
    let admitted = audience.is_none_or(|r| r.admits_on_some_page(&eval));
    let resolvable = audience.is_none_or(|r| r.resolvable(&eval));
    Ok((row, admitted, resolvable))
}
