-- Saved audiences. A rule is stored as the engine printed it (canonical JSON).
CREATE TABLE segments (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  rule TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX segments_workspace ON segments(workspace_id, created_at);
