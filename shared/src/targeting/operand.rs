//! The value side of a condition: JSON values pre-digested into [`Scalar`]s (number, date,
//! boolean readings computed once) and checked against what each operator accepts. Read through
//! [`Json`]: the same code for the edge's `Value` and the widget's browser JSON.

use super::dates::parse_iso8601;
use super::host::{invalid_with, parse_f64, Regex};
use super::rule::{err, Op, Operand, Scalar, MAX_LIST, MAX_PATTERN};
use crate::error::ApiError;
use crate::read::Json;

pub(crate) fn scalar_of<J: Json>(v: &J) -> Option<Scalar> {
    if let Some(s) = v.str() {
        let s = s.as_ref();
        let t = s.trim();
        let num = parse_f64(t).filter(|f| f.is_finite() && !t.is_empty());
        return Some(Scalar {
            num,
            // Epoch milliseconds saved as text are a date too, as they are in attributes.
            date: parse_iso8601(t).or(num.map(|n| n as i64)),
            boolean: match t {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            text: Some(s.into()),
            is_num: false,
        });
    }
    if let Some(f) = v.f64() {
        return Some(Scalar {
            num: Some(f),
            date: Some(f as i64),
            is_num: true,
            ..Scalar::default()
        });
    }
    v.bool().map(|b| Scalar {
        boolean: Some(b),
        ..Scalar::default()
    })
}

/// `js`: the pattern's browser translation sent beside `v` (see [`super::host::Regex::new`]).
/// `v`: the value, `None` when absent (as `null`).
pub(crate) fn operand<J: Json>(
    op: Op,
    v: Option<J>,
    js: Option<J>,
    path: &str,
) -> Result<Operand, ApiError> {
    use Op::*;
    let text = || v.as_ref().and_then(J::str);
    let scalar = || v.as_ref().and_then(scalar_of);
    match op {
        IsSet | IsNotSet => match v.as_ref().is_none_or(J::is_null) {
            true => Ok(Operand::None),
            false => Err(err(path, "is_set and is_not_set take no value")),
        },
        Equals | NotEquals => match scalar() {
            Some(s) => Ok(Operand::One(s)),
            None => Err(err(
                path,
                "equals compares with a string, number or boolean",
            )),
        },
        Contains | NotContains | StartsWith | EndsWith => match text() {
            Some(s) if !s.as_ref().is_empty() => Ok(Operand::One(Scalar {
                text: Some(s.as_ref().into()),
                ..Scalar::default()
            })),
            _ => Err(err(path, "this operator takes a non-empty string")),
        },
        In | NotIn => match v.as_ref().and_then(|l| Some((l, l.items()?))) {
            Some((items, n)) if n > 0 && n <= MAX_LIST => {
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    out.push(items.at(i).as_ref().and_then(scalar_of).ok_or_else(|| {
                        err(
                            &super::host::at_index(path, i),
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
        Gt | Gte | Lt | Lte => match scalar() {
            // Numeric strings count as numbers (Opencom's editor saved numbers as strings).
            Some(s) if s.num.is_some() || s.date.is_some() => Ok(Operand::One(s)),
            _ => Err(err(path, "this operator compares with a number or a date")),
        },
        Before | After => match scalar() {
            Some(s) if s.date.is_some() => Ok(Operand::One(s)),
            _ => Err(err(
                path,
                "before and after take an ISO 8601 date or epoch milliseconds",
            )),
        },
        WithinLastDays | MoreThanDaysAgo => match scalar() {
            Some(s) if s.num.is_some_and(|n| (0.0..=36_500.0).contains(&n)) => Ok(Operand::One(s)),
            _ => Err(err(path, "this operator takes a number of days (0-36500)")),
        },
        Matches => match text() {
            Some(p) if !p.as_ref().is_empty() && p.as_ref().len() <= MAX_PATTERN => {
                let js = js.as_ref().and_then(J::str);
                Regex::new(p.as_ref(), js.as_ref().map(AsRef::as_ref))
                    .map(|r| Operand::Regex(Box::new(r)))
                    .map_err(|m| err(path, m))
            }
            _ => Err(invalid_with(path, || {
                format!("matches takes a regular expression of 1-{MAX_PATTERN} characters")
            })),
        },
    }
}
