//! Teammates: who answers chats, each with their own key (shown once, stored hashed).

use super::Team;
use crate::auth;
use crate::db;
use crate::db::TeammateRow;
use crate::http;
use crate::http::Ctx;
use crate::rand;
use porchlight_shared::types::is_plausible_email;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::json;
use worker::Response;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TeammateBody {
    name: String,
    email: Option<String>,
    avatar_url: Option<String>,
}

pub async fn list_teammates(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let team = Team::load(&ctx.db()?, &agent.workspace.id).await?;
    http::json(
        200,
        &json!({"teammates": team.0.iter().map(TeammateRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn create_teammate(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: TeammateBody = ctx.json().await?;
    let name = b.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ApiError::invalid("/name", "1-80 characters"));
    }
    if b.email.as_deref().is_some_and(|e| !is_plausible_email(e)) {
        return Err(ApiError::invalid("/email", "an email address"));
    }
    if b.avatar_url
        .as_deref()
        .is_some_and(|u| !porchlight_shared::types::is_safe_http_url(u))
    {
        return Err(ApiError::invalid("/avatarUrl", "an http(s) URL"));
    }
    let id = rand::id::<8>("tm_")?;
    let key = porchlight_shared::token::TeammateKey::from_random(rand::bytes::<32>()?);
    let db = ctx.db()?;
    let new = db::NewTeammate {
        id: &id,
        name,
        email: b.email.as_deref(),
        avatar_url: b.avatar_url.as_deref(),
        key_hash: &key.storage_hash(),
    };
    db::insert_teammate(&db, &ws.id, &new, ctx.now).await?;
    let team = Team::load(&db, &ws.id).await?;
    let t = team
        .get(Some(&id))
        .ok_or_else(|| crate::internal("teammate vanished"))?;
    http::json(201, &json!({"teammate": t.view(), "key": key.as_str()}))
}

pub async fn delete_teammate(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    let team = Team::load(&db, &ws.id).await?;
    if team.get(Some(id)).is_none() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "no such teammate in this workspace",
        ));
    }
    db::delete_teammate(&db, &ws.id, id, ctx.now).await?;
    // Their open console sockets go too.
    crate::hub::close_agent_sockets(&ctx.env, &ws.id, id).await;
    http::no_content()
}
