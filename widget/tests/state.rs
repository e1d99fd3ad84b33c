//! The core's typed state read from a boot answer: whatever the edge (or something in between)
//! sends, reading never throws and falls back to the defaults.
#![cfg(target_arch = "wasm32")]

use js_sys::Function;
use porchlight_widget::session::{Settings, Visitor, DEFAULT_LIFETIME_MS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(src: &str) -> JsValue {
    Function::new_no_args(&format!("return {src}"))
        .call0(&JsValue::UNDEFINED)
        .unwrap()
}

#[wasm_bindgen_test]
fn settings_are_read_once_into_typed_fields() {
    let s = Settings::from_js(js(
        "{sessionLifetimeMs: 60000, messenger: {trackedClicks: [{selector: '#buy'}]}}",
    ));
    assert_eq!(s.lifetime_ms, 60000.0);
    assert!(s.tracks_clicks);
    // An empty list tracks nothing.
    let s = Settings::from_js(js("{messenger: {trackedClicks: []}}"));
    assert!(!s.tracks_clicks);
    assert_eq!(s.lifetime_ms, DEFAULT_LIFETIME_MS);
}

#[wasm_bindgen_test]
fn malformed_settings_fall_back_to_defaults_without_throwing() {
    for src in [
        "undefined",
        "null",
        "'settings'",
        "42",
        "[]",
        "{sessionLifetimeMs: '60000', messenger: {trackedClicks: 'all'}}",
        "{sessionLifetimeMs: null, messenger: null}",
        "{messenger: {trackedClicks: {length: 3}}}",
        "{get sessionLifetimeMs() { throw new Error('no') }, get messenger() { throw 1 }}",
    ] {
        let s = Settings::from_js(js(src));
        assert_eq!(s.lifetime_ms, DEFAULT_LIFETIME_MS, "{src}");
        assert!(!s.tracks_clicks, "{src}");
    }
}

#[wasm_bindgen_test]
fn a_visitor_id_is_a_string_or_nothing() {
    assert_eq!(
        Visitor::from_js(js("{id: 'v_1', name: 'Ada'}"))
            .id
            .as_deref(),
        Some("v_1")
    );
    for src in [
        "undefined",
        "null",
        "{id: 7}",
        "{}",
        "'v_1'",
        "{get id() { throw 1 }}",
    ] {
        assert_eq!(Visitor::from_js(js(src)).id, None, "{src}");
    }
    // The object itself is kept as it came, for the page's `ready` listeners and the messenger.
    let v = js("{id: 'v_2', custom: true}");
    assert!(Visitor::from_js(v.clone()).js == v);
}
