//! Saved segments (`/admin/v1/segments`): audience rules validated by the shared engine when
//! saved, with references checked against this workspace only. Storage and the visitor's
//! targeting subject live in `db::segments`.

use porchlight_shared::targeting::Rule;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::rand;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentBody {
    name: Option<String>,
    rule: Option<Value>,
}

async fn one_row(db: &D1Database, ws: &str, id: &str) -> Result<db::SegmentRow, ApiError> {
    db::segment_row(db, ws, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such segment in this workspace"))
}

fn validate_name(name: &str) -> Result<String, ApiError> {
    let t = name.trim();
    if t.is_empty() || t.chars().count() > 100 {
        return Err(ApiError::invalid("/name", "1-100 characters"));
    }
    Ok(t.to_string())
}

/// Parses a rule with the engine (errors point into `/rule`) and checks every segment it
/// references exists in this workspace (Opencom bug 9: segments were never workspace-checked).
pub(super) async fn validate_rule(
    db: &D1Database,
    ws: &str,
    v: &Value,
    self_id: Option<&str>,
) -> Result<Rule, ApiError> {
    let rule = Rule::parse(v).map_err(|mut e| {
        e.path = Some(format!("/rule{}", e.path.unwrap_or_default()));
        e
    })?;
    let refs = rule.segment_refs();
    if !refs.is_empty() {
        let existing: Vec<String> = db::segment_rows(db, ws)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        for r in refs {
            if Some(r) == self_id || !existing.iter().any(|e| e == r) {
                return Err(ApiError::invalid(
                    "/rule",
                    format!(
                        "segment {r} does not exist in this workspace (or is this segment itself)"
                    ),
                ));
            }
        }
    }
    Ok(rule)
}

pub async fn list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let rows = db::segment_rows(&ctx.db()?, &ws.id).await?;
    http::json(
        200,
        &json!({"segments": rows.iter().map(db::SegmentRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let body: SegmentBody = ctx.json().await?;
    let name = validate_name(body.name.as_deref().unwrap_or(""))?;
    let db = ctx.db()?;
    let Some(rule_json) = &body.rule else {
        return Err(ApiError::invalid("/rule", "required"));
    };
    let rule = validate_rule(&db, &ws.id, rule_json, None).await?;
    let id = rand::id::<8>("seg_")?;
    db::save_segment(
        &db,
        &ws.id,
        &id,
        &name,
        &rule.to_json().to_string(),
        ctx.now,
        true,
    )
    .await?;
    http::json(201, &one_row(&db, &ws.id, &id).await?.view())
}

pub async fn get(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    http::json(200, &one_row(&ctx.db()?, &ws.id, id).await?.view())
}

pub async fn patch(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let body: SegmentBody = ctx.json().await?;
    let db = ctx.db()?;
    let row = one_row(&db, &ws.id, id).await?;
    let name = match &body.name {
        Some(n) => validate_name(n)?,
        None => row.name.clone(),
    };
    let rule = match &body.rule {
        Some(v) => validate_rule(&db, &ws.id, v, Some(id))
            .await?
            .to_json()
            .to_string(),
        None => row.rule.clone(),
    };
    db::save_segment(&db, &ws.id, id, &name, &rule, ctx.now, false).await?;
    http::json(200, &one_row(&db, &ws.id, id).await?.view())
}

/// Deleting a segment others reference is allowed: those references then match nobody.
pub async fn delete(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    one_row(&db, &ws.id, id).await?;
    db::delete_segment(&db, &ws.id, id, ctx.now).await?;
    http::no_content()
}
