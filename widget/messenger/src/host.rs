//! The core, as the messenger sees it: a plain JS object made by the core's `chat` module
//! (its members: `porchlight_widget_common::contract::Host`).
//! - `call(method, path, body?, signal?)` → a promise of the parsed JSON, or a rejection
//!   `{status, code}`: the core's authed call, which refreshes or re-boots a dead session and
//!   tries once more; an `AbortSignal` cancels it;
//! - `emit(name, value)`: `message` and `unreadCountChange` reach the page's listeners (the
//!   latter also sets the launcher's badge); `badge` only sets the badge;
//! - `api`: the API base URL; `visitor`: the booted visitor (kept current by the core).

use js_sys::Promise;
use porchlight_widget_common::contract::Host;
pub(crate) use porchlight_widget_common::host::{emit, set};
use porchlight_widget_common::host::{func, member};
use porchlight_widget_common::ApiError;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// An authed call through the core.
pub(crate) async fn call(
    method: &str,
    path: &str,
    body: Option<&JsValue>,
) -> Result<JsValue, ApiError> {
    call_until(method, path, body, &JsValue::UNDEFINED).await
}

/// [`call`], cancelled when `signal` (an `AbortSignal`) aborts: a network error then.
pub(crate) async fn call_until(
    method: &str,
    path: &str,
    body: Option<&JsValue>,
    signal: &JsValue,
) -> Result<JsValue, ApiError> {
    let f = func(Host::Call).ok_or_else(|| ApiError::new(0, "NOT_BOOTED"))?;
    let args = js_sys::Array::of4(
        &JsValue::from_str(method),
        &JsValue::from_str(path),
        body.unwrap_or(&JsValue::UNDEFINED),
        signal,
    );
    let p = f
        .apply(&JsValue::UNDEFINED, &args)
        .map_err(|e| ApiError::from_js(&e))?;
    JsFuture::from(Promise::resolve(&p))
        .await
        .map_err(|e| ApiError::from_js(&e))
}

pub(crate) fn api() -> String {
    member(Host::Api).as_string().unwrap_or_default()
}

pub(crate) fn visitor() -> JsValue {
    member(Host::Visitor)
}
