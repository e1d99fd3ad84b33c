//! Outbound messages (`/admin/v1/outbound`): CRUD and activate / pause / archive. Delivery
//! settings are validated by the shared engine; audiences may reference only this
//! workspace's segments.

use porchlight_shared::content::{Delivery, OutboundContent, OutboundKind};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth;
use crate::db::{self, n, opt, s};
use crate::http::{self, Ctx};
use crate::rand;

/// Which admin resource a handler serves: `/admin/v1/outbound` (chat, post, banner) or
/// `/admin/v1/tooltips`. Both live in one table; each path only ever sees its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Outbound,
    Tooltips,
}

impl Family {
    fn sql(self) -> &'static str {
        match self {
            Family::Outbound => " AND kind <> 'tooltip'",
            Family::Tooltips => " AND kind = 'tooltip'",
        }
    }
    fn key(self) -> &'static str {
        match self {
            Family::Outbound => "outbound",
            Family::Tooltips => "tooltips",
        }
    }
    fn allows(self, kind: OutboundKind) -> bool {
        (kind == OutboundKind::Tooltip) == (self == Family::Tooltips)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    kind: Option<OutboundKind>,
    name: Option<String>,
    priority: Option<i64>,
    content: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    audience: Option<Value>,
    triggers: Option<Value>,
    frequency: Option<Value>,
}

/// Distinguishes `"audience": null` (everyone: Some(Null)) from an absent field (None).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Deserialize, Clone)]
pub struct OutboundRow {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub name: String,
    pub priority: i64,
    pub content: String,
    pub audience: Option<String>,
    pub triggers: String,
    pub frequency: String,
    pub created_at: i64,
    pub updated_at: i64,
}

fn parse_json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}

impl OutboundRow {
    pub fn view(&self) -> Value {
        json!({"id": self.id, "kind": self.kind, "status": self.status, "name": self.name, "priority": self.priority,
               "content": parse_json(&self.content), "audience": self.audience.as_deref().map(parse_json),
               "triggers": parse_json(&self.triggers), "frequency": parse_json(&self.frequency),
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const COLS: &str = "id, kind, status, name, priority, content, audience, triggers, frequency, created_at, updated_at";

/// Every message of the workspace (both families), to put in a caller's batch.
pub fn rows_statement(
    db: &D1Database,
    ws: &str,
    only_active: bool,
) -> Result<worker::D1PreparedStatement, ApiError> {
    let filter = if only_active {
        " AND status = 'active'"
    } else {
        ""
    };
    db::stmt(
        db,
        &format!(
            "SELECT {COLS} FROM outbound WHERE workspace_id = ?1{filter} ORDER BY created_at, id"
        ),
        &[s(ws)],
    )
}

/// A row of this family (another family's id is not found here).
async fn row_in(
    db: &D1Database,
    ws: &str,
    id: &str,
    family: Family,
) -> Result<OutboundRow, ApiError> {
    db::first::<OutboundRow>(
        db,
        &format!(
            "SELECT {COLS} FROM outbound WHERE workspace_id = ?1 AND id = ?2{}",
            family.sql()
        ),
        &[s(ws), s(id)],
    )
    .await?
    .ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("no such {} item in this workspace", family.key()),
        )
    })
}

pub async fn row(db: &D1Database, ws: &str, id: &str) -> Result<OutboundRow, ApiError> {
    db::first::<OutboundRow>(
        db,
        &format!("SELECT {COLS} FROM outbound WHERE workspace_id = ?1 AND id = ?2"),
        &[s(ws), s(id)],
    )
    .await?
    .ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            "no such outbound message in this workspace",
        )
    })
}

/// Validated, canonical column values.
struct Columns {
    name: String,
    priority: i64,
    content: String,
    audience: Option<String>,
    triggers: String,
    frequency: String,
}

async fn columns(
    db: &D1Database,
    ws: &str,
    kind: OutboundKind,
    b: &Body,
    old: Option<&OutboundRow>,
) -> Result<Columns, ApiError> {
    let name = match (&b.name, old) {
        (Some(n), _) => n.trim().to_string(),
        (None, Some(o)) => o.name.clone(),
        (None, None) => String::new(),
    };
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid("/name", "1-100 characters"));
    }
    let priority = b.priority.or(old.map(|o| o.priority)).unwrap_or(0);
    if !(-1000..=1000).contains(&priority) {
        return Err(ApiError::invalid("/priority", "-1000 to 1000"));
    }
    let content_v = match (&b.content, old) {
        (Some(c), _) => c.clone(),
        (None, Some(o)) => parse_json(&o.content),
        (None, None) => return Err(ApiError::invalid("/content", "required")),
    };
    let content: OutboundContent = crate::http::parse_json(content_v.to_string().as_bytes())
        .map_err(|mut e| {
            e.path = Some(format!("/content{}", e.path.unwrap_or_default()));
            e
        })?;
    content.validate(kind, "/content")?;
    let audience_v = match (&b.audience, old) {
        (Some(v), _) => v.clone(),
        (None, Some(o)) => o.audience.as_deref().map(parse_json).unwrap_or(Value::Null),
        (None, None) => Value::Null,
    };
    let triggers_v = b.triggers.clone().or(old.map(|o| parse_json(&o.triggers)));
    let frequency_v = b
        .frequency
        .clone()
        .or(old.map(|o| parse_json(&o.frequency)));
    let delivery = Delivery::parse(Some(&audience_v), triggers_v.as_ref(), frequency_v.as_ref())?;
    if let Some(rule) = &delivery.audience {
        let known = super::segments::workspace_segments(db, ws).await?;
        if let Some(missing) = rule
            .segment_refs()
            .into_iter()
            .find(|r| !known.contains_key(*r))
        {
            return Err(ApiError::invalid(
                "/audience",
                format!("segment {missing} does not exist in this workspace"),
            ));
        }
    }
    Ok(Columns {
        name,
        priority,
        content: serde_json::to_string(&content).map_err(crate::internal)?,
        audience: delivery.audience.as_ref().map(|r| r.to_json().to_string()),
        triggers: triggers_v.unwrap_or_else(|| json!([])).to_string(),
        // Tooltips show until dismissed by default (Opencom's had no frequency or dismissal).
        frequency: frequency_v
            .unwrap_or_else(|| {
                json!(if kind == OutboundKind::Tooltip {
                    "until_dismissed"
                } else {
                    "once"
                })
            })
            .to_string(),
    })
}

pub async fn list(ctx: &mut Ctx, family: Family) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let all = db::all::<OutboundRow>(db::stmt(
        &ctx.db()?,
        &format!(
            "SELECT {COLS} FROM outbound WHERE workspace_id = ?1{} ORDER BY created_at, id",
            family.sql()
        ),
        &[s(&ws.id)],
    )?)
    .await?;
    let mut out = serde_json::Map::new();
    out.insert(
        family.key().into(),
        Value::Array(all.iter().map(OutboundRow::view).collect()),
    );
    http::json(200, &out)
}

pub async fn create(ctx: &mut Ctx, family: Family) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: Body = ctx.json().await?;
    let kind = match (b.kind, family) {
        (None, Family::Tooltips) => OutboundKind::Tooltip,
        (Some(k), f) if f.allows(k) => k,
        (_, Family::Tooltips) => {
            return Err(ApiError::invalid("/kind", "tooltip (or leave it out)"))
        }
        _ => return Err(ApiError::invalid("/kind", "chat, post or banner")),
    };
    let db = ctx.db()?;
    let c = columns(&db, &ws.id, kind, &b, None).await?;
    let id = rand::id::<8>(if family == Family::Tooltips {
        "tip_"
    } else {
        "out_"
    })?;
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "INSERT INTO outbound (id, workspace_id, kind, status, name, priority, content, audience, triggers, frequency, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                &[s(&id), s(&ws.id), s(kind.as_str()), s(&c.name), n(c.priority), s(&c.content), opt(c.audience.as_deref()), s(&c.triggers), s(&c.frequency), n(ctx.now)],
            )?,
            db::audit(&db, &ws.id, &format!("{}.created", kind.as_str()), &id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
    http::json(201, &row(&db, &ws.id, &id).await?.view())
}

pub async fn get(ctx: &mut Ctx, family: Family, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    http::json(200, &row_in(&ctx.db()?, &ws.id, id, family).await?.view())
}

pub async fn patch(ctx: &mut Ctx, family: Family, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: Body = ctx.json().await?;
    let db = ctx.db()?;
    let old = row_in(&db, &ws.id, id, family).await?;
    let kind: OutboundKind = serde_json::from_value(json!(old.kind)).map_err(crate::internal)?;
    if b.kind.is_some_and(|k| k != kind) {
        return Err(ApiError::invalid(
            "/kind",
            "the kind of a message cannot change; create a new one",
        ));
    }
    let c = columns(&db, &ws.id, kind, &b, Some(&old)).await?;
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "UPDATE outbound SET name = ?3, priority = ?4, content = ?5, audience = ?6, triggers = ?7, frequency = ?8, updated_at = ?9 WHERE workspace_id = ?1 AND id = ?2",
                &[s(&ws.id), s(id), s(&c.name), n(c.priority), s(&c.content), opt(c.audience.as_deref()), s(&c.triggers), s(&c.frequency), n(ctx.now)],
            )?,
            db::audit(&db, &ws.id, "outbound.updated", id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
    http::json(200, &row(&db, &ws.id, id).await?.view())
}

pub async fn delete(ctx: &mut Ctx, family: Family, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    row_in(&db, &ws.id, id, family).await?;
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "DELETE FROM outbound WHERE workspace_id = ?1 AND id = ?2",
                &[s(&ws.id), s(id)],
            )?,
            db::audit(&db, &ws.id, "outbound.deleted", id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
    http::no_content()
}

/// `POST /admin/v1/outbound/{id}/{activate|pause|archive}`.
pub async fn set_status(
    ctx: &mut Ctx,
    family: Family,
    id: &str,
    action: &str,
) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    let old = row_in(&db, &ws.id, id, family).await?;
    let to = match (action, old.status.as_str()) {
        ("activate", "draft" | "paused" | "active") => "active",
        ("pause", "active" | "paused") => "paused",
        ("archive", _) => "archived",
        ("activate" | "pause", from) => {
            return Err(ApiError::invalid(
                "/status",
                format!("a {from} message cannot be {action}d"),
            ));
        }
        _ => return Err(ApiError::new(ErrorCode::NotFound, "no such action")),
    };
    db::batch(
        &db,
        vec![
            db::stmt(&db, "UPDATE outbound SET status = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2", &[s(&ws.id), s(id), s(to), n(ctx.now)])?,
            db::audit(&db, &ws.id, &format!("outbound.{to}"), id, &json!({"from": old.status}), ctx.now)?,
        ],
    )
    .await?;
    http::json(200, &row(&db, &ws.id, id).await?.view())
}
