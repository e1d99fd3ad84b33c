//! CORS allowlists: which page origins may call a workspace's visitor API.
//!
//! Entries are exact origins (`https://app.example.com`, `http://127.0.0.1:8787`) or wildcard
//! subdomains (`https://*.example.com`, or `*.example.com` for any scheme). `*.example.com`
//! matches `a.example.com` and `a.b.example.com` but not `example.com` itself nor
//! `badexample.com`. An empty list allows every origin.

use crate::error::ApiError;

/// Splits `scheme://host[:port]` into its parts; `None` if it is not a plain origin.
fn split(origin: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = origin.split_once("://")?;
    let ok_scheme = !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.');
    let ok_rest = !rest.is_empty()
        && rest.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'*' | b'_')
        });
    (ok_scheme && ok_rest).then_some((scheme, rest))
}

/// Whether `origin` (the request's `Origin` header) is admitted by `allowlist`.
pub fn origin_allowed(allowlist: &[String], origin: &str) -> bool {
    if allowlist.is_empty() {
        return true;
    }
    let origin = origin.trim().to_ascii_lowercase();
    let Some((scheme, host)) = split(&origin) else {
        return false;
    };
    if host.contains('*') {
        return false;
    }
    allowlist.iter().any(|entry| {
        let entry = entry.trim().to_ascii_lowercase();
        let (e_scheme, e_host) = match split(&entry) {
            Some(p) => (Some(p.0), p.1),
            None => (None, entry.as_str()),
        };
        if e_scheme.is_some_and(|s| s != scheme) {
            return false;
        }
        match e_host.strip_prefix("*.") {
            Some(suffix) => host
                .strip_suffix(suffix)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => e_scheme.is_some() && e_host == host,
        }
    })
}

/// Validates an allowlist as a site owner saves it; errors point at the bad entry.
pub fn validate_allowlist(list: &[String], path: &str) -> Result<(), ApiError> {
    if list.len() > 100 {
        return Err(ApiError::invalid(path, "at most 100 allowed origins"));
    }
    for (i, entry) in list.iter().enumerate() {
        let e = entry.trim();
        let host = match split(e) {
            Some((_, h)) => h,
            None if e.starts_with("*.") => e,
            None => "",
        };
        let wildcard_ok = !host.contains('*')
            || (host.starts_with("*.") && !host[2..].contains('*') && host.len() > 2);
        if e.len() > 253 || host.is_empty() || !wildcard_ok || e.ends_with('/') {
            return Err(ApiError::invalid(
                format!("{path}/{i}"),
                "an allowed origin is scheme://host[:port] or *.domain, without a path",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn empty_list_allows_all() {
        assert!(origin_allowed(&[], "https://anything.test"));
    }

    #[test]
    fn exact_origin() {
        let l = list(&["https://shop.example.com", "http://127.0.0.1:8787"]);
        assert!(origin_allowed(&l, "https://shop.example.com"));
        assert!(origin_allowed(&l, "HTTPS://Shop.Example.com"));
        assert!(origin_allowed(&l, "http://127.0.0.1:8787"));
        assert!(
            !origin_allowed(&l, "http://shop.example.com"),
            "scheme differs"
        );
        assert!(
            !origin_allowed(&l, "https://shop.example.com:444"),
            "port differs"
        );
        assert!(!origin_allowed(&l, "https://shop.example.com.evil.test"));
        assert!(!origin_allowed(&l, "http://127.0.0.1:8788"));
        assert!(!origin_allowed(&l, "null"));
        assert!(!origin_allowed(&l, ""));
    }

    #[test]
    fn wildcard_subdomains() {
        let l = list(&["https://*.example.com", "*.acme.io"]);
        assert!(origin_allowed(&l, "https://a.example.com"));
        assert!(origin_allowed(&l, "https://a.b.example.com"));
        assert!(!origin_allowed(&l, "https://example.com"));
        assert!(!origin_allowed(&l, "https://badexample.com"));
        assert!(!origin_allowed(&l, "http://a.example.com"));
        assert!(origin_allowed(&l, "http://x.acme.io"));
        assert!(origin_allowed(&l, "https://x.acme.io"));
        assert!(!origin_allowed(&l, "https://acme.io"));
        assert!(
            !origin_allowed(&l, "https://*.example.com"),
            "a literal * is not a host"
        );
    }

    #[test]
    fn validation_points_at_bad_entry() {
        assert!(validate_allowlist(
            &list(&["https://a.com", "*.b.com", "http://localhost:3000"]),
            "/allowedOrigins"
        )
        .is_ok());
        let e = validate_allowlist(
            &list(&["https://a.com", "https://a.com/path"]),
            "/allowedOrigins",
        )
        .unwrap_err();
        assert_eq!(e.path.as_deref(), Some("/allowedOrigins/1"));
        for bad in [
            "a.com",
            "https://",
            "https://*",
            "https://a.*.com",
            "<script>",
            "*.",
        ] {
            assert!(validate_allowlist(&list(&[bad]), "/o").is_err(), "{bad}");
        }
    }
}
