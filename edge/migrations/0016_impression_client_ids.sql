-- Impressions carry the sender's id (a UUID): one queued offline and sent again, or retried
-- after a lost answer, is recorded once (frequency counts it once).
ALTER TABLE impressions ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX impressions_client ON impressions(visitor_id, client_id) WHERE client_id IS NOT NULL;
