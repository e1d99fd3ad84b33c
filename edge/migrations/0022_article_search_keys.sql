-- The search indexes found by key, and asked per workspace.
-- 1. Saving or deleting an article deleted its index rows `WHERE article_id = old.id`, and
--    `article_id` is an UNINDEXED FTS5 column: every save scanned both indexes, every
--    workspace's rows. Each article now has a `search_key` (given once, kept: a table's implicit
--    rowid may change on VACUUM) and its rows are `search_key * 16 + n` (n = 0 the default text,
--    1… its translations; at most 7 languages): a save deletes a rowid range.
-- 2. A word query matched every workspace's rows before the join kept this one's: each row of
--    the word index now holds its workspace in an indexed column, as one token whatever the id
--    or slug ('w' || hex(id)), and a query asks `workspace : "…" AND (…)` (db/help.rs). The
--    substring index keeps no such column: trigrams of ids would be in every row, and a CJK
--    query's own trigrams are the selective part.
-- 3. A short CJK term is looked for in a workspace's latest published articles (db/help.rs
--    `scan_articles`, per debounced keystroke): the index below reads them in order instead of
--    sorting every published article of the workspace. It also serves what `(workspace_id,
--    status)` served, so that one goes.
ALTER TABLE articles ADD COLUMN search_key INTEGER;
UPDATE articles SET search_key = rowid;
CREATE UNIQUE INDEX articles_search_key ON articles(search_key);
CREATE INDEX articles_recent ON articles(workspace_id, status, updated_at);
DROP INDEX articles_workspace;

DROP TRIGGER article_search_insert;
DROP TRIGGER article_search_delete;
DROP TRIGGER article_search_update;
DROP TRIGGER article_search_cjk_insert;
DROP TRIGGER article_search_cjk_delete;
DROP TRIGGER article_search_cjk_update;
DROP TABLE article_search;
DROP TABLE article_search_cjk;

CREATE VIRTUAL TABLE article_search USING fts5(article_id UNINDEXED, language UNINDEXED, title, body, workspace, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE article_search_cjk USING fts5(article_id UNINDEXED, language UNINDEXED, title, body, tokenize='trigram remove_diacritics 1');

-- Each trigger writes an article's rows (`search_key * 16 + n`) from `new`, reading only its own
-- article row by key.
CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
  UPDATE articles SET search_key = (SELECT coalesce(max(search_key), 0) + 1 FROM articles)
    WHERE id = new.id AND search_key IS NULL;
  INSERT INTO article_search(rowid, article_id, language, title, body, workspace)
    SELECT k.v * 16, new.id, '', new.title, new.body, 'w' || hex(new.workspace_id)
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k
    UNION ALL
    SELECT k.v * 16 + row_number() OVER (ORDER BY j.key), new.id, j.key,
      coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body),
      'w' || hex(new.workspace_id)
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k, json_each(coalesce(new.translations, '{}')) AS j;
  INSERT INTO article_search_cjk(rowid, article_id, language, title, body)
    SELECT k.v * 16, new.id, '', new.title, new.body
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k
    UNION ALL
    SELECT k.v * 16 + row_number() OVER (ORDER BY j.key), new.id, j.key,
      coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body)
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k, json_each(coalesce(new.translations, '{}')) AS j;
END;
CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
  DELETE FROM article_search WHERE rowid BETWEEN old.search_key * 16 AND old.search_key * 16 + 15;
  DELETE FROM article_search_cjk WHERE rowid BETWEEN old.search_key * 16 AND old.search_key * 16 + 15;
END;
CREATE TRIGGER article_search_update AFTER UPDATE OF title, body, translations ON articles BEGIN
  DELETE FROM article_search WHERE rowid BETWEEN old.search_key * 16 AND old.search_key * 16 + 15;
  DELETE FROM article_search_cjk WHERE rowid BETWEEN old.search_key * 16 AND old.search_key * 16 + 15;
  INSERT INTO article_search(rowid, article_id, language, title, body, workspace)
    SELECT k.v * 16, new.id, '', new.title, new.body, 'w' || hex(new.workspace_id)
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k
    UNION ALL
    SELECT k.v * 16 + row_number() OVER (ORDER BY j.key), new.id, j.key,
      coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body),
      'w' || hex(new.workspace_id)
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k, json_each(coalesce(new.translations, '{}')) AS j;
  INSERT INTO article_search_cjk(rowid, article_id, language, title, body)
    SELECT k.v * 16, new.id, '', new.title, new.body
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k
    UNION ALL
    SELECT k.v * 16 + row_number() OVER (ORDER BY j.key), new.id, j.key,
      coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body)
    FROM (SELECT search_key AS v FROM articles WHERE id = new.id) AS k, json_each(coalesce(new.translations, '{}')) AS j;
END;

-- The articles already written.
INSERT INTO article_search(rowid, article_id, language, title, body, workspace)
  SELECT a.search_key * 16, a.id, '', a.title, a.body, 'w' || hex(a.workspace_id) FROM articles a
  UNION ALL
  SELECT a.search_key * 16 + row_number() OVER (PARTITION BY a.id ORDER BY j.key), a.id, j.key,
    coalesce(json_extract(j.value, '$.title'), a.title), coalesce(json_extract(j.value, '$.body'), a.body),
    'w' || hex(a.workspace_id)
  FROM articles a, json_each(coalesce(a.translations, '{}')) AS j;
INSERT INTO article_search_cjk(rowid, article_id, language, title, body)
  SELECT a.search_key * 16, a.id, '', a.title, a.body FROM articles a
  UNION ALL
  SELECT a.search_key * 16 + row_number() OVER (PARTITION BY a.id ORDER BY j.key), a.id, j.key,
    coalesce(json_extract(j.value, '$.title'), a.title), coalesce(json_extract(j.value, '$.body'), a.body)
  FROM articles a, json_each(coalesce(a.translations, '{}')) AS j;
