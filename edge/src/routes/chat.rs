//! Live chat: conversations and messages (D1), announced through the workspace's hub (a
//! Durable Object holding the WebSockets). A message is acknowledged only once stored; one D1
//! batch — a transaction — numbers it (`seq`, a total order per conversation), stores it at most
//! once per `clientId`, and updates its conversation. Visitors reach only their own
//! conversations; teammates (their own `ptk_` key) or the workspace key reach the workspace's.

use porchlight_shared::chat::{check_body, check_client_id, Csat};
use porchlight_shared::types::is_plausible_email;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement, Headers, Method, Request, RequestInit, Response};

use crate::auth::{self, Agent};
use crate::db::{self, n, opt, s, TeammateRow, TEAMMATE_COLS};
use crate::http::{self, Ctx};
use crate::{hub, rand};

#[derive(Deserialize, Clone)]
pub struct ConversationRow {
    pub id: String,
    pub workspace_id: String,
    pub visitor_id: String,
    pub status: String,
    pub topic: Option<String>,
    pub assignee_id: Option<String>,
    pub last_seq: i64,
    pub visitor_read_seq: i64,
    pub agent_read_seq: i64,
    pub first_agent_reply_at: Option<i64>,
    pub csat_rating: Option<i64>,
    pub csat_comment: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_message_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// Visitor messages after the agents' read position / agent messages after the visitor's.
    #[serde(default)]
    pub unread_for_agent: i64,
    #[serde(default)]
    pub unread_for_visitor: i64,
    /// Open conversations still waiting for a first reply, created before this one (+1).
    #[serde(default)]
    pub queue_position: Option<i64>,
}

const CONV_COLS: &str = "c.id, c.workspace_id, c.visitor_id, c.status, c.topic, c.assignee_id, c.last_seq, c.visitor_read_seq, c.agent_read_seq, \
    c.first_agent_reply_at, c.csat_rating, c.csat_comment, c.created_at, c.updated_at, c.last_message_at, c.closed_at, \
    (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.author_type = 'visitor' AND m.seq > c.agent_read_seq) AS unread_for_agent, \
    (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.author_type <> 'visitor' AND m.seq > c.visitor_read_seq) AS unread_for_visitor, \
    CASE WHEN c.status = 'open' AND c.first_agent_reply_at IS NULL THEN \
      (SELECT COUNT(*) FROM conversations q WHERE q.workspace_id = c.workspace_id AND q.status = 'open' AND q.first_agent_reply_at IS NULL \
       AND (q.created_at < c.created_at OR (q.created_at = c.created_at AND q.id <= c.id))) END AS queue_position";

/// The conversation's own columns, without the counts (the send path needs no more).
const CONV_COLS_LIGHT: &str = "c.id, c.workspace_id, c.visitor_id, c.status, c.topic, c.assignee_id, c.last_seq, c.visitor_read_seq, c.agent_read_seq, \
    c.first_agent_reply_at, c.csat_rating, c.csat_comment, c.created_at, c.updated_at, c.last_message_at, c.closed_at";

#[derive(Deserialize, Clone)]
pub struct MessageRow {
    pub id: String,
    pub conversation_id: String,
    pub seq: i64,
    pub author_type: String,
    pub author_id: Option<String>,
    pub client_id: String,
    pub body: String,
    pub created_at: i64,
}

const MSG_COLS: &str =
    "id, conversation_id, seq, author_type, author_id, client_id, body, created_at";

/// The workspace's teammates, to name who answers.
struct Team(Vec<TeammateRow>);

impl Team {
    async fn load(db: &D1Database, ws: &str) -> Result<Team, ApiError> {
        Ok(Team(
            db::all(db::stmt(
                db,
                &format!("SELECT {TEAMMATE_COLS} FROM teammates WHERE workspace_id = ?1 ORDER BY created_at"),
                &[s(ws)],
            )?)
            .await?,
        ))
    }
    fn get(&self, id: Option<&str>) -> Option<&TeammateRow> {
        id.and_then(|id| self.0.iter().find(|t| t.id == id))
    }
}

impl MessageRow {
    fn view(&self, team: &Team) -> Value {
        let author = match self.author_type.as_str() {
            "agent" => match team.get(self.author_id.as_deref()) {
                Some(t) => {
                    json!({"type": "agent", "id": t.id, "name": t.name, "avatarUrl": t.avatar_url})
                }
                None => json!({"type": "agent", "name": "Team"}),
            },
            other => json!({"type": other}),
        };
        json!({"id": self.id, "conversationId": self.conversation_id, "seq": self.seq, "author": author,
               "clientId": self.client_id, "body": self.body, "createdAt": self.created_at})
    }
}

impl ConversationRow {
    fn view(&self, team: &Team, for_agent: bool) -> Value {
        let mut v = json!({
            "id": self.id, "status": self.status, "topic": self.topic,
            "assignee": team.get(self.assignee_id.as_deref()).map(TeammateRow::public_view),
            "lastSeq": self.last_seq, "visitorReadSeq": self.visitor_read_seq, "agentReadSeq": self.agent_read_seq,
            "unread": if for_agent { self.unread_for_agent } else { self.unread_for_visitor },
            "queuePosition": self.queue_position,
            "csat": self.csat_rating.map(|r| json!({"rating": r, "comment": self.csat_comment})),
            "createdAt": self.created_at, "updatedAt": self.updated_at,
            "lastMessageAt": self.last_message_at, "closedAt": self.closed_at, "firstReplyAt": self.first_agent_reply_at,
        });
        if for_agent {
            if let Some(o) = v.as_object_mut() {
                o.insert("visitorId".into(), json!(self.visitor_id));
            }
        }
        v
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such conversation")
}

async fn conversation(
    db: &D1Database,
    ws: &str,
    id: &str,
    visitor: Option<&str>,
) -> Result<ConversationRow, ApiError> {
    conversation_with(db, ws, id, visitor, CONV_COLS).await
}

async fn conversation_with(
    db: &D1Database,
    ws: &str,
    id: &str,
    visitor: Option<&str>,
    cols: &str,
) -> Result<ConversationRow, ApiError> {
    let row: Option<ConversationRow> = db::first(
        db,
        &format!("SELECT {cols} FROM conversations c WHERE c.workspace_id = ?1 AND c.id = ?2"),
        &[s(ws), s(id)],
    )
    .await?;
    // Another visitor's conversation is not found (never "forbidden": ids are not confirmed).
    row.filter(|c| visitor.is_none_or(|v| v == c.visitor_id))
        .ok_or_else(not_found)
}

/// The statements that store one message (at most once per client id) and update its
/// conversation, ending with a read of the stored row.
fn store_message(
    db: &D1Database,
    c: &ConversationRow,
    author_type: &str,
    author_id: Option<&str>,
    client_id: &str,
    body: &str,
    now: i64,
) -> Result<(String, Vec<D1PreparedStatement>), ApiError> {
    let id = rand::id::<10>("msg_")?;
    let mut stmts = vec![
        db::stmt(
            db,
            "INSERT OR IGNORE INTO messages (id, conversation_id, workspace_id, seq, author_type, author_id, client_id, body, created_at) \
             SELECT ?1, ?2, ?3, COALESCE(MAX(seq), 0) + 1, ?4, ?5, ?6, ?7, ?8 FROM messages WHERE conversation_id = ?2",
            &[s(&id), s(&c.id), s(&c.workspace_id), s(author_type), opt(author_id), s(client_id), s(body), n(now)],
        )?,
        // Only a newly stored message moves the conversation (a retry changes nothing).
        db::stmt(
            db,
            "UPDATE conversations SET last_seq = (SELECT seq FROM messages WHERE id = ?2), last_message_at = ?3, updated_at = ?3, \
             status = CASE WHEN ?4 = 'visitor' THEN 'open' ELSE status END, closed_at = CASE WHEN ?4 = 'visitor' THEN NULL ELSE closed_at END, \
             visitor_read_seq = CASE WHEN ?4 = 'visitor' THEN (SELECT seq FROM messages WHERE id = ?2) ELSE visitor_read_seq END, \
             agent_read_seq = CASE WHEN ?4 = 'agent' THEN (SELECT seq FROM messages WHERE id = ?2) ELSE agent_read_seq END, \
             first_agent_reply_at = CASE WHEN ?4 = 'agent' THEN COALESCE(first_agent_reply_at, ?3) ELSE first_agent_reply_at END, \
             assignee_id = CASE WHEN ?4 = 'agent' THEN COALESCE(assignee_id, ?5) ELSE assignee_id END \
             WHERE id = ?1 AND EXISTS (SELECT 1 FROM messages WHERE id = ?2)",
            &[s(&c.id), s(&id), n(now), s(author_type), opt(author_id)],
        )?,
    ];
    stmts.push(db::stmt(
        db,
        &format!("SELECT {MSG_COLS} FROM messages WHERE conversation_id = ?1 AND client_id = ?2"),
        &[s(&c.id), s(client_id)],
    )?);
    Ok((id, stmts))
}

/// Runs [`store_message`]'s batch: the stored row, and whether this call stored it.
async fn run_store(
    db: &D1Database,
    id: String,
    stmts: Vec<D1PreparedStatement>,
) -> Result<(MessageRow, bool), ApiError> {
    let results = db.batch(stmts).await.map_err(crate::internal)?;
    let row = results
        .last()
        .ok_or_else(|| crate::internal("short batch"))?
        .results::<MessageRow>()
        .map_err(crate::internal)?
        .into_iter()
        .next()
        .ok_or_else(|| crate::internal("message not stored"))?;
    let fresh = row.id == id;
    Ok((row, fresh))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendBody {
    client_id: String,
    body: String,
}

fn check_send(b: &SendBody) -> Result<(), ApiError> {
    check_client_id(&b.client_id, "/clientId")?;
    check_body(&b.body, "/body")
}

/// Tells both sides about a message and the conversation it changed.
async fn announce(ctx: &Ctx, c: &ConversationRow, msg: &MessageRow, team: &Team) {
    let m = msg.view(team);
    hub::notify(
        &ctx.env,
        &c.workspace_id,
        Some(&c.visitor_id),
        true,
        json!({"type": "message", "conversationId": c.id, "message": m}),
    )
    .await;
}

async fn announce_conversation(ctx: &Ctx, c: &ConversationRow, team: &Team) {
    hub::notify(
        &ctx.env,
        &c.workspace_id,
        Some(&c.visitor_id),
        false,
        json!({"type": "conversation", "conversation": c.view(team, false)}),
    )
    .await;
    hub::notify(
        &ctx.env,
        &c.workspace_id,
        None,
        true,
        json!({"type": "conversation", "conversation": c.view(team, true)}),
    )
    .await;
}

fn paging(ctx: &Ctx) -> Result<(i64, i64), ApiError> {
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    let (mut after, mut limit) = (0i64, 100i64);
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "after" => {
                after = v
                    .parse()
                    .ok()
                    .filter(|a| *a >= 0)
                    .ok_or_else(|| ApiError::invalid("/after", "a message seq (0 or more)"))?
            }
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|l| (1..=200).contains(l))
                    .ok_or_else(|| ApiError::invalid("/limit", "1 to 200"))?
            }
            _ => {}
        }
    }
    Ok((after, limit))
}

async fn page_of(
    db: &D1Database,
    c: &ConversationRow,
    after: i64,
    limit: i64,
    team: &Team,
) -> Result<Value, ApiError> {
    let rows: Vec<MessageRow> = db::all(db::stmt(
        db,
        &format!("SELECT {MSG_COLS} FROM messages WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"),
        &[s(&c.id), n(after), n(limit + 1)],
    )?)
    .await?;
    let more = rows.len() as i64 > limit;
    let list: Vec<Value> = rows
        .iter()
        .take(limit as usize)
        .map(|m| m.view(team))
        .collect();
    let next = list
        .last()
        .and_then(|m| m.get("seq").cloned())
        .unwrap_or(json!(after));
    Ok(json!({"messages": list, "hasMore": more, "nextAfter": next}))
}

// ---------------------------------------------------------------------------------------------
// Visitor side

pub async fn list_mine(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let db = ctx.db()?;
    let team = Team::load(&db, &a.workspace.id).await?;
    let rows: Vec<ConversationRow> = db::all(db::stmt(
        &db,
        &format!("SELECT {CONV_COLS} FROM conversations c WHERE c.workspace_id = ?1 AND c.visitor_id = ?2 ORDER BY c.updated_at DESC, c.id LIMIT 50"),
        &[s(&a.workspace.id), s(&a.session.visitor_id)],
    )?)
    .await?;
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
    if let Some(t) = &b.topic {
        if t.trim().is_empty() || t.chars().count() > 60 {
            return Err(ApiError::invalid("/topic", "1-60 characters"));
        }
    }
    if let Some(e) = &b.email {
        if !is_plausible_email(e) {
            return Err(ApiError::invalid("/email", "an email address"));
        }
    }
    if let Some(m) = &b.message {
        check_client_id(&m.client_id, "/message/clientId")?;
        check_body(&m.body, "/message/body")?;
    }
    let db = ctx.db()?;
    let (ws, vid) = (a.workspace.id.as_str(), a.session.visitor_id.as_str());
    let id = rand::id::<10>("cnv_")?;
    let mut stmts = vec![db::stmt(
        &db,
        "INSERT INTO conversations (id, workspace_id, visitor_id, status, topic, consent_at, created_at, updated_at) VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?6)",
        &[s(&id), s(ws), s(vid), opt(b.topic.as_deref().map(str::trim)), if b.consent { n(ctx.now) } else { wasm_bindgen::JsValue::NULL }, n(ctx.now)],
    )?];
    // Round robin: the teammate assigned longest ago (or never) takes the new conversation.
    if a.workspace.automation().assignment == porchlight_shared::settings::Assignment::RoundRobin {
        stmts.push(db::stmt(
            &db,
            "UPDATE conversations SET assignee_id = (SELECT id FROM teammates WHERE workspace_id = ?2 ORDER BY COALESCE(last_assigned_at, 0), created_at, id LIMIT 1) WHERE id = ?1",
            &[s(&id), s(ws)],
        )?);
        stmts.push(db::stmt(
            &db,
            "UPDATE teammates SET last_assigned_at = ?2 WHERE id = (SELECT assignee_id FROM conversations WHERE id = ?1)",
            &[s(&id), n(ctx.now)],
        )?);
    }
    // An email typed into the pre-chat form is stored, unverified: it never matches or merges
    // with another visitor without proof.
    if let Some(e) = &b.email {
        stmts.push(db::stmt(
            &db,
            "UPDATE visitors SET email = ?2 WHERE id = ?1 AND email IS NULL",
            &[s(vid), s(e.trim())],
        )?);
    }
    db::batch(&db, stmts).await?;
    let team = Team::load(&db, ws).await?;
    let mut c = conversation(&db, ws, &id, Some(vid)).await?;
    let mut first = None;
    if let Some(m) = &b.message {
        let (mid, stmts) = store_message(
            &db,
            &c,
            "visitor",
            Some(vid),
            &m.client_id,
            &m.body,
            ctx.now,
        )?;
        let (row, _) = run_store(&db, mid, stmts).await?;
        c = conversation(&db, ws, &id, Some(vid)).await?;
        announce(ctx, &c, &row, &team).await;
        first = Some(row.view(&team));
    }
    announce_conversation(ctx, &c, &team).await;
    http::json(
        201,
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
    let a = auth::visitor(ctx).await?;
    let b: SendBody = ctx.json().await?;
    check_send(&b)?;
    let db = ctx.db()?;
    let vid = a.session.visitor_id.clone();
    // The hot path: the conversation's own row (no counts), one write batch, one announcement.
    let c = conversation_with(&db, &a.workspace.id, id, Some(&vid), CONV_COLS_LIGHT).await?;
    let (mid, stmts) = store_message(
        &db,
        &c,
        "visitor",
        Some(&vid),
        &b.client_id,
        &b.body,
        ctx.now,
    )?;
    let (row, fresh) = run_store(&db, mid, stmts).await?;
    if row.author_type != "visitor" {
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReadBody {
    seq: Option<i64>,
}

pub async fn read(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let b: ReadBody = ctx.json().await?;
    let db = ctx.db()?;
    let c = conversation(&db, &a.workspace.id, id, Some(&a.session.visitor_id)).await?;
    mark_read(ctx, &db, c, "visitor", b.seq).await
}

async fn mark_read(
    ctx: &Ctx,
    db: &D1Database,
    c: ConversationRow,
    side: &str,
    seq: Option<i64>,
) -> Result<Response, ApiError> {
    let upto = seq.unwrap_or(c.last_seq).clamp(0, c.last_seq);
    let col = if side == "visitor" {
        "visitor_read_seq"
    } else {
        "agent_read_seq"
    };
    db::run(
        db,
        &format!("UPDATE conversations SET {col} = MAX({col}, ?2) WHERE id = ?1"),
        &[s(&c.id), n(upto)],
    )
    .await?;
    let (to_visitor, to_agents) = if side == "visitor" {
        (None, true)
    } else {
        (Some(c.visitor_id.as_str()), false)
    };
    let event = json!({"type": "read", "conversationId": c.id, "by": side, "seq": upto});
    hub::notify(
        &ctx.env,
        &c.workspace_id,
        to_visitor,
        to_agents,
        event.clone(),
    )
    .await;
    if side == "visitor" {
        // Other tabs of the visitor clear their badge too.
        hub::notify(&ctx.env, &c.workspace_id, Some(&c.visitor_id), false, event).await;
    }
    http::json(200, &json!({"conversationId": c.id, "readSeq": upto}))
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
    if c.csat_rating.is_some() {
        return Err(ApiError::new(
            ErrorCode::AlreadyExists,
            "this conversation is already rated",
        ));
    }
    db::run(
        &db,
        "UPDATE conversations SET csat_rating = ?2, csat_comment = ?3, csat_at = ?4 WHERE id = ?1 AND csat_rating IS NULL",
        &[s(&c.id), n(b.rating), opt(b.comment.as_deref()), n(ctx.now)],
    )
    .await?;
    let team = Team::load(&db, &a.workspace.id).await?;
    let c = conversation(&db, &a.workspace.id, id, None).await?;
    announce_conversation(ctx, &c, &team).await;
    http::json(200, &json!({"conversation": c.view(&team, false)}))
}

/// `GET /v1/live` and `/admin/v1/live`: the WebSocket, handed to the workspace's hub.
async fn upgrade(
    ctx: &Ctx,
    ws: &str,
    role: &str,
    id: &str,
    name: &str,
) -> Result<Response, ApiError> {
    if !ctx
        .header("Upgrade")
        .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
    {
        return Err(ApiError::invalid(
            "",
            "this route speaks WebSocket (Upgrade: websocket)",
        ));
    }
    let mut url = worker::Url::parse("https://hub/connect").map_err(crate::internal)?;
    url.query_pairs_mut()
        .append_pair("role", role)
        .append_pair("id", id)
        .append_pair("name", name);
    let headers = Headers::new();
    headers
        .set("Upgrade", "websocket")
        .map_err(crate::internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let req = Request::new_with_init(url.as_str(), &init).map_err(crate::internal)?;
    hub::stub(&ctx.env, ws)
        .map_err(crate::internal)?
        .fetch_with_request(req)
        .await
        .map_err(crate::internal)
}

pub async fn live(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    upgrade(ctx, &a.workspace.id, "visitor", &a.session.visitor_id, "").await
}

// ---------------------------------------------------------------------------------------------
// Agent side

pub async fn admin_live(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let Agent {
        workspace,
        teammate,
    } = auth::agent(ctx).await?;
    let (id, name) = teammate.map_or((String::new(), "Team".to_string()), |t| (t.id, t.name));
    upgrade(ctx, &workspace.id, "agent", &id, &name).await
}

pub async fn admin_list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    let status = url
        .query_pairs()
        .find(|(k, _)| k == "status")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| "open".into());
    let filter = match status.as_str() {
        "open" => " AND c.status = 'open'",
        "closed" => " AND c.status = 'closed'",
        "all" => "",
        _ => return Err(ApiError::invalid("/status", "open, closed or all")),
    };
    let db = ctx.db()?;
    let ws = &agent.workspace.id;
    #[derive(Deserialize)]
    struct Who {
        id: String,
        readable_id: String,
        name: Option<String>,
        email: Option<String>,
    }
    let team = Team::load(&db, ws).await?;
    let rows: Vec<ConversationRow> = db::all(db::stmt(
        &db,
        &format!("SELECT {CONV_COLS} FROM conversations c WHERE c.workspace_id = ?1{filter} ORDER BY c.updated_at DESC, c.id LIMIT 200"),
        &[s(ws)],
    )?)
    .await?;
    let visitors: Vec<Who> = db::all(db::stmt(
        &db,
        "SELECT id, readable_id, name, email FROM visitors WHERE id IN (SELECT visitor_id FROM conversations WHERE workspace_id = ?1) AND workspace_id = ?1",
        &[s(ws)],
    )?)
    .await?;
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
    let c = conversation_with(&db, &ws, id, None, CONV_COLS_LIGHT).await?;
    let Some(teammate) = agent.teammate else {
        return Err(ApiError::new(
            ErrorCode::NotAuthorized,
            "replies are sent as a teammate: use a teammate key (POST /admin/v1/teammates)",
        ));
    };
    let (mid, stmts) = store_message(
        &db,
        &c,
        "agent",
        Some(&teammate.id),
        &b.client_id,
        &b.body,
        ctx.now,
    )?;
    let (row, fresh) = run_store(&db, mid, stmts).await?;
    if row.author_type != "agent" {
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
    mark_read(ctx, &db, c, "agent", b.seq).await
}

pub async fn admin_close(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let agent = auth::agent(ctx).await?;
    let db = ctx.db()?;
    let c = conversation(&db, &agent.workspace.id, id, None).await?;
    db::run(
        &db,
        "UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, ?2), updated_at = ?2 WHERE id = ?1",
        &[s(&c.id), n(ctx.now)],
    )
    .await?;
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
    db::run(
        &db,
        "UPDATE conversations SET assignee_id = ?2, updated_at = ?3 WHERE id = ?1",
        &[s(&c.id), opt(b.teammate_id.as_deref()), n(ctx.now)],
    )
    .await?;
    let c = conversation(&db, &ws, id, None).await?;
    announce_conversation(ctx, &c, &team).await;
    http::json(200, &json!({"conversation": c.view(&team, true)}))
}

// ---------------------------------------------------------------------------------------------
// Teammates (workspace secret key)

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
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "INSERT INTO teammates (id, workspace_id, name, email, avatar_url, key_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &[s(&id), s(&ws.id), s(name), opt(b.email.as_deref()), opt(b.avatar_url.as_deref()), s(&key.storage_hash()), n(ctx.now)],
            )?,
            db::audit(&db, &ws.id, "teammate.created", &id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
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
    db::batch(
        &db,
        vec![
            db::stmt(&db, "UPDATE conversations SET assignee_id = NULL WHERE workspace_id = ?1 AND assignee_id = ?2", &[s(&ws.id), s(id)])?,
            db::stmt(&db, "DELETE FROM teammates WHERE workspace_id = ?1 AND id = ?2", &[s(&ws.id), s(id)])?,
            db::audit(&db, &ws.id, "teammate.deleted", id, &json!({}), ctx.now)?,
        ],
    )
    .await?;
    http::no_content()
}
