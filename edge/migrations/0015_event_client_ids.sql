-- Tracked events carry the sender's id (a UUID): a retried or replayed event is stored and
-- counted once. `request_id` marks the request that stored a row, so the counters of the same
-- transaction move only for events that request stored (never for a duplicate).
ALTER TABLE events ADD COLUMN client_id TEXT;
ALTER TABLE events ADD COLUMN request_id TEXT;
CREATE UNIQUE INDEX events_client ON events(visitor_id, client_id) WHERE client_id IS NOT NULL;
