-- Identity, round two (ARCHITECTURE.md "Identity modes").
-- Whether the stored user_id was itself proven (userHash / userJwt). Only a proven userId is
-- unique and found by a later proof; an unproven claim (optional mode) is a label on the
-- claimer's own visitor and never reaches, or is reached by, anyone else's.
ALTER TABLE visitors ADD COLUMN user_id_verified INTEGER NOT NULL DEFAULT 0;
-- Only where the proof can only have been of the userId: a visitor whose email was also
-- verified may carry an unproven userId from before this round, so it counts as a label (the
-- owner's next proof re-establishes it).
UPDATE visitors SET user_id_verified = 1 WHERE user_id IS NOT NULL AND identity_verified = 1 AND email_verified = 0;
-- widget_sessions.identity_verified used to copy the visitor's flag at each boot, so a session
-- that never proved anything (a userId claimed before its owner signed in) could carry 1. It
-- now means "this session proved itself": start clean. The widget re-boots on 401 with the
-- claims it was given, so a signed-in visitor proves it again on the next call.
DELETE FROM widget_sessions WHERE visitor_id IN (SELECT id FROM visitors WHERE identity_verified = 1);
UPDATE widget_sessions SET identity_verified = 0;
-- A verified visitor is never resumed by an anonymous sessionId; none keeps one to squat.
UPDATE visitors SET session_id = NULL WHERE identity_verified = 1;
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
CREATE INDEX article_feedback_visitor ON article_feedback(visitor_id);
