//! The core, as this module sees it: the same host object the messenger gets (its members:
//! `porchlight_widget_common::contract::Host`) — `call(method, path, body?)` (the core's authed
//! call: refresh and re-boot stay there), `emit(name, value)` (page events, opening the
//! messenger), `api`, `visitor`.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use porchlight_widget_common::contract::{Emit, Host};
use porchlight_widget_common::js::{get, get_str, warn};
use porchlight_widget_common::ApiError;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static HOST: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

pub(crate) fn set(h: JsValue) {
    HOST.with(|x| *x.borrow_mut() = h);
}

fn host() -> JsValue {
    HOST.with(|x| x.borrow().clone())
}

fn func(member: Host) -> Option<Function> {
    get(&host(), member.name()).dyn_into().ok()
}

/// An authed call through the core.
pub(crate) async fn call(
    method: &str,
    path: &str,
    body: Option<&JsValue>,
) -> Result<JsValue, ApiError> {
    let f = func(Host::Call).ok_or_else(|| ApiError::new(0, "NOT_BOOTED"))?;
    let p = f
        .call3(
            &JsValue::UNDEFINED,
            &JsValue::from_str(method),
            &JsValue::from_str(path),
            body.unwrap_or(&JsValue::UNDEFINED),
        )
        .map_err(|e| ApiError::from_js(&e))?;
    JsFuture::from(Promise::resolve(&p))
        .await
        .map_err(|e| ApiError::from_js(&e))
}

pub(crate) fn emit(what: Emit, v: &JsValue) {
    if let Some(f) = func(Host::Emit) {
        if let Err(e) = f.call2(&JsValue::UNDEFINED, &JsValue::from_str(what.name()), v) {
            warn("an event listener threw", &e);
        }
    }
}

/// The booted visitor's id (sampling is stable per visitor).
pub(crate) fn visitor_id() -> String {
    get_str(&get(&host(), Host::Visitor.name()), "id").unwrap_or_default()
}
