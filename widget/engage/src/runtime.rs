//! The runtime: state, the exports the core calls, and applying the engine's plan (see the
//! crate's documentation).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object};
use porchlight_shared::content::ButtonAction;
use porchlight_shared::read::Json;
use porchlight_shared::targeting::frequency::Pacing;
use porchlight_shared::targeting::page::{plan, PageItem, PageNow, Verdict};
use porchlight_shared::targeting::triggers::{PageContext, TrackedEvent};
use porchlight_shared::vocab::{ImpressionAction, ItemKind};
use porchlight_widget_common::contract::Emit;
use porchlight_widget_common::js::{call1, get, get_str, set, warn};
use porchlight_widget_common::{key, storage};
use wasm_bindgen::prelude::*;

use crate::items::Item;
use crate::observe::{self, href, perf_now, Page};
use crate::render::{self, Act, Actor, Shown};
use crate::{host, items, queue, surveys, tours};
use porchlight_widget_common::place::clamp;

mod calls;
mod commands;
pub use commands::command;
mod debug;
mod dom;
mod seen;
use calls::{step, Call};
use debug::print_debug;
use dom::watch_dom;
use seen::seen;

struct Rt {
    ws: String,
    /// The browsing session (`porchlight:<ws>:bs` = `id.lastActive`).
    bs: String,
    bs_written: f64,
    items: Vec<Item>,
    /// Eligible, but not for this module (or unreadable): (id, why).
    left: Vec<(String, &'static str)>,
    /// The edge's reasons for what it left out (debug answers only).
    skipped: JsValue,
    /// When the answer in use was asked for (what this browser queued since, it replays).
    answered_at: i64,
    /// The workspace's survey pacing, in days (the answer's `surveyCooldownDays`).
    survey_cooldown: Option<u32>,
    page: Page,
    /// Armed on this page: (id, when). A handful of items: a list, not a map (no hasher).
    armed: Vec<(String, i64)>,
    shown: Vec<Shown>,
    /// Closed on this page (dismissed, or a button pressed): not drawn again until the visitor
    /// moves to another page, whatever the frequency.
    closed: Vec<String>,
    /// Ready to show but its element is not on the page (tooltips).
    missing: Vec<String>,
    timer: Option<i32>,
    /// `trackedClicks` of the messenger settings: (selector, event name).
    tracked_clicks: Vec<(String, String)>,
    debug: bool,
    stopped: bool,
    /// The last verdicts, for `debug`.
    last: Vec<(String, Verdict)>,
    /// Ids the page asked `startSurvey` for that the edge does not offer, for `debug`.
    asked: Vec<String>,
    /// Clicks made before the first answer (the core's, while this module downloaded, then
    /// this module's own): replayed for the items' element-click triggers once they are known
    /// (a tracked click is an event at once).
    early: Option<Array>,
    /// The locale what shows was drawn in (`catalog::locale`).
    lang: Option<String>,
}

impl Rt {
    /// Empty, as a constant: the thread-local needs no lazy initialisation code.
    const EMPTY: Rt = Rt {
        ws: String::new(),
        bs: String::new(),
        bs_written: 0.0,
        items: Vec::new(),
        left: Vec::new(),
        skipped: JsValue::NULL,
        answered_at: 0,
        survey_cooldown: None,
        page: Page::EMPTY,
        armed: Vec::new(),
        shown: Vec::new(),
        closed: Vec::new(),
        missing: Vec::new(),
        timer: None,
        tracked_clicks: Vec::new(),
        debug: false,
        stopped: false,
        last: Vec::new(),
        asked: Vec::new(),
        early: None,
        lang: None,
    };
}

thread_local! {
    static RT: RefCell<Rt> = const { RefCell::new(Rt::EMPTY) };
}

fn with<R>(f: impl FnOnce(&mut Rt) -> R) -> Option<R> {
    RT.try_with(|c| c.try_borrow_mut().ok().map(|mut rt| f(&mut rt)))
        .ok()
        .flatten()
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Whether `needle` occurs in `hay`: a plain scan (`str::contains` ships the two-way searcher
/// and its slicing panics, which format with `char`'s `Debug`).
fn has(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn bs_key(ws: &str) -> String {
    key(ws, ":bs")
}

/// Records activity in the browsing session (at most once a minute).
fn touch_session() {
    let t = now();
    let Some((ws, bs)) = with(|rt| {
        if rt.bs.is_empty() || t - rt.bs_written < 60_000.0 {
            return None;
        }
        rt.bs_written = t;
        Some((rt.ws.clone(), rt.bs.clone()))
    })
    .flatten() else {
        return;
    };
    if let Some(s) = storage() {
        let mut v = bs;
        v.push('.');
        v.push_str(&porchlight_widget_common::js::num(t.floor()));
        let _ = s.set_item(&bs_key(&ws), &v);
    }
}

/// `init(host, workspaceId, config)`: first. `config` is `{settings, nonce}` — the boot's
/// settings (tracked clicks) and the page's CSP nonce. Every export's work is a step of its
/// own, in order ([`step`]).
#[wasm_bindgen]
pub fn init(host: JsValue, ws: String, config: JsValue) {
    step(Call::Init(host, ws, config));
}

fn start(host: JsValue, ws: String, config: JsValue) {
    host::set(host);
    queue::set_workspace(&ws);
    render::configure(&ws, get_str(&config, "nonce"));
    crate::lazy::configure(get(&config, "load"));
    let settings = get(&config, "settings");
    let mut tracked: Vec<(String, String)> = Vec::new();
    let list = get(&settings, "trackedClicks");
    for i in 0..list.items().unwrap_or(0).min(20) {
        let c = list.at(i).unwrap_or_default();
        if let (Some(sel), Some(ev)) = (c.get_str("selector"), c.get_str("event")) {
            tracked.push((sel, ev));
        }
    }
    let w = crate::observe::win();
    let debug = get_str(&get(&w, "location"), "search")
        .is_some_and(|s| has(&s, "porchlight_debug=1"))
        || call1(
            &get(&w, "sessionStorage"),
            "getItem",
            &"porchlight:debug".into(),
        )
        .is_string();
    let fresh = with(|rt| {
        let fresh = rt.ws.is_empty();
        rt.ws = ws.clone();
        rt.tracked_clicks = tracked;
        rt.debug = debug;
        rt.stopped = false;
        // The core stops collecting clicks: this module's own listener takes over. A first
        // start keeps them for the items they may trigger, once an answer says which.
        let early = get(&config, "clicks").dyn_into::<Array>().ok();
        if let Some(a) = &early {
            set(a, "done", &JsValue::TRUE);
        }
        if fresh {
            rt.page = Page::enter(href(), 0.0);
            rt.early = early.clone();
        }
        fresh
    })
    .unwrap_or(false);
    if !fresh {
        return;
    }
    // A tracked click while this module downloaded is an event now.
    if let Some(a) = with(|rt| rt.early.clone()).flatten() {
        for el in a.iter() {
            if let Ok(el) = el.dyn_into::<web_sys::Element>() {
                seen::tracked(&el);
            }
        }
    }
    observe::install(Rc::new(seen));
    // Sent when the last page left off (a click that navigated, a closed tab).
    queue::flush_imps();
    queue::flush_events();
    queue::flush_progress();
    queue::flush_answers();
}

/// `eligible(answer)`: a `/v1/eligible` answer for the page now shown (a boot's).
#[wasm_bindgen]
pub fn eligible(answer: JsValue) {
    step(Call::Eligible(answer));
}

/// Applies an answer asked for at `asked` (epoch ms; a boot's: `None`, taken as this page's
/// start — the loader asked before anything here could queue).
fn apply(answer: JsValue, asked: Option<i64>) {
    let (items, left) = items::read(&answer);
    let bs = answer.get_str("bs");
    let skipped = get(&answer, "skipped");
    let lang = porchlight_widget_common::catalog::locale();
    let cooldown = answer
        .get("surveyCooldownDays")
        .and_then(|d| d.u64())
        .map(|d| d.min(365) as u32);
    let (gone, again) = with(|rt| {
        // As of when it was asked: what this browser queued since, it replays.
        rt.answered_at = asked.unwrap_or(rt.page.entered_at);
        rt.survey_cooldown = cooldown;
        rt.skipped = skipped;
        // The edge decides the browsing session; an edge that did not say keeps ours.
        let bs = bs.or_else(|| rt.bs.is_empty().then(porchlight_widget_common::client_id));
        if let Some(bs) = bs.filter(|b| *b != rt.bs) {
            rt.bs = bs;
            rt.bs_written = 0.0;
        }
        // What is on screen but no longer eligible goes; the rest is drawn again if the boot
        // answered in another locale (`boot({locale})`).
        let relang = rt.lang.is_some() && rt.lang != lang;
        rt.lang = lang;
        let gone = take_shown(rt, &|s| relang || !items.iter().any(|i| i.id == s.id));
        let mut again = Vec::new();
        for s in &gone {
            if items.iter().any(|i| i.id == s.id) {
                again.push(s.id.clone());
            }
        }
        rt.items = items;
        rt.left = left;
        (gone, again)
    })
    .unwrap_or_default();
    for s in gone {
        s.remove();
    }
    // Still shown, in the new locale: no second impression.
    for id in again {
        show(&id, false);
    }
    touch_session();
    // What shows is drawn in a task of its own: reading the answer and drawing are each a
    // fair share of a step.
    step(Call::Plan);
}

/// After an answer: what shows now, and the reasons when debugging.
fn planned() {
    // Clicks made before the first answer: an element click may fire an item's trigger.
    if let Some(early) = with(|rt| rt.early.take()).flatten() {
        for el in early.iter() {
            if let Ok(el) = el.dyn_into::<web_sys::Element>() {
                seen::clicked(&el);
            }
        }
    }
    replan();
    if with(|rt| rt.debug).unwrap_or(false) {
        // A boot's answer carries no reasons from the edge: ask for them, then print.
        match with(|rt| rt.skipped.is_null() || rt.skipped.is_undefined()).unwrap_or(false) {
            true => refetch(),
            false => print_debug(),
        }
    }
}

/// `stop()`: shutdown or another workspace. Everything shown goes; the queues are cleared.
#[wasm_bindgen]
pub fn stop() {
    step(Call::Stop);
}

fn halt() {
    let shown = with(|rt| {
        rt.stopped = true;
        rt.early = None;
        // The next visitor on this browser is a stranger: no click of theirs is tracked under
        // the workspace's settings of the last one (a new boot sets them again).
        rt.tracked_clicks.clear();
        rt.items.clear();
        rt.armed.clear();
        std::mem::take(&mut rt.shown)
    })
    .unwrap_or_default();
    for s in shown {
        s.remove();
    }
    queue::clear();
}

/// Asks the edge again for this page (after a navigation, or for `debug`).
fn refetch() {
    // What is on screen says so: the edge keeps it in the answer though its showing spent its
    // frequency, or a `once` item would vanish mid-read on a `replaceState` or an `update`.
    let Some((url, bs, debug, ws, showing)) = with(|rt| {
        let mut showing = String::new();
        for s in rt.shown.iter().take(20) {
            if !showing.is_empty() {
                showing.push(',');
            }
            showing.push_str(&s.id);
        }
        (
            rt.page.url.clone(),
            rt.bs.clone(),
            rt.debug,
            rt.ws.clone(),
            showing,
        )
    }) else {
        return;
    };
    let asked = now() as i64;
    let mut path = String::from("/v1/eligible?url=");
    path.push_str(&String::from(js_sys::encode_uri_component(&url)));
    let stored = storage().and_then(|s| s.get_item(&bs_key(&ws)).ok().flatten());
    let bs = stored.filter(|s| s.starts_with(&bs)).unwrap_or(bs);
    if !bs.is_empty() {
        path.push_str("&bs=");
        path.push_str(&String::from(js_sys::encode_uri_component(&bs)));
    }
    if debug {
        path.push_str("&debug=1");
    }
    if !showing.is_empty() {
        path.push_str("&showing=");
        path.push_str(&String::from(js_sys::encode_uri_component(&showing)));
    }
    let done = move |r: Result<JsValue, porchlight_widget_common::ApiError>| match r {
        // Still on that page: apply.
        Ok(answer) if with(|rt| rt.page.url == url && !rt.stopped).unwrap_or(false) => {
            apply(answer, Some(asked))
        }
        Ok(_) => {}
        Err(e) => warn("could not check what to show", &JsValue::from_str(&e.code)),
    };
    host::call("GET", &path, None, Box::new(done));
}

/// Takes the items on screen that `gone` picks out of `rt.shown`, in order.
fn take_shown(rt: &mut Rt, gone: &dyn Fn(&Shown) -> bool) -> Vec<Shown> {
    let mut out = Vec::new();
    for s in std::mem::take(&mut rt.shown) {
        if gone(&s) {
            out.push(s);
        } else {
            rt.shown.push(s);
        }
    }
    out
}

/// Another tab recorded something: a dismissal there (or a survey answered to the end) takes
/// the item down here; frequency sees the rest.
fn other_tab() {
    let list = queue::imps();
    let gone: Vec<Shown> = with(|rt| {
        let gone = take_shown(rt, &|s| {
            list.iter().any(|x| {
                x.i == s.id
                    && (x.a == ImpressionAction::Dismissed.as_str()
                        || (x.a == ImpressionAction::Completed.as_str()
                            && x.k == ItemKind::Survey.family().as_str()))
            })
        });
        for s in &gone {
            if !rt.closed.contains(&s.id) {
                rt.closed.push(s.id.clone());
            }
        }
        gone
    })
    .unwrap_or_default();
    for s in gone {
        s.remove();
    }
    replan();
}

/// Asks the engine what shows now, and applies the answer.
fn replan() {
    let imps = queue::imps();
    let t = now();
    let decided = with(|rt| {
        if rt.stopped {
            return None;
        }
        // Plain loops: each iterator chain collected into a Vec is code of its own.
        let mut histories = Vec::new();
        for i in &rt.items {
            histories.push(queue::history(&i.history, &i.id, rt.answered_at, &imps));
        }
        let mut page_items: Vec<PageItem> = Vec::new();
        // A tooltip whose element is not on this page is no candidate: it must not take the
        // place of one whose element is (arbitration shows one tooltip at a time).
        let mut absent: Vec<String> = Vec::new();
        let mut elsewhere: Vec<String> = Vec::new();
        // Tours on screen and the step they show now.
        let mut moved: Vec<(String, u32)> = Vec::new();
        for (k, i) in rt.items.iter().enumerate() {
            if rt.closed.contains(&i.id) {
                continue;
            }
            let showing = rt.shown.iter().any(|s| s.id == i.id);
            if i.kind == ItemKind::Tooltip && !showing && render::tooltip::element_of(i).is_none() {
                absent.push(i.id.clone());
                continue;
            }
            // A tour shows where its current step runs (and resumes there, see `tours`).
            let mut resuming = false;
            if i.kind == ItemKind::Tour {
                match tours::candidate(i, rt.answered_at, &rt.page.url) {
                    Some((r, step)) => {
                        resuming = r;
                        if showing {
                            moved.push((i.id.clone(), step));
                        }
                    }
                    None => {
                        if showing {
                            elsewhere.push(i.id.clone());
                        }
                        continue;
                    }
                }
            }
            if i.kind == ItemKind::Survey {
                resuming = surveys::resuming(i, &histories[k], rt.answered_at);
            }
            page_items.push(PageItem {
                id: &i.id,
                kind: i.arb_kind(),
                priority: i.priority,
                triggers: &i.triggers,
                frequency: &i.frequency,
                history: &histories[k],
                armed_at: rt.armed.iter().find(|(a, _)| *a == i.id).map(|a| a.1),
                showing,
                resuming,
            });
        }
        let mut events: Vec<TrackedEvent> = Vec::new();
        for (n, p) in &rt.page.events {
            events.push(TrackedEvent {
                name: n,
                properties: p,
            });
        }
        let mut clicked: Vec<&str> = Vec::new();
        for c in &rt.page.clicked {
            clicked.push(c);
        }
        let visitor = host::visitor_id();
        let mut p = plan(
            &page_items,
            &PageNow {
                ctx: PageContext {
                    url: &rt.page.url,
                    time_on_page_ms: (perf_now() - rt.page.started).max(0.0) as u64,
                    scroll_percent: rt.page.scroll_max,
                    idle_ms: (t - rt.page.last_activity).max(0.0) as u64,
                    exit_intent: rt.page.exit,
                    event: None,
                    clicked_selectors: &[],
                    now_ms: t as i64,
                },
                events: &events,
                clicked: &clicked,
                browsing_session: &rt.bs,
                visitor_id: &visitor,
                survey_pacing: Pacing {
                    survey_cooldown_days: rt.survey_cooldown,
                    last_survey_shown_at: queue::last_survey_shown(&imps, rt.answered_at),
                },
            },
        );
        // The engine arms an item only while it is not armed yet.
        for id in std::mem::take(&mut p.arm) {
            rt.armed.push((id, t as i64));
        }
        Some((p, absent, elsewhere, moved))
    })
    .flatten();
    let Some((p, mut missing, elsewhere, moved)) = decided else {
        return;
    };
    for id in elsewhere {
        take_down(&id);
    }
    for (id, step) in &moved {
        tours::sync(id, *step);
    }
    // In a background tab nothing new is drawn: it waits for the tab to come to the front
    // (`Seen::Visible`), not spent unseen.
    let hidden = crate::observe::hidden();
    for (id, v) in &p.verdicts {
        match v {
            Verdict::Show if hidden => {}
            Verdict::Show if !show(id, true) => missing.push(id.clone()),
            Verdict::OffPage => take_down(id),
            _ => {}
        }
    }
    let waiting = !missing.is_empty();
    let wake_at = p.wake_at;
    with(|rt| {
        rt.missing = missing;
        rt.last = p.verdicts;
    });
    watch_dom(waiting);
    // One timer, for the next time-based change.
    let old = with(|rt| rt.timer.take()).flatten();
    if let Some(w) = porchlight_widget_common::js::window() {
        if let Some(h) = old {
            call1(&w, "clearTimeout", &h.into());
        }
        if let Some(at) = wake_at {
            let ms = clamp(at as f64 - t, 20.0, 2_147_000_000.0) as u32;
            if let Some(h) = host::later(ms, woke) {
                with(|rt| rt.timer = Some(h));
            }
        }
    }
}

/// The timer for the next time-based change ran out.
fn woke() {
    with(|rt| rt.timer = None);
    replan();
}

/// Draws item `id`; false if it cannot be drawn now (its element is not on the page). A
/// `fresh` showing is an impression and a `contentShown`; drawing it again in another locale
/// is neither.
fn show(id: &str, fresh: bool) -> bool {
    let actor: Actor = Rc::new(act);
    let r = with(|rt| {
        let item = rt.items.iter().find(|i| i.id == id)?;
        let r = match item.kind {
            ItemKind::Tour => tours::show(item, rt.answered_at, &rt.page.url, &rt.bs),
            ItemKind::Survey => {
                let h = queue::history(&item.history, id, rt.answered_at, &queue::imps());
                surveys::show(item, &h, rt.answered_at)
            }
            _ => render::show(item, &actor),
        };
        Some((r, item.family(), item.kind))
    })
    .flatten();
    let Some((r, family, kind)) = r else {
        return true;
    };
    match r {
        Ok(shown) => {
            let bs = with(|rt| {
                rt.shown.push(shown);
                rt.bs.clone()
            })
            .unwrap_or_default();
            if !fresh {
                return true;
            }
            // A tour's impressions are its progress, which the edge records. A survey's "shown"
            // carries its response's id: resumed after a reload, it is not shown twice.
            if kind != ItemKind::Tour {
                let once = (kind == ItemKind::Survey)
                    .then(surveys::response_id)
                    .flatten();
                queue::record_once(family.as_str(), id, ImpressionAction::Shown, &bs, once);
            }
            host::emit(Emit::ContentShown, &content_event(id, kind));
            true
        }
        Err(_) => false,
    }
}

fn content_event(id: &str, kind: ItemKind) -> JsValue {
    let o = Object::new();
    set(&o, "id", &JsValue::from_str(id));
    set(&o, "kind", &JsValue::from_str(kind.as_str()));
    o.into()
}

/// Removes `id` from the screen (no impression: a navigation, the edge, another tab).
pub(crate) fn take_down(id: &str) {
    let s = with(|rt| {
        let k = rt.shown.iter().position(|s| s.id == id)?;
        Some(rt.shown.remove(k))
    })
    .flatten();
    if let Some(s) = s {
        s.remove();
    }
}

/// What the visitor did with a shown item.
fn act(id: &str, a: Act) {
    let Some((family, kind, bs)) = with(|rt| {
        let i = rt.items.iter().find(|i| i.id == id)?;
        Some((i.family(), i.kind, rt.bs.clone()))
    })
    .flatten() else {
        return;
    };
    let id = id.to_string();
    let action = match &a {
        Act::Dismiss | Act::Button(ButtonAction::Dismiss) => ImpressionAction::Dismissed,
        Act::Button(_) => ImpressionAction::Clicked,
    };
    // Close first (focus returns where it was), then act.
    with(|rt| rt.closed.push(id.clone()));
    take_down(&id);
    queue::record(family.as_str(), &id, action, &bs);
    match a {
        Act::Button(ButtonAction::OpenUrl { url }) => {
            if porchlight_shared::types::is_safe_http_url(&url) {
                let w = crate::observe::win();
                if let Ok(open) = get(&w, "open").dyn_into::<js_sys::Function>() {
                    let _ = open.call3(
                        &w,
                        &url.into(),
                        &"_blank".into(),
                        &"noopener,noreferrer".into(),
                    );
                }
            }
        }
        Act::Button(ButtonAction::OpenMessenger) => {
            host::emit(Emit::OpenMessenger, &JsValue::UNDEFINED)
        }
        Act::Button(ButtonAction::StartTour { tour_id }) => command(
            "startTour".into(),
            Array::of1(&JsValue::from_str(&tour_id)).into(),
        ),
        Act::Dismiss | Act::Button(ButtonAction::Dismiss) => {
            host::emit(Emit::ContentDismissed, &content_event(&id, kind))
        }
    }
    replan();
}

/// A tour action was refused: this tab had fallen behind; ask the edge where things are.
pub(crate) fn resync() {
    refetch();
}

/// The URL of the page shown now.
pub(crate) fn page_url() -> String {
    with(|rt| rt.page.url.clone()).unwrap_or_default()
}

/// The visitor closed `id` for this page (a tour ended or snoozed): it goes, and what waited
/// behind it may show.
pub(crate) fn closed(id: &str) {
    with(|rt| rt.closed.push(id.to_string()));
    take_down(id);
    replan();
}

/// `f` on item `id`.
pub(crate) fn with_item<R>(id: &str, f: impl FnOnce(&Item) -> R) -> Option<R> {
    with(|rt| rt.items.iter().find(|i| i.id == id).map(f)).flatten()
}

/// The browsing session.
pub(crate) fn bs() -> String {
    with(|rt| rt.bs.clone()).unwrap_or_default()
}
