//! What both in-page modules need. The core (`porchlight-widget`: launcher, panel, session) and
//! the messenger (`porchlight-messenger`: live chat, loaded only when needed) are two WASM
//! modules that share no memory; each links its own copy of this crate, and LTO keeps only
//! what each one calls.

pub mod catalog;
pub mod contract;
pub mod heap;
pub mod host;
pub mod js;
pub mod place;
pub mod rich;
pub mod style;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element};

/// A failed call: HTTP status (0 = no response) and the envelope's stable `error.code`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
}

impl ApiError {
    pub fn new(status: u16, code: &str) -> Self {
        ApiError {
            status,
            code: code.into(),
        }
    }

    /// The token is no good: drop it and boot again.
    pub fn is_auth(&self) -> bool {
        self.status == 401 || self.code == "SESSION_EXPIRED" || self.code == "NOT_AUTHENTICATED"
    }

    /// Worth trying again later: no response, rate limited, or a server fault.
    pub fn retryable(&self) -> bool {
        self.status == 0 || self.status == 429 || self.status >= 500
    }

    /// The payload of the `error` event (and of a failed host call): `{code, status}`.
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        js::set(&o, "code", &JsValue::from_str(&self.code));
        js::set(&o, "status", &JsValue::from(self.status));
        o.into()
    }

    /// Reads [`ApiError::to_js`]'s shape back; anything else is a network error.
    pub fn from_js(v: &JsValue) -> Self {
        ApiError {
            status: js::get_f64(v, "status").unwrap_or(0.0) as u16,
            code: js::get_str(v, "code").unwrap_or_else(|| "NETWORK_ERROR".into()),
        }
    }
}

/// Retry delay after `attempt` failures: 1 s, 2 s, 4 s, … capped at 30 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    (1000u32 << attempt.min(5)).min(30_000)
}

/// A new client id (32 hex digits from the browser's crypto; time and `Math.random` where
/// there is none, which still makes collisions vanishingly rare): messages, events and
/// impressions carry one so the edge stores each once however often it is sent.
pub fn client_id() -> String {
    let mut b = [0u8; 16];
    let ok = crate::js::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut b).ok())
        .is_some();
    if !ok {
        let t = js_sys::Date::now().to_bits().to_le_bytes();
        let r = js_sys::Math::random().to_bits().to_le_bytes();
        b[..8].copy_from_slice(&t);
        b[8..].copy_from_slice(&r);
    }
    hex(&b)
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let p = Promise::new(&mut |resolve, _| {
        if let Some(w) = crate::js::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// `localStorage`, when the page may use it.
pub fn storage() -> Option<web_sys::Storage> {
    crate::js::window()?.local_storage().ok().flatten()
}

/// `porchlight:<ws>` + `suffix`: every key the widget stores is one of these.
pub fn key(ws: &str, suffix: &str) -> String {
    let mut k = String::from("porchlight:");
    k.push_str(ws);
    k.push_str(suffix);
    k
}

/// The queued chat sends of `ws` (written by the messenger; the core looks at it at boot).
pub fn outbox_key(ws: &str) -> String {
    key(ws, ":outbox")
}

/// Set to "1" once the visitor has a conversation in `ws` on this browser: the core then loads
/// the messenger at boot, so replies reach the badge while the panel is closed.
pub fn chat_key(ws: &str) -> String {
    key(ws, ":chat")
}

/// How the launcher looked (`{vars, class, hidden}`, written by the core): the loader draws it
/// from this before the core has arrived.
pub fn paint_key(ws: &str) -> String {
    key(ws, ":paint")
}

/// Creates `<tag class=class>` at the end of `parent`.
pub fn add(
    doc: &Document,
    parent: &web_sys::Node,
    tag: &str,
    class: &str,
) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    parent.append_child(&e)?;
    Ok(e)
}

/// Sets each attribute of `list` on `e`.
pub fn attrs(e: &Element, list: &[(&str, &str)]) -> Result<(), JsValue> {
    for (k, v) in list {
        e.set_attribute(k, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_classes() {
        assert!(ApiError::new(401, "SESSION_EXPIRED").is_auth());
        assert!(ApiError::new(401, "NOT_AUTHENTICATED").is_auth());
        assert!(!ApiError::new(403, "IDENTITY_VERIFICATION_FAILED").is_auth());
        assert!(ApiError::new(0, "NETWORK_ERROR").retryable());
        assert!(ApiError::new(503, "HTTP_ERROR").retryable());
        assert!(ApiError::new(429, "RATE_LIMITED").retryable());
        assert!(!ApiError::new(404, "WORKSPACE_NOT_FOUND").retryable());
    }

    #[test]
    fn backoff_doubles_to_a_cap() {
        let v: Vec<u32> = (0..8).map(backoff_ms).collect();
        assert_eq!(v, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
        assert_eq!(backoff_ms(u32::MAX), 30000);
    }

    #[test]
    fn keys_are_per_workspace() {
        assert_eq!(outbox_key("demo"), "porchlight:demo:outbox");
        assert_eq!(chat_key("demo"), "porchlight:demo:chat");
        assert_eq!(key("demo", ""), "porchlight:demo");
        assert_eq!(paint_key("demo"), "porchlight:demo:paint");
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
    }
}
