-- Survey results filtered by date (GET /admin/v1/surveys/{id}/results?from&to) count a response
-- on the day of its latest answer: the range on updated_at is read through this index instead of
-- every response of the survey (EXPLAIN QUERY PLAN: SEARCH … USING INDEX
-- survey_responses_updated (survey_id=? AND updated_at>? AND updated_at<?)).
CREATE INDEX survey_responses_updated ON survey_responses(survey_id, updated_at);
