//! `items`: every authored item (outbound messages, tooltips, tours, surveys, checklists) in one
//! table, read and written by family; deleting an item deletes what visitors did with it.

use porchlight_shared::vocab::{Family, ItemKind, Status};
use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement};

use super::{audit, n, opt, s, stmt, Batch};

#[derive(Deserialize, Clone)]
pub struct ItemRow {
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

impl ItemRow {
    pub fn view(&self) -> Value {
        json!({"id": self.id, "kind": self.kind, "status": self.status, "name": self.name, "priority": self.priority,
               "content": parse_json(&self.content), "audience": self.audience.as_deref().map(parse_json),
               "triggers": parse_json(&self.triggers), "frequency": parse_json(&self.frequency),
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
    pub fn item_kind(&self) -> Option<ItemKind> {
        self.kind.parse().ok()
    }
}

const COLS: &str = "id, kind, status, name, priority, content, audience, triggers, frequency, created_at, updated_at";

/// ` AND kind IN ('chat', 'post', 'banner')`: the family's kinds, for a WHERE clause (the
/// words come from the vocabulary, never from a request).
fn family_sql(family: Family) -> String {
    let kinds: Vec<String> = family
        .kinds()
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    format!(" AND kind IN ({})", kinds.join(", "))
}

/// An item of this family in this workspace (another family's id is not found here), to put
/// in a caller's batch.
pub fn item_statement(
    db: &D1Database,
    ws: &str,
    id: &str,
    family: Family,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        &format!(
            "SELECT {COLS} FROM items WHERE workspace_id = ?1 AND id = ?2{}",
            family_sql(family)
        ),
        &[s(ws), s(id)],
    )
}

pub async fn item_row(
    db: &D1Database,
    ws: &str,
    id: &str,
    family: Family,
) -> Result<Option<ItemRow>, ApiError> {
    Ok(super::all::<ItemRow>(item_statement(db, ws, id, family)?)
        .await?
        .into_iter()
        .next())
}

/// The family's items, oldest first.
pub async fn item_rows(
    db: &D1Database,
    ws: &str,
    family: Family,
) -> Result<Vec<ItemRow>, ApiError> {
    super::all::<ItemRow>(stmt(
        db,
        &format!(
            "SELECT {COLS} FROM items WHERE workspace_id = ?1{} ORDER BY created_at, id",
            family_sql(family)
        ),
        &[s(ws)],
    )?)
    .await
}

/// Validated, canonical column values of an item.
pub struct ItemColumns {
    pub name: String,
    pub priority: i64,
    pub content: String,
    pub audience: Option<String>,
    pub triggers: String,
    pub frequency: String,
}

/// A new draft item, with its audit entry.
pub async fn insert_item(
    db: &D1Database,
    ws: &str,
    id: &str,
    kind: ItemKind,
    c: &ItemColumns,
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "INSERT INTO items (id, workspace_id, kind, status, name, priority, content, audience, triggers, frequency, created_at, updated_at) \
         VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        &[s(id), s(ws), s(kind.as_str()), s(&c.name), n(c.priority), s(&c.content), opt(c.audience.as_deref()), s(&c.triggers), s(&c.frequency), n(now)],
    )?);
    batch.write(audit(
        db,
        ws,
        &format!("{kind}.created"),
        id,
        &json!({}),
        now,
    )?);
    batch.run(db).await.map(drop)
}

/// Every write of an item moves its `updated_at` forward (even twice in one millisecond): what
/// isolates hold of an item is keyed by it (`active.rs`, the parsed delivery settings).
pub async fn update_item(
    db: &D1Database,
    ws: &str,
    id: &str,
    kind: ItemKind,
    c: &ItemColumns,
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "UPDATE items SET name = ?3, priority = ?4, content = ?5, audience = ?6, triggers = ?7, frequency = ?8, updated_at = MAX(?9, updated_at + 1) WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id), s(&c.name), n(c.priority), s(&c.content), opt(c.audience.as_deref()), s(&c.triggers), s(&c.frequency), n(now)],
    )?);
    batch.write(audit(
        db,
        ws,
        &format!("{kind}.updated"),
        id,
        &json!({}),
        now,
    )?);
    batch.run(db).await.map(drop)
}

/// Deletes an item and every visitor's progress on it, in one transaction.
pub async fn delete_item(
    db: &D1Database,
    ws: &str,
    old: &ItemRow,
    now: i64,
) -> Result<(), ApiError> {
    let both = [s(ws), s(&old.id)];
    let mut batch = Batch::new();
    for sql in [
        "DELETE FROM tour_progress WHERE workspace_id = ?1 AND tour_id = ?2",
        "DELETE FROM survey_responses WHERE workspace_id = ?1 AND survey_id = ?2",
        "DELETE FROM checklist_progress WHERE workspace_id = ?1 AND checklist_id = ?2",
        "DELETE FROM items WHERE workspace_id = ?1 AND id = ?2",
    ] {
        batch.write(stmt(db, sql, &both)?);
    }
    batch.write(audit(
        db,
        ws,
        &format!("{}.deleted", old.kind),
        &old.id,
        &json!({}),
        now,
    )?);
    batch.run(db).await.map(drop)
}

pub async fn set_item_status(
    db: &D1Database,
    ws: &str,
    old: &ItemRow,
    to: Status,
    now: i64,
) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "UPDATE items SET status = ?3, updated_at = MAX(?4, updated_at + 1) WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(&old.id), s(to.as_str()), n(now)],
    )?);
    batch.write(audit(
        db,
        ws,
        &format!("{}.{to}", old.kind),
        &old.id,
        &json!({"from": old.status}),
        now,
    )?);
    batch.run(db).await.map(drop)
}

pub fn parse_json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}
