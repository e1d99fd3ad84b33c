//! Identity verification: proof that a visitor is the user they claim to be.
//!
//! Two proofs, both keyed by the workspace's identity secret (API.md "Identity hash"):
//! - `userHash = hex(HMAC-SHA256(secret, userId))`: it proves a userId and nothing else. Some
//!   sites let users choose their userId (a username that looks like an email address), so a
//!   hash never proves an email (Intercom's and Opencom's email form is refused);
//! - `userJwt`, HS256, claims `user_id` and/or `email`, `exp` (seconds), optional `attributes`:
//!   the only proof of an email. It is signed with the workspace's **JWT key**,
//!   [`jwt_key`]`(secret)`, not with the identity secret itself: a JWT signature and a
//!   `userHash` are both HMAC-SHA256 outputs, so with one key a site that hands a user the
//!   `userHash` of a userId they chose (`<header>.<payload>`) would hand them a valid JWT
//!   signature for any claims. The JWT key is a SHA-256 of the secret, which no `userHash` (an
//!   HMAC under the secret) reveals.
//!
//! Signatures are checked with `Mac::verify_slice`, which compares in constant time. A rotated
//! secret stays valid until its grace period ends.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::error::{ApiError, ErrorCode};

type HmacSha256 = Hmac<Sha256>;

/// How strictly a workspace checks identity claims. See ARCHITECTURE.md "Identity modes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum IdentityMode {
    Off,
    #[default]
    Optional,
    Required,
}

impl IdentityMode {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityMode::Off => "off",
            IdentityMode::Optional => "optional",
            IdentityMode::Required => "required",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "off" => Some(IdentityMode::Off),
            "optional" => Some(IdentityMode::Optional),
            "required" => Some(IdentityMode::Required),
            _ => None,
        }
    }
}

/// The secrets a proof may be signed with right now.
#[derive(Debug, Clone, Copy)]
pub struct Secrets<'a> {
    pub current: &'a str,
    /// The secret before the last rotation and the epoch-ms instant its grace period ends.
    pub previous: Option<(&'a str, i64)>,
}

impl<'a> Secrets<'a> {
    fn usable(&self, now_ms: i64) -> impl Iterator<Item = &'a str> {
        let prev = self
            .previous
            .filter(|(_, until)| now_ms < *until)
            .map(|(s, _)| s);
        std::iter::once(self.current).chain(prev)
    }
}

/// What a boot or identify call claims, as sent.
#[derive(Debug, Clone, Default)]
pub struct Claims<'a> {
    pub user_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub user_hash: Option<&'a str>,
    pub user_jwt: Option<&'a str>,
}

/// The outcome: who the caller is, and which parts of that are proven.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    pub user_id: Option<String>,
    /// Trimmed; compare with [`normalize_email`].
    pub email: Option<String>,
    pub user_id_verified: bool,
    pub email_verified: bool,
    /// Attributes carried inside a verified JWT (trusted: the site's server signed them).
    pub signed_attributes: Option<Map<String, Value>>,
}

impl Identity {
    pub fn verified(&self) -> bool {
        self.user_id_verified || self.email_verified
    }
    pub fn claims_anything(&self) -> bool {
        self.user_id.is_some() || self.email.is_some()
    }
}

/// Lower-cased, trimmed: emails match case-insensitively (Opencom's bug 13).
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The key a `userJwt` is signed with: `hex(SHA-256("porchlight-jwt-v1:" + secret))`. Shown
/// next to the identity secret when it is created or rotated; a site can also compute it.
pub fn jwt_key(secret: &str) -> String {
    use sha2::Digest;
    let mut h = Sha256::new();
    h.update(b"porchlight-jwt-v1:");
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// `hex(HMAC-SHA256(secret, message))`: what a site's server computes.
pub fn user_hash(secret: &str, message: &str) -> String {
    hex::encode(mac(secret, message.as_bytes()).finalize().into_bytes())
}

fn mac(secret: &str, msg: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; new_from_slice cannot fail for it.
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    m.update(msg);
    m
}

/// Constant-time check of a hex HMAC against any usable secret.
pub fn verify_user_hash(secrets: &Secrets, message: &str, provided_hex: &str, now_ms: i64) -> bool {
    let Ok(provided) = hex::decode(provided_hex.trim()) else {
        return false;
    };
    secrets
        .usable(now_ms)
        .any(|s| mac(s, message.as_bytes()).verify_slice(&provided).is_ok())
}

#[derive(Deserialize)]
struct JwtHeader {
    alg: String,
}

#[derive(Deserialize)]
struct JwtClaims {
    user_id: Option<Value>,
    email: Option<String>,
    exp: Option<f64>,
    attributes: Option<Map<String, Value>>,
}

/// Upper bound on a JWT we are willing to decode.
pub const MAX_JWT_LEN: usize = 8 * 1024;

/// Verifies an HS256 JWT and returns its identity claims, or `None` if it is not valid now.
pub fn verify_jwt(secrets: &Secrets, jwt: &str, now_ms: i64) -> Option<Identity> {
    if jwt.len() > MAX_JWT_LEN {
        return None;
    }
    let mut parts = jwt.trim().split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: JwtHeader = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
    if header.alg != "HS256" {
        return None; // never "none", never an algorithm we did not choose
    }
    let sig = URL_SAFE_NO_PAD.decode(s).ok()?;
    let signed = &jwt.trim()[..h.len() + 1 + p.len()];
    if !secrets.usable(now_ms).any(|k| {
        mac(&jwt_key(k), signed.as_bytes())
            .verify_slice(&sig)
            .is_ok()
    }) {
        return None;
    }
    let claims: JwtClaims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()?;
    let exp = claims.exp?;
    // NaN never reaches here (JSON has none); `exp` must be strictly in the future.
    if exp.is_nan() || exp * 1000.0 <= now_ms as f64 {
        return None;
    }
    let user_id = match claims.user_id {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        None => None,
        Some(_) => return None,
    };
    if user_id.is_none() && claims.email.is_none() {
        return None;
    }
    Some(Identity {
        user_id_verified: user_id.is_some(),
        email_verified: claims.email.is_some(),
        user_id,
        email: claims.email.map(|e| e.trim().to_string()),
        signed_attributes: claims.attributes,
    })
}

fn refused(message: &str) -> ApiError {
    ApiError::new(ErrorCode::IdentityVerificationFailed, message)
}

/// Decides who a caller is from their claims, the workspace's mode and secrets.
///
/// `secrets` is `None` when the workspace has no identity secret (then nothing can be proven).
pub fn verify_claims(
    mode: IdentityMode,
    secrets: Option<&Secrets>,
    claims: &Claims,
    now_ms: i64,
) -> Result<Identity, ApiError> {
    let user_id = claims.user_id.map(str::trim).filter(|s| !s.is_empty());
    let email = claims.email.map(str::trim).filter(|s| !s.is_empty());
    let unproven = Identity {
        user_id: user_id.map(String::from),
        email: email.map(String::from),
        ..Identity::default()
    };
    if mode == IdentityMode::Off {
        return Ok(unproven);
    }
    let has_proof = claims.user_jwt.is_some() || claims.user_hash.is_some();
    if !has_proof {
        if mode == IdentityMode::Required && unproven.claims_anything() {
            return Err(refused(
                "this workspace requires identity verification: send userHash or userJwt with userId or email",
            ));
        }
        return Ok(unproven);
    }
    let Some(secrets) = secrets else {
        return Err(refused(
            "this workspace has no identity secret to verify against",
        ));
    };

    if let Some(jwt) = claims.user_jwt {
        let Some(proven) = verify_jwt(secrets, jwt, now_ms) else {
            return Err(refused(
                "userJwt is invalid, expired or not signed with this workspace's secret",
            ));
        };
        // A body claim must agree with what the JWT proves.
        if user_id.is_some() && user_id != proven.user_id.as_deref() {
            return Err(refused("userId does not match the userJwt"));
        }
        if let Some(e) = email {
            if proven.email.as_deref().map(normalize_email) != Some(normalize_email(e)) {
                if proven.email.is_some() || mode == IdentityMode::Required {
                    return Err(refused("email does not match the userJwt"));
                }
                // Optional mode: an extra, unproven email rides along unverified.
                return Ok(Identity {
                    email: Some(e.to_string()),
                    email_verified: false,
                    ..proven
                });
            }
        }
        return Ok(proven);
    }

    let hash = claims.user_hash.unwrap_or_default();
    let Some(user_id) = user_id else {
        return Err(refused(if email.is_some() {
            "a userHash proves a userId, never an email: send userId with it, or prove the email with a userJwt carrying an email claim"
        } else {
            "userHash was sent without a userId to prove"
        }));
    };
    if !verify_user_hash(secrets, user_id, hash, now_ms) {
        return Err(refused("userHash does not match the claimed identity"));
    }
    // A hash over the userId does not prove an email sent beside it: that email is stored but
    // never used to match another visitor (email_verified stays false).
    Ok(Identity {
        user_id_verified: true,
        email_verified: false,
        ..unproven
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cret-identity-key";
    // Independently computed with Python's hmac module:
    // hmac.new(b"s3cret-identity-key", b"user_123", hashlib.sha256).hexdigest()
    const HASH_USER_123: &str = "5914bbade0f4c7c564867d819cc4405aea51308644d86dbda3bc9c4a39bed0a0";
    // hmac.new(b"s3cret-identity-key", b"ada@example.com", hashlib.sha256).hexdigest()
    const HASH_ADA_EMAIL: &str = "e26403cbf05497463a7e52257f0216ff22c5f7993f4dc1337bfc9873bff180c7";
    // HS256 under jwt_key(SECRET) (Python: hashlib.sha256(b"porchlight-jwt-v1:" + secret)
    // .hexdigest() as the HMAC key), claims
    // {"user_id":"user_123","email":"Ada@Example.com","exp":2000000000,"attributes":{"plan":"pro"}}
    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidXNlcl8xMjMiLCJlbWFpbCI6IkFkYUBFeGFtcGxlLmNvbSIsImV4cCI6MjAwMDAwMDAwMCwiYXR0cmlidXRlcyI6eyJwbGFuIjoicHJvIn19.5rFEOm4z2SMymerbisPyQxQjPzKHUUFZ0nX9WtfLCS8";
    const NOW: i64 = 1_800_000_000_000;

    fn secrets() -> Secrets<'static> {
        Secrets {
            current: SECRET,
            previous: None,
        }
    }

    #[test]
    fn hmac_matches_known_vectors() {
        assert_eq!(user_hash(SECRET, "user_123"), HASH_USER_123);
        assert_eq!(user_hash(SECRET, "ada@example.com"), HASH_ADA_EMAIL);
        // RFC-style vector, also from Python's hmac.
        assert_eq!(
            user_hash("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn verify_user_hash_accepts_only_the_right_hash() {
        let s = secrets();
        assert!(verify_user_hash(&s, "user_123", HASH_USER_123, NOW));
        assert!(verify_user_hash(
            &s,
            "user_123",
            &HASH_USER_123.to_uppercase(),
            NOW
        ));
        assert!(!verify_user_hash(&s, "user_124", HASH_USER_123, NOW));
        assert!(!verify_user_hash(&s, "user_123", &HASH_USER_123[..62], NOW));
        assert!(!verify_user_hash(&s, "user_123", "not hex", NOW));
        assert!(!verify_user_hash(&s, "user_123", "", NOW));
    }

    #[test]
    fn previous_secret_valid_only_during_grace() {
        let s = Secrets {
            current: "new-secret",
            previous: Some((SECRET, NOW + 1000)),
        };
        assert!(verify_user_hash(&s, "user_123", HASH_USER_123, NOW));
        assert!(!verify_user_hash(&s, "user_123", HASH_USER_123, NOW + 1000));
        assert!(verify_user_hash(
            &s,
            "user_123",
            &user_hash("new-secret", "user_123"),
            NOW + 5000
        ));
    }

    fn claims<'a>(
        user_id: Option<&'a str>,
        email: Option<&'a str>,
        hash: Option<&'a str>,
    ) -> Claims<'a> {
        Claims {
            user_id,
            email,
            user_hash: hash,
            user_jwt: None,
        }
    }

    #[test]
    fn required_mode_refuses_unproven_user_id_and_email() {
        for c in [
            claims(Some("user_123"), None, None),
            claims(None, Some("ada@example.com"), None),
        ] {
            let e = verify_claims(IdentityMode::Required, Some(&secrets()), &c, NOW).unwrap_err();
            assert_eq!(e.code, ErrorCode::IdentityVerificationFailed);
        }
        // Anonymous is fine.
        let id = verify_claims(
            IdentityMode::Required,
            Some(&secrets()),
            &Claims::default(),
            NOW,
        )
        .unwrap();
        assert!(!id.claims_anything());
    }

    #[test]
    fn forged_or_foreign_hash_refused_in_optional_and_required() {
        for mode in [IdentityMode::Optional, IdentityMode::Required] {
            let zeros = "0".repeat(64);
            let forged = claims(Some("user_123"), None, Some(&zeros));
            assert!(verify_claims(mode, Some(&secrets()), &forged, NOW).is_err());
            // A valid hash, but for another user.
            let other = claims(Some("user_999"), None, Some(HASH_USER_123));
            assert!(verify_claims(mode, Some(&secrets()), &other, NOW).is_err());
        }
    }

    #[test]
    fn valid_hash_verifies_user_id_only() {
        let c = claims(
            Some("user_123"),
            Some("victim@example.com"),
            Some(HASH_USER_123),
        );
        let id = verify_claims(IdentityMode::Required, Some(&secrets()), &c, NOW).unwrap();
        assert!(id.user_id_verified);
        assert!(!id.email_verified, "a userId hash does not prove an email");
    }

    #[test]
    fn a_hash_never_proves_an_email() {
        // A hash over the email's text is exactly what a site hands a user whose chosen
        // username is that email address: it proves the username, not the mailbox.
        for mode in [IdentityMode::Optional, IdentityMode::Required] {
            let c = claims(None, Some("  Ada@Example.COM "), Some(HASH_ADA_EMAIL));
            let e = verify_claims(mode, Some(&secrets()), &c, NOW).unwrap_err();
            assert_eq!(e.code, ErrorCode::IdentityVerificationFailed);
            assert!(e.message.contains("never an email"), "{}", e.message);
        }
        // The same string as a userId is proven, as a userId only.
        let c = claims(Some("ada@example.com"), None, Some(HASH_ADA_EMAIL));
        let id = verify_claims(IdentityMode::Required, Some(&secrets()), &c, NOW).unwrap();
        assert!(id.user_id_verified && !id.email_verified);
        assert_eq!(id.email, None);
    }

    #[test]
    fn off_mode_trusts_nothing_and_checks_nothing() {
        let c = claims(Some("user_123"), None, Some("garbage"));
        let id = verify_claims(IdentityMode::Off, Some(&secrets()), &c, NOW).unwrap();
        assert!(!id.verified());
        assert_eq!(id.user_id.as_deref(), Some("user_123"));
    }

    #[test]
    fn optional_mode_accepts_unproven_claims_as_unverified() {
        let c = claims(Some("user_123"), None, None);
        let id = verify_claims(IdentityMode::Optional, Some(&secrets()), &c, NOW).unwrap();
        assert!(!id.verified());
    }

    #[test]
    fn jwt_key_known_vector() {
        assert_eq!(
            jwt_key(SECRET),
            "88680bb753755c001f7a96466f383394ffb5bb1ccd476c7d04d8a6df06631b57"
        );
    }

    #[test]
    fn a_user_hash_is_never_a_jwt_signature() {
        // A user picks the userId `<header>.<payload>` and the site hands them its userHash;
        // re-encoded as base64url it would sign the JWT if both proofs shared a key.
        let uid = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoidmljdGltIiwiZXhwIjoyMDAwMDAwMDAwfQ";
        let hash = user_hash(SECRET, uid);
        let forged = format!(
            "{uid}.{}",
            URL_SAFE_NO_PAD.encode(hex::decode(hash).unwrap())
        );
        assert!(verify_jwt(&secrets(), &forged, NOW).is_none());
        // The same claims signed with the JWT key verify (the check above is not vacuous).
        let good = format!(
            "{uid}.{}",
            URL_SAFE_NO_PAD.encode(
                mac(&jwt_key(SECRET), uid.as_bytes())
                    .finalize()
                    .into_bytes()
            )
        );
        assert_eq!(
            verify_jwt(&secrets(), &good, NOW).and_then(|i| i.user_id),
            Some("victim".into())
        );
    }

    #[test]
    fn jwt_known_vector_verifies() {
        let id = verify_jwt(&secrets(), JWT, NOW).unwrap();
        assert_eq!(id.user_id.as_deref(), Some("user_123"));
        assert_eq!(id.email.as_deref(), Some("Ada@Example.com"));
        assert!(id.user_id_verified && id.email_verified);
        assert_eq!(id.signed_attributes.unwrap()["plan"], "pro");
    }

    #[test]
    fn jwt_refused_when_expired_tampered_or_wrong_alg() {
        assert!(
            verify_jwt(&secrets(), JWT, 2_000_000_000_000).is_none(),
            "expired"
        );
        let other = Secrets {
            current: "other",
            previous: None,
        };
        assert!(verify_jwt(&other, JWT, NOW).is_none(), "wrong key");
        // Tamper with the payload: swap the user id.
        let parts: Vec<&str> = JWT.split('.').collect();
        let forged_payload = URL_SAFE_NO_PAD.encode(br#"{"user_id":"admin","exp":2000000000}"#);
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert!(verify_jwt(&secrets(), &forged, NOW).is_none(), "tampered");
        // alg "none" with an empty signature.
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let none = format!("{}.{}.", none_header, parts[1]);
        assert!(verify_jwt(&secrets(), &none, NOW).is_none(), "alg none");
        for junk in ["", "a.b", "a.b.c.d", "....", &"x".repeat(MAX_JWT_LEN + 1)] {
            assert!(verify_jwt(&secrets(), junk, NOW).is_none(), "{junk}");
        }
    }

    #[test]
    fn jwt_must_agree_with_body_claims() {
        let mut c = claims(Some("user_999"), None, None);
        c.user_jwt = Some(JWT);
        assert!(verify_claims(IdentityMode::Optional, Some(&secrets()), &c, NOW).is_err());
        let mut ok = claims(Some("user_123"), Some("ada@EXAMPLE.com"), None);
        ok.user_jwt = Some(JWT);
        assert!(
            verify_claims(IdentityMode::Required, Some(&secrets()), &ok, NOW)
                .unwrap()
                .verified()
        );
    }

    #[test]
    fn proof_without_secret_is_refused() {
        let c = claims(Some("user_123"), None, Some(HASH_USER_123));
        assert!(verify_claims(IdentityMode::Optional, None, &c, NOW).is_err());
    }
}
