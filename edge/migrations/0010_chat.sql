-- Live chat. Conversations and messages live in D1, next to the visitors they belong to: the
-- console lists conversations across visitors, merges move them with everything else, and one
-- D1 batch (a transaction) stores a message, numbers it and updates its conversation. The Hub
-- Durable Object (one per workspace) only holds the WebSockets and fans events out; it stores
-- nothing that matters. See ARCHITECTURE.md ("Live chat").

CREATE TABLE teammates (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  email TEXT,
  avatar_url TEXT,
  -- SHA-256 hex of the teammate's ptk_ key (shown once).
  key_hash TEXT NOT NULL UNIQUE,
  last_assigned_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX teammates_workspace ON teammates(workspace_id, created_at);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  topic TEXT,
  assignee_id TEXT REFERENCES teammates(id) ON DELETE SET NULL,
  -- Highest message seq; each side's read position.
  last_seq INTEGER NOT NULL DEFAULT 0,
  visitor_read_seq INTEGER NOT NULL DEFAULT 0,
  agent_read_seq INTEGER NOT NULL DEFAULT 0,
  consent_at INTEGER,
  first_agent_reply_at INTEGER,
  csat_rating INTEGER,
  csat_comment TEXT,
  csat_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_message_at INTEGER,
  closed_at INTEGER
);
CREATE INDEX conversations_visitor ON conversations(visitor_id, updated_at);
CREATE INDEX conversations_workspace ON conversations(workspace_id, status, updated_at);

-- Messages are numbered per conversation (seq, a total order) and unique per sender-made
-- client id, so a retried send is stored once.
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  workspace_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  author_type TEXT NOT NULL CHECK (author_type IN ('visitor', 'agent', 'system')),
  author_id TEXT,
  client_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq),
  UNIQUE (conversation_id, client_id)
);
