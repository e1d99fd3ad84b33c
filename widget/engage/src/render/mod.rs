//! One renderer per kind: [`banner`], [`post`], [`chat`] (a teammate's message card above the
//! launcher) and [`tooltip`]. Each item is drawn in a shadow root of its own (nothing leaks in
//! or out), styled by one constructable stylesheet shared by all of them (`engage.css`; a
//! `<style>` with the page's nonce where constructable stylesheets are missing), in the look the
//! core left in `porchlight:<ws>:paint` (colours, light / dark / system).
//!
//! Every text is set with `textContent`; every label comes from the catalog. What the visitor
//! does goes back to the runtime as an [`Act`].

pub(crate) mod banner;
pub(crate) mod chat;
pub(crate) mod post;
pub(crate) mod tooltip;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use porchlight_shared::content::{Button, ButtonAction};
use porchlight_shared::read::Json;
use porchlight_shared::vocab::ItemKind;
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{call0, call1, call2, get, get_str};
use porchlight_widget_common::{add, attrs, paint_key, storage};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, ShadowRoot};

use crate::items::Item;

/// What the visitor did.
#[derive(Debug, Clone)]
pub(crate) enum Act {
    /// Pressed a button with this action.
    Button(ButtonAction),
    /// Closed it (the close button, Escape, a `dismiss` button).
    Dismiss,
}

/// Where a renderer reports to: (item id, what happened).
pub(crate) type Actor = Rc<dyn Fn(&str, Act)>;

/// An item on screen. Dropping it does not remove it: [`Shown::remove`] does.
pub(crate) struct Shown {
    pub id: String,
    /// The shadow host in the page.
    pub host: Element,
    /// Listeners inside its shadow root: alive as long as it shows (they go with it).
    #[allow(dead_code)]
    pub keep: Vec<Closure<dyn FnMut(Event)>>,
    /// Called when it goes (disconnect observers, give focus back).
    pub cleanup: Vec<Box<dyn FnOnce()>>,
}

impl Shown {
    /// Takes it off the page. Focus inside it (the visitor pressed its × or a button) goes
    /// back where it was on the page before, not to the document's start.
    pub fn remove(self) {
        for f in self.cleanup {
            f();
        }
        let held =
            get(&get(&self.host, "ownerDocument"), "activeElement") == JsValue::from(&self.host);
        self.host.remove();
        if let Some(e) = crate::observe::last_focus().filter(|_| held) {
            call0(&e, "focus");
        }
    }
}

thread_local! {
    static SHEET: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    static NONCE: RefCell<Option<String>> = const { RefCell::new(None) };
    static WS: RefCell<String> = const { RefCell::new(String::new()) };
}

const CSS: &str = include_str!("../../engage.css");

pub(crate) fn configure(ws: &str, nonce: Option<String>) {
    WS.with(|w| *w.borrow_mut() = ws.into());
    NONCE.with(|n| *n.borrow_mut() = nonce);
}

/// The page's CSP nonce, if it gave one.
pub(crate) fn nonce() -> Option<String> {
    NONCE.with(|n| n.borrow().clone())
}

pub(crate) fn doc() -> Option<Document> {
    porchlight_widget_common::js::window()?.document()
}

/// The stylesheet every item's shadow root adopts: made once. `None` where the browser has no
/// constructable stylesheets.
fn sheet() -> Option<JsValue> {
    if let Some(s) = SHEET.with(|s| s.borrow().clone()) {
        return Some(s);
    }
    let s = web_sys::CssStyleSheet::new().ok()?;
    if !Reflect::has(&s, &"replaceSync".into()).unwrap_or(false) {
        return None;
    }
    get(&s, "replaceSync")
        .unchecked_into::<js_sys::Function>()
        .call1(&s, &CSS.into())
        .ok()?;
    let v: JsValue = s.into();
    SHEET.with(|x| *x.borrow_mut() = Some(v.clone()));
    Some(v)
}

/// Styles `root`: the shared sheet, or a `<style>` carrying the page's nonce.
fn style(doc: &Document, root: &ShadowRoot) -> Result<(), JsValue> {
    let adopted = Reflect::has(root, &"adoptedStyleSheets".into()).unwrap_or(false);
    if let (true, Some(s)) = (adopted, sheet()) {
        Reflect::set(root, &"adoptedStyleSheets".into(), &Array::of1(&s))?;
        return Ok(());
    }
    // Nonce and text before it is connected: an empty <style> without its nonce would already
    // be checked against the page's CSP, and refused.
    let st = doc.create_element("style")?;
    if let Some(n) = NONCE.with(|n| n.borrow().clone()) {
        st.set_attribute("nonce", &n)?;
    }
    st.set_text_content(Some(CSS));
    root.append_child(&st)?;
    Ok(())
}

/// The core's look (`{vars, class}`), as the launcher was last drawn: its `--pl-` colours
/// set on `style`, its appearance classes returned.
fn paint(style: &JsValue) -> String {
    let ws = WS.with(|w| w.borrow().clone());
    let rec = storage()
        .and_then(|s| s.get_item(&paint_key(&ws)).ok().flatten())
        .and_then(|t| js_sys::JSON::parse(&t).ok())
        .unwrap_or(JsValue::NULL);
    let vars = get(&rec, "vars");
    if vars.is_object() {
        for k in Object::keys(vars.unchecked_ref::<Object>()).iter() {
            if let Some(k) = k.as_string() {
                let v = get(&vars, &k);
                if v.is_string() && k.starts_with("--pl-") {
                    call2(style, "setProperty", &k.into(), &v);
                }
            }
        }
    }
    let class = get_str(&rec, "class").unwrap_or_default();
    // Only the appearance classes carry over (the launcher's side is the core's business).
    let mut look = String::new();
    for c in ["dark", "sys", "left"] {
        // A word of `class` (a plain scan: `split` links a searcher).
        let word = class
            .as_bytes()
            .split(|b| *b == b' ')
            .any(|w| w == c.as_bytes());
        if word {
            if !look.is_empty() {
                look.push(' ');
            }
            look.push_str(c);
        }
    }
    look
}

/// A shadow host for one item: `<div data-porchlight-item=id>` with its root and a wrapper
/// `<div class="w {look} {class}">` inside, returned. `at_start` puts the host first in
/// `<body>` (an inline top banner pushes the page down), else last.
pub(crate) fn host(id: &str, class: &str, at_start: bool) -> Result<(Element, Element), JsValue> {
    let doc = doc().ok_or("no document")?;
    let body: Element = get(&doc, "body").dyn_into().map_err(|_| "no body")?;
    let h = doc.create_element("div")?;
    h.set_attribute("data-porchlight-item", id)?;
    porchlight_widget_common::catalog::mark(&h);
    let look = paint(&get(&h, "style"));
    // `{mode: "open"}` as a plain object (no setter binding).
    let init = Object::new();
    porchlight_widget_common::js::set(&init, "mode", &"open".into());
    let root = h.attach_shadow(init.unchecked_ref())?;
    style(&doc, &root)?;
    let mut c = String::from("w ");
    c.push_str(&look);
    c.push(' ');
    c.push_str(class);
    let wrap = add(&doc, &root, "div", c.trim())?;
    if at_start {
        get(&body, "insertBefore")
            .unchecked_into::<js_sys::Function>()
            .call2(&body, &h, &get(&body, "firstChild"))?;
    } else {
        body.append_child(&h)?;
    }
    Ok((h, wrap))
}

/// One authored button, as the edge accepts it (`{label, action: {type, url | tourId}}`).
fn button_of(b: &JsValue) -> Option<Button> {
    let label = b.get_str("label")?;
    let a = b.get("action")?;
    let s = |k: &str| a.get_str(k);
    let action = match a.get_str("type")?.as_str() {
        "open_url" => ButtonAction::OpenUrl { url: s("url")? },
        "open_messenger" => ButtonAction::OpenMessenger,
        "start_tour" => ButtonAction::StartTour {
            tour_id: s("tourId")?,
        },
        "dismiss" => ButtonAction::Dismiss,
        _ => return None,
    };
    Some(Button { label, action })
}

/// The authored buttons of `item` (at most 3, as the edge accepts them).
pub(crate) fn buttons(item: &Item) -> Vec<Button> {
    let list = get(&item.content, "buttons");
    let mut out = Vec::new();
    for i in 0..list.items().unwrap_or(0).min(3) {
        if let Some(b) = list.at(i).as_ref().and_then(button_of) {
            out.push(b);
        }
    }
    out
}

/// Adds a `<button>` that reports `act` for `id`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn button(
    doc: &Document,
    parent: &Element,
    label: &str,
    class: &str,
    id: &str,
    act: Act,
    actor: &Actor,
    keep: &mut Vec<Closure<dyn FnMut(Event)>>,
) -> Result<Element, JsValue> {
    let b = add(doc, parent, "button", class)?;
    b.set_attribute("type", "button")?;
    b.set_text_content(Some(label));
    let f = listener(id, actor, Does::Act(act));
    call2(&b, "addEventListener", &"click".into(), f.as_ref());
    keep.push(f);
    Ok(b)
}

/// What a listener inside an item does ([`listener`]).
pub(crate) enum Does {
    /// Reports this for the item.
    Act(Act),
    /// Tab and Shift+Tab wrap around this element's buttons.
    Trap(JsValue),
    /// A dialog's `cancel`: its default prevented; a dismissal if the item is dismissible.
    Cancel(bool),
}

/// A listener inside item `id`'s shadow root. One closure type for all of them: each closure
/// type as a `dyn FnMut` is a body, a vtable shim and a drop of its own.
pub(crate) fn listener(id: &str, actor: &Actor, does: Does) -> Closure<dyn FnMut(Event)> {
    let (id, actor) = (id.to_string(), actor.clone());
    Closure::new(move |e: Event| match &does {
        Does::Act(a) => actor(&id, a.clone()),
        Does::Trap(d) => porchlight_widget_common::js::wrap_tab(d, &e, "button"),
        Does::Cancel(dismissible) => {
            call0(&e, "preventDefault");
            if *dismissible {
                actor(&id, Act::Dismiss);
            }
        }
    })
}

/// The authored buttons, in a row.
pub(crate) fn button_row(
    doc: &Document,
    parent: &Element,
    item: &Item,
    actor: &Actor,
    keep: &mut Vec<Closure<dyn FnMut(Event)>>,
) -> Result<Option<Element>, JsValue> {
    let list = buttons(item);
    if list.is_empty() {
        return Ok(None);
    }
    let row = add(doc, parent, "div", "bs")?;
    for (i, b) in list.into_iter().enumerate() {
        let class = if i == 0 { "btn pri" } else { "btn" };
        button(
            doc,
            &row,
            &b.label,
            class,
            &item.id,
            Act::Button(b.action),
            actor,
            keep,
        )?;
    }
    Ok(Some(row))
}

/// The close (×) button.
pub(crate) fn close_button(
    doc: &Document,
    parent: &Element,
    item: &Item,
    actor: &Actor,
    keep: &mut Vec<Closure<dyn FnMut(Event)>>,
) -> Result<Element, JsValue> {
    let b = button(doc, parent, "", "x", &item.id, Act::Dismiss, actor, keep)?;
    attrs(&b, &[("aria-label", t(Msg::Dismiss))])?;
    porchlight_widget_common::js::set(
        &b,
        "innerHTML",
        &r#"<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18"/></svg>"#.into(),
    );
    Ok(b)
}

/// Listens on something outside the item's own shadow root (the window, a page element): the
/// returned cleanup removes the listener before its closure goes. `passive` unless it takes an
/// event's default.
pub(crate) fn listen_out(
    target: &web_sys::EventTarget,
    ev: &'static str,
    capture: bool,
    passive: bool,
    f: Box<dyn FnMut(Event)>,
) -> Result<Box<dyn FnOnce()>, JsValue> {
    let c = Closure::<dyn FnMut(Event)>::new(f);
    let opts = crate::observe::passive(capture);
    if !passive {
        porchlight_widget_common::js::set(&opts, "passive", &JsValue::FALSE);
    }
    target.add_event_listener_with_callback_and_add_event_listener_options(
        ev,
        c.as_ref().unchecked_ref(),
        &opts,
    )?;
    let target = target.clone();
    Ok(Box::new(move || {
        let _ = target.remove_event_listener_with_callback_and_bool(
            ev,
            c.as_ref().unchecked_ref(),
            capture,
        );
        drop(c);
    }))
}

/// The item's image (`imageUrl`, http(s) only; `imageAlt`, empty: decorative), when it has one.
pub(crate) fn image(doc: &Document, parent: &Element, item: &Item) -> Result<(), JsValue> {
    if let Some(src) = item
        .text("imageUrl")
        .filter(|u| porchlight_shared::types::is_safe_http_url(u))
    {
        let img = add(doc, parent, "img", "im")?;
        attrs(
            &img,
            &[
                ("src", &src),
                ("alt", item.text("imageAlt").as_deref().unwrap_or("")),
                ("referrerpolicy", "no-referrer"),
            ],
        )?;
    }
    Ok(())
}

/// `a` followed by `b` (`[a, b].concat()` links a generic joiner).
pub(crate) fn cat(a: &str, b: &str) -> String {
    let mut s = String::from(a);
    s.push_str(b);
    s
}

/// Adds `<tag class>` with `text` as its text, when there is text.
pub(crate) fn text(
    doc: &Document,
    parent: &Element,
    tag: &str,
    class: &str,
    text: Option<String>,
) -> Result<Option<Element>, JsValue> {
    let Some(s) = text else { return Ok(None) };
    let e = add(doc, parent, tag, class)?;
    e.set_text_content(Some(&s));
    Ok(Some(e))
}

/// A CSS selector the page gave us, queried without ever throwing into it: an invalid or
/// hostile selector finds nothing.
pub(crate) fn query(selector: &str) -> Option<Element> {
    call1(&JsValue::from(doc()), "querySelector", &selector.into())
        .dyn_into()
        .ok()
}

/// Draws `item` with its kind's renderer.
pub(crate) fn show(item: &Item, actor: &Actor) -> Result<Shown, JsValue> {
    match item.kind {
        ItemKind::Banner => banner::show(item, actor),
        ItemKind::Post => post::show(item, actor),
        ItemKind::Chat => chat::show(item, actor),
        ItemKind::Tooltip => tooltip::show(item, actor),
        _ => Err("no renderer for this kind yet".into()),
    }
}
