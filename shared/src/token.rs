//! Session tokens (`wst_` + 64 hex), workspace secret keys (`psk_` + 64 hex), teammate keys
//! (`ptk_` + 64 hex) and live-socket tickets (`lvt_` + 64 hex).
//!
//! All are bearer secrets made from 32 random bytes the caller supplies (the edge reads
//! `crypto.getRandomValues`). Only their SHA-256 is ever stored.

use sha2::{Digest, Sha256};

/// A visitor's bearer token for the visitor API.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

/// A workspace's secret key for the admin API.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

/// A teammate's own key: the agent console and the conversation routes, as that teammate.
#[derive(Clone, PartialEq, Eq)]
pub struct TeammateKey(String);

/// A single-use, short-lived ticket that opens one live WebSocket. Browsers cannot set headers
/// on a WebSocket, so the credential travels in the URL: a ticket (useless once used, or after
/// seconds) instead of a long-lived token or key.
#[derive(Clone, PartialEq, Eq)]
pub struct LiveTicket(String);

macro_rules! bearer_secret {
    ($ty:ident, $prefix:literal) => {
        impl $ty {
            pub const PREFIX: &'static str = $prefix;

            /// Formats 32 random bytes as a token.
            pub fn from_random(bytes: [u8; 32]) -> Self {
                $ty(format!("{}{}", $prefix, hex::encode(bytes)))
            }

            /// Accepts exactly the prefix followed by 64 lowercase hex digits.
            pub fn parse(s: &str) -> Option<Self> {
                let rest = s.strip_prefix($prefix)?;
                let ok = rest.len() == 64
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                ok.then(|| $ty(s.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Lowercase hex SHA-256 of the whole token: the only form kept at rest.
            pub fn storage_hash(&self) -> String {
                sha256_hex(self.0.as_bytes())
            }
        }

        // Never print a secret by accident.
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($ty), "({}…)"), $prefix)
            }
        }
    };
}

bearer_secret!(SessionToken, "wst_");
bearer_secret!(SecretKey, "psk_");
bearer_secret!(TeammateKey, "ptk_");
bearer_secret!(LiveTicket, "lvt_");

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Extracts the credential of an `Authorization: Bearer …` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let t = SessionToken::from_random([0xab; 32]);
        assert_eq!(t.as_str().len(), 4 + 64);
        assert!(t.as_str().starts_with("wst_abab"));
        assert_eq!(SessionToken::parse(t.as_str()), Some(t));
    }

    #[test]
    fn rejects_malformed_tokens() {
        let good = format!("wst_{}", "0".repeat(64));
        assert!(SessionToken::parse(&good).is_some());
        for bad in [
            String::new(),
            "wst_".to_string(),
            format!("wst_{}", "0".repeat(63)),
            format!("wst_{}", "0".repeat(65)),
            format!("wst_{}", "G".repeat(64)),
            format!("wst_{}", "A".repeat(64)),
            format!("psk_{}", "0".repeat(64)),
            format!("WST_{}", "0".repeat(64)),
            format!("wst_{}é", "0".repeat(62)),
        ] {
            assert!(SessionToken::parse(&bad).is_none(), "{bad}");
        }
        assert!(SecretKey::parse(&good).is_none());
        assert!(LiveTicket::parse(&good).is_none());
        let ticket = LiveTicket::from_random([1; 32]);
        assert_eq!(LiveTicket::parse(ticket.as_str()), Some(ticket));
    }

    #[test]
    fn storage_hash_is_sha256_of_the_token() {
        // python3 -c "import hashlib;print(hashlib.sha256(('wst_'+'0'*64).encode()).hexdigest())"
        let t = SessionToken::parse(&format!("wst_{}", "0".repeat(64))).unwrap();
        assert_eq!(
            t.storage_hash(),
            "08d88b2af82062756bfbb6a4afed346c7ef6e2bbdc52f8a898d2ebe31e6e44fc"
        );
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let t = SessionToken::from_random([7; 32]);
        assert!(!format!("{t:?}").contains("0707"));
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer"), None);
    }
}
