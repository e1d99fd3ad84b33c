//! A step's card: a `<dialog>` named by its title (or the catalog's "Product tour") and
//! described by its body; the body in the shared Markdown subset, as the edge made it markup
//! (`bodyHtml`); a video as a `<video>` or a sandboxed embed, as the edge made it for a URL on
//! its allowlist (`player.html`), named here; progress "2 of 5"; Remind me later, Back,
//! Next / Done; × ends the tour. Every label comes from the catalog.

use porchlight_widget_common::catalog::{fill, t, Msg};
use porchlight_widget_common::js::{call0, call2, esc, get, num, set};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::follow::{doc, gone_with};
use crate::run::{call_s, elem, listen, undo, Advance, Kind, Step};

const CSS: &str = include_str!("../tour.css");

/// Adds the tour's stylesheet to `root`'s shadow root, once (the engagement module's sheet,
/// with its buttons and colours, is there already); `nonce` the config's, for a page whose CSP
/// wants one.
pub(crate) fn style(root: &Element, nonce: Option<String>) {
    let Some(doc) = doc() else { return };
    if call_s(root, "hasAttribute", "data-tour").is_truthy() {
        return;
    }
    let shadow = call0(root, "getRootNode");
    if porchlight_widget_common::style::adopt(&doc, shadow.unchecked_ref(), CSS, nonce.as_deref())
        .is_ok()
    {
        let _ = root.set_attribute("data-tour", "");
    }
}

/// The polite live region that announces each step (made once, kept across steps).
fn announce(root: &Element, text: &str) {
    let mut region = call_s(root, "querySelector", ".vh");
    if !region.is_object() {
        region = append(root, "<div class=vh role=status aria-live=polite></div>");
    }
    set(region.unchecked_ref(), "textContent", &text.into());
}

/// `markup` parsed at the end of `parent`; its (last) element.
pub(crate) fn append(parent: &JsValue, markup: &str) -> JsValue {
    call2(
        parent,
        "insertAdjacentHTML",
        &"beforeend".into(),
        &markup.into(),
    );
    get(parent, "lastElementChild")
}

/// A button reporting `action` (read by the one click listener of the card).
fn button(h: &mut String, class: &str, action: &str, label: &str) {
    h.push_str("<button type=button class=\"");
    h.push_str(class);
    h.push_str("\" data-a=");
    h.push_str(action);
    h.push('>');
    esc(h, label);
    h.push_str("</button>");
}

/// Draws `step` in `root` (replacing the step before) and opens it: modal or not, anchored or
/// centred. Returns the dialog. The card is one piece of markup: the catalog's labels and the
/// title escaped (`esc`), the body's markup as the edge made it (`shared::chat::markup`, every
/// text escaped): nothing the author wrote is parsed as HTML.
pub(crate) fn build(root: &Element, step: &Step, anchored: bool) -> Result<Element, JsValue> {
    let modal = step.modal();
    let mut h = String::from("<dialog class=\"");
    h.push_str(match (modal, anchored) {
        (true, _) => "dl tm",
        (false, true) => "ts",
        (false, false) => "ts dl",
    });
    h.push_str(if step.rtl { "\" dir=rtl" } else { "\" dir=ltr" });
    h.push_str(" tabindex=-1 aria-describedby=pl-ts-d ");
    match &step.title {
        Some(_) => h.push_str("aria-labelledby=pl-ts-t"),
        None => {
            h.push_str("aria-label=\"");
            esc(&mut h, t(Msg::TourUntitled));
            h.push('"');
        }
    }
    h.push_str("><button type=button class=x data-a=dismiss aria-label=\"");
    esc(&mut h, t(Msg::TourEnd));
    h.push_str("\"><svg viewBox=\"0 0 24 24\" aria-hidden=true focusable=false><path d=\"M6 6l12 12M18 6L6 18\"/></svg></button><p class=pg>");
    let (n, total) = (num(f64::from(step.index + 1)), num(f64::from(step.count)));
    if step.progress && step.count > 1 {
        esc(
            &mut h,
            &fill(Msg::TourProgress, &[("step", &n), ("total", &total)]),
        );
    }
    h.push_str("</p>");
    if let Some(title) = &step.title {
        h.push_str("<h2 class=pt id=pl-ts-t>");
        esc(&mut h, title);
        h.push_str("</h2>");
    }
    if let (Some(v), Kind::Video) = (&step.video, step.kind) {
        h.push_str("<div class=vw>");
        h.push_str(v);
        h.push_str("</div>");
    }
    h.push_str("<div class=bd id=pl-ts-d>");
    // An answer from before the edge made the markup: the body as plain text.
    match &step.html {
        Some(m) => h.push_str(m),
        None => esc(&mut h, &step.body),
    }
    h.push_str("</div><div class=ft>");
    button(&mut h, "btn sn", "snooze", t(Msg::TourSnooze));
    if step.index > 0 {
        button(&mut h, "btn", "back", t(Msg::TourBack));
    }
    // A step that advances on a click of its element has no Next: the visitor clicks it. One
    // that advances on a fill keeps Next (a custom field may never say it changed).
    if step.advance != Advance::Click || !anchored {
        match step.last() {
            true => button(&mut h, "btn pri", "done", t(Msg::TourDone)),
            false => button(&mut h, "btn pri", "next", t(Msg::TourNext)),
        }
    }
    h.push_str("</div>");
    if anchored {
        h.push_str("<div class=ar></div>");
    }
    h.push_str("</dialog>");
    let d = elem(append(root, &h))?;
    // An embed's accessible name, in the visitor's locale (the edge made its markup).
    let frame = call_s(&d, "querySelector", "iframe");
    if frame.is_object() {
        set(frame.unchecked_ref(), "title", &t(Msg::TourVideo).into());
    }
    // One listener for every button (`run::event`: its `data-a` is what it reports).
    listen(&d, "click");
    // Closed, then removed, when the step goes.
    undo(
        d.clone().into(),
        "close",
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    gone_with(&d);
    if modal {
        // Escape: the dialog's `cancel`; Tab stays in the step (`run::event`).
        listen(&d, "cancel");
        listen(&d, "keydown");
        call0(&d, "showModal");
    } else {
        call0(&d, "show");
    }
    let title = step.title.as_deref().unwrap_or(t(Msg::TourUntitled));
    announce(
        root,
        &fill(
            Msg::TourAnnounce,
            &[("step", &n), ("total", &total), ("title", title)],
        ),
    );
    call0(&d, "focus");
    Ok(d)
}
