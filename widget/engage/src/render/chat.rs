//! A chat: a teammate's message in a card above the launcher, as if they had written it. A
//! "Reply" button (and any authored button) opens the messenger; the card can be closed.
//! Announced politely (`role="status"` region around it), never stealing focus.

use porchlight_shared::content::ButtonAction;
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::{add, attrs};
use wasm_bindgen::prelude::*;

use super::{button, button_row, close_button, doc, host, image, text, Act, Actor, Shown};
use crate::items::Item;

pub(crate) fn show(item: &Item, actor: &Actor) -> Result<Shown, JsValue> {
    let doc = doc().ok_or("no document")?;
    let (h, wrap) = host(&item.id, "ch", false)?;
    let mut keep = Vec::new();
    let card = add(&doc, &wrap, "div", "cc")?;
    attrs(
        &card,
        &[("role", "status"), ("aria-label", t(Msg::ChatCard))],
    )?;
    close_button(&doc, &card, item, actor, &mut keep)?;
    image(&doc, &card, item)?;
    text(&doc, &card, "strong", "bt", item.text("title"))?;
    text(&doc, &card, "p", "bd", item.text("body"))?;
    if button_row(&doc, &card, item, actor, &mut keep)?.is_none() {
        let row = add(&doc, &card, "div", "bs")?;
        button(
            &doc,
            &row,
            t(Msg::ChatReply),
            "btn pri",
            &item.id,
            Act::Button(ButtonAction::OpenMessenger),
            actor,
            &mut keep,
        )?;
    }
    Ok(Shown {
        id: item.id.clone(),
        host: h,
        keep,
        cleanup: Vec::new(),
    })
}
