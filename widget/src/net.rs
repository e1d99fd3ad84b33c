//! JSON over `fetch`, with the edge's error envelope turned into a value.

use crate::js;
use js_sys::{Object, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

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

    /// The payload of the `error` event: `{code, status}`.
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        js::set(&o, "code", &JsValue::from_str(&self.code));
        js::set(&o, "status", &JsValue::from(self.status));
        o.into()
    }
}

#[wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(ms)`, caught: older browsers lack it and simply get no timeout.
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: u32) -> Result<web_sys::AbortSignal, JsValue>;
}

/// A request that hangs this long counts as a network failure, so boot can retry.
const TIMEOUT_MS: u32 = 15_000;

/// `POST url` with a JSON body and an optional bearer token. Resolves to the parsed JSON body
/// (`null` for 204) on 2xx, else to the envelope's code.
pub async fn post(
    url: &str,
    token: Option<&str>,
    body: Option<&JsValue>,
) -> Result<JsValue, ApiError> {
    request("POST", url, token, body).await
}

/// Any method; see [`post`].
pub async fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&JsValue>,
) -> Result<JsValue, ApiError> {
    let net = |_| ApiError::new(0, "NETWORK_ERROR");
    let window = web_sys::window().ok_or_else(|| ApiError::new(0, "NO_WINDOW"))?;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Object::new();
    js::set(
        &headers,
        "Content-Type",
        &JsValue::from_str("application/json"),
    );
    if let Some(t) = token {
        let mut bearer = String::from("Bearer ");
        bearer.push_str(t);
        js::set(&headers, "Authorization", &JsValue::from_str(&bearer));
    }
    init.set_headers(&headers);
    if let Some(b) = body {
        // Cycles or BigInts in site-supplied attributes land here, not in a throw.
        let s = JSON::stringify(b).map_err(|_| ApiError::new(400, "INVALID_INPUT"))?;
        init.set_body(&s);
    }
    if let Ok(signal) = abort_after(TIMEOUT_MS) {
        init.set_signal(Some(&signal));
    }
    let resp: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(net)?
        .unchecked_into();
    let data = match resp.json() {
        Ok(p) => JsFuture::from(p).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    if resp.ok() {
        Ok(data)
    } else {
        let code = js::get_str(&js::get(&data, "error"), "code");
        Err(ApiError {
            status: resp.status(),
            code: code.unwrap_or_else(|| "HTTP_ERROR".into()),
        })
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let p = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// `base + path` without a doubled slash.
pub fn url(base: &str, path: &str) -> String {
    let mut s = String::from(base.trim_end_matches('/'));
    s.push_str(path);
    s
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
        assert_eq!(url("http://a/", "/v1/boot"), "http://a/v1/boot");
        assert_eq!(url("http://a", "/v1/boot"), "http://a/v1/boot");
    }
}
