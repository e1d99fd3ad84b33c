-- Help-center articles in several languages (issue 15 item 5, issue 13): an article's
-- translations (`{"fr": {"title", "body"}}`, either field optional: the default text stands
-- in), and a search index that holds what each language's visitors are served — one row per
-- article and language, '' being the default language — so search matches the served text.
ALTER TABLE articles ADD COLUMN translations TEXT;

DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TABLE articles_fts;

CREATE VIRTUAL TABLE article_search USING fts5(article_id UNINDEXED, language UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
  INSERT INTO article_search(article_id, language, title, body) VALUES (new.id, '', new.title, new.body);
  INSERT INTO article_search(article_id, language, title, body)
    SELECT new.id, j.key, coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body)
    FROM json_each(coalesce(new.translations, '{}')) AS j;
END;
CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
  DELETE FROM article_search WHERE article_id = old.id;
END;
CREATE TRIGGER article_search_update AFTER UPDATE OF title, body, translations ON articles BEGIN
  DELETE FROM article_search WHERE article_id = old.id;
  INSERT INTO article_search(article_id, language, title, body) VALUES (new.id, '', new.title, new.body);
  INSERT INTO article_search(article_id, language, title, body)
    SELECT new.id, j.key, coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body)
    FROM json_each(coalesce(new.translations, '{}')) AS j;
END;

INSERT INTO article_search(article_id, language, title, body) SELECT id, '', title, body FROM articles;
