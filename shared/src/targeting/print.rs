//! Printing a parsed rule back as canonical JSON (Opencom-compatible shape, short operator
//! names, children in the order they were written).

use serde_json::{json, Map, Value};

use super::rule::{CountOp, Node, PageKey, Property};

pub(crate) fn print(n: &Node) -> Value {
    match n {
        Node::And(g) => {
            json!({"type": "group", "operator": "and", "conditions": g.in_written_order().map(print).collect::<Vec<_>>()})
        }
        Node::Or(g) => {
            json!({"type": "group", "operator": "or", "conditions": g.in_written_order().map(print).collect::<Vec<_>>()})
        }
        Node::Not(c) => json!({"type": "group", "operator": "not", "conditions": [print(c)]}),
        Node::Segment(id) => json!({"type": "segment", "segmentId": id}),
        Node::Cond(c) => {
            let property = match &c.property {
                Property::System(_, key) => json!({"source": "system", "key": key}),
                Property::Custom { key, .. } => json!({"source": "custom", "key": key}),
                Property::Page(pk, _) => {
                    let key = match pk {
                        PageKey::Url => "url".to_string(),
                        PageKey::Path => "path".to_string(),
                        PageKey::Title => "title".to_string(),
                        PageKey::Query(p) => format!("query.{p}"),
                    };
                    json!({"source": "page", "key": key})
                }
                Property::Event(f, key) => {
                    let mut ef = Map::new();
                    ef.insert("name".into(), json!(f.name));
                    if let Some(op) = f.count_op {
                        let name = match op {
                            CountOp::AtLeast => "at_least",
                            CountOp::AtMost => "at_most",
                            CountOp::Exactly => "exactly",
                        };
                        ef.insert("countOperator".into(), json!(name));
                        ef.insert("count".into(), json!(f.count));
                    }
                    if let Some(d) = f.within_days {
                        ef.insert("withinDays".into(), json!(d));
                    }
                    json!({"source": "event", "key": key, "eventFilter": ef})
                }
            };
            let mut o = Map::new();
            o.insert("type".into(), json!("condition"));
            o.insert("property".into(), property);
            o.insert("operator".into(), json!(c.op.name()));
            if !c.raw.is_null() {
                o.insert("value".into(), c.raw.clone());
            }
            Value::Object(o)
        }
    }
}
