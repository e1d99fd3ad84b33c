//! Tours: the runtime's side. Which step of a tour shows on this page, and what the visitor's
//! actions do to the run, are decided here with `shared` (`experiences::{replay, runs_here}`:
//! the edge's state machine, reduced) over the edge's progress and the actions this browser
//! queued since; the step itself is drawn by the tour module (`widget/tour`), loaded the
//! first time a tour is about to show, in the item's own shadow root.
//!
//! - A run in progress (or one `startTour` asked for) is *resuming*: ready at once on any page
//!   where its current step runs, whatever its triggers and frequency (the edge let it through
//!   the same way); arbitration still applies.
//! - Starting shows it to the edge (`start`, or `restart` after a completed or dismissed run);
//!   every action goes through the offline-queued progress path (`queue::progress`): Next and
//!   Back name their step, so a retry is harmless.
//! - A step on another page takes the tour down here; it comes back when the visitor reaches
//!   that page (a navigation, a reload, another tab).

use std::cell::RefCell;

use js_sys::{Object, Reflect};
use porchlight_shared::experiences::{runs_here, Run, TourAction, TourState};
use porchlight_shared::read::Json;
use porchlight_shared::vocab::ImpressionAction;
use porchlight_widget_common::catalog;
use porchlight_widget_common::contract::{Emit, TourExport};
use porchlight_widget_common::js::{get, set};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::items::Item;
use crate::lazy::{self, Lazy};
use crate::render::{self, Shown};
use crate::{host, queue};

/// The tour on screen.
struct On {
    id: String,
    step: u32,
    count: u32,
    wrap: Element,
    content: JsValue,
    /// The page it shows on (read here, not from the runtime: `draw` may run while the
    /// runtime's state is borrowed).
    url: String,
}

thread_local! {
    static MODULE: Lazy = const { Lazy::new("tour") };
    static ON: RefCell<Option<On>> = const { RefCell::new(None) };
    static ACT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// The step last drawn and the page it was first drawn on: met again on another page (the
    /// visitor went elsewhere mid-step), a missing element shows the step centred rather than
    /// skipping or ending the tour.
    static LAST: RefCell<(String, u32, String)> = const { RefCell::new((String::new(), 0, String::new())) };
}

/// How many steps `item` has.
fn count(item: &Item) -> u32 {
    get(&item.content, "steps").items().unwrap_or(0) as u32
}

/// The page step `step` runs on (`None`: any).
fn page_of(item: &Item, step: u32) -> Option<String> {
    get(&item.content, "steps")
        .at(step as usize)?
        .get_str("page")
}

fn last(item: &Item) -> u32 {
    count(item).saturating_sub(1)
}

fn run_of(item: &Item, answered_at: i64) -> Option<Run> {
    queue::tour_run(&item.id, item.run, last(item), answered_at)
}

/// Whether tour `item` may show on `url`, and if so whether it resumes (see the module's
/// documentation) and at which step. `None`: its current step runs on another page, or this
/// browser ended or snoozed it since the edge answered.
pub(crate) fn candidate(item: &Item, answered_at: i64, url: &str) -> Option<(bool, u32)> {
    if count(item) == 0 {
        return None;
    }
    let run = run_of(item, answered_at);
    // A preview shows on every page, as any previewed item (a finished run starts over).
    let forced = crate::items::forced(&item.id) || item.id.starts_with("preview-");
    let state = run.map(|r| r.state);
    if run != item.run && state != Some(TourState::InProgress) && !forced {
        return None;
    }
    // A tour edited to fewer steps than the run reached goes on from its new last step.
    let step = match run {
        Some(r) if matches!(r.state, TourState::InProgress | TourState::Snoozed) => {
            r.step.min(last(item))
        }
        _ => 0,
    };
    // A snoozed run the edge offers again is back from its snooze: it goes on where it was
    // (this browser's frequency check would see it as shown, without the snooze's end).
    let resuming = forced || matches!(state, Some(TourState::InProgress | TourState::Snoozed));
    runs_here(page_of(item, step).as_deref(), url).then_some((resuming, step))
}

/// Shows tour `item` on `url`: starts the run at the edge if it is not running, and draws its
/// step (loading the tour module the first time).
pub(crate) fn show(item: &Item, answered_at: i64, url: &str, bs: &str) -> Result<Shown, JsValue> {
    let (_, step) = candidate(item, answered_at, url).ok_or("not on this page")?;
    let start = match run_of(item, answered_at).map(|r| r.state) {
        None => Some(TourAction::Start),
        Some(TourState::Completed | TourState::Dismissed) => Some(TourAction::Restart),
        Some(TourState::Snoozed) => Some(TourAction::Start),
        Some(TourState::InProgress) => None,
    };
    if let Some(a) = start {
        queue::progress(&item.id, a, None, None, None);
        if a == TourAction::Restart || item.run.is_none() {
            queue::note("tour", &item.id, ImpressionAction::Shown, bs);
        }
    }
    crate::items::unforce(&item.id);
    let (h, wrap) = render::host(&item.id, "tr", false)?;
    ON.with(|o| {
        *o.borrow_mut() = Some(On {
            id: item.id.clone(),
            step,
            count: count(item),
            wrap,
            content: item.content.clone(),
            url: url.into(),
        })
    });
    draw();
    Ok(lazy::shown(
        &item.id,
        h,
        &ON,
        |o| &o.id,
        || call_module(TourExport::Hide, &JsValue::UNDEFINED),
    ))
}

/// `module[f](arg)`, once the module is here (loaded on a show).
fn call_module(f: TourExport, arg: &JsValue) {
    lazy::call(&MODULE, f.name(), arg, f == TourExport::Show, draw, failed);
}

/// The module did not load (`lazy::failed`).
fn failed(n: u32) {
    lazy::failed(&ON, |o| &o.id, n);
}

/// Draws the step of the tour on screen.
fn draw() {
    let cfg = ON.with(|o| {
        let o = o.borrow();
        let on = o.as_ref()?;
        let c = Object::new();
        let steps = get(&on.content, "steps");
        set(&c, "root", &on.wrap);
        set(
            &c,
            "step",
            &Reflect::get_u32(&steps, on.step).unwrap_or_default(),
        );
        set(&c, "index", &JsValue::from(on.step));
        set(&c, "count", &JsValue::from(on.count));
        set(&c, "progress", &get(&on.content, "showProgress"));
        let url = on.url.clone();
        let again = LAST.with(|l| {
            let mut l = l.borrow_mut();
            if l.0 == on.id && l.1 == on.step {
                return l.2 != url;
            }
            *l = (on.id.clone(), on.step, url);
            false
        });
        let missing = match again {
            true => JsValue::from_str("center"),
            false => get(&on.content, "missingTarget"),
        };
        set(&c, "missing", &missing);
        if let Some(n) = render::nonce() {
            set(&c, "nonce", &JsValue::from_str(&n));
        }
        set(&c, "act", &act_fn());
        // The catalog's direction (this module's: the tour module has none of its own).
        set(&c, "rtl", &JsValue::from_bool(catalog::rtl()));
        Some(c)
    });
    if let Some(c) = cfg {
        call_module(TourExport::Show, &c.into());
    }
}

/// The callback the tour module reports to (made once).
fn act_fn() -> JsValue {
    if let Some(f) = ACT.with(|a| a.borrow().clone()) {
        return f;
    }
    let f = crate::host::js_fn(|name| acted(&name.as_string().unwrap_or_default())).into_js_value();
    ACT.with(|a| *a.borrow_mut() = Some(f.clone()));
    f
}

/// What the visitor did with the step on screen (or the tour module's policy for an element
/// that never came: `skip`, `end`).
fn acted(name: &str) {
    let Some((id, step, count)) = ON.with(|o| {
        o.borrow()
            .as_ref()
            .map(|on| (on.id.clone(), on.step, on.count))
    }) else {
        return;
    };
    let next = step + 1;
    match name {
        "next" | "skip" if next < count => go(&id, step, next),
        "back" if step > 0 => go(&id, step, step - 1),
        "next" | "skip" | "done" => {
            queue::progress(&id, TourAction::Complete, None, None, None);
            ended(&id, ImpressionAction::Completed, Emit::TourCompleted);
        }
        "dismiss" | "end" => {
            queue::progress(&id, TourAction::Dismiss, None, None, None);
            ended(&id, ImpressionAction::Dismissed, Emit::ContentDismissed);
        }
        "snooze" => {
            queue::progress(&id, TourAction::Snooze, None, None, None);
            crate::runtime::closed(&id);
        }
        _ => {}
    }
}

/// Moves from step `from` to `to`: drawn here if it runs on the page shown now, else the tour
/// waits for its page.
fn go(id: &str, from: u32, to: u32) {
    let url = crate::runtime::page_url();
    let here = crate::runtime::with_item(id, |item| runs_here(page_of(item, to).as_deref(), &url))
        .unwrap_or(false);
    queue::progress(
        id,
        TourAction::Advance,
        Some(to),
        Some(from),
        here.then_some(url.as_str()),
    );
    if here {
        ON.with(|o| {
            if let Some(on) = o.borrow_mut().as_mut() {
                on.step = to;
                on.url = url.clone();
            }
        });
        draw();
    } else {
        crate::runtime::take_down(id);
    }
}

fn ended(id: &str, imp: ImpressionAction, ev: Emit) {
    let bs = crate::runtime::bs();
    queue::note("tour", id, imp, &bs);
    let o = Object::new();
    set(&o, "id", &JsValue::from_str(id));
    if ev == Emit::ContentDismissed {
        set(&o, "kind", &JsValue::from_str("tour"));
    }
    host::emit(ev, &o);
    crate::runtime::closed(id);
}

/// The tour on screen shows `step` now (another tab moved the run, or the edge's answer
/// corrected it): redrawn there.
pub(crate) fn sync(id: &str, step: u32) {
    let url = crate::runtime::page_url();
    let moved = ON.with(|o| match o.borrow_mut().as_mut() {
        Some(on) if on.id == id && on.step != step => {
            on.step = step;
            on.url = url;
            true
        }
        _ => false,
    });
    if moved {
        draw();
    }
}
