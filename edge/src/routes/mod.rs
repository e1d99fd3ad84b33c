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

const SEGMENT: &str = "/admin/v1/segments/{id}";
const OUTBOUND: &str = "/admin/v1/outbound/{id}";

pub async fn dispatch(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let path = ctx.path.clone();
    match (ctx.method(), path.as_str()) {
        (Method::Get, "/health") => http::json(
            200,
            &serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
        ),
        (Method::Get, "/health/db") => health_db(ctx).await,
        (Method::Post, "/v1/boot") => session::boot(ctx).await,
        (Method::Post, "/v1/identify") => session::identify(ctx).await,
        (Method::Post, "/v1/session/refresh") => session::refresh(ctx).await,
        (Method::Post, "/v1/session/revoke") => session::revoke(ctx).await,
        (Method::Post, "/v1/events") => events::track(ctx).await,
        (Method::Post, "/admin/v1/workspaces") => admin::create_workspace(ctx).await,
        (Method::Get, "/admin/v1/workspace") => admin::get_workspace(ctx).await,
        (Method::Patch, "/admin/v1/workspace") => admin::patch_workspace(ctx).await,
        (Method::Post, "/admin/v1/workspace/identity-secret/rotate") => {
            admin::rotate_identity_secret(ctx).await
        }
        (Method::Get, p) if template_param(p, "/admin/v1/visitors/{id}").is_some() => {
            admin::get_visitor(ctx).await
        }
        (Method::Get, "/v1/articles/search") => help::search(ctx).await,
        (Method::Get, p) if template_param(p, "/v1/articles/{id}").is_some() => {
            help::read(ctx, &id_of(&path, "/v1/articles/{id}")).await
        }
        (Method::Post, p) if template_param(p, "/v1/articles/{id}/feedback").is_some() => {
            help::feedback(ctx, &id_of(&path, "/v1/articles/{id}/feedback")).await
        }
        (Method::Get, "/admin/v1/collections") => help::list_collections(ctx).await,
        (Method::Post, "/admin/v1/collections") => help::create_collection(ctx).await,
        (Method::Get, p) if template_param(p, "/admin/v1/collections/{id}").is_some() => {
            help::get_collection(ctx, &id_of(&path, "/admin/v1/collections/{id}")).await
        }
        (Method::Patch, p) if template_param(p, "/admin/v1/collections/{id}").is_some() => {
            help::patch_collection(ctx, &id_of(&path, "/admin/v1/collections/{id}")).await
        }
        (Method::Delete, p) if template_param(p, "/admin/v1/collections/{id}").is_some() => {
            help::delete_collection(ctx, &id_of(&path, "/admin/v1/collections/{id}")).await
        }
        (Method::Get, "/admin/v1/articles") => help::list_articles(ctx).await,
        (Method::Post, "/admin/v1/articles") => help::create_article(ctx).await,
        (Method::Get, p) if template_param(p, "/admin/v1/articles/{id}").is_some() => {
            help::get_article_admin(ctx, &id_of(&path, "/admin/v1/articles/{id}")).await
        }
        (Method::Patch, p) if template_param(p, "/admin/v1/articles/{id}").is_some() => {
            help::patch_article(ctx, &id_of(&path, "/admin/v1/articles/{id}")).await
        }
        (Method::Delete, p) if template_param(p, "/admin/v1/articles/{id}").is_some() => {
            help::delete_article(ctx, &id_of(&path, "/admin/v1/articles/{id}")).await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/articles/{id}/activate").is_some() => {
            help::set_article_status(
                ctx,
                &id_of(&path, "/admin/v1/articles/{id}/activate"),
                "activate",
            )
            .await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/articles/{id}/pause").is_some() => {
            help::set_article_status(ctx, &id_of(&path, "/admin/v1/articles/{id}/pause"), "pause")
                .await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/articles/{id}/archive").is_some() => {
            help::set_article_status(
                ctx,
                &id_of(&path, "/admin/v1/articles/{id}/archive"),
                "archive",
            )
            .await
        }
        (Method::Get, "/v1/tickets") => tickets::list(ctx).await,
        (Method::Post, "/v1/tickets") => tickets::create(ctx).await,
        (Method::Get, p) if template_param(p, "/v1/tickets/{id}").is_some() => {
            tickets::get(ctx, &id_of(&path, "/v1/tickets/{id}")).await
        }
        (Method::Get, "/v1/eligible") => eligible::eligible(ctx).await,
        (Method::Post, "/v1/impressions") => eligible::record(ctx).await,
        (Method::Get, "/admin/v1/outbound") => {
            outbound::list(ctx, outbound::Family::Outbound).await
        }
        (Method::Post, "/admin/v1/outbound") => {
            outbound::create(ctx, outbound::Family::Outbound).await
        }
        (Method::Get, p) if template_param(p, "/admin/v1/outbound/{id}").is_some() => {
            outbound::get(ctx, outbound::Family::Outbound, &id_of(&path, OUTBOUND)).await
        }
        (Method::Patch, p) if template_param(p, "/admin/v1/outbound/{id}").is_some() => {
            outbound::patch(ctx, outbound::Family::Outbound, &id_of(&path, OUTBOUND)).await
        }
        (Method::Delete, p) if template_param(p, "/admin/v1/outbound/{id}").is_some() => {
            outbound::delete(ctx, outbound::Family::Outbound, &id_of(&path, OUTBOUND)).await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/outbound/{id}/activate").is_some() => {
            outbound::set_status(
                ctx,
                outbound::Family::Outbound,
                &id_of(&path, "/admin/v1/outbound/{id}/activate"),
                "activate",
            )
            .await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/outbound/{id}/pause").is_some() => {
            outbound::set_status(
                ctx,
                outbound::Family::Outbound,
                &id_of(&path, "/admin/v1/outbound/{id}/pause"),
                "pause",
            )
            .await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/outbound/{id}/archive").is_some() => {
            outbound::set_status(
                ctx,
                outbound::Family::Outbound,
                &id_of(&path, "/admin/v1/outbound/{id}/archive"),
                "archive",
            )
            .await
        }
        (Method::Get, "/admin/v1/tooltips") => {
            outbound::list(ctx, outbound::Family::Tooltips).await
        }
        (Method::Post, "/admin/v1/tooltips") => {
            outbound::create(ctx, outbound::Family::Tooltips).await
        }
        (Method::Get, p) if template_param(p, "/admin/v1/tooltips/{id}").is_some() => {
            outbound::get(
                ctx,
                outbound::Family::Tooltips,
                &id_of(&path, "/admin/v1/tooltips/{id}"),
            )
            .await
        }
        (Method::Patch, p) if template_param(p, "/admin/v1/tooltips/{id}").is_some() => {
            outbound::patch(
                ctx,
                outbound::Family::Tooltips,
                &id_of(&path, "/admin/v1/tooltips/{id}"),
            )
            .await
        }
        (Method::Delete, p) if template_param(p, "/admin/v1/tooltips/{id}").is_some() => {
            outbound::delete(
                ctx,
                outbound::Family::Tooltips,
                &id_of(&path, "/admin/v1/tooltips/{id}"),
            )
            .await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/tooltips/{id}/activate").is_some() => {
            outbound::set_status(
                ctx,
                outbound::Family::Tooltips,
                &id_of(&path, "/admin/v1/tooltips/{id}/activate"),
                "activate",
            )
            .await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/tooltips/{id}/pause").is_some() => {
            outbound::set_status(
                ctx,
                outbound::Family::Tooltips,
                &id_of(&path, "/admin/v1/tooltips/{id}/pause"),
                "pause",
            )
            .await
        }
        (Method::Post, p) if template_param(p, "/admin/v1/tooltips/{id}/archive").is_some() => {
            outbound::set_status(
                ctx,
                outbound::Family::Tooltips,
                &id_of(&path, "/admin/v1/tooltips/{id}/archive"),
                "archive",
            )
            .await
        }
        (Method::Get, "/admin/v1/segments") => segments::list(ctx).await,
        (Method::Post, "/admin/v1/segments") => segments::create(ctx).await,
        (Method::Get, p) if template_param(p, "/admin/v1/segments/{id}").is_some() => {
            segments::get(ctx, &id_of(&path, SEGMENT)).await
        }
        (Method::Patch, p) if template_param(p, "/admin/v1/segments/{id}").is_some() => {
            segments::patch(ctx, &id_of(&path, SEGMENT)).await
        }
        (Method::Delete, p) if template_param(p, "/admin/v1/segments/{id}").is_some() => {
            segments::delete(ctx, &id_of(&path, SEGMENT)).await
        }
        (m, p) => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no route {} {p}", m.as_ref()),
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

/// The `{id}` of a one-parameter route template, if `path` fits it (one segment, no `/`).
pub fn template_param<'a>(path: &'a str, template: &str) -> Option<&'a str> {
    let (prefix, suffix) = template.split_once("{id}")?;
    let id = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

fn id_of(path: &str, template: &str) -> String {
    template_param(path, template)
        .unwrap_or_default()
        .to_string()
}
