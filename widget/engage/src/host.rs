//! The core, as this module sees it: the same host object the messenger gets (its members:
//! `porchlight_widget_common::contract::Host`) — `call(method, path, body?)` (the core's authed
//! call: refresh and re-boot stay there), `emit(name, value)` (page events, opening the
//! messenger), `api`, `visitor`.

use js_sys::{Function, Promise};
use porchlight_widget_common::contract::Host;
pub(crate) use porchlight_widget_common::host::{emit, set};
use porchlight_widget_common::host::{func, member};
use porchlight_widget_common::js::{get, get_str};
use porchlight_widget_common::ApiError;
use wasm_bindgen::prelude::*;

/// What a call hears back: the answer, or why not.
pub(crate) type Done = Box<dyn FnOnce(Result<JsValue, ApiError>)>;

/// An authed call through the core. `done` hears the answer (or why not) from a promise
/// callback, never before `call` returns. Callbacks rather than futures: the module ships no
/// async executor.
pub(crate) fn call(method: &str, path: &str, body: Option<&JsValue>, done: Done) {
    let p = match func(Host::Call) {
        None => Promise::reject(&ApiError::new(0, "NOT_BOOTED").to_js()),
        Some(f) => match f.call3(
            &JsValue::UNDEFINED,
            &JsValue::from_str(method),
            &JsValue::from_str(path),
            body.unwrap_or(&JsValue::UNDEFINED),
        ) {
            Ok(v) => Promise::resolve(&v),
            Err(e) => Promise::reject(&e),
        },
    };
    // One one-shot function behind both outcomes (bound to `true` and `false`): the promise
    // calls exactly one of them, once, and that frees it.
    let f: Function = Closure::once_into_js(move |ok: JsValue, v: JsValue| {
        done(if ok.as_bool() == Some(true) {
            Ok(v)
        } else {
            Err(ApiError::from_js(&v))
        })
    })
    .unchecked_into();
    if let Ok(then) = get(&p, "then").dyn_into::<Function>() {
        let _ = then.call2(
            &p,
            &f.bind1(&JsValue::NULL, &JsValue::TRUE),
            &f.bind1(&JsValue::NULL, &JsValue::FALSE),
        );
    }
}

/// Runs `f` in `ms` milliseconds; the timer's handle. A function, not a closure: one copy of
/// the glue for every caller.
pub(crate) fn later(ms: u32, f: fn()) -> Option<i32> {
    let w = porchlight_widget_common::js::window()?;
    let f = Closure::once_into_js(f);
    w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms as i32)
        .ok()
}

/// The booted visitor's id (sampling is stable per visitor).
pub(crate) fn visitor_id() -> String {
    get_str(&member(Host::Visitor), "id").unwrap_or_default()
}

/// A callback calling `f` with its first argument. A function, not a closure: one closure type
/// (and one copy of its glue) for every such callback.
pub(crate) fn js_fn(f: fn(JsValue)) -> Closure<dyn FnMut(JsValue)> {
    Closure::new(move |v: JsValue| f(v))
}
