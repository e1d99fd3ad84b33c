//! Porchlight's edge: the visitor and admin API as a Cloudflare Worker.
//!
//! `fetch` is the only door: [`pipeline`] routes, rate-limits and calls the route's handler;
//! every error leaves as the JSON envelope. Decisions are made by `porchlight_shared`.

mod auth;
mod db;
mod http;
mod hub;
mod limits;
mod rand;
mod routes;

use porchlight_shared::{ApiError, ErrorCode};
use worker::*;

pub use http::Ctx;
pub use hub::Hub;

#[event(fetch)]
async fn fetch(req: Request, env: Env, worker_ctx: Context) -> Result<Response> {
    let mut ctx = http::Ctx::new(req, env);
    let response = match pipeline(&mut ctx).await {
        Ok(r) => r,
        Err(e) => error_response(&ctx, &e),
    };
    // Best-effort work after the answer (the runtime keeps the request alive for it):
    // announcements to the live hub, so no sender waits for the hub.
    let announcements = ctx.announcements.take();
    if !announcements.is_empty() {
        worker_ctx.wait_until(hub::post_announcements(ctx.env.clone(), announcements));
    }
    http::finish(&ctx, response)
}

/// The request pipeline, one step per line: CORS preflight → route (`404` / `405` before
/// anything is read) → rate limit by client IP (before any storage read) → the route's
/// handler, which authenticates (`auth`), reads the body within its limit (`Ctx::json`:
/// `413` past 64 KiB, before parsing), checks the origin against the workspace's allowlist,
/// asks `porchlight_shared` for the decision and writes in one D1 batch (`db`). CORS headers
/// go on in `http::finish`.
async fn pipeline(ctx: &mut http::Ctx) -> std::result::Result<Response, ApiError> {
    if ctx.method() == Method::Options {
        return Ok(http::preflight(ctx));
    }
    // The request's own method word: `worker` reads one it has no variant for as GET.
    let method = ctx.req.inner().method().to_ascii_uppercase();
    let routed = routes::find(&method, &ctx.path)?;
    limits::before_storage(ctx).await?;
    routes::run(ctx, routed).await
}

/// The JSON envelope of an error; a `405` names the path's methods in `Allow`.
fn error_response(ctx: &http::Ctx, e: &ApiError) -> Response {
    if e.code == ErrorCode::Internal {
        console_error!(
            "internal error on {} {}: {}",
            ctx.method().as_ref(),
            ctx.path,
            e.message
        );
    }
    let mut response = http::error_response(e);
    if e.code == ErrorCode::MethodNotAllowed {
        if let Some(allow) = routes::allow_header(&ctx.path) {
            let _ = response.headers_mut().set("Allow", &allow);
        }
    }
    response
}

/// Anonymous visitors idle this long (and with no conversation or ticket) are deleted with
/// their data by the hourly job (README "Security": retention).
pub const ANONYMOUS_VISITOR_RETENTION_MS: i64 = 90 * DAY_MS;
/// Tracked events older than this are dropped; their counts stay in the counters.
pub const EVENT_RETENTION_MS: i64 = 180 * DAY_MS;
const DAY_MS: i64 = 24 * 3600 * 1000;
/// Anonymous visitors deleted per hourly run, at most (one transaction).
const RETENTION_BATCH: i64 = 500;

/// Hourly: conversations idle past their workspace's `autoCloseAfterHours` close, unused live tickets past their expiry go, sessions that expired longer ago than the retention window are deleted
/// (until then an old token still answers `SESSION_EXPIRED` rather than `NOT_AUTHENTICATED`),
/// and the retention rules above run.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let now = http::now_ms();
    let retention =
        http::env_i64(&env, "EXPIRED_SESSION_RETENTION_MS").unwrap_or(7 * 24 * 3600 * 1000);
    match env.d1("DB") {
        Ok(d) => {
            if let Err(e) = db::delete_expired_sessions(&d, now - retention).await {
                console_error!("session cleanup failed: {}", e.message);
            }
            let idle_before = now - ANONYMOUS_VISITOR_RETENTION_MS;
            let events_before = now - EVENT_RETENTION_MS;
            if let Err(e) =
                db::apply_retention(&d, idle_before, events_before, RETENTION_BATCH).await
            {
                console_error!("retention failed: {}", e.message);
            }
            if let Err(e) = db::auto_close_conversations(&d, now).await {
                console_error!("conversation auto-close failed: {}", e.message);
            }
            if let Err(e) = db::delete_expired_tickets(&d, now).await {
                console_error!("live ticket cleanup failed: {}", e.message);
            }
        }
        Err(e) => console_error!("no DB binding: {e}"),
    }
}

/// Maps a worker/D1 error to INTERNAL without leaking its text to the client.
pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("{e}"))
}
