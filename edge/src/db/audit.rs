//! `audit_log`: who changed what in a workspace.

use porchlight_shared::ApiError;
use serde_json::Value;
use worker::{D1Database, D1PreparedStatement};

use super::{n, s, stmt};

pub fn audit(
    db: &D1Database,
    ws: &str,
    action: &str,
    subject: &str,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO audit_log (workspace_id, action, subject, detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[s(ws), s(action), s(subject), s(&detail.to_string()), n(now)],
    )
}
