//! Live chat's tables: `conversations` and `messages` (a total order per conversation, one
//! row per client id), with the read positions and CSAT kept on the conversation.

use porchlight_shared::vocab::AuthorSide;
use porchlight_shared::ApiError;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, first, n, opt, run, s, stmt, Batch};

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

pub const CONV_COLS: &str = "c.id, c.workspace_id, c.visitor_id, c.status, c.topic, c.assignee_id, c.last_seq, c.visitor_read_seq, c.agent_read_seq, \
    c.first_agent_reply_at, c.csat_rating, c.csat_comment, c.created_at, c.updated_at, c.last_message_at, c.closed_at, \
    (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.author_type = 'visitor' AND m.seq > c.agent_read_seq) AS unread_for_agent, \
    (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.author_type <> 'visitor' AND m.seq > c.visitor_read_seq) AS unread_for_visitor, \
    CASE WHEN c.status = 'open' AND c.first_agent_reply_at IS NULL THEN \
      (SELECT COUNT(*) FROM conversations q WHERE q.workspace_id = c.workspace_id AND q.status = 'open' AND q.first_agent_reply_at IS NULL \
       AND (q.created_at < c.created_at OR (q.created_at = c.created_at AND q.id <= c.id))) END AS queue_position";

/// The conversation's own columns, without the counts (the send path needs no more).
pub const CONV_COLS_LIGHT: &str = "c.id, c.workspace_id, c.visitor_id, c.status, c.topic, c.assignee_id, c.last_seq, c.visitor_read_seq, c.agent_read_seq, \
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
    /// A system message's suggested articles, JSON `[{id, title}]`.
    #[serde(default)]
    pub articles: Option<String>,
}

const MSG_COLS: &str =
    "id, conversation_id, seq, author_type, author_id, client_id, body, created_at, articles";

pub async fn conversation_row(
    db: &D1Database,
    ws: &str,
    id: &str,
    cols: &str,
) -> Result<Option<ConversationRow>, ApiError> {
    first(
        db,
        &format!("SELECT {cols} FROM conversations c WHERE c.workspace_id = ?1 AND c.id = ?2"),
        &[s(ws), s(id)],
    )
    .await
}

/// Stores one message (at most once per client id) and moves its conversation, in one
/// transaction: the stored row, and whether this call stored it (`false`: a retry of a
/// message already stored, which changes nothing).
pub async fn store_message(
    db: &D1Database,
    c: &ConversationRow,
    author: AuthorSide,
    author_id: Option<&str>,
    client_id: &str,
    body: &str,
    now: i64,
) -> Result<(MessageRow, bool), ApiError> {
    store_message_with(db, c, (author, author_id), client_id, body, None, now).await
}

/// [`store_message`], with a system message's suggested articles (JSON).
pub async fn store_message_with(
    db: &D1Database,
    c: &ConversationRow,
    (author, author_id): (AuthorSide, Option<&str>),
    client_id: &str,
    body: &str,
    articles: Option<&str>,
    now: i64,
) -> Result<(MessageRow, bool), ApiError> {
    let id = crate::rand::id::<10>("msg_")?;
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "INSERT OR IGNORE INTO messages (id, conversation_id, workspace_id, seq, author_type, author_id, client_id, body, created_at, articles) \
         SELECT ?1, ?2, ?3, COALESCE(MAX(seq), 0) + 1, ?4, ?5, ?6, ?7, ?8, ?9 FROM messages WHERE conversation_id = ?2",
        &[s(&id), s(&c.id), s(&c.workspace_id), s(author.as_str()), opt(author_id), s(client_id), s(body), n(now), opt(articles)],
    )?);
    // Only a newly stored message moves the conversation (a retry changes nothing).
    batch.write(stmt(
        db,
        "UPDATE conversations SET last_seq = (SELECT seq FROM messages WHERE id = ?2), last_message_at = ?3, updated_at = ?3, \
         status = CASE WHEN ?4 = 'visitor' THEN 'open' ELSE status END, closed_at = CASE WHEN ?4 = 'visitor' THEN NULL ELSE closed_at END, \
         visitor_read_seq = CASE WHEN ?4 = 'visitor' THEN (SELECT seq FROM messages WHERE id = ?2) ELSE visitor_read_seq END, \
         agent_read_seq = CASE WHEN ?4 = 'agent' THEN (SELECT seq FROM messages WHERE id = ?2) ELSE agent_read_seq END, \
         first_agent_reply_at = CASE WHEN ?4 = 'agent' THEN COALESCE(first_agent_reply_at, ?3) ELSE first_agent_reply_at END, \
         assignee_id = CASE WHEN ?4 = 'agent' THEN COALESCE(assignee_id, ?5) ELSE assignee_id END \
         WHERE id = ?1 AND EXISTS (SELECT 1 FROM messages WHERE id = ?2)",
        &[s(&c.id), s(&id), n(now), s(author.as_str()), opt(author_id)],
    )?);
    let stored = batch.read::<MessageRow>(stmt(
        db,
        &format!("SELECT {MSG_COLS} FROM messages WHERE conversation_id = ?1 AND client_id = ?2"),
        &[s(&c.id), s(client_id)],
    )?);
    let row = batch
        .run(db)
        .await?
        .first(stored)?
        .ok_or_else(|| crate::internal("message not stored"))?;
    let fresh = row.id == id;
    Ok((row, fresh))
}

/// Up to `limit` messages after `seq`, in order.
pub async fn messages_after(
    db: &D1Database,
    conversation: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<MessageRow>, ApiError> {
    all(stmt(
        db,
        &format!("SELECT {MSG_COLS} FROM messages WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"),
        &[s(conversation), n(after), n(limit)],
    )?)
    .await
}

/// Moves one side's read position forward (never back).
pub async fn mark_read(
    db: &D1Database,
    conversation: &str,
    side: AuthorSide,
    upto: i64,
) -> Result<(), ApiError> {
    let col = match side {
        AuthorSide::Visitor => "visitor_read_seq",
        // The edge's own messages are never "read" by it; the team's position stands for it.
        AuthorSide::Agent | AuthorSide::System => "agent_read_seq",
    };
    run(
        db,
        &format!("UPDATE conversations SET {col} = MAX({col}, ?2) WHERE id = ?1"),
        &[s(conversation), n(upto)],
    )
    .await
}

/// The visitor's conversations, latest first (at most 50).
pub async fn visitor_conversations(
    db: &D1Database,
    ws: &str,
    visitor: &str,
) -> Result<Vec<ConversationRow>, ApiError> {
    all(stmt(
        db,
        &format!("SELECT {CONV_COLS} FROM conversations c WHERE c.workspace_id = ?1 AND c.visitor_id = ?2 ORDER BY c.updated_at DESC, c.id LIMIT 50"),
        &[s(ws), s(visitor)],
    )?)
    .await
}

/// Who a conversation in the inbox is with.
#[derive(Deserialize)]
pub struct InboxVisitor {
    pub id: String,
    pub readable_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Which conversations the inbox lists.
#[derive(Clone, Copy)]
pub enum InboxFilter {
    Open,
    Closed,
    All,
}

/// The inbox: the workspace's conversations (or one visitor's; latest first, at most 200) and
/// only their visitors, in one batch (one snapshot).
pub async fn inbox(
    db: &D1Database,
    ws: &str,
    filter: InboxFilter,
    visitor: Option<&str>,
) -> Result<(Vec<ConversationRow>, Vec<InboxVisitor>), ApiError> {
    let status = match filter {
        InboxFilter::Open => " AND c.status = 'open'",
        InboxFilter::Closed => " AND c.status = 'closed'",
        InboxFilter::All => "",
    };
    // One visitor's: read through their index (the planner would otherwise prefer the
    // workspace's by status); another workspace's visitor matches nothing.
    let mut args = vec![s(ws)];
    let (index, filter) = match visitor {
        Some(v) => {
            args.push(s(v));
            (
                " INDEXED BY conversations_visitor",
                format!("{status} AND c.visitor_id = ?2"),
            )
        }
        None => ("", status.to_string()),
    };
    let mut batch = Batch::new();
    let rows = batch.read::<ConversationRow>(stmt(
        db,
        &format!("SELECT {CONV_COLS} FROM conversations c{index} WHERE c.workspace_id = ?1{filter} ORDER BY c.updated_at DESC, c.id LIMIT 200"),
        &args,
    )?);
    let visitors = batch.read::<InboxVisitor>(stmt(
        db,
        &format!("SELECT id, readable_id, name, email FROM visitors WHERE workspace_id = ?1 AND id IN \
                  (SELECT c.visitor_id FROM conversations c{index} WHERE c.workspace_id = ?1{filter} ORDER BY c.updated_at DESC, c.id LIMIT 200)"),
        &args,
    )?);
    let mut results = batch.run(db).await?;
    Ok((results.rows(rows)?, results.rows(visitors)?))
}

pub async fn close_conversation(db: &D1Database, id: &str, now: i64) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, ?2), updated_at = ?2 WHERE id = ?1",
        &[s(id), n(now)],
    )
    .await
}

pub async fn assign_conversation(
    db: &D1Database,
    id: &str,
    teammate: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE conversations SET assignee_id = ?2, updated_at = ?3 WHERE id = ?1",
        &[s(id), opt(teammate), n(now)],
    )
    .await
}

/// The visitor's rating of a conversation, once.
pub async fn rate_conversation(
    db: &D1Database,
    id: &str,
    rating: i64,
    comment: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE conversations SET csat_rating = ?2, csat_comment = ?3, csat_at = ?4 WHERE id = ?1 AND csat_rating IS NULL",
        &[s(id), n(rating), opt(comment), n(now)],
    )
    .await
}

/// How a new conversation is routed to a teammate.
pub enum Routing<'a> {
    /// Its topic's teammate (if they are still in the workspace).
    To(&'a str),
    /// The teammate assigned longest ago (or never).
    RoundRobin,
    None,
}

/// A conversation a visitor starts.
pub struct NewConversation<'a> {
    pub id: &'a str,
    pub topic: Option<&'a str>,
    pub consent: bool,
    /// The client id of its first message: a retried start finds its own conversation.
    pub start_client_id: Option<&'a str>,
    pub routing: Routing<'a>,
    /// An email typed into the pre-chat form, stored unverified on a visitor without one.
    pub email: Option<&'a str>,
}

/// Starts a conversation (at most one per first-message client id), routes it and stores a
/// pre-chat email, in one transaction; the id of the conversation (a retry's own).
pub async fn start_conversation(
    db: &D1Database,
    ws: &str,
    visitor: &str,
    c: &NewConversation<'_>,
    now: i64,
) -> Result<String, ApiError> {
    #[derive(Deserialize)]
    struct Found {
        id: String,
    }
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "INSERT OR IGNORE INTO conversations (id, workspace_id, visitor_id, status, topic, consent_at, start_client_id, created_at, updated_at) VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?7)",
        &[s(c.id), s(ws), s(visitor), opt(c.topic), if c.consent { n(now) } else { JsValue::NULL }, opt(c.start_client_id), n(now)],
    )?);
    match c.routing {
        Routing::To(teammate) => batch.write(stmt(
            db,
            "UPDATE conversations SET assignee_id = (SELECT id FROM teammates WHERE workspace_id = ?2 AND id = ?3) WHERE id = ?1",
            &[s(c.id), s(ws), s(teammate)],
        )?),
        Routing::RoundRobin => {
            batch.write(stmt(
                db,
                "UPDATE conversations SET assignee_id = (SELECT id FROM teammates WHERE workspace_id = ?2 ORDER BY COALESCE(last_assigned_at, 0), created_at, id LIMIT 1) WHERE id = ?1",
                &[s(c.id), s(ws)],
            )?);
            batch.write(stmt(
                db,
                "UPDATE teammates SET last_assigned_at = ?2 WHERE id = (SELECT assignee_id FROM conversations WHERE id = ?1)",
                &[s(c.id), n(now)],
            )?);
        }
        Routing::None => {}
    }
    if let Some(e) = c.email {
        batch.write(stmt(
            db,
            "UPDATE visitors SET email = ?2, email_lower = ?3 WHERE id = ?1 AND email IS NULL",
            &[
                s(visitor),
                s(e),
                s(&porchlight_shared::identity::normalize_email(e)),
            ],
        )?);
    }
    let found = c.start_client_id.map(|cid| {
        stmt(
            db,
            "SELECT id FROM conversations WHERE visitor_id = ?1 AND start_client_id = ?2",
            &[s(visitor), s(cid)],
        )
        .map(|st| batch.read::<Found>(st))
    });
    let found = found.transpose()?;
    let mut results = batch.run(db).await?;
    Ok(match found {
        Some(rows) => results
            .first(rows)?
            .map_or_else(|| c.id.to_string(), |f| f.id),
        None => c.id.to_string(),
    })
}

/// The session's conversation `?2` (its own row, without counts) for the session token hash
/// `?1`: nothing when the conversation is another visitor's. For `auth::visitor_and`, which
/// reads it in the session's round trip.
pub fn own_conversation_sql() -> String {
    format!(
        "SELECT {CONV_COLS_LIGHT} FROM conversations c JOIN widget_sessions s ON s.token_hash = ?1 \
         AND s.visitor_id = c.visitor_id AND s.workspace_id = c.workspace_id WHERE c.id = ?2"
    )
}
