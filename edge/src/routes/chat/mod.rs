//! Live chat (shared pieces here; `visitor`, `agent`, `teammates` and `live` — the sockets and their tickets — hold the routes): conversations and messages (D1), announced through the workspace's hub (a
//! Durable Object holding the WebSockets). A message is acknowledged only once stored; one D1
//! batch — a transaction — numbers it (`seq`, a total order per conversation), stores it at most
//! once per `clientId`, and updates its conversation. Visitors reach only their own
//! conversations; teammates (their own `ptk_` key) or the workspace key reach the workspace's.

use porchlight_shared::chat::{check_body, check_client_id, Csat};
use porchlight_shared::types::is_plausible_email;
use porchlight_shared::vocab::AuthorSide;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement, Headers, Method, Request, RequestInit, Response};

use crate::auth;
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
            a if a == AuthorSide::Agent.as_str() => match team.get(self.author_id.as_deref()) {
                Some(t) => {
                    json!({"type": AuthorSide::Agent, "id": t.id, "name": t.name, "avatarUrl": t.avatar_url})
                }
                None => json!({"type": AuthorSide::Agent, "name": "Team"}),
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
    author: AuthorSide,
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
            &[s(&id), s(&c.id), s(&c.workspace_id), s(author.as_str()), opt(author_id), s(client_id), s(body), n(now)],
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
            &[s(&c.id), s(&id), n(now), s(author.as_str()), opt(author_id)],
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
        ctx,
        &c.workspace_id,
        Some(&c.visitor_id),
        true,
        json!({"type": "message", "conversationId": c.id, "message": m}),
    );
}

async fn announce_conversation(ctx: &Ctx, c: &ConversationRow, team: &Team) {
    hub::notify(
        ctx,
        &c.workspace_id,
        Some(&c.visitor_id),
        false,
        json!({"type": "conversation", "conversation": c.view(team, false)}),
    );
    hub::notify(
        ctx,
        &c.workspace_id,
        None,
        true,
        json!({"type": "conversation", "conversation": c.view(team, true)}),
    );
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReadBody {
    seq: Option<i64>,
}

async fn mark_read(
    ctx: &Ctx,
    db: &D1Database,
    c: ConversationRow,
    side: AuthorSide,
    seq: Option<i64>,
) -> Result<Response, ApiError> {
    let upto = seq.unwrap_or(c.last_seq).clamp(0, c.last_seq);
    let col = if side == AuthorSide::Visitor {
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
    // Both sides hear of it: the other side sees the receipt, and this side's other tabs or
    // teammates clear their unread state.
    let event = json!({"type": "read", "conversationId": c.id, "by": side, "seq": upto});
    hub::notify(ctx, &c.workspace_id, Some(&c.visitor_id), true, event);
    http::json(200, &json!({"conversationId": c.id, "readSeq": upto}))
}

mod agent;
mod live;
mod teammates;
mod visitor;

pub use agent::*;
pub use live::*;
pub use teammates::*;
pub use visitor::*;
