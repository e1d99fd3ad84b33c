//! JSON over `fetch`, with the edge's error envelope turned into a value.

use crate::js;
use js_sys::{Object, Promise, JSON};
pub use porchlight_widget_common::{sleep, ApiError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(ms)`, caught: older browsers lack it and simply get no timeout.
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: u32) -> Result<web_sys::AbortSignal, JsValue>;
    /// `AbortSignal.any(signals)`, caught: a browser without it keeps the timeout alone.
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = any)]
    fn abort_any(signals: &js_sys::Array) -> Result<web_sys::AbortSignal, JsValue>;
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
    read(send(method, url, token, body, None)?).await
}

/// Starts a request: the `fetch` promise, for [`read`]. `signal` cancels it (a network error
/// then), on top of the timeout.
pub fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&JsValue>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Promise, ApiError> {
    let window = web_sys::window().ok_or_else(|| ApiError::new(0, "NO_WINDOW"))?;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Object::new();
    // Without a token nothing needs more than a CORS-simple request: the body goes as the
    // default text/plain (the edge reads JSON whatever the type), so a cross-origin page pays
    // no preflight for it. A token needs its Authorization header, and then JSON says so.
    if let Some(t) = token {
        let mut bearer = String::from("Bearer ");
        bearer.push_str(t);
        js::set(
            &headers,
            "Content-Type",
            &JsValue::from_str("application/json"),
        );
        js::set(&headers, "Authorization", &JsValue::from_str(&bearer));
    }
    init.set_headers(&headers);
    if let Some(b) = body {
        // Cycles or BigInts in site-supplied attributes land here, not in a throw.
        let s = JSON::stringify(b).map_err(|_| ApiError::new(400, "INVALID_INPUT"))?;
        init.set_body(&s);
    }
    let timeout = abort_after(TIMEOUT_MS).ok();
    let signal = match (signal, timeout) {
        // A browser without `AbortSignal.any` keeps the timeout (the caller drops the answer).
        (Some(s), Some(t)) => Some(abort_any(&js_sys::Array::of2(s, &t)).unwrap_or(t)),
        (s, t) => s.cloned().or(t),
    };
    init.set_signal(signal.as_ref());
    Ok(window.fetch_with_str_and_init(url, &init))
}

/// What a `fetch` answered: the parsed JSON body (`null` for 204) on 2xx, else the envelope's
/// code; a failed fetch is a network error. Also reads the boot the loader started.
pub async fn read(response: Promise) -> Result<JsValue, ApiError> {
    let resp: Response = JsFuture::from(response)
        .await
        .map_err(|_| ApiError::new(0, "NETWORK_ERROR"))?
        .dyn_into()
        .map_err(|_| ApiError::new(0, "NETWORK_ERROR"))?;
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
    fn urls() {
        assert_eq!(url("http://a/", "/v1/boot"), "http://a/v1/boot");
        assert_eq!(url("http://a", "/v1/boot"), "http://a/v1/boot");
    }
}
