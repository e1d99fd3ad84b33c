//! Request context and the HTTP plumbing every route shares: body limit, JSON parsing with
//! error paths, responses, CORS.

use porchlight_shared::origin::origin_allowed;
use porchlight_shared::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Env, Headers, Method, Request, Response};

/// Largest request body accepted anywhere.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

pub fn env_i64(env: &Env, name: &str) -> Option<i64> {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().trim().parse().ok())
}

/// One request being served.
pub struct Ctx {
    pub req: Request,
    pub env: Env,
    pub path: String,
    pub now: i64,
    /// The `Origin` header as the browser sent it.
    pub origin: Option<String>,
    /// Set when a route refused the origin: the response then carries no CORS grant.
    pub origin_refused: bool,
    /// Best-effort announcements to the live hub (workspace, event body), posted in order
    /// after the response is sent (`waitUntil`): a chat send answers as soon as it is stored.
    pub announcements: std::cell::RefCell<Vec<(String, serde_json::Value)>>,
}

impl Ctx {
    pub fn new(req: Request, env: Env) -> Self {
        let origin = req.headers().get("Origin").ok().flatten();
        Ctx {
            path: req.path(),
            req,
            env,
            now: now_ms(),
            origin,
            origin_refused: false,
            announcements: Default::default(),
        }
    }

    pub fn method(&self) -> Method {
        self.req.method()
    }

    pub fn db(&self) -> Result<worker::D1Database, ApiError> {
        self.env.d1("DB").map_err(crate::internal)
    }

    /// The first value of query parameter `name`, if present.
    pub fn query(&self, name: &str) -> Result<Option<String>, ApiError> {
        let url = self
            .req
            .url()
            .map_err(|_| ApiError::invalid("", "bad URL"))?;
        let value = url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned());
        Ok(value)
    }

    /// An id query parameter (`visitorId`): the ids the edge issues are 1 to 64 letters,
    /// digits, `_` or `-`; anything else is refused, pointing at the parameter.
    pub fn query_id(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.query(name)? {
            Some(v) if is_id(&v) => Ok(Some(v)),
            Some(_) => Err(ApiError::invalid(
                format!("/{name}"),
                "an id: 1 to 64 letters, digits, _ or -",
            )),
            None => Ok(None),
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.req.headers().get(name).ok().flatten()
    }

    /// Refuses the request unless its `Origin` is on the workspace allowlist. Requests without
    /// an `Origin` (servers, curl) are not browsers and CORS does not apply to them.
    /// `allowlist` is `None` when the workspace's stored list is unreadable: then no origin
    /// is allowed (fail closed; server-to-server calls without `Origin` are unaffected).
    pub fn check_origin(&mut self, allowlist: Option<&[String]>) -> Result<(), ApiError> {
        match &self.origin {
            Some(o) if !allowlist.is_some_and(|l| origin_allowed(l, o)) => {
                self.origin_refused = true;
                Err(ApiError::new(
                    ErrorCode::OriginNotAllowed,
                    "this page's origin is not allowed by the workspace",
                ))
            }
            _ => Ok(()),
        }
    }

    /// Reads the body (≤ 64 KiB) and parses it as `T`, with the JSON pointer of a bad field.
    pub async fn json<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        let bytes = self.body().await?;
        parse_json(&bytes)
    }

    /// Like [`Ctx::json`], but an empty body parses as `{}`.
    pub async fn json_or_empty<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        let bytes = self.body().await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return parse_json(b"{}");
        }
        parse_json(&bytes)
    }

    async fn body(&mut self) -> Result<Vec<u8>, ApiError> {
        let too_large = || {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
            )
        };
        if let Some(len) = self
            .header("Content-Length")
            .and_then(|l| l.trim().parse::<usize>().ok())
        {
            if len > MAX_BODY_BYTES {
                return Err(too_large());
            }
        }
        let bytes = self.req.bytes().await.map_err(|_| {
            ApiError::new(ErrorCode::InvalidInput, "could not read the request body")
        })?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        Ok(bytes)
    }
}

/// Parses JSON, mapping syntax errors and type errors to `INVALID_INPUT` with a JSON pointer.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let pointer = pointer_of(e.path());
        let inner = e.into_inner();
        if inner.is_data() {
            let mut err = ApiError::invalid(pointer, format!("wrong value: {inner}"));
            if err.path.as_deref() == Some("") {
                err.path = None;
            }
            err
        } else {
            ApiError::new(ErrorCode::InvalidInput, format!("malformed JSON: {inner}"))
        }
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut s = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => s.push_str(&format!("/{index}")),
            Segment::Map { key } => s.push_str(&format!(
                "/{}",
                porchlight_shared::attributes::escape_pointer(key)
            )),
            Segment::Enum { variant } => s.push_str(&format!("/{variant}")),
            Segment::Unknown => {}
        }
    }
    s
}

pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(crate::internal)?;
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "application/json; charset=utf-8");
    let _ = headers.set("Cache-Control", "no-store");
    Ok(Response::ok(body)
        .map_err(crate::internal)?
        .with_status(status)
        .with_headers(headers))
}

pub fn no_content() -> Result<Response, ApiError> {
    Ok(Response::empty().map_err(crate::internal)?.with_status(204))
}

pub fn error_response(e: &ApiError) -> Response {
    let mut body = e.clone();
    if e.code == ErrorCode::Internal {
        body.message = "something went wrong on our side".into();
    }
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "application/json; charset=utf-8");
    let _ = headers.set("Cache-Control", "no-store");
    if let Some(s) = e.retry_after_secs {
        let _ = headers.set("Retry-After", &s.to_string());
    }
    match Response::ok(body.envelope_json()) {
        Ok(r) => r.with_status(e.status()).with_headers(headers),
        Err(_) => Response::empty()
            .map(|r| r.with_status(500))
            .unwrap_or_else(|_| unreachable_response()),
    }
}

fn unreachable_response() -> Response {
    // Response::empty cannot fail in practice; keep the type total without panicking.
    Response::from_bytes(Vec::new()).unwrap_or_else(|_| std::process::abort())
}

fn is_visitor_api(path: &str) -> bool {
    path.starts_with("/v1/") || path == "/health"
}

/// Adds CORS headers to visitor-API responses whose origin was not refused.
pub fn finish(ctx: &Ctx, mut response: Response) -> worker::Result<Response> {
    if is_visitor_api(&ctx.path) {
        let h = response.headers_mut();
        let _ = h.append("Vary", "Origin");
        if let (Some(origin), false) = (&ctx.origin, ctx.origin_refused) {
            let _ = h.set("Access-Control-Allow-Origin", origin);
            let _ = h.set("Access-Control-Expose-Headers", "Retry-After");
        }
    }
    Ok(response)
}

/// Answers a CORS preflight. A preflight carries no body or token, so it cannot name a
/// workspace: it grants any well-formed origin, and the real request enforces the allowlist.
pub fn preflight(ctx: &Ctx) -> Response {
    let headers = Headers::new();
    let _ = headers.set("Vary", "Origin");
    if is_visitor_api(&ctx.path) {
        if let Some(o) = ctx
            .origin
            .as_deref()
            .filter(|o| origin_allowed(&[], o) && o.contains("://"))
        {
            let _ = headers.set("Access-Control-Allow-Origin", o);
            let _ = headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            let _ = headers.set(
                "Access-Control-Allow-Headers",
                "Authorization, Content-Type",
            );
            let _ = headers.set("Access-Control-Max-Age", "600");
        }
    }
    Response::empty()
        .map(|r| r.with_status(204).with_headers(headers))
        .unwrap_or_else(|_| unreachable_response())
}

/// Whether `v` has the shape of an id the edge issues (see [`Ctx::query_id`]).
pub(crate) fn is_id(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::is_id;

    #[test]
    fn ids_are_short_and_plain() {
        for ok in ["v_0123abcd", "A-b_9", &"x".repeat(64)] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in ["", "v 1", "v_1'--", "v/1", "é", &"x".repeat(65)] {
            assert!(!is_id(bad), "{bad}");
        }
    }
}
