-- A survey response carries the id the widget made when it showed the survey (a UUID, kept in
-- its offline queue): a retried `complete` whose answer was lost, or a late answer from another
-- tab, lands on that response — at most one per (visitor, survey, client id) — instead of
-- opening a second one under a frequency that lets a visitor answer again.
ALTER TABLE survey_responses ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX survey_responses_client ON survey_responses(visitor_id, survey_id, client_id) WHERE client_id IS NOT NULL;
