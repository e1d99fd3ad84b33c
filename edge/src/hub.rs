//! The live hub: one Durable Object per workspace holding every open WebSocket of its visitors
//! and teammates, through the hibernation API (the runtime keeps the sockets; the object can be
//! evicted between events and holds no state of its own beyond each socket's attachment).
//!
//! It stores nothing that matters: messages are stored in D1 first, then announced here
//! (`POST /notify`), so a lost event is caught up by the client from D1 (`?after=seq`).
//!
//! - Visitor sockets are tagged `v:<visitorId>` (every tab of a visitor: all stay in sync);
//!   teammate sockets `agents`.
//! - `ping` → `pong` is answered by the runtime without waking the object (keep-alive).
//! - Frames from clients: `{"type":"hb","state":"active"|"away"}` (presence heartbeat, every
//!   30 s), `{"type":"typing","conversationId"[, "visitorId"]}`.
//! - Presence: online / away from the last heartbeat; a socket silent for [`GONE_AFTER_MS`] is
//!   a dead session and counts as gone.
//! - Sessions end: each visitor socket's attachment holds its session's expiry (`/rekey` moves
//!   it on a refresh); a Durable Object alarm set to the earliest one closes the sockets whose
//!   session has expired (1008 "session expired") and is set again to the next. No timer runs
//!   while nothing is due, so the hub still hibernates.
//! - Sockets cannot flood: a socket's typing is forwarded at most once per
//!   [`TYPING_EVERY_MS`], and the presence changes it causes are announced at most once per
//!   [`PRESENCE_EVERY_MS`] (one held back is announced by the alarm when the window ends, so
//!   the last state always reaches the agents); the throttle state is in the attachment. A
//!   session has at most [`MAX_SOCKETS_PER_SESSION`] sockets and a visitor
//!   [`MAX_SOCKETS_PER_VISITOR`]: a new socket over a cap closes the oldest (1008 "too many
//!   sockets") — the newest is the one a person just opened, and an old one may be a dead
//!   connection the hub has not noticed yet.

use porchlight_shared::vocab::HubRole;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use worker::*;

/// A visitor whose socket has sent nothing for this long is gone (dead tab, lost network).
pub const GONE_AFTER_MS: i64 = 75_000;
/// A socket's typing frames are forwarded at most once per this (clients send one per 2 s).
pub const TYPING_EVERY_MS: i64 = 2_000;
/// The presence changes a socket causes are announced at most once per this.
pub const PRESENCE_EVERY_MS: i64 = 1_000;
/// Open sockets per session; a new one over it closes the session's oldest.
pub const MAX_SOCKETS_PER_SESSION: usize = 5;
/// Open sockets per visitor (all sessions); a new one over it closes the visitor's oldest.
pub const MAX_SOCKETS_PER_VISITOR: usize = 20;

#[derive(Serialize, Deserialize, Clone, Debug)]
struct Attachment {
    role: HubRole,
    /// Visitor id, or teammate id ("" for the workspace key).
    id: String,
    name: String,
    /// Last frame received (epoch ms).
    seen: i64,
    /// "active" or "away".
    state: String,
    /// SHA-256 of the session token a visitor socket was opened with (revoking it closes it),
    /// or of the key an agent socket was opened with.
    #[serde(default)]
    session: String,
    /// When the visitor's session expires (epoch ms): the socket closes then. 0: never (agents).
    #[serde(default)]
    expires: i64,
    /// When the socket opened (over a cap, the oldest closes).
    #[serde(default)]
    opened: i64,
    /// When this socket's typing was last forwarded.
    #[serde(default)]
    typed: i64,
    /// When a presence change this socket caused was last announced.
    #[serde(default)]
    announced: i64,
    /// A presence change held back by the throttle is announced then (0: none).
    #[serde(default)]
    due: i64,
    /// The hub closed it (the runtime may still list it until the close completes).
    #[serde(default)]
    closed: bool,
}

impl Attachment {
    /// A visitor socket whose session has expired (the alarm is closing it, or about to).
    fn expired(&self, now: i64) -> bool {
        self.expires > 0 && self.expires <= now
    }
    /// Still counts: not closed by the hub, session not expired.
    fn live(&self, now: i64) -> bool {
        !self.closed && !self.expired(now)
    }
}

/// Which sockets to close: those of a revoked session, or of a removed teammate.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Close {
    session: Option<String>,
    agent_id: Option<String>,
    /// With `keep`: this visitor's sockets whose session is not among `keep` (the hashes of
    /// the visitor's sessions still stored) close — whatever token they were opened with.
    visitor_id: Option<String>,
    keep: Option<Vec<String>>,
    /// Visitor sockets opened with any of these sessions close (sessions a proof revoked).
    sessions: Option<Vec<String>>,
    /// The hash of a rotated workspace key: the agent sockets opened with it close.
    key: Option<String>,
}

/// A session token was refreshed: its sockets now belong to the new token (so revoking the new
/// one closes them) and close at its expiry.
#[derive(Deserialize)]
struct Rekey {
    from: String,
    to: String,
    #[serde(default)]
    expires: i64,
}

/// What the edge asks the hub to send.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notify {
    /// Send to this visitor's sockets.
    visitor_id: Option<String>,
    /// Send to every teammate socket.
    #[serde(default)]
    agents: bool,
    /// Sent to the sockets as it came (not parsed and written again).
    event: Box<serde_json::value::RawValue>,
}

#[durable_object]
pub struct Hub {
    state: State,
    /// When this instance was created. The runtime evicts a hub idle for about ten seconds and
    /// makes a new one for the next event, while the sockets stay open (hibernation); `/stats`
    /// reports it so that can be observed.
    woke: i64,
}

fn now() -> i64 {
    Date::now().as_millis() as i64
}

impl Hub {
    fn attachment(ws: &WebSocket) -> Option<Attachment> {
        ws.deserialize_attachment::<Attachment>().ok().flatten()
    }

    /// Closes a socket from the hub's side (1008), marking it so that it no longer counts for
    /// presence or the caps while the runtime finishes the close.
    fn shut(ws: &WebSocket, mut a: Attachment, reason: &str) {
        a.closed = true;
        let _ = ws.serialize_attachment(&a);
        let _ = ws.close(Some(1008), Some(reason));
    }

    /// Makes room for a new socket of `session` among a visitor's (`tag`): over a cap, the
    /// oldest close.
    fn make_room(&self, tag: &str, session: &str) {
        let t = now();
        let mut open: Vec<(WebSocket, Attachment)> = self
            .state
            .get_websockets_with_tag(tag)
            .into_iter()
            .filter_map(|ws| Self::attachment(&ws).filter(|a| a.live(t)).map(|a| (ws, a)))
            .collect();
        open.sort_by_key(|(_, a)| a.opened);
        let same = open.iter().filter(|(_, a)| a.session == session).count();
        let mut over_session = (same + 1).saturating_sub(MAX_SOCKETS_PER_SESSION);
        let mut kept = Vec::with_capacity(open.len());
        for (ws, a) in open {
            if over_session > 0 && a.session == session {
                over_session -= 1;
                Self::shut(&ws, a, "too many sockets");
            } else {
                kept.push((ws, a));
            }
        }
        let over_visitor = (kept.len() + 1).saturating_sub(MAX_SOCKETS_PER_VISITOR);
        for (ws, a) in kept.into_iter().take(over_visitor) {
            Self::shut(&ws, a, "too many sockets");
        }
    }

    fn send(sockets: Vec<WebSocket>, text: &str) {
        for ws in sockets {
            // A socket closing under us is not an error worth failing the others for.
            let _ = ws.send_with_str(text);
        }
    }

    fn to_agents(&self, event: &Value) {
        self.text_to_agents(&event.to_string());
    }

    fn text_to_agents(&self, text: &str) {
        Self::send(self.state.get_websockets_with_tag("agents"), text);
    }

    fn to_visitor(&self, visitor_id: &str, event: &Value) {
        self.text_to_visitor(visitor_id, &event.to_string());
    }

    fn text_to_visitor(&self, visitor_id: &str, text: &str) {
        Self::send(
            self.state
                .get_websockets_with_tag(&format!("v:{visitor_id}")),
            text,
        );
    }

    /// The visitor's presence across their sockets: online beats away beats gone.
    fn presence_of(&self, visitor_id: &str, except: Option<&WebSocket>) -> &'static str {
        let t = now();
        let mut best = "gone";
        for ws in self
            .state
            .get_websockets_with_tag(&format!("v:{visitor_id}"))
        {
            if except.is_some_and(|e| e == &ws) {
                continue;
            }
            match Self::attachment(&ws).filter(|a| a.live(t)) {
                Some(a) if t - a.seen <= GONE_AFTER_MS && a.state == "active" => return "online",
                Some(a) if t - a.seen <= GONE_AFTER_MS => best = "away",
                _ => {}
            }
        }
        best
    }

    fn announce_presence(&self, visitor_id: &str, except: Option<&WebSocket>) {
        let state = self.presence_of(visitor_id, except);
        self.to_agents(
            &json!({"type": "presence", "visitorId": visitor_id, "presence": state, "at": now()}),
        );
    }

    async fn open_socket(&self, url: &Url) -> Result<Response> {
        let q = |k: &str| {
            url.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let (id, name, session) = (q("id"), q("name"), q("session"));
        // Only the Worker reaches the hub (tickets are checked there): a bad role is a bug.
        let role: HubRole = q("role")
            .parse()
            .map_err(|_| worker::Error::RustError("hub: unknown role".into()))?;
        let expires = q("expires").parse::<i64>().unwrap_or(0).max(0);
        let pair = WebSocketPair::new()?;
        let tag = if role == HubRole::Visitor {
            format!("v:{id}")
        } else {
            "agents".to_string()
        };
        if role == HubRole::Visitor {
            self.make_room(&tag, &session);
        }
        self.state.accept_websocket_with_tags(&pair.server, &[&tag]);
        let t = now();
        pair.server.serialize_attachment(Attachment {
            role,
            id: id.clone(),
            name,
            seen: t,
            state: "active".into(),
            session,
            expires,
            opened: t,
            typed: 0,
            // Its arrival is announced just below.
            announced: t,
            due: 0,
            closed: false,
        })?;
        let _ = pair
            .server
            .send_with_str(json!({"type": "hello", "at": now()}).to_string());
        if role == HubRole::Visitor {
            self.announce_presence(&id, None);
        }
        if expires > 0 {
            self.wake_by(expires).await?;
        }
        Response::from_websocket(pair.client)
    }

    /// Makes sure the alarm rings by `at` (an earlier one stays: it sets the next when it rings).
    async fn wake_by(&self, at: i64) -> Result<()> {
        let storage = self.state.storage();
        match storage.get_alarm().await? {
            Some(t) if t <= at => Ok(()),
            _ => storage.set_alarm((at - now()).max(0)).await,
        }
    }

    /// The alarm: closes the sockets whose session has expired, announces the presence changes
    /// held back by the throttle, and sets the alarm to the next of either (none: no alarm,
    /// nothing runs).
    async fn ring(&self) -> Result<()> {
        let t = now();
        let mut next: Option<i64> = None;
        let mut changed: Vec<String> = Vec::new();
        for ws in self.state.get_websockets() {
            let Some(mut a) = Self::attachment(&ws).filter(|a| !a.closed) else {
                continue;
            };
            if a.expired(t) {
                if !changed.contains(&a.id) {
                    changed.push(a.id.clone());
                }
                Self::shut(&ws, a, "session expired");
                continue;
            }
            if a.due > 0 && a.due <= t {
                a.due = 0;
                a.announced = t;
                ws.serialize_attachment(&a)?;
                if !changed.contains(&a.id) {
                    changed.push(a.id.clone());
                }
            }
            for at in [a.expires, a.due] {
                if at > 0 {
                    next = Some(next.map_or(at, |n| n.min(at)));
                }
            }
        }
        for v in &changed {
            self.announce_presence(v, None);
        }
        if let Some(at) = next {
            self.state.storage().set_alarm((at - now()).max(0)).await?;
        }
        Ok(())
    }

    /// Every visitor with a socket, and their presence.
    fn presence(&self) -> Value {
        let mut out = serde_json::Map::new();
        for ws in self.state.get_websockets() {
            if let Some(a) = Self::attachment(&ws).filter(|a| a.role == HubRole::Visitor) {
                if !out.contains_key(&a.id) {
                    out.insert(a.id.clone(), json!(self.presence_of(&a.id, None)));
                }
            }
        }
        Value::Object(out)
    }

    fn gone(&self, ws: &WebSocket) {
        if let Some(a) = Self::attachment(ws).filter(|a| a.role == HubRole::Visitor) {
            self.announce_presence(&a.id, Some(ws));
        }
    }
}

impl DurableObject for Hub {
    fn new(state: State, _env: Env) -> Self {
        if let Ok(pair) = worker::worker_sys::WebSocketRequestResponsePair::new("ping", "pong") {
            state.set_websocket_auto_response(&pair);
        }
        Hub { state, woke: now() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let url = req.url()?;
        match url.path() {
            "/connect" => self.open_socket(&url).await,
            "/notify" => {
                // serde_json (not `req.json()`, which goes through a JS object) keeps the event's
                // text as it came.
                let n: Notify = serde_json::from_str(&req.text().await?)?;
                if let Some(v) = &n.visitor_id {
                    self.text_to_visitor(v, n.event.get());
                }
                if n.agents {
                    self.text_to_agents(n.event.get());
                }
                Response::empty()
            }
            "/presence" => Response::from_json(&self.presence()),
            "/stats" => {
                let (mut visitors, mut agents) = (0, 0);
                let t = now();
                for ws in self.state.get_websockets() {
                    match Self::attachment(&ws).filter(|a| a.live(t)).map(|a| a.role) {
                        Some(HubRole::Visitor) => visitors += 1,
                        Some(_) => agents += 1,
                        None => {}
                    }
                }
                Response::from_json(
                    &json!({"sockets": {"visitors": visitors, "agents": agents}, "awakeSince": self.woke}),
                )
            }
            "/close" => {
                let c: Close = req.json().await?;
                for ws in self.state.get_websockets() {
                    let Some(a) = Self::attachment(&ws) else {
                        continue;
                    };
                    let hit = if a.role == HubRole::Visitor {
                        c.session.as_ref() == Some(&a.session)
                            || c.sessions.as_ref().is_some_and(|s| s.contains(&a.session))
                            || (c.visitor_id.as_ref() == Some(&a.id)
                                && c.keep.as_ref().is_some_and(|k| !k.contains(&a.session)))
                    } else {
                        c.agent_id.as_ref() == Some(&a.id)
                            // A workspace-key socket (no teammate) of the rotated key; one from
                            // before sockets recorded their key can only have used an older key.
                            || (a.id.is_empty()
                                && c.key.as_ref().is_some_and(|k| *k == a.session || a.session.is_empty()))
                    };
                    if hit {
                        Self::shut(&ws, a, "access revoked");
                    }
                }
                Response::empty()
            }
            "/rekey" => {
                let r: Rekey = req.json().await?;
                for ws in self.state.get_websockets() {
                    if let Some(mut a) = Self::attachment(&ws)
                        .filter(|a| a.role == HubRole::Visitor && a.session == r.from)
                    {
                        a.session = r.to.clone();
                        // A refresh never shortens a session; the alarm set for the old expiry
                        // finds nothing due then and moves on to the next.
                        if r.expires > 0 {
                            a.expires = r.expires;
                        }
                        ws.serialize_attachment(&a)?;
                    }
                }
                Response::empty()
            }
            _ => Response::error("no such hub route", 404),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let WebSocketIncomingMessage::String(text) = message else {
            return Ok(());
        };
        let Some(mut a) = Self::attachment(&ws) else {
            return Ok(());
        };
        // The alarm may ring late: an expired session's socket says nothing more.
        if a.closed {
            return Ok(());
        }
        if a.expired(now()) {
            Self::shut(&ws, a, "session expired");
            return Ok(());
        }
        // Frames are small; anything else is ignored rather than parsed.
        if text.len() > 1024 {
            return Ok(());
        }
        let frame: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let was = a.state.clone();
        a.seen = now();
        match frame.get("type").and_then(Value::as_str) {
            Some("hb") => {
                a.state = match frame.get("state").and_then(Value::as_str) {
                    Some("away") => "away".into(),
                    _ => "active".into(),
                };
            }
            // Throttled: at most one per TYPING_EVERY_MS from this socket.
            Some("typing") if a.seen - a.typed >= TYPING_EVERY_MS => {
                a.typed = a.seen;
                let conversation = frame
                    .get("conversationId")
                    .and_then(Value::as_str)
                    .filter(|c| c.len() <= 64)
                    .unwrap_or("");
                if a.role == HubRole::Visitor {
                    self.to_agents(&json!({"type": "typing", "from": HubRole::Visitor, "conversationId": conversation, "visitorId": a.id}));
                } else if let Some(v) = frame
                    .get("visitorId")
                    .and_then(Value::as_str)
                    .filter(|v| v.len() <= 64)
                {
                    self.to_visitor(
                        v,
                        &json!({"type": "typing", "from": HubRole::Agent, "conversationId": conversation, "name": a.name}),
                    );
                }
            }
            _ => {}
        }
        // Presence changes: at most one announcement per PRESENCE_EVERY_MS from this socket; a
        // change inside the window is announced by the alarm when it ends.
        let (mut announce, mut wake) = (false, None);
        if a.role == HubRole::Visitor && was != a.state {
            if a.seen - a.announced >= PRESENCE_EVERY_MS {
                a.announced = a.seen;
                a.due = 0;
                announce = true;
            } else if a.due == 0 {
                a.due = a.announced + PRESENCE_EVERY_MS;
                wake = Some(a.due);
            }
        }
        ws.serialize_attachment(&a)?;
        if announce {
            self.announce_presence(&a.id, None);
        }
        if let Some(at) = wake {
            self.wake_by(at).await?;
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        // Answer the client's close frame, so the connection ends now rather than when the
        // client gives up waiting (and a socket half closed is not left to count against its
        // visitor). Codes that cannot be sent back are answered with a normal close.
        let code = match code {
            1000..=1003 | 1007..=1014 | 3000..=4999 => code as u16,
            _ => 1000,
        };
        let _ = ws.close(Some(code), Some("closed"));
        self.gone(&ws);
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: Error) -> Result<()> {
        self.gone(&ws);
        Ok(())
    }

    async fn alarm(&self) -> Result<Response> {
        self.ring().await?;
        Response::empty()
    }
}

/// The workspace's hub.
pub fn stub(env: &Env, workspace_id: &str) -> Result<Stub> {
    env.durable_object("HUB")?.get_by_name(workspace_id)
}

/// Posts `body` to the hub's `path`, best effort: the data behind every call is already in D1
/// (or the socket's credentials are checked again when it reconnects), so a failure is logged.
async fn post(env: &Env, workspace_id: &str, path: &str, body: Value) {
    let sent = async {
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(body.to_string().into()));
        let mut url = String::from("https://hub");
        url.push_str(path);
        let req = Request::new_with_init(&url, &init)?;
        stub(env, workspace_id)?.fetch_with_request(req).await
    };
    if let Err(e) = sent.await {
        console_error!("hub {path} failed: {e}");
    }
}

/// Announces an event (the data is already in D1, and clients catch up), off the critical
/// path: queued on the request and posted in order once the response is out
/// ([`post_announcements`], from `lib.rs` through `waitUntil`).
pub fn notify(
    ctx: &crate::http::Ctx,
    workspace_id: &str,
    visitor_id: Option<&str>,
    agents: bool,
    event: Value,
) {
    let body = json!({"visitorId": visitor_id, "agents": agents, "event": event});
    ctx.announcements
        .borrow_mut()
        .push((workspace_id.to_string(), body));
}

/// Posts a request's queued announcements, in the order they were made.
pub async fn post_announcements(env: Env, announcements: Vec<(String, Value)>) {
    for (workspace_id, body) in announcements {
        post(&env, &workspace_id, "/notify", body).await;
    }
}

/// Closes the live sockets of a removed teammate (credentials are checked when a socket opens;
/// this is how taking access away reaches sockets already open).
pub async fn close_agent_sockets(env: &Env, workspace_id: &str, agent_id: &str) {
    post(env, workspace_id, "/close", json!({"agentId": agent_id})).await;
}

/// Closes the agent sockets opened with a workspace key that was just rotated (`key_hash`).
pub async fn close_key_sockets(env: &Env, workspace_id: &str, key_hash: &str) {
    post(env, workspace_id, "/close", json!({"key": key_hash})).await;
}

/// The hub's open sockets and when its current instance woke (`GET /admin/v1/live/stats`).
pub async fn stats(env: &Env, workspace_id: &str) -> Result<Value> {
    stub(env, workspace_id)?
        .fetch_with_str("https://hub/stats")
        .await?
        .json::<Value>()
        .await
}

/// After a revoke: closes the sockets opened with the revoked session (whichever visitor they
/// are tagged with), and the visitor's sockets tied to any session that is gone: `keep` lists
/// the hashes of the sessions the visitor still has. (Covers a socket whose re-keying after a
/// refresh failed, and one opened with the old token just as it was refreshed.)
pub async fn close_revoked_sockets(
    env: &Env,
    workspace_id: &str,
    session: &str,
    visitor_id: &str,
    keep: &[String],
) {
    let body = json!({"session": session, "visitorId": visitor_id, "keep": keep});
    post(env, workspace_id, "/close", body).await;
}

/// Closes the sockets opened with any of `sessions` (revoked when a proof reached their
/// visitor).
pub async fn close_sessions(env: &Env, workspace_id: &str, sessions: &[String]) {
    post(env, workspace_id, "/close", json!({"sessions": sessions})).await;
}

/// Moves a refreshed session's open sockets to its new token hash and expiry.
pub async fn rekey(env: &Env, workspace_id: &str, from: &str, to: &str, expires_at: i64) {
    let body = json!({"from": from, "to": to, "expires": expires_at});
    post(env, workspace_id, "/rekey", body).await;
}

/// Presence of the workspace's connected visitors.
pub async fn presence(env: &Env, workspace_id: &str) -> Value {
    let got = async {
        stub(env, workspace_id)?
            .fetch_with_str("https://hub/presence")
            .await?
            .json::<Value>()
            .await
    };
    got.await.unwrap_or_else(|_| json!({}))
}
