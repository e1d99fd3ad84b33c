//! Route table: one module per resource.

mod admin;
mod eligible;
mod events;
mod help;
mod outbound;
mod segments;
pub mod session;
mod tickets;

use porchlight_shared::{ApiError, ErrorCode};
use worker::{Method, Response};

use crate::http::{self, Ctx};

/// Collections whose next path segment is an item id.
const WITH_IDS: &[&str] = &[
    "/admin/v1/visitors/",
    "/admin/v1/segments/",
    "/admin/v1/outbound/",
    "/admin/v1/tooltips/",
    "/admin/v1/collections/",
    "/admin/v1/articles/",
    "/v1/tickets/",
    "/v1/articles/",
];

/// The route template of a path and the item id in it: `/admin/v1/outbound/out_1/pause` →
/// (`/admin/v1/outbound/{id}/pause`, `out_1`). Paths without an item id come back unchanged.
pub fn route_of(path: &str) -> (String, &str) {
    for base in WITH_IDS {
        if let Some(rest) = path.strip_prefix(base) {
            let (id, tail) = rest
                .split_once('/')
                .map_or((rest, None), |(i, t)| (i, Some(t)));
            if !id.is_empty() {
                let template = match tail {
                    Some(t) => format!("{base}{{id}}/{t}"),
                    None => format!("{base}{{id}}"),
                };
                return (template, id);
            }
        }
    }
    (path.to_string(), "")
}

pub async fn dispatch(ctx: &mut Ctx) -> Result<Response, ApiError> {
    use outbound::Family::{Outbound, Tooltips};
    let path = ctx.path.clone();
    // Fixed paths first (`/v1/articles/search` is not an article id).
    match (ctx.method(), path.as_str()) {
        (Method::Get, "/health") => {
            return http::json(
                200,
                &serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
            )
        }
        (Method::Get, "/health/db") => return health_db(ctx).await,
        (Method::Post, "/v1/boot") => return session::boot(ctx).await,
        (Method::Post, "/v1/identify") => return session::identify(ctx).await,
        (Method::Post, "/v1/session/refresh") => return session::refresh(ctx).await,
        (Method::Post, "/v1/session/revoke") => return session::revoke(ctx).await,
        (Method::Post, "/v1/events") => return events::track(ctx).await,
        (Method::Get, "/v1/eligible") => return eligible::eligible(ctx).await,
        (Method::Post, "/v1/impressions") => return eligible::record(ctx).await,
        (Method::Get, "/v1/articles/search") => return help::search(ctx).await,
        (Method::Get, "/v1/tickets") => return tickets::list(ctx).await,
        (Method::Post, "/v1/tickets") => return tickets::create(ctx).await,
        (Method::Post, "/admin/v1/workspaces") => return admin::create_workspace(ctx).await,
        (Method::Get, "/admin/v1/workspace") => return admin::get_workspace(ctx).await,
        (Method::Patch, "/admin/v1/workspace") => return admin::patch_workspace(ctx).await,
        (Method::Post, "/admin/v1/workspace/identity-secret/rotate") => {
            return admin::rotate_identity_secret(ctx).await
        }
        (Method::Get, "/admin/v1/segments") => return segments::list(ctx).await,
        (Method::Post, "/admin/v1/segments") => return segments::create(ctx).await,
        (Method::Get, "/admin/v1/outbound") => return outbound::list(ctx, Outbound).await,
        (Method::Post, "/admin/v1/outbound") => return outbound::create(ctx, Outbound).await,
        (Method::Get, "/admin/v1/tooltips") => return outbound::list(ctx, Tooltips).await,
        (Method::Post, "/admin/v1/tooltips") => return outbound::create(ctx, Tooltips).await,
        (Method::Get, "/admin/v1/collections") => return help::list_collections(ctx).await,
        (Method::Post, "/admin/v1/collections") => return help::create_collection(ctx).await,
        (Method::Get, "/admin/v1/articles") => return help::list_articles(ctx).await,
        (Method::Post, "/admin/v1/articles") => return help::create_article(ctx).await,
        _ => {}
    }
    let (route, id) = route_of(&path);
    match (ctx.method(), route.as_str()) {
        (Method::Get, "/v1/tickets/{id}") => tickets::get(ctx, id).await,
        (Method::Get, "/v1/articles/{id}") => help::read(ctx, id).await,
        (Method::Post, "/v1/articles/{id}/feedback") => help::feedback(ctx, id).await,
        (Method::Get, "/admin/v1/visitors/{id}") => admin::get_visitor(ctx, id).await,
        (Method::Get, "/admin/v1/segments/{id}") => segments::get(ctx, id).await,
        (Method::Patch, "/admin/v1/segments/{id}") => segments::patch(ctx, id).await,
        (Method::Delete, "/admin/v1/segments/{id}") => segments::delete(ctx, id).await,
        (Method::Get, "/admin/v1/outbound/{id}") => outbound::get(ctx, Outbound, id).await,
        (Method::Patch, "/admin/v1/outbound/{id}") => outbound::patch(ctx, Outbound, id).await,
        (Method::Delete, "/admin/v1/outbound/{id}") => outbound::delete(ctx, Outbound, id).await,
        (Method::Post, "/admin/v1/outbound/{id}/activate") => {
            outbound::set_status(ctx, Outbound, id, "activate").await
        }
        (Method::Post, "/admin/v1/outbound/{id}/pause") => {
            outbound::set_status(ctx, Outbound, id, "pause").await
        }
        (Method::Post, "/admin/v1/outbound/{id}/archive") => {
            outbound::set_status(ctx, Outbound, id, "archive").await
        }
        (Method::Get, "/admin/v1/tooltips/{id}") => outbound::get(ctx, Tooltips, id).await,
        (Method::Patch, "/admin/v1/tooltips/{id}") => outbound::patch(ctx, Tooltips, id).await,
        (Method::Delete, "/admin/v1/tooltips/{id}") => outbound::delete(ctx, Tooltips, id).await,
        (Method::Post, "/admin/v1/tooltips/{id}/activate") => {
            outbound::set_status(ctx, Tooltips, id, "activate").await
        }
        (Method::Post, "/admin/v1/tooltips/{id}/pause") => {
            outbound::set_status(ctx, Tooltips, id, "pause").await
        }
        (Method::Post, "/admin/v1/tooltips/{id}/archive") => {
            outbound::set_status(ctx, Tooltips, id, "archive").await
        }
        (Method::Get, "/admin/v1/collections/{id}") => help::get_collection(ctx, id).await,
        (Method::Patch, "/admin/v1/collections/{id}") => help::patch_collection(ctx, id).await,
        (Method::Delete, "/admin/v1/collections/{id}") => help::delete_collection(ctx, id).await,
        (Method::Get, "/admin/v1/articles/{id}") => help::get_article_admin(ctx, id).await,
        (Method::Patch, "/admin/v1/articles/{id}") => help::patch_article(ctx, id).await,
        (Method::Delete, "/admin/v1/articles/{id}") => help::delete_article(ctx, id).await,
        (Method::Post, "/admin/v1/articles/{id}/activate") => {
            help::set_article_status(ctx, id, "activate").await
        }
        (Method::Post, "/admin/v1/articles/{id}/pause") => {
            help::set_article_status(ctx, id, "pause").await
        }
        (Method::Post, "/admin/v1/articles/{id}/archive") => {
            help::set_article_status(ctx, id, "archive").await
        }
        (m, _) => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no route {} {path}", m.as_ref()),
        )),
    }
}

/// Deep health check: the Worker can reach D1 (`SELECT 1`). Also the bench's reference for
/// the cost of one D1 round trip.
async fn health_db(ctx: &mut Ctx) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    struct One {
        #[allow(dead_code)]
        one: i64,
    }
    // Public, and it touches the database: rate-limited like the visitor routes.
    let ip = crate::limits::client_ip(ctx);
    crate::limits::check(ctx, crate::limits::Limit::Ip, format!("health:{ip}")).await?;
    let row: Option<One> = crate::db::first(&ctx.db()?, "SELECT 1 AS one", &[]).await?;
    match row {
        Some(_) => http::json(200, &serde_json::json!({"status": "ok", "db": "ok"})),
        None => Err(crate::internal("SELECT 1 returned nothing")),
    }
}
