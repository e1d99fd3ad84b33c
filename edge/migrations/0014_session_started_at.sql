-- Sessions end: when a session started (its first boot), carried from token to token by every
-- refresh, which never moves the expiry past started_at + the absolute age (30 days,
-- shared/src/session.rs MAX_SESSION_AGE_MS). NULL: the session started when this row was
-- created (a row minted by boot, or one from before this column).
ALTER TABLE widget_sessions ADD COLUMN started_at INTEGER;
