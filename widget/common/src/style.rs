//! Stylesheets in a shadow root, under a strict Content-Security-Policy.

use crate::js;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, Document, Node};

/// Adds `css` to the shadow root `root`, after what it has. A constructable stylesheet
/// (`new CSSStyleSheet()`, `replaceSync`, `adoptedStyleSheets`) needs nothing from the page's
/// `style-src`, so the widget works under a CSP without `'unsafe-inline'` and without a nonce.
/// Where the browser has none, a `<style>` carrying `nonce` (the page's CSP nonce, if any).
pub fn adopt(doc: &Document, root: &Node, css: &str, nonce: Option<&str>) -> Result<(), JsValue> {
    let list = js::get(root, "adoptedStyleSheets");
    if list.is_object() {
        if let Ok(sheet) = CssStyleSheet::new() {
            if sheet.replace_sync(css).is_ok() {
                // A new array, not `push`: older browsers hand out a frozen one.
                let all = Array::from(&list);
                all.push(&sheet);
                js::set(root.unchecked_ref::<Object>(), "adoptedStyleSheets", &all);
                return Ok(());
            }
        }
    }
    // Nonce and text before it is connected: an empty <style> without its nonce would already
    // be checked, and refused.
    let style = doc.create_element("style")?;
    if let Some(n) = nonce {
        style.set_attribute("nonce", n)?;
    }
    style.set_text_content(Some(css));
    root.append_child(&style)?;
    Ok(())
}
