//! A step's card: a `<dialog>` named by its title (or the catalog's "Product tour") and
//! described by its body; the body in the shared Markdown subset as text nodes; a video as a
//! `<video>` or a sandboxed embed from the allowlist (`shared::experiences::video_source`, the
//! same check the edge ran when the tour was saved); progress "2 of 5"; Remind me later, Back,
//! Next / Done; × ends the tour. Every label comes from the catalog.

use porchlight_shared::experiences::{video_source, VideoSource};
use porchlight_widget_common::catalog::{fill, t, Msg};
use porchlight_widget_common::js::{call0, call1, esc, num, set};
use porchlight_widget_common::{add, attrs};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlDialogElement};

use crate::follow::{doc, gone_with};
use crate::run::{listen, undo, with, Advance, Kind, Step};

const CSS: &str = include_str!("../tour.css");

/// Adds the tour's stylesheet to `root`'s shadow root, once (the engagement module's sheet,
/// with its buttons and colours, is there already).
pub(crate) fn style(root: &Element) {
    let Some(doc) = doc() else { return };
    if call1(root, "hasAttribute", &"data-tour".into()).is_truthy() {
        return;
    }
    let nonce = with(|s| s.nonce.clone()).flatten();
    let shadow = call0(root, "getRootNode");
    if porchlight_widget_common::style::adopt(&doc, shadow.unchecked_ref(), CSS, nonce.as_deref())
        .is_ok()
    {
        let _ = root.set_attribute("data-tour", "");
    }
}

/// The polite live region that announces each step (made once, kept across steps).
fn announce(root: &Element, text: &str) {
    let Some(doc) = doc() else { return };
    let region = match root.query_selector(".vh").ok().flatten() {
        Some(r) => r,
        None => match add(&doc, root, "div", "vh") {
            Ok(r) => {
                let _ = attrs(&r, &[("role", "status"), ("aria-live", "polite")]);
                r
            }
            Err(_) => return,
        },
    };
    region.set_text_content(Some(text));
}

fn video(parent: &Element, url: &str) -> Result<(), JsValue> {
    let doc = doc().ok_or("no document")?;
    match video_source(url) {
        Some(VideoSource::File(src)) => {
            let v = add(&doc, parent, "video", "vd")?;
            attrs(
                &v,
                &[("src", &src), ("controls", ""), ("preload", "metadata")],
            )?;
        }
        Some(VideoSource::Embed(src)) => {
            let f = add(&doc, parent, "iframe", "vd")?;
            attrs(
                &f,
                &[
                    ("src", &src),
                    ("title", t(Msg::TourVideo)),
                    (
                        "sandbox",
                        "allow-scripts allow-same-origin allow-presentation",
                    ),
                    ("allow", "fullscreen; picture-in-picture; encrypted-media"),
                    ("referrerpolicy", "strict-origin-when-cross-origin"),
                    ("loading", "lazy"),
                ],
            )?;
        }
        // Refused when the tour was saved; an older tour that slipped through shows no video.
        None => {}
    }
    Ok(())
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
/// centred. Returns the dialog. The frame is static markup with the catalog's labels; the
/// author's title and body are set as text (never parsed as HTML).
pub(crate) fn build(root: &Element, step: &Step, anchored: bool) -> Result<Element, JsValue> {
    let doc = doc().ok_or("no document")?;
    let modal = step.modal();
    let d = add(
        &doc,
        root,
        "dialog",
        match (modal, anchored) {
            (true, _) => "dl tm",
            (false, true) => "ts",
            (false, false) => "ts dl",
        },
    )?;
    attrs(
        &d,
        &[
            ("tabindex", "-1"),
            ("dir", if step.rtl { "rtl" } else { "ltr" }),
            ("aria-describedby", "pl-ts-d"),
        ],
    )?;
    match &step.title {
        Some(_) => d.set_attribute("aria-labelledby", "pl-ts-t")?,
        None => d.set_attribute("aria-label", t(Msg::TourUntitled))?,
    }
    let (n, total) = (num(f64::from(step.index + 1)), num(f64::from(step.count)));
    let mut h = String::from("<button type=button class=x data-a=dismiss aria-label=\"");
    esc(&mut h, t(Msg::TourEnd));
    h.push_str("\"><svg viewBox=\"0 0 24 24\" aria-hidden=true focusable=false><path d=\"M6 6l12 12M18 6L6 18\"/></svg></button><p class=pg>");
    if step.progress && step.count > 1 {
        esc(
            &mut h,
            &fill(Msg::TourProgress, &[("step", &n), ("total", &total)]),
        );
    }
    h.push_str("</p><h2 class=pt id=pl-ts-t></h2><div class=vw></div><div class=bd id=pl-ts-d></div><div class=ft>");
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
    set(&d, "innerHTML", &h.into());
    let part = |sel: &str| d.query_selector(sel).ok().flatten();
    if let Some(e) = part(".pt") {
        match &step.title {
            Some(title) => e.set_text_content(Some(title)),
            None => drop(call0(&e, "remove")),
        }
    }
    if let Some(e) = part(".vw") {
        match (&step.video, step.kind == Kind::Video) {
            (Some(u), true) => video(&e, u)?,
            _ => drop(call0(&e, "remove")),
        }
    }
    if let Some(e) = part(".bd") {
        porchlight_widget_common::rich::append(&doc, &e, &step.body);
    }
    // One listener for every button (`run::event`: its `data-a` is what it reports).
    listen(&d, "click");
    let dlg: HtmlDialogElement = d.clone().unchecked_into();
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
        dlg.show_modal()?;
    } else {
        call0(&dlg, "show");
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
