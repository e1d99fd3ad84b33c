//! The step's element: found (the first visible match, in the page or inside open shadow
//! roots), waited for when it is late, followed while the step shows, and lost when it leaves
//! the page. Placement is `porchlight_widget_common::place` (pure, tested natively); this
//! module measures and applies it, once per change and never in a loop: scroll (capture: any
//! scrolling ancestor) and resize listeners, a `ResizeObserver` on the element and the card, an
//! `IntersectionObserver` (the element scrolled into view only when it is not visible, without
//! animation under `prefers-reduced-motion`) and a `MutationObserver` (the element removed)
//! schedule one `requestAnimationFrame`, which measures and writes once.

use js_sys::{Array, Object, Reflect};
use porchlight_widget_common::js::{call0, call1, call2, get, num, set, window};
use porchlight_widget_common::place::{place, Placed, Rect, Side};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

use crate::card::append;
use crate::run::{
    call_s, elem, found, handler, is, listen, make, n, report, teardown, trimmed, undo, wait, with,
    Advance, Missing, Step,
};

/// The step on screen, as the positioning reads it.
pub(crate) struct Live {
    pub step: Step,
    target: Option<Element>,
    pub dialog: Element,
    /// The spotlight's path, its ring and the blocker over the element.
    hole: Option<(Element, Element, Option<Element>)>,
    /// The `IntersectionObserver` on the element, and whether it reported already.
    io: JsValue,
    seen: bool,
    /// The `MutationObserver` that sees the element leave.
    lost: JsValue,
}

/// The light-DOM element the target's `aria-describedby` points at (the step lives in a
/// shadow root, which an id reference cannot reach); written in `describe`'s markup too.
const DESC_ID: &str = "porchlight-tour-step";
/// Room around the element inside the spotlight.
const PAD: f64 = 4.0;

/// The page's document (by name: `Window::document` and `Document`'s getters are bindings of
/// their own).
pub(crate) fn doc() -> Option<Document> {
    let d = get(&window()?.into(), "document");
    d.is_object().then(|| d.unchecked_into())
}

/// What has focus, inside open shadow roots too (an element: `focus()` is called on it by name,
/// no `HTMLElement` check).
pub(crate) fn focused() -> Option<JsValue> {
    let doc: JsValue = doc()?.into();
    let mut a = get(&doc, "activeElement");
    loop {
        let inner = get(&get(&a, "shadowRoot"), "activeElement");
        if !inner.is_object() {
            return a.is_object().then_some(a);
        }
        a = inner;
    }
}

/// The shadow host `el` is drawn in.
pub(crate) fn host_of(el: &Element) -> Option<Element> {
    elem(get(&call0(el, "getRootNode"), "host")).ok()
}

/// Whether `el` is rendered and visible (`checkVisibility` where the browser has it; else it
/// has a box).
fn visible(el: &Element) -> bool {
    // `visibility: hidden` and `opacity: 0` count as hidden too.
    let o = Object::new();
    set(&o, "visibilityProperty", &JsValue::TRUE);
    set(&o, "opacityProperty", &JsValue::TRUE);
    if let Some(v) = call1(el, "checkVisibility", &o).as_bool() {
        return v;
    }
    let r = call0(el, "getBoundingClientRect");
    n(&r, "width") > 0.0 || n(&r, "height") > 0.0
}

/// `scope.querySelectorAll(sel)`, through `Reflect` and a call that catches: an invalid or
/// hostile selector finds nothing and never throws into the page.
/// Its elements, read by index (`Reflect`, which catches).
fn all(scope: &JsValue, sel: &str) -> impl Iterator<Item = Element> {
    let list = call1(scope, "querySelectorAll", &JsValue::from_str(sel));
    let n = n(&list, "length") as u32;
    (0..n).filter_map(move |i| elem(Reflect::get_u32(&list, i).ok()?).ok())
}

/// Calls `f` on `scope` (a document or a shadow root), then on each open shadow root below it
/// (not ours), depth first in document order, `depth` levels deep, until `f` says done. The one
/// walk for finding and for watching (one copy of the code).
fn walk(scope: &JsValue, depth: u32, f: &mut dyn FnMut(&JsValue) -> bool) -> bool {
    if f(scope) {
        return true;
    }
    if depth == 0 {
        return false;
    }
    for el in all(scope, "*") {
        if call_s(&el, "hasAttribute", "data-porchlight-item").is_truthy() {
            continue;
        }
        let root = get(&el, "shadowRoot");
        if root.is_object() && walk(&root, depth - 1, f) {
            return true;
        }
    }
    false
}

/// The first visible match of `sel` in the page, looking into the open shadow roots (three
/// levels deep).
pub(crate) fn find(sel: &str) -> Option<Element> {
    let mut found = None;
    walk(&doc()?.into(), 3, &mut |scope| {
        for el in all(scope, sel) {
            if visible(&el) {
                found = Some(el);
                return true;
            }
        }
        false
    });
    found
}

pub(crate) fn observe_all(mo: &JsValue, attributes: bool) {
    let Some(doc) = doc() else { return };
    // Options as a plain object (see `js::call0`: no setter bindings).
    let init = Object::new();
    let yes = JsValue::TRUE;
    set(&init, "childList", &yes);
    set(&init, "subtree", &yes);
    if attributes {
        set(&init, "attributes", &yes);
        let filter = Array::of3(&"class".into(), &"style".into(), &"hidden".into());
        set(&init, "attributeFilter", &filter);
    }
    // The page and every open shadow root in it (not ours), four levels deep.
    walk(&doc.into(), 4, &mut |scope| {
        call2(mo, "observe", scope, &init);
        false
    });
}

/// An observer of the step reported (`entries`, `o` itself). While the step waits for its
/// element, that is a change of the page: the element is looked for one frame after the first
/// change ([`frame`]; at most once a frame, however busy the page).
pub(crate) fn observed(entries: &JsValue, o: &JsValue) {
    let Some((waiting, io, lost, el)) = with(|s| {
        let (io, lost, el) = match &s.live {
            Some(l) => (l.io.clone(), l.lost.clone(), l.target.clone()),
            None => Default::default(),
        };
        (s.waiting.is_some(), io, lost, el)
    }) else {
        return;
    };
    if waiting {
        let list = Array::from(entries);
        let mut added = false;
        for i in 0..list.length() {
            added |= n(&get(&list.get(i), "addedNodes"), "length") > 0.0;
        }
        with(|s| s.added |= added);
        return schedule();
    }
    let Some(el) = el else {
        return schedule();
    };
    if *o == io {
        // The first report says whether the element is in view: scrolled there only if not.
        let first = with(|s| {
            s.live
                .as_mut()
                .is_some_and(|l| !std::mem::replace(&mut l.seen, true))
        });
        if first == Some(true) && !is(&get(entries, "0"), "isIntersecting") {
            reveal(&el);
        }
    } else if *o == lost && (!is(&el, "isConnected") || !visible(&el)) {
        // Gone from the page, or hidden there (a closed menu, another tab of the page).
        return relost();
    }
    schedule();
}

/// The frame requested by [`schedule`]: the waiting step looks for its element, the step on
/// screen measures and writes once.
pub(crate) fn frame() {
    let Some(waiting) = with(|s| {
        s.frame = JsValue::UNDEFINED;
        s.waiting
            .as_ref()
            .map(|(w, mo)| (w.selector.clone(), mo.clone()))
    }) else {
        return;
    };
    let Some((sel, mo)) = waiting else {
        return position();
    };
    if let Some(el) = find(&sel.unwrap_or_default()) {
        found(el);
    } else if with(|s| std::mem::take(&mut s.added)) == Some(true) {
        // New shadow roots may have come with these nodes: watch them too.
        observe_all(&mo, true);
    }
}

/// One frame ([`frame`]) after a change, however many changes come before it.
pub(crate) fn schedule() {
    if with(|s| s.frame.is_undefined()) != Some(true) {
        return;
    }
    if let Some(w) = window() {
        let id = call1(&w, "requestAnimationFrame", &handler());
        with(|s| s.frame = id);
    }
}

/// `v` to the nearest pixel: `floor(v + 0.5)` (one instruction; `f64::round` links libm's).
fn round(v: f64) -> f64 {
    (v + 0.5).floor()
}

fn px(n: f64) -> String {
    let mut s = num(round(n));
    s.push_str("px");
    s
}

fn put(el: &Element, props: &[(&str, f64)]) {
    let st = get(el, "style");
    for (k, v) in props {
        call2(&st, "setProperty", &JsValue::from_str(k), &px(*v).into());
    }
}

/// Shows the step drawn in `dialog`, anchored to `target` (or centred without one), and
/// follows the target until the step goes.
pub(crate) fn attach(step: Step, target: Option<Element>, dialog: Element) {
    let Some(doc) = doc() else { return };
    let Some(root) = with(|s| s.root.clone()).flatten() else {
        return;
    };
    let modal = step.modal();
    let (mut hole, mut io, mut lost) = (None, JsValue::UNDEFINED, JsValue::UNDEFINED);
    let observe = |o: JsValue, el: &Element| {
        call1(&o, "observe", el);
        undo(
            o.clone(),
            "disconnect",
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        );
        o
    };
    if let Some(t) = &target {
        hole = spotlight(&root, &step).ok();
        describe(&doc, t, &step);
        // A step that advances on a click of its element, or on filling it ([`advanced`]).
        match step.advance {
            Advance::Click => listen(t, "click"),
            Advance::Fill => listen(t, "change"),
            _ => {}
        }
        if !modal {
            if let Some(o) = make("IntersectionObserver") {
                io = observe(o, t);
            }
            // The element leaving the page: the step waits for it again.
            if let Some(m) = make("MutationObserver") {
                observe_all(&m, false);
                lost = m;
                undo(
                    lost.clone(),
                    "disconnect",
                    JsValue::UNDEFINED,
                    JsValue::UNDEFINED,
                );
            }
        }
    }
    if !modal {
        if let Some(ro) = make("ResizeObserver") {
            let ro = observe(ro, &dialog);
            if let Some(t) = &target {
                call1(&ro, "observe", t);
            }
        }
    }
    with(|s| {
        s.live = Some(Live {
            step,
            target,
            dialog,
            hole,
            io,
            seen: false,
            lost,
        })
    });
    if modal {
        return;
    }
    position();
    // Capture (every listener of the step is): a scroll in any ancestor.
    if let Some(w) = window() {
        listen(&w, "scroll");
        listen(&w, "resize");
    }
}

/// The element went away mid-step: the same step waits for it again, as if it were late.
fn relost() {
    let step = with(|s| match s.gen == s.g {
        true => s.live.take().map(|l| l.step),
        false => None,
    });
    let Some(mut step) = step.flatten() else {
        return;
    };
    // Everything of the step goes (card, spotlight, observers); the generation stays. It was
    // there: if it does not come back, the step shows centred (a closed menu must not skip
    // or end the tour).
    teardown();
    step.missing = Missing::Centre;
    wait(step);
}

/// Scrolls `el` into the middle of the view (at once under `prefers-reduced-motion`).
fn reveal(el: &Element) {
    let Some(w) = window() else {
        return;
    };
    let query = JsValue::from_str("(prefers-reduced-motion: reduce)");
    let reduced = is(&call1(&w, "matchMedia", &query), "matches");
    let o = Object::new();
    set(&o, "block", &"center".into());
    set(&o, "inline", &"nearest".into());
    let behavior = if reduced { "instant" } else { "smooth" };
    set(&o, "behavior", &behavior.into());
    call1(el, "scrollIntoView", &o);
}

/// Measures the element, the card and the viewport; places the card, its arrow and the
/// spotlight.
fn position() {
    let Some(doc) = doc() else { return };
    let view = get(&doc, "documentElement");
    let size = n;
    let (vw, vh) = (size(&view, "clientWidth"), size(&view, "clientHeight"));
    with(|s| {
        let Some(l) = &s.live else { return };
        let d: &JsValue = &l.dialog;
        // Its classes written whole (the card's own, then the sheet's or the side's): one
        // property set, not a `classList` call per class.
        let classes = |c: &str| {
            let mut s = String::from(if l.target.is_some() { "ts" } else { "ts dl" });
            s.push_str(c);
            set(d.unchecked_ref(), "className", &s.into());
        };
        let rect = l.target.as_ref().map(|t| {
            let r = call0(t, "getBoundingClientRect");
            let n = |k| n(&r, k);
            Rect {
                x: n("x"),
                y: n("y"),
                w: n("width"),
                h: n("height"),
            }
        });
        let mut placed = Placed::Centre { x: 0.0, y: 0.0 };
        // Twice at most: a bottom sheet changes the card's width, so its height.
        for _ in 0..2 {
            let (pw, ph) = (size(d, "offsetWidth"), size(d, "offsetHeight"));
            placed = place(rect, pw, ph, vw, vh, l.step.prefer, l.step.rtl);
            let sheet = matches!(placed, Placed::Sheet { .. });
            classes(if sheet { " sh" } else { "" });
            if let Placed::Sheet { w, .. } = placed {
                put(&l.dialog, &[("width", w)]);
            } else {
                call_s(&get(d, "style"), "removeProperty", "width");
                break;
            }
            if size(d, "offsetHeight") == ph {
                break;
            }
        }
        let (x, y) = match placed {
            Placed::Side { x, y, .. } | Placed::Sheet { x, y, .. } | Placed::Centre { x, y } => {
                (x, y)
            }
        };
        put(&l.dialog, &[("left", x), ("top", y)]);
        if let Placed::Side { side, arrow, .. } = placed {
            classes(match side {
                Side::Above => " sa",
                Side::Below => " sb",
                Side::Left => " sl",
                Side::Right => " sr",
            });
            let a = call_s(d, "querySelector", ".ar");
            if a.is_object() {
                let (along, across) = match side {
                    Side::Above | Side::Below => ("left", "top"),
                    _ => ("top", "left"),
                };
                let st = get(&a, "style");
                call1(&st, "removeProperty", &across.into());
                call2(&st, "setProperty", &along.into(), &px(arrow).into());
            }
        }
        if let (Some((path, ring, block)), Some(r)) = (&l.hole, rect) {
            let (x, y, w, h) = (r.x - PAD, r.y - PAD, r.w + 2.0 * PAD, r.h + 2.0 * PAD);
            // Pushed, not `[..].concat()` (whose join code and panics would ship).
            let mut d = String::from("M0 0H");
            for (pre, v) in [
                ("", vw),
                ("V", vh),
                ("H0ZM", round(x)),
                (" ", round(y)),
                ("h", round(w)),
                ("v", round(h)),
                ("h", -round(w)),
            ] {
                d.push_str(pre);
                d.push_str(&num(v));
            }
            d.push('Z');
            let _ = path.set_attribute("d", &d);
            let rect = [("left", x), ("top", y), ("width", w), ("height", h)];
            put(ring, &rect);
            if let Some(b) = block {
                put(b, &rect);
            }
        }
    });
}

/// The dimmed page with the element cut out, a ring around it, and — unless the step advances
/// on a click or a fill of it — a blocker over it.
fn spotlight(root: &Element, step: &Step) -> Result<(Element, Element, Option<Element>), JsValue> {
    // Parsed: `<svg>` in HTML is an SVG element (no `createElementNS` binding). Stacked by
    // their z-index, whatever their order.
    let svg = elem(append(root, "<svg class=ov aria-hidden=true><path/></svg>"))?;
    let path = elem(get(&svg, "firstElementChild"))?;
    gone_with(&svg);
    let ring = elem(append(root, "<div class=rg></div>"))?;
    gone_with(&ring);
    let block = match step.advance == Advance::Button {
        true => Some(elem(append(root, "<div class=bk></div>"))?),
        false => None,
    };
    if let Some(b) = &block {
        gone_with(b);
    }
    Ok((path, ring, block))
}

/// `el` is removed when the step goes.
pub(crate) fn gone_with(el: &Element) {
    undo(el.into(), "remove", JsValue::UNDEFINED, JsValue::UNDEFINED);
}

/// The element's `aria-describedby` points at the step's text while it shows.
fn describe(doc: &Document, t: &Element, step: &Step) {
    let body = get(doc, "body");
    if !body.is_object() {
        return;
    }
    let Ok(desc) = elem(append(&body, "<div id=porchlight-tour-step hidden></div>")) else {
        return;
    };
    gone_with(&desc);
    // Both trimmed already (`Step::read`).
    let mut text = step.title.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(&step.body);
    // Hidden even from a page rule such as `body > div {display: block}` (an inline style
    // through the CSSOM, which a strict CSP allows).
    call2(
        &get(&desc, "style"),
        "setProperty",
        &"display".into(),
        &"none".into(),
    );
    set(&desc, "textContent", &text.into());
    let name = JsValue::from_str("aria-describedby");
    let before = call1(t, "getAttribute", &name);
    let mut ids = trimmed(&before).unwrap_or_default();
    if !ids.is_empty() {
        ids.push(' ');
    }
    ids.push_str(DESC_ID);
    let _ = t.set_attribute("aria-describedby", &ids);
    // Put back as it was.
    let m = if before.is_null() {
        "removeAttribute"
    } else {
        "setAttribute"
    };
    undo(t.into(), m, name, before);
}

/// A `click` or a `change` of the element of a step that advances on it: a change counts with
/// a value.
pub(crate) fn advanced(e: &JsValue) {
    let Some(last) = with(|s| s.live.as_ref().map(|l| l.step.last())).flatten() else {
        return;
    };
    if get(e, "type") == "change" && trimmed(&get(&get(e, "currentTarget"), "value")).is_none() {
        return;
    }
    report(if last { "done" } else { "next" });
}
