//! The modules this one loads on first use (the tour module, the survey module), through the
//! loader's `load(name)` the core handed over: one copy of loading, calling, and giving up
//! after three failed loads on a page.

use std::cell::{Cell, RefCell};
use std::thread::LocalKey;

use js_sys::{Function, Promise};
use porchlight_widget_common::js::{get, warn};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::render::Shown;

/// One module loaded on need.
pub(crate) struct Lazy {
    name: &'static str,
    module: RefCell<Option<JsValue>>,
    loading: Cell<bool>,
    fails: Cell<u32>,
}

impl Lazy {
    pub const fn new(name: &'static str) -> Lazy {
        Lazy {
            name,
            module: RefCell::new(None),
            loading: Cell::new(false),
            fails: Cell::new(0),
        }
    }
}

thread_local! {
    static LOAD: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// The loader's `load(name)`, handed over by the core.
pub(crate) fn configure(load: JsValue) {
    LOAD.with(|l| *l.borrow_mut() = load.dyn_into().ok());
}

/// `module[f](arg, module)` once the module is here (the module's own exports handed to it: the
/// tour module's callbacks are its export `on`). Only a call that may load it (`load`: a show)
/// starts the download; once loaded, `ready` runs (it draws again); a failed load calls
/// `failed` with the count of failures on this page (each later show tries again).
pub(crate) fn call(
    key: &'static LocalKey<Lazy>,
    f: &str,
    arg: &JsValue,
    load: bool,
    ready: fn(),
    failed: fn(u32),
) -> JsValue {
    if let Some(m) = key.with(|l| l.module.borrow().clone()) {
        return match get(&m, f).dyn_into::<Function>() {
            Ok(func) => func.call2(&JsValue::UNDEFINED, arg, &m).unwrap_or_default(),
            Err(_) => JsValue::UNDEFINED,
        };
    }
    if !load || key.with(|l| l.loading.replace(true)) {
        return JsValue::UNDEFINED;
    }
    let name = key.with(|l| l.name);
    let Some(loader) = LOAD.with(|l| l.borrow().clone()) else {
        key.with(|l| l.loading.set(false));
        warn("a module cannot be loaded", &JsValue::from_str(name));
        return JsValue::UNDEFINED;
    };
    let p = match loader.call1(&JsValue::UNDEFINED, &JsValue::from_str(name)) {
        Ok(p) => Promise::resolve(&p),
        Err(e) => Promise::reject(&e),
    };
    // One one-shot function behind both outcomes (bound to `true` and `false`), as
    // `host::call`: the promise calls exactly one of them, once, and that frees it.
    let f: Function = Closure::once_into_js(move |ok: JsValue, v: JsValue| {
        if ok.as_bool() == Some(true) {
            key.with(|l| {
                l.loading.set(false);
                *l.module.borrow_mut() = Some(v);
            });
            ready();
        } else {
            warn("could not load a module", &v);
            let n = key.with(|l| {
                l.loading.set(false);
                l.fails.set(l.fails.get() + 1);
                l.fails.get()
            });
            failed(n);
        }
    })
    .unchecked_into();
    if let Ok(then) = get(&p, "then").dyn_into::<Function>() {
        let _ = then.call2(
            &p,
            &f.bind1(&JsValue::NULL, &JsValue::TRUE),
            &f.bind1(&JsValue::NULL, &JsValue::FALSE),
        );
    }
    JsValue::UNDEFINED
}

/// Item `id` on screen in `host`, drawn by a module: when it goes, and `on` (the module's item on
/// screen) is still this one, `on` empties and `hide()` runs (the module takes its drawing down).
pub(crate) fn shown<T: 'static>(
    id: &str,
    host: Element,
    on: &'static LocalKey<RefCell<Option<T>>>,
    id_of: fn(&T) -> &str,
    hide: fn(),
) -> Shown {
    let mine = id.to_string();
    Shown {
        id: id.into(),
        host,
        keep: Vec::new(),
        cleanup: vec![Box::new(move || {
            let ours = on.with(|o| {
                let mut o = o.borrow_mut();
                let ours = o.as_ref().is_some_and(|x| id_of(x) == mine);
                if ours {
                    *o = None;
                }
                ours
            });
            if ours {
                hide();
            }
        })],
    }
}

/// The module drawing `on`'s item did not load: the item goes (nothing blocks the page behind
/// an invisible one) and the next plan tries again; after three failed loads (`n`) it is
/// closed on this page.
pub(crate) fn failed<T: 'static>(
    on: &'static LocalKey<RefCell<Option<T>>>,
    id_of: fn(&T) -> &str,
    n: u32,
) {
    if let Some(id) = on.with(|o| o.borrow().as_ref().map(|x| id_of(x).to_string())) {
        match n < 3 {
            true => crate::runtime::take_down(&id),
            false => crate::runtime::closed(&id),
        }
    }
}
