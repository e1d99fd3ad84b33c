//! What a boot asks beyond [`BootRequest`], and the fresh visitor a boot guesses it mints.

use std::cell::RefCell;
use std::collections::HashSet;

use porchlight_shared::identity::verify_claims;
use porchlight_shared::token::{sha256_hex, SessionToken};
use porchlight_shared::types::BootRequest;
use porchlight_shared::ApiError;
use serde_json::value::RawValue;
use worker::Response;

use super::resolve::new_visitor;
use super::{claims_of, decide, delivery, describe_device, lifetime_ms, BootResponse};
use crate::auth;
use crate::db::{self, VisitorRow, WorkspaceRow};
use crate::http::{self, Ctx};
use crate::rand;
use crate::routes::eligible::{self, Page, Reads};

/// A boot may ask for the visitor's eligible content in the same answer (`eligible`, the query
/// of `GET /v1/eligible`: `{url, bs, debug}`): a widget that boots then asks saves a request.
/// Parsed apart from [`BootRequest`] (whose unknown fields are ignored), and only when the body
/// names it.
#[derive(serde::Deserialize)]
struct BootExtras {
    eligible: Option<EligibleAsk>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EligibleAsk {
    url: Option<String>,
    bs: Option<String>,
    debug: Option<bool>,
    /// A preview link's token (`routes::previews`).
    preview: Option<String>,
}

/// The request's boot fields and, if asked, the page it wants eligible content for.
pub async fn boot_body(ctx: &mut Ctx) -> Result<(BootRequest, Option<Page>), ApiError> {
    let raw: Box<RawValue> = ctx.json().await?;
    let req: BootRequest = http::parse_json(raw.get().as_bytes())?;
    req.validate()?;
    if !raw.get().contains("\"eligible\"") {
        return Ok((req, None));
    }
    let extras: BootExtras = http::parse_json(raw.get().as_bytes())?;
    let page = match extras.eligible {
        Some(e) => {
            let mut page = Page::checked(
                e.url.unwrap_or_default(),
                e.bs.as_deref().unwrap_or_default(),
                e.debug.unwrap_or(false),
                "/eligible",
                ctx.now,
            )?;
            if e.preview.is_some() {
                page.preview = e.preview;
            }
            Some(page)
        }
        None => None,
    };
    Ok((req, page))
}

/// A boot that would mint a new anonymous visitor, decided from the remembered workspace row.
pub struct Fresh {
    pub workspace: WorkspaceRow,
    pub visitor: VisitorRow,
    token: SessionToken,
    token_hash: String,
    expires_at: i64,
}

impl Fresh {
    pub fn as_guess(&self) -> db::FreshGuess<'_> {
        db::FreshGuess {
            workspace: &self.workspace,
            visitor: &self.visitor,
            token_hash: &self.token_hash,
            expires_at: self.expires_at,
        }
    }

    pub fn eligible(
        &self,
        reads: Reads,
        results: &mut db::Results,
        page: &Page,
        now: i64,
    ) -> Result<Box<RawValue>, ApiError> {
        eligible::answer(reads, results, page, &self.workspace, now)
    }

    pub fn answer(self, eligible: Option<Box<RawValue>>) -> Result<Response, ApiError> {
        auth::remember_session(&self.token_hash, &self.workspace.id, &self.visitor.id);
        if let Some(sid) = &self.visitor.session_id {
            saw_session_id(&self.workspace.id, sid);
        }
        http::json(
            200,
            &BootResponse {
                visitor: self.visitor.view()?,
                session_token: self.token.as_str().to_string(),
                expires_at: self.expires_at,
                resumed: false,
                settings: self.workspace.public_settings(),
                eligible,
                i18n: delivery(&self.visitor),
            },
        )
    }
}

/// [`Ctx::check_origin`]'s answer, without refusing anything.
fn origin_admitted(ctx: &Ctx, allowlist: Option<&[String]>) -> bool {
    ctx.origin
        .as_deref()
        .is_none_or(|o| allowlist.is_some_and(|l| porchlight_shared::origin::origin_allowed(l, o)))
}

thread_local! {
    /// SHA-256 of `workspace:sessionId` of the sessionIds this isolate saw boot: such a boot is
    /// likely its visitor's again, so it sends no fresh-visitor guess (which would be written
    /// for nobody) and takes the reads-then-write path at once. Only ever skips a guess.
    static SEEN_SESSION_IDS: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// At most this many sessionIds are remembered per isolate.
const SEEN_CAP: usize = 4096;

fn session_id_key(ws: &str, sid: &str) -> String {
    sha256_hex(format!("{ws}:{sid}").as_bytes())
}

/// Remembers that `sid` booted in workspace `ws` (its visitor now holds it, or someone does).
pub fn saw_session_id(ws: &str, sid: &str) {
    let key = session_id_key(ws, sid);
    SEEN_SESSION_IDS.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() >= SEEN_CAP {
            s.clear();
        }
        s.insert(key);
    });
}

/// What a boot without a token would write if nobody holds its sessionId: only for a boot
/// without identity claims, of a workspace this isolate read lately, whose remembered row
/// admits the request (origin), with a sessionId this isolate has not seen boot. Anything
/// else — or any error on the way — is no guess: the reads then decide, and answer any
/// refusal from the stored row, never from a remembered one.
pub fn fresh_guess(ctx: &Ctx, req: &BootRequest) -> Result<Option<Fresh>, ApiError> {
    let claims = [&req.user_id, &req.email, &req.user_hash, &req.user_jwt];
    if claims.iter().any(|c| c.is_some()) {
        return Ok(None);
    }
    if let Some(sid) = &req.session_id {
        let key = session_id_key(&req.workspace_id, sid);
        if SEEN_SESSION_IDS.with(|s| s.borrow().contains(&key)) {
            return Ok(None);
        }
    }
    let Some(ws) = db::remembered_workspace(&req.workspace_id, ctx.now) else {
        return Ok(None);
    };
    if !origin_admitted(ctx, ws.allowed_origins().as_deref()) {
        return Ok(None);
    }
    let ident = req.identity();
    let Ok(identity) = verify_claims(
        ws.identity_mode(),
        Some(&ws.secrets()),
        &claims_of(&ident),
        ctx.now,
    ) else {
        return Ok(None);
    };
    let mut visitor = new_visitor(&ws, ctx.now)?;
    if decide::apply_claims(&mut visitor, &identity, &ident).is_err() {
        return Ok(None);
    }
    visitor.session_id = req.session_id.clone();
    describe_device(&mut visitor, req, &ws);
    let token = SessionToken::from_random(rand::bytes::<32>()?);
    Ok(Some(Fresh {
        expires_at: ctx.now + lifetime_ms(ctx, &ws),
        token_hash: token.storage_hash(),
        token,
        visitor,
        workspace: ws,
    }))
}
