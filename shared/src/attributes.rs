//! Custom visitor attributes: validation and merging.
//!
//! Values keep their JSON type: string, number, boolean, list of strings, or an object of
//! those (nested keys such as `plan.tier`, at most 3 levels). Dates travel as ISO 8601
//! strings or epoch-ms numbers. `null` removes a key. `boot`, `identify` and `update` **merge**
//! into what is stored (objects merge key by key); nothing ever wipes the rest.
//!
//! Attributes carried by a verified `userJwt` are *signed*: the site's server vouched for them,
//! so unsigned writes (body attributes, `update`, a survey's "store as attribute") may not
//! change them ([`refuse_signed`]).

use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};

pub const MAX_ATTRIBUTES: usize = 100;
pub const MAX_KEY_LEN: usize = 64;
pub const MAX_STRING_LEN: usize = 1024;
pub const MAX_LIST_LEN: usize = 50;
pub const MAX_LIST_ITEM_LEN: usize = 255;
pub const MAX_DEPTH: usize = 3;

pub fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= MAX_KEY_LEN
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'$'))
}

fn validate_value(v: &Value, path: &str, depth: usize) -> Result<(), ApiError> {
    match v {
        Value::Null | Value::Bool(_) => Ok(()),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.is_finite() => Ok(()),
            _ => Err(ApiError::invalid(path, "number out of range")),
        },
        Value::String(s) if s.chars().count() > MAX_STRING_LEN => Err(ApiError::invalid(
            path,
            format!("string values are limited to {MAX_STRING_LEN} characters"),
        )),
        Value::String(_) => Ok(()),
        Value::Array(items) => {
            if items.len() > MAX_LIST_LEN {
                return Err(ApiError::invalid(
                    path,
                    format!("lists hold at most {MAX_LIST_LEN} items"),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) if s.chars().count() <= MAX_LIST_ITEM_LEN => {}
                    Value::String(_) => {
                        return Err(ApiError::invalid(
                            format!("{path}/{i}"),
                            format!("list items are limited to {MAX_LIST_ITEM_LEN} characters"),
                        ))
                    }
                    _ => {
                        return Err(ApiError::invalid(
                            format!("{path}/{i}"),
                            "lists hold strings only",
                        ))
                    }
                }
            }
            Ok(())
        }
        Value::Object(map) => {
            if depth >= MAX_DEPTH {
                return Err(ApiError::invalid(
                    path,
                    format!("attributes nest at most {MAX_DEPTH} levels"),
                ));
            }
            validate_map(map, path, depth + 1)
        }
    }
}

fn validate_map(map: &Map<String, Value>, path: &str, depth: usize) -> Result<(), ApiError> {
    if map.len() > MAX_ATTRIBUTES {
        return Err(ApiError::invalid(
            path,
            format!("at most {MAX_ATTRIBUTES} attributes"),
        ));
    }
    for (k, v) in map {
        let p = format!("{path}/{}", escape_pointer(k));
        if !valid_key(k) {
            return Err(ApiError::invalid(
                p,
                format!("attribute names are 1-{MAX_KEY_LEN} characters of letters, digits, _ - $"),
            ));
        }
        validate_value(v, &p, depth)?;
    }
    Ok(())
}

/// Validates attributes sent by a client, reporting the JSON pointer of the first bad value.
pub fn validate(attrs: &Map<String, Value>, path: &str) -> Result<(), ApiError> {
    validate_map(attrs, path, 1)
}

/// JSON-pointer escaping (RFC 6901) of one path segment.
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Merges `update` into `stored`: objects merge recursively, `null` deletes, anything else
/// replaces. Fails if the result would hold more than [`MAX_ATTRIBUTES`] top-level keys.
pub fn merge(
    stored: &mut Map<String, Value>,
    update: &Map<String, Value>,
    path: &str,
) -> Result<(), ApiError> {
    merge_into(stored, update);
    if stored.len() > MAX_ATTRIBUTES {
        return Err(ApiError::invalid(
            path,
            format!("a visitor holds at most {MAX_ATTRIBUTES} attributes"),
        ));
    }
    Ok(())
}

/// Refuses an unsigned `update` that would change a top-level key in `signed` (keys last set by
/// a verified userJwt). Sending the value already stored is not a change, so a page that
/// repeats its server's attributes keeps working. Nothing is written by the caller on error.
pub fn refuse_signed(
    signed: &[String],
    stored: &Map<String, Value>,
    update: &Map<String, Value>,
    path: &str,
) -> Result<(), ApiError> {
    for (k, v) in update {
        if !signed.iter().any(|s| s == k) {
            continue;
        }
        let mut after = stored.clone();
        merge_into(&mut after, &Map::from_iter([(k.clone(), v.clone())]));
        if after.get(k) != stored.get(k) {
            return Err(ApiError::new(
                ErrorCode::NotAuthorized,
                format!("attribute `{k}` was set by your server in a signed userJwt; only a new userJwt can change it"),
            )
            .at(format!("{path}/{}", escape_pointer(k))));
        }
    }
    Ok(())
}

/// Adds the top-level keys of `signed_attrs` to the `signed` list (a key deleted with `null`
/// by the JWT stays signed: only the server may set it again).
pub fn mark_signed(signed: &mut Vec<String>, signed_attrs: &Map<String, Value>) {
    for k in signed_attrs.keys() {
        if !signed.contains(k) {
            signed.push(k.clone());
        }
    }
}

fn merge_into(stored: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (k, v) in update {
        match (stored.get_mut(k), v) {
            (_, Value::Null) => {
                stored.remove(k);
            }
            (Some(Value::Object(old)), Value::Object(new)) => merge_into(old, new),
            _ => {
                stored.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn merge_keeps_what_is_not_mentioned() {
        let mut stored = obj(json!({"plan": {"tier": "pro", "seats": 5}, "company": "Acme"}));
        merge(
            &mut stored,
            &obj(json!({"plan": {"seats": 6}, "beta": true})),
            "/attributes",
        )
        .unwrap();
        assert_eq!(
            Value::Object(stored.clone()),
            json!({"plan": {"tier": "pro", "seats": 6}, "company": "Acme", "beta": true})
        );
        merge(&mut stored, &obj(json!({"company": null})), "/attributes").unwrap();
        assert!(!stored.contains_key("company"));
        // An empty update (Opencom's bug 8: boot replaced attributes with {}) changes nothing.
        let before = stored.clone();
        merge(&mut stored, &Map::new(), "/attributes").unwrap();
        assert_eq!(stored, before);
    }

    #[test]
    fn types_are_kept() {
        let a = obj(
            json!({"n": 3.5, "b": false, "d": "2026-01-02T03:04:05Z", "ms": 1767225600000u64, "tags": ["a", "b"]}),
        );
        validate(&a, "/attributes").unwrap();
        let mut s = Map::new();
        merge(&mut s, &a, "/attributes").unwrap();
        assert_eq!(s["n"], json!(3.5));
        assert_eq!(s["b"], json!(false));
        assert_eq!(s["tags"], json!(["a", "b"]));
    }

    #[test]
    fn limits_are_enforced_with_paths() {
        let long = "x".repeat(MAX_STRING_LEN + 1);
        let cases = [
            (json!({"bad key": 1}), "/attributes/bad key"),
            (json!({"a/b": 1}), "/attributes/a~1b"),
            (json!({"s": long}), "/attributes/s"),
            (json!({"l": [1]}), "/attributes/l/0"),
            (json!({"l": vec!["x"; MAX_LIST_LEN + 1]}), "/attributes/l"),
            (json!({"a": {"b": {"c": {"d": 1}}}}), "/attributes/a/b/c"),
            (json!({"k": {"<script>": 1}}), "/attributes/k/<script>"),
        ];
        for (v, path) in cases {
            let e = validate(&obj(v.clone()), "/attributes").unwrap_err();
            assert_eq!(e.path.as_deref(), Some(path), "{v}");
        }
        let key = "k".repeat(MAX_KEY_LEN + 1);
        assert!(validate(&obj(json!({ key: 1 })), "/attributes").is_err());
        let many: Map<String, Value> = (0..=MAX_ATTRIBUTES)
            .map(|i| (format!("k{i}"), json!(i)))
            .collect();
        assert!(validate(&many, "/attributes").is_err());
    }

    #[test]
    fn merge_refuses_to_grow_past_the_limit() {
        let mut stored: Map<String, Value> = (0..MAX_ATTRIBUTES)
            .map(|i| (format!("k{i}"), json!(i)))
            .collect();
        assert!(merge(&mut stored, &obj(json!({"k0": 9})), "/attributes").is_ok());
        assert!(merge(&mut stored, &obj(json!({"extra": 1})), "/attributes").is_err());
    }

    #[test]
    fn signed_keys_refuse_unsigned_changes() {
        let stored = obj(json!({"plan": "pro", "org": {"tier": "gold"}, "free": 1}));
        let signed = vec!["plan".to_string(), "org".to_string()];
        // A change, a deletion, a nested change: refused, pointing at the key.
        for (u, at) in [
            (json!({"plan": "free"}), "/attributes/plan"),
            (json!({"plan": null}), "/attributes/plan"),
            (
                json!({"free": 2, "org": {"tier": "tin"}}),
                "/attributes/org",
            ),
            (json!({"org": {"extra": true}}), "/attributes/org"),
        ] {
            let e = refuse_signed(&signed, &stored, &obj(u.clone()), "/attributes").unwrap_err();
            assert_eq!(e.code, ErrorCode::NotAuthorized, "{u}");
            assert_eq!(e.path.as_deref(), Some(at), "{u}");
        }
        // The same values, and unsigned keys, are fine.
        let same = obj(json!({"plan": "pro", "org": {"tier": "gold"}, "free": 5, "new": "x"}));
        assert!(refuse_signed(&signed, &stored, &same, "/attributes").is_ok());
        let mut marked = vec!["plan".to_string()];
        mark_signed(&mut marked, &obj(json!({"plan": "x", "seats": 3})));
        assert_eq!(marked, ["plan", "seats"]);
    }

    #[test]
    fn html_is_just_text() {
        let a = obj(json!({"bio": "<img src=x onerror=alert(1)>"}));
        validate(&a, "/attributes").unwrap();
    }
}
