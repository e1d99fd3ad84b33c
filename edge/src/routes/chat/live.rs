//! The live sockets (`GET /v1/live`, `/admin/v1/live`) and the tickets that open them.
//!
//! Browsers cannot set headers on a WebSocket, so its credential travels in the URL, where
//! proxies, logs and the browser's history may keep it. That credential is never a session
//! token or a key: the client first asks for a ticket with its credential in the
//! `Authorization` header (`POST /v1/live/ticket`, `/admin/v1/live/ticket`), then opens
//! `…/live?ticket=lvt_…`. A ticket is stored hashed, lives [`TICKET_TTL_MS`], and the upgrade
//! deletes it (`DELETE … RETURNING`, in one batch with the read of what it stands for): it
//! opens one socket, once, and only while the credential that asked for it is still current.

use porchlight_shared::token::{bearer, LiveTicket, SecretKey, TeammateKey};
use porchlight_shared::vocab::HubRole;
use porchlight_shared::{ApiError, ErrorCode};
use serde_json::json;
use worker::Response;

use crate::auth;
use crate::auth::Agent;
use crate::db;
use crate::http;
use crate::http::Ctx;
use crate::hub;
use crate::rand;
use worker::Headers;
use worker::Method;
use worker::Request;
use worker::RequestInit;

/// How long a ticket opens a socket: long enough for a slow network to connect, too short to
/// be worth stealing (and it works once). A test deployment may shorten it
/// (`LIVE_TICKET_TTL_MS`, 1 s – 30 s).
pub const TICKET_TTL_MS: i64 = 30_000;

fn ticket_ttl_ms(ctx: &Ctx) -> i64 {
    http::env_i64(&ctx.env, "LIVE_TICKET_TTL_MS")
        .unwrap_or(TICKET_TTL_MS)
        .clamp(1000, TICKET_TTL_MS)
}

fn refused(msg: &str) -> ApiError {
    ApiError::new(ErrorCode::NotAuthenticated, msg)
}

/// Stores a new ticket and answers `{ticket, expiresAt}`.
async fn mint(
    ctx: &Ctx,
    workspace: &str,
    role: HubRole,
    visitor: Option<&str>,
    teammate: Option<&str>,
    credential_hash: &str,
) -> Result<Response, ApiError> {
    let ticket = LiveTicket::from_random(rand::bytes::<32>()?);
    let expires_at = ctx.now + ticket_ttl_ms(ctx);
    let new = db::NewTicket {
        ticket_hash: &ticket.storage_hash(),
        role,
        visitor,
        teammate,
        credential_hash,
        expires_at,
    };
    db::insert_live_ticket(&ctx.db()?, workspace, &new, ctx.now).await?;
    http::json(
        200,
        &json!({"ticket": ticket.as_str(), "expiresAt": expires_at}),
    )
}

/// `POST /v1/live/ticket` (session token): a ticket for the visitor's socket.
pub async fn ticket(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    mint(
        ctx,
        &a.workspace.id,
        HubRole::Visitor,
        Some(&a.session.visitor_id),
        None,
        &a.token.storage_hash(),
    )
    .await
}

/// `POST /admin/v1/live/ticket` (teammate key or workspace key): a ticket for an agent socket.
pub async fn admin_ticket(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let Agent {
        workspace,
        teammate,
    } = auth::agent(ctx).await?;
    // `agent` accepted the header's key: its hash is what the ticket depends on.
    let presented = ctx.header("Authorization").unwrap_or_default();
    let key = bearer(&presented).unwrap_or_default();
    let credential = match &teammate {
        Some(_) => TeammateKey::parse(key).map(|k| k.storage_hash()),
        None => SecretKey::parse(key).map(|k| k.storage_hash()),
    }
    .ok_or_else(|| refused("send a teammate key or the workspace secret key"))?;
    let teammate = teammate.map(|t| t.id);
    mint(
        ctx,
        &workspace.id,
        HubRole::Agent,
        None,
        teammate.as_deref(),
        &credential,
    )
    .await
}

/// The `?ticket=` the socket presents: without one the caller is not authenticated (`401`,
/// before any question about the upgrade itself, as on every other route).
fn presented_ticket(ctx: &Ctx) -> Result<LiveTicket, ApiError> {
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    url.query_pairs()
        .find(|(k, _)| k == "ticket")
        .and_then(|(_, v)| LiveTicket::parse(&v))
        .ok_or_else(|| {
            refused("open the socket with ?ticket=… from POST /v1/live/ticket or /admin/v1/live/ticket; tokens and keys never go in a URL")
        })
}

/// Spends the presented ticket on a socket of `role`.
async fn take(ctx: &Ctx, role: HubRole) -> Result<db::TakenTicket, ApiError> {
    let ticket = presented_ticket(ctx)?;
    let db = ctx.db()?;
    let hash = ticket.storage_hash();
    let taken = db::take_live_ticket(&db, &hash)
        .await?
        .ok_or_else(|| refused("unknown or already used ticket"))?;
    if taken.expires_at <= ctx.now {
        return Err(refused("the ticket expired; ask for a new one"));
    }
    if taken.role != role.as_str() {
        return Err(refused("this ticket opens another kind of socket"));
    }
    Ok(taken)
}

/// Refuses anything but a WebSocket upgrade (before a ticket is spent on it).
fn check_upgrade(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx
        .header("Upgrade")
        .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
    {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "",
            "this route speaks WebSocket (Upgrade: websocket)",
        ))
    }
}

/// `GET /v1/live?ticket=…`: the visitor's socket, while the session that asked for the ticket
/// lives.
pub async fn live(ctx: &mut Ctx) -> Result<Response, ApiError> {
    presented_ticket(ctx)?;
    check_upgrade(ctx)?;
    let t = take(ctx, HubRole::Visitor).await?;
    let (Some(visitor), Some(session_expires)) = (&t.visitor_id, t.session_expires_at) else {
        return Err(refused("the session that asked for this ticket is gone"));
    };
    if session_expires <= ctx.now {
        return Err(ApiError::new(
            ErrorCode::SessionExpired,
            "the session token expired; boot again",
        ));
    }
    connect(
        ctx,
        &t.workspace_id,
        (HubRole::Visitor, visitor, ""),
        &t.credential_hash,
        session_expires,
    )
    .await
}

/// `GET /admin/v1/live?ticket=…`: a teammate's socket (or the workspace key's, read-only).
pub async fn admin_live(ctx: &mut Ctx) -> Result<Response, ApiError> {
    presented_ticket(ctx)?;
    check_upgrade(ctx)?;
    let t = take(ctx, HubRole::Agent).await?;
    let (id, name) = match (&t.teammate_id, &t.teammate_name) {
        (Some(id), Some(name)) => (id.clone(), name.clone()),
        (None, _) if t.key_current == Some(1) => (String::new(), "Team".to_string()),
        _ => {
            return Err(refused(
                "the key that asked for this ticket no longer works",
            ))
        }
    };
    connect(
        ctx,
        &t.workspace_id,
        (HubRole::Agent, &id, &name),
        &t.credential_hash,
        0,
    )
    .await
}

/// Hands the upgrade to the workspace's hub. `who` is the role, id and name of the socket;
/// `credential` the hash of the session token or key it was opened with (revoking, refreshing
/// or rotating it reaches the socket); `expires` when its session ends (0: never), when the hub
/// closes it.
async fn connect(
    ctx: &Ctx,
    ws: &str,
    (role, id, name): (HubRole, &str, &str),
    credential: &str,
    expires: i64,
) -> Result<Response, ApiError> {
    let mut url = worker::Url::parse("https://hub/connect").map_err(crate::internal)?;
    url.query_pairs_mut()
        .append_pair("role", role.as_str())
        .append_pair("id", id)
        .append_pair("name", name)
        .append_pair("session", credential)
        .append_pair("expires", &expires.to_string());
    let headers = Headers::new();
    headers
        .set("Upgrade", "websocket")
        .map_err(crate::internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let req = Request::new_with_init(url.as_str(), &init).map_err(crate::internal)?;
    hub::stub(&ctx.env, ws)
        .map_err(crate::internal)?
        .fetch_with_request(req)
        .await
        .map_err(crate::internal)
}
