//! The item a preview link names: any authored kind, any status, in this workspace.

use porchlight_shared::ApiError;
use worker::D1Database;

use super::items::ItemRow;
use super::{first, s};

pub async fn any_item_row(
    db: &D1Database,
    ws: &str,
    id: &str,
) -> Result<Option<ItemRow>, ApiError> {
    first(
        db,
        "SELECT id, kind, status, name, priority, content, audience, triggers, frequency, created_at, updated_at \
         FROM items WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id)],
    )
    .await
}
