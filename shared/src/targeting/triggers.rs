//! Triggers: *when* on the page an eligible item shows. `trigger_fires` is pure; the widget
//! feeds it what it observed (time on page, scroll depth, idle time, exit intent, the event
//! just tracked, the selectors the clicked element matched) and applies `delay_ms` itself.
//!
//! ## URL matching (`page_visit`)
//! - A pattern containing `://` is matched against the full URL; otherwise against the path
//!   (`/pricing`). Query strings are ignored unless the pattern itself contains `?` (for
//!   `regex`: an escaped `\?`, since a bare `?` is a quantifier there), in which case path (or
//!   URL) and query are matched together. Likewise the `#fragment` is ignored unless the
//!   pattern contains `#`, so a hash-routed app (`/#/billing`, `*#/settings/*`) is targetable;
//!   the fragment's own `?query` follows the query rule.
//! - `exact` and `wildcard` ignore a trailing slash (`/pricing/` = `/pricing`, so `/blog/*`
//!   matches `/blog/` and `/blog`). All modes are case-insensitive except `regex` (write `(?i)`
//!   for that).
//! - `wildcard`: `*` matches any run of characters, including `/`.
//! - `regex` uses a linear-time engine; a pattern that fails to compile is refused when saved,
//!   and never matches (negations included: invalid fails closed).
//! - Every mode has a `not_` negation.
//! - The match mode defaults to `exact`; an Opencom trigger (`pageUrl` without `pageUrlMatch`)
//!   keeps Opencom's default, `contains`.
//!
//! ## Opencom's event filter
//! Opencom's `eventProperties: {"plan": "pro"}` loads as `equals` filters, one per key (all
//! must hold), next to our `properties: [{key, operator, value}]`.

use serde_json::{Map, Value};
use std::borrow::Cow;

use super::eval::compare_json;
use super::host::{at, at_index, find, invalid_with, parse_f64, quoted, Regex};
use super::operand::operand;
use super::rule::{Op, Operand};
use crate::error::ApiError;
use crate::read::Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlMatch {
    Exact,
    Contains,
    StartsWith,
    EndsWith,
    Wildcard,
    Regex,
}

#[derive(Debug, Clone)]
pub struct UrlPattern {
    pub mode: UrlMatch,
    pub negate: bool,
    pub pattern: String,
    regex: Option<Regex>,
}

#[derive(Debug, Clone)]
pub struct PropertyFilter {
    key: String,
    op: Op,
    operand: Operand,
}

#[derive(Debug, Clone)]
pub enum TriggerKind {
    Immediate,
    PageVisit(UrlPattern),
    TimeOnPage {
        seconds: u32,
    },
    ScrollDepth {
        percent: u8,
    },
    Event {
        name: String,
        filters: Vec<PropertyFilter>,
    },
    ExitIntent,
    ElementClick {
        selector: String,
    },
    Idle {
        seconds: u32,
    },
}

/// A parsed trigger with its optional delay.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub kind: TriggerKind,
    pub delay_ms: u32,
}

/// An event the visitor just tracked.
#[derive(Clone, Copy)]
pub struct TrackedEvent<'a> {
    pub name: &'a str,
    pub properties: &'a dyn EventProps,
}

impl std::fmt::Debug for TrackedEvent<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackedEvent")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A tracked event's properties, as a trigger's property filters read them: the edge's and the
/// tests' `Map`, the widget's browser object (own properties only: a filter on `constructor`
/// finds no property there either).
pub trait EventProps {
    /// Whether filter `f` holds (`now`: epoch ms, for date filters).
    fn holds(&self, f: &PropertyFilter, now: i64) -> bool;
}

impl EventProps for Map<String, Value> {
    fn holds(&self, f: &PropertyFilter, now: i64) -> bool {
        compare_json(f.op, &f.operand, self.get(&f.key), now)
    }
}

#[cfg(all(feature = "browser", target_arch = "wasm32"))]
impl EventProps for wasm_bindgen::JsValue {
    fn holds(&self, f: &PropertyFilter, now: i64) -> bool {
        use wasm_bindgen::JsCast;
        let key = wasm_bindgen::JsValue::from_str(&f.key);
        let own = self.is_object()
            && js_sys::Object::has_own(self.unchecked_ref::<js_sys::Object>(), &key);
        let v = match own {
            true => js_sys::Reflect::get(self, &key).ok(),
            false => None,
        };
        compare_json(f.op, &f.operand, v, now)
    }
}

/// What the widget observed on the current page.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageContext<'a> {
    /// The full URL (`https://site/path?q#hash`).
    pub url: &'a str,
    pub time_on_page_ms: u64,
    /// 0-100.
    pub scroll_percent: f64,
    pub idle_ms: u64,
    pub exit_intent: bool,
    pub event: Option<TrackedEvent<'a>>,
    /// Selectors (of active `element_click` triggers) the element just clicked matches.
    pub clicked_selectors: &'a [&'a str],
    /// Now, in epoch ms: date filters on event properties (`within_last_days`, …) count from it.
    pub now_ms: i64,
}

/// See [`super::host::invalid`] (no sentence in the widget's build).
#[inline(always)]
fn err(path: &str, msg: impl Into<String>) -> ApiError {
    super::host::invalid(path, msg)
}

fn num<J: Json>(o: &J, keys: &[&str]) -> Option<f64> {
    keys.iter().find_map(|k| o.get(k)).and_then(|v| {
        v.f64()
            .or_else(|| v.str().and_then(|s| parse_f64(s.as_ref().trim())))
    })
}

impl Trigger {
    /// Parses `{"type": …, …, "delayMs"?}`; Opencom's field names (`pageUrl`, `pageUrlMatch`,
    /// `delaySeconds`, `scrollPercent`, `eventName`, `eventProperties`) are accepted too. Read
    /// through [`Json`]: the edge's `&Value` or, in the widget, the browser's own JSON.
    pub fn parse<J: Json>(v: J, path: &str) -> Result<Trigger, ApiError> {
        if !v.is_object() {
            return Err(err(path, "a trigger is an object"));
        }
        let o = &v;
        let ty = o.get_str("type");
        let ty = ty.as_ref().map_or("", AsRef::as_ref);
        let delay_ms = match num(o, &["delayMs"]) {
            Some(d) if (0.0..=3_600_000.0).contains(&d) => d as u32,
            Some(_) => return Err(err(&at(path, "/delayMs"), "0 to 3600000 ms")),
            None => 0,
        };
        let seconds = |keys: &[&str], name: &str| -> Result<u32, ApiError> {
            match num(o, keys) {
                Some(s) if (0.0..=86_400.0).contains(&s) => Ok(s as u32),
                _ => Err(err(&at(&at(path, "/"), name), "0 to 86400 seconds")),
            }
        };
        let kind = match ty {
            "immediate" => TriggerKind::Immediate,
            "page_visit" => TriggerKind::PageVisit(UrlPattern::parse(o, path)?),
            "time_on_page" => TriggerKind::TimeOnPage { seconds: seconds(&["seconds", "delaySeconds"], "seconds")? },
            "idle" => TriggerKind::Idle { seconds: seconds(&["seconds"], "seconds")? },
            "scroll_depth" => match num(o, &["percent", "scrollPercent"]) {
                Some(p) if (0.0..=100.0).contains(&p) => TriggerKind::ScrollDepth { percent: p as u8 },
                _ => return Err(err(&at(path, "/percent"), "0 to 100")),
            },
            "exit_intent" => TriggerKind::ExitIntent,
            "event" => {
                let name = o.get("name").or_else(|| o.get("eventName")).and_then(|n| n.str());
                let name = name.as_ref().map_or("", AsRef::as_ref);
                if name.is_empty() || name.len() > 100 {
                    return Err(err(&at(path, "/name"), "the event name, 1-100 characters"));
                }
                let mut filters = Vec::new();
                if let Some(list) = o.get("properties") {
                    let n = list.items().ok_or_else(|| err(&at(path, "/properties"), "a list of {key, operator, value}"))?;
                    for i in 0..n {
                        let f = list.at(i);
                        let fp = at_index(&at(path, "/properties"), i);
                        let field = |k: &str| f.as_ref().and_then(|f| f.get(k));
                        let key = field("key").and_then(|k| k.str()).filter(|k| !k.as_ref().is_empty()).ok_or_else(|| err(&at(&fp, "/key"), "required"))?;
                        let op_name = field("operator").and_then(|k| k.str());
                        let op_name = op_name.as_ref().map_or("", AsRef::as_ref);
                        let op = Op::parse(op_name).ok_or_else(|| invalid_with(&at(&fp, "/operator"), || ["unknown operator ", &quoted(op_name)].concat()))?;
                        let operand = operand(op, field("value"), field("js"), &at(&fp, "/value"))?;
                        filters.push(PropertyFilter { key: key.as_ref().into(), op, operand });
                    }
                }
                if let Some(map) = o.get("eventProperties").filter(|v| !v.is_null()) {
                    if !map.is_object() {
                        return Err(err(&at(path, "/eventProperties"), "an object {property: value}"));
                    }
                    for key in map.keys() {
                        let mut fp = at(path, "/eventProperties/");
                        // The key as a JSON pointer token: `~` and `/` escaped, the runs
                        // between them copied whole.
                        let mut rest = key.as_str();
                        while let Some(i) = rest.bytes().position(|b| b == b'~' || b == b'/') {
                            fp.push_str(rest.get(..i).unwrap_or(""));
                            fp.push_str(if rest.as_bytes().get(i) == Some(&b'~') { "~0" } else { "~1" });
                            rest = rest.get(i + 1..).unwrap_or("");
                        }
                        fp.push_str(rest);
                        let operand = operand(Op::Equals, map.get(&key), None, &fp)?;
                        filters.push(PropertyFilter { key, op: Op::Equals, operand });
                    }
                }
                TriggerKind::Event { name: name.into(), filters }
            }
            "element_click" => match o.get_str("selector") {
                Some(s) if !s.as_ref().trim().is_empty() && s.as_ref().len() <= 500 => TriggerKind::ElementClick { selector: s.as_ref().into() },
                _ => return Err(err(&at(path, "/selector"), "a CSS selector")),
            },
            _ => return Err(err(&at(path, "/type"), "immediate, page_visit, time_on_page, scroll_depth, event, exit_intent, element_click or idle")),
        };
        Ok(Trigger { kind, delay_ms })
    }
}

impl UrlPattern {
    fn parse<J: Json>(o: &J, path: &str) -> Result<UrlPattern, ApiError> {
        let m = o
            .get("match")
            .or_else(|| o.get("pageUrlMatch"))
            .and_then(|m| m.str());
        let m = m.as_ref().map_or(
            if o.get("value").is_none() && o.get("pageUrl").is_some() {
                "contains"
            } else {
                "exact"
            },
            AsRef::as_ref,
        );
        let (negate, base) = match m.strip_prefix("not_") {
            Some(b) => (true, b),
            None if m == "is_not" => (true, "exact"),
            None => (false, m),
        };
        let mode =
            match base {
                "exact" => UrlMatch::Exact,
                "contains" | "icontains" => UrlMatch::Contains,
                "starts_with" => UrlMatch::StartsWith,
                "ends_with" => UrlMatch::EndsWith,
                "wildcard" => UrlMatch::Wildcard,
                "regex" => UrlMatch::Regex,
                _ => return Err(err(
                    &at(path, "/match"),
                    "exact, contains, starts_with, ends_with, wildcard or regex, or not_ of one",
                )),
            };
        let pattern = o
            .get("value")
            .or_else(|| o.get("pageUrl"))
            .and_then(|p| p.str());
        let pattern = pattern.as_ref().map_or("", AsRef::as_ref);
        if pattern.is_empty() || pattern.len() > 2048 {
            return Err(err(
                &at(path, "/value"),
                "the URL or path pattern, 1-2048 characters",
            ));
        }
        let regex = match mode {
            UrlMatch::Regex => {
                let js = o.get_str("js");
                Some(
                    Regex::new(pattern, js.as_ref().map(AsRef::as_ref))
                        .map_err(|m| err(&at(path, "/value"), m))?,
                )
            }
            _ => None,
        };
        Ok(UrlPattern {
            mode,
            negate,
            pattern: pattern.into(),
            regex,
        })
    }

    /// Whether `url` (a full URL) matches, negation applied.
    pub fn matches(&self, url: &str) -> bool {
        let hit = match self.mode {
            UrlMatch::Regex => match &self.regex {
                Some(r) => r.is_match(&subject_of(
                    url,
                    &self.pattern,
                    find(&self.pattern, "\\?").is_some(),
                )),
                None => return false,
            },
            _ => {
                let subject =
                    subject_of(url, &self.pattern, self.pattern.bytes().any(|b| b == b'?'));
                let subject = &*subject;
                let (s, p) = (trim_slash(subject), trim_slash(&self.pattern));
                match self.mode {
                    UrlMatch::Exact => s.eq_ignore_ascii_case(p),
                    UrlMatch::Contains => ci_find(subject, &self.pattern),
                    UrlMatch::StartsWith => subject
                        .get(..self.pattern.len())
                        .is_some_and(|s| s.eq_ignore_ascii_case(&self.pattern)),
                    UrlMatch::EndsWith => subject
                        .len()
                        .checked_sub(self.pattern.len())
                        .and_then(|k| subject.get(k..))
                        .is_some_and(|s| s.eq_ignore_ascii_case(&self.pattern)),
                    // `/blog` is `/blog/`, which `/blog/*` matches.
                    UrlMatch::Wildcard => {
                        glob(s.as_bytes(), p.as_bytes())
                            || (!s.ends_with('/') && glob(at(s, "/").as_bytes(), p.as_bytes()))
                    }
                    UrlMatch::Regex => false,
                }
            }
        };
        hit != self.negate
    }
}

fn ci_find(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

fn trim_slash(s: &str) -> &str {
    if s.len() > 1 && !s.ends_with("://") {
        s.strip_suffix('/').unwrap_or(s)
    } else {
        s
    }
}

/// What comes before the first `b` (ASCII) in `s`, or all of it. A plain scan: `split` on a
/// char links a searcher into the widget.
fn before(s: &str, b: u8) -> &str {
    match s.bytes().position(|x| x == b) {
        Some(i) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// The part of the URL a pattern is compared with (see the module docs).
fn subject_of<'a>(url: &'a str, pattern: &str, with_query: bool) -> Cow<'a, str> {
    let (url, fragment) = match url.bytes().position(|b| b == b'#') {
        Some(i) => (url.get(..i).unwrap_or(url), url.get(i..).unwrap_or("")),
        None => (url, ""),
    };
    let cut = |s: &'a str| if with_query { s } else { before(s, b'?') };
    let url = cut(url);
    let url = if find(pattern, "://").is_some() {
        url
    } else {
        match find(url, "://") {
            Some(i) => {
                let rest = url.get(i + 3..).unwrap_or("");
                match rest.bytes().position(|b| b == b'/' || b == b'?') {
                    Some(j) => rest.get(j..).unwrap_or("/"),
                    None => "/",
                }
            }
            None => url,
        }
    };
    if fragment.is_empty() || !pattern.bytes().any(|b| b == b'#') {
        Cow::Borrowed(url)
    } else {
        // Not `concat`: that links a generic joiner into the widget.
        let mut s = String::from(url);
        s.push_str(cut(fragment));
        Cow::Owned(s)
    }
}

/// `*` glob, ASCII case-insensitive, linear-time two-pointer matching (no backtracking blow-up).
fn glob(s: &[u8], p: &[u8]) -> bool {
    let (mut si, mut pi) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while si < s.len() {
        if pi < p.len() && p[pi] != b'*' && p[pi].eq_ignore_ascii_case(&s[si]) {
            si += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Whether the trigger's condition holds now. `delay_ms` is the caller's to apply.
pub fn trigger_fires(t: &Trigger, ctx: &PageContext) -> bool {
    match &t.kind {
        TriggerKind::Immediate => true,
        TriggerKind::PageVisit(p) => p.matches(ctx.url),
        TriggerKind::TimeOnPage { seconds } => ctx.time_on_page_ms >= *seconds as u64 * 1000,
        TriggerKind::ScrollDepth { percent } => ctx.scroll_percent >= *percent as f64,
        TriggerKind::Idle { seconds } => ctx.idle_ms >= *seconds as u64 * 1000,
        TriggerKind::ExitIntent => ctx.exit_intent,
        TriggerKind::ElementClick { selector } => {
            ctx.clicked_selectors.contains(&selector.as_str())
        }
        TriggerKind::Event { name, filters } => ctx.event.is_some_and(|e| {
            e.name == name && filters.iter().all(|f| e.properties.holds(f, ctx.now_ms))
        }),
    }
}
