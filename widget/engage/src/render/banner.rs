//! A banner: a strip at the top or bottom of the page, `inline` (in the page's flow: it pushes
//! the page down) or floating (fixed over the page), dismissible unless the author said not.
//! A `region` landmark named by the catalog, so screen-reader users can find and skip it.

use porchlight_widget_common::attrs;
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::get;

use super::{button_row, close_button, doc, host, text, Actor, Shown};
use crate::items::Item;
use wasm_bindgen::JsValue;

pub(crate) fn show(item: &Item, actor: &Actor) -> Result<Shown, JsValue> {
    let doc = doc().ok_or("no document")?;
    let bottom = item.text("position").as_deref() == Some("bottom");
    let inline = item.text("style").as_deref() == Some("inline");
    let mut class = String::from("bn");
    class.push_str(if bottom { " bot" } else { " top" });
    class.push_str(if inline { " in" } else { " fl" });
    let (h, wrap) = host(&item.id, &class, inline && !bottom)?;
    let mut keep = Vec::new();
    attrs(
        &wrap,
        &[
            ("role", "region"),
            (
                "aria-label",
                item.text("title")
                    .as_deref()
                    .unwrap_or(t(Msg::BannerRegion)),
            ),
        ],
    )?;
    let body = porchlight_widget_common::add(&doc, &wrap, "div", "bb")?;
    text(&doc, &body, "strong", "bt", item.text("title"))?;
    text(&doc, &body, "p", "bd", item.text("body"))?;
    button_row(&doc, &body, item, actor, &mut keep)?;
    if get(&item.content, "dismissible").as_bool() != Some(false) {
        close_button(&doc, &wrap, item, actor, &mut keep)?;
    }
    Ok(Shown {
        id: item.id.clone(),
        host: h,
        keep,
        cleanup: Vec::new(),
    })
}
