//! Small, non-throwing accessors over values handed to us by the host page or the network.
//! Everything goes through `Reflect` (which reports a throwing getter as an `Err`), never
//! through an `unwrap()`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: web_sys::Window;
}

/// The page's window: `web_sys::window()` without its search for the global object (four
/// accessors and a type check, code of their own in every module that calls it). The modules
/// only ever run in a page, where `globalThis` is the window.
pub fn window() -> Option<web_sys::Window> {
    Some(GLOBAL.with(Clone::clone))
}

/// `o[k]`, or `undefined` when `o` is not an object or the getter throws.
pub fn get(o: &JsValue, k: &str) -> JsValue {
    if o.is_object() {
        Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `o[k]` when it is a non-empty string.
pub fn get_str(o: &JsValue, k: &str) -> Option<String> {
    get(o, k).as_string().filter(|s| !s.is_empty())
}

/// `o[k]` when it is a finite number.
pub fn get_f64(o: &JsValue, k: &str) -> Option<f64> {
    get(o, k).as_f64().filter(|n| n.is_finite())
}

/// `o[k] = v`, ignoring failure (frozen objects, proxies).
pub fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

/// Copies each of `keys` that is defined (not `undefined`/`null`) from `src` into `dst`.
pub fn copy(dst: &Object, src: &JsValue, keys: &[&str]) {
    for k in keys {
        let v = get(src, k);
        if !v.is_undefined() && !v.is_null() {
            set(dst, k, &v);
        }
    }
}

/// One console warning, prefixed so a developer knows where it came from.
pub fn warn(msg: &str, detail: &JsValue) {
    web_sys::console::warn_3(
        &JsValue::from_str("Porchlight:"),
        &JsValue::from_str(msg),
        detail,
    );
}

/// A number as JavaScript prints it (no float formatting code in the WASM).
pub fn num(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// Whether `s` is empty or only whitespace: `s.trim().is_empty()` (the same Unicode
/// whitespace) without `trim`'s two-way searcher.
pub fn blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// `s.trim()` (the same Unicode whitespace) in one forward pass: `trim`'s searchers decode
/// backwards too, code of their own in a module that has no other use for them.
pub fn trim(s: &str) -> &str {
    let (mut from, mut to) = (None, 0);
    for (i, c) in s.char_indices() {
        if !c.is_whitespace() {
            from.get_or_insert(i);
            to = i + c.len_utf8();
        }
    }
    from.and_then(|f| s.get(f..to)).unwrap_or("")
}

/// An optional `-` and ASCII digits as an `i32` (the values the modules write into their own
/// markup, read back): no `FromStr` parser per integer type in the module.
pub fn int(s: &str) -> Option<i32> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i32 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(i32::from(b - b'0'))?;
    }
    Some(if neg { -n } else { n })
}

/// `o[m]()`, `undefined` when it throws or is no method. Where a module calls a DOM method or
/// two once, this is cheaper than web-sys's binding: each distinct binding is a glue function
/// and a wrapper of its own in the module, while every call by name shares `call`.
pub fn call0(o: &JsValue, m: &str) -> JsValue {
    get(o, m)
        .unchecked_into::<js_sys::Function>()
        .call0(o)
        .unwrap_or(JsValue::UNDEFINED)
}

/// `o[m](a)`, as [`call0`].
pub fn call1(o: &JsValue, m: &str, a: &JsValue) -> JsValue {
    get(o, m)
        .unchecked_into::<js_sys::Function>()
        .call1(o, a)
        .unwrap_or(JsValue::UNDEFINED)
}

/// `o[m](a, b)`, as [`call0`].
pub fn call2(o: &JsValue, m: &str, a: &JsValue, b: &JsValue) -> JsValue {
    get(o, m)
        .unchecked_into::<js_sys::Function>()
        .call2(o, a, b)
        .unwrap_or(JsValue::UNDEFINED)
}

/// Appends `text` to `out`, escaped for an HTML attribute value in double quotes or an
/// element's text (the catalog's texts and authored ones: `&`, `<` and quotes are written as
/// entities, so nothing is ever parsed as markup).
///
/// The same as `shared::chat::esc` (which the edge runs; a test holds them together), kept
/// here: linked from `shared`, it cost the tour module 118 B brotli (inlined differently).
pub fn esc(out: &mut String, text: &str) {
    // By bytes, the text between two special ones copied whole: no UTF-8 decoding and
    // re-encoding of every character.
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(text.get(from..i).unwrap_or_default());
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(text.get(from..).unwrap_or_default());
}

/// A `keydown` `e` in the modal dialog `d`: Tab from its last control (of the selector
/// `controls`) goes to the first, Shift+Tab from the first (or from `d`) to the last, so focus
/// stays in the dialog, not in the browser's own controls. Other keys: nothing.
pub fn wrap_tab(d: &JsValue, e: &JsValue, controls: &str) {
    if get_str(e, "key").as_deref() != Some("Tab") {
        return;
    }
    let list = js_sys::Array::from(&call1(d, "querySelectorAll", &JsValue::from_str(controls)));
    let (first, last) = (list.get(0), list.get(list.length().saturating_sub(1)));
    if !first.is_object() {
        return;
    }
    let at = get(e, "target");
    let to = match get(e, "shiftKey").is_truthy() {
        true if at == first || at == *d => last,
        false if at == last => first,
        _ => return,
    };
    call0(e, "preventDefault");
    call0(&to, "focus");
}

#[cfg(test)]
mod tests {
    use super::{blank, esc, int, trim};

    #[test]
    fn esc_is_the_edges() {
        for t in [
            "",
            "plain",
            "a<b>&\"c\" é 🙂 '",
            "&&<<\"\"",
            "<script>alert(\"&\")</script>",
        ] {
            let (mut a, mut b) = (String::from("x"), String::from("x"));
            esc(&mut a, t);
            porchlight_shared::chat::esc(&mut b, t);
            assert_eq!(a, b, "{t:?}");
        }
    }

    #[test]
    fn esc_writes_the_three_entities_and_keeps_the_rest() {
        let mut out = String::from("x");
        esc(&mut out, "a<b>&\"c\" é 🙂 '");
        assert_eq!(out, "xa&lt;b>&amp;&quot;c&quot; é 🙂 '");
        let mut out = String::new();
        esc(&mut out, "<script>alert(\"&\")</script>");
        assert_eq!(out, "&lt;script>alert(&quot;&amp;&quot;)&lt;/script>");
        let mut out = String::new();
        esc(&mut out, "");
        assert_eq!(out, "");
    }

    #[test]
    fn blank_is_trim_is_empty() {
        for s in [
            "",
            " ",
            "\t\n\r",
            "\u{a0}\u{3000}\u{2028}",
            " a ",
            "\u{feff}",
            "x",
        ] {
            assert_eq!(blank(s), s.trim().is_empty(), "{s:?}");
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "\t\na b\r\n",
            "\u{a0}é 🙂\u{3000}",
            "\u{2028}x\u{85}",
            "\u{feff}x\u{feff}",
            "🙂",
            " 🙂 x 🙂 ",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn int_reads_what_num_writes_and_nothing_else() {
        assert_eq!(int("0"), Some(0));
        assert_eq!(int("10"), Some(10));
        assert_eq!(int("-5"), Some(-5));
        assert_eq!(int("2147483647"), Some(i32::MAX));
        for bad in ["", "-", "1.5", "1e3", " 1", "x", "2147483648", "--1"] {
            assert_eq!(int(bad), None, "{bad:?}");
        }
    }
}
