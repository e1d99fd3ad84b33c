//! The few primitives the engine borrows from where it runs. Natively and at the edge: regex-lite
//! (linear time), Rust's Unicode lower-casing and its float parser. In the widget (feature
//! `browser`, on wasm32 only): the browser's own `RegExp`, `toLowerCase` and `parseFloat`, which
//! cost the page no bytes. Both sides give the same answers; see ARCHITECTURE.md ("Targeting")
//! for the patterns every target refuses (repeated repetitions) and why.

/// Why a pattern is refused on every target (see `regex_js`).
#[cfg(not(all(feature = "browser", target_arch = "wasm32")))]
const BROWSER_REFUSES: &str = "this pattern repeats a repetition (such as (a+)+ or (\\w*)*), which browsers run in exponential time, or uses syntax the widget cannot run exactly; rewrite it (for example a+ instead of (a+)+)";

#[cfg(not(all(feature = "browser", target_arch = "wasm32")))]
mod imp {
    use super::BROWSER_REFUSES;
    /// A compiled `matches` / `regex` pattern.
    #[derive(Debug, Clone)]
    pub struct Regex(regex_lite::Regex);

    impl Regex {
        /// Compiles a pattern; the error is the sentence shown to whoever saved it. `_js`, the
        /// browser's translation sent beside it (`regex_js::with_js`), is the widget's.
        pub fn new(pattern: &str, _js: Option<&str>) -> Result<Regex, String> {
            let compiled = regex_lite::RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| format!("invalid regular expression: {e}"))?;
            // Saved patterns also run in the widget, on the browser's backtracking RegExp: one
            // the browser build would refuse is refused here too, so both sides always agree.
            if super::super::regex_js::to_js(pattern).is_none() {
                return Err(BROWSER_REFUSES.into());
            }
            Ok(Regex(compiled))
        }
        pub fn is_match(&self, s: &str) -> bool {
            self.0.is_match(s)
        }
    }

    pub fn lowercase(s: &str) -> String {
        s.to_lowercase()
    }

    pub fn parse_f64(s: &str) -> Option<f64> {
        s.parse().ok()
    }

    /// `"text"`, escaped as Rust's `Debug` does (error messages).
    pub fn quoted(s: &str) -> String {
        format!("{s:?}")
    }

    pub fn stable_sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
        v.sort_by(cmp)
    }
}

#[cfg(all(feature = "browser", target_arch = "wasm32"))]
mod imp {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = RegExp)]
        #[derive(Debug, Clone)]
        type JsRegExp;
        #[wasm_bindgen(constructor, js_class = "RegExp", catch)]
        fn new(source: &str, flags: &str) -> Result<JsRegExp, JsValue>;
        #[wasm_bindgen(method, js_class = "RegExp")]
        fn test(this: &JsRegExp, s: &str) -> bool;
    }

    /// A compiled pattern, run by the browser: the regex-lite pattern's translation
    /// ([`super::super::regex_js::to_js`], so it matches what regex-lite matches), made at the
    /// edge and sent beside it as `js` ([`super::super::regex_js::with_js`]), so the widget does
    /// not ship the translator.
    #[derive(Debug, Clone)]
    pub struct Regex(JsRegExp);

    impl Regex {
        /// No `js`: a pattern the browser refuses. The error is empty: the widget shows no
        /// sentence (see [`super::invalid`]).
        pub fn new(_pattern: &str, js: Option<&str>) -> Result<Regex, String> {
            js.and_then(|src| JsRegExp::new(src, "u").ok())
                .map(Regex)
                .ok_or_else(String::new)
        }
        pub fn is_match(&self, s: &str) -> bool {
            self.0.test(s)
        }
    }

    /// `String.prototype.toLowerCase`: the same Unicode default lower-casing as Rust's
    /// `str::to_lowercase` (final sigma included).
    pub fn lowercase(s: &str) -> String {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }

    /// Rust's `f64::from_str` grammar, checked here; `parseFloat` (correctly rounded, like
    /// Rust) computes the value.
    pub fn parse_f64(s: &str) -> Option<f64> {
        let b = s.as_bytes();
        let body = b
            .strip_prefix(b"+")
            .or_else(|| b.strip_prefix(b"-"))
            .unwrap_or(b);
        let neg = body.len() < b.len() && b[0] == b'-';
        let word = |w: &[u8]| body.eq_ignore_ascii_case(w);
        if word(b"inf") || word(b"infinity") {
            return Some(if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        if word(b"nan") {
            return Some(f64::NAN);
        }
        let digits = |i: &mut usize| {
            let start = *i;
            while body.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - start
        };
        let mut i = 0;
        let mut n = digits(&mut i);
        if body.get(i) == Some(&b'.') {
            i += 1;
            n += digits(&mut i);
        }
        if n == 0 {
            return None;
        }
        if matches!(body.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(body.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return None;
            }
        }
        (i == body.len()).then(|| js_sys::parse_float(s))
    }

    /// `"text"` (error messages; the browser shows none, so no escaping tables are shipped).
    pub fn quoted(s: &str) -> String {
        ["\"", s, "\""].concat()
    }

    /// Insertion sort: stable like `sort_by`, so the same order, without shipping its code
    /// (the lists are a handful of candidates or rule children).
    pub fn stable_sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && cmp(&v[j - 1], &v[j]).is_gt() {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
    }
}

pub(crate) use imp::{lowercase, parse_f64, quoted, stable_sort_by, Regex};

/// An invalid-input error at JSON pointer `path` saying `msg`: what the API returns. In the
/// widget's build (feature `browser`) the sentence is left out — nothing shows it there, and
/// every sentence would ship to every visitor — while the pointer stays (the browser build of
/// the targeting cases is checked on it). Always inlined, so a literal sentence is not linked.
#[inline(always)]
pub(crate) fn invalid(path: &str, msg: impl Into<String>) -> crate::error::ApiError {
    #[cfg(all(feature = "browser", target_arch = "wasm32"))]
    let msg = {
        drop(msg);
        String::new()
    };
    crate::error::ApiError::invalid(path, msg)
}

/// [`invalid`] with a sentence that has to be put together: `msg` runs only where it is shown.
#[inline(always)]
pub(crate) fn invalid_with(path: &str, msg: impl FnOnce() -> String) -> crate::error::ApiError {
    #[cfg(all(feature = "browser", target_arch = "wasm32"))]
    let msg = || {
        let _ = msg;
        String::new()
    };
    crate::error::ApiError::invalid(path, msg())
}

/// A sentence put together only where it is shown: in the widget's build (feature `browser`)
/// nothing shows it, and `format!` would link the formatting machinery into every visitor's
/// module. (`Question::check`'s refusals: the widget only asks whether an answer is taken.)
#[inline(always)]
pub(crate) fn sentence(msg: impl FnOnce() -> String) -> String {
    #[cfg(all(feature = "browser", target_arch = "wasm32"))]
    let msg = || {
        let _ = msg;
        String::new()
    };
    msg()
}

/// `path` followed by `tail`: a JSON pointer, put together without `format!` (the pointers are
/// kept in the widget's build, where the formatting machinery would cost every visitor).
pub(crate) fn at(path: &str, tail: &str) -> String {
    let mut s = String::with_capacity(path.len() + tail.len() + 4);
    s.push_str(path);
    s.push_str(tail);
    s
}

/// `path/i`.
pub(crate) fn at_index(path: &str, i: usize) -> String {
    let mut s = at(path, "/");
    let start = s.len();
    let mut n = i;
    loop {
        s.insert(start, char::from(b'0' + (n % 10) as u8));
        n /= 10;
        if n == 0 {
            return s;
        }
    }
}

/// Where `needle` first occurs in `hay` (a plain scan: the strings are URLs and attribute
/// values, and it keeps the two-way searcher out of the widget).
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// JSON handed over by the browser (`JSON.parse`, `Response.json()`), as the engine's JSON.
/// Whole numbers up to 2^53 become integers, as serde_json reads them from text (`3`, not
/// `3.0`), so `maxTimes: 3` and friends read the same; nesting deeper than 128 reads as null.
#[cfg(all(feature = "browser", target_arch = "wasm32"))]
pub fn json_from_js(v: &wasm_bindgen::JsValue) -> serde_json::Value {
    fn conv(v: &wasm_bindgen::JsValue, depth: u8) -> serde_json::Value {
        use js_sys::{Array, Object, Reflect};
        use serde_json::Value;
        if let Some(s) = v.as_string() {
            return Value::String(s);
        }
        if let Some(b) = v.as_bool() {
            return Value::Bool(b);
        }
        if let Some(n) = v.as_f64() {
            return if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
                if n >= 0.0 {
                    Value::from(n as u64)
                } else {
                    Value::from(n as i64)
                }
            } else {
                serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
            };
        }
        if depth == 0 || !v.is_object() {
            return Value::Null;
        }
        if Array::is_array(v) {
            return Value::Array(Array::from(v).iter().map(|x| conv(&x, depth - 1)).collect());
        }
        let mut m = serde_json::Map::new();
        let o: &Object = v.unchecked_ref();
        for k in Object::keys(o).iter() {
            if let Some(name) = k.as_string() {
                let x = Reflect::get(v, &k).unwrap_or_default();
                m.insert(name, conv(&x, depth - 1));
            }
        }
        Value::Object(m)
    }
    use wasm_bindgen::JsCast;
    conv(v, 128)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pointers_are_put_together_as_format_would() {
        for i in [0, 7, 10, 123, 4_000_000] {
            assert_eq!(
                super::at_index("/t/properties", i),
                format!("/t/properties/{i}")
            );
        }
        assert_eq!(super::at("", "/value"), "/value");
    }
}
