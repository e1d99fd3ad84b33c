//! Watching the page for a ready tooltip's missing element.

use std::cell::RefCell;

use porchlight_widget_common::js::{call0, call2, get, set};
use wasm_bindgen::prelude::*;

use super::replan;
use crate::render;

type Watch = (web_sys::MutationObserver, Closure<dyn FnMut(JsValue)>);

thread_local! {
    static DOM_WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
    static DOM_PENDING: RefCell<bool> = const { RefCell::new(false) };
}

/// While a ready tooltip's element is missing, page changes are watched (batched: one check
/// per 150 ms at most) so it shows when the element arrives.
pub(super) fn watch_dom(on: bool) {
    DOM_WATCH.with(|w| {
        let mut w = w.borrow_mut();
        match (on, w.is_some()) {
            (true, false) => {
                let cb = crate::host::js_fn(|_| {
                    if DOM_PENDING.with(|p| std::mem::replace(&mut *p.borrow_mut(), true)) {
                        return;
                    }
                    crate::host::later(150, checked);
                });
                let Ok(mo) = web_sys::MutationObserver::new(cb.as_ref().unchecked_ref()) else {
                    return;
                };
                // The options as a plain object (no setter bindings).
                let opts = js_sys::Object::new();
                set(&opts, "childList", &JsValue::TRUE);
                set(&opts, "subtree", &JsValue::TRUE);
                let root = get(&JsValue::from(render::doc()), "documentElement");
                if root.is_object() {
                    call2(&mo, "observe", &root, &opts);
                }
                *w = Some((mo, cb));
            }
            (false, true) => {
                if let Some((mo, _)) = w.take() {
                    call0(&mo, "disconnect");
                }
            }
            _ => {}
        }
    });
}

/// The batched check after page changes.
fn checked() {
    DOM_PENDING.with(|p| *p.borrow_mut() = false);
    replan();
}
