//! `POST /v1/impressions`: what a visitor did with what it was shown.

use porchlight_shared::vocab::ImpressionAction;
use porchlight_shared::ApiError;
use serde::Deserialize;
use worker::Response;

use super::deliverable::deliverable;
use super::page::valid_browsing_session;
use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::routes::items::Family;

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
