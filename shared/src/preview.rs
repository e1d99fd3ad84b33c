//! Signed preview links: a short-lived token that makes the widget show one item to the browser
//! that opens the link, whatever its audience, schedule or frequency, with nothing counted.
//! `pv1.<itemId>.<expiresAtMs>.<mac>`: the MAC is HMAC-SHA256 over the workspace, the item and
//! the expiry, keyed with a key derived from the workspace's identity secret (domain-separated,
//! so no `userHash` or JWT signature is ever a valid preview MAC). The token names no secret;
//! the check is constant-time; rotating the identity secret voids every link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// How long a preview link works.
pub const PREVIEW_TTL_MS: i64 = 30 * 60 * 1000;
/// Longest token accepted (a longer one is refused before any work).
pub const MAX_TOKEN_LEN: usize = 200;

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewRefusal {
    Malformed,
    Forged,
    Expired,
}

impl PreviewRefusal {
    pub fn message(self) -> &'static str {
        match self {
            PreviewRefusal::Malformed => "the preview link is malformed",
            PreviewRefusal::Forged => "the preview link's signature does not match (forged, or the identity secret was rotated)",
            PreviewRefusal::Expired => "the preview link expired: make a new one in the console",
        }
    }
}

fn mac(identity_secret: &str, ws: &str, item: &str, exp: i64) -> Hmac<Sha256> {
    let key = Sha256::new()
        .chain_update(b"porchlight-preview-v1:")
        .chain_update(identity_secret.as_bytes())
        .finalize();
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    m.update(format!("{ws}\n{item}\n{exp}").as_bytes());
    m
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A token for `item` of workspace `ws`, valid until `expires_at` (epoch ms). `None` when the
/// item id is not one the edge issues.
pub fn sign(identity_secret: &str, ws: &str, item: &str, expires_at: i64) -> Option<String> {
    valid_id(item).then(|| {
        let tag = mac(identity_secret, ws, item, expires_at)
            .finalize()
            .into_bytes();
        format!("pv1.{item}.{expires_at}.{}", URL_SAFE_NO_PAD.encode(tag))
    })
}

/// The item a token previews, if it is well-formed, signed for `ws` with this secret, and not
/// expired at `now`.
pub fn verify(
    identity_secret: &str,
    ws: &str,
    token: &str,
    now: i64,
) -> Result<String, PreviewRefusal> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(PreviewRefusal::Malformed);
    }
    let mut parts = token.split('.');
    let (Some("pv1"), Some(item), Some(exp), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(PreviewRefusal::Malformed);
    };
    let exp: i64 = match exp.parse() {
        Ok(e) if valid_id(item) && !exp.starts_with('+') => e,
        _ => return Err(PreviewRefusal::Malformed),
    };
    let tag = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| PreviewRefusal::Malformed)?;
    // Constant-time comparison (hmac's verify_slice).
    mac(identity_secret, ws, item, exp)
        .verify_slice(&tag)
        .map_err(|_| PreviewRefusal::Forged)?;
    if exp <= now {
        return Err(PreviewRefusal::Expired);
    }
    Ok(item.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn a_signed_token_previews_its_item_until_it_expires() {
        let t = sign("s3cret", "ws_1", "tour_ab12", NOW + PREVIEW_TTL_MS).unwrap();
        assert!(t.starts_with("pv1.tour_ab12."));
        assert!(!t.contains("s3cret"));
        assert_eq!(
            verify("s3cret", "ws_1", &t, NOW).as_deref(),
            Ok("tour_ab12")
        );
        assert_eq!(
            verify("s3cret", "ws_1", &t, NOW + PREVIEW_TTL_MS),
            Err(PreviewRefusal::Expired)
        );
    }

    #[test]
    fn forged_and_malformed_tokens_are_refused() {
        let t = sign("s3cret", "ws_1", "tour_ab12", NOW + 1000).unwrap();
        assert_eq!(
            verify("other", "ws_1", &t, NOW),
            Err(PreviewRefusal::Forged)
        );
        assert_eq!(
            verify("s3cret", "ws_2", &t, NOW),
            Err(PreviewRefusal::Forged)
        );
        // Another item or a later expiry under the same signature.
        let sig = t.rsplit('.').next().unwrap();
        assert_eq!(
            verify(
                "s3cret",
                "ws_1",
                &format!("pv1.tour_zz.{}.{sig}", NOW + 1000),
                NOW
            ),
            Err(PreviewRefusal::Forged)
        );
        assert_eq!(
            verify(
                "s3cret",
                "ws_1",
                &format!("pv1.tour_ab12.{}.{sig}", NOW + 9_999_999),
                NOW
            ),
            Err(PreviewRefusal::Forged)
        );
        for bad in [
            "",
            "pv1",
            "pv1.a.b.c",
            "pv2.tour_ab12.1.AAAA",
            "pv1.tour ab.1.AAAA",
            "pv1.t.+5.AAAA",
            "pv1.t.1.!!",
            "pv1.t.1.AA.x",
        ] {
            assert_eq!(
                verify("s3cret", "ws_1", bad, NOW),
                Err(PreviewRefusal::Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            verify("s3cret", "ws_1", &"a".repeat(300), NOW),
            Err(PreviewRefusal::Malformed)
        );
        assert!(sign("s3cret", "ws_1", "bad id", NOW).is_none());
    }
}
