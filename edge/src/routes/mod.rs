//! Route table: one module per resource.

mod admin;
mod chat;
mod eligible;
mod events;
mod help;
mod items;
mod progress;
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
    "/admin/v1/tours/",
    "/admin/v1/surveys/",
    "/admin/v1/checklists/",
    "/v1/tours/",
    "/v1/surveys/",
    "/v1/checklists/",
    "/admin/v1/collections/",
    "/admin/v1/articles/",
    "/v1/tickets/",
    "/v1/conversations/",
    "/admin/v1/conversations/",
    "/admin/v1/teammates/",
    "/v1/articles/",
];

/// The route template of a path and the ids in it: `/admin/v1/outbound/out_1/pause` →
/// (`/admin/v1/outbound/{id}/pause`, `out_1`, ""); `/v1/checklists/chk_1/tasks/t1` →
/// (`/v1/checklists/{id}/tasks/{taskId}`, `chk_1`, `t1`). Paths without an item id come back
/// unchanged.
pub fn route_of(path: &str) -> (String, &str, &str) {
    for base in WITH_IDS {
        if let Some(rest) = path.strip_prefix(base) {
            let (id, tail) = rest
                .split_once('/')
                .map_or((rest, None), |(i, t)| (i, Some(t)));
            if !id.is_empty() {
                if let Some(task) = tail.and_then(|t| t.strip_prefix("tasks/")) {
                    if *base == "/v1/checklists/" && !task.is_empty() && !task.contains('/') {
                        return (format!("{base}{{id}}/tasks/{{taskId}}"), id, task);
                    }
                }
                let template = match tail {
                    Some(t) => format!("{base}{{id}}/{t}"),
                    None => format!("{base}{{id}}"),
                };
                return (template, id, "");
            }
        }
    }
    (path.to_string(), "", "")
}

/// Every path the route table answers, with its methods: a known path asked with another method
/// is `405 METHOD_NOT_ALLOWED` with `Allow`, an unknown path `404`. tests/api/openapi.test.mjs
/// holds this list to the arms of [`dispatch`]: a new route goes in both.
const ALLOW: &[(&str, &str)] = &[
    ("/health", "GET"),
    ("/health/db", "GET"),
    ("/v1/boot", "POST"),
    ("/v1/identify", "POST"),
    ("/v1/session/refresh", "POST"),
    ("/v1/session/revoke", "POST"),
    ("/v1/events", "POST"),
    ("/v1/eligible", "GET"),
    ("/v1/impressions", "POST"),
    ("/v1/articles/search", "GET"),
    ("/v1/tickets", "GET, POST"),
    ("/v1/conversations", "GET, POST"),
    ("/v1/live", "GET"),
    ("/v1/live/ticket", "POST"),
    ("/admin/v1/live", "GET"),
    ("/admin/v1/live/ticket", "POST"),
    ("/admin/v1/live/stats", "GET"),
    ("/admin/v1/conversations", "GET"),
    ("/admin/v1/teammates", "GET, POST"),
    ("/admin/v1/workspaces", "POST"),
    ("/admin/v1/workspace", "GET, PATCH"),
    ("/admin/v1/workspace/identity-secret/rotate", "POST"),
    ("/admin/v1/workspace/secret-key/rotate", "POST"),
    ("/admin/v1/segments", "GET, POST"),
    ("/admin/v1/outbound", "GET, POST"),
    ("/admin/v1/tooltips", "GET, POST"),
    ("/admin/v1/tours", "GET, POST"),
    ("/admin/v1/surveys", "GET, POST"),
    ("/admin/v1/checklists", "GET, POST"),
    ("/admin/v1/collections", "GET, POST"),
    ("/admin/v1/articles", "GET, POST"),
    ("/v1/conversations/{id}/messages", "GET, POST"),
    ("/v1/conversations/{id}/read", "POST"),
    ("/v1/conversations/{id}/csat", "POST"),
    ("/admin/v1/conversations/{id}/messages", "GET, POST"),
    ("/admin/v1/conversations/{id}/read", "POST"),
    ("/admin/v1/conversations/{id}/close", "POST"),
    ("/admin/v1/conversations/{id}/assign", "POST"),
    ("/admin/v1/teammates/{id}", "DELETE"),
    ("/v1/tickets/{id}", "GET"),
    ("/v1/articles/{id}", "GET"),
    ("/v1/articles/{id}/feedback", "POST"),
    ("/admin/v1/visitors/{id}", "GET"),
    ("/admin/v1/segments/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/outbound/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/outbound/{id}/activate", "POST"),
    ("/admin/v1/outbound/{id}/pause", "POST"),
    ("/admin/v1/outbound/{id}/archive", "POST"),
    ("/admin/v1/tooltips/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/tooltips/{id}/activate", "POST"),
    ("/admin/v1/tooltips/{id}/pause", "POST"),
    ("/admin/v1/tooltips/{id}/archive", "POST"),
    ("/admin/v1/surveys/{id}/results", "GET"),
    ("/v1/tours/{id}/progress", "POST"),
    ("/v1/surveys/{id}/responses", "POST"),
    ("/v1/checklists/{id}/tasks/{taskId}", "POST"),
    ("/admin/v1/tours/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/tours/{id}/activate", "POST"),
    ("/admin/v1/tours/{id}/pause", "POST"),
    ("/admin/v1/tours/{id}/archive", "POST"),
    ("/admin/v1/surveys/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/surveys/{id}/activate", "POST"),
    ("/admin/v1/surveys/{id}/pause", "POST"),
    ("/admin/v1/surveys/{id}/archive", "POST"),
    ("/admin/v1/checklists/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/checklists/{id}/activate", "POST"),
    ("/admin/v1/checklists/{id}/pause", "POST"),
    ("/admin/v1/checklists/{id}/archive", "POST"),
    ("/admin/v1/collections/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/articles/{id}", "GET, PATCH, DELETE"),
    ("/admin/v1/articles/{id}/activate", "POST"),
    ("/admin/v1/articles/{id}/pause", "POST"),
    ("/admin/v1/articles/{id}/archive", "POST"),
];

/// The answer for a request no arm took: `405` + `Allow` on a known path, else `404`.
fn unrouted(method: &str, path: &str, route: &str) -> Result<Response, ApiError> {
    let known = |p: &str| ALLOW.iter().find(|(q, _)| *q == p).map(|(_, m)| *m);
    let Some(methods) = known(path).or_else(|| known(route)) else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no route {method} {path}"),
        ));
    };
    // OPTIONS (CORS preflight) is answered for every path before dispatch.
    let allow = format!("{methods}, OPTIONS");
    let mut response = http::error_response(&ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on {path}; allowed: {allow}"),
    ));
    let _ = response.headers_mut().set("Allow", &allow);
    Ok(response)
}

pub async fn dispatch(ctx: &mut Ctx) -> Result<Response, ApiError> {
    use items::Family::{Checklists, Outbound, Surveys, Tooltips, Tours};
    let path = ctx.path.clone();
    // `worker` reads a method it has no variant for (QUERY, PROPFIND…) as GET: never route one.
    let method = ctx.req.inner().method().to_ascii_uppercase();
    if method != ctx.method().as_ref() {
        let (route, _, _) = route_of(&path);
        return unrouted(&method, &path, &route);
    }
    // Limits before storage: every request that may read D1 counts against its client IP
    // first, so unknown workspaces, forged tokens and wrong keys cost the caller, not D1.
    crate::limits::before_storage(ctx).await?;
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
        (Method::Get, "/v1/conversations") => return chat::list_mine(ctx).await,
        (Method::Post, "/v1/conversations") => return chat::start(ctx).await,
        (Method::Post, "/v1/live/ticket") => return chat::ticket(ctx).await,
        (Method::Get, "/v1/live") => return chat::live(ctx).await,
        (Method::Post, "/admin/v1/live/ticket") => return chat::admin_ticket(ctx).await,
        (Method::Get, "/admin/v1/live") => return chat::admin_live(ctx).await,
        (Method::Get, "/admin/v1/live/stats") => return chat::admin_live_stats(ctx).await,
        (Method::Get, "/admin/v1/conversations") => return chat::admin_list(ctx).await,
        (Method::Get, "/admin/v1/teammates") => return chat::list_teammates(ctx).await,
        (Method::Post, "/admin/v1/teammates") => return chat::create_teammate(ctx).await,
        (Method::Post, "/admin/v1/workspaces") => return admin::create_workspace(ctx).await,
        (Method::Get, "/admin/v1/workspace") => return admin::get_workspace(ctx).await,
        (Method::Patch, "/admin/v1/workspace") => return admin::patch_workspace(ctx).await,
        (Method::Post, "/admin/v1/workspace/identity-secret/rotate") => {
            return admin::rotate_identity_secret(ctx).await
        }
        (Method::Post, "/admin/v1/workspace/secret-key/rotate") => {
            return admin::rotate_secret_key(ctx).await
        }
        (Method::Get, "/admin/v1/segments") => return segments::list(ctx).await,
        (Method::Post, "/admin/v1/segments") => return segments::create(ctx).await,
        (Method::Get, "/admin/v1/outbound") => return items::list(ctx, Outbound).await,
        (Method::Post, "/admin/v1/outbound") => return items::create(ctx, Outbound).await,
        (Method::Get, "/admin/v1/tooltips") => return items::list(ctx, Tooltips).await,
        (Method::Post, "/admin/v1/tooltips") => return items::create(ctx, Tooltips).await,
        (Method::Get, "/admin/v1/tours") => return items::list(ctx, Tours).await,
        (Method::Post, "/admin/v1/tours") => return items::create(ctx, Tours).await,
        (Method::Get, "/admin/v1/surveys") => return items::list(ctx, Surveys).await,
        (Method::Post, "/admin/v1/surveys") => return items::create(ctx, Surveys).await,
        (Method::Get, "/admin/v1/checklists") => return items::list(ctx, Checklists).await,
        (Method::Post, "/admin/v1/checklists") => return items::create(ctx, Checklists).await,
        (Method::Get, "/admin/v1/collections") => return help::list_collections(ctx).await,
        (Method::Post, "/admin/v1/collections") => return help::create_collection(ctx).await,
        (Method::Get, "/admin/v1/articles") => return help::list_articles(ctx).await,
        (Method::Post, "/admin/v1/articles") => return help::create_article(ctx).await,
        _ => {}
    }
    let (route, id, sub) = route_of(&path);
    match (ctx.method(), route.as_str()) {
        (Method::Get, "/v1/conversations/{id}/messages") => chat::messages(ctx, id).await,
        (Method::Post, "/v1/conversations/{id}/messages") => chat::send(ctx, id).await,
        (Method::Post, "/v1/conversations/{id}/read") => chat::read(ctx, id).await,
        (Method::Post, "/v1/conversations/{id}/csat") => chat::csat(ctx, id).await,
        (Method::Get, "/admin/v1/conversations/{id}/messages") => {
            chat::admin_messages(ctx, id).await
        }
        (Method::Post, "/admin/v1/conversations/{id}/messages") => chat::admin_send(ctx, id).await,
        (Method::Post, "/admin/v1/conversations/{id}/read") => chat::admin_read(ctx, id).await,
        (Method::Post, "/admin/v1/conversations/{id}/close") => chat::admin_close(ctx, id).await,
        (Method::Post, "/admin/v1/conversations/{id}/assign") => chat::admin_assign(ctx, id).await,
        (Method::Delete, "/admin/v1/teammates/{id}") => chat::delete_teammate(ctx, id).await,
        (Method::Get, "/v1/tickets/{id}") => tickets::get(ctx, id).await,
        (Method::Get, "/v1/articles/{id}") => help::read(ctx, id).await,
        (Method::Post, "/v1/articles/{id}/feedback") => help::feedback(ctx, id).await,
        (Method::Get, "/admin/v1/visitors/{id}") => admin::get_visitor(ctx, id).await,
        (Method::Get, "/admin/v1/segments/{id}") => segments::get(ctx, id).await,
        (Method::Patch, "/admin/v1/segments/{id}") => segments::patch(ctx, id).await,
        (Method::Delete, "/admin/v1/segments/{id}") => segments::delete(ctx, id).await,
        (Method::Get, "/admin/v1/outbound/{id}") => items::get(ctx, Outbound, id).await,
        (Method::Patch, "/admin/v1/outbound/{id}") => items::patch(ctx, Outbound, id).await,
        (Method::Delete, "/admin/v1/outbound/{id}") => items::delete(ctx, Outbound, id).await,
        (Method::Post, "/admin/v1/outbound/{id}/activate") => {
            items::set_status(ctx, Outbound, id, "activate").await
        }
        (Method::Post, "/admin/v1/outbound/{id}/pause") => {
            items::set_status(ctx, Outbound, id, "pause").await
        }
        (Method::Post, "/admin/v1/outbound/{id}/archive") => {
            items::set_status(ctx, Outbound, id, "archive").await
        }
        (Method::Get, "/admin/v1/tooltips/{id}") => items::get(ctx, Tooltips, id).await,
        (Method::Patch, "/admin/v1/tooltips/{id}") => items::patch(ctx, Tooltips, id).await,
        (Method::Delete, "/admin/v1/tooltips/{id}") => items::delete(ctx, Tooltips, id).await,
        (Method::Post, "/admin/v1/tooltips/{id}/activate") => {
            items::set_status(ctx, Tooltips, id, "activate").await
        }
        (Method::Post, "/admin/v1/tooltips/{id}/pause") => {
            items::set_status(ctx, Tooltips, id, "pause").await
        }
        (Method::Post, "/admin/v1/tooltips/{id}/archive") => {
            items::set_status(ctx, Tooltips, id, "archive").await
        }
        (Method::Get, "/admin/v1/surveys/{id}/results") => progress::results(ctx, id).await,
        (Method::Post, "/v1/tours/{id}/progress") => progress::tour(ctx, id).await,
        (Method::Post, "/v1/surveys/{id}/responses") => progress::respond(ctx, id).await,
        (Method::Post, "/v1/checklists/{id}/tasks/{taskId}") => progress::task(ctx, id, sub).await,
        (Method::Get, "/admin/v1/tours/{id}") => items::get(ctx, Tours, id).await,
        (Method::Patch, "/admin/v1/tours/{id}") => items::patch(ctx, Tours, id).await,
        (Method::Delete, "/admin/v1/tours/{id}") => items::delete(ctx, Tours, id).await,
        (Method::Post, "/admin/v1/tours/{id}/activate") => {
            items::set_status(ctx, Tours, id, "activate").await
        }
        (Method::Post, "/admin/v1/tours/{id}/pause") => {
            items::set_status(ctx, Tours, id, "pause").await
        }
        (Method::Post, "/admin/v1/tours/{id}/archive") => {
            items::set_status(ctx, Tours, id, "archive").await
        }
        (Method::Get, "/admin/v1/surveys/{id}") => items::get(ctx, Surveys, id).await,
        (Method::Patch, "/admin/v1/surveys/{id}") => items::patch(ctx, Surveys, id).await,
        (Method::Delete, "/admin/v1/surveys/{id}") => items::delete(ctx, Surveys, id).await,
        (Method::Post, "/admin/v1/surveys/{id}/activate") => {
            items::set_status(ctx, Surveys, id, "activate").await
        }
        (Method::Post, "/admin/v1/surveys/{id}/pause") => {
            items::set_status(ctx, Surveys, id, "pause").await
        }
        (Method::Post, "/admin/v1/surveys/{id}/archive") => {
            items::set_status(ctx, Surveys, id, "archive").await
        }
        (Method::Get, "/admin/v1/checklists/{id}") => items::get(ctx, Checklists, id).await,
        (Method::Patch, "/admin/v1/checklists/{id}") => items::patch(ctx, Checklists, id).await,
        (Method::Delete, "/admin/v1/checklists/{id}") => items::delete(ctx, Checklists, id).await,
        (Method::Post, "/admin/v1/checklists/{id}/activate") => {
            items::set_status(ctx, Checklists, id, "activate").await
        }
        (Method::Post, "/admin/v1/checklists/{id}/pause") => {
            items::set_status(ctx, Checklists, id, "pause").await
        }
        (Method::Post, "/admin/v1/checklists/{id}/archive") => {
            items::set_status(ctx, Checklists, id, "archive").await
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
        (m, _) => unrouted(m.as_ref(), &path, &route),
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
    // Public, and it touches the database: rate-limited per IP by the pipeline.
    let row: Option<One> = crate::db::first(&ctx.db()?, "SELECT 1 AS one", &[]).await?;
    match row {
        Some(_) => http::json(200, &serde_json::json!({"status": "ok", "db": "ok"})),
        None => Err(crate::internal("SELECT 1 returned nothing")),
    }
}
