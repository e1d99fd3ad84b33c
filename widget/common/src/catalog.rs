//! The message catalog: every string a visitor can see or hear (text, `aria-label`,
//! placeholder, live-region announcement) of every in-page module is a [`Msg`], written once in
//! `shared/src/i18n/msg.rs` with its English text, and in each other locale in
//! `shared/src/i18n/<locale>.rs` (a test holds them to the same keys and placeholders).
//!
//! Delivery: English is compiled into each module; a visitor in another locale gets that
//! locale's table (one string per `Msg`, by its discriminant) in the boot answer (`i18n`), which
//! the core puts where every module finds it ([`adopt`]); [`t`] answers from it, else English.
//! No module ships another locale's text.
//!
//! Placeholders are `{name}` (lower-case ASCII letters) and are filled by [`fill`]; a message is
//! a whole sentence with its placeholders, never fragments glued together, so a translation can
//! put them where its grammar wants them. Numbers and times are formatted by the caller through
//! the browser's `Intl` (or are plain digits), never here.
//!
//! Size: each module links only the English texts it names. [`t`] and [`Msg::en`] are inlined,
//! so `t(Msg::Send)` compiles to the one string and a call of [`lookup`]; never pick a `Msg` at
//! run time from a table, or every English text of the catalog lands in that module.

pub use porchlight_shared::i18n::Msg;
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

/// The visitor's text for `m`: their locale's, else English.
#[inline(always)]
pub fn t(m: Msg) -> &'static str {
    #[cfg(target_arch = "wasm32")]
    {
        let en = m.en();
        let v = lookup_packed(m as u32, en.as_ptr() as u32, en.len() as u32);
        // SAFETY: `lookup_packed` answers the pointer and length of a `&'static str` (`en`, or
        // a leaked delivered text) unchanged; pointers are 32-bit here.
        unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                v as u32 as usize as *const u8,
                (v >> 32) as usize,
            ))
        }
    }
    // Native tests have no page: nothing is delivered.
    #[cfg(not(target_arch = "wasm32"))]
    m.en()
}

/// [`lookup`] through one 64-bit value each way: a `&str` answered by a function is written
/// through the caller's stack, which costs every call site of `t` (hundreds) a stack frame and
/// its loads — ~1 KB brotli per module; this costs none.
#[cfg(target_arch = "wasm32")]
#[inline(never)]
fn lookup_packed(i: u32, ptr: u32, len: u32) -> u64 {
    // SAFETY: `ptr`/`len` are those of `t`'s `&'static str`, on a 32-bit target.
    let en: &'static str = unsafe {
        std::str::from_utf8_unchecked(std::slice::from_raw_parts(
            ptr as usize as *const u8,
            len as usize,
        ))
    };
    let s = lookup(i as usize, en);
    u64::from(s.as_ptr() as u32) | ((s.len() as u64) << 32)
}

/// How many messages there are (a delivered table's length).
const COUNT: usize = Msg::ALL.len();

std::thread_local! {
    /// The delivered texts read so far, by discriminant (leaked: one locale's strings, read
    /// once each, for the page's life — and again after a boot in another locale).
    /// Each with the number of the delivered `i18n` it was read from (`at`, counted by
    /// [`adopt`]): a text read from an earlier one (a boot in another locale) is read again.
    static READ: [Cell<(f64, Option<&'static str>)>; COUNT] = const { [const { Cell::new((0.0, None)) }; COUNT] };
}

/// Where the core leaves the boot answer's `i18n` (`{locale, dir?, strings?}`) for every
/// module (they share no memory): a property of the page's global object.
const SLOT: &str = "__porchlightI18n";

/// The page's global object ([`crate::js::window`]: `js_sys::global()` would add its search
/// for it, ~0.35 KB brotli a module).
fn global() -> JsValue {
    crate::js::window().map(JsValue::from).unwrap_or_default()
}

/// The core, on a boot answer: its `i18n` becomes every module's when it is another locale
/// (the same locale again keeps the object every module read from). Answers whether the locale
/// changed from one a boot had delivered before: what is drawn must be drawn again.
pub fn adopt(answer: &JsValue) -> bool {
    let new = crate::js::get(answer, "i18n");
    let old = delivered();
    let (was, now) = (locale_of(&old), locale_of(&new));
    if was != now || !old.is_object() {
        if let Some(o) = new.dyn_ref::<js_sys::Object>() {
            let at = crate::js::get_f64(&old, "at").unwrap_or(0.0) + 1.0;
            crate::js::set(o, "at", &JsValue::from_f64(at));
        }
        crate::js::set(global().unchecked_ref(), SLOT, &new);
    }
    was.is_some() && was != now
}

fn locale_of(i18n: &JsValue) -> Option<String> {
    crate::js::get_str(i18n, "locale")
}

/// The visitor's locale as delivered (`None` before a boot, or from an edge that says none).
pub fn locale() -> Option<String> {
    locale_of(&delivered())
}

/// The boot answer's `i18n`, as [`adopt`] left it (`undefined` before).
fn delivered() -> JsValue {
    crate::js::get(&global(), SLOT)
}

/// Whether the widget reads right to left: its locale does (Arabic), or the page does (an
/// English widget on a right-to-left page mirrors with it). The one rule for placements
/// (start / end), scales, Back / Next and arrow keys; a root marked by [`mark`] inherits the
/// page's direction unless its locale is right to left, which comes to the same.
///
/// Read through the global object by name, not `web_sys::window()` and `Document` (their
/// instance checks and bindings cost a module ~250 B brotli); a page without a document
/// element answers `false` (`getComputedStyle` throws, `call1` answers `undefined`).
pub fn rtl() -> bool {
    use crate::js::{call1, get, get_str};
    if get_str(&delivered(), "dir").is_some() {
        return true;
    }
    let g = global();
    let el = get(&get(&g, "document"), "documentElement");
    get_str(&call1(&g, "getComputedStyle", &el), "direction").as_deref() == Some("rtl")
}

/// Sets `lang` (the visitor's locale) on a module's root or shadow host, and `dir="rtl"` when
/// the locale reads right to left (else the page's direction is inherited); answers whether it
/// set `dir`.
pub fn mark(e: &web_sys::Element) -> bool {
    let d = delivered();
    if let Some(lang) = crate::js::get_str(&d, "locale") {
        let _ = e.set_attribute("lang", &lang);
    }
    let dir = crate::js::get_str(&d, "dir");
    if let Some(dir) = &dir {
        let _ = e.set_attribute("dir", dir);
    }
    dir.is_some()
}

/// The locale for the browser's `Intl` (dates, numbers): the visitor's, or for English the
/// browser's own (`en-GB` keeps its day/month order).
pub fn intl_locale() -> String {
    crate::js::get_str(&delivered(), "locale")
        .filter(|l| l != "en")
        .unwrap_or_else(|| "default".into())
}

/// Entry `i` of the delivered table, or `en` (no table, or no such entry: an older edge).
#[inline(always)]
pub fn lookup(i: usize, en: &'static str) -> &'static str {
    // Native tests have no page (and no JS to call).
    if cfg!(not(target_arch = "wasm32")) {
        return en;
    }
    let d = delivered();
    let at = crate::js::get_f64(&d, "at").unwrap_or(0.0);
    READ.with(|read| {
        let Some(cell) = read.get(i) else {
            return en;
        };
        if let (from, Some(s)) = cell.get() {
            if from == at {
                return s;
            }
        }
        let strings = crate::js::get(&d, "strings");
        match js_sys::Reflect::get_u32(&strings, i as u32)
            .ok()
            .and_then(|v| v.as_string())
        {
            Some(s) => {
                let s: &'static str = s.leak();
                cell.set((at, Some(s)));
                s
            }
            None => en,
        }
    })
}

/// [`fill_text`] for a text that counts `n` things under `{name}`: a translation whose words
/// agree with the count writes a plural block (`{name|one=# non lu|other=# non lus}`,
/// `porchlight_shared::i18n::plural`), whose variant the browser's `Intl.PluralRules` picks
/// for `n` in the visitor's locale (no plural rules shipped). Texts without one (English's)
/// are filled as they are, without asking the browser.
pub fn fill_count(text: &str, name: &str, n: f64, args: &[(&str, &str)]) -> String {
    if !text.bytes().any(|b| b == b'|') {
        return fill_text(text, args);
    }
    fill_text(
        &porchlight_shared::i18n::plural(text, name, &category(n)),
        args,
    )
}

/// `n`'s plural category in the visitor's locale (`one`, `few`, `other`…).
#[cfg(target_arch = "wasm32")]
fn category(n: f64) -> String {
    let locales = js_sys::Array::of1(&JsValue::from_str(&intl_locale()));
    js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new())
        .select(n)
        .into()
}

/// Native tests have no `Intl`: English's rule (1 is `one`).
#[cfg(not(target_arch = "wasm32"))]
fn category(n: f64) -> String {
    if n == 1.0 { "one" } else { "other" }.into()
}

/// `m` with each `{name}` replaced by its value (unknown placeholders stay as written).
#[inline(always)]
pub fn fill(m: Msg, args: &[(&str, &str)]) -> String {
    fill_text(t(m), args)
}

/// [`fill`] on a text: one pass, so a value that itself holds `{name}` is left alone. (Bytes,
/// not `str` patterns: the braces are ASCII, and this keeps the searchers out of the modules.)
pub fn fill_text(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let bytes = rest.as_bytes();
        let Some(open) = bytes.iter().position(|&b| b == b'{') else {
            break;
        };
        let Some(close) = bytes.iter().skip(open).position(|&b| b == b'}') else {
            break;
        };
        let close = open + close;
        // Cut at ASCII braces: always on a character boundary, so `get` never fails.
        let (Some(head), Some(name), Some(after)) = (
            rest.get(..open),
            rest.get(open + 1..close),
            rest.get(close + 1..),
        ) else {
            break;
        };
        out.push_str(head);
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(rest.get(open..=close).unwrap_or_default()),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_placeholders_once() {
        assert_eq!(
            fill(Msg::QueuePosition, &[("position", "3")]),
            "You are number 3 in line."
        );
        assert_eq!(
            fill(Msg::OpenMessengerUnread, &[("count", "9+")]),
            "Open messenger, 9+ unread"
        );
        assert_eq!(
            fill(Msg::Typing, &[("name", "{name}"), ("x", "y")]),
            "{name} is typing…"
        );
        assert_eq!(fill_text("{a}{b}{a}", &[("a", "1"), ("b", "2")]), "121");
        assert_eq!(fill_text("{unknown} {", &[]), "{unknown} {");
        assert_eq!(fill_text("} {a", &[("a", "1")]), "} {a");
        assert_eq!(fill_text("", &[("a", "1")]), "");
        let fr = "Demandes, {count|one=# mise à jour|other=# mises à jour}";
        assert_eq!(
            fill_count(fr, "count", 1.0, &[("count", "1")]),
            "Demandes, 1 mise à jour"
        );
        assert_eq!(
            fill_count(fr, "count", 3.0, &[("count", "3")]),
            "Demandes, 3 mises à jour"
        );
        assert_eq!(
            fill_count(t(Msg::OpenMessengerUnread), "count", 1.0, &[("count", "1")]),
            "Open messenger, 1 unread"
        );
    }
}
