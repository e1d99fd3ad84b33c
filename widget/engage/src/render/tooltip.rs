//! A tooltip: a hint on an element of the page (`content.selector`). With a beacon (the
//! default) a small pulsing button sits just right of the element (inside the viewport) and
//! opens the popover on hover, focus or click; focus leaving it or a press elsewhere closes it.
//! With `hint: "element"` the element itself opens it on hover or focus, and the pointer may
//! move from the element onto the popover (WCAG 1.4.13: hoverable) without closing it; those
//! listeners sit on the document and ask which element matches now, so a page that draws the
//! element again (a framework re-render) keeps its hint.
//! The popover is a non-modal dialog (named by its title) whatever its buttons: its × takes
//! focus, which WAI-ARIA's `tooltip` must not; the beacon controls it (`aria-expanded`) and is
//! described by its text. Escape hides it wherever focus is; × (first in it, right after the
//! beacon in the tab order) dismisses it.
//!
//! It follows its element on scroll (capture: any scrolling ancestor), resize and the
//! element's own size changes (ResizeObserver) — no per-frame loop. If the element leaves the
//! page (or has no box) the hint hides, and comes back when an element matching the selector
//! does; an open popover whose element is scrolled out of view hides with it.
//!
//! The popover goes where `widget_common::place` says (preferring below): beside the element,
//! or a bottom sheet on viewports narrower than 480 px or when no side has room.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use porchlight_widget_common::catalog::{t, Msg};
use porchlight_widget_common::js::{call0, call1, call2, get, get_f64, get_str, set};
use porchlight_widget_common::place::{place, Placed, Prefer, Rect, Side};
use porchlight_widget_common::{add, attrs};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

use super::{button_row, close_button, doc, host, listen_out, query, text, Actor, Shown};
use crate::items::Item;

fn px(n: f64) -> String {
    let mut s = porchlight_widget_common::js::num(n.round());
    s.push_str("px");
    s
}

/// Whether `n` contains node `r` (`Node.contains`; false for anything that is not a node).
fn holds(n: &JsValue, r: &JsValue) -> bool {
    r.is_object() && call1(n, "contains", r).is_truthy()
}

/// Whether the event's `relatedTarget` (where the pointer or focus went) is inside `n`.
fn went_into(e: &JsValue, n: &JsValue) -> bool {
    holds(n, &get(e, "relatedTarget"))
}

/// `el.style.setProperty(k, v)`.
fn style(el: &JsValue, k: &str, v: &str) {
    call2(&get(el, "style"), "setProperty", &k.into(), &v.into());
}

fn set_pos(e: &JsValue, x: f64, y: f64) {
    style(e, "left", &px(x));
    style(e, "top", &px(y));
}

/// `el.hidden = on`.
fn hide(el: &JsValue, on: bool) {
    set(el.unchecked_ref(), "hidden", &JsValue::from_bool(on));
}

/// `el.getBoundingClientRect()`, read.
fn bounds(el: &JsValue) -> Rect {
    let r = call0(el, "getBoundingClientRect");
    let n = |k: &str| get_f64(&r, k).unwrap_or(0.0);
    Rect {
        x: n("left"),
        y: n("top"),
        w: n("width"),
        h: n("height"),
    }
}

pub(crate) fn show(item: &Item, actor: &Actor) -> Result<Shown, JsValue> {
    let doc = doc().ok_or("no document")?;
    let win = porchlight_widget_common::js::window().ok_or("no window")?;
    let selector = item.text("selector").ok_or("no selector")?;
    let target = query(&selector).ok_or("its element is not on the page")?;
    let beacon_mode = item.text("hint").as_deref() != Some("element");
    let (h, wrap) = host(&item.id, "tt", false)?;
    let mut keep: Vec<Closure<dyn FnMut(Event)>> = Vec::new();
    let pop_id = super::cat("pl-tip-", &item.id);
    let beacon = if beacon_mode {
        let b = add(&doc, &wrap, "button", "bc")?;
        attrs(
            &b,
            &[
                ("type", "button"),
                ("aria-label", t(Msg::TooltipHint)),
                ("aria-expanded", "false"),
            ],
        )?;
        Some(b)
    } else {
        None
    };
    let pop = add(&doc, &wrap, "div", "tp")?;
    set(pop.unchecked_ref(), "id", &pop_id.as_str().into());
    let has_buttons = !super::buttons(item).is_empty();
    // Always a non-modal dialog: its × (and any button) takes focus, which a `tooltip` must
    // not hold; axe's `region` rule also takes a dialog as a landmark, not a tooltip.
    let name = item.text("title");
    let name = name.as_deref().unwrap_or(t(Msg::TooltipUntitled));
    attrs(&pop, &[("role", "dialog"), ("aria-label", name)])?;
    hide(&pop, true);
    add(&doc, &pop, "span", "ar")?;
    close_button(&doc, &pop, item, actor, &mut keep)?;
    text(&doc, &pop, "strong", "bt", item.text("title"))?;
    let body = text(&doc, &pop, "p", "bd", item.text("body"))?;
    button_row(&doc, &pop, item, actor, &mut keep)?;
    // The beacon controls the popover and is described by its text: focusing it says the tip.
    if let (Some(b), Some(body)) = (&beacon, body) {
        let body_id = super::cat(&pop_id, "-d");
        set(body.unchecked_ref(), "id", &body_id.as_str().into());
        attrs(
            b,
            &[("aria-controls", &pop_id), ("aria-describedby", &body_id)],
        )?;
    }

    let tip = Rc::new(Tip {
        target: RefCell::new(target),
        open: Cell::new(false),
        ro: RefCell::new(None),
        pop,
        beacon,
        wrap,
        host: h.clone(),
        selector,
    });
    let mut cleanup: Vec<Box<dyn FnOnce()>> = Vec::new();
    let mut on = |t: &web_sys::EventTarget, ev: &'static str, capture: bool, what: On| {
        // Passive, but for Tab: it takes the key's default.
        let passive = !matches!(what, On::Tab);
        listen_out(t, ev, capture, passive, hearer(&tip, what)).map(|c| cleanup.push(c))
    };
    if let Some(b) = &tip.beacon {
        // The beacon: hover, focus and a press open it (hovering first must not make the
        // press close it again); a press anywhere else on the page, or focus leaving it,
        // closes it.
        for ev in ["mouseenter", "focus", "click"] {
            on(b, ev, false, On::Open)?;
        }
        on(&doc, "pointerdown", true, On::PressOut)?;
        on(&tip.wrap, "focusout", false, On::LeftWrap)?;
    } else {
        // The element (whichever matches now, see `Tip::now`): the pointer or focus coming
        // onto it opens it; leaving it closes it, unless for the popover; leaving the popover
        // closes it, unless back onto the element.
        for ev in ["mouseover", "focusin"] {
            on(&doc, ev, true, On::Open)?;
        }
        for ev in ["mouseout", "focusout"] {
            on(&doc, ev, true, On::LeftElement)?;
        }
        on(&tip.wrap, "mouseleave", false, On::LeftPopover)?;
        // Keyboard: Tab from the element goes into an open popover with buttons (it sits at
        // the end of the page's tab order); focus leaving the popover for the page closes it.
        if has_buttons {
            on(&doc, "keydown", true, On::Tab)?;
            on(&tip.wrap, "focusout", false, On::LeftBoth)?;
        }
    }
    // Escape hides the popover, wherever focus is (it stays available from its opener).
    on(&doc, "keydown", false, On::Escape)?;
    // Follow the element: scrolling anywhere (capture), resizing.
    for ev in ["scroll", "resize"] {
        on(&win, ev, true, On::Follow)?;
    }
    {
        // The observer's (entries, observer) go unread.
        let cb = Closure::<dyn FnMut(Event)>::new(hearer(&tip, On::Follow));
        if let Ok(ro) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
            call1(&ro, "observe", &tip.target.borrow());
            if let Ok(mut c) = tip.ro.try_borrow_mut() {
                *c = Some(ro.clone());
            }
            let t = tip.clone();
            cleanup.push(Box::new(move || {
                call0(&ro, "disconnect");
                if let Ok(mut c) = t.ro.try_borrow_mut() {
                    *c = None;
                }
                drop(cb);
            }));
        }
    }
    tip.reposition();
    Ok(Shown {
        id: item.id.clone(),
        host: h,
        keep,
        cleanup,
    })
}

/// A tooltip on screen, as its listeners see it.
struct Tip {
    /// Its element: replaced when the page draws it again.
    target: RefCell<Element>,
    open: Cell<bool>,
    /// The size observer: moved onto a re-rendered element.
    ro: RefCell<Option<web_sys::ResizeObserver>>,
    pop: Element,
    beacon: Option<Element>,
    wrap: Element,
    host: Element,
    selector: String,
}

/// What a listener does ([`Tip::hear`]). One closure type for all of them: each closure type
/// as a `dyn FnMut` is a body, a vtable shim and a drop of its own.
#[derive(Clone, Copy)]
enum On {
    Open,
    /// A press: outside the tooltip, it closes.
    PressOut,
    /// Focus left the beacon and popover (beacon mode).
    LeftWrap,
    /// The pointer or focus left the element, not onto the popover.
    LeftElement,
    /// The pointer left the popover, not onto the element.
    LeftPopover,
    /// Focus left the popover, not for the element.
    LeftBoth,
    /// Tab on the element: into an open popover with buttons.
    Tab,
    Escape,
    /// Scroll, resize, the element's size: place it again.
    Follow,
}

fn hearer(tip: &Rc<Tip>, what: On) -> Box<dyn FnMut(Event)> {
    let tip = tip.clone();
    Box::new(move |e: Event| tip.hear(what, &e))
}

impl Tip {
    /// The element that matches now: the one it was, or (drawn again by the page) the first
    /// that matches the selector.
    fn now(&self) -> Option<Element> {
        let el = self.target.borrow().clone();
        if get(&el, "isConnected").is_truthy() {
            return Some(el);
        }
        let e = query(&self.selector)?;
        if let Ok(mut t) = self.target.try_borrow_mut() {
            *t = e.clone();
        }
        if let Ok(ro) = self.ro.try_borrow() {
            if let Some(ro) = ro.as_ref() {
                call0(ro, "disconnect");
                call1(ro, "observe", &e);
            }
        }
        Some(e)
    }

    fn hear(&self, what: On, e: &JsValue) {
        // Element mode listens on the document: only what happens on the element counts.
        let on_element = || {
            self.beacon.is_some()
                || self
                    .now()
                    .is_some_and(|el| holds(&el, &get(e, "target")) && !went_into(e, &el))
        };
        let close = match what {
            On::Open => {
                if on_element() {
                    self.set_open(true);
                }
                return;
            }
            On::Follow => return self.reposition(),
            On::PressOut => !holds(&self.host, &get(e, "target")),
            On::LeftWrap => !went_into(e, &self.wrap),
            On::LeftElement => on_element() && !went_into(e, &self.host),
            On::LeftPopover => !went_into(e, &self.target.borrow()),
            On::LeftBoth => !went_into(e, &self.wrap) && !went_into(e, &self.target.borrow()),
            On::Escape => get_str(e, "key").as_deref() == Some("Escape"),
            On::Tab => {
                if on_element()
                    && get_str(e, "key").as_deref() == Some("Tab")
                    && !get(e, "shiftKey").is_truthy()
                    && self.open.get()
                {
                    let x = call1(&self.pop, "querySelector", &"button".into());
                    if x.is_object() {
                        call0(e, "preventDefault");
                        call0(&x, "focus");
                    }
                }
                false
            }
        };
        if close {
            self.set_open(false);
        }
    }

    fn set_open(&self, on: bool) {
        self.open.set(on);
        if let Some(b) = &self.beacon {
            let _ = b.set_attribute("aria-expanded", if on { "true" } else { "false" });
        }
        self.reposition();
    }

    /// The beacon beside the element, the popover by `place`.
    fn reposition(&self) {
        let (pop, wrap) = (&self.pop, &self.wrap);
        let Some(el) = self.now() else {
            hide(wrap, true);
            return;
        };
        let r = bounds(&el);
        // An element without a box (display: none) has nowhere to point.
        hide(wrap, r.w == 0.0 && r.h == 0.0);
        let w = crate::observe::win();
        let vw = get_f64(&w, "innerWidth").unwrap_or(1024.0);
        let vh = get_f64(&w, "innerHeight").unwrap_or(768.0);
        // The beacon (24 px): right of the element, centred on its first 48 px of height,
        // kept inside the viewport's width.
        if let Some(b) = &self.beacon {
            set_pos(
                b,
                (r.x + r.w + 6.0).min(vw - 28.0).max(4.0),
                r.y + r.h.min(48.0) / 2.0 - 12.0,
            );
        }
        // Shown while open and its element is in view.
        let show = self.open.get() && r.y + r.h > 0.0 && r.y < vh;
        hide(pop, !show);
        if show {
            // Measured at its own width (a sheet's is the viewport's, by its class).
            set(pop.unchecked_ref(), "className", &"tp".into());
            let pr = bounds(pop);
            let p = place(
                Some(r),
                pr.w,
                pr.h,
                vw,
                vh,
                Prefer::Below,
                porchlight_widget_common::catalog::rtl(),
            );
            // Below (no class), "up", "lf" (left of its element), "rt", or "sh": a bottom
            // sheet (narrow viewports, or no side with room). The arrow's offset in `--a`.
            let (x, y, class, arrow) = match p {
                Placed::Side { x, y, side, arrow } => {
                    let class = match side {
                        Side::Below => "tp",
                        Side::Above => "tp up",
                        Side::Left => "tp lf",
                        Side::Right => "tp rt",
                    };
                    (x, y, class, arrow)
                }
                Placed::Sheet { x, y, .. } | Placed::Centre { x, y } => (x, y, "tp sh", 0.0),
            };
            set_pos(pop, x, y);
            set(pop.unchecked_ref(), "className", &class.into());
            style(pop, "--a", &px(arrow - 6.0));
        }
    }
}

/// The element `item` is anchored to, if it is on the page now (the runtime leaves a tooltip
/// without one out of arbitration, and watches the page for it).
pub(crate) fn element_of(item: &Item) -> Option<Element> {
    item.text("selector").as_deref().and_then(query)
}
