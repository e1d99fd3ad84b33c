-- Tours, surveys and checklists join outbound messages and tooltips in one table of authored
-- items (same delivery model: status, priority, audience, triggers, frequency; `content` is
-- the kind's JSON: tour steps, survey questions and screens, checklist tasks). SQLite cannot
-- alter a CHECK constraint, so the table is rebuilt under its new name.
CREATE TABLE items (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  kind TEXT NOT NULL CHECK (kind IN ('chat', 'post', 'banner', 'tooltip', 'tour', 'survey', 'checklist')),
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
INSERT INTO items SELECT id, workspace_id, kind, status, name, priority, content, audience, triggers, frequency, created_at, updated_at FROM outbound;
DROP TABLE outbound;
-- /v1/eligible reads a workspace's active items; admin lists read one kind.
CREATE INDEX items_workspace_status ON items(workspace_id, status);
CREATE INDEX items_workspace_kind ON items(workspace_id, kind, created_at);

-- Where each visitor is in each tour. One row per visitor and tour; `checkpoint` is the path
-- of the last multi-page step reached, so a reload or navigation resumes there.
CREATE TABLE tour_progress (
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  tour_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_progress', 'snoozed', 'dismissed', 'completed')),
  step INTEGER NOT NULL,
  checkpoint TEXT,
  snoozed_until INTEGER,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  dismissed_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (visitor_id, tour_id)
);

-- Survey responses, saved as the visitor goes (partial) and closed when complete. At most one
-- open (incomplete) response per visitor and survey.
CREATE TABLE survey_responses (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  survey_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  -- {questionId: value}
  answers TEXT NOT NULL DEFAULT '{}',
  complete INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  completed_at INTEGER
);
CREATE INDEX survey_responses_survey ON survey_responses(survey_id, created_at);
CREATE INDEX survey_responses_visitor ON survey_responses(visitor_id, survey_id);
CREATE UNIQUE INDEX survey_responses_open ON survey_responses(visitor_id, survey_id) WHERE complete = 0;

-- Manual checklist tasks a visitor ticked (event and attribute tasks are derived).
CREATE TABLE checklist_progress (
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  checklist_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  done_at INTEGER NOT NULL,
  PRIMARY KEY (visitor_id, checklist_id, task_id)
);

-- Office hours (NULL: always in) and automation settings (JSON).
ALTER TABLE workspaces ADD COLUMN office_hours TEXT;
ALTER TABLE workspaces ADD COLUMN automation TEXT NOT NULL DEFAULT '{}';
