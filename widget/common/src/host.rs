//! The core's host object, as a module the core loaded sees it (the messenger, the engagement
//! module): kept here once it is handed over by the module's `init`; its members are
//! [`crate::contract::Host`]. How a module calls `call` (a future, or a callback) is its own.

use std::cell::RefCell;

use crate::contract::{Emit, Host};
use crate::js::{get, warn};
use js_sys::Function;
use wasm_bindgen::prelude::*;

thread_local! {
    static HOST: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// Keeps the host object `init` handed over.
pub fn set(h: JsValue) {
    let _ = HOST.try_with(|x| *x.borrow_mut() = h);
}

/// A member of the host object (`undefined` before `init`).
pub fn member(m: Host) -> JsValue {
    HOST.try_with(|x| get(&x.borrow(), m.name()))
        .unwrap_or(JsValue::UNDEFINED)
}

/// A member that is a function.
pub fn func(m: Host) -> Option<Function> {
    member(m).dyn_into().ok()
}

/// `host.emit(name, value)`: page events, the badge, opening the messenger.
pub fn emit(what: Emit, v: &JsValue) {
    if let Some(f) = func(Host::Emit) {
        if let Err(e) = f.call2(&JsValue::UNDEFINED, &JsValue::from_str(what.name()), v) {
            warn("an event listener threw", &e);
        }
    }
}
