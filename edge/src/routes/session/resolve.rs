//! The one place that decides which visitor a caller is (`resolve`), and the batch that writes
//! it (`Resolution::commit`).

use porchlight_shared::identity::{normalize_email, Identity, IdentityMode};
use porchlight_shared::names::readable_id;
use porchlight_shared::types::IdentifyRequest;
use porchlight_shared::ApiError;
use worker::{D1Database, D1PreparedStatement};

use super::decide::{self, Choice};
use crate::db::{self, Batch, Results, VisitorRow, WorkspaceRow};
use crate::http::Ctx;
use crate::rand;

/// The visitor a request ends up as, and what must be written for it.
pub struct Resolution {
    pub visitor: VisitorRow,
    pub is_new: bool,
    /// An anonymous visitor folded into `visitor` by a verified identity.
    pub merged_from: Option<VisitorRow>,
    /// The request proved who it is: the visitor's sessions (and the merged visitor's) that
    /// did not prove themselves are revoked. Every proven request sweeps, not only the first:
    /// a session may have reached a verified visitor by a claim while the workspace was in
    /// mode `off`. (The delete uses the sessions' visitor index; a hub call only if it hit.)
    pub proven: bool,
    pub now: i64,
}

impl Resolution {
    /// Writes it in one batch: the visitor, then (for a merge) the audit record with what
    /// moves, then (on a proof) the revocation of the unproven sessions of the visitor and of
    /// the one merged into it — all but the caller's `token_hash` —, then the merge, then the
    /// caller's session write (`session`). The revocation comes before the merge: a merge
    /// moves the merged visitor's remaining sessions, and none but the caller's may follow it.
    /// Then closes the live sockets of the sessions the proof revoked. `then` may add reads
    /// that run after every write (in the same transaction); their rows are taken from the
    /// returned [`Results`].
    pub async fn commit<H>(
        &self,
        ctx: &Ctx,
        db: &D1Database,
        token_hash: &str,
        session: D1PreparedStatement,
        then: impl FnOnce(&mut Batch, &D1Database) -> Result<H, ApiError>,
    ) -> Result<(H, Results), ApiError> {
        let mut batch = Batch::new();
        batch.write(db::save_visitor(db, &self.visitor)?);
        let (ws, into) = (&self.visitor.workspace_id, &self.visitor.id);
        if let Some(from) = &self.merged_from {
            db::merge_audit(&mut batch, db, ws, &from.id, into, self.now)?;
        }
        let revoked = if self.proven {
            let from = self.merged_from.as_ref().map(|f| f.id.as_str());
            Some(db::revoke_unproven_sessions(
                &mut batch, db, into, from, token_hash,
            )?)
        } else {
            None
        };
        if let Some(from) = &self.merged_from {
            db::merge(&mut batch, db, &from.id, into)?;
        }
        batch.write(session);
        let then = then(&mut batch, db)?;
        let mut results = batch.run(db).await?;
        if let Some(revoked) = revoked {
            let revoked = db::hashes(results.rows(revoked)?);
            if !revoked.is_empty() {
                crate::hub::close_sessions(&ctx.env, ws, &revoked).await;
            }
        }
        Ok((then, results))
    }

    /// A live session that now speaks for another visitor closes its sockets: they were
    /// opened (and are tagged) for the visitor it left, whose events they would keep hearing.
    /// The widget reconnects as the new visitor.
    pub async fn closing_moved_session(&self, ctx: &Ctx, was: Option<&str>, token_hash: &str) {
        if was.is_some_and(|w| w != self.visitor.id) {
            crate::hub::close_sessions(
                &ctx.env,
                &self.visitor.workspace_id,
                &[token_hash.to_string()],
            )
            .await;
        }
    }
}

/// Decides which visitor the caller is. `current` is the visitor of the caller's session or
/// anonymous sessionId; `id` is what verification made of the claims.
///
/// Only a proof reaches another visitor (mode `off` aside, which trusts claims by design): an
/// unproven userId in `optional` mode is a label on the caller's own visitor, never a key to
/// anyone else's — so nobody can claim a userId before its owner signs in and later read what
/// the owner's proven sign-in brings (pre-hijack), and no refusal tells whether a userId is
/// taken.
pub async fn resolve(
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
    let (mut visitor, merged_from, is_new) = match decide::choose(claimed, current, id) {
        Choice::Existing {
            visitor,
            merged_from,
        } => (visitor, merged_from, false),
        Choice::New => (new_visitor(ws, now)?, None, true),
    };
    if let Some(from) = &merged_from {
        decide::fold_attributes(&mut visitor, from)?;
    }
    decide::apply_claims(&mut visitor, id, req)?;
    visitor.last_seen_at = now;
    Ok(Resolution {
        visitor,
        is_new,
        merged_from,
        proven: id.verified(),
        now,
    })
}

pub fn new_visitor(ws: &WorkspaceRow, now: i64) -> Result<VisitorRow, ApiError> {
    Ok(VisitorRow::anonymous(
        rand::id::<12>("v_")?,
        ws.id.clone(),
        readable_id(rand::bytes::<4>()?),
        now,
    ))
}
