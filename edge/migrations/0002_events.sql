-- Tracked events and per-visitor counters. Event-count rules read the counters (a total and
-- per-UTC-day buckets), never the event history.

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  name TEXT NOT NULL,
  properties TEXT NOT NULL DEFAULT '{}',
  url TEXT,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX events_visitor ON events(visitor_id, occurred_at);

CREATE TABLE event_counters (
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  name TEXT NOT NULL,
  -- UTC days since 1970-01-01.
  day INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (visitor_id, name, day)
);

CREATE TABLE event_totals (
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (visitor_id, name)
);
