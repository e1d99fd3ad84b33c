//! Who is calling: a visitor (session token), a workspace (secret key), or the deployment
//! (root key). Every route starts here; nothing trusts an id from the body.

use porchlight_shared::token::{bearer, sha256_hex, SecretKey, SessionToken, TeammateKey};
use porchlight_shared::{ApiError, ErrorCode};
use subtle::ConstantTimeEq;

use crate::db::{self, SessionRow, WorkspaceRow};
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
    let mut results = db
        .batch(vec![
            db::session_stmt(&db, &hash)?,
            db::stmt(&db, sql, &all)?,
        ])
        .await
        .map_err(crate::internal)?
        .into_iter();
    let (Some(session), Some(extra)) = (results.next(), results.next()) else {
        return Err(ApiError::new(
            ErrorCode::Internal,
            "a batched read is missing",
        ));
    };
    let session = session
        .results::<db::SessionJoinRow>()
        .map_err(crate::internal)?
        .into_iter()
        .next();
    let found = db::session_of(session).map(|(s, w)| (token, s, w));
    let auth = checked(ctx, found).await?;
    let extra = extra
        .results::<T>()
        .map_err(crate::internal)?
        .into_iter()
        .next();
    Ok((auth, extra))
}

/// The checks after the session is read: present, not expired, from an allowed origin. (The
/// rate limits ran before the read.)
async fn checked(
    ctx: &mut Ctx,
    found: Option<(SessionToken, SessionRow, WorkspaceRow)>,
) -> Result<VisitorAuth, ApiError> {
    let Some((token, session, workspace)) = found else {
        return Err(not_authenticated(
            "send a valid session token: Authorization: Bearer wst_…",
        ));
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
