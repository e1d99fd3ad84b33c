//! Audience rules: the typed tree, parsed from JSON (ours and Opencom's shape), validated when
//! saved, printed back canonically.
//!
//! JSON shapes accepted (Opencom's load unchanged):
//! - group: `{"type":"group","operator":"and"|"or"|"not","conditions":[…]}` (`not` takes one)
//! - condition: `{"type":"condition","property":{"source":"system"|"custom"|"event"|"page",
//!   "key":"plan.tier","eventFilter":{"name","countOperator","count","withinDays"}},
//!   "operator":"equals","value":…}`. An event filter with a `count` but no `countOperator`
//!   means `at_least` (Opencom's reading); with neither, the condition's own operator compares
//!   the count (`gte 3`, or `is_set` for "happened at least once").
//! - segment reference: `{"segmentId":"seg_1"}` or `{"type":"segment","segmentId":"seg_1"}`

use serde_json::{Map, Value};

use super::host::{quoted, Regex};
use super::operand::operand;
use crate::error::ApiError;

/// A tree deeper than this is refused when saved.
pub const MAX_DEPTH: usize = 8;
/// A tree with more nodes than this is refused when saved.
pub const MAX_NODES: usize = 200;
/// Items in an `in` / `not_in` list.
pub const MAX_LIST: usize = 200;
/// Length of a `matches` pattern.
pub const MAX_PATTERN: usize = 512;

/// A parsed, validated rule, ready to evaluate many times.
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) root: Node,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    And(Group),
    Or(Group),
    Not(Box<Node>),
    Segment(String),
    Cond(Box<Condition>),
}

/// The children of an `and` / `or`. Evaluation is pure, so they are evaluated cheapest first
/// (short-circuiting skips the expensive ones more often); `written` keeps the order the rule
/// was written in, for printing.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub children: Vec<Node>,
    written: Vec<usize>,
}

impl Group {
    fn new(written: Vec<Node>) -> Group {
        let mut idx: Vec<usize> = (0..written.len()).collect();
        super::host::stable_sort_by(&mut idx, |&a, &b| cost(&written[a]).cmp(&cost(&written[b])));
        let mut slots: Vec<Option<Node>> = written.into_iter().map(Some).collect();
        let children: Vec<Node> = idx.iter().filter_map(|&i| slots[i].take()).collect();
        // written[k] = position in `children` of the k-th child as written.
        let mut pos = vec![0; idx.len()];
        for (p, &i) in idx.iter().enumerate() {
            pos[i] = p;
        }
        Group {
            children,
            written: pos,
        }
    }

    /// Children in the order the rule was written.
    pub fn in_written_order(&self) -> impl Iterator<Item = &Node> {
        self.written.iter().map(move |&p| &self.children[p])
    }
}

/// A rough evaluation cost, to order siblings.
fn cost(n: &Node) -> u32 {
    match n {
        Node::Cond(c) => match (&c.property, &c.operand) {
            (_, Operand::Regex(_)) => 8,
            (Property::System(..) | Property::Page(..), _) => 1,
            (Property::Custom { .. }, _) => 2,
            (Property::Event(..), _) => 3,
        },
        Node::Segment(_) => 10,
        Node::Not(c) => cost(c),
        Node::And(g) | Node::Or(g) => g.children.iter().map(cost).sum::<u32>() + 1,
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub property: Property,
    pub op: Op,
    pub operand: Operand,
    /// The value as written (printed back unchanged).
    pub raw: Value,
}

/// Built-in visitor properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemKey {
    Email,
    Name,
    UserId,
    FirstSeenAt,
    LastSeenAt,
    SessionCount,
    Device,
    Browser,
    Os,
    Language,
    Referrer,
    Country,
    CountryCode,
    City,
    Region,
    IdentityVerified,
}

const SYSTEM_KEYS: &[(&str, SystemKey)] = &[
    ("email", SystemKey::Email),
    ("name", SystemKey::Name),
    ("userId", SystemKey::UserId),
    ("externalUserId", SystemKey::UserId),
    ("firstSeenAt", SystemKey::FirstSeenAt),
    ("lastSeenAt", SystemKey::LastSeenAt),
    ("sessionCount", SystemKey::SessionCount),
    ("device", SystemKey::Device),
    ("browser", SystemKey::Browser),
    ("os", SystemKey::Os),
    ("language", SystemKey::Language),
    ("referrer", SystemKey::Referrer),
    ("country", SystemKey::Country),
    ("countryCode", SystemKey::CountryCode),
    ("city", SystemKey::City),
    ("region", SystemKey::Region),
    ("identityVerified", SystemKey::IdentityVerified),
];

/// What a page property reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKey {
    Url,
    Path,
    Title,
    /// One query-string parameter, by name.
    Query(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountOp {
    AtLeast,
    AtMost,
    Exactly,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventFilter {
    pub name: String,
    /// `None`: the condition's own operator compares the count.
    pub count_op: Option<CountOp>,
    pub count: u64,
    pub within_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Property {
    System(SystemKey, &'static str),
    /// Nested attribute path: `plan.tier` → ["plan", "tier"]; `key` as written.
    Custom {
        path: Vec<String>,
        /// [`super::subject::key_hash`] of `path[0]`, computed once here.
        hash: u64,
        key: String,
    },
    Page(PageKey, String),
    Event(EventFilter, String),
}

/// Operators. Opencom's long names are accepted as aliases of the short ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    NotEquals,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    In,
    NotIn,
    Gt,
    Gte,
    Lt,
    Lte,
    Before,
    After,
    WithinLastDays,
    MoreThanDaysAgo,
    IsSet,
    IsNotSet,
    Matches,
}

const OPS: &[(&str, Op)] = &[
    ("equals", Op::Equals),
    ("not_equals", Op::NotEquals),
    ("contains", Op::Contains),
    ("not_contains", Op::NotContains),
    ("starts_with", Op::StartsWith),
    ("ends_with", Op::EndsWith),
    ("in", Op::In),
    ("not_in", Op::NotIn),
    ("gt", Op::Gt),
    ("gte", Op::Gte),
    ("lt", Op::Lt),
    ("lte", Op::Lte),
    ("before", Op::Before),
    ("after", Op::After),
    ("within_last_days", Op::WithinLastDays),
    ("more_than_days_ago", Op::MoreThanDaysAgo),
    ("is_set", Op::IsSet),
    ("is_not_set", Op::IsNotSet),
    ("matches", Op::Matches),
    // Opencom's names.
    ("greater_than", Op::Gt),
    ("greater_than_or_equals", Op::Gte),
    ("less_than", Op::Lt),
    ("less_than_or_equals", Op::Lte),
];

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        OPS.iter().find(|(n, _)| *n == s).map(|(_, o)| *o)
    }
    /// The canonical (short) name.
    pub fn name(self) -> &'static str {
        OPS.iter()
            .find(|(_, o)| *o == self)
            .map(|(n, _)| *n)
            .unwrap_or("equals")
    }
}

/// One comparable value of a rule, pre-digested at parse time so evaluation never parses or
/// allocates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scalar {
    /// Set when the value was a JSON string.
    pub text: Option<Box<str>>,
    /// The number it denotes (a JSON number, or a numeric string).
    pub num: Option<f64>,
    /// The instant it denotes (an ISO 8601 string, or a number read as epoch ms).
    pub date: Option<i64>,
    pub boolean: Option<bool>,
    /// True when the JSON value was a number.
    pub is_num: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Operand {
    None,
    One(Scalar),
    List(Vec<Scalar>),
    Regex(Box<Regex>),
}

/// See [`super::host::invalid`] (no sentence in the widget's build).
#[inline(always)]
pub(crate) fn err(path: &str, msg: impl Into<String>) -> ApiError {
    super::host::invalid(path, msg)
}

struct Parser {
    nodes: usize,
}

impl Rule {
    /// Parses and validates a rule; errors name the JSON pointer of the bad node.
    pub fn parse(v: &Value) -> Result<Rule, ApiError> {
        let mut p = Parser { nodes: 0 };
        Ok(Rule {
            root: p.node(v, "", 1)?,
        })
    }

    /// Parses from JSON text.
    pub fn parse_str(s: &str) -> Result<Rule, ApiError> {
        let v: Value =
            serde_json::from_str(s).map_err(|e| err("", format!("malformed JSON: {e}")))?;
        Rule::parse(&v)
    }

    /// The canonical JSON of this rule (Opencom-compatible shape, short operator names).
    pub fn to_json(&self) -> Value {
        super::print::print(&self.root)
    }

    /// The segment ids this rule references (to check they exist in the same workspace).
    pub fn segment_refs(&self) -> Vec<&str> {
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a str>) {
            match n {
                Node::And(g) | Node::Or(g) => g.in_written_order().for_each(|n| walk(n, out)),
                Node::Not(c) => walk(c, out),
                Node::Segment(s) => out.push(s),
                Node::Cond(_) => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }
}

impl Parser {
    fn node(&mut self, v: &Value, path: &str, depth: usize) -> Result<Node, ApiError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(err(path, format!("a rule holds at most {MAX_NODES} nodes")));
        }
        if depth > MAX_DEPTH {
            return Err(err(path, format!("rules nest at most {MAX_DEPTH} levels")));
        }
        let Some(o) = v.as_object() else {
            return Err(err(path, "a rule node is an object"));
        };
        let ty = o.get("type").and_then(Value::as_str);
        if ty == Some("segment") || (ty.is_none() && o.contains_key("segmentId")) {
            return match o.get("segmentId").and_then(Value::as_str) {
                Some(id) if !id.is_empty() && id.len() <= 64 => Ok(Node::Segment(id.to_string())),
                _ => Err(err(
                    &format!("{path}/segmentId"),
                    "segmentId is a non-empty string",
                )),
            };
        }
        match ty {
            Some("group") => self.group(o, path, depth),
            Some("condition") => Ok(Node::Cond(Box::new(condition(o, path)?))),
            Some(other) => Err(err(
                &format!("{path}/type"),
                [
                    "unknown node type ",
                    &quoted(other),
                    ": group, condition or segment",
                ]
                .concat(),
            )),
            None => Err(err(
                &format!("{path}/type"),
                "type is required: group, condition or segment",
            )),
        }
    }

    fn group(
        &mut self,
        o: &Map<String, Value>,
        path: &str,
        depth: usize,
    ) -> Result<Node, ApiError> {
        let op = o.get("operator").and_then(Value::as_str);
        let Some(list) = o.get("conditions").and_then(Value::as_array) else {
            return Err(err(
                &format!("{path}/conditions"),
                "a group has a conditions array",
            ));
        };
        let mut children = Vec::with_capacity(list.len());
        for (i, c) in list.iter().enumerate() {
            children.push(self.node(c, &format!("{path}/conditions/{i}"), depth + 1)?);
        }
        match op {
            Some("and") => Ok(Node::And(Group::new(children))),
            Some("or") => Ok(Node::Or(Group::new(children))),
            Some("not") if children.len() == 1 => Ok(Node::Not(Box::new(children.remove(0)))),
            Some("not") => Err(err(
                &format!("{path}/conditions"),
                "a not group holds exactly one condition",
            )),
            _ => Err(err(
                &format!("{path}/operator"),
                "a group's operator is and, or or not",
            )),
        }
    }
}

fn property(v: Option<&Value>, path: &str) -> Result<Property, ApiError> {
    let path = format!("{path}/property");
    let Some(o) = v.and_then(Value::as_object) else {
        return Err(err(&path, "property is an object {source, key}"));
    };
    let key = o.get("key").and_then(Value::as_str).unwrap_or("");
    let source = o.get("source").and_then(Value::as_str).unwrap_or("");
    let key_path = format!("{path}/key");
    match source {
        "system" => match SYSTEM_KEYS.iter().find(|(n, _)| *n == key) {
            Some((n, k)) => Ok(Property::System(*k, n)),
            None => match key {
                // Page facts are also reachable as system keys.
                "currentUrl" | "url" => Ok(Property::Page(PageKey::Url, key.into())),
                "currentPath" | "path" => Ok(Property::Page(PageKey::Path, key.into())),
                _ => Err(err(
                    &key_path,
                    ["unknown system property ", &quoted(key)].concat(),
                )),
            },
        },
        "custom" => {
            let segs: Vec<String> = key.split('.').map(str::to_string).collect();
            if key.is_empty()
                || key.len() > 200
                || segs.iter().any(String::is_empty)
                || segs.len() > 4
            {
                return Err(err(
                    &key_path,
                    "a custom property key is a name or dotted path such as plan.tier",
                ));
            }
            Ok(Property::Custom {
                hash: super::subject::key_hash(&segs[0]),
                path: segs,
                key: key.into(),
            })
        }
        "page" => {
            let pk = match key {
                "url" => PageKey::Url,
                "path" => PageKey::Path,
                "title" => PageKey::Title,
                _ => match key.strip_prefix("query.") {
                    Some(p) if !p.is_empty() => PageKey::Query(p.into()),
                    _ => {
                        return Err(err(
                            &key_path,
                            "a page property is url, path, title or query.<param>",
                        ))
                    }
                },
            };
            Ok(Property::Page(pk, key.into()))
        }
        "event" => {
            let f = o.get("eventFilter").and_then(Value::as_object);
            let fpath = format!("{path}/eventFilter");
            let name = match f.and_then(|f| f.get("name")).filter(|v| !v.is_null()) {
                // An empty name is a rule saved before its event was picked (Opencom's editor
                // does that): refused, rather than counting some other event.
                Some(v) => match v.as_str() {
                    Some(n) if !n.is_empty() && n.len() <= 100 => n,
                    _ => {
                        return Err(err(
                            &format!("{fpath}/name"),
                            "the event's name, 1-100 characters",
                        ))
                    }
                },
                None => key,
            };
            if name.is_empty() || name.len() > 100 {
                return Err(err(
                    &key_path,
                    "an event property names the event (key or eventFilter.name)",
                ));
            }
            let has_count = f.and_then(|f| f.get("count")).is_some_and(|v| !v.is_null());
            let count_op = match f.and_then(|f| f.get("countOperator")) {
                // Opencom reads a count without an operator as "at least".
                None | Some(Value::Null) if has_count => Some(CountOp::AtLeast),
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(match s.as_str() {
                    "at_least" => CountOp::AtLeast,
                    "at_most" => CountOp::AtMost,
                    "exactly" => CountOp::Exactly,
                    _ => {
                        return Err(err(
                            &format!("{fpath}/countOperator"),
                            "at_least, at_most or exactly",
                        ))
                    }
                }),
                Some(_) => {
                    return Err(err(
                        &format!("{fpath}/countOperator"),
                        "at_least, at_most or exactly",
                    ))
                }
            };
            let count = match (
                f.and_then(|f| f.get("count")).filter(|v| !v.is_null()),
                count_op,
            ) {
                (None, None) => 0,
                (None, Some(_)) => {
                    return Err(err(
                        &format!("{fpath}/count"),
                        "required with countOperator",
                    ))
                }
                (Some(v), _) => match v
                    .as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                {
                    Some(c) => c,
                    None => {
                        return Err(err(
                            &format!("{fpath}/count"),
                            "a non-negative whole number",
                        ))
                    }
                },
            };
            let within_days = match f.and_then(|f| f.get("withinDays")) {
                None | Some(Value::Null) => None,
                Some(v) => match v.as_u64().filter(|d| (1..=3650).contains(d)) {
                    Some(d) => Some(d as u32),
                    None => return Err(err(&format!("{fpath}/withinDays"), "1 to 3650 days")),
                },
            };
            Ok(Property::Event(
                EventFilter {
                    name: name.into(),
                    count_op,
                    count,
                    within_days,
                },
                key.into(),
            ))
        }
        _ => Err(err(
            &format!("{path}/source"),
            "source is system, custom, event or page",
        )),
    }
}

fn condition(o: &Map<String, Value>, path: &str) -> Result<Condition, ApiError> {
    let property = property(o.get("property"), path)?;
    let op_path = format!("{path}/operator");
    let op = match o.get("operator").and_then(Value::as_str) {
        Some(s) => {
            Op::parse(s).ok_or_else(|| err(&op_path, ["unknown operator ", &quoted(s)].concat()))?
        }
        None => return Err(err(&op_path, "operator is required")),
    };
    let raw = o.get("value").cloned().unwrap_or(Value::Null);
    let vpath = format!("{path}/value");
    // An event condition with a countOperator compares the count itself; its operator and
    // value are ignored (Opencom stores them anyway).
    if let Property::Event(
        EventFilter {
            count_op: Some(_), ..
        },
        _,
    ) = property
    {
        return Ok(Condition {
            property,
            op,
            operand: Operand::None,
            raw,
        });
    }
    let operand = operand(op, Some(&raw), o.get("js"), &vpath)?;
    if let Property::Event(..) = property {
        let numeric = matches!(
            op,
            Op::Equals
                | Op::NotEquals
                | Op::Gt
                | Op::Gte
                | Op::Lt
                | Op::Lte
                | Op::IsSet
                | Op::IsNotSet
        );
        let ok_value = match &operand {
            Operand::None => true,
            Operand::One(s) => s.num.is_some(),
            _ => false,
        };
        if !numeric {
            return Err(err(&op_path, "an event count compares with equals, not_equals, gt, gte, lt, lte, is_set or is_not_set"));
        }
        if !ok_value {
            return Err(err(&vpath, "an event count compares with a number"));
        }
    }
    Ok(Condition {
        property,
        op,
        operand,
        raw,
    })
}
