-- Workspaces, visitors, widget sessions and the audit log: the skeleton's schema.
-- All times are epoch milliseconds.

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  -- SHA-256 hex of the psk_ secret key; the key itself is shown once and never stored.
  secret_key_hash TEXT NOT NULL UNIQUE,
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  session_lifetime_ms INTEGER NOT NULL,
  identity_mode TEXT NOT NULL DEFAULT 'optional' CHECK (identity_mode IN ('off', 'optional', 'required')),
  -- HMAC keys must stay usable, so they are kept as is (never returned after creation/rotation).
  identity_secret TEXT NOT NULL,
  identity_secret_prev TEXT,
  identity_secret_prev_until INTEGER,
  messenger TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE visitors (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  readable_id TEXT NOT NULL,
  session_id TEXT,
  user_id TEXT,
  email TEXT,
  email_lower TEXT,
  email_verified INTEGER NOT NULL DEFAULT 0,
  name TEXT,
  identity_verified INTEGER NOT NULL DEFAULT 0,
  attributes TEXT NOT NULL DEFAULT '{}',
  device TEXT,
  locale TEXT,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  session_count INTEGER NOT NULL DEFAULT 1,
  merged_into TEXT
);
CREATE UNIQUE INDEX visitors_user ON visitors(workspace_id, user_id) WHERE user_id IS NOT NULL AND merged_into IS NULL;
CREATE INDEX visitors_verified_email ON visitors(workspace_id, email_lower) WHERE email_verified = 1 AND merged_into IS NULL;
CREATE INDEX visitors_session ON visitors(workspace_id, session_id) WHERE merged_into IS NULL;

CREATE TABLE widget_sessions (
  -- SHA-256 hex of the wst_ token.
  token_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX widget_sessions_expiry ON widget_sessions(expires_at);
CREATE INDEX widget_sessions_visitor ON widget_sessions(visitor_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log(workspace_id, created_at);
