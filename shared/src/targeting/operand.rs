//! The value side of a condition: JSON values pre-digested into [`Scalar`]s (number, date,
//! boolean readings computed once) and checked against what each operator accepts.

use serde_json::Value;

use super::dates::parse_iso8601;
use super::host::{invalid_with, parse_f64, Regex};
use super::rule::{err, Op, Operand, Scalar, MAX_LIST, MAX_PATTERN};
use crate::error::ApiError;

pub(crate) fn scalar_of(v: &Value) -> Option<Scalar> {
    match v {
        Value::String(s) => {
            let t = s.trim();
            let num = parse_f64(t).filter(|f| f.is_finite() && !t.is_empty());
            Some(Scalar {
                num,
                // Epoch milliseconds saved as text are a date too, as they are in attributes.
                date: parse_iso8601(t).or(num.map(|n| n as i64)),
                boolean: match t {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                },
                text: Some(s.as_str().into()),
                is_num: false,
            })
        }
        Value::Number(n) => {
            let f = n.as_f64()?;
            Some(Scalar {
                num: Some(f),
                date: Some(f as i64),
                is_num: true,
                ..Scalar::default()
            })
        }
        Value::Bool(b) => Some(Scalar {
            boolean: Some(*b),
            ..Scalar::default()
        }),
        _ => None,
    }
}

/// `js`: the pattern's browser translation sent beside `v` (see [`super::host::Regex::new`]).
pub(crate) fn operand(
    op: Op,
    v: &Value,
    js: Option<&Value>,
    path: &str,
) -> Result<Operand, ApiError> {
    use Op::*;
    match op {
        IsSet | IsNotSet => match v {
            Value::Null => Ok(Operand::None),
            _ => Err(err(path, "is_set and is_not_set take no value")),
        },
        Equals | NotEquals => match scalar_of(v) {
            Some(s) => Ok(Operand::One(s)),
            None => Err(err(
                path,
                "equals compares with a string, number or boolean",
            )),
        },
        Contains | NotContains | StartsWith | EndsWith => match v {
            Value::String(s) if !s.is_empty() => Ok(Operand::One(Scalar {
                text: Some(s.as_str().into()),
                ..Scalar::default()
            })),
            _ => Err(err(path, "this operator takes a non-empty string")),
        },
        In | NotIn => match v {
            Value::Array(items) if !items.is_empty() && items.len() <= MAX_LIST => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    out.push(scalar_of(it).ok_or_else(|| {
                        err(
                            &format!("{path}/{i}"),
                            "list items are strings, numbers or booleans",
                        )
                    })?);
                }
                Ok(Operand::List(out))
            }
            _ => Err(invalid_with(path, || {
                format!("in and not_in take a list of 1-{MAX_LIST} values")
            })),
        },
        Gt | Gte | Lt | Lte => match scalar_of(v) {
            // Numeric strings count as numbers (Opencom's editor saved numbers as strings).
            Some(s) if s.num.is_some() || s.date.is_some() => Ok(Operand::One(s)),
            _ => Err(err(path, "this operator compares with a number or a date")),
        },
        Before | After => match scalar_of(v) {
            Some(s) if s.date.is_some() => Ok(Operand::One(s)),
            _ => Err(err(
                path,
                "before and after take an ISO 8601 date or epoch milliseconds",
            )),
        },
        WithinLastDays | MoreThanDaysAgo => match scalar_of(v) {
            Some(s) if s.num.is_some_and(|n| (0.0..=36_500.0).contains(&n)) => Ok(Operand::One(s)),
            _ => Err(err(path, "this operator takes a number of days (0-36500)")),
        },
        Matches => match v {
            Value::String(p) if !p.is_empty() && p.len() <= MAX_PATTERN => {
                Regex::new(p, js.and_then(Value::as_str))
                    .map(|r| Operand::Regex(Box::new(r)))
                    .map_err(|m| err(path, m))
            }
            _ => Err(invalid_with(path, || {
                format!("matches takes a regular expression of 1-{MAX_PATTERN} characters")
            })),
        },
    }
}
