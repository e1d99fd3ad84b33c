-- Identity, round two (ARCHITECTURE.md "Identity modes").
-- Whether the stored user_id was itself proven (userHash / userJwt). Only a proven userId is
-- unique and found by a later proof; an unproven claim (optional mode) is a label on the
-- claimer's own visitor and never reaches, or is reached by, anyone else's.
ALTER TABLE visitors ADD COLUMN user_id_verified INTEGER NOT NULL DEFAULT 0;
UPDATE visitors SET user_id_verified = 1 WHERE user_id IS NOT NULL AND identity_verified = 1;
DROP INDEX visitors_user;
CREATE UNIQUE INDEX visitors_user ON visitors(workspace_id, user_id) WHERE user_id IS NOT NULL AND user_id_verified = 1 AND merged_into IS NULL;
CREATE INDEX visitors_user_claimed ON visitors(workspace_id, user_id) WHERE user_id IS NOT NULL AND merged_into IS NULL;
-- Top-level attribute keys last set by a verified userJwt (a JSON list): unsigned writes
-- (body attributes, update, a survey's "store as attribute") may not change them.
ALTER TABLE visitors ADD COLUMN signed_attributes TEXT NOT NULL DEFAULT '[]';
-- Retention: anonymous visitors idle for long are deleted by the hourly job.
CREATE INDEX visitors_idle ON visitors(last_seen_at) WHERE user_id IS NULL AND identity_verified = 0;
-- Retention: events past their age are dropped (the counters keep them).
CREATE INDEX events_age ON events(received_at);
