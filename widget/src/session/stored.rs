//! What a session keeps in the browser (`Stored`, in `localStorage` or page memory) and the
//! pure rules about it: when to refresh, whether a token is still live, what a valid token or
//! session id looks like.

use crate::js::{self, get_f64, get_str};
use js_sys::{Object, JSON};
use porchlight_widget_common::hex;
use porchlight_widget_common::storage;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Used when the edge does not say (the edge's own default).
pub const DEFAULT_LIFETIME_MS: f64 = 86_400_000.0;
/// A token this close to expiry is treated as expired (clock skew, request latency).
pub const SKEW_MS: f64 = 5_000.0;
/// `setTimeout` stores its delay in an i32.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;
/// After a failed refresh (network), try again this much later.
pub(super) const REFRESH_RETRY_MS: f64 = 30_000.0;
/// Upper bound of the random pause before a refresh (see [`refresh`]).
pub(super) const REFRESH_JITTER_MS: f64 = 3_000.0;

/// Identity claims kept from `boot` / `identify` so a transparent re-boot is the same person.
pub(super) const CLAIMS: [&str; 5] = ["userId", "email", "name", "userHash", "userJwt"];

/// Milliseconds from `now` until the token should be refreshed: once less than 25 % of its
/// lifetime remains before `expires_at`. 0 means "now"; capped to what `setTimeout` accepts.
pub fn refresh_delay(now: f64, expires_at: f64, lifetime_ms: f64) -> f64 {
    let life = if lifetime_ms.is_finite() && lifetime_ms > 0.0 {
        lifetime_ms
    } else {
        DEFAULT_LIFETIME_MS
    };
    // The 25 % rule itself is shared with the edge's documentation and tests.
    let d = porchlight_shared::session::refresh_delay_ms(now, expires_at, life);
    if d.is_nan() || d <= 0.0 {
        0.0
    } else {
        d.min(MAX_TIMER_MS)
    }
}

/// Milliseconds from `now` until `at` (0 if it has passed), capped to what `setTimeout` accepts.
pub fn until(now: f64, at: f64) -> f64 {
    let d = at - now;
    if d.is_nan() || d <= 0.0 {
        0.0
    } else {
        d.min(MAX_TIMER_MS)
    }
}

/// True when a refresh is due now.
pub fn should_refresh(now: f64, expires_at: f64, lifetime_ms: f64) -> bool {
    refresh_delay(now, expires_at, lifetime_ms) <= 0.0
}

/// True while a token expiring at `expires_at` can still be presented: not within the clock
/// skew margin of its end (5 s, or a tenth of a short lifetime, so a short-lived token is
/// refreshed rather than thrown away).
pub fn token_live(now: f64, expires_at: f64, lifetime_ms: f64) -> bool {
    let skew = if lifetime_ms > 0.0 {
        SKEW_MS.min(lifetime_ms / 10.0)
    } else {
        SKEW_MS
    };
    expires_at - skew > now
}

/// A token as the edge mints them (`wst_` + hex); anything else in storage is ignored, so a
/// tampered value can never reach a request header.
pub fn valid_token(t: &str) -> bool {
    t.len() > 4
        && t.len() <= 200
        && t.starts_with("wst_")
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// An anonymous session id we would have generated (hex or UUID).
pub fn valid_session_id(s: &str) -> bool {
    (16..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// At most `max` bytes of `s`, cut at a character boundary: page facts are clipped to the
/// edge's limits so a very long URL or title can never make a boot invalid.
pub fn clip(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// What one workspace's session keeps in the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub session_id: String,
    pub token: Option<String>,
    pub expires_at: f64,
    pub lifetime_ms: f64,
}

thread_local! {
    /// Where the session lives when `localStorage` is unavailable (sandboxed iframes, some
    /// private modes): it then lasts as long as the page.
    static MEMORY: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

pub(super) fn key(ws: &str) -> String {
    porchlight_widget_common::key(ws, "")
}

pub(super) fn read(k: &str) -> Option<String> {
    if let Some(v) = storage().and_then(|s| s.get_item(k).ok().flatten()) {
        return Some(v);
    }
    MEMORY
        .try_with(|m| {
            m.try_borrow()
                .ok()
                .and_then(|m| m.as_ref().filter(|(mk, _)| mk == k).map(|(_, v)| v.clone()))
        })
        .ok()
        .flatten()
}

fn write(k: &str, v: &str) {
    if storage().is_some_and(|s| s.set_item(k, v).is_ok()) {
        return;
    }
    let _ = MEMORY.try_with(|m| {
        m.try_borrow_mut()
            .map(|mut m| *m = Some((k.into(), v.into())))
    });
}

pub(super) fn remove(k: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(k);
    }
    let _ = MEMORY.try_with(|m| m.try_borrow_mut().map(|mut m| *m = None));
}

/// 16 random bytes as hex: the anonymous, stable id of this browser for this workspace.
fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No WebCrypto: still unique enough to tell two browsers apart.
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (js_sys::Math::random() * 256.0) as u8 ^ (i as u8);
        }
    }
    hex(&bytes)
}

impl Stored {
    /// The stored session of `ws`, or a fresh anonymous one (not yet saved).
    pub fn load(ws: &str) -> Stored {
        let v = read(&key(ws))
            .and_then(|s| JSON::parse(&s).ok())
            .unwrap_or(JsValue::UNDEFINED);
        Stored {
            session_id: get_str(&v, "sessionId")
                .filter(|s| valid_session_id(s))
                .unwrap_or_else(new_session_id),
            token: get_str(&v, "token").filter(|t| valid_token(t)),
            expires_at: get_f64(&v, "expiresAt").unwrap_or(0.0),
            lifetime_ms: get_f64(&v, "lifetimeMs").unwrap_or(DEFAULT_LIFETIME_MS),
        }
    }

    pub fn save(&self, ws: &str) {
        let o = Object::new();
        js::set(&o, "sessionId", &JsValue::from_str(&self.session_id));
        if let Some(t) = &self.token {
            js::set(&o, "token", &JsValue::from_str(t));
        }
        js::set(&o, "expiresAt", &JsValue::from_f64(self.expires_at));
        js::set(&o, "lifetimeMs", &JsValue::from_f64(self.lifetime_ms));
        if let Some(s) = JSON::stringify(&o).ok().and_then(|s| s.as_string()) {
            write(&key(ws), &s);
        }
    }

    /// The token, if it has not expired.
    pub fn live_token(&self, now: f64) -> Option<&str> {
        self.token
            .as_deref()
            .filter(|_| token_live(now, self.expires_at, self.lifetime_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 3_600_000.0;

    #[test]
    fn refreshes_in_the_last_quarter() {
        let life = 24.0 * H;
        let issued = 1_000_000.0;
        let exp = issued + life;
        // Just issued: wait 18 h.
        assert_eq!(refresh_delay(issued, exp, life), 18.0 * H);
        assert!(!should_refresh(issued, exp, life));
        // 6 h + 1 ms left: not yet; exactly 6 h or less: now.
        assert!(!should_refresh(exp - 6.0 * H - 1.0, exp, life));
        assert!(should_refresh(exp - 6.0 * H, exp, life));
        assert!(should_refresh(exp - H, exp, life));
        // Expired or nonsense: now.
        assert!(should_refresh(exp + 1.0, exp, life));
        assert_eq!(refresh_delay(issued, f64::NAN, life), 0.0);
        // Unknown lifetime: the 24 h default.
        assert_eq!(refresh_delay(issued, exp, 0.0), 18.0 * H);
        assert_eq!(refresh_delay(issued, exp, f64::NAN), 18.0 * H);
        // A 7-day lifetime fits in setTimeout; absurd ones are capped.
        assert_eq!(
            refresh_delay(0.0, 7.0 * 24.0 * H, 7.0 * 24.0 * H),
            126.0 * H
        );
        assert_eq!(refresh_delay(0.0, 1e12, 1.0), MAX_TIMER_MS);
    }

    #[test]
    fn a_session_at_its_end_waits_for_its_expiry() {
        assert_eq!(until(1000.0, 5000.0), 4000.0);
        assert_eq!(until(5000.0, 1000.0), 0.0);
        assert_eq!(until(0.0, f64::NAN), 0.0);
        assert_eq!(until(0.0, 1e13), MAX_TIMER_MS);
    }

    #[test]
    fn liveness_has_a_margin() {
        let day = DEFAULT_LIFETIME_MS;
        assert!(token_live(0.0, SKEW_MS + 1.0, day));
        assert!(!token_live(0.0, SKEW_MS, day));
        assert!(!token_live(0.0, f64::NAN, day));
        // A 4 s lifetime keeps a 400 ms margin, not 5 s.
        assert!(token_live(0.0, 1000.0, 4000.0));
        assert!(!token_live(0.0, 400.0, 4000.0));
    }

    #[test]
    fn stored_values_are_checked() {
        let tok = "wst_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert!(valid_token(tok));
        assert!(!valid_token("wst_"));
        assert!(!valid_token("psk_abc"));
        assert!(!valid_token("wst_abc\r\nX-Evil: 1"));
        assert!(valid_session_id("0123456789abcdef0123456789abcdef"));
        assert!(valid_session_id("3b241101-e2bb-4255-8caf-4136c566a962"));
        assert!(!valid_session_id("short"));
        assert!(!valid_session_id("0123456789abcdef0123456789abcdeg"));
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
    }

    #[test]
    fn page_facts_are_clipped_on_char_boundaries() {
        assert_eq!(clip("abc", 10), "abc");
        assert_eq!(clip("abcdef", 3), "abc");
        assert_eq!(clip("aé", 2), "a");
        assert_eq!(clip("日本語", 4), "日");
        assert_eq!(clip("", 0), "");
        assert_eq!(clip(&"x".repeat(5000), 2048).len(), 2048);
    }
}
