//! Evaluating a parsed rule against a subject. Pure, allocation-free on the common path
//! (non-ASCII case folding is the one exception), never panics.
//!
//! ## Missing values and type mismatches
//! | operator | value missing | value of another type |
//! | --- | --- | --- |
//! | equals, contains, starts_with, ends_with, in, matches | false | false |
//! | not_equals, not_contains, not_in | true (exact negation) | true (exact negation) |
//! | gt, gte, lt, lte | false | false (numbers compare with numbers or numeric strings; dates with dates) |
//! | before, after, within_last_days, more_than_days_ago | false | false (dates are ISO 8601 strings or epoch ms, as a number or as text) |
//! | is_set | false | true (any non-null, non-empty value is set) |
//! | is_not_set | true | false |
//! | event counts | count 0 (so `is_set` = happened at least once, `is_not_set` = never) | — |
//!
//! Strings compare case-insensitively (equals too, including the words `true`/`false` against
//! a boolean). A list attribute matches when any item does, for every operator (`not_*` when
//! none does). A JSON number and a numeric string compare as numbers. A
//! reference to a missing segment is *unknown*: `not` keeps it unknown, `and`/`or` follow
//! three-valued logic, and an unknown result shows to nobody.
//!
//! Segment references cost: one evaluation expands at most [`MAX_SEGMENT_EXPANSIONS`]
//! segment references in all (with 200 nodes per rule that bounds the work); references past
//! that budget are unknown, like a cycle, so a pathological fan-out of segments shows to
//! nobody instead of running for minutes.

use serde_json::Value;

use crate::read::Json;

use super::dates::{parse_iso8601, DAY_MS};
use super::host::{find, lowercase, parse_f64};
use super::rule::{
    Condition, CountOp, Node, Op, Operand, PageKey, Property, Rule, Scalar, SystemKey,
};
use super::subject::Subject;

/// Saved segments of the same workspace, by id.
pub trait SegmentLookup {
    fn segment(&self, id: &str) -> Option<&Rule>;
}

/// No segments at all (every reference is missing).
pub struct NoSegments;
impl SegmentLookup for NoSegments {
    fn segment(&self, _: &str) -> Option<&Rule> {
        None
    }
}

impl<S: std::hash::BuildHasher> SegmentLookup for std::collections::HashMap<String, Rule, S> {
    fn segment(&self, id: &str) -> Option<&Rule> {
        self.get(id)
    }
}
impl SegmentLookup for std::collections::BTreeMap<String, Rule> {
    fn segment(&self, id: &str) -> Option<&Rule> {
        self.get(id)
    }
}

/// Everything an evaluation reads.
pub struct EvalContext<'a> {
    pub subject: &'a Subject,
    pub now_ms: i64,
    pub segments: &'a dyn SegmentLookup,
}

/// Segments may reference segments, this deep at most (deeper, or a cycle: unknown).
const MAX_SEGMENT_NESTING: u8 = 4;
/// Segment references expanded per evaluation, at most (past that: unknown).
const MAX_SEGMENT_EXPANSIONS: u32 = 1000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tri {
    True,
    False,
    Unknown,
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

impl Rule {
    /// Whether the subject is in this audience. Unknown (a missing segment) is `false`.
    pub fn matches(&self, ctx: &EvalContext) -> bool {
        let mut w = Walk {
            budget: MAX_SEGMENT_EXPANSIONS,
            any_page: false,
            any_visitor: false,
            segment_unknown: false,
        };
        eval(&self.root, ctx, 0, &mut w) == Tri::True
    }

    /// Whether the subject is in this audience on *some* page: page conditions count as not
    /// known, and only an audience that excludes the subject whatever the page refuses. The
    /// edge asks this before a visitor acts on an item (answers a survey, moves through a
    /// tour, ticks a task, records an impression): the page is the visitor's to claim anyway,
    /// while who the visitor is (attributes, events, identity, segments) decides. A segment
    /// that cannot be evaluated (missing, too deep) refuses, as it shows to nobody.
    pub fn admits_on_some_page(&self, ctx: &EvalContext) -> bool {
        let mut w = Walk {
            budget: MAX_SEGMENT_EXPANSIONS,
            any_page: true,
            any_visitor: false,
            segment_unknown: false,
        };
        eval(&self.root, ctx, 0, &mut w) != Tri::False && !w.segment_unknown
    }

    /// The other half: whether this page is one the audience could show on, whoever the
    /// visitor is now — conditions on the visitor count as not known, page conditions decide.
    /// A tour run under way asks this (with [`Rule::resolvable`]): the visitor's own steps may
    /// take them out of the audience, but the run keeps to the pages its author named.
    pub fn page_admits(&self, ctx: &EvalContext) -> bool {
        let mut w = Walk {
            budget: MAX_SEGMENT_EXPANSIONS,
            any_page: false,
            any_visitor: true,
            segment_unknown: false,
        };
        eval(&self.root, ctx, 0, &mut w) != Tri::False && !w.segment_unknown
    }
}

impl Rule {
    /// Whether every segment the rule names (and theirs, within the nesting limit) exists now.
    /// An audience that no longer resolves (a deleted segment) shows to nobody, and nothing
    /// under way outlives it: a tour run or survey response goes on past an audience that
    /// says no, never past one that cannot say.
    pub fn resolvable(&self, ctx: &EvalContext) -> bool {
        fn walk(n: &Node, ctx: &EvalContext, nesting: u8, budget: &mut u32) -> bool {
            match n {
                Node::And(g) | Node::Or(g) => {
                    g.children.iter().all(|c| walk(c, ctx, nesting, budget))
                }
                Node::Not(c) => walk(c, ctx, nesting, budget),
                Node::Segment(id) => match ctx.segments.segment(id) {
                    Some(rule) if nesting < MAX_SEGMENT_NESTING && *budget > 0 => {
                        *budget -= 1;
                        walk(&rule.root, ctx, nesting + 1, budget)
                    }
                    _ => false,
                },
                Node::Cond(_) => true,
            }
        }
        let mut budget = MAX_SEGMENT_EXPANSIONS;
        walk(&self.root, ctx, 0, &mut budget)
    }
}

/// One evaluation's state: the segment expansions left, whether page facts are unknown, and
/// whether a segment could not be evaluated.
struct Walk {
    budget: u32,
    any_page: bool,
    /// Conditions on the visitor (anything but the page) are not known.
    any_visitor: bool,
    segment_unknown: bool,
}

/// `None` (no rule) is everyone.
pub fn evaluate_audience(rule: Option<&Rule>, ctx: &EvalContext) -> bool {
    rule.is_none_or(|r| r.matches(ctx))
}

fn eval(n: &Node, ctx: &EvalContext, nesting: u8, w: &mut Walk) -> Tri {
    match n {
        Node::And(g) => {
            let mut out = Tri::True;
            for c in &g.children {
                match eval(c, ctx, nesting, w) {
                    Tri::False => return Tri::False,
                    Tri::Unknown => out = Tri::Unknown,
                    Tri::True => {}
                }
            }
            out
        }
        Node::Or(g) => {
            let mut out = Tri::False;
            for c in &g.children {
                match eval(c, ctx, nesting, w) {
                    Tri::True => return Tri::True,
                    Tri::Unknown => out = Tri::Unknown,
                    Tri::False => {}
                }
            }
            out
        }
        Node::Not(c) => match eval(c, ctx, nesting, w) {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        },
        Node::Segment(id) => match ctx.segments.segment(id) {
            Some(rule) if nesting < MAX_SEGMENT_NESTING && w.budget > 0 => {
                w.budget -= 1;
                eval(&rule.root, ctx, nesting + 1, w)
            }
            _ => {
                w.segment_unknown = true;
                Tri::Unknown
            }
        },
        Node::Cond(c) if w.any_page && matches!(c.property, Property::Page(..)) => Tri::Unknown,
        Node::Cond(c) if w.any_visitor && !matches!(c.property, Property::Page(..)) => Tri::Unknown,
        Node::Cond(c) => condition(c, ctx).into(),
    }
}

/// A subject's value, borrowed.
#[derive(Clone, Copy)]
enum Val<'a> {
    Missing,
    Str(&'a str),
    Num(f64),
    Bool(bool),
    List(&'a dyn Items),
    /// An object: set, but not comparable.
    Other,
}

fn of_json(v: Option<&Value>) -> Val<'_> {
    match v {
        None | Some(Value::Null) => Val::Missing,
        Some(Value::String(s)) => Val::Str(s),
        Some(Value::Number(n)) => n.as_f64().map_or(Val::Missing, Val::Num),
        Some(Value::Bool(b)) => Val::Bool(*b),
        Some(Value::Array(a)) => Val::List(a),
        Some(Value::Object(_)) => Val::Other,
    }
}

fn opt_str(s: &Option<String>) -> Val<'_> {
    s.as_deref().map_or(Val::Missing, Val::Str)
}

fn value<'a>(p: &'a Property, s: &'a Subject, now: i64) -> Val<'a> {
    match p {
        Property::System(k, _) => match k {
            SystemKey::Email => opt_str(&s.email),
            SystemKey::Name => opt_str(&s.name),
            SystemKey::UserId => opt_str(&s.user_id),
            SystemKey::FirstSeenAt => s.first_seen_at.map_or(Val::Missing, |t| Val::Num(t as f64)),
            SystemKey::LastSeenAt => s.last_seen_at.map_or(Val::Missing, |t| Val::Num(t as f64)),
            SystemKey::SessionCount => s.session_count.map_or(Val::Missing, |c| Val::Num(c as f64)),
            SystemKey::Device => opt_str(&s.device),
            SystemKey::Browser => opt_str(&s.browser),
            SystemKey::Os => opt_str(&s.os),
            SystemKey::Language => opt_str(&s.language),
            SystemKey::Referrer => opt_str(&s.referrer),
            SystemKey::Country => opt_str(&s.country),
            SystemKey::CountryCode => opt_str(&s.country_code),
            SystemKey::City => opt_str(&s.city),
            SystemKey::Region => opt_str(&s.region),
            SystemKey::IdentityVerified => s.identity_verified.map_or(Val::Missing, Val::Bool),
        },
        Property::Custom { path, hash, .. } => {
            let mut cur = s.attributes.get_hashed(&path[0], *hash);
            for seg in &path[1..] {
                cur = cur.and_then(|v| v.as_object()).and_then(|o| o.get(seg));
            }
            of_json(cur)
        }
        Property::Page(k, _) => {
            let v = match k {
                PageKey::Url => Some(s.page.url.as_str()),
                PageKey::Path => Some(s.page.path.as_str()),
                PageKey::Title => Some(s.page.title.as_str()),
                PageKey::Query(q) => s.page.query_param(q),
            };
            match v {
                Some(x) if !x.is_empty() || matches!(k, PageKey::Query(_)) => Val::Str(x),
                _ => Val::Missing,
            }
        }
        Property::Event(f, _) => Val::Num(event_count(s, &f.name, f.within_days, now) as f64),
    }
}

fn event_count(s: &Subject, name: &str, within_days: Option<u32>, now: i64) -> u64 {
    match (s.events.get(name), within_days) {
        (None, _) => 0,
        (Some(e), None) => e.count,
        (Some(e), Some(d)) => e.count_within(d, now),
    }
}

fn condition(c: &Condition, ctx: &EvalContext) -> bool {
    if let Property::Event(f, _) = &c.property {
        if let Some(op) = f.count_op {
            let n = event_count(ctx.subject, &f.name, f.within_days, ctx.now_ms);
            return match op {
                CountOp::AtLeast => n >= f.count,
                CountOp::AtMost => n <= f.count,
                CountOp::Exactly => n == f.count,
            };
        }
        // "Has done it" / "has never done it": a count of 0 is not set.
        if matches!(c.op, Op::IsSet | Op::IsNotSet) {
            let n = event_count(ctx.subject, &f.name, f.within_days, ctx.now_ms);
            return (n > 0) == (c.op == Op::IsSet);
        }
    }
    compare(
        c.op,
        &c.operand,
        value(&c.property, ctx.subject, ctx.now_ms),
        ctx.now_ms,
    )
}

/// A list a value holds, item by item.
trait Items {
    fn count(&self) -> usize;
    /// Whether `f` holds for an item that is no list itself.
    fn any_item(&self, f: &dyn Fn(Val) -> bool) -> bool;
}

impl Items for Vec<Value> {
    fn count(&self) -> usize {
        self.len()
    }
    fn any_item(&self, f: &dyn Fn(Val) -> bool) -> bool {
        self.iter().any(|i| {
            let x = of_json(Some(i));
            !matches!(x, Val::List(_)) && f(x)
        })
    }
}

/// A list read through [`Json`].
struct JsonList<'a, J>(&'a J);

impl<J: Json> Items for JsonList<'_, J> {
    fn count(&self) -> usize {
        self.0.items().unwrap_or(0)
    }
    fn any_item(&self, f: &dyn Fn(Val) -> bool) -> bool {
        (0..self.count()).any(|i| {
            self.0
                .at(i)
                .is_some_and(|x| with_val(Some(&x), |x| !matches!(x, Val::List(_)) && f(x)))
        })
    }
}

/// `f` on a JSON value read as a [`Val`] (as [`of_json`] reads a `Value`).
fn with_val<J: Json, R>(v: Option<&J>, f: impl FnOnce(Val) -> R) -> R {
    let Some(j) = v else {
        return f(Val::Missing);
    };
    if let Some(s) = j.str() {
        return f(Val::Str(s.as_ref()));
    }
    if j.is_null() {
        return f(Val::Missing);
    }
    if let Some(n) = j.f64() {
        return f(Val::Num(n));
    }
    if let Some(b) = j.bool() {
        return f(Val::Bool(b));
    }
    if j.items().is_some() {
        return f(Val::List(&JsonList(j)));
    }
    f(Val::Other)
}

/// Compares a JSON value with an operator and operand (event property filters use this).
pub(crate) fn compare_json<J: Json>(op: Op, operand: &Operand, v: Option<J>, now: i64) -> bool {
    with_val(v.as_ref(), |x| compare(op, operand, x, now))
}

fn compare(op: Op, operand: &Operand, v: Val, now: i64) -> bool {
    // The negations are exact: the operator they negate, on the same operand.
    let (op, negate) = match op {
        Op::NotEquals => (Op::Equals, true),
        Op::NotContains => (Op::Contains, true),
        Op::NotIn => (Op::In, true),
        Op::IsNotSet => (Op::IsSet, true),
        op => (op, false),
    };
    // Parsing guarantees the operand fits the operator; anything else matches nobody.
    let fits = match operand {
        _ if op == Op::IsSet => true,
        Operand::One(_) => !matches!(op, Op::In | Op::Matches),
        Operand::List(_) => op == Op::In,
        Operand::Regex(_) => op == Op::Matches,
        Operand::None => false,
    };
    if !fits {
        return false;
    }
    let r = match (op, operand, v) {
        (Op::IsSet, _, v) => is_set(v),
        // `contains` on a string is a substring test; on a list it asks for an item equal to
        // the value (`holds`).
        (Op::Contains, Operand::One(s), x) if !matches!(x, Val::List(_)) => {
            text_op(x, s, contains_ci)
        }
        // One closure for every operator: each closure passed to `any` is a copy of its own.
        _ => any(v, |x| holds(op, operand, x, now)),
    };
    r != negate
}

/// Whether `x`, a scalar, passes `op` (not negated) with `operand`, which fits it.
fn holds(op: Op, operand: &Operand, x: Val, now: i64) -> bool {
    let s = match operand {
        Operand::One(s) => s,
        Operand::List(l) => return l.iter().any(|s| equals(x, s)),
        Operand::Regex(r) => return matches!(x, Val::Str(s) if r.is_match(s)),
        Operand::None => return false,
    };
    match op {
        Op::Equals => equals(x, s),
        Op::Contains => matches!((x, &s.text), (Val::Str(a), Some(t)) if eq_ci(a, t)),
        Op::StartsWith => text_op(x, s, starts_with_ci),
        Op::EndsWith => text_op(x, s, ends_with_ci),
        Op::Gt => order(x, s).is_some_and(|o| o.is_gt()),
        Op::Gte => order(x, s).is_some_and(|o| o.is_ge()),
        Op::Lt => order(x, s).is_some_and(|o| o.is_lt()),
        Op::Lte => order(x, s).is_some_and(|o| o.is_le()),
        Op::Before => date_of(x).zip(s.date).is_some_and(|(t, d)| t < d),
        Op::After => date_of(x).zip(s.date).is_some_and(|(t, d)| t > d),
        Op::WithinLastDays => {
            let days = s.num.unwrap_or(0.0);
            date_of(x)
                .is_some_and(|t| t <= now && now.saturating_sub(t) as f64 <= days * DAY_MS as f64)
        }
        Op::MoreThanDaysAgo => {
            let days = s.num.unwrap_or(0.0);
            date_of(x).is_some_and(|t| now.saturating_sub(t) as f64 > days * DAY_MS as f64)
        }
        _ => false,
    }
}

/// Applies `f` to a scalar, or to each item of a list (true if any item passes).
fn any(v: Val, f: impl Fn(Val) -> bool) -> bool {
    match v {
        Val::List(items) => items.any_item(&f),
        x => f(x),
    }
}

fn is_set(v: Val) -> bool {
    match v {
        Val::Missing => false,
        Val::Str(s) => !s.trim().is_empty(),
        Val::List(l) => l.count() > 0,
        _ => true,
    }
}

fn equals(v: Val, s: &Scalar) -> bool {
    match v {
        Val::Str(x) => {
            if s.is_num {
                num_of_str(x).zip(s.num).is_some_and(|(a, b)| a == b)
            } else if let Some(t) = &s.text {
                eq_ci(x, t)
            } else {
                s.boolean.is_some_and(|b| {
                    x.trim()
                        .eq_ignore_ascii_case(if b { "true" } else { "false" })
                })
            }
        }
        Val::Num(n) => s.num.is_some_and(|m| m == n),
        Val::Bool(b) => s.boolean == Some(b),
        _ => false,
    }
}

fn text_op(v: Val, s: &Scalar, f: fn(&str, &str) -> bool) -> bool {
    match (v, &s.text) {
        (Val::Str(x), Some(t)) => f(x, t),
        _ => false,
    }
}

fn num_of_str(x: &str) -> Option<f64> {
    let t = x.trim();
    if t.is_empty() {
        return None;
    }
    parse_f64(t).filter(|f| f.is_finite())
}

fn date_of(v: Val) -> Option<i64> {
    match v {
        Val::Num(n) if n.is_finite() => Some(n as i64),
        Val::Str(s) => parse_iso8601(s.trim()).or_else(|| num_of_str(s).map(|n| n as i64)),
        _ => None,
    }
}

fn order(v: Val, s: &Scalar) -> Option<std::cmp::Ordering> {
    match (v, s.num) {
        (Val::Num(n), Some(m)) => n.partial_cmp(&m),
        (Val::Num(n), None) => s.date.map(|d| (n as i64).cmp(&d)),
        (Val::Str(x), _) => match (num_of_str(x), s.num) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => parse_iso8601(x.trim()).zip(s.date).map(|(a, b)| a.cmp(&b)),
        },
        _ => None,
    }
}

fn eq_ci(a: &str, b: &str) -> bool {
    // Equal up to ASCII case is equal up to any case; unequal ASCII strings stay unequal.
    if a.len() == b.len() && a.eq_ignore_ascii_case(b) {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return false;
    }
    lowercase(a) == lowercase(b)
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        find(&lowercase(hay), &lowercase(needle)).is_some()
    }
}

fn starts_with_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        hay.as_bytes()
            .get(..needle.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        lowercase(hay).starts_with(&lowercase(needle))
    }
}

fn ends_with_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        hay.len()
            .checked_sub(needle.len())
            .and_then(|k| hay.as_bytes().get(k..))
            .is_some_and(|h| h.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        lowercase(hay).ends_with(&lowercase(needle))
    }
}
