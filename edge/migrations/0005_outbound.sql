-- Outbound messages (chat / post / banner) and what visitors did with content (impressions).
CREATE TABLE outbound (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  kind TEXT NOT NULL CHECK (kind IN ('chat', 'post', 'banner')),
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'archived')),
  name TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  -- {title?, body, buttons:[{label, action:{type, url?}}], position?, dismissible}
  content TEXT NOT NULL,
  -- canonical audience rule JSON, or NULL for everyone
  audience TEXT,
  triggers TEXT NOT NULL DEFAULT '[]',
  frequency TEXT NOT NULL DEFAULT '"once"',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX outbound_workspace_status ON outbound(workspace_id, status);

CREATE TABLE impressions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  kind TEXT NOT NULL,
  content_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('shown', 'clicked', 'dismissed', 'completed')),
  browsing_session TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX impressions_visitor_content ON impressions(visitor_id, content_id);
