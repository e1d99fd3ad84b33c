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

/// A token's parts, `pv1.<item>.<expiresAtMs>.<mac>`: the item, the expiry and the MAC as
/// written, if it is shaped as one (the MAC is not checked here).
///
/// Written for the widget's bytes (it reads a tab's token): predicate patterns and a digit loop
/// rather than `char` searchers and `str::parse`, which would add ~1 KB to its core.
#[allow(clippy::manual_pattern_char_comparison)]
fn parts(token: &str) -> Option<(&str, i64, &str)> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let mut parts = token.split(|c| c == '.');
    let (Some("pv1"), Some(item), Some(exp), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    // Decimal digits only (at most 18: no overflow).
    if !valid_id(item) || exp.is_empty() || exp.len() > 18 {
        return None;
    }
    let mut e: i64 = 0;
    for b in exp.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        e = e * 10 + i64::from(b - b'0');
    }
    Some((item, e, tag))
}

/// The item a token previews, if it is well-formed, signed for `ws` with this secret, and not
/// expired at `now`.
pub fn verify(
    identity_secret: &str,
    ws: &str,
    token: &str,
    now: i64,
) -> Result<String, PreviewRefusal> {
    let (item, exp, tag) = parts(token).ok_or(PreviewRefusal::Malformed)?;
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

/// What a preview link puts in the page's fragment to end the tab's preview
/// (`#porchlight-preview=off`).
pub const OFF: &str = "off";

/// The `porchlight-preview=` value in `url`'s fragment (`#…&porchlight-preview=<token>&…`), as
/// the console's links carry it: the edge reads a page URL's, the widget its tab's. (Predicate
/// patterns, as [`parts`], for the widget's bytes.)
#[allow(clippy::manual_pattern_char_comparison)]
pub fn in_fragment(url: &str) -> Option<&str> {
    url.split_once(|c| c == '#')?
        .1
        .split(|c| c == '&')
        .find_map(|p| p.strip_prefix("porchlight-preview="))
}

/// A preview in a tab: the token the widget sends with each question of what to show, and the
/// token the tab keeps for its next pages (`sessionStorage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InTab {
    pub send: Option<String>,
    pub keep: Option<String>,
}

/// The widget's rule for a tab: a link's token in the page's fragment is sent as it is (the
/// edge says why one is refused) and kept while it has not expired — a multi-page tour's
/// preview goes on on the site's next pages; `off` ends it; without either, the kept token is
/// sent until it expires (its own expiry, as [`verify`] reads it; at most [`PREVIEW_TTL_MS`]).
pub fn in_tab(fragment: Option<&str>, kept: Option<&str>, now: i64) -> InTab {
    let live = |t: &str| parts(t).is_some_and(|(_, exp, _)| exp > now);
    match fragment {
        Some(OFF) => InTab {
            send: None,
            keep: None,
        },
        Some(t) => InTab {
            send: Some(t.to_string()),
            keep: live(t).then(|| t.to_string()),
        },
        None => {
            let kept = kept.filter(|t| live(t)).map(str::to_string);
            InTab {
                send: kept.clone(),
                keep: kept,
            }
        }
    }
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
            "pv1.t.-5.AAAA",
            "pv1.t.1e5.AAAA",
            "pv1.t.1234567890123456789.AAAA",
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

    #[test]
    fn the_fragment_is_read_as_links_write_it() {
        let t = sign("s3cret", "ws_1", "tour_ab12", NOW + 1000).unwrap();
        let link = format!("https://acme.test/p?x=1#porchlight-preview={t}");
        assert_eq!(in_fragment(&link), Some(t.as_str()));
        assert_eq!(
            in_fragment(&format!("/p#a=1&porchlight-preview={t}&b")),
            Some(t.as_str())
        );
        assert_eq!(in_fragment("#porchlight-preview=off"), Some(OFF));
        for none in [
            "https://acme.test/p",
            "https://acme.test/p?porchlight-preview=x",
            "/#x-porchlight-preview=y",
            "#",
        ] {
            assert_eq!(in_fragment(none), None, "{none}");
        }
    }

    #[test]
    fn a_tab_keeps_a_links_token_until_it_expires_or_is_turned_off() {
        let t = sign("s3cret", "ws_1", "tour_ab12", NOW + 1000).unwrap();
        let t2 = sign("s3cret", "ws_1", "post_9", NOW + 5000).unwrap();
        let both = |s: Option<&str>| InTab {
            send: s.map(String::from),
            keep: s.map(String::from),
        };
        // The link's page keeps it; the next pages (no fragment) send what is kept.
        assert_eq!(in_tab(Some(&t), None, NOW), both(Some(&t)));
        assert_eq!(in_tab(None, Some(&t), NOW + 999), both(Some(&t)));
        // Expired: nothing is sent, and it goes.
        assert_eq!(in_tab(None, Some(&t), NOW + 1000), both(None));
        // Another link replaces it; `off` ends it.
        assert_eq!(in_tab(Some(&t2), Some(&t), NOW), both(Some(&t2)));
        assert_eq!(in_tab(Some(OFF), Some(&t), NOW), both(None));
        // A link's bad token goes to the edge (which says why) but is not kept; the kept one
        // gives way to it. A kept value that is no token is dropped.
        for bad in ["", "pv1.x", "pv1.t.+5.AAAA", "<script>"] {
            assert_eq!(
                in_tab(Some(bad), Some(&t), NOW),
                InTab {
                    send: Some(bad.into()),
                    keep: None
                },
                "{bad}"
            );
            assert_eq!(in_tab(None, Some(bad), NOW), both(None), "{bad}");
        }
        let expired = sign("s3cret", "ws_1", "tour_ab12", NOW - 1).unwrap();
        assert_eq!(
            in_tab(Some(&expired), None, NOW),
            InTab {
                send: Some(expired),
                keep: None
            }
        );
        assert_eq!(in_tab(None, Some(&"9".repeat(300)), NOW), both(None));
    }
}
