//! The visitor's side of chat: their conversations, sends, reads, rating, live socket.

use super::{
    announce, announce_conversation, check_send, conversation, mark_read, not_found, page_of,
    paging, suggest, ReadBody, SendBody, Team,
};
use crate::auth;
use crate::db;
use crate::db::ConversationRow;
use crate::http;
use crate::http::Ctx;
use crate::rand;
use porchlight_shared::chat::check_body;
use porchlight_shared::chat::check_client_id;
use porchlight_shared::chat::Csat;
use porchlight_shared::types::is_plausible_email;
use porchlight_shared::vocab::AuthorSide;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::json;
use worker::Response;

pub async fn list_mine(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let db = ctx.db()?;
    let team = Team::load(&db, &a.workspace.id).await?;
    let rows = db::visitor_conversations(&db, &a.workspace.id, &a.session.visitor_id).await?;
    let unread: i64 = rows.iter().map(|c| c.unread_for_visitor).sum();
    http::json(
        200,
        &json!({"conversations": rows.iter().map(|c| c.view(&team, false)).collect::<Vec<_>>(), "unread": unread}),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StartBody {
    topic: Option<String>,
    #[serde(default)]
    consent: bool,
    email: Option<String>,
    message: Option<SendBody>,
}

pub async fn start(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: StartBody = ctx.json().await?;
    // Pre-chat, as the workspace set it up: one of its topics, and consent when it asks.
    let messenger = a.workspace.messenger();
    match &b.topic {
        Some(t) if !messenger.topics.is_empty() && !messenger.topics.contains(t) => {
            return Err(ApiError::invalid("/topic", "one of the workspace's topics"))
        }
        Some(t) if t.trim().is_empty() || t.chars().count() > 60 => {
            return Err(ApiError::invalid("/topic", "1-60 characters"))
        }
        None if !messenger.topics.is_empty() => {
            return Err(ApiError::invalid(
                "/topic",
                "pick one of the workspace's topics",
            ))
        }
        _ => {}
    }
    if !messenger.consent_notice.is_empty() && !b.consent {
        return Err(ApiError::invalid(
            "/consent",
            "the visitor accepts the consent notice before the first message",
        ));
    }
    let email = b.email.as_deref().map(str::trim);
    if email.is_some_and(|e| !is_plausible_email(e)) {
        return Err(ApiError::invalid("/email", "an email address"));
    }
    if let Some(m) = &b.message {
        check_client_id(&m.client_id, "/message/clientId")?;
        check_body(&m.body, "/message/body")?;
    }
    let db = ctx.db()?;
    let (ws, vid) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let team = Team::load(&db, ws).await?;
    let fresh_id = rand::id::<10>("cnv_")?;
    let start_cid = b.message.as_ref().map(|m| m.client_id.as_str());
    // Routing: a topic with a teammate goes to them; otherwise round robin picks the teammate
    // assigned longest ago (or never). A routed teammate who has since been deleted falls back
    // to the usual assignment.
    let automation = a.workspace.automation();
    let routed = b
        .topic
        .as_ref()
        .and_then(|t| automation.topic_assignees.get(t.trim()))
        .filter(|t| team.get(Some(t)).is_some());
    let routing = match routed {
        Some(teammate) => db::Routing::To(teammate),
        None if automation.assignment == porchlight_shared::settings::Assignment::RoundRobin => {
            db::Routing::RoundRobin
        }
        None => db::Routing::None,
    };
    // At most one conversation per first-message clientId: a retried start finds its own. An
    // email typed into the pre-chat form is stored, unverified: it never matches or merges
    // with another visitor without proof.
    let new = db::NewConversation {
        id: &fresh_id,
        topic: b.topic.as_deref().map(str::trim),
        consent: b.consent,
        start_client_id: start_cid,
        routing,
        email,
    };
    let id = db::start_conversation(&db, ws, vid, &new, ctx.now).await?;
    let created = id == fresh_id;
    let mut c = conversation(&db, ws, &id, Some(vid)).await?;
    let mut first = None;
    if let Some(m) = &b.message {
        let (row, stored) = db::store_message(
            &db,
            &c,
            AuthorSide::Visitor,
            Some(vid),
            &m.client_id,
            &m.body,
            ctx.now,
        )
        .await?;
        c = conversation(&db, ws, &id, Some(vid)).await?;
        if stored {
            announce(ctx, &c, &row, &team).await;
        }
        first = Some(row.view(&team));
        // A new conversation: the help center may answer before a teammate does.
        if created && stored {
            let language = crate::routes::help::visitor_language(&db, &a).await;
            suggest(ctx, &db, &c, (&m.body, language), &team).await;
            c = conversation(&db, ws, &id, Some(vid)).await?;
        }
    }
    if created {
        announce_conversation(ctx, &c, &team).await;
    }
    http::json(
        if created { 201 } else { 200 },
        &json!({"conversation": c.view(&team, false), "message": first}),
    )
}

pub async fn messages(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let (after, limit) = paging(ctx)?;
    let db = ctx.db()?;
    let c = conversation(&db, &a.workspace.id, id, Some(&a.session.visitor_id)).await?;
    let team = Team::load(&db, &a.workspace.id).await?;
    let mut page = page_of(&db, &c, after, limit, &team).await?;
    if let Some(o) = page.as_object_mut() {
        o.insert("conversation".into(), c.view(&team, false));
    }
    http::json(200, &page)
}

pub async fn send(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    // The hot path: one read round trip (the session and, if it owns it, the conversation's
    // own row without counts), one write batch, one announcement.
    let (a, c) =
        auth::visitor_and::<ConversationRow>(ctx, &db::own_conversation_sql(), &[db::s(id)])
            .await?;
    let b: SendBody = ctx.json().await?;
    check_send(&b)?;
    // Another visitor's conversation is not found (never "forbidden": ids are not confirmed).
    let c = c.ok_or_else(not_found)?;
    let db = ctx.db()?;
    let vid = a.session.visitor_id.clone();
    let (row, fresh) = db::store_message(
        &db,
        &c,
        AuthorSide::Visitor,
        Some(&vid),
        &b.client_id,
        &b.body,
        ctx.now,
    )
    .await?;
    if row.author_type != AuthorSide::Visitor.as_str() {
        // The client id is taken by the other side's message: a client bug, not a retry.
        return Err(ApiError::new(
            ErrorCode::AlreadyExists,
            "this clientId is used by another message",
        ));
    }
    // A visitor's message names no teammate.
    let team = Team(Vec::new());
    if fresh {
        announce(ctx, &c, &row, &team).await;
    }
    http::json(
        if fresh { 201 } else { 200 },
        &json!({"message": row.view(&team), "duplicate": !fresh}),
    )
}

pub async fn read(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: ReadBody = ctx.json().await?;
    let db = ctx.db()?;
    let c = conversation(&db, &a.workspace.id, id, Some(&a.session.visitor_id)).await?;
    mark_read(ctx, &db, c, AuthorSide::Visitor, b.seq).await
}

pub async fn csat(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: Csat = ctx.json().await?;
    b.validate()?;
    let db = ctx.db()?;
    let c = conversation(&db, &a.workspace.id, id, Some(&a.session.visitor_id)).await?;
    if c.status != "closed" {
        return Err(ApiError::invalid(
            "/rating",
            "a conversation is rated once it is closed",
        ));
    }
    if !a.workspace.automation().csat {
        return Err(ApiError::invalid(
            "/rating",
            "this workspace does not ask for ratings",
        ));
    }
    if c.csat_rating.is_some() {
        return Err(ApiError::new(
            ErrorCode::AlreadyExists,
            "this conversation is already rated",
        ));
    }
    db::rate_conversation(&db, &c.id, b.rating, b.comment.as_deref(), ctx.now).await?;
    let team = Team::load(&db, &a.workspace.id).await?;
    let c = conversation(&db, &a.workspace.id, id, None).await?;
    announce_conversation(ctx, &c, &team).await;
    http::json(200, &json!({"conversation": c.view(&team, false)}))
}
