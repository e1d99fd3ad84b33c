//! The one error type of the API, with stable codes, and its JSON envelope.

use serde::{Deserialize, Serialize};

/// Stable error codes (PRODUCT.md §6). Clients branch on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    NotAuthenticated,
    SessionExpired,
    NotAuthorized,
    NotFound,
    /// A known path asked with a method it does not answer (sent with `Allow`).
    MethodNotAllowed,
    AlreadyExists,
    InvalidInput,
    PayloadTooLarge,
    RateLimited,
    OriginNotAllowed,
    IdentityVerificationFailed,
    Internal,
}

impl ErrorCode {
    /// The HTTP status each code travels with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidInput => 400,
            ErrorCode::NotAuthenticated | ErrorCode::SessionExpired => 401,
            ErrorCode::NotAuthorized
            | ErrorCode::OriginNotAllowed
            | ErrorCode::IdentityVerificationFailed => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::AlreadyExists => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotAuthenticated => "NOT_AUTHENTICATED",
            ErrorCode::SessionExpired => "SESSION_EXPIRED",
            ErrorCode::NotAuthorized => "NOT_AUTHORIZED",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::AlreadyExists => "ALREADY_EXISTS",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::OriginNotAllowed => "ORIGIN_NOT_ALLOWED",
            ErrorCode::IdentityVerificationFailed => "IDENTITY_VERIFICATION_FAILED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// An API error: a code, a human sentence, and where in the request body it points (a JSON
/// pointer such as `/attributes/plan`), if anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Seconds a client should wait (sent as `Retry-After` with `RATE_LIMITED`).
    #[serde(skip)]
    pub retry_after_secs: Option<u32>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: &'a ApiError,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            path: None,
            retry_after_secs: None,
        }
    }

    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidInput, message).at(path)
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// `{"error":{"code":…,"message":…,"path":…}}`
    pub fn envelope_json(&self) -> String {
        serde_json::to_string(&Envelope { error: self }).unwrap_or_else(|_| {
            r#"{"error":{"code":"INTERNAL","message":"error encoding failed"}}"#.to_string()
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_code_message_and_path() {
        let e = ApiError::invalid("/attributes/plan", "too long");
        let v: serde_json::Value = serde_json::from_str(&e.envelope_json()).unwrap();
        assert_eq!(v["error"]["code"], "INVALID_INPUT");
        assert_eq!(v["error"]["message"], "too long");
        assert_eq!(v["error"]["path"], "/attributes/plan");
        assert_eq!(e.status(), 400);
    }

    #[test]
    fn envelope_omits_missing_path() {
        let e = ApiError::new(ErrorCode::SessionExpired, "expired");
        let v: serde_json::Value = serde_json::from_str(&e.envelope_json()).unwrap();
        assert!(v["error"].get("path").is_none());
        assert_eq!(e.status(), 401);
    }

    #[test]
    fn every_code_serializes_as_its_str() {
        use ErrorCode::*;
        for c in [
            NotAuthenticated,
            SessionExpired,
            NotAuthorized,
            NotFound,
            MethodNotAllowed,
            AlreadyExists,
            InvalidInput,
            PayloadTooLarge,
            RateLimited,
            OriginNotAllowed,
            IdentityVerificationFailed,
            Internal,
        ] {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}
