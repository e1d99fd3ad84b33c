-- Starting a conversation is idempotent on its first message's clientId: a retried start (the
-- answer was lost, or two tabs flushed the same outbox) finds the conversation it made.
ALTER TABLE conversations ADD COLUMN start_client_id TEXT;
CREATE UNIQUE INDEX conversations_start ON conversations(visitor_id, start_client_id) WHERE start_client_id IS NOT NULL;
