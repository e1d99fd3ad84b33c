//! Authored items: outbound messages (`/admin/v1/outbound`: chat, post, banner), tooltips,
//! tours, surveys and checklists. One table, one delivery model (status, priority, audience,
//! triggers, frequency) and one set of handlers; each admin path sees only its own family.
//! Content is validated by the kind's type in `shared`, delivery settings by the targeting
//! engine, and audiences may reference only this workspace's segments.

use porchlight_shared::content::{Delivery, OutboundContent, OutboundKind};
use porchlight_shared::experiences::{ChecklistContent, SurveyContent, TourContent};
use porchlight_shared::translations;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth;
pub use crate::db::item_statement as row_statement;
pub use crate::db::ItemRow;
use crate::db::{self, ItemColumns};
use crate::http::{self, Ctx};
use crate::rand;

pub use porchlight_shared::vocab::{Family, ItemKind};
use porchlight_shared::vocab::{Status, Transition};

/// The outbound kind of an item the outbound content model describes.
fn outbound_kind(kind: ItemKind) -> Option<OutboundKind> {
    Some(match kind {
        ItemKind::Chat => OutboundKind::Chat,
        ItemKind::Post => OutboundKind::Post,
        ItemKind::Banner => OutboundKind::Banner,
        ItemKind::Tooltip => OutboundKind::Tooltip,
        _ => return None,
    })
}

/// How often an item shows when its author says nothing.
fn default_frequency(kind: ItemKind) -> &'static str {
    match kind {
        // Opencom's tooltips had no frequency or dismissal.
        ItemKind::Tooltip => "until_dismissed",
        // A snooze must not end a first-time tour (Opencom hid it forever).
        ItemKind::Tour => "first_time_only",
        ItemKind::Checklist => "until_completed",
        _ => "once",
    }
}

/// Checks content of `kind` at `path` (its default text, or a translation laid over it) and
/// returns it typed, as JSON. `for_activation` adds what a live item needs (a survey's
/// questions, a tour's steps, a checklist's tasks).
fn checked(
    kind: ItemKind,
    v: Value,
    path: &str,
    for_activation: bool,
    translation: bool,
) -> Result<Value, ApiError> {
    fn typed<T: serde::de::DeserializeOwned>(v: &Value, path: &str) -> Result<T, ApiError> {
        crate::http::parse_json(v.to_string().as_bytes()).map_err(|mut e| {
            e.path = Some(format!("{path}{}", e.path.unwrap_or_default()));
            e
        })
    }
    let out = match kind {
        ItemKind::Tour => {
            let c: TourContent = typed(&v, path)?;
            c.validate(path, for_activation)?;
            serde_json::to_value(&c)
        }
        ItemKind::Survey => {
            let mut c: SurveyContent = typed(&v, path)?;
            if translation {
                // A translation's options are labels; rules keep naming the default options,
                // checked with the default text.
                for q in &mut c.questions {
                    q.branches.clear();
                }
            }
            c.validate(path, for_activation)?;
            serde_json::to_value(&c)
        }
        ItemKind::Checklist => {
            let c: ChecklistContent = typed(&v, path)?;
            c.validate(path, for_activation)?;
            serde_json::to_value(&c)
        }
        other => {
            let c: OutboundContent = typed(&v, path)?;
            c.validate(
                outbound_kind(other).ok_or_else(|| crate::internal("kind"))?,
                path,
            )?;
            serde_json::to_value(&c)
        }
    };
    out.map_err(crate::internal)
}

/// Validates an item's content for its kind — its default text, then each translation with
/// the same checks (`shared::translations`) — and returns its canonical JSON.
/// `for_activation` adds what a live item needs.
pub fn content_json(kind: ItemKind, v: &Value, for_activation: bool) -> Result<String, ApiError> {
    let (base, tr) = translations::split(v);
    let mut out = checked(kind, base, "/content", for_activation, false)?;
    if let Some(tr) = tr {
        translations::check_translations(&out, &tr, "/content", |merged, path| {
            checked(kind, merged, path, for_activation, true).map(drop)
        })?;
        if let Some(o) = out.as_object_mut() {
            o.insert(translations::KEY.into(), tr);
        }
    }
    serde_json::to_string(&out).map_err(crate::internal)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    kind: Option<ItemKind>,
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

pub use crate::db::parse_json;

/// A stored column that an edit carries over: unreadable is an error, never `null` written
/// back (a null audience is "everyone").
fn stored_json(s: &str, what: &str) -> Result<Value, ApiError> {
    serde_json::from_str(s).map_err(|e| crate::internal(format!("unreadable stored {what}: {e}")))
}

/// An item of this family in this workspace (another family's id is not found here).
pub async fn row_in(
    db: &D1Database,
    ws: &str,
    id: &str,
    family: Family,
) -> Result<ItemRow, ApiError> {
    db::item_row(db, ws, id, family)
        .await?
        .ok_or_else(|| not_found(family))
}

pub fn not_found(family: Family) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("no such {} item in this workspace", family.key()),
    )
}

async fn columns(
    db: &D1Database,
    ws: &str,
    kind: ItemKind,
    b: &Body,
    old: Option<&ItemRow>,
) -> Result<ItemColumns, ApiError> {
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
        (None, Some(o)) => stored_json(&o.content, "content")?,
        (None, None) => return Err(ApiError::invalid("/content", "required")),
    };
    // A live item stays complete: an edit cannot strip a live survey of its questions.
    let live = old.is_some_and(|o| o.status == Status::Active.as_str());
    let content = content_json(kind, &content_v, live)?;
    let audience_v = match (&b.audience, old) {
        (Some(v), _) => v.clone(),
        (None, Some(o)) => match o.audience.as_deref() {
            Some(a) => stored_json(a, "audience")?,
            None => Value::Null,
        },
        (None, None) => Value::Null,
    };
    let triggers_v = match (&b.triggers, old) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(o)) => Some(stored_json(&o.triggers, "triggers")?),
        (None, None) => None,
    };
    let frequency_v = match (&b.frequency, old) {
        (Some(f), _) => Some(f.clone()),
        (None, Some(o)) => Some(stored_json(&o.frequency, "frequency")?),
        (None, None) => None,
    };
    let delivery = Delivery::parse(Some(&audience_v), triggers_v.as_ref(), frequency_v.as_ref())?;
    if let Some(rule) = &delivery.audience {
        let known = db::workspace_segments(db, ws).await?;
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
    Ok(ItemColumns {
        name,
        priority,
        content,
        audience: delivery.audience.as_ref().map(|r| r.to_json().to_string()),
        triggers: triggers_v.unwrap_or_else(|| json!([])).to_string(),
        frequency: frequency_v
            .unwrap_or_else(|| json!(default_frequency(kind)))
            .to_string(),
    })
}

pub async fn list(ctx: &mut Ctx, family: Family) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let all = db::item_rows(&ctx.db()?, &ws.id, family).await?;
    let mut out = serde_json::Map::new();
    out.insert(
        family.key().into(),
        Value::Array(all.iter().map(ItemRow::view).collect()),
    );
    http::json(200, &out)
}

pub async fn create(ctx: &mut Ctx, family: Family) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: Body = ctx.json().await?;
    let kind = family
        .kind_for(b.kind)
        .map_err(|e| ApiError::invalid("/kind", e))?;
    let db = ctx.db()?;
    let c = columns(&db, &ws.id, kind, &b, None).await?;
    let id = rand::id::<8>(family.id_prefix())?;
    db::insert_item(&db, &ws.id, &id, kind, &c, ctx.now).await?;
    http::json(201, &row_in(&db, &ws.id, &id, family).await?.view())
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
    let kind = old
        .item_kind()
        .ok_or_else(|| crate::internal("stored kind"))?;
    if b.kind.is_some_and(|k| k != kind) {
        return Err(ApiError::invalid(
            "/kind",
            "the kind of an item cannot change; create a new one",
        ));
    }
    let c = columns(&db, &ws.id, kind, &b, Some(&old)).await?;
    db::update_item(&db, &ws.id, id, kind, &c, ctx.now).await?;
    http::json(200, &row_in(&db, &ws.id, id, family).await?.view())
}

pub async fn delete(ctx: &mut Ctx, family: Family, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    let old = row_in(&db, &ws.id, id, family).await?;
    db::delete_item(&db, &ws.id, &old, ctx.now).await?;
    http::no_content()
}

/// `POST /admin/v1/{family}/{id}/{activate|pause|archive}`.
pub async fn set_status(
    ctx: &mut Ctx,
    family: Family,
    id: &str,
    transition: Transition,
) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    let old = row_in(&db, &ws.id, id, family).await?;
    let from: Status = old
        .status
        .parse()
        .map_err(|_| crate::internal("stored status"))?;
    let to = from
        .after(transition)
        .map_err(|e| ApiError::invalid("/status", e))?;
    if to == Status::Active {
        let kind = old
            .item_kind()
            .ok_or_else(|| crate::internal("stored kind"))?;
        content_json(kind, &parse_json(&old.content), true)?;
    }
    db::set_item_status(&db, &ws.id, &old, to, ctx.now).await?;
    http::json(200, &row_in(&db, &ws.id, id, family).await?.view())
}
