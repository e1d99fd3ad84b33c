-- Whether the visitor behind a session token proved who they are (userHash / userJwt), as of
-- the last boot, resume or identify on that token.
ALTER TABLE widget_sessions ADD COLUMN identity_verified INTEGER NOT NULL DEFAULT 0;
