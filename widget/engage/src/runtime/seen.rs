//! What the page did (a navigation, scroll, time, a click, an event, exit intent, idle): the
//! runtime's answer to each observation.

use js_sys::Array;
use porchlight_shared::targeting::triggers::TriggerKind;
use wasm_bindgen::JsValue;
use web_sys::Element;

use super::{command, now, other_tab, refetch, replan, touch_session, with};
use crate::observe::{self, perf_now, Page, Seen};
use crate::queue;

/// A click on an element the workspace tracks without code: its event.
pub(super) fn tracked(el: &Element) {
    // Read in place (`command` only queues the call).
    with(|rt| {
        for (sel, ev) in &rt.tracked_clicks {
            if observe::matches(el, sel) {
                command("track".into(), Array::of1(&JsValue::from_str(ev)).into());
            }
        }
    });
}

/// A click, as the items' element-click triggers see it.
pub(super) fn clicked(el: &Element) {
    // Read in place: `matches` only asks the element (`closest`).
    let hit = with(|rt| {
        let mut hit = false;
        for i in &rt.items {
            for t in &i.triggers {
                if let TriggerKind::ElementClick { selector } = &t.kind {
                    if observe::matches(el, selector) {
                        hit = true;
                        if !rt.page.clicked.contains(selector) {
                            rt.page.clicked.push(selector.clone());
                        }
                    }
                }
            }
        }
        hit
    })
    .unwrap_or(false);
    if hit {
        replan();
    }
}

/// An observation from the page.
pub(super) fn seen(s: Seen) {
    match s {
        Seen::Scroll(p) => {
            let deeper = with(|rt| {
                rt.page.last_activity = now();
                let deeper =
                    p >= rt.page.scroll_max + 1.0 || (p >= 100.0 && rt.page.scroll_max < 100.0);
                if deeper {
                    rt.page.scroll_max = p;
                }
                deeper
            })
            .unwrap_or(false);
            if deeper && has_trigger(|k| matches!(k, TriggerKind::ScrollDepth { .. })) {
                replan();
            }
        }
        Seen::Exit => {
            if with(|rt| !std::mem::replace(&mut rt.page.exit, true)).unwrap_or(false) {
                replan();
            }
        }
        Seen::Click(el) => {
            tracked(&el);
            // Before the first answer the click waits for the items it may trigger (`planned`).
            let waiting = with(|rt| match &rt.early {
                Some(a) => {
                    if a.length() < 20 {
                        a.push(&el);
                    }
                    true
                }
                None => false,
            })
            .unwrap_or(false);
            if !waiting {
                clicked(&el);
            }
            touch_session();
        }
        Seen::Activity => {
            with(|rt| rt.page.last_activity = now());
            touch_session();
        }
        Seen::Navigated(url) => {
            let changed = with(|rt| {
                if rt.page.url == url {
                    return false;
                }
                rt.page = Page::enter(url, perf_now());
                // Clicks still waiting for a first answer were made on another page.
                if let Some(a) = &rt.early {
                    a.set_length(0);
                }
                rt.armed.clear();
                rt.closed.clear();
                true
            })
            .unwrap_or(false);
            if changed {
                // Page rules are checked at once (what no longer matches goes), then the edge
                // is asked what this page may show.
                replan();
                refetch();
            }
        }
        // A dismissal or an impression in another tab.
        Seen::Stored(k) => {
            let ws = with(|rt| rt.ws.clone()).unwrap_or_default();
            if k == queue::imps_key(&ws) {
                other_tab();
            } else if k == queue::progress_key(&ws) || k == queue::answers_key(&ws) {
                // Another tab moved a tour (this one follows, see `tours::sync`), or answered a
                // survey (it may resume here).
                replan();
            }
        }
        // What waited for the tab to come to the front shows now.
        Seen::Visible => replan(),
        Seen::Online => {
            queue::flush_imps();
            queue::flush_events();
            queue::flush_progress();
            queue::flush_answers();
        }
    }
}

fn has_trigger(f: impl Fn(&TriggerKind) -> bool) -> bool {
    with(|rt| {
        rt.items
            .iter()
            .any(|i| i.triggers.iter().any(|t| f(&t.kind)))
    })
    .unwrap_or(false)
}
