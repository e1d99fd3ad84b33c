//! The agents' side of chat: inbox, replies as a teammate, read, close, assign / transfer.

use super::{
    announce, announce_conversation, check_send, conversation, conversation_with, mark_read,
    page_of, paging, ReadBody, SendBody, Team,
};
use crate::auth;
use crate::db;
use crate::db::TeammateRow;
use crate::http;
use crate::http::Ctx;
use crate::hub;
use porchlight_shared::vocab::AuthorSide;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::json;
use serde_json::Value;
use worker::Response;

/// `GET /admin/v1/live/stats`: how many sockets the workspace's hub holds, and since when its
/// current instance has been awake (an instance younger than the sockets shows that the runtime
/// hibernated the hub and kept them open).
pub async fn admin_live_stats(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let stats = hub::stats(&ctx.env, &agent.workspace.id)
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal, "the live hub did not answer"))?;
    http::json(200, &stats)
}

pub async fn admin_list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let status = ctx.query("status")?.unwrap_or_else(|| "open".into());
    let filter = match status.as_str() {
        "open" => db::InboxFilter::Open,
        "closed" => db::InboxFilter::Closed,
        "all" => db::InboxFilter::All,
        _ => return Err(ApiError::invalid("/status", "open, closed or all")),
    };
    // One visitor's conversations (their profile), however long ago they last wrote.
    let visitor = ctx.query_id("visitorId")?;
    let db = ctx.db()?;
    let ws = &agent.workspace.id;
    let team = Team::load(&db, ws).await?;
    // One batch (one snapshot): the conversations listed, and only their visitors (not
    // everyone who ever chatted).
    let (rows, visitors) = db::inbox(&db, ws, filter, visitor.as_deref()).await?;
    let presence = hub::presence(&ctx.env, ws).await;
    let list: Vec<Value> = rows
        .iter()
        .map(|c| {
            let mut v = c.view(&team, true);
            if let Some(o) = v.as_object_mut() {
                let who = visitors.iter().find(|w| w.id == c.visitor_id);
                o.insert("visitor".into(), json!({"id": c.visitor_id, "readableId": who.map(|w| &w.readable_id), "name": who.and_then(|w| w.name.as_ref()), "email": who.and_then(|w| w.email.as_ref()),
                    "presence": presence.get(&c.visitor_id).cloned().unwrap_or(json!("gone"))}));
            }
            v
        })
        .collect();
    http::json(
        200,
        &json!({"conversations": list, "teammates": team.0.iter().map(TeammateRow::public_view).collect::<Vec<_>>()}),
    )
}

pub async fn admin_messages(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let (after, limit) = paging(ctx)?;
    let db = ctx.db()?;
    let c = conversation(&db, &agent.workspace.id, id, None).await?;
    let team = Team::load(&db, &agent.workspace.id).await?;
    let mut page = page_of(&db, &c, after, limit, &team).await?;
    if let Some(o) = page.as_object_mut() {
        o.insert("conversation".into(), c.view(&team, true));
    }
    http::json(200, &page)
}

pub async fn admin_send(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let b: SendBody = ctx.json().await?;
    check_send(&b)?;
    let db = ctx.db()?;
    let ws = agent.workspace.id.clone();
    let c = conversation_with(&db, &ws, id, None, db::CONV_COLS_LIGHT).await?;
    let Some(teammate) = agent.teammate else {
        return Err(ApiError::new(
            ErrorCode::NotAuthorized,
            "replies are sent as a teammate: use a teammate key (POST /admin/v1/teammates)",
        ));
    };
    let (row, fresh) = db::store_message(
        &db,
        &c,
        AuthorSide::Agent,
        Some(&teammate.id),
        &b.client_id,
        &b.body,
        ctx.now,
    )
    .await?;
    if row.author_type != AuthorSide::Agent.as_str() {
        return Err(ApiError::new(
            ErrorCode::AlreadyExists,
            "this clientId is used by another message",
        ));
    }
    let me = Team(vec![teammate]);
    if fresh {
        announce(ctx, &c, &row, &me).await;
        // The first reply assigns and ends the queue: both sides see the conversation change.
        if c.first_agent_reply_at.is_none() || c.assignee_id.is_none() {
            let team = Team::load(&db, &ws).await?;
            let c = conversation(&db, &ws, id, None).await?;
            announce_conversation(ctx, &c, &team).await;
        }
    }
    http::json(
        if fresh { 201 } else { 200 },
        &json!({"message": row.view(&me), "duplicate": !fresh}),
    )
}

pub async fn admin_read(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let b: ReadBody = ctx.json().await?;
    let db = ctx.db()?;
    let c = conversation(&db, &agent.workspace.id, id, None).await?;
    mark_read(ctx, &db, c, AuthorSide::Agent, b.seq).await
}

pub async fn admin_close(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let db = ctx.db()?;
    let c = conversation(&db, &agent.workspace.id, id, None).await?;
    db::close_conversation(&db, &c.id, ctx.now).await?;
    let team = Team::load(&db, &agent.workspace.id).await?;
    let c = conversation(&db, &agent.workspace.id, id, None).await?;
    announce_conversation(ctx, &c, &team).await;
    http::json(200, &json!({"conversation": c.view(&team, true)}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssignBody {
    teammate_id: Option<String>,
}

/// Assigns (or, with `teammateId: null`, unassigns); assigning to another teammate transfers.
pub async fn admin_assign(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let b: AssignBody = ctx.json().await?;
    let db = ctx.db()?;
    let ws = agent.workspace.id.clone();
    let c = conversation(&db, &ws, id, None).await?;
    let team = Team::load(&db, &ws).await?;
    if let Some(t) = &b.teammate_id {
        if team.get(Some(t)).is_none() {
            return Err(ApiError::invalid(
                "/teammateId",
                "no such teammate in this workspace",
            ));
        }
    }
    db::assign_conversation(&db, &c.id, b.teammate_id.as_deref(), ctx.now).await?;
    let c = conversation(&db, &ws, id, None).await?;
    announce_conversation(ctx, &c, &team).await;
    http::json(200, &json!({"conversation": c.view(&team, true)}))
}
