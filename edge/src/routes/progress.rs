//! What a visitor does with tours, surveys and checklists, checked on the server against the
//! item (state machine, step bounds and pages, answers, task kinds): `POST
//! /v1/tours/{id}/progress`, `POST /v1/surveys/{id}/responses`, `POST
//! /v1/checklists/{id}/tasks/{taskId}`; and the owner's side, `GET
//! /admin/v1/surveys/{id}/results`. The visitor is always the token's; an item must be live in
//! the token's workspace.

mod checklists;
mod surveys;
mod tours;

use porchlight_shared::ApiError;

use super::items::ItemRow;

pub use checklists::task;
pub use surveys::{respond, results};
pub use tours::tour;

fn stored<T: serde::de::DeserializeOwned>(row: &ItemRow) -> Result<T, ApiError> {
    porchlight_shared::translations::read_default(&row.content).map_err(crate::internal)
}
