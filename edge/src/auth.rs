//! Who is calling: a visitor (session token), a workspace (secret key), or the deployment
//! (root key). Every route starts here; nothing trusts an id from the body.

use std::cell::RefCell;
use std::collections::HashMap;

use porchlight_shared::token::{bearer, sha256_hex, SecretKey, SessionToken, TeammateKey};
use porchlight_shared::{ApiError, ErrorCode};
use subtle::ConstantTimeEq;
use worker::D1Database;

use crate::db::{self, Batch, Results, SessionRow, WorkspaceRow};
use crate::http::Ctx;

fn not_authenticated(msg: &str) -> ApiError {
    ApiError::new(ErrorCode::NotAuthenticated, msg)
}

fn bearer_of(ctx: &Ctx) -> Option<String> {
    ctx.header("Authorization")
        .and_then(|h| bearer(&h).map(str::to_string))
}

/// A live visitor session resolved from `Authorization: Bearer wst_…`.
pub struct VisitorAuth {
    pub token: SessionToken,
    pub session: SessionRow,
    pub workspace: WorkspaceRow,
}

/// The session token the request presents, if well-formed (not yet checked against D1). Only
/// ever from the header: a URL is logged and kept, so the live sockets take a ticket instead.
pub fn presented_token(ctx: &Ctx) -> Option<SessionToken> {
    bearer_of(ctx).and_then(|b| SessionToken::parse(&b))
}

/// Who answers chats: the workspace's secret key (no teammate) or a teammate's own key.
pub struct Agent {
    pub workspace: WorkspaceRow,
    pub teammate: Option<db::TeammateRow>,
}

/// Resolves `Authorization: Bearer psk_…` or `ptk_…`.
pub async fn agent(ctx: &Ctx) -> Result<Agent, ApiError> {
    let Some(b) = bearer_of(ctx) else {
        return Err(not_authenticated(
            "send a teammate key or the workspace secret key: Authorization: Bearer ptk_… / psk_…",
        ));
    };
    if b.starts_with(TeammateKey::PREFIX) {
        let key =
            TeammateKey::parse(&b).ok_or_else(|| not_authenticated("malformed teammate key"))?;
        let db = ctx.db()?;
        let teammate = db::teammate_by_key_hash(&db, &key.storage_hash())
            .await?
            .ok_or_else(|| not_authenticated("unknown teammate key"))?;
        let workspace = db::workspace_by_id(&db, &teammate.workspace_id)
            .await?
            .ok_or_else(|| not_authenticated("unknown teammate key"))?;
        return Ok(Agent {
            workspace,
            teammate: Some(teammate),
        });
    }
    // The workspace key.
    let workspace = match SecretKey::parse(&b) {
        Some(key) => db::workspace_by_key_hash(&ctx.db()?, &key.storage_hash())
            .await?
            .ok_or_else(|| not_authenticated("unknown secret key"))?,
        None => workspace_admin(ctx).await?,
    };
    Ok(Agent {
        workspace,
        teammate: None,
    })
}

/// Resolves the calling visitor, refusing missing, unknown, revoked and expired tokens and
/// origins the workspace does not allow. One D1 round trip (session joined with workspace).
pub async fn visitor(ctx: &mut Ctx) -> Result<VisitorAuth, ApiError> {
    let found = match presented_token(ctx) {
        Some(token) => {
            limit_session(ctx, &token).await?;
            db::session_with_workspace(&ctx.db()?, &token.storage_hash())
                .await?
                .map(|(session, workspace)| (token, session, workspace))
        }
        None => None,
    };
    checked(ctx, found).await
}

/// The per-session limit, counted before the session is read: a token's hash is known without
/// D1 (a forged token has already counted against the caller's IP in the pipeline).
async fn limit_session(ctx: &Ctx, token: &SessionToken) -> Result<(), ApiError> {
    crate::limits::check(ctx, crate::limits::Limit::Session, token.storage_hash()).await
}

/// [`visitor`], and one more read in the same D1 round trip (a hot path saves one): `sql` gets
/// the token's hash as `?1`, so it can join `widget_sessions` to stay within what the session
/// may see, and `args` from `?2` on. Its first row comes back only if the session is valid.
pub async fn visitor_and<T: for<'a> serde::Deserialize<'a>>(
    ctx: &mut Ctx,
    sql: &str,
    args: &[wasm_bindgen::JsValue],
) -> Result<(VisitorAuth, Option<T>), ApiError> {
    let Some(token) = presented_token(ctx) else {
        return checked(ctx, None).await.map(|a| (a, None));
    };
    limit_session(ctx, &token).await?;
    let db = ctx.db()?;
    let hash = token.storage_hash();
    let mut all = vec![wasm_bindgen::JsValue::from_str(&hash)];
    all.extend_from_slice(args);
    let mut batch = Batch::new();
    let session = batch.read::<db::SessionJoinRow>(db::session_stmt(&db, &hash)?);
    let extra = batch.read::<T>(db::stmt(&db, sql, &all)?);
    let mut results = batch.run(&db).await?;
    let found = db::session_of(results.first(session)?).map(|(s, w)| (token, s, w));
    let auth = checked(ctx, found).await?;
    let extra = results.first(extra)?;
    Ok((auth, extra))
}

thread_local! {
    /// Session token hash → (workspace id, visitor id), as this isolate last saw them: a guess
    /// of what a visitor route will read, so that it reads it in the session's own round trip
    /// ([`visitor_with`]). Never trusted: the session row read in that same batch (one
    /// transaction) must name the same workspace and visitor and pass every check of
    /// [`visitor`], or what was read with the guess is thrown away. A revoked, refreshed-away,
    /// expired or merged session therefore gets nothing from it.
    static SESSIONS: RefCell<HashMap<String, (String, String)>> = RefCell::new(HashMap::new());
}

/// At most this many sessions are remembered per isolate.
const SESSIONS_CAP: usize = 4096;

/// Remembers which workspace and visitor a session token (by hash) speaks for.
pub fn remember_session(hash: &str, workspace: &str, visitor: &str) {
    SESSIONS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= SESSIONS_CAP && !m.contains_key(hash) {
            m.clear();
        }
        m.insert(
            hash.to_string(),
            (workspace.to_string(), visitor.to_string()),
        );
    });
}

fn remembered_session(hash: &str) -> Option<(String, String)> {
    SESSIONS.with(|m| m.borrow().get(hash).cloned())
}

fn forget_session(hash: &str) {
    SESSIONS.with(|m| m.borrow_mut().remove(hash));
}

/// [`visitor`], with reads of the session's workspace and visitor (`add(batch, db, workspace
/// id, visitor id)`) in the session's own D1 round trip when this isolate has seen the session
/// before ([`remember_session`]), else in a second round trip right after the session read.
/// Either way the reads come back only for a session that passed every check.
pub async fn visitor_with<H>(
    ctx: &mut Ctx,
    add: impl Fn(&mut Batch, &D1Database, &str, &str) -> Result<H, ApiError>,
) -> Result<(VisitorAuth, H, Results), ApiError> {
    let Some(token) = presented_token(ctx) else {
        return Err(no_session());
    };
    limit_session(ctx, &token).await?;
    let db = ctx.db()?;
    let hash = token.storage_hash();
    let found = match remembered_session(&hash) {
        Some((ws, vid)) => {
            let mut batch = Batch::new();
            let session = batch.read::<db::SessionJoinRow>(db::session_stmt(&db, &hash)?);
            let extra = add(&mut batch, &db, &ws, &vid)?;
            let mut results = batch.run(&db).await?;
            let found = db::session_of(results.first(session)?);
            if found
                .as_ref()
                .is_some_and(|(s, w)| s.visitor_id == vid && w.id == ws)
            {
                let a = checked(ctx, found.map(|(s, w)| (token, s, w))).await?;
                return Ok((a, extra, results));
            }
            forget_session(&hash);
            found
        }
        None => db::session_with_workspace(&db, &hash).await?,
    };
    let a = checked(ctx, found.map(|(s, w)| (token, s, w))).await?;
    remember_session(&hash, &a.workspace.id, &a.session.visitor_id);
    let mut batch = Batch::new();
    let extra = add(&mut batch, &db, &a.workspace.id, &a.session.visitor_id)?;
    let results = batch.run(&db).await?;
    Ok((a, extra, results))
}

fn no_session() -> ApiError {
    not_authenticated("send a valid session token: Authorization: Bearer wst_…")
}

/// The checks after the session is read: present, not expired, from an allowed origin. (The
/// rate limits ran before the read.)
async fn checked(
    ctx: &mut Ctx,
    found: Option<(SessionToken, SessionRow, WorkspaceRow)>,
) -> Result<VisitorAuth, ApiError> {
    let Some((token, session, workspace)) = found else {
        return Err(no_session());
    };
    if session.expires_at <= ctx.now {
        return Err(ApiError::new(
            ErrorCode::SessionExpired,
            "the session token expired; boot again",
        ));
    }
    ctx.check_origin(workspace.allowed_origins().as_deref())?;
    Ok(VisitorAuth {
        token,
        session,
        workspace,
    })
}

/// Resolves the workspace from `Authorization: Bearer psk_…`.
pub async fn workspace_admin(ctx: &Ctx) -> Result<WorkspaceRow, ApiError> {
    let Some(b) = bearer_of(ctx) else {
        return Err(not_authenticated(
            "send the workspace secret key: Authorization: Bearer psk_…",
        ));
    };
    if b.starts_with(SessionToken::PREFIX) {
        return Err(ApiError::new(
            ErrorCode::NotAuthorized,
            "a visitor session token cannot call the admin API",
        ));
    }
    if b.starts_with(TeammateKey::PREFIX) {
        return Err(ApiError::new(
            ErrorCode::NotAuthorized,
            "a teammate key reaches conversations, visitors and teammates; this route needs the workspace secret key",
        ));
    }
    let key = SecretKey::parse(&b).ok_or_else(|| not_authenticated("malformed secret key"))?;
    db::workspace_by_key_hash(&ctx.db()?, &key.storage_hash())
        .await?
        .ok_or_else(|| not_authenticated("unknown secret key"))
}

/// Checks `Authorization: Bearer <ROOT_KEY>` in constant time (over SHA-256 digests, so the
/// comparison length does not depend on the key).
pub fn root(ctx: &Ctx) -> Result<(), ApiError> {
    let configured = ctx
        .env
        .secret("ROOT_KEY")
        .map(|s| s.to_string())
        .ok()
        .filter(|s| s.len() >= 16);
    let Some(configured) = configured else {
        return Err(ApiError::new(
            ErrorCode::NotAuthorized,
            "no ROOT_KEY is configured for this deployment",
        ));
    };
    let given = bearer_of(ctx)
        .ok_or_else(|| not_authenticated("send the root key: Authorization: Bearer …"))?;
    let ok: bool = sha256_hex(given.as_bytes())
        .as_bytes()
        .ct_eq(sha256_hex(configured.as_bytes()).as_bytes())
        .into();
    if ok {
        Ok(())
    } else {
        Err(not_authenticated("wrong root key"))
    }
}
