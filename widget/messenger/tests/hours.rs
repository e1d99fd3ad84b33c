//! Office hours in a real browser (moved here from widget/tests/dom.rs with the code: the
//! messenger reads them). Run with wasm-bindgen-test-runner in headless Chromium (scripts/test).
#![cfg(target_arch = "wasm32")]

use porchlight_messenger::open_now;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn office_hours_are_read_in_the_workspace_zone() {
    let hours = |v: &str| js_sys::JSON::parse(v).unwrap();
    let always = r#"{"timeZone": "Pacific/Auckland", "hours": [{"days": ["mon","tue","wed","thu","fri","sat","sun"], "open": "00:00", "close": "24:00"}]}"#;
    assert_eq!(open_now(&hours(always)), Some(true));
    let never = r#"{"timeZone": "Europe/Paris", "hours": []}"#;
    assert_eq!(open_now(&hours(never)), Some(false));
    // A zone the browser does not know is "no answer", never a thrown RangeError.
    let unknown = r#"{"timeZone": "Mars/Olympus_Mons", "hours": []}"#;
    assert_eq!(open_now(&hours(unknown)), None);
    assert_eq!(open_now(&wasm_bindgen::JsValue::NULL), None);
}
