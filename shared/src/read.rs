//! Reading JSON without owning it: the engine's parsers (`Trigger::parse`, `Frequency::parse`)
//! and the widget's readers are written once over [`Json`], which the edge implements for
//! `serde_json::Value` and the widget (feature `browser`, wasm32) for what the browser's
//! `JSON.parse` made (`JsValue`), read in place with non-throwing getters — no copy into a
//! `Value` tree, whose maps, clones and drops were most of the engagement module's generic
//! code. Both give the same answers (the tests hold the parsers to it).

use serde_json::Value;

/// A JSON value, read. `Self` is a cheap handle (`&Value`, a `JsValue`).
pub trait Json: Sized + Clone {
    /// A string read out of it: borrowed from a `Value`, owned from the browser.
    type Str: AsRef<str>;
    /// The value kept (a survey's branch values): a `Value`, a `JsValue`.
    type Own: Keep;
    fn own(&self) -> Self::Own;
    /// Field `k` of an object; `None` when absent (or not an object). A `null` is `Some`.
    fn get(&self, k: &str) -> Option<Self>;
    fn str(&self) -> Option<Self::Str>;
    /// Any number.
    fn f64(&self) -> Option<f64>;
    /// A whole number that fits (as `Value::as_i64`: `3`, not `3.5`).
    fn i64(&self) -> Option<i64>;
    /// A whole number ≥ 0 that fits (as `Value::as_u64`).
    fn u64(&self) -> Option<u64> {
        self.i64().and_then(|n| u64::try_from(n).ok())
    }
    fn bool(&self) -> Option<bool>;
    fn is_null(&self) -> bool;
    /// A plain object (not an array, not null).
    fn is_object(&self) -> bool;
    /// The length of an array; `None` when it is not one.
    fn items(&self) -> Option<usize>;
    /// Item `i` of an array.
    fn at(&self, i: usize) -> Option<Self>;
    /// The keys of an object, in order; empty when it is not one.
    fn keys(&self) -> Vec<String>;

    /// Field `k` when it is a string.
    fn get_str(&self, k: &str) -> Option<Self::Str> {
        self.get(k)?.str()
    }
}

/// A JSON value kept, read back through [`Json`].
pub trait Keep {
    type Read<'a>: Json
    where
        Self: 'a;
    fn read(&self) -> Self::Read<'_>;
}

impl Keep for Value {
    type Read<'a> = &'a Value;
    fn read(&self) -> &Value {
        self
    }
}

/// Answers by question id: a response's `Map`, or the browser's object.
pub trait Answers {
    type Read<'a>: Json
    where
        Self: 'a;
    fn answer(&self, id: &str) -> Option<Self::Read<'_>>;
}

impl Answers for serde_json::Map<String, Value> {
    type Read<'a> = &'a Value;
    fn answer(&self, id: &str) -> Option<&Value> {
        self.get(id)
    }
}

/// Whether two JSON values are equal as `Value`'s `==` says: an integer is not a float (`3`
/// and `3.5` are read as serde_json reads their text), objects compare by their entries.
pub fn same<A: Json, B: Json>(a: &A, b: &B) -> bool {
    if let (Some(x), Some(y)) = (a.str(), b.str()) {
        return x.as_ref() == y.as_ref();
    }
    if let (Some(x), Some(y)) = (a.f64(), b.f64()) {
        return match (a.i64(), b.i64(), a.u64(), b.u64()) {
            (Some(i), Some(j), _, _) => i == j,
            (None, None, Some(i), Some(j)) => i == j,
            (None, None, None, None) => x == y,
            _ => false,
        };
    }
    if let (Some(x), Some(y)) = (a.bool(), b.bool()) {
        return x == y;
    }
    if a.is_null() || b.is_null() {
        return a.is_null() && b.is_null();
    }
    if let (Some(n), Some(m)) = (a.items(), b.items()) {
        return n == m
            && (0..n).all(|i| match (a.at(i), b.at(i)) {
                (Some(x), Some(y)) => same(&x, &y),
                _ => false,
            });
    }
    if a.is_object() && b.is_object() {
        let keys = a.keys();
        return keys.len() == b.keys().len()
            && keys.iter().all(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => same(&x, &y),
                _ => false,
            });
    }
    false
}

impl<'a> Json for &'a Value {
    type Str = &'a str;
    type Own = Value;
    fn own(&self) -> Value {
        (*self).clone()
    }
    fn get(&self, k: &str) -> Option<Self> {
        Value::get(self, k)
    }
    fn str(&self) -> Option<&'a str> {
        self.as_str()
    }
    fn f64(&self) -> Option<f64> {
        self.as_f64()
    }
    fn i64(&self) -> Option<i64> {
        self.as_i64()
    }
    fn u64(&self) -> Option<u64> {
        self.as_u64()
    }
    fn bool(&self) -> Option<bool> {
        self.as_bool()
    }
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }
    fn is_object(&self) -> bool {
        Value::is_object(self)
    }
    fn items(&self) -> Option<usize> {
        self.as_array().map(Vec::len)
    }
    fn at(&self, i: usize) -> Option<Self> {
        self.as_array()?.get(i)
    }
    fn keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(o) = self.as_object() {
            for k in o.keys() {
                out.push(k.clone());
            }
        }
        out
    }
}

/// The browser's JSON (`JSON.parse`, `Response.json()`): numbers are `f64`s, read as
/// serde_json reads the same text — a whole number up to 2^53 is an integer (`3`, as
/// `maxTimes: 3`), anything else only a float.
#[cfg(all(feature = "browser", target_arch = "wasm32"))]
mod browser {
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    /// The largest integer an `f64` holds exactly.
    const EXACT: f64 = 9_007_199_254_740_991.0;

    impl super::Keep for JsValue {
        type Read<'a> = JsValue;
        fn read(&self) -> JsValue {
            self.clone()
        }
    }

    /// A plain object of answers (own properties only: an id such as `constructor` finds no
    /// answer there).
    impl super::Answers for JsValue {
        type Read<'a> = JsValue;
        fn answer(&self, id: &str) -> Option<JsValue> {
            let k = JsValue::from_str(id);
            let own = self.is_object() && Object::has_own(self.unchecked_ref::<Object>(), &k);
            own.then(|| Reflect::get(self, &k).ok())
                .flatten()
                .filter(|v| !v.is_undefined())
        }
    }

    impl super::Json for JsValue {
        type Str = String;
        type Own = JsValue;
        fn own(&self) -> JsValue {
            self.clone()
        }
        fn get(&self, k: &str) -> Option<JsValue> {
            if !self.is_object() {
                return None;
            }
            Reflect::get(self, &JsValue::from_str(k))
                .ok()
                .filter(|v| !v.is_undefined())
        }
        fn str(&self) -> Option<String> {
            self.as_string()
        }
        fn f64(&self) -> Option<f64> {
            self.as_f64()
        }
        fn i64(&self) -> Option<i64> {
            self.as_f64()
                .filter(|n| n.fract() == 0.0 && n.abs() <= EXACT)
                .map(|n| n as i64)
        }
        fn bool(&self) -> Option<bool> {
            self.as_bool()
        }
        fn is_null(&self) -> bool {
            JsValue::is_null(self)
        }
        fn is_object(&self) -> bool {
            JsValue::is_object(self) && !Array::is_array(self)
        }
        fn items(&self) -> Option<usize> {
            Array::is_array(self).then(|| self.unchecked_ref::<Array>().length() as usize)
        }
        fn at(&self, i: usize) -> Option<JsValue> {
            Array::is_array(self).then(|| self.unchecked_ref::<Array>().get(i as u32))
        }
        fn keys(&self) -> Vec<String> {
            let mut out = Vec::new();
            if JsValue::is_object(self) {
                for k in Object::keys(self.unchecked_ref::<Object>()).iter() {
                    if let Some(k) = k.as_string() {
                        out.push(k);
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_value_as_serde_json_does() {
        let v =
            json!({"s": "x", "n": 3, "f": 3.5, "neg": -2, "b": true, "z": null, "a": [1, "two"]});
        let r = &v;
        assert_eq!(r.get_str("s"), Some("x"));
        assert_eq!(r.get("n").and_then(|n| n.i64()), Some(3));
        assert_eq!(r.get("f").and_then(|n| n.i64()), None);
        assert_eq!(r.get("f").and_then(|n| n.f64()), Some(3.5));
        assert_eq!(r.get("neg").and_then(|n| n.u64()), None);
        assert_eq!(r.get("b").and_then(|n| n.bool()), Some(true));
        assert!(r.get("z").is_some_and(|z| z.is_null()));
        assert!(r.get("missing").is_none());
        let a = r.get("a").unwrap();
        assert_eq!(a.items(), Some(2));
        assert_eq!(a.at(1).and_then(|x| x.str()), Some("two"));
        assert!(!a.is_object() && r.is_object());
        assert_eq!(r.keys().len(), 7);
    }

    /// Bad triggers and frequencies: through the serde reader, the edge's errors name the
    /// same JSON pointer with the same sentence as before the parsers were written over
    /// [`Json`] (the API returns them; the console places them by pointer).
    #[test]
    fn the_edges_errors_are_unchanged() {
        use crate::targeting::frequency::{Frequency, Mode};
        use crate::targeting::triggers::{Trigger, TriggerKind};
        let ops = "in and not_in take a list of 1-200 values";
        let triggers = [
            (json!("x"), "/t", "a trigger is an object"),
            (json!({"type": "immediate", "delayMs": 4_000_000}), "/t/delayMs", "0 to 3600000 ms"),
            (json!({"type": "time_on_page", "seconds": -1}), "/t/seconds", "0 to 86400 seconds"),
            (json!({"type": "idle", "seconds": "soon"}), "/t/seconds", "0 to 86400 seconds"),
            (json!({"type": "scroll_depth", "percent": 101}), "/t/percent", "0 to 100"),
            (json!({"type": "event"}), "/t/name", "the event name, 1-100 characters"),
            (json!({"type": "event", "name": "e", "properties": {}}), "/t/properties", "a list of {key, operator, value}"),
            (json!({"type": "event", "name": "e", "properties": [{"operator": "equals"}]}), "/t/properties/0/key", "required"),
            (json!({"type": "event", "name": "e", "properties": [{"key": "k", "operator": "nope"}]}), "/t/properties/0/operator", "unknown operator \"nope\""),
            (json!({"type": "event", "name": "e", "properties": [{"key": "k", "operator": "in", "value": []}]}), "/t/properties/0/value", ops),
            (json!({"type": "event", "name": "e", "properties": [{"key": "k", "operator": "in", "value": [1, {}]}]}), "/t/properties/0/value/1", "list items are strings, numbers or booleans"),
            (json!({"type": "event", "name": "e", "properties": [{"key": "k", "operator": "is_set", "value": 1}]}), "/t/properties/0/value", "is_set and is_not_set take no value"),
            (json!({"type": "event", "name": "e", "eventProperties": [1]}), "/t/eventProperties", "an object {property: value}"),
            (json!({"type": "event", "name": "e", "eventProperties": {"a/b": {"x": 1}}}), "/t/eventProperties/a~1b", "equals compares with a string, number or boolean"),
            (json!({"type": "page_visit", "match": "fuzzy", "value": "/x"}), "/t/match", "exact, contains, starts_with, ends_with, wildcard or regex, or not_ of one"),
            (json!({"type": "page_visit"}), "/t/value", "the URL or path pattern, 1-2048 characters"),
            (json!({"type": "element_click", "selector": "  "}), "/t/selector", "a CSS selector"),
            (json!({"type": "warp"}), "/t/type", "immediate, page_visit, time_on_page, scroll_depth, event, exit_intent, element_click or idle"),
        ];
        for (v, path, msg) in triggers {
            let e = Trigger::parse(&v, "/t").expect_err(&v.to_string());
            assert_eq!(
                (e.path.as_deref(), e.message.as_str()),
                (Some(path), msg),
                "{v}"
            );
        }
        // Opencom's names, a numeric string, a null `eventProperties`.
        let t = Trigger::parse(&json!({"type": "page_visit", "pageUrl": "/pricing"}), "").unwrap();
        assert!(
            matches!(&t.kind, TriggerKind::PageVisit(p) if p.matches("https://a.test/x/pricing/y"))
        );
        let t = Trigger::parse(
            &json!({"type": "time_on_page", "delaySeconds": " 5 ", "delayMs": 20}),
            "",
        )
        .unwrap();
        assert!(matches!(t.kind, TriggerKind::TimeOnPage { seconds: 5 }) && t.delay_ms == 20);
        let t = Trigger::parse(
            &json!({"type": "event", "eventName": "x", "eventProperties": null}),
            "",
        )
        .unwrap();
        assert!(
            matches!(&t.kind, TriggerKind::Event { name, filters } if name == "x" && filters.is_empty())
        );

        let frequencies = [
            (json!(3), "/f", "a frequency is a mode name or an object"),
            (json!({"mode": "at_most"}), "/f/maxTimes", "1 to 1000"),
            (json!({"mode": "at_most", "maxTimes": 2.5}), "/f/maxTimes", "1 to 1000"),
            (json!({"mode": "sometimes"}), "/f/mode", "once, once_per_session, always, until_completed, until_dismissed, first_time_only or at_most"),
            (json!({"mode": "once", "recontactAfterDays": 4000}), "/f/recontactAfterDays", "0 to 3650 days"),
            (json!({"mode": "once", "startAt": -1}), "/f/startAt", "epoch milliseconds"),
            (json!({"mode": "once", "startAt": 10, "endAt": 5}), "/f/endAt", "endAt is after startAt"),
            (json!({"mode": "once", "samplingPercent": 101}), "/f/samplingPercent", "0 to 100"),
        ];
        for (v, path, msg) in frequencies {
            let e = Frequency::parse(&v, "/f").expect_err(&v.to_string());
            assert_eq!(
                (e.path.as_deref(), e.message.as_str()),
                (Some(path), msg),
                "{v}"
            );
        }
        let f = Frequency::parse(
            &json!({"mode": "at_most", "maxTimes": 3, "startAt": null}),
            "",
        )
        .unwrap();
        assert_eq!((f.mode, f.start_at), (Mode::AtMost(3), None));
        assert_eq!(
            Frequency::parse(&json!("always"), "").unwrap().mode,
            Mode::Always
        );
    }

    /// `same` is `Value`'s `==`.
    #[test]
    fn same_is_values_equality() {
        let vals = [
            json!(null),
            json!(true),
            json!(false),
            json!(3),
            json!(3.0),
            json!(-3),
            json!(3.5),
            json!(u64::MAX),
            json!("3"),
            json!([]),
            json!([1, "a"]),
            json!([1, "b"]),
            json!({"a": 1, "b": [2]}),
            json!({"b": [2], "a": 1}),
            json!({"a": 1}),
        ];
        for a in &vals {
            for b in &vals {
                assert_eq!(same(&a, &b), a == b, "{a} vs {b}");
            }
        }
    }
}
