-- Help-center search in scripts written without spaces between words (Japanese, Chinese; Korean
-- attaches particles to its words): `unicode61` makes a whole sentence one token there, so a
-- word inside it is never found. A second index of the same rows (one per article and served
-- language, as `article_search`) with the `trigram` tokenizer finds any substring of three
-- characters or more, ranked by bm25 like the first; `shared::search::plan` decides which index
-- a query is asked of (text with a CJK character: this one). Kept in sync by triggers of its
-- own, beside 0019's; filled from `article_search` for the articles already written.
CREATE VIRTUAL TABLE article_search_cjk USING fts5(article_id UNINDEXED, language UNINDEXED, title, body, tokenize='trigram remove_diacritics 1');

CREATE TRIGGER article_search_cjk_insert AFTER INSERT ON articles BEGIN
  INSERT INTO article_search_cjk(article_id, language, title, body) VALUES (new.id, '', new.title, new.body);
  INSERT INTO article_search_cjk(article_id, language, title, body)
    SELECT new.id, j.key, coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body)
    FROM json_each(coalesce(new.translations, '{}')) AS j;
END;
CREATE TRIGGER article_search_cjk_delete AFTER DELETE ON articles BEGIN
  DELETE FROM article_search_cjk WHERE article_id = old.id;
END;
CREATE TRIGGER article_search_cjk_update AFTER UPDATE OF title, body, translations ON articles BEGIN
  DELETE FROM article_search_cjk WHERE article_id = old.id;
  INSERT INTO article_search_cjk(article_id, language, title, body) VALUES (new.id, '', new.title, new.body);
  INSERT INTO article_search_cjk(article_id, language, title, body)
    SELECT new.id, j.key, coalesce(json_extract(j.value, '$.title'), new.title), coalesce(json_extract(j.value, '$.body'), new.body)
    FROM json_each(coalesce(new.translations, '{}')) AS j;
END;

INSERT INTO article_search_cjk(article_id, language, title, body)
  SELECT article_id, language, title, body FROM article_search;
