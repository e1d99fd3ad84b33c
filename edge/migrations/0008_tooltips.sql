-- Tooltips share the outbound table (same delivery model: audience, triggers, frequency,
-- status); they are served under /admin/v1/tooltips and listed apart in /v1/eligible.
-- SQLite cannot alter a CHECK constraint, so the table is rebuilt.
CREATE TABLE outbound_new (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  kind TEXT NOT NULL CHECK (kind IN ('chat', 'post', 'banner', 'tooltip')),
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'archived')),
  name TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  content TEXT NOT NULL,
  audience TEXT,
  triggers TEXT NOT NULL DEFAULT '[]',
  frequency TEXT NOT NULL DEFAULT '"once"',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO outbound_new SELECT id, workspace_id, kind, status, name, priority, content, audience, triggers, frequency, created_at, updated_at FROM outbound;
DROP TABLE outbound;
ALTER TABLE outbound_new RENAME TO outbound;
CREATE INDEX outbound_workspace_status ON outbound(workspace_id, status);
