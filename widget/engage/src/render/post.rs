//! A post: a modal dialog (`<dialog>` opened with `showModal()`: the page behind is inert,
//! focus moves in, Escape closes) with an optional image, a title, a body and buttons. Tab and
//! Shift+Tab wrap around inside it (the browser would let focus out to its own controls). Focus
//! goes back where it was — through shadow roots: the launcher, another widget — when it closes.

use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{call0, call2, get};
use porchlight_widget_common::{add, attrs};
use wasm_bindgen::prelude::*;
use web_sys::Document;

use super::{button_row, close_button, doc, host, image, listener, text, Act, Actor, Does, Shown};
use crate::items::Item;

/// What has focus, inside open shadow roots too.
fn focused(doc: &Document) -> JsValue {
    let mut a = get(doc, "activeElement");
    loop {
        let inner = get(&get(&a, "shadowRoot"), "activeElement");
        if !inner.is_object() {
            return a;
        }
        a = inner;
    }
}

pub(crate) fn show(item: &Item, actor: &Actor) -> Result<Shown, JsValue> {
    let doc = doc().ok_or("no document")?;
    // Where focus was: it goes back there when the post closes.
    let before = focused(&doc);
    let (h, wrap) = host(&item.id, "po", false)?;
    let mut keep = Vec::new();
    let dialog = add(&doc, &wrap, "dialog", "dl")?;
    let title_id = super::cat("pl-t-", &item.id);
    match item.text("title") {
        Some(_) => attrs(&dialog, &[("aria-labelledby", &title_id)])?,
        None => attrs(&dialog, &[("aria-label", t(Msg::PostUntitled))])?,
    }
    let dismissible = get(&item.content, "dismissible").as_bool() != Some(false);
    if dismissible {
        close_button(&doc, &dialog, item, actor, &mut keep)?;
    }
    image(&doc, &dialog, item)?;
    if let Some(e) = text(&doc, &dialog, "h2", "pt", item.text("title"))? {
        porchlight_widget_common::js::set(e.unchecked_ref(), "id", &title_id.as_str().into());
    }
    text(&doc, &dialog, "p", "bd", item.text("body"))?;
    button_row(&doc, &dialog, item, actor, &mut keep)?;
    // Tab from the last button goes to the first, Shift+Tab from the first (or the dialog
    // itself) to the last.
    let trap = listener(&item.id, actor, Does::Trap(dialog.clone().into()));
    call2(
        &dialog,
        "addEventListener",
        &"keydown".into(),
        trap.as_ref(),
    );
    keep.push(trap);
    let dlg = dialog;
    // Escape (the dialog's `cancel`): a dismissal, unless the author made it undismissible.
    let cancel = listener(&item.id, actor, Does::Cancel(dismissible));
    call2(&dlg, "addEventListener", &"cancel".into(), cancel.as_ref());
    keep.push(cancel);
    // The browser closes even an undismissible post when Escape is pressed again and again
    // (its close watcher refuses to trap the visitor): that is a dismissal too. Our own close,
    // below, comes after this listener has gone.
    let closed = listener(&item.id, actor, Does::Act(Act::Dismiss));
    call2(&dlg, "addEventListener", &"close".into(), closed.as_ref());
    get(&dlg, "showModal")
        .unchecked_into::<js_sys::Function>()
        .call0(&dlg)?;
    let d2 = dlg.clone();
    Ok(Shown {
        id: item.id.clone(),
        host: h,
        keep,
        cleanup: vec![Box::new(move || {
            let _ = d2.remove_event_listener_with_callback_and_bool(
                "close",
                closed.as_ref().unchecked_ref(),
                false,
            );
            call0(&d2, "close");
            call0(&before, "focus");
        })],
    })
}
