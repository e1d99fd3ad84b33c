-- The console's reads: estimated reach samples a workspace's most recently seen visitors;
-- analytics reads an item's impressions by day.
CREATE INDEX visitors_recent ON visitors(workspace_id, last_seen_at) WHERE merged_into IS NULL;
CREATE INDEX impressions_content_at ON impressions(workspace_id, content_id, at);
CREATE INDEX tour_progress_tour ON tour_progress(workspace_id, tour_id, started_at);
CREATE INDEX conversations_csat ON conversations(workspace_id, csat_at) WHERE csat_rating IS NOT NULL;
