-- The messenger's spaces (issue 13).
-- A ticket remembers the page it was filed from (an http(s) URL, checked by the edge).
ALTER TABLE tickets ADD COLUMN page_url TEXT;
-- The team's queue of tickets (GET /admin/v1/tickets), most recently changed first.
CREATE INDEX tickets_workspace ON tickets(workspace_id, updated_at);
-- A system message (the suggested articles before a teammate picks up) names its articles:
-- JSON [{"id","title"}], NULL for every other message.
ALTER TABLE messages ADD COLUMN articles TEXT;
