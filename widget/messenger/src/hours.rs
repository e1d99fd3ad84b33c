//! Office hours, read in the workspace's IANA zone through the browser's `Intl`: the panel's
//! "typically replies in …" line, and whether pre-chat asks for an email while the team is
//! away. Here, not in the core, because they are only seen in the open panel, which loads the
//! messenger anyway (the line goes under the welcome message, so nothing moves when it comes).

use crate::Dom;
use js_sys::{Array, Object};
use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{get, get_str, set};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat(locales, options)`; throws for a zone this browser does not know.
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = DateTimeFormat)]
    fn date_time_format(locales: &JsValue, options: &JsValue) -> Result<JsValue, JsValue>;
}

use porchlight_shared::settings::{block_covers, DAY_NAMES as DAYS};

/// The weekday (0 = Monday) and minute of the day now, in the IANA zone `tz`.
fn local_now(tz: &str) -> Option<(usize, u16)> {
    let o = Object::new();
    for (k, v) in [
        ("timeZone", tz),
        ("weekday", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ] {
        set(&o, k, &JsValue::from_str(v));
    }
    let f = date_time_format(&JsValue::from_str("en-US"), &o).ok()?;
    let parts = get(&f, "formatToParts")
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call0(&f)
        .ok()?;
    let (mut day, mut hour, mut minute) = (None, None, None);
    for p in parts.dyn_into::<Array>().ok()?.iter() {
        let v = get_str(&p, "value").unwrap_or_default();
        match get_str(&p, "type").as_deref() {
            Some("weekday") => {
                day = DAYS
                    .iter()
                    .position(|d| v.to_ascii_lowercase().starts_with(d))
            }
            Some("hour") => hour = v.parse::<u16>().ok(),
            Some("minute") => minute = v.parse::<u16>().ok(),
            _ => {}
        }
    }
    Some((day?, hour? % 24 * 60 + minute?))
}

/// Whether the team is in now, by the workspace's office hours (`None`: no hours set, or a
/// zone this browser does not know).
pub fn open_now(hours: &JsValue) -> Option<bool> {
    let (day, minute) = local_now(&get_str(hours, "timeZone")?)?;
    let blocks = get(hours, "hours");
    let blocks: Array = blocks.dyn_into().ok()?;
    Some(blocks.iter().any(|b| {
        let days = get(&b, "days");
        let on_day = Array::is_array(&days)
            && days
                .unchecked_into::<Array>()
                .iter()
                .any(|d| d.as_string().as_deref() == Some(DAYS[day]));
        let at = |k| get_str(&b, k).unwrap_or_default();
        on_day && block_covers(&at("open"), &at("close"), minute)
    }))
}

/// "Typically replies in …" while the team is in; the offline message while it is out.
pub(crate) fn availability(hours: &JsValue) -> Option<String> {
    Some(match open_now(hours)? {
        true => match get_str(hours, "replyTime").as_deref() {
            Some("minutes") => t(Msg::RepliesMinutes),
            Some("day") => t(Msg::RepliesDay),
            _ => t(Msg::RepliesHours),
        }
        .into(),
        // The workspace's own words for it, if it wrote them (site data: text only).
        false => get_str(hours, "offlineMessage").unwrap_or_else(|| t(Msg::Away).into()),
    })
}

/// [`availability`] above the conversation.
pub(crate) fn show_availability(ui: &Dom, hours: &JsValue) {
    let Some(text) = availability(hours) else {
        return;
    };
    let d = ui;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(p) = doc.create_element("p") {
        p.set_class_name("av");
        p.set_text_content(Some(&text));
        let _ = d.body.insert_before(&p, Some(&d.empty));
    }
}
