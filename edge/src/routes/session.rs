//! Visitor sessions: boot, identify, refresh, revoke — and the one place that decides which
//! visitor a caller is (`resolve`).

use porchlight_shared::identity::{normalize_email, verify_claims, Claims, Identity, IdentityMode};
use porchlight_shared::names::readable_id;
use porchlight_shared::session::{clamp_lifetime, session_expiry, MAX_SESSION_AGE_MS};
use porchlight_shared::token::SessionToken;
use porchlight_shared::types::{BootRequest, IdentifyRequest, VisitorView};
use porchlight_shared::{attributes, ApiError, ErrorCode};
use serde::Serialize;
use serde_json::{json, Map, Value};
use worker::{D1Database, D1PreparedStatement, Response};

use crate::auth;
use crate::db::{self, VisitorRow, WorkspaceRow};
use crate::http::{self, Ctx};
use crate::limits::{self, Limit};
use crate::rand;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BootResponse {
    visitor: VisitorView,
    session_token: String,
    expires_at: i64,
    resumed: bool,
    settings: porchlight_shared::types::PublicSettings,
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
pub async fn boot(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let req: BootRequest = ctx.json().await?;
    req.validate()?;
    let db = ctx.db()?;
    let token = auth::presented_token(ctx);
    let hash = token.as_ref().map(SessionToken::storage_hash);
    let reads = db::boot_reads(
        &db,
        &req.workspace_id,
        hash.as_deref(),
        req.session_id.as_deref(),
    )
    .await?;
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
    // Minting tokens is what an abuser would repeat: limit it per anonymous sessionId.
    if resumed.is_none() {
        if let Some(sid) = &req.session_id {
            limits::check(ctx, Limit::Boot, format!("{}:{sid}", ws.id)).await?;
        }
    }
    let was = current.as_ref().map(|c| c.id.clone());
    let mut r = resolve(&db, ctx.now, &ws, current, &identity, &ident).await?;
    let v = &mut r.visitor;
    // The sessionId is this browser's credential for an unverified visitor. It is recorded
    // only on a visitor that has none yet, and only if no other visitor holds it: a resumed
    // session cannot point its visitor at another browser's sessionId (squatting).
    if let Some(sid) = &req.session_id {
        let held_by_other = reads.anonymous.as_ref().is_some_and(|h| h.id != v.id);
        if !v.verified() && v.session_id.is_none() && !held_by_other {
            v.session_id = Some(sid.clone());
        }
    }
    if let Some(d) = &req.device {
        v.device = Some(Value::Object(d.clone()).to_string());
    }
    if req.locale.is_some() {
        v.locale = req.locale.clone();
    }
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
    let mut stmts = r.statements(&db, &token_hash)?;
    stmts.push(if is_resume {
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
    });
    r.commit(ctx, &db, stmts).await?;
    if is_resume {
        r.closing_moved_session(ctx, was.as_deref(), &token_hash)
            .await;
    }
    http::json(
        200,
        &BootResponse {
            visitor: r.visitor.view()?,
            session_token: token.as_str().to_string(),
            expires_at,
            resumed: is_resume,
            settings: ws.public_settings(),
        },
    )
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
    let mut stmts = r.statements(&db, &token_hash)?;
    stmts.push(db::bind_session(
        &db,
        &token_hash,
        &r.visitor,
        identity.verified(),
    )?);
    r.commit(ctx, &db, stmts).await?;
    r.closing_moved_session(ctx, Some(&a.session.visitor_id), &token_hash)
        .await;
    http::json(200, &json!({ "visitor": r.visitor.view()? }))
}

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
    let results = db
        .batch(vec![
            db::delete_session(&db, &a.token.storage_hash())?,
            // The anonymous sessionId is a credential of this browser: a revoke forgets it,
            // so it resumes nothing any more.
            db::stmt(
                &db,
                "UPDATE visitors SET session_id = NULL WHERE id = ?1",
                &[db::s(&vid)],
            )?,
            db::stmt(
                &db,
                "SELECT token_hash FROM widget_sessions WHERE visitor_id = ?1",
                &[db::s(&vid)],
            )?,
        ])
        .await
        .map_err(crate::internal)?;
    let keep = db::token_hashes(results, 2)?;
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

/// The visitor a request ends up as, and what must be written for it.
pub struct Resolution {
    pub visitor: VisitorRow,
    pub is_new: bool,
    /// An anonymous visitor folded into `visitor` by a verified identity.
    pub merged_from: Option<VisitorRow>,
    /// What the merge moves, counted per kind (for the audit record).
    pub moved: Option<MoveCounts>,
    /// The request proved who it is: the visitor's sessions (and the merged visitor's) that
    /// did not prove themselves are revoked. Every proven request sweeps, not only the first:
    /// a session may have reached a verified visitor by a claim while the workspace was in
    /// mode `off`. (The delete uses the sessions' visitor index; a hub call only if it hit.)
    pub proven: bool,
    pub now: i64,
}

impl Resolution {
    /// What to write, in one batch: the visitor, then (on a first proof) the revocation of the
    /// unproven sessions of the visitor and of the one merged into it — all but the caller's
    /// `token_hash` — then the merge. The revocation comes first: a merge moves the merged
    /// visitor's remaining sessions, and none but the caller's may follow it.
    fn statements(
        &self,
        db: &D1Database,
        token_hash: &str,
    ) -> Result<Vec<D1PreparedStatement>, ApiError> {
        let mut out = vec![db::save_visitor(db, &self.visitor)?];
        if self.proven {
            out.push(db::revoke_unproven_sessions(
                db,
                &self.visitor.id,
                self.merged_from.as_ref().map(|f| f.id.as_str()),
                token_hash,
            )?);
        }
        if let Some(from) = &self.merged_from {
            let (from_id, to_id) = (db::s(&from.id), db::s(&self.visitor.id));
            out.push(db::stmt(
                db,
                "UPDATE visitors SET merged_into = ?2, session_id = NULL WHERE id = ?1",
                &[from_id.clone(), to_id.clone()],
            )?);
            out.push(db::stmt(
                db,
                "UPDATE widget_sessions SET visitor_id = ?2 WHERE visitor_id = ?1",
                &[from_id.clone(), to_id.clone()],
            )?);
            // Events move; counters add up into the target's.
            let both = [from_id, to_id];
            out.push(db::stmt(
                db,
                "UPDATE events SET visitor_id = ?2 WHERE visitor_id = ?1",
                &both,
            )?);
            out.push(db::stmt(
                db,
                "UPDATE tickets SET visitor_id = ?2 WHERE visitor_id = ?1",
                &both,
            )?);
            out.push(db::stmt(
                db,
                "UPDATE impressions SET visitor_id = ?2 WHERE visitor_id = ?1",
                &both,
            )?);
            out.push(db::stmt(
                db,
                "UPDATE conversations SET visitor_id = ?2 WHERE visitor_id = ?1",
                &both,
            )?);
            out.push(db::stmt(
                db,
                "INSERT INTO event_counters (visitor_id, name, day, count) SELECT ?2, name, day, count FROM event_counters WHERE visitor_id = ?1 \
                 ON CONFLICT (visitor_id, name, day) DO UPDATE SET count = event_counters.count + excluded.count",
                &both,
            )?);
            out.push(db::stmt(
                db,
                "DELETE FROM event_counters WHERE visitor_id = ?1",
                &both[..1],
            )?);
            out.push(db::stmt(
                db,
                "INSERT INTO event_totals (visitor_id, workspace_id, name, count, first_at, last_at) SELECT ?2, workspace_id, name, count, first_at, last_at FROM event_totals WHERE visitor_id = ?1 \
                 ON CONFLICT (visitor_id, name) DO UPDATE SET count = event_totals.count + excluded.count, first_at = min(event_totals.first_at, excluded.first_at), last_at = max(event_totals.last_at, excluded.last_at)",
                &both,
            )?);
            out.push(db::stmt(
                db,
                "DELETE FROM event_totals WHERE visitor_id = ?1",
                &both[..1],
            )?);
            // Where both visitors have a row for the same item, keep what the person did:
            // - a tour: a completed one beats one that is not, otherwise the latest change
            //   (a dismissal or a further step) stands;
            // - an open survey response: the answers are combined (the identified visitor's
            //   answer wins for a question both answered);
            // - checklist ticks: every ticked task stays ticked (rows are per task);
            // - article feedback: the identified visitor's stands.
            out.push(db::stmt(
                db,
                "DELETE FROM tour_progress AS b WHERE b.visitor_id = ?2 AND EXISTS (SELECT 1 FROM tour_progress a \
                 WHERE a.visitor_id = ?1 AND a.tour_id = b.tour_id AND b.state <> 'completed' \
                 AND (a.state = 'completed' OR a.updated_at > b.updated_at))",
                &both,
            )?);
            out.push(db::stmt(
                db,
                "UPDATE survey_responses AS b SET answers = json_patch(a.answers, b.answers), updated_at = MAX(a.updated_at, b.updated_at) \
                 FROM survey_responses a WHERE b.visitor_id = ?2 AND b.complete = 0 \
                 AND a.visitor_id = ?1 AND a.survey_id = b.survey_id AND a.complete = 0",
                &both,
            )?);
            for table in MOVED_WITH_KEYS {
                out.push(db::stmt(
                    db,
                    &format!("UPDATE OR IGNORE {table} SET visitor_id = ?2 WHERE visitor_id = ?1"),
                    &both,
                )?);
                out.push(db::stmt(
                    db,
                    &format!("DELETE FROM {table} WHERE visitor_id = ?1"),
                    &both[..1],
                )?);
            }
            let detail = json!({"from": from.id, "into": self.visitor.id, "counts": self.moved});
            out.push(db::audit(
                db,
                &self.visitor.workspace_id,
                "visitor.merged",
                &self.visitor.id,
                &detail,
                self.now,
            )?);
        }
        Ok(out)
    }

    /// A live session that now speaks for another visitor closes its sockets: they were
    /// opened (and are tagged) for the visitor it left, whose events they would keep hearing.
    /// The widget reconnects as the new visitor.
    async fn closing_moved_session(&self, ctx: &Ctx, was: Option<&str>, token_hash: &str) {
        if was.is_some_and(|w| w != self.visitor.id) {
            crate::hub::close_sessions(
                &ctx.env,
                &self.visitor.workspace_id,
                &[token_hash.to_string()],
            )
            .await;
        }
    }

    /// Runs the batch built from [`Resolution::statements`] (and the caller's session write),
    /// then closes the live sockets of the sessions a first proof revoked.
    async fn commit(
        &self,
        ctx: &Ctx,
        db: &D1Database,
        stmts: Vec<D1PreparedStatement>,
    ) -> Result<(), ApiError> {
        let results = db.batch(stmts).await.map_err(crate::internal)?;
        if !self.proven {
            return Ok(());
        }
        // The revocation is the batch's second statement.
        let revoked = db::token_hashes(results, 1)?;
        if !revoked.is_empty() {
            crate::hub::close_sessions(&ctx.env, &self.visitor.workspace_id, &revoked).await;
        }
        Ok(())
    }
}

/// True when `v` already is someone else than the identity claims.
fn conflicts(v: &VisitorRow, id: &Identity) -> bool {
    let other_user = matches!((&v.user_id, &id.user_id), (Some(a), Some(b)) if a != b);
    let other_email = v.email_verified != 0
        && id.email_verified
        && v.email.as_deref().map(normalize_email) != id.email.as_deref().map(normalize_email);
    other_user || other_email
}

/// Whether the caller's own unverified visitor folds into the verified visitor a proof
/// reached: it holds nothing proven, and no claim of someone else.
fn mergeable(c: &VisitorRow, id: &Identity) -> bool {
    !c.verified() && (c.user_id.is_none() || c.user_id == id.user_id)
}

/// Decides which visitor the caller is. `current` is the visitor of the caller's session or
/// anonymous sessionId; `id` is what verification made of the claims.
///
/// Only a proof reaches another visitor (mode `off` aside, which trusts claims by design): an
/// unproven userId in `optional` mode is a label on the caller's own visitor, never a key to
/// anyone else's — so nobody can claim a userId before its owner signs in and later read what
/// the owner's proven sign-in brings (pre-hijack), and no refusal tells whether a userId is
/// taken.
async fn resolve(
    db: &D1Database,
    now: i64,
    ws: &WorkspaceRow,
    current: Option<VisitorRow>,
    id: &Identity,
    req: &IdentifyRequest,
) -> Result<Resolution, ApiError> {
    let mode = ws.identity_mode();
    // The existing visitor the claim reaches, if it is strong enough to reach one.
    let claimed = match (&id.user_id, &id.email) {
        (Some(uid), _) if id.user_id_verified => {
            match db::visitor_by_verified_user_id(db, &ws.id, uid).await? {
                Some(v) => Some(v),
                None => match (&id.email, id.email_verified) {
                    (Some(e), true) => {
                        db::visitor_by_verified_email(db, &ws.id, &normalize_email(e))
                            .await?
                            .filter(|v| v.user_id_verified == 0)
                    }
                    _ => None,
                },
            }
        }
        (Some(uid), _) if mode == IdentityMode::Off => {
            db::visitor_by_any_user_id(db, &ws.id, uid).await?
        }
        (None, Some(e)) if id.email_verified => {
            db::visitor_by_verified_email(db, &ws.id, &normalize_email(e)).await?
        }
        _ => None,
    };

    let mut merged_from = None;
    let (mut visitor, is_new) = match (claimed, current) {
        (Some(t), Some(c)) if t.id == c.id => (c, false),
        (Some(t), Some(c)) => {
            if mergeable(&c, id) {
                merged_from = Some(c);
            }
            (t, false)
        }
        (Some(t), None) => (t, false),
        (None, Some(c)) if !conflicts(&c, id) => (c, false),
        (None, _) => (new_visitor(ws, now)?, true),
    };
    let proven = id.verified();

    // Anonymous attributes collected before sign-in survive, under what the user already had.
    // Keys the user's server signed take nothing from the anonymous side, not even nested keys.
    if let Some(from) = &merged_from {
        let mut attrs = from.attributes()?;
        for k in visitor.signed_keys()? {
            attrs.remove(&k);
        }
        attributes::merge(&mut attrs, &visitor.attributes()?, "/attributes")?;
        visitor.attributes = Value::Object(attrs).to_string();
    }
    apply_claims(&mut visitor, id, req)?;
    visitor.last_seen_at = now;

    let moved = match &merged_from {
        Some(from) => db::first::<MoveCounts>(db, MOVE_COUNTS_SQL, &[db::s(&from.id)]).await?,
        None => None,
    };
    Ok(Resolution {
        visitor,
        is_new,
        merged_from,
        moved,
        proven,
        now,
    })
}

/// Tables keyed by visitor and item that a merge moves.
const MOVED_WITH_KEYS: [&str; 4] = [
    "tour_progress",
    "survey_responses",
    "checklist_progress",
    "article_feedback",
];

/// What a merge moves, per kind.
#[derive(serde::Deserialize, serde::Serialize, Debug, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct MoveCounts {
    sessions: i64,
    events: i64,
    tickets: i64,
    conversations: i64,
    impressions: i64,
    tour_progress: i64,
    survey_responses: i64,
    checklist_tasks: i64,
    article_feedback: i64,
}

const MOVE_COUNTS_SQL: &str = "SELECT \
    (SELECT COUNT(*) FROM widget_sessions WHERE visitor_id = ?1) AS sessions, \
    (SELECT COUNT(*) FROM events WHERE visitor_id = ?1) AS events, \
    (SELECT COUNT(*) FROM tickets WHERE visitor_id = ?1) AS tickets, \
    (SELECT COUNT(*) FROM conversations WHERE visitor_id = ?1) AS conversations, \
    (SELECT COUNT(*) FROM impressions WHERE visitor_id = ?1) AS impressions, \
    (SELECT COUNT(*) FROM tour_progress WHERE visitor_id = ?1) AS tourProgress, \
    (SELECT COUNT(*) FROM survey_responses WHERE visitor_id = ?1) AS surveyResponses, \
    (SELECT COUNT(*) FROM checklist_progress WHERE visitor_id = ?1) AS checklistTasks, \
    (SELECT COUNT(*) FROM article_feedback WHERE visitor_id = ?1) AS articleFeedback";

fn new_visitor(ws: &WorkspaceRow, now: i64) -> Result<VisitorRow, ApiError> {
    Ok(VisitorRow {
        id: rand::id::<12>("v_")?,
        workspace_id: ws.id.clone(),
        readable_id: readable_id(rand::bytes::<4>()?),
        session_id: None,
        user_id: None,
        email: None,
        email_verified: 0,
        name: None,
        identity_verified: 0,
        user_id_verified: 0,
        attributes: "{}".into(),
        signed_attributes: "[]".into(),
        device: None,
        locale: None,
        first_seen_at: now,
        last_seen_at: now,
        session_count: 1,
    })
}

fn apply_claims(v: &mut VisitorRow, id: &Identity, req: &IdentifyRequest) -> Result<(), ApiError> {
    if let Some(uid) = &id.user_id {
        // A proven userId is never replaced by an unproven one (`conflicts` keeps a different
        // claim off this visitor; the same one stays proven).
        if id.user_id_verified || v.user_id_verified == 0 {
            v.user_id = Some(uid.clone());
        }
        if id.user_id_verified {
            v.user_id_verified = 1;
        }
    }
    if id.verified() {
        v.identity_verified = 1;
        // An anonymous sessionId resumes only unverified visitors: a verified one keeps none,
        // so nobody can hold it to squat.
        v.session_id = None;
    }
    if let Some(e) = &id.email {
        if id.email_verified {
            v.email = Some(e.clone());
            v.email_verified = 1;
        } else if v.email_verified == 0 {
            v.email = Some(e.clone());
        }
    }
    if let Some(name) = &req.name {
        v.name = Some(name.trim().to_string());
    }
    let mut attrs: Map<String, Value> = v.attributes()?;
    let mut signed = v.signed_keys()?;
    if let Some(attrs_signed) = &id.signed_attributes {
        attributes::validate(attrs_signed, "/userJwt/attributes")?;
        // A signed value replaces the key whole: nothing written before (unsigned, nested)
        // survives under it.
        for k in attrs_signed.keys() {
            attrs.remove(k);
        }
        attributes::merge(&mut attrs, attrs_signed, "/userJwt/attributes")?;
        attributes::mark_signed(&mut signed, attrs_signed);
    }
    if let Some(a) = &req.attributes {
        // What the site's server signed, unsigned writes may not change.
        attributes::refuse_signed(&signed, &attrs, a, "/attributes")?;
        attributes::merge(&mut attrs, a, "/attributes")?;
    }
    v.attributes = Value::Object(attrs).to_string();
    v.signed_attributes = Value::from(signed).to_string();
    Ok(())
}
