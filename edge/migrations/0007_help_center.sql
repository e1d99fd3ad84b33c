-- Help center: collections, articles with ranked full-text search (FTS5, kept in sync by
-- triggers), and "was this helpful" feedback (once per visitor and article).
CREATE TABLE collections (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX collections_workspace ON collections(workspace_id, created_at);

CREATE TABLE articles (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  collection_id TEXT REFERENCES collections(id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX articles_workspace ON articles(workspace_id, status);

CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
  INSERT INTO articles_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

CREATE TABLE article_feedback (
  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  workspace_id TEXT NOT NULL,
  helpful INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (article_id, visitor_id)
);
