//! The messenger UI in a real browser: mount it, click, press keys, read the DOM.
//! Run with wasm-bindgen-test-runner in headless Chromium (see the crate's README line in
//! ARCHITECTURE.md / scripts/test).
#![cfg(target_arch = "wasm32")]

use porchlight_widget::ui::{self, Appearance, Messenger, Teammate, Ui};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Element, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the page, so tests do not see each other's UI.
fn container() -> Element {
    let doc = document();
    let c = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

fn settings(welcome: &str) -> Messenger {
    Messenger {
        welcome_message: welcome.into(),
        team_name: "Acme Support".into(),
        teammates: vec![
            Teammate {
                name: "Ada Lovelace".into(),
                avatar_url: None,
            },
            Teammate {
                name: "Grace Hopper".into(),
                avatar_url: None,
            },
        ],
        ..Messenger::default()
    }
}

fn find(ui: &Ui, selector: &str) -> Option<Element> {
    ui.shadow().query_selector(selector).unwrap()
}

fn escape(target: &Element) {
    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    init.set_composed(true);
    let e = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&e).unwrap();
}

fn active_in_shadow(ui: &Ui) -> Option<Element> {
    ui.shadow().active_element()
}

#[wasm_bindgen_test]
fn launcher_opens_and_escape_closes() {
    let ui = ui::mount(&container(), &settings("Hi there! How can we help?"), None).unwrap();
    let launcher = ui.launcher().clone();
    let panel = ui.panel().clone();
    assert_eq!(
        launcher.get_attribute("aria-label").as_deref(),
        Some("Open messenger")
    );
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert_eq!(
        launcher.get_attribute("aria-controls"),
        panel.get_attribute("id")
    );
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
    assert!(panel.hidden());
    // Mounting never takes focus.
    assert!(active_in_shadow(&ui).is_none());

    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = events.clone();
    ui.on_toggle(move |open| seen.borrow_mut().push(open));

    launcher.click();
    assert!(ui.is_open());
    assert!(!panel.hidden());
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let text = panel.text_content().unwrap_or_default();
    assert!(text.contains("Hi there! How can we help?"), "{text}");
    assert!(text.contains("Acme Support"), "{text}");
    assert!(text.contains("Ada Lovelace"), "{text}");
    assert_eq!(
        find(&ui, ".t .a").unwrap().text_content().as_deref(),
        Some("AL")
    );
    // The visitor opened it: focus moved into the panel.
    let active = active_in_shadow(&ui).expect("focus inside the widget");
    assert!(panel.contains(Some(&active)));

    escape(&active);
    assert!(!ui.is_open());
    assert!(panel.hidden());
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    // Focus returned to the launcher.
    let launcher_el: &Element = launcher.as_ref();
    assert_eq!(active_in_shadow(&ui).as_ref(), Some(launcher_el));

    assert_eq!(*events.borrow(), [true, false]);
    ui.unmount();
    assert!(ui.host().parent_node().is_none());
}

#[wasm_bindgen_test]
fn close_button_and_api_toggle() {
    let ui = ui::mount(&container(), &settings("Welcome"), None).unwrap();
    ui.open();
    assert!(ui.is_open());
    // Opened by the page, not the visitor: focus stays where it was.
    assert!(active_in_shadow(&ui).is_none());
    let close = find(&ui, "button[aria-label='Close messenger']").unwrap();
    close.unchecked_ref::<web_sys::HtmlElement>().click();
    assert!(!ui.is_open());
    ui.open();
    ui.close();
    assert!(ui.panel().hidden());
    ui.unmount();
}

#[wasm_bindgen_test]
fn hostile_text_is_rendered_as_text() {
    let hostile = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script>";
    let mut m = settings(hostile);
    m.team_name = "<b>Evil</b>".into();
    m.teammates = vec![Teammate {
        name: "<svg onload=alert(1)>".into(),
        avatar_url: None,
    }];
    let ui = ui::mount(&container(), &m, None).unwrap();
    ui.open();
    assert!(find(&ui, ".b img").is_none());
    assert!(find(&ui, "script").is_none());
    assert!(find(&ui, "b").is_none());
    assert_eq!(
        find(&ui, ".m").unwrap().text_content().as_deref(),
        Some(hostile)
    );
    assert_eq!(
        find(&ui, "h2").unwrap().text_content().as_deref(),
        Some("<b>Evil</b>")
    );
    // Only the two icon <svg>s of the launcher, the close icon and the send icon exist.
    assert_eq!(ui.shadow().query_selector_all("svg").unwrap().length(), 4);
    ui.unmount();
}

#[wasm_bindgen_test]
fn theme_values_are_validated() {
    let m = Messenger {
        primary_color: "red;background:url(https://evil.example/x)".into(),
        background_color: "#111827".into(),
        appearance: Appearance::Dark,
        launcher_left: true,
        horizontal_spacing: Some(32.0),
        vertical_spacing: Some(-4.0),
        z_index: Some(10.0),
        ..Messenger::default()
    };
    let ui = ui::mount(&container(), &m, Some("abc123")).unwrap();
    let style = ui.host().style();
    assert_eq!(style.get_property_value("--pl-primary").unwrap(), "#4f46e5");
    assert_eq!(
        style.get_property_value("--pl-on-primary").unwrap(),
        "#ffffff"
    );
    assert_eq!(style.get_property_value("--pl-fg").unwrap(), "#f9fafb");
    assert_eq!(style.get_property_value("--pl-x").unwrap(), "32px");
    assert_eq!(style.get_property_value("--pl-y").unwrap(), "0px");
    assert_eq!(style.get_property_value("--pl-z").unwrap(), "10");
    // A constructable stylesheet: no <style> for a CSP to refuse, so the nonce is not needed.
    assert!(find(&ui, "style").is_none());
    assert_eq!(ui.shadow().adopted_style_sheets().length(), 1);
    let wrap = find(&ui, ".w").unwrap();
    assert!(wrap.class_list().contains("left"));
    assert!(wrap.class_list().contains("dark"));
    ui.unmount();
}

/// A browser without constructable stylesheets gets a `<style>` carrying the page's nonce.
#[wasm_bindgen_test]
fn without_constructable_stylesheets_a_style_carries_the_nonce() {
    use js_sys::{Object, Reflect};
    let proto: Object = Reflect::get(&js_sys::global(), &"ShadowRoot".into())
        .and_then(|c| Reflect::get(&c, &"prototype".into()))
        .unwrap()
        .unchecked_into();
    let key = JsValue::from_str("adoptedStyleSheets");
    let saved: Object = Object::get_own_property_descriptor(&proto, &key).unchecked_into();
    Reflect::delete_property(&proto, &key).unwrap();
    let ui = ui::mount(&container(), &Messenger::default(), Some("abc123"));
    Object::define_property(&proto, &key, &saved);
    let ui = ui.unwrap();
    let style = find(&ui, "style").expect("a <style> instead");
    assert_eq!(
        Reflect::get(&style, &"nonce".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("abc123")
    );
    assert!(style
        .text_content()
        .unwrap_or_default()
        .contains(".l{position:fixed"));
    ui.unmount();
}

/// The badge and the launcher's name follow the unread count (the catalog's texts).
#[wasm_bindgen_test]
fn unread_count_on_the_launcher() {
    let ui = ui::mount(&container(), &Messenger::default(), None).unwrap();
    let badge = find(&ui, ".n").unwrap();
    let label = || {
        ui.launcher()
            .get_attribute("aria-label")
            .unwrap_or_default()
    };
    ui.set_unread(3);
    assert_eq!(label(), "Open messenger, 3 unread");
    assert_eq!(badge.text_content().as_deref(), Some("3"));
    assert!(!badge.unchecked_ref::<web_sys::HtmlElement>().hidden());
    ui.set_unread(12);
    assert_eq!(label(), "Open messenger, 9+ unread");
    assert_eq!(badge.text_content().as_deref(), Some("9+"));
    ui.set_unread(0);
    assert_eq!(label(), "Open messenger");
    assert!(badge.unchecked_ref::<web_sys::HtmlElement>().hidden());
    ui.unmount();
}

#[wasm_bindgen_test]
fn launcher_can_be_hidden() {
    let m = Messenger {
        show_launcher: false,
        ..Messenger::default()
    };
    let ui = ui::mount(&container(), &m, None).unwrap();
    assert!(ui.launcher().hidden());
    ui.open();
    assert!(!ui.panel().hidden());
    ui.unmount();
}

#[wasm_bindgen_test]
async fn launcher_appears_after_the_visibility_delay() {
    let m = Messenger {
        auto_visibility: true,
        visibility_delay_ms: 50.0,
        ..Messenger::default()
    };
    let ui = ui::mount(&container(), &m, None).unwrap();
    assert!(ui.launcher().hidden());
    sleep(120).await;
    assert!(!ui.launcher().hidden());
    ui.unmount();
}

#[wasm_bindgen_test]
fn settings_are_read_defensively() {
    let v = js_sys::JSON::parse(
        r##"{"primaryColor":"#0ea5e9","appearance":"system","launcherPosition":"left",
            "showLauncher":"yes","teammates":[{"name":"Ann","avatarUrl":"javascript:alert(1)"},
            {"avatarUrl":"https://x/y.png"},{"name":"Bo","avatarUrl":"https://cdn.example/bo.png"}],
            "welcomeMessage":42}"##,
    )
    .unwrap();
    let m = Messenger::from_js(&v);
    assert_eq!(m.primary_color, "#0ea5e9");
    assert_eq!(m.appearance, Appearance::System);
    assert!(m.launcher_left);
    assert!(m.show_launcher, "a non-boolean keeps the default");
    assert_eq!(m.welcome_message, "");
    assert_eq!(
        m.teammates,
        vec![
            Teammate {
                name: "Ann".into(),
                avatar_url: None
            },
            Teammate {
                name: "Bo".into(),
                avatar_url: Some("https://cdn.example/bo.png".into())
            },
        ]
    );
    assert_eq!(Messenger::from_js(&JsValue::NULL), Messenger::default());
}

#[wasm_bindgen_test]
fn commands_never_throw() {
    // No workspace: nothing boots, but the page API is installed and tolerates misuse.
    let queue = js_sys::Array::new();
    let call = js_sys::Array::of2(&"on".into(), &"ready".into());
    queue.push(&call);
    porchlight_widget::start(queue.into(), js_sys::Object::new().into());
    let window = web_sys::window().unwrap();
    let p: js_sys::Function = js_sys::Reflect::get(&window, &"Porchlight".into())
        .unwrap()
        .unchecked_into();
    for args in [
        js_sys::Array::of1(&"nope".into()),
        js_sys::Array::of1(&JsValue::from(42)),
        js_sys::Array::new(),
        js_sys::Array::of2(&"identify".into(), &"not an object".into()),
        js_sys::Array::of3(&"on".into(), &"ready".into(), &"not a function".into()),
        js_sys::Array::of3(
            &"on".into(),
            &"whatever".into(),
            &js_sys::Function::new_no_args(""),
        ),
        js_sys::Array::of1(&"show".into()),
        js_sys::Array::of1(&"hide".into()),
        js_sys::Array::of1(&"update".into()),
        js_sys::Array::of2(&"boot".into(), &"x".into()),
    ] {
        p.apply(&JsValue::UNDEFINED, &args)
            .expect("Porchlight(...) must not throw");
    }
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// The widget's engine runs saved patterns with Chromium's own `RegExp` (shared feature
/// `browser`): on every pattern and input of the shared corpus it must answer like regex-lite,
/// the edge's engine (patterns refused in the browser: refused).
#[wasm_bindgen_test]
fn chromium_regexp_agrees_with_regex_lite() {
    use porchlight_shared::targeting::regex_js::to_js;
    use porchlight_shared::targeting::{EvalContext, NoSegments, Rule, Subject};
    use serde_json::{json, Value};
    let corpus: Vec<Value> =
        serde_json::from_str(include_str!("../../shared/tests/regex_corpus.json")).unwrap();
    let mut checked = 0;
    for c in &corpus {
        let p = c["pattern"].as_str().unwrap();
        let rule = Rule::parse(
            &json!({"type": "condition", "property": {"source": "custom", "key": "s"}, "operator": "matches", "value": p, "js": to_js(p)}),
        );
        if c.get("refused") == Some(&Value::Bool(true)) {
            assert!(rule.is_err(), "{p} is refused in the browser");
            continue;
        }
        let rule = rule.unwrap();
        let reference = regex_lite::Regex::new(p).unwrap();
        for input in c["inputs"].as_array().unwrap() {
            let input = input.as_str().unwrap();
            let subject: Subject =
                serde_json::from_value(json!({"attributes": {"s": input}})).unwrap();
            let ctx = EvalContext {
                subject: &subject,
                now_ms: 0,
                segments: &NoSegments,
            };
            assert_eq!(
                rule.matches(&ctx),
                reference.is_match(input),
                "{p:?} on {input:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 150);
}
