//! The active items of a workspace as `/v1/eligible` reads them, with the large columns
//! (content, audience, triggers, frequency) sent only for item versions this isolate does not
//! hold. Which versions it holds is a guess the database checks in the same statement: a row
//! comes without them only when its stored `updated_at` is the one held (an edit changes it).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{Map, Value};
use worker::D1Database;

use super::{s, stmt, Batch, ItemRow, Results, Rows};
use crate::internal;

thread_local! {
    /// By workspace: its active items as last read (by id), to leave out of the next read.
    static ACTIVE: RefCell<HashMap<String, HashMap<String, Rc<ItemRow>>>> = RefCell::new(HashMap::new());
}

/// At most this many workspaces' items are held per isolate.
const ACTIVE_CAP: usize = 256;

/// A row of the read: the large columns are `NULL` when `known` (the held version is current).
#[derive(Deserialize)]
struct ActiveRow {
    id: String,
    kind: String,
    status: String,
    name: String,
    priority: i64,
    created_at: i64,
    updated_at: i64,
    known: i64,
    content: Option<String>,
    audience: Option<String>,
    triggers: Option<String>,
    frequency: Option<String>,
}

/// The read of a workspace's active items, in a caller's batch.
pub struct ActiveRead {
    ws: String,
    rows: Rows<ActiveRow>,
    /// What this isolate held when the statement was made (requests interleave: the map may
    /// change before the answer comes back).
    held: HashMap<String, Rc<ItemRow>>,
}

impl ActiveRead {
    pub fn add(batch: &mut Batch, db: &D1Database, ws: &str) -> Result<ActiveRead, ApiError> {
        let held = ACTIVE.with(|m| m.borrow().get(ws).cloned().unwrap_or_default());
        let versions: Map<String, Value> = held
            .iter()
            .map(|(id, row)| (id.clone(), Value::from(row.updated_at)))
            .collect();
        let rows = batch.read(stmt(
            db,
            "SELECT i.id, i.kind, i.status, i.name, i.priority, i.created_at, i.updated_at, k.key IS NOT NULL AS known, \
             CASE WHEN k.key IS NULL THEN i.content END AS content, CASE WHEN k.key IS NULL THEN i.audience END AS audience, \
             CASE WHEN k.key IS NULL THEN i.triggers END AS triggers, CASE WHEN k.key IS NULL THEN i.frequency END AS frequency \
             FROM items i LEFT JOIN json_each(?2) k ON k.key = i.id AND k.value = i.updated_at \
             WHERE i.workspace_id = ?1 AND i.status = 'active' ORDER BY i.created_at, i.id",
            &[s(ws), s(&Value::Object(versions).to_string())],
        )?);
        Ok(ActiveRead {
            ws: ws.to_string(),
            rows,
            held,
        })
    }

    /// Every active item, whole (oldest first); this isolate now holds exactly these.
    pub fn take(self, results: &mut Results) -> Result<Vec<ItemRow>, ApiError> {
        let missing = || internal("an item version held for the read is gone");
        let mut now_held = HashMap::new();
        let mut out = Vec::new();
        for r in results.rows(self.rows)? {
            let (content, audience, triggers, frequency) = if r.known != 0 {
                let h = self.held.get(&r.id).ok_or_else(missing)?;
                (
                    h.content.clone(),
                    h.audience.clone(),
                    h.triggers.clone(),
                    h.frequency.clone(),
                )
            } else {
                (
                    r.content.ok_or_else(missing)?,
                    r.audience,
                    r.triggers.ok_or_else(missing)?,
                    r.frequency.ok_or_else(missing)?,
                )
            };
            let row = ItemRow {
                id: r.id,
                kind: r.kind,
                status: r.status,
                name: r.name,
                priority: r.priority,
                content,
                audience,
                triggers,
                frequency,
                created_at: r.created_at,
                updated_at: r.updated_at,
            };
            now_held.insert(row.id.clone(), Rc::new(row.clone()));
            out.push(row);
        }
        ACTIVE.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= ACTIVE_CAP && !m.contains_key(&self.ws) {
                m.clear();
            }
            m.insert(self.ws, now_held);
        });
        Ok(out)
    }
}
