//! The launcher and the messenger panel, in a Shadow DOM root so no CSS leaks in or out.
//!
//! Site data (team name, welcome message, teammates) only ever reaches the DOM through
//! `textContent` and validated attributes; colours and lengths go through [`crate::theme`]
//! before they reach a CSS custom property.

use crate::js::{get, get_f64, get_str};
use crate::theme;
use js_sys::Array;
use porchlight_widget_common::catalog::{self, fill_count, t, Msg};
use porchlight_widget_common::contract::Part;
use porchlight_widget_common::{add, attrs, style};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{
    Document, Element, Event, EventTarget, HtmlElement, KeyboardEvent, ShadowRoot, ShadowRootInit,
    ShadowRootMode,
};

const PANEL_ID: &str = "pl-panel";
/// The stacking order when the workspace sets none: above nearly anything a page has.
const DEFAULT_Z: &str = "2147483000";
const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// The launcher's icon, its stylesheet and its name (the catalog's [`Msg::OpenMessenger`],
/// written out in launcher-label.txt) are also the loader's: it draws the same launcher before
/// this module arrives (scripts/lib.sh `build_site` builds them into it).
const CHAT_PATH: &str = include_str!("launcher-icon.txt");
const CLOSE_PATH: &str = "M6 6l12 12M18 6L6 18";
const SEND_PATH: &str = "M3 20.5 21 12 3 3.5 3 10l12 2-12 2z";

/// The launcher's rules (also the loader's, see [`CHAT_PATH`]), then the panel's (what only the
/// conversation needs is the messenger's own, widget/messenger/src/messenger.css).
#[cfg(test)]
const LAUNCHER_CSS: &str = include_str!("launcher.css");
const CSS: &str = concat!(include_str!("launcher.css"), include_str!("widget.css"));

/// `appearance` in the messenger settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Appearance {
    #[default]
    Light,
    Dark,
    /// Follows `prefers-color-scheme`.
    System,
}

/// One teammate shown in the panel header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Teammate {
    pub name: String,
    /// Only http(s) URLs are kept.
    pub avatar_url: Option<String>,
}

/// The workspace's public messenger settings, with defaults for anything missing or malformed.
#[derive(Debug, Clone, PartialEq)]
pub struct Messenger {
    pub primary_color: String,
    pub background_color: String,
    pub appearance: Appearance,
    pub launcher_left: bool,
    pub horizontal_spacing: Option<f64>,
    pub vertical_spacing: Option<f64>,
    pub show_launcher: bool,
    pub auto_visibility: bool,
    pub visibility_delay_ms: f64,
    pub welcome_message: String,
    pub team_name: String,
    pub teammates: Vec<Teammate>,
    pub z_index: Option<f64>,
}

impl Default for Messenger {
    fn default() -> Self {
        Messenger {
            primary_color: theme::DEFAULT_PRIMARY.into(),
            background_color: theme::DEFAULT_BACKGROUND.into(),
            appearance: Appearance::Light,
            launcher_left: false,
            horizontal_spacing: None,
            vertical_spacing: None,
            show_launcher: true,
            auto_visibility: false,
            visibility_delay_ms: 0.0,
            welcome_message: String::new(),
            team_name: String::new(),
            teammates: Vec::new(),
            z_index: None,
        }
    }
}

impl Messenger {
    /// Reads `settings.messenger` from a boot response.
    pub fn from_js(v: &JsValue) -> Messenger {
        let d = Messenger::default();
        let flag = |k: &str, dflt: bool| get(v, k).as_bool().unwrap_or(dflt);
        let teammates = get(v, "teammates");
        let teammates = if Array::is_array(&teammates) {
            teammates
                .unchecked_into::<Array>()
                .iter()
                .filter_map(|t| {
                    Some(Teammate {
                        name: get_str(&t, "name")?,
                        avatar_url: get_str(&t, "avatarUrl").filter(|u| theme::http_url(u)),
                    })
                })
                .take(3)
                .collect()
        } else {
            Vec::new()
        };
        Messenger {
            primary_color: get_str(v, "primaryColor").unwrap_or(d.primary_color),
            background_color: get_str(v, "backgroundColor").unwrap_or(d.background_color),
            appearance: match get_str(v, "appearance").as_deref() {
                Some("dark") => Appearance::Dark,
                Some("system") => Appearance::System,
                _ => Appearance::Light,
            },
            launcher_left: get_str(v, "launcherPosition").as_deref() == Some("left"),
            horizontal_spacing: get_f64(v, "horizontalSpacing"),
            vertical_spacing: get_f64(v, "verticalSpacing"),
            show_launcher: flag("showLauncher", true),
            auto_visibility: flag("autoVisibility", false),
            visibility_delay_ms: get_f64(v, "visibilityDelayMs").unwrap_or(0.0),
            welcome_message: get_str(v, "welcomeMessage").unwrap_or_default(),
            team_name: get_str(v, "teamName").unwrap_or_default(),
            teammates,
            z_index: get_f64(v, "zIndex"),
        }
    }
}

type Notify = Rc<dyn Fn(bool)>;
type Handler = Closure<dyn FnMut(Event)>;

/// A mounted messenger. Cloning shares it.
#[derive(Clone)]
pub struct Ui(Rc<Inner>);

struct Inner {
    host: HtmlElement,
    root: ShadowRoot,
    wrap: Element,
    /// The wrapper's classes while the panel is closed, and while it is open.
    class: [String; 2],
    launcher: HtmlElement,
    panel: HtmlElement,
    close: HtmlElement,
    /// The parts of the conversation the core itself touches.
    pub(crate) chat: ChatDom,
    /// The launcher as the loader draws it ([`Ui::paint_record`]).
    paint: String,
    open: Cell<bool>,
    /// The count the badge shows ([`Ui::set_unread`]).
    unread: Cell<u32>,
    notify: Cell<Option<Notify>>,
    /// The DOM listeners, alive as long as the UI.
    handlers: Cell<Vec<Handler>>,
    timer: Cell<Option<i32>>,
}

/// The live-chat parts of the panel the core touches: the composer's Enter / Send are forwarded
/// to the messenger, `showNewMessage` fills the composer, a failed messenger load is said on the
/// status line, and the badge counts unread replies. The messenger finds the panel's parts by
/// class (`porchlight_widget_common::contract::Part`) in the panel it is handed.
pub(crate) struct ChatDom {
    pub status: Element,
    pub form: Element,
    pub input: web_sys::HtmlTextAreaElement,
    pub badge: Element,
}

fn icon(doc: &Document, parent: &Element, class: &str, d: &str) -> Result<(), JsValue> {
    let svg = doc.create_element_ns(Some(SVG_NS), "svg")?;
    attrs(
        &svg,
        &[
            ("class", class),
            ("viewBox", "0 0 24 24"),
            ("aria-hidden", "true"),
        ],
    )?;
    let path = doc.create_element_ns(Some(SVG_NS), "path")?;
    path.set_attribute("d", d)?;
    svg.append_child(&path)?;
    parent.append_child(&svg)?;
    Ok(())
}

/// Sets the theme's custom properties on the host; every value is validated or derived. Returns
/// them as the JSON object the loader reads (`porchlight:<ws>:paint`): names and values are
/// fixed words, `#` + hex and digits, so they need no escaping.
fn apply_theme(host: &HtmlElement, m: &Messenger) -> Result<String, JsValue> {
    let primary = theme::color_or(&m.primary_color, theme::DEFAULT_PRIMARY);
    let bg = theme::color_or(&m.background_color, theme::DEFAULT_BACKGROUND);
    let light = theme::is_light(bg);
    let z = match m.z_index {
        Some(z) if z.is_finite() => theme::itoa(z.min(2_147_483_647.0) as u32),
        _ => DEFAULT_Z.into(),
    };
    let style = host.style();
    let mut json = String::new();
    for (k, v) in [
        ("--pl-primary", primary),
        ("--pl-on-primary", theme::text_on(primary)),
        ("--pl-bg", bg),
        ("--pl-fg", if light { "#1f2937" } else { "#f9fafb" }),
        ("--pl-muted", if light { "#4b5563" } else { "#d1d5db" }),
        ("--pl-x", &theme::px(m.horizontal_spacing, 20, 400)),
        ("--pl-y", &theme::px(m.vertical_spacing, 20, 400)),
        ("--pl-z", &z),
    ] {
        style.set_property(k, v)?;
        json.push(if json.is_empty() { '{' } else { ',' });
        for part in ["\"", k, "\":\"", v, "\""] {
            json.push_str(part);
        }
    }
    json.push('}');
    Ok(json)
}

/// Mounts the messenger as `<div id="porchlight-root">` (with an open shadow root) at the end of
/// `parent`. Nothing takes focus until the visitor opens the panel.
pub fn mount(parent: &Element, m: &Messenger, nonce: Option<&str>) -> Result<Ui, JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)?;
    let host: HtmlElement = doc.create_element("div")?.unchecked_into();
    host.set_attribute("id", "porchlight-root")?;
    let rtl = catalog::mark(&host);
    let vars = apply_theme(&host, m)?;
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    // A constructable stylesheet: no `style-src` needed; a `<style nonce>` where there is none.
    style::adopt(&doc, &root, CSS, nonce)?;

    let mut class = String::from("w");
    if m.launcher_left {
        class.push_str(" left");
    }
    // Also in the look the loader paints next time (its host has no `dir`).
    if rtl {
        class.push_str(" rtl");
    }
    match m.appearance {
        Appearance::Light => {}
        Appearance::Dark => class.push_str(" dark"),
        Appearance::System => class.push_str(" sys"),
    }
    let wrap = add(&doc, &root, "div", &class)?;
    let mut class_open = class.clone();
    class_open.push_str(" open");

    let launcher = add(&doc, &wrap, "button", "l")?;
    attrs(
        &launcher,
        &[
            ("type", "button"),
            ("aria-label", t(Msg::OpenMessenger)),
            ("aria-expanded", "false"),
            ("aria-controls", PANEL_ID),
        ],
    )?;
    icon(&doc, &launcher, "i", CHAT_PATH)?;
    icon(&doc, &launcher, "x", CLOSE_PATH)?;
    let badge = add(&doc, &launcher, "span", "n")?;
    badge.set_attribute("aria-hidden", "true")?;
    badge.unchecked_ref::<HtmlElement>().set_hidden(true);
    let launcher: HtmlElement = launcher.unchecked_into();
    // Hidden when the workspace says so, or until the auto-visibility delay has passed.
    let hidden = !m.show_launcher || m.auto_visibility;
    launcher.set_hidden(hidden);
    // What the loader draws on the next page before this module has arrived: its look, and its
    // name in the visitor's language (JSON strings: the catalog's text, the edge's tag).
    let mut paint = String::from(r#"{"vars":"#);
    let json = |s: &str| {
        js_sys::JSON::stringify(&JsValue::from_str(s))
            .map(String::from)
            .unwrap_or_else(|_| "null".into())
    };
    let label = json(t(Msg::OpenMessenger));
    let lang = json(&catalog::locale().unwrap_or_else(|| "en".into()));
    for part in [
        vars.as_str(),
        r#","class":""#,
        class.as_str(),
        r#"","label":"#,
        label.as_str(),
        r#","lang":"#,
        lang.as_str(),
        r#","hidden":"#,
    ] {
        paint.push_str(part);
    }
    paint.push_str(if hidden { "true}" } else { "false}" });

    let title = if m.team_name.is_empty() {
        t(Msg::PanelTitle)
    } else {
        &m.team_name
    };
    let panel = add(&doc, &wrap, "div", "p")?;
    attrs(
        &panel,
        &[
            ("id", PANEL_ID),
            ("role", "dialog"),
            ("aria-label", title),
            ("tabindex", "-1"),
        ],
    )?;
    let panel: HtmlElement = panel.unchecked_into();
    panel.set_hidden(true);

    let head = add(&doc, &panel, "div", "h")?;
    let row = add(&doc, &head, "div", "r")?;
    add(&doc, &row, "h2", "")?.set_text_content(Some(title));
    let close = add(&doc, &row, "button", "c")?;
    attrs(
        &close,
        &[("type", "button"), ("aria-label", t(Msg::CloseMessenger))],
    )?;
    icon(&doc, &close, "x", CLOSE_PATH)?;
    if !m.teammates.is_empty() {
        let list = add(&doc, &head, "ul", "t")?;
        list.set_attribute("aria-label", t(Msg::Team))?;
        for t in &m.teammates {
            let item = add(&doc, &list, "li", "")?;
            match &t.avatar_url {
                Some(url) => attrs(&add(&doc, &item, "img", "a")?, &[("src", url), ("alt", "")])?,
                None => {
                    let a = add(&doc, &item, "span", "a")?;
                    a.set_attribute("aria-hidden", "true")?;
                    a.set_text_content(Some(&theme::initials(&t.name)));
                }
            }
            add(&doc, &item, "span", "")?.set_text_content(Some(&t.name));
        }
    }
    let body = add(&doc, &panel, "div", Part::Body.class())?;
    if !m.welcome_message.is_empty() {
        add(&doc, &body, "p", "m")?.set_text_content(Some(&m.welcome_message));
    }
    add(&doc, &body, "p", Part::Empty.class())?.set_text_content(Some(t(Msg::NoMessages)));
    let log = add(&doc, &body, "div", "")?;
    attrs(
        &log,
        &[
            ("role", "log"),
            ("aria-live", "polite"),
            ("aria-label", t(Msg::ConversationLog)),
        ],
    )?;
    add(&doc, &log, "ol", Part::Messages.class())?;
    let status = add(&doc, &panel, "p", Part::Status.class())?;
    attrs(&status, &[("role", "status"), ("aria-live", "polite")])?;
    let rating = add(&doc, &panel, "div", Part::Rating.class())?;
    rating.unchecked_ref::<HtmlElement>().set_hidden(true);
    let form = add(&doc, &panel, "form", Part::Form.class())?;
    let input: web_sys::HtmlTextAreaElement =
        add(&doc, &form, "textarea", Part::Input.class())?.unchecked_into();
    attrs(
        &input,
        &[
            ("rows", "1"),
            ("aria-label", t(Msg::Compose)),
            ("placeholder", t(Msg::Compose)),
            ("maxlength", "10000"),
        ],
    )?;
    let send = add(&doc, &form, "button", "s")?;
    attrs(&send, &[("type", "submit"), ("aria-label", t(Msg::Send))])?;
    icon(&doc, &send, "i", SEND_PATH)?;

    // The launcher the loader drew before this module arrived (loader/porchlight.js) gives way in
    // the same task, so no frame goes without one, and hands on the keyboard focus if it had it.
    // (A UI of this module being replaced is still there: [`Ui::adopt`] hands on its focus.)
    let early = early(&doc);
    let focused = early.is_some() && doc.active_element() == early;
    remove_early(&doc);
    parent.append_child(&host)?;
    if focused {
        launcher.focus()?;
    }
    let ui = Ui(Rc::new(Inner {
        host,
        root,
        wrap,
        class: [class.clone(), class_open],
        launcher,
        panel,
        close: close.unchecked_into(),
        chat: ChatDom {
            status,
            form,
            input,
            badge,
        },
        paint,
        open: Cell::new(false),
        unread: Cell::new(0),
        notify: Cell::new(None),
        handlers: Cell::new(Vec::new()),
        timer: Cell::new(None),
    }));
    let i = &ui.0;
    ui.listen(&i.launcher, "click", |ui, _| {
        ui.set_open(!ui.is_open(), true)
    });
    ui.listen(&i.close, "click", |ui, _| ui.set_open(false, true));
    ui.listen(&i.wrap, "keydown", |ui, e| {
        if ui.is_open() && e.unchecked_ref::<KeyboardEvent>().key() == "Escape" {
            ui.set_open(false, true);
        }
    });
    if m.show_launcher && m.auto_visibility {
        // The launcher on the page then: a UI drawn again in another locale takes this timer
        // over ([`Ui::adopt`]); an unmounted one clears it. A UI mounted on its own (not the
        // runtime's) shows its own launcher.
        let weak = Rc::downgrade(&ui.0);
        let reveal = Closure::once_into_js(move || {
            if let Some(ui) = crate::ui() {
                ui.launcher().set_hidden(false);
            } else if let Some(i) = weak.upgrade() {
                i.launcher.set_hidden(false);
            }
        });
        // Negative delays reach setTimeout as such, which treats them as 0.
        let delay = m.visibility_delay_ms.min(2_147_483_647.0) as i32;
        let id = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(reveal.unchecked_ref(), delay)
                .ok()
        });
        i.timer.set(id);
    }
    Ok(ui)
}

/// Removes the launcher the loader drew ahead of this module (`data-early`), if it is still
/// there: this module's own replaces it, or a boot failed for good and none comes.
pub fn remove_early(doc: &Document) {
    if let Some(e) = early(doc) {
        e.remove();
    }
}

fn early(doc: &Document) -> Option<Element> {
    doc.get_element_by_id("porchlight-root")
        .filter(|e| e.has_attribute("data-early"))
}

impl Ui {
    /// What the loader needs to draw this launcher on the next page before this module arrives
    /// (`porchlight:<ws>:paint`), as JSON: `{vars, class, label, lang, hidden}` — the host's
    /// custom properties (all validated by [`apply_theme`]), the wrapper's classes, the
    /// launcher's name and its language, and whether the launcher starts hidden.
    pub fn paint_record(&self) -> &str {
        &self.0.paint
    }

    fn listen(&self, target: &EventTarget, ty: &str, f: fn(&Ui, &Event)) {
        let weak = Rc::downgrade(&self.0);
        let c = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            if let Some(i) = weak.upgrade() {
                f(&Ui(i), &e)
            }
        });
        let _ = target.add_event_listener_with_callback(ty, c.as_ref().unchecked_ref());
        let mut all = self.0.handlers.take();
        all.push(c);
        self.0.handlers.set(all);
    }

    /// Opens or closes the panel. `focus` moves focus into the panel on open and back to the
    /// launcher on close (used for the visitor's own clicks and keys, never on page load).
    pub fn set_open(&self, open: bool, focus: bool) {
        let i = &self.0;
        if i.open.replace(open) == open {
            return;
        }
        // Focus inside a panel that closes must not be lost to <body>.
        let focus_inside = !open
            && i.root
                .active_element()
                .is_some_and(|a| i.panel.contains(Some(&a)));
        i.panel.set_hidden(!open);
        let _ = i
            .launcher
            .set_attribute("aria-expanded", if open { "true" } else { "false" });
        i.wrap.set_class_name(&i.class[usize::from(open)]);
        if focus || focus_inside {
            let _ = if open {
                i.close.focus()
            } else {
                i.launcher.focus()
            };
        }
        let notify = i.notify.take();
        if let Some(f) = &notify {
            f(open);
        }
        i.notify.set(notify);
    }

    pub fn open(&self) {
        self.set_open(true, false)
    }

    pub fn close(&self) {
        self.set_open(false, false)
    }

    pub fn is_open(&self) -> bool {
        self.0.open.get()
    }

    /// Called with `true` / `false` whenever the panel opens / closes.
    pub fn on_toggle(&self, f: impl Fn(bool) + 'static) {
        self.0.notify.set(Some(Rc::new(f)));
    }

    pub fn host(&self) -> &HtmlElement {
        &self.0.host
    }

    pub fn shadow(&self) -> &ShadowRoot {
        &self.0.root
    }

    pub fn launcher(&self) -> &HtmlElement {
        &self.0.launcher
    }

    pub fn panel(&self) -> &HtmlElement {
        &self.0.panel
    }

    pub(crate) fn chat(&self) -> &ChatDom {
        &self.0.chat
    }

    /// Sets the launcher's unread badge (0 hides it) and its accessible name.
    pub fn set_unread(&self, n: u32) {
        let i = &self.0;
        i.unread.set(n);
        let badge: &HtmlElement = i.chat.badge.unchecked_ref();
        badge.set_hidden(n == 0);
        let count = if n > 9 {
            t(Msg::UnreadOverflow).into()
        } else {
            crate::js::num(n as f64)
        };
        badge.set_text_content(Some(&count));
        let unread;
        let label = if n > 0 {
            unread = fill_count(
                t(Msg::OpenMessengerUnread),
                "count",
                n as f64,
                &[("count", &count)],
            );
            &unread
        } else {
            t(Msg::OpenMessenger)
        };
        let _ = i.launcher.set_attribute("aria-label", label);
    }

    /// Adds a listener that lives as long as the UI.
    pub(crate) fn on(&self, target: &EventTarget, ty: &str, f: impl FnMut(Event) + 'static) {
        let c = Closure::<dyn FnMut(Event)>::new(f);
        let _ = target.add_event_listener_with_callback(ty, c.as_ref().unchecked_ref());
        let mut all = self.0.handlers.take();
        all.push(c);
        self.0.handlers.set(all);
    }

    /// Takes over what the visitor had of `was`, the UI this one replaces (a boot in another
    /// locale; `was` is still on the page), so that only the language changes: the composer's
    /// text, the unread count, whether the launcher shows (and the delayed launcher's timer,
    /// which shows it when it would have), an open panel (quietly: the visitor never saw it
    /// close, so no `open`), and focus on the same control — by id among what `remounted` draws
    /// in this panel (the messenger's), else the panel itself, never `<body>`. True when the
    /// composer had it.
    pub(crate) fn adopt(&self, was: &Ui, remounted: impl FnOnce()) -> bool {
        let (i, w) = (&self.0, &was.0);
        i.chat.input.set_value(&w.chat.input.value());
        self.set_unread(w.unread.get());
        i.launcher.set_hidden(w.launcher.hidden());
        if let (Some(t), Some(win)) = (i.timer.replace(w.timer.take()), web_sys::window()) {
            win.clear_timeout_with_handle(t);
        }
        let notify = i.notify.take();
        self.set_open(w.open.get(), false);
        i.notify.set(notify);
        let had = w.root.active_element();
        remounted();
        let Some(had) = had else {
            return false;
        };
        let same: [(&Element, &Element); 3] = [
            (&w.launcher, &i.launcher),
            (&w.close, &i.close),
            (&w.chat.input, &i.chat.input),
        ];
        if let Some(to) = same
            .iter()
            .find(|(a, _)| **a == had)
            .map(|(_, b)| (*b).clone())
            .or_else(|| i.root.get_element_by_id(&had.id()))
        {
            let _ = to.unchecked_into::<HtmlElement>().focus();
        }
        // Not there, or hidden: the dialog itself.
        if i.root.active_element().is_none() {
            let _ = i.panel.focus();
        }
        *same[2].0 == had
    }

    /// Removes the UI from the page and drops its listeners and timer.
    pub fn unmount(&self) {
        let i = &self.0;
        if let (Some(t), Some(w)) = (i.timer.take(), web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
        i.host.remove();
        i.notify.set(None);
        drop(i.handlers.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loader draws the first launcher with no settings at all: the stylesheet's defaults
    /// must be the ones this module would draw.
    #[test]
    fn the_loaders_launcher_has_the_default_look() {
        let host = LAUNCHER_CSS.lines().next().unwrap_or_default();
        for (k, v) in [
            ("--pl-primary:", theme::DEFAULT_PRIMARY.to_string()),
            (
                "--pl-on-primary:",
                theme::text_on(theme::DEFAULT_PRIMARY).to_string(),
            ),
            ("--pl-x:", theme::px(None, 20, 400)),
            ("--pl-y:", theme::px(None, 20, 400)),
            ("--pl-z:", DEFAULT_Z.to_string()),
        ] {
            let decl = [k, v.as_str()].concat();
            assert!(
                host.starts_with(":host{") && host.contains(&decl),
                "{decl} in {host}"
            );
        }
        assert_eq!(Messenger::default().primary_color, theme::DEFAULT_PRIMARY);
        assert!(!CHAT_PATH.ends_with('\n'));
    }

    /// The loader's early launcher on a first visit in English is named by launcher-label.txt
    /// (built into the loader): the very name the catalog gives this module's launcher, so
    /// nothing changes when it swaps in.
    #[test]
    fn the_loaders_launcher_has_the_catalogs_name() {
        let label = include_str!("launcher-label.txt");
        assert_eq!(label, t(Msg::OpenMessenger));
        // The loader writes it into its markup as it is.
        assert!(!label.contains(['"', '&', '<', '>', '\n']), "{label:?}");
    }
}
