//! A preview in an eligible answer: when the question carries a preview token
//! (`routes::previews`) that verifies for this workspace, the item it names is added to the
//! answer whatever its status, audience, schedule or frequency — as `preview-<id>`, with no
//! triggers and `always`, so it shows at once and every act on it (impression, tour progress,
//! survey answer) is refused by the edge as an unknown item: nothing is counted or stored. A
//! token that does not verify changes nothing but `previewError` (the page still works).

use porchlight_shared::experiences::served_steps;
use porchlight_shared::preview::verify;
use porchlight_shared::ApiError;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use worker::D1Database;

use crate::db::{self, WorkspaceRow};
use crate::routes::items::{parse_json, ItemKind};

use super::Page;

/// The answer with the preview applied (unchanged when the question asked for none).
pub async fn apply(
    db: &D1Database,
    ws: &WorkspaceRow,
    page: &Page,
    answer: Box<RawValue>,
    now: i64,
) -> Result<Box<RawValue>, ApiError> {
    let Some(token) = &page.preview else {
        return Ok(answer);
    };
    let mut out: Value = serde_json::from_str(answer.get()).map_err(crate::internal)?;
    let row = match verify(&ws.identity_secret, &ws.id, token, now) {
        Ok(id) => db::any_item_row(db, &ws.id, &id).await?,
        Err(why) => {
            out["previewError"] = json!(why.message());
            return serde_json::value::to_raw_value(&out).map_err(crate::internal);
        }
    };
    let kind = row.as_ref().and_then(|r| r.item_kind());
    let (Some(row), Some(kind)) = (row, kind) else {
        out["previewError"] = json!("the previewed item no longer exists");
        return serde_json::value::to_raw_value(&out).map_err(crate::internal);
    };
    let mut content = parse_json(&row.content);
    if kind == ItemKind::Tour {
        served_steps(&mut content);
    }
    let mut item = json!({
        "id": format!("preview-{}", row.id), "kind": row.kind, "priority": row.priority,
        "content": content, "triggers": [], "frequency": "always",
        "history": {"shown": 0, "lastShownAt": null, "dismissed": false, "completed": false},
    });
    match kind {
        ItemKind::Tour => item["progress"] = Value::Null,
        ItemKind::Survey => item["response"] = Value::Null,
        ItemKind::Checklist => {
            let tasks: Vec<Value> = content
                .get("tasks")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .map(|t| json!({"id": t.get("id"), "done": false}))
                        .collect()
                })
                .unwrap_or_default();
            item["completed"] = json!(false);
            item["tasks"] = json!(tasks);
        }
        _ => {}
    }
    if let Some(list) = out
        .get_mut(kind.family().key())
        .and_then(Value::as_array_mut)
    {
        // The item itself, if the visitor would see it anyway, makes way for its preview.
        list.retain(|i| i.get("id").and_then(Value::as_str) != Some(row.id.as_str()));
        list.insert(0, item);
    }
    out["active"] = json!(true);
    out["preview"] = json!({"itemId": row.id});
    serde_json::value::to_raw_value(&out).map_err(crate::internal)
}
