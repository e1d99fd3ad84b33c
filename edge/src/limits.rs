//! Rate limits, through Workers rate-limit bindings (counted per Cloudflare location and shared
//! by every isolate there, unlike a per-isolate map). Numbers live in wrangler.toml and README.
//!
//! The per-IP limits run before D1 is read (the request pipeline calls [`before_storage`]
//! first), and so does the per-session one (it needs only the token's hash). The per-sessionId
//! boot limit counts only boots that mint a token: a boot without a token counts before its
//! one batch (which may write the new session), a boot with one after its reads, once they
//! show the token does not resume a live session.
//!
//! | binding | key | limit |
//! | --- | --- | --- |
//! | `RL_IP` | route group (`boot`, `visitor`, `health`) + client IP | 300 / 60 s |
//! | `RL_ADMIN` | client IP, every `/admin/` route | 600 / 60 s |
//! | `RL_BOOT` | workspace + anonymous sessionId (boots that mint a token) | 20 / 60 s |
//! | `RL_SESSION` | session token (every token route) | 60 / 60 s |

use porchlight_shared::{ApiError, ErrorCode};
use worker::console_error;

use crate::http::Ctx;

#[derive(Clone, Copy)]
pub enum Limit {
    Ip,
    Admin,
    Boot,
    Session,
}

impl Limit {
    fn binding(self) -> &'static str {
        match self {
            Limit::Ip => "RL_IP",
            Limit::Admin => "RL_ADMIN",
            Limit::Boot => "RL_BOOT",
            Limit::Session => "RL_SESSION",
        }
    }
}

/// The window of every binding above, in seconds (sent as `Retry-After`).
const PERIOD_SECS: u32 = 60;

/// The client's IP as Cloudflare saw it. Never `X-Forwarded-For`, which a client can write.
pub fn client_ip(ctx: &Ctx) -> String {
    ctx.header("CF-Connecting-IP")
        .unwrap_or_else(|| "local".into())
}

/// The pipeline's first limit, before any D1 read: by route group and client IP. Unknown
/// workspaces, forged tokens and wrong keys count here like any other request (their key
/// holds nothing the caller chooses), so rotating them buys nothing. `/health` (no D1) is free.
pub async fn before_storage(ctx: &Ctx) -> Result<(), ApiError> {
    let path = ctx.path.as_str();
    let (limit, group) = if path.starts_with("/admin/") {
        (Limit::Admin, "admin")
    } else if path == "/v1/boot" {
        (Limit::Ip, "boot")
    } else if path.starts_with("/v1/") {
        (Limit::Ip, "visitor")
    } else if path == "/health/db" {
        (Limit::Ip, "health")
    } else {
        return Ok(());
    };
    check(ctx, limit, format!("{group}:{}", client_ip(ctx))).await
}

/// Counts one request against `limit` for `key`; `429 RATE_LIMITED` once it is exhausted.
/// A missing binding is a deployment mistake: logged, and the request is let through rather
/// than locking every visitor out.
pub async fn check(ctx: &Ctx, limit: Limit, key: String) -> Result<(), ApiError> {
    let limiter = match ctx.env.rate_limiter(limit.binding()) {
        Ok(l) => l,
        Err(e) => {
            console_error!("rate limiter {} unavailable: {e}", limit.binding());
            return Ok(());
        }
    };
    match limiter.limit(key).await {
        Ok(outcome) if !outcome.success => {
            let mut err = ApiError::new(
                ErrorCode::RateLimited,
                "too many requests; slow down and retry later",
            );
            err.retry_after_secs = Some(PERIOD_SECS);
            Err(err)
        }
        Ok(_) => Ok(()),
        Err(e) => {
            console_error!("rate limiter {} failed: {e}", limit.binding());
            Ok(())
        }
    }
}
