//! Signed preview links (`POST /admin/v1/previews`, workspace secret key): a link to a page of
//! the site that shows one item to the browser opening it, whatever the item's status,
//! audience, schedule or frequency, for [`PREVIEW_TTL_MS`]. The token rides in the link's
//! fragment (`#porchlight-preview=…`), which browsers never send to the site's server nor in a
//! `Referer`; it names no secret (`shared::preview`). The widget's boot hands it to the edge,
//! which verifies it and adds the item (`eligible::preview`).

use porchlight_shared::origin::origin_allowed;
use porchlight_shared::preview::{sign, PREVIEW_TTL_MS};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::json;
use worker::{Response, Url};

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PreviewBody {
    item_id: String,
    /// The page of the site to open (http or https, an allowed origin).
    url: String,
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let body: PreviewBody = ctx.json().await?;
    let mut url = match Url::parse(body.url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && body.url.len() <= 2048 => u,
        _ => {
            return Err(ApiError::invalid(
                "/url",
                "an http(s) address of a page of your site, at most 2048 characters",
            ))
        }
    };
    let allowed = ws.allowed_origins().unwrap_or_default();
    if !origin_allowed(&allowed, &url.origin().ascii_serialization()) {
        return Err(ApiError::invalid(
            "/url",
            "this page is not on one of the workspace's allowed origins",
        ));
    }
    let db = ctx.db()?;
    let item = match body.item_id.len() {
        1..=64 => db::any_item_row(&db, &ws.id, &body.item_id).await?,
        _ => None,
    }
    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such item in this workspace"))?;
    let expires_at = ctx.now + PREVIEW_TTL_MS;
    let token = sign(&ws.identity_secret, &ws.id, &item.id, expires_at)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such item in this workspace"))?;
    url.set_fragment(Some(&format!("porchlight-preview={token}")));
    http::json(
        201,
        &json!({"link": url.as_str(), "token": token, "expiresAt": expires_at, "itemId": item.id}),
    )
}
