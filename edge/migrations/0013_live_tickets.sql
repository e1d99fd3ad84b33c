-- Live-socket tickets. Browsers cannot set headers on a WebSocket, so its credential travels in
-- the URL, where proxies and logs may keep it: a single-use ticket valid for seconds, never a
-- session token or key. POST /v1/live/ticket (session token) or /admin/v1/live/ticket
-- (teammate or workspace key) mints one; the upgrade deletes it (DELETE … RETURNING, in the
-- batch that reads what it stands for), so it opens at most one socket. See ARCHITECTURE.md
-- ("Live chat").
CREATE TABLE live_tickets (
  -- SHA-256 hex of the lvt_ ticket; the ticket itself is only ever in the answer.
  ticket_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  role TEXT NOT NULL CHECK (role IN ('visitor', 'agent')),
  -- Visitor tickets: the visitor, and the hash of the session token that asked.
  visitor_id TEXT,
  -- Agent tickets: the teammate (NULL for the workspace key).
  teammate_id TEXT,
  -- SHA-256 of the credential that asked (session token, teammate key or workspace key): the
  -- ticket opens a socket only while that credential is still current.
  credential_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX live_tickets_expiry ON live_tickets(expires_at);
