//! Visitor sessions: boot, identify, refresh, revoke. Which visitor a caller is is decided in
//! `resolve` (pure pieces in `decide`).

mod decide;
mod fresh;
mod resolve;
mod tokens;

use porchlight_shared::i18n::{Delivery, Locale};
use porchlight_shared::identity::{verify_claims, Claims};
use porchlight_shared::session::{clamp_lifetime, MAX_SESSION_AGE_MS};
use porchlight_shared::token::SessionToken;
use porchlight_shared::types::{BootRequest, IdentifyRequest, VisitorView};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use worker::Response;

use super::eligible::{self, Reads};
use crate::auth;
use crate::db::{self, VisitorRow, WorkspaceRow};
use crate::http::{self, Ctx};
use crate::limits::{self, Limit};
use crate::rand;
use fresh::{boot_body, fresh_guess, saw_session_id};
use resolve::resolve;
pub use tokens::{refresh, revoke};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BootResponse {
    visitor: VisitorView,
    session_token: String,
    expires_at: i64,
    resumed: bool,
    settings: porchlight_shared::types::PublicSettings,
    /// What `GET /v1/eligible` would answer for this session, when the boot asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    eligible: Option<Box<RawValue>>,
    /// The visitor's locale, its direction, and (not English) its strings.
    i18n: Delivery,
}

/// What the widget needs to speak the visitor's language (negotiated by `describe_device`).
fn delivery(v: &VisitorRow) -> Delivery {
    Delivery::of(
        v.locale
            .as_deref()
            .and_then(Locale::from_tag)
            .unwrap_or_default(),
    )
}

fn claims_of(req: &IdentifyRequest) -> Claims<'_> {
    Claims {
        user_id: req.user_id.as_deref(),
        email: req.email.as_deref(),
        user_hash: req.user_hash.as_deref(),
        user_jwt: req.user_jwt.as_deref(),
    }
}

/// The session lifetime to mint with: the workspace's, clamped (a test deployment may lower
/// the floor with `SESSION_LIFETIME_MIN_MS`), and never more than a session's absolute age.
pub fn lifetime_ms(ctx: &Ctx, ws: &WorkspaceRow) -> i64 {
    clamp_lifetime(ws.session_lifetime_ms, min_lifetime_ms(ctx)).min(max_age_ms(ctx))
}

/// How long a session may live across refreshes, from its first boot: 30 days (a test
/// deployment may lower it with `SESSION_MAX_AGE_MS`).
fn max_age_ms(ctx: &Ctx) -> i64 {
    http::env_i64(&ctx.env, "SESSION_MAX_AGE_MS")
        .unwrap_or(MAX_SESSION_AGE_MS)
        .clamp(1000, MAX_SESSION_AGE_MS)
}

pub fn min_lifetime_ms(ctx: &Ctx) -> i64 {
    http::env_i64(&ctx.env, "SESSION_LIFETIME_MIN_MS")
        .unwrap_or(porchlight_shared::session::MIN_LIFETIME_MS)
        .max(1000)
}

/// `POST /v1/boot`: start (or resume, when a live token of this workspace comes along) a
/// visitor session. (The caller's IP was rate-limited before anything was read.)
///
/// One D1 round trip of two statements when it can be: a boot without a token or identity
/// claims, of a workspace this isolate has read, writes its guess (a new anonymous visitor and
/// session) without reading first, only if the stored workspace row is unchanged and nobody
/// holds the sessionId ([`db::FreshGuess`]). Otherwise (or when that guard refused) one batch
/// reads, the reads decide and a second batch writes.
pub async fn boot(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (req, page) = boot_body(ctx).await?;
    let db = ctx.db()?;
    let token = auth::presented_token(ctx);
    let hash = token.as_ref().map(SessionToken::storage_hash);
    let guess = match token {
        None => fresh_guess(ctx, &req)?,
        Some(_) => None,
    };
    // Minting tokens is what an abuser would repeat: limited per anonymous sessionId, before
    // the guess is written (a boot without a token mints one whatever the reads say).
    let mut limited = false;
    if let (Some(_), Some(sid)) = (&guess, &req.session_id) {
        limits::check(ctx, Limit::Boot, format!("{}:{sid}", req.workspace_id)).await?;
        limited = true;
    }
    if let Some(g) = guess {
        let written = db::write_fresh(&db, g.as_guess(), |batch, db| match &page {
            Some(_) => Reads::add(batch, db, &g.workspace.id, &g.visitor.id).map(Some),
            None => Ok(None),
        })
        .await?;
        if let Some((early, mut results)) = written {
            // Written under its guard: the remembered row is the stored one as of now.
            db::remember_workspace(&req.workspace_id, Some(&g.workspace), ctx.now);
            let eligible = match (early, &page) {
                (Some(early), Some(page)) => {
                    let out = g.eligible(early, &mut results, page, ctx.now)?;
                    Some(eligible::preview::apply(&db, &g.workspace, page, out, ctx.now).await?)
                }
                _ => None,
            };
            return g.answer(eligible);
        }
    }
    let reads = db::boot_reads(
        &db,
        &req.workspace_id,
        hash.as_deref(),
        req.session_id.as_deref(),
    )
    .await?;
    db::remember_workspace(&req.workspace_id, reads.workspace.as_ref(), ctx.now);
    let ws = reads.workspace.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, "unknown workspace").at("/workspaceId")
    })?;
    ctx.check_origin(ws.allowed_origins().as_deref())?;
    let ident = req.identity();
    let identity = verify_claims(
        ws.identity_mode(),
        Some(&ws.secrets()),
        &claims_of(&ident),
        ctx.now,
    )?;

    // A live token of this workspace resumes its session; anything else is ignored here (an
    // expired token is exactly the case where the widget re-boots).
    let (resumed, current) = match (token, reads.token_session) {
        (Some(t), Some((s, v))) if s.workspace_id == ws.id && s.expires_at > ctx.now => {
            (Some((t, s)), Some(v))
        }
        _ => (None, reads.anonymous.clone()),
    };
    if resumed.is_none() && !limited {
        if let Some(sid) = &req.session_id {
            limits::check(ctx, Limit::Boot, format!("{}:{sid}", ws.id)).await?;
        }
    }
    let was = current.as_ref().map(|c| c.id.clone());
    let mut r = resolve(&db, ctx.now, &ws, current, &identity, &ident).await?;
    let v = &mut r.visitor;
    if let Some(sid) = &req.session_id {
        decide::record_session_id(v, sid, reads.anonymous.as_ref());
    }
    describe_device(v, &req, &ws);
    if resumed.is_none() && !r.is_new {
        v.session_count += 1;
    }

    let is_resume = resumed.is_some();
    let (token, expires_at) = match resumed {
        Some((token, s)) => (token, s.expires_at),
        None => (
            SessionToken::from_random(rand::bytes::<32>()?),
            ctx.now + lifetime_ms(ctx, &ws),
        ),
    };
    let token_hash = token.storage_hash();
    let session = if is_resume {
        db::bind_session(&db, &token_hash, &r.visitor, identity.verified())?
    } else {
        db::insert_session(
            &db,
            &token_hash,
            &r.visitor,
            ctx.now,
            expires_at,
            identity.verified(),
        )?
    };
    let (late, mut results) = r
        .commit(ctx, &db, &token_hash, session, |batch, db| match &page {
            Some(_) => Reads::add(batch, db, &ws.id, &r.visitor.id).map(Some),
            None => Ok(None),
        })
        .await?;
    let eligible = match (late, &page) {
        (Some(late), Some(page)) => {
            let out = eligible::answer(late, &mut results, page, &ws, ctx.now)?;
            Some(eligible::preview::apply(&db, &ws, page, out, ctx.now).await?)
        }
        _ => None,
    };
    if is_resume {
        r.closing_moved_session(ctx, was.as_deref(), &token_hash)
            .await;
    }
    auth::remember_session(&token_hash, &ws.id, &r.visitor.id);
    if let Some(sid) = &req.session_id {
        saw_session_id(&ws.id, sid);
    }
    http::json(
        200,
        &BootResponse {
            visitor: r.visitor.view()?,
            session_token: token.as_str().to_string(),
            expires_at,
            resumed: is_resume,
            settings: ws.public_settings(),
            eligible,
            i18n: delivery(&r.visitor),
        },
    )
}

/// The device a boot reports, and the visitor's locale it decides (their `language`).
fn describe_device(v: &mut VisitorRow, req: &BootRequest, ws: &WorkspaceRow) {
    if let Some(d) = &req.device {
        v.device = Some(Value::Object(d.clone()).to_string());
    }
    let default = porchlight_shared::i18n::Locale::from_tag(&ws.messenger().default_language)
        .unwrap_or_default();
    let chosen = req.locale(v.locale.as_deref(), default);
    v.locale = Some(chosen.tag().to_string());
}

/// `POST /v1/identify`: claims and attributes for the session's visitor.
pub async fn identify(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let req: IdentifyRequest = ctx.json().await?;
    req.validate()?;
    let db = ctx.db()?;
    let identity = verify_claims(
        a.workspace.identity_mode(),
        Some(&a.workspace.secrets()),
        &claims_of(&req),
        ctx.now,
    )?;
    let current = db::visitor_by_id(&db, &a.workspace.id, &a.session.visitor_id).await?;
    let r = resolve(&db, ctx.now, &a.workspace, current, &identity, &req).await?;
    let token_hash = a.token.storage_hash();
    let session = db::bind_session(&db, &token_hash, &r.visitor, identity.verified())?;
    r.commit(ctx, &db, &token_hash, session, |_, _| Ok(()))
        .await?;
    r.closing_moved_session(ctx, Some(&a.session.visitor_id), &token_hash)
        .await;
    // New attributes may complete checklist tasks: the visitor's open messenger asks again.
    if req.attributes.is_some() {
        crate::hub::notify(
            ctx,
            &a.workspace.id,
            Some(&a.session.visitor_id),
            false,
            json!({"type": "checklists"}),
        );
    }
    http::json(200, &json!({ "visitor": r.visitor.view()? }))
}
