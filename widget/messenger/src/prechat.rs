//! Pre-chat: what the workspace asks before a visitor's first message — a topic (which routes
//! the conversation), acceptance of a consent notice, and, for an anonymous visitor, an email to
//! get the reply by (stored unverified: it never merges visitors without proof).

use web_sys::{HtmlInputElement, HtmlSelectElement};

use crate::outbox::outbox;
use crate::{chat, Dom};
use js_sys::{Array, Object};
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{get, get_str, set};
use porchlight_widget_common::{add, attrs};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// The workspace's pre-chat settings (from the boot response).
#[derive(Default, Clone)]
pub(crate) struct Prechat {
    topics: Vec<String>,
    consent: String,
    /// "off", "when_offline" or "always".
    email_capture: String,
    open: Option<bool>,
}

/// The form: its box, and the topic, email and consent fields it shows.
type Fields = (
    Element,
    Option<HtmlSelectElement>,
    Option<HtmlInputElement>,
    Option<HtmlInputElement>,
);

thread_local! {
    static CONFIG: RefCell<Prechat> = RefCell::new(Prechat::default());
    /// The form's fields while it is shown.
    static FIELDS: RefCell<Option<Fields>> = const { RefCell::new(None) };
}

/// Reads the pre-chat settings from a boot response's `settings`; `open`: whether the team is
/// in now by the office hours.
pub(crate) fn configure(settings: &JsValue, open: Option<bool>) {
    let m = get(settings, "messenger");
    let topics = get(&m, "topics");
    let topics = if Array::is_array(&topics) {
        topics
            .unchecked_into::<Array>()
            .iter()
            .filter_map(|t| t.as_string())
            .take(10)
            .collect()
    } else {
        Vec::new()
    };
    let cfg = Prechat {
        topics,
        consent: get_str(&m, "consentNotice").unwrap_or_default(),
        email_capture: get_str(settings, "emailCapture").unwrap_or_else(|| "when_offline".into()),
        open,
    };
    CONFIG.with(|c| *c.borrow_mut() = cfg);
    CSAT.with(|c| c.set(get(settings, "csat").as_bool().unwrap_or(true)));
}

thread_local! {
    /// Whether a closed conversation asks for a rating (the workspace's `automation.csat`).
    static CSAT: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

pub(super) fn csat_on() -> bool {
    CSAT.with(|c| c.get())
}

fn wants_email(c: &Prechat) -> bool {
    let anonymous = get_str(&super::host::visitor(), "email").is_none();
    anonymous
        && match c.email_capture.as_str() {
            "always" => true,
            "when_offline" => c.open == Some(false),
            _ => false,
        }
}

fn needed() -> bool {
    CONFIG.with(|c| {
        let c = c.borrow();
        !c.topics.is_empty() || !c.consent.is_empty() || wants_email(&c)
    })
}

/// A new panel: the form, if any, was in the old one.
pub(super) fn forget() {
    FIELDS.with(|f| *f.borrow_mut() = None);
}

/// Shows the form above the composer while there is no conversation yet.
pub(super) fn render(ui: &Dom) {
    let show = needed()
        && chat(|c| c.conversation.is_none()).unwrap_or(false)
        && chat(|c| outbox(&c.ws).length() == 0).unwrap_or(false);
    let existing = FIELDS.with(|f| f.borrow().as_ref().map(|f| f.0.clone()));
    match (show, existing) {
        (false, Some(box_)) => {
            box_.remove();
            FIELDS.with(|f| *f.borrow_mut() = None);
        }
        (true, None) => {
            if let Some(fields) = build(ui) {
                FIELDS.with(|f| *f.borrow_mut() = Some(fields));
            }
        }
        _ => {}
    }
}

fn build(ui: &Dom) -> Option<Fields> {
    let doc = web_sys::window()?.document()?;
    let cfg = CONFIG.with(|c| c.borrow().clone());
    let d = ui;
    let box_ = doc.create_element("div").ok()?;
    box_.set_class_name("pc");
    let field = |label: &str, tag: &str, id: &str| -> Option<Element> {
        let l = add(&doc, &box_, "label", "").ok()?;
        let _ = l.set_attribute("for", id);
        l.set_text_content(Some(label));
        let e = add(&doc, &box_, tag, "").ok()?;
        let _ = e.set_attribute("id", id);
        Some(e)
    };
    let topic = if cfg.topics.is_empty() {
        None
    } else {
        let sel = field(t(Msg::TopicLabel), "select", "pl-topic")?;
        let none = add(&doc, &sel, "option", "").ok()?;
        let _ = none.set_attribute("value", "");
        none.set_text_content(Some(t(Msg::TopicNone)));
        for t in &cfg.topics {
            let o = add(&doc, &sel, "option", "").ok()?;
            let _ = o.set_attribute("value", t);
            o.set_text_content(Some(t));
        }
        Some(sel.unchecked_into::<HtmlSelectElement>())
    };
    let email = if wants_email(&cfg) {
        let e = field(t(Msg::EmailLabel), "input", "pl-email")?;
        let _ = attrs(
            &e,
            &[
                ("type", "email"),
                ("autocomplete", "email"),
                ("maxlength", "254"),
            ],
        );
        Some(e.unchecked_into::<HtmlInputElement>())
    } else {
        None
    };
    let consent = if cfg.consent.is_empty() {
        None
    } else {
        let l = add(&doc, &box_, "label", "ck").ok()?;
        let c = add(&doc, &l, "input", "").ok()?;
        let _ = attrs(&c, &[("type", "checkbox")]);
        let _ = l.append_with_str_1(&cfg.consent);
        Some(c.unchecked_into::<HtmlInputElement>())
    };
    let _ = d.form.parent_node()?.insert_before(&box_, Some(&d.form));
    Some((box_, topic, email, consent))
}

/// The pre-chat answers to send with the first message, or why they are not complete yet.
pub(super) fn answers() -> Result<Option<Object>, &'static str> {
    if !needed() || chat(|c| c.conversation.is_some()).unwrap_or(true) {
        return Ok(None);
    }
    let Some((_, topic, email, consent)) = FIELDS.with(|f| f.borrow().clone()) else {
        return Ok(None);
    };
    let o = Object::new();
    if let Some(sel) = topic {
        let v = sel.value();
        if v.is_empty() {
            let _ = sel.focus();
            return Err(t(Msg::TopicMissing));
        }
        set(&o, "topic", &JsValue::from_str(&v));
    }
    if let Some(c) = consent {
        if !c.checked() {
            let _ = c.focus();
            return Err(t(Msg::ConsentMissing));
        }
        set(&o, "consent", &JsValue::TRUE);
    }
    if let Some(e) = email {
        let v = e.value();
        let v = v.trim();
        if !v.is_empty() {
            if !porchlight_shared::types::is_plausible_email(v) {
                let _ = e.focus();
                return Err(t(Msg::EmailInvalid));
            }
            set(&o, "email", &JsValue::from_str(v));
        }
    }
    Ok(Some(o))
}
