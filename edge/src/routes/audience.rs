//! Estimated reach (`POST /admin/v1/audience/reach`): how many known visitors an audience rule
//! admits now. The rule is validated as a save would (the engine's errors under `/rule`,
//! segment references checked in this workspace), then evaluated with the shared engine over a
//! bounded sample of the workspace's visitors (`db::reach_sample`); the answer says when the
//! figure is scaled from a sample. The item's `triggers` and `frequency`, when sent, are
//! checked as a save checks them (`shared::content::Delivery`, errors under `/triggers/i` and
//! `/frequency`) so the console's builders validate with the engine before saving; they do not
//! change the count. `count: false` checks everything and counts nothing (`204`): the console
//! asks so when only the triggers or the frequency changed, sparing the visitor sample. Reads
//! only.

use porchlight_shared::content::Delivery;
use porchlight_shared::targeting::reach::reach;
use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::Response;

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReachBody {
    /// `null`: everyone.
    rule: Value,
    /// Checked only (as a save would); `null` or absent: not checked.
    #[serde(default)]
    triggers: Option<Value>,
    #[serde(default)]
    frequency: Option<Value>,
    /// `false`: check only, no count (`204`).
    #[serde(default = "counted")]
    count: bool,
}

fn counted() -> bool {
    true
}

pub async fn reach_estimate(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let body: ReachBody = ctx.json().await?;
    let db = ctx.db()?;
    let rule = match &body.rule {
        Value::Null => None,
        v => Some(super::segments::validate_rule(&db, &ws.id, v, None).await?),
    };
    Delivery::parse(None, body.triggers.as_ref(), body.frequency.as_ref())?;
    if !body.count {
        return http::no_content();
    }
    let segments = db::workspace_segments(&db, &ws.id).await?;
    let sample = db::reach_sample(&db, &ws.id).await?;
    let r = reach(
        rule.as_ref(),
        &sample.subjects,
        &segments,
        ctx.now,
        sample.total.max(0) as u64,
    );
    http::json(
        200,
        &json!({
            "matched": r.matched,
            "scanned": r.scanned,
            "total": r.total,
            "estimated": r.estimated,
            "sample": r.is_sample() || !sample.events_complete,
        }),
    )
}
