//! A post: a modal dialog (`<dialog>` opened with `showModal()`: the page behind is inert,
//! focus moves in and is trapped by the browser, Escape closes) with an optional image, a
//! title, a body and buttons. Focus goes back where it was when it closes.

use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::{add, attrs};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::{Event, HtmlDialogElement, HtmlElement};

use super::{button_row, close_button, doc, host, text, Act, Actor, Shown};
use crate::items::Item;

pub(crate) fn show(item: &Item, actor: &Actor) -> Result<Shown, JsValue> {
    let doc = doc().ok_or("no document")?;
    // Where focus was: it goes back there when the post closes.
    let before: Option<HtmlElement> = doc.active_element().and_then(|e| e.dyn_into().ok());
    let (h, wrap) = host(&item.id, "po", false)?;
    let mut keep = Vec::new();
    let dialog = add(&doc, &wrap, "dialog", "dl")?;
    let title_id = ["pl-t-", &item.id].concat();
    match item.text("title") {
        Some(_) => attrs(&dialog, &[("aria-labelledby", &title_id)])?,
        None => attrs(&dialog, &[("aria-label", t(Msg::PostUntitled))])?,
    }
    if item.content.get("dismissible") != Some(&Value::Bool(false)) {
        close_button(&doc, &dialog, item, actor, &mut keep)?;
    }
    if let Some(src) = item
        .text("imageUrl")
        .filter(|u| porchlight_shared::types::is_safe_http_url(u))
    {
        let img = add(&doc, &dialog, "img", "im")?;
        attrs(
            &img,
            &[
                ("src", src),
                ("alt", item.text("imageAlt").unwrap_or("")),
                ("referrerpolicy", "no-referrer"),
            ],
        )?;
    }
    if let Some(e) = text(&doc, &dialog, "h2", "pt", item.text("title"))? {
        e.set_id(&title_id);
    }
    text(&doc, &dialog, "p", "bd", item.text("body"))?;
    button_row(&doc, &dialog, item, actor, &mut keep)?;
    let dlg: HtmlDialogElement = dialog.unchecked_into();
    // Escape (the dialog's `cancel`): a dismissal, unless the author made it undismissible.
    let dismissible = item.content.get("dismissible") != Some(&Value::Bool(false));
    let (id, a) = (item.id.clone(), actor.clone());
    let cancel = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        e.prevent_default();
        if dismissible {
            a(&id, Act::Dismiss);
        }
    });
    dlg.add_event_listener_with_callback("cancel", cancel.as_ref().unchecked_ref())?;
    keep.push(cancel);
    dlg.show_modal()?;
    let d2 = dlg.clone();
    Ok(Shown {
        id: item.id.clone(),
        host: h,
        keep,
        cleanup: vec![Box::new(move || {
            d2.close();
            if let Some(b) = before {
                let _ = b.focus();
            }
        })],
    })
}
