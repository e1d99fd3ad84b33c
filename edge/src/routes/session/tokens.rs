//! A session token after its boot: rotated (`POST /v1/session/refresh`) or ended (`POST
//! /v1/session/revoke`); the live sockets opened with it follow.

use porchlight_shared::session::session_expiry;
use porchlight_shared::token::SessionToken;
use porchlight_shared::ApiError;
use serde_json::json;
use worker::Response;

use super::{lifetime_ms, max_age_ms};
use crate::auth;
use crate::db::{self, Batch};
use crate::http::{self, Ctx};
use crate::rand;

/// `POST /v1/session/refresh`: a new token with a full lifetime, but never past the session's
/// start plus its absolute age (then the visitor boots a new session); the old token stops
/// working.
pub async fn refresh(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let db = ctx.db()?;
    let token = SessionToken::from_random(rand::bytes::<32>()?);
    let expires_at = session_expiry(
        ctx.now,
        lifetime_ms(ctx, &a.workspace),
        a.session.started_at,
        max_age_ms(ctx),
    );
    db::batch(
        &db,
        db::rotate_session(
            &db,
            &a.token.storage_hash(),
            &token.storage_hash(),
            ctx.now,
            expires_at,
        )?,
    )
    .await?;
    // Sockets opened with the old token follow it, so revoking the new token still closes them,
    // and they now close at the new expiry.
    crate::hub::rekey(
        &ctx.env,
        &a.workspace.id,
        &a.token.storage_hash(),
        &token.storage_hash(),
        expires_at,
    )
    .await;
    http::json(
        200,
        &json!({ "sessionToken": token.as_str(), "expiresAt": expires_at }),
    )
}

/// `POST /v1/session/revoke`: the token stops working (the widget's `shutdown`).
pub async fn revoke(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let db = ctx.db()?;
    let vid = a.session.visitor_id.clone();
    let mut batch = Batch::new();
    batch.write(db::delete_session(&db, &a.token.storage_hash())?);
    // The anonymous sessionId is a credential of this browser: a revoke forgets it, so it
    // resumes nothing any more.
    batch.write(db::forget_session_id(&db, &vid)?);
    let keep = db::visitor_sessions(&mut batch, &db, &vid)?;
    let keep = db::hashes(batch.run(&db).await?.rows(keep)?);
    // Live sockets opened with this token close too, and any of the visitor's sockets tied to
    // a session that no longer exists (one call to the hub).
    crate::hub::close_revoked_sockets(
        &ctx.env,
        &a.workspace.id,
        &a.token.storage_hash(),
        &vid,
        &keep,
    )
    .await;
    http::no_content()
}
