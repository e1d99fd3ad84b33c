//! The exports, the module's state, and one screen: its frame (× close, the large format's
//! progress bar, title, text, field, the refusal line, Back / Next), drawn from static markup
//! with the catalog's labels and authored text escaped; one delegated click listener, the
//! form's submit (Next, also Enter in a short text), Escape.

use std::cell::RefCell;

use js_sys::Function;
use porchlight_widget_common::catalog::{fill, t, Msg};
use porchlight_widget_common::js::{
    blank, call0, call1, call2, esc, get, get_f64, get_str, num, set, wrap_tab,
};
use porchlight_widget_common::{add, attrs};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlDialogElement};

use crate::field::{self, Kind};

type Cb = Closure<dyn FnMut(JsValue)>;

struct State {
    root: Option<Element>,
    dialog: Option<Element>,
    large: bool,
    act: Option<Function>,
    /// What had focus in the page before the survey.
    before: JsValue,
    /// What the form's submit reports: `start`, `next` or `done`.
    primary: &'static str,
    kind: Option<Kind>,
    question: JsValue,
    /// The current dialog's listeners (they go with it).
    keep: Vec<Cb>,
    /// The `visualViewport` listener is in place.
    viewport: bool,
}

thread_local! {
    static S: RefCell<State> = const {
        RefCell::new(State {
            root: None,
            dialog: None,
            large: false,
            act: None,
            before: JsValue::UNDEFINED,
            primary: "next",
            kind: None,
            question: JsValue::UNDEFINED,
            keep: Vec::new(),
            viewport: false,
        })
    };
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    S.try_with(|c| c.try_borrow_mut().ok().map(|mut s| f(&mut s)))
        .ok()
        .flatten()
}

/// The page's document and window, found from the survey's root (not `web_sys::window()`,
/// whose search for the global object is code of its own in the module).
fn doc(root: &Element) -> Option<Document> {
    root.owner_document()
}

fn window(doc: &Document) -> JsValue {
    get(doc, "defaultView")
}

const CSS: &str = include_str!("../survey.css");

const CLOSE: &str = "\"><svg viewBox=\"0 0 24 24\" aria-hidden=true focusable=false><path d=\"M6 6l12 12M18 6L6 18\"/></svg></button>";

/// Reports `name` (with the field's answer on a question's Next) to the engagement module; a
/// refusal is shown under the field.
fn report(name: &str) {
    let Some((act, d, kind, q)) = with(|s| {
        Some((
            s.act.clone()?,
            s.dialog.clone()?,
            s.kind,
            s.question.clone(),
        ))
    })
    .flatten() else {
        return;
    };
    let value = match (name, kind) {
        ("next", Some(k)) => field::read(&d, k, &q),
        _ => JsValue::UNDEFINED,
    };
    let r = act.call2(&JsValue::UNDEFINED, &JsValue::from_str(name), &value);
    if let Some(code) = r.ok().and_then(|r| r.as_string()) {
        field::refuse(&d, &code);
    }
}

/// A new dialog in `root` with its listeners, open (modal for a large survey).
fn open(doc: &Document, root: &Element, large: bool) -> Result<Element, JsValue> {
    let d = add(doc, root, "dialog", if large { "sv dl lg" } else { "sv" })?;
    // Its direction is inherited: the item's host carries the visitor's (`catalog::mark`),
    // else the page's.
    attrs(&d, &[("aria-labelledby", "pl-sv-t")])?;
    let click: Cb = Closure::new(|e: JsValue| {
        let b = call1(&get(&e, "target"), "closest", &"[data-a]".into());
        if let Some(a) = get(&b, "dataset")
            .dyn_ref::<js_sys::Object>()
            .map(|ds| get(ds, "a"))
        {
            if let Some(a) = a.as_string() {
                report(&a);
            }
        }
    });
    let submit: Cb = Closure::new(|e: JsValue| {
        call0(&e, "preventDefault");
        if let Some(p) = with(|s| s.primary) {
            report(p);
        }
    });
    // Escape closes; in a large survey Tab stays in it (× is its first control, the form's
    // button its last).
    let key: Cb = Closure::new(move |e: JsValue| {
        if get_str(&e, "key").as_deref() == Some("Escape") {
            call0(&e, "preventDefault");
            report("close");
        } else if large {
            wrap_tab(&get(&e, "currentTarget"), &e, "button");
        }
    });
    // Escape is heard as a key (above); the modal dialog's own `cancel` must not close it.
    let cancel: Cb = Closure::new(|e: JsValue| {
        call0(&e, "preventDefault");
    });
    for (name, f) in [
        ("click", &click),
        ("submit", &submit),
        ("keydown", &key),
        ("cancel", &cancel),
    ] {
        d.add_event_listener_with_callback(name, f.as_ref().unchecked_ref())?;
    }
    with(|s| s.keep = vec![click, submit, key, cancel]);
    let dlg: &HtmlDialogElement = d.unchecked_ref();
    // A small card opens by its attribute: `show()` would move focus into it (the dialog
    // focusing steps), and a card that appears on its own never takes focus.
    if large {
        dlg.show_modal()?;
    } else {
        d.set_attribute("open", "")?;
    }
    Ok(d)
}

/// The polite live region that announces each screen (made once per root).
fn announce(doc: &Document, root: &Element, text: &str) {
    let region = match root.query_selector(".vh[role=status]").ok().flatten() {
        Some(r) => r,
        None => match add(doc, root, "div", "vh") {
            Ok(r) => {
                let _ = attrs(&r, &[("role", "status"), ("aria-live", "polite")]);
                r
            }
            Err(_) => return,
        },
    };
    region.set_text_content(Some(text));
}

/// Keeps the survey above the on-screen keyboard: the height the keyboard takes from the
/// layout viewport is `--kb` on the dialog (its CSS lifts the card, or shrinks the modal).
fn follow_keyboard(doc: &Document) {
    let w = window(doc);
    let vv = get(&w, "visualViewport");
    if !vv.is_object() || with(|s| std::mem::replace(&mut s.viewport, true)).unwrap_or(true) {
        return;
    }
    let v2 = vv.clone();
    let f = Closure::<dyn FnMut()>::new(move || {
        let Some(d) = with(|s| s.dialog.clone()).flatten() else {
            return;
        };
        let inner = get_f64(&w, "innerHeight").unwrap_or(0.0);
        let seen =
            get_f64(&v2, "height").unwrap_or(inner) + get_f64(&v2, "offsetTop").unwrap_or(0.0);
        let mut kb = num((inner - seen).max(0.0).floor());
        kb.push_str("px");
        let style = get(&d, "style");
        call2(&style, "setProperty", &"--kb".into(), &kb.into());
    })
    .into_js_value();
    for ev in ["resize", "scroll"] {
        call2(&vv, "addEventListener", &ev.into(), &f);
    }
}

/// `show(config)`: draws one screen (see the crate's documentation).
#[wasm_bindgen]
pub fn show(cfg: JsValue) {
    let _ = draw(&cfg);
}

fn draw(cfg: &JsValue) -> Result<(), JsValue> {
    let root: Element = get(cfg, "root").dyn_into()?;
    let doc = doc(&root).ok_or("no document")?;
    let large = get(cfg, "large").is_truthy();
    let screen = get_str(cfg, "screen").unwrap_or_default();
    let q = get(cfg, "question");
    let kind = match screen.as_str() {
        "question" => Some(Kind::of(&q).ok_or("unknown question type")?),
        _ => None,
    };
    // The same survey goes on in its dialog; another one (or another format) starts afresh.
    let reuse = with(|s| {
        s.act = get(cfg, "act").dyn_into().ok();
        let same = s.root.as_ref() == Some(&root) && s.large == large && s.dialog.is_some();
        if !same {
            if let Some(d) = s.dialog.take() {
                d.remove();
            }
            if s.root.is_none() {
                s.before = get(&doc, "activeElement");
            }
        }
        s.root = Some(root.clone());
        s.large = large;
        s.kind = kind;
        s.question = q.clone();
        s.primary = match screen.as_str() {
            "intro" => "start",
            "thanks" => "done",
            _ => "next",
        };
        same
    })
    .unwrap_or(false);
    if !root.has_attribute("data-sv") {
        let shadow = call0(&root, "getRootNode");
        let nonce = get_str(cfg, "nonce");
        porchlight_widget_common::style::adopt(
            &doc,
            shadow.unchecked_ref(),
            CSS,
            nonce.as_deref(),
        )?;
        root.set_attribute("data-sv", "")?;
    }
    let d = match with(|s| s.dialog.clone()).flatten() {
        Some(d) if reuse => d,
        _ => open(&doc, &root, large)?,
    };
    with(|s| s.dialog = Some(d.clone()));
    // Focus follows the visitor: it moves to the new screen when it was in the survey (or the
    // survey is modal); a small card that just appeared never takes it.
    let active = get(&call0(&root, "getRootNode"), "activeElement");
    let inside = active.is_object() && call1(&d, "contains", &active).is_truthy();

    let (index, count) = (
        get_f64(cfg, "index").unwrap_or(0.0),
        get_f64(cfg, "count").unwrap_or(1.0),
    );
    let text = |k: &str| get_str(cfg, k).filter(|s| !blank(s));
    let title = match screen.as_str() {
        "question" => get_str(&q, "prompt").unwrap_or_default(),
        "thanks" => text("title").unwrap_or_else(|| t(Msg::SurveyThanks).into()),
        _ => text("title").unwrap_or_else(|| t(Msg::SurveyUntitled).into()),
    };
    let mut h = String::from("<button type=button class=x data-a=close aria-label=\"");
    esc(&mut h, t(Msg::SurveyClose));
    h.push_str(CLOSE);
    if large && kind.is_some() {
        h.push_str("<progress class=pb max=\"");
        h.push_str(&num(count));
        h.push_str("\" value=\"");
        h.push_str(&num(index));
        h.push_str("\" aria-label=\"");
        esc(&mut h, t(Msg::SurveyProgress));
        h.push_str("\"></progress>");
    }
    h.push_str("<form class=sf novalidate><h2 class=pt id=pl-sv-t>");
    esc(&mut h, &title);
    h.push_str("</h2>");
    if let Some(b) = text("body") {
        h.push_str("<p class=bd>");
        esc(&mut h, &b);
        h.push_str("</p>");
    }
    if let Some(k) = kind {
        field::markup(&mut h, k, &q);
    }
    h.push_str("<p class=er id=pl-sv-e hidden></p><div class=ft>");
    if kind.is_some() && get(cfg, "back").is_truthy() {
        h.push_str("<button type=button class=btn data-a=back>");
        esc(&mut h, t(Msg::SurveyBack));
        h.push_str("</button>");
    }
    h.push_str("<button class=\"btn pri\">");
    let label = match (screen.as_str(), get(cfg, "last").is_truthy()) {
        ("question", true) => t(Msg::SurveySubmit).into(),
        ("question", false) => t(Msg::SurveyNext).into(),
        ("thanks", _) => text("button").unwrap_or_else(|| t(Msg::SurveyDone).into()),
        _ => text("button").unwrap_or_else(|| t(Msg::SurveyStart).into()),
    };
    esc(&mut h, &label);
    h.push_str("</button></div></form>");
    set(d.unchecked_ref(), "innerHTML", &h.into());
    if let Some(k) = kind {
        field::fill_in(&d, k, &q, &get(cfg, "value"));
        if k.typed() {
            follow_keyboard(&doc);
        }
    }
    let (n, total) = (num(index + 1.0), num(count));
    let said = match kind {
        Some(_) => fill(
            Msg::SurveyAnnounce,
            &[("step", &n), ("total", &total), ("question", &title)],
        ),
        None => title,
    };
    announce(&doc, &root, &said);
    if large || inside {
        call0(&field::focus_target(&d), "focus");
    }
    Ok(())
}

/// `hide()`: the survey goes; focus goes back where it was when the survey took it.
#[wasm_bindgen]
pub fn hide() {
    let Some((d, before)) = with(|s| {
        s.root = None;
        s.act = None;
        s.keep.clear();
        (
            s.dialog.take(),
            std::mem::replace(&mut s.before, JsValue::UNDEFINED),
        )
    }) else {
        return;
    };
    let Some(d) = d else { return };
    let doc = doc(&d);
    let inside = |d: &Element| {
        let a = get(&call0(d, "getRootNode"), "activeElement");
        a.is_object() && call1(d, "contains", &a).is_truthy()
    };
    let had = inside(&d);
    call0(&d, "close");
    d.remove();
    if had && get(&before, "isConnected").is_truthy() {
        let o = js_sys::Object::new();
        set(&o, "preventScroll", &JsValue::TRUE);
        call1(&before, "focus", &o);
    } else if had {
        if let Some(b) = doc.and_then(|d| d.body()) {
            call0(&b, "focus");
        }
    }
}
