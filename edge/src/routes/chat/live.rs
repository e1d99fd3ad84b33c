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
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use super::*;
use crate::auth::Agent;

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
    db::run(
        &ctx.db()?,
        "INSERT INTO live_tickets (ticket_hash, workspace_id, role, visitor_id, teammate_id, credential_hash, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[s(&ticket.storage_hash()), s(workspace), s(role.as_str()), opt(visitor), opt(teammate), s(credential_hash), n(expires_at), n(ctx.now)],
    )
    .await?;
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

/// A consumed ticket and what it still stands for.
#[derive(Deserialize)]
struct Taken {
    workspace_id: String,
    role: String,
    visitor_id: Option<String>,
    teammate_id: Option<String>,
    credential_hash: String,
    expires_at: i64,
    /// The session the visitor ticket was asked with, if it still exists for that visitor.
    session_expires_at: Option<i64>,
    /// The teammate, if they still exist with the key that asked.
    teammate_name: Option<String>,
    /// 1 when the workspace key that asked is still the workspace's key.
    key_current: Option<i64>,
}

/// Deletes the ticket and reads what it stands for, in one batch (a transaction): of two
/// upgrades presenting the same ticket, only one gets it.
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

async fn take(ctx: &Ctx, role: HubRole) -> Result<Taken, ApiError> {
    let ticket = presented_ticket(ctx)?;
    let db = ctx.db()?;
    let hash = ticket.storage_hash();
    let mut results = db
        .batch(vec![
            db::stmt(
                &db,
                "SELECT t.workspace_id, t.role, t.visitor_id, t.teammate_id, t.credential_hash, t.expires_at, \
                 s.expires_at AS session_expires_at, tm.name AS teammate_name, \
                 CASE WHEN t.teammate_id IS NULL THEN w.secret_key_hash = t.credential_hash END AS key_current \
                 FROM live_tickets t JOIN workspaces w ON w.id = t.workspace_id \
                 LEFT JOIN widget_sessions s ON t.role = 'visitor' AND s.token_hash = t.credential_hash AND s.visitor_id = t.visitor_id \
                 LEFT JOIN teammates tm ON tm.id = t.teammate_id AND tm.workspace_id = t.workspace_id AND tm.key_hash = t.credential_hash \
                 WHERE t.ticket_hash = ?1",
                &[s(&hash)],
            )?,
            db::stmt(
                &db,
                "DELETE FROM live_tickets WHERE ticket_hash = ?1 RETURNING ticket_hash",
                &[s(&hash)],
            )?,
        ])
        .await
        .map_err(crate::internal)?
        .into_iter();
    let (Some(read), Some(deleted)) = (results.next(), results.next()) else {
        return Err(crate::internal("a batched statement is missing"));
    };
    #[derive(Deserialize)]
    struct Hash {
        #[allow(dead_code)]
        ticket_hash: String,
    }
    let deleted_here = !deleted
        .results::<Hash>()
        .map_err(crate::internal)?
        .is_empty();
    let taken = read
        .results::<Taken>()
        .map_err(crate::internal)?
        .into_iter()
        .next()
        .filter(|_| deleted_here)
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
