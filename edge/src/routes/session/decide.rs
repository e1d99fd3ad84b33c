//! Which visitor a caller is, and what a claim changes on it: pure decisions over rows already
//! read (no D1, no worker types), tested natively (`cargo test -p porchlight-edge --lib`).

use porchlight_shared::attributes;
use porchlight_shared::identity::{normalize_email, Identity};
use porchlight_shared::types::IdentifyRequest;
use porchlight_shared::ApiError;
use serde_json::{Map, Value};

use crate::db::VisitorRow;

/// True when `v` already is someone else than the identity claims.
pub fn conflicts(v: &VisitorRow, id: &Identity) -> bool {
    let other_user = matches!((&v.user_id, &id.user_id), (Some(a), Some(b)) if a != b);
    let other_email = v.email_verified != 0
        && id.email_verified
        && v.email.as_deref().map(normalize_email) != id.email.as_deref().map(normalize_email);
    other_user || other_email
}

/// Whether the caller's own unverified visitor folds into the verified visitor a proof
/// reached: it holds nothing proven, and no claim of someone else.
pub fn mergeable(c: &VisitorRow, id: &Identity) -> bool {
    !c.verified() && (c.user_id.is_none() || c.user_id == id.user_id)
}

/// Who the caller turns out to be. (One per request, moved straight into the resolution:
/// its size does not matter.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Choice {
    /// An existing visitor; `merged_from` is the caller's own anonymous visitor that folds
    /// into it (a proof reached someone else's visitor).
    Existing {
        visitor: VisitorRow,
        merged_from: Option<VisitorRow>,
    },
    /// Nobody yet: a new visitor.
    New,
}

/// Decides between the visitor a claim reached (`claimed`, found only by a claim strong enough
/// to reach one) and the caller's own (`current`: of its session or anonymous sessionId).
pub fn choose(claimed: Option<VisitorRow>, current: Option<VisitorRow>, id: &Identity) -> Choice {
    match (claimed, current) {
        (Some(t), Some(c)) if t.id == c.id => Choice::Existing {
            visitor: c,
            merged_from: None,
        },
        (Some(t), Some(c)) => Choice::Existing {
            visitor: t,
            merged_from: mergeable(&c, id).then_some(c),
        },
        (Some(t), None) => Choice::Existing {
            visitor: t,
            merged_from: None,
        },
        (None, Some(c)) if !conflicts(&c, id) => Choice::Existing {
            visitor: c,
            merged_from: None,
        },
        (None, _) => Choice::New,
    }
}

/// Anonymous attributes collected before sign-in survive a merge, under what the user already
/// had. Keys the user's server signed take nothing from the anonymous side, not even nested
/// keys.
pub fn fold_attributes(into: &mut VisitorRow, from: &VisitorRow) -> Result<(), ApiError> {
    let mut attrs = from.attributes()?;
    for k in into.signed_keys()? {
        attrs.remove(&k);
    }
    attributes::merge(&mut attrs, &into.attributes()?, "/attributes")?;
    into.attributes = Value::Object(attrs).to_string();
    Ok(())
}

/// What the verified identity and the request's claims change on the visitor.
pub fn apply_claims(
    v: &mut VisitorRow,
    id: &Identity,
    req: &IdentifyRequest,
) -> Result<(), ApiError> {
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

/// The sessionId is this browser's credential for an unverified visitor. It is recorded only
/// on a visitor that has none yet, and only if no other visitor holds it (`held_by`): a
/// resumed session cannot point its visitor at another browser's sessionId (squatting).
pub fn record_session_id(v: &mut VisitorRow, sid: &str, held_by: Option<&VisitorRow>) {
    let held_by_other = held_by.is_some_and(|h| h.id != v.id);
    if !v.verified() && v.session_id.is_none() && !held_by_other {
        v.session_id = Some(sid.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(id: &str) -> VisitorRow {
        VisitorRow::anonymous(id.into(), "ws".into(), "Blue Fox".into(), 1)
    }

    fn proven_user(uid: &str) -> Identity {
        Identity {
            user_id: Some(uid.into()),
            user_id_verified: true,
            ..Identity::default()
        }
    }

    fn existing(c: Choice) -> (String, Option<String>) {
        match c {
            Choice::Existing {
                visitor,
                merged_from,
            } => (visitor.id, merged_from.map(|m| m.id)),
            Choice::New => panic!("expected an existing visitor"),
        }
    }

    #[test]
    fn a_proof_reaching_another_visitor_merges_the_anonymous_caller_into_it() {
        let (v, from) = existing(choose(
            Some(visitor("known")),
            Some(visitor("anon")),
            &proven_user("u1"),
        ));
        assert_eq!((v.as_str(), from.as_deref()), ("known", Some("anon")));
    }

    #[test]
    fn a_verified_caller_or_one_labelled_as_someone_else_is_never_merged() {
        let mut verified = visitor("mine");
        verified.identity_verified = 1;
        let (_, from) = existing(choose(
            Some(visitor("known")),
            Some(verified),
            &proven_user("u1"),
        ));
        assert_eq!(from, None);
        let mut labelled = visitor("mine");
        labelled.user_id = Some("u2".into());
        let (_, from) = existing(choose(
            Some(visitor("known")),
            Some(labelled),
            &proven_user("u1"),
        ));
        assert_eq!(from, None);
    }

    #[test]
    fn a_claim_of_someone_else_on_the_callers_visitor_starts_a_new_one() {
        let mut mine = visitor("mine");
        mine.user_id = Some("alice".into());
        let claim = Identity {
            user_id: Some("bob".into()),
            ..Identity::default()
        };
        assert!(matches!(choose(None, Some(mine), &claim), Choice::New));
        let (v, _) = existing(choose(None, Some(visitor("plain")), &claim));
        assert_eq!(v, "plain");
    }

    #[test]
    fn a_verified_email_differs_only_when_both_sides_are_proven() {
        let mut v = visitor("v");
        v.email = Some("A@x.io".into());
        v.email_verified = 1;
        let same = Identity {
            email: Some("a@X.io".into()),
            email_verified: true,
            ..Identity::default()
        };
        assert!(!conflicts(&v, &same));
        let other = Identity {
            email: Some("b@x.io".into()),
            email_verified: true,
            ..Identity::default()
        };
        assert!(conflicts(&v, &other));
        let unproven = Identity {
            email: Some("b@x.io".into()),
            ..Identity::default()
        };
        assert!(!conflicts(&v, &unproven));
    }

    #[test]
    fn an_unproven_user_id_never_replaces_a_proven_one() {
        let mut v = visitor("v");
        v.user_id = Some("u1".into());
        v.user_id_verified = 1;
        v.identity_verified = 1;
        let label = Identity {
            user_id: Some("u2".into()),
            ..Identity::default()
        };
        apply_claims(&mut v, &label, &IdentifyRequest::default()).unwrap();
        assert_eq!(v.user_id.as_deref(), Some("u1"));
    }

    #[test]
    fn a_proof_clears_the_anonymous_session_id_and_marks_the_visitor() {
        let mut v = visitor("v");
        v.session_id = Some("sid-0123456789abcdef".into());
        apply_claims(&mut v, &proven_user("u1"), &IdentifyRequest::default()).unwrap();
        assert_eq!(
            (v.session_id, v.identity_verified, v.user_id_verified),
            (None, 1, 1)
        );
    }

    #[test]
    fn signed_keys_refuse_unsigned_changes_and_take_nothing_from_a_merged_visitor() {
        let mut v = visitor("v");
        v.attributes = r#"{"plan":"pro"}"#.into();
        v.signed_attributes = r#"["plan"]"#.into();
        let mut change = Map::new();
        change.insert("plan".into(), Value::from("free"));
        let req = IdentifyRequest {
            attributes: Some(change),
            ..IdentifyRequest::default()
        };
        let err = apply_claims(&mut v, &Identity::default(), &req).unwrap_err();
        assert_eq!(err.path.as_deref(), Some("/attributes/plan"));

        let mut anon = visitor("anon");
        anon.attributes = r#"{"plan":"free","seen":true}"#.into();
        fold_attributes(&mut v, &anon).unwrap();
        let attrs: Map<String, Value> = serde_json::from_str(&v.attributes).unwrap();
        assert_eq!(attrs.get("plan"), Some(&Value::from("pro")));
        assert_eq!(attrs.get("seen"), Some(&Value::from(true)));
    }

    #[test]
    fn a_session_id_is_recorded_only_once_and_never_when_another_visitor_holds_it() {
        let mut v = visitor("v");
        record_session_id(&mut v, "sid-aaaaaaaaaaaaaaaa", Some(&visitor("other")));
        assert_eq!(v.session_id, None);
        record_session_id(&mut v, "sid-aaaaaaaaaaaaaaaa", None);
        assert_eq!(v.session_id.as_deref(), Some("sid-aaaaaaaaaaaaaaaa"));
        record_session_id(&mut v, "sid-bbbbbbbbbbbbbbbb", None);
        assert_eq!(v.session_id.as_deref(), Some("sid-aaaaaaaaaaaaaaaa"));
    }
}
