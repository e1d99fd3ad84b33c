//! Live chat (shared pieces here; `visitor`, `agent`, `teammates` and `live` — the sockets and their tickets — hold the routes): conversations and messages (D1), announced through the workspace's hub (a
//! Durable Object holding the WebSockets). A message is acknowledged only once stored; one D1
//! batch — a transaction — numbers it (`seq`, a total order per conversation), stores it at most
//! once per `clientId`, and updates its conversation. Visitors reach only their own
//! conversations; teammates (their own `ptk_` key) or the workspace key reach the workspace's.

use porchlight_shared::chat::{check_body, check_client_id};
use porchlight_shared::search;
use porchlight_shared::vocab::AuthorSide;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::db::{self, ConversationRow, MessageRow, TeammateRow, CONV_COLS};
use crate::http::{self, Ctx};
use crate::hub;

/// The workspace's teammates, to name who answers.
struct Team(Vec<TeammateRow>);

impl Team {
    async fn load(db: &D1Database, ws: &str) -> Result<Team, ApiError> {
        Ok(Team(db::teammates_of(db, ws).await?))
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
        let mut v = json!({"id": self.id, "conversationId": self.conversation_id, "seq": self.seq, "author": author,
               "clientId": self.client_id, "body": self.body, "createdAt": self.created_at});
        // A system message's suggested articles (stored as written by [`suggest`]).
        if let (Some(a), Some(o)) = (
            self.articles
                .as_deref()
                .and_then(|a| serde_json::from_str::<Value>(a).ok()),
            v.as_object_mut(),
        ) {
            o.insert("articles".into(), a);
        }
        v
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
    let row = db::conversation_row(db, ws, id, cols).await?;
    // Another visitor's conversation is not found (never "forbidden": ids are not confirmed).
    row.filter(|c| visitor.is_none_or(|v| v == c.visitor_id))
        .ok_or_else(not_found)
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
    let rows = db::messages_after(db, &c.id, after, limit + 1).await?;
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
    db::mark_read(db, &c.id, side, upto).await?;
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

/// The system message's client id: one per conversation, so a retried start never doubles it.
const SUGGEST_CLIENT_ID: &str = "system-suggested-articles";
/// At most this many articles are suggested.
const SUGGEST_MAX: usize = 3;

/// After the first message of a new conversation: when published articles match what the
/// visitor wrote (any telling word, ranked by bm25), a system message lists them before a
/// teammate picks up — stored in the conversation (the console shows it), announced like any
/// message. Searched in the visitor's `language` (`help::visitor_language`), as Help would.
/// Best effort: a failure leaves the conversation as it was.
async fn suggest(
    ctx: &Ctx,
    db: &D1Database,
    c: &ConversationRow,
    (text, language): (&str, &str),
    team: &Team,
) {
    let Some(plan) = search::plan(text, search::Match::Any) else {
        return;
    };
    let hits = match db::search_articles(db, &c.workspace_id, &plan, language).await {
        Ok(h) if !h.is_empty() => h,
        _ => return,
    };
    let hits = &hits[..hits.len().min(SUGGEST_MAX)];
    let mut body = String::from("These articles might help:");
    for h in hits {
        body.push_str("\n- ");
        body.push_str(&h.title);
    }
    let articles = json!(hits
        .iter()
        .map(|h| json!({"id": h.id, "title": h.title}))
        .collect::<Vec<_>>())
    .to_string();
    let stored = db::store_message_with(
        db,
        c,
        (AuthorSide::System, None),
        SUGGEST_CLIENT_ID,
        &body,
        Some(&articles),
        ctx.now,
    )
    .await;
    if let Ok((row, true)) = stored {
        announce(ctx, c, &row, team).await;
    }
}
