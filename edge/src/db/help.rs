//! The help center: `collections`, `articles` (with their two FTS5 indexes, words and trigrams,
//! kept by triggers) and
//! `article_feedback`.

use porchlight_shared::search::{self, Plan};
use porchlight_shared::vocab::ArticleStatus;
use porchlight_shared::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::D1Database;

use super::{all, first, n, opt, run, s, stmt, Batch};

#[derive(Deserialize)]
pub struct CollectionRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CollectionRow {
    pub fn view(&self) -> Value {
        json!({"id": self.id, "name": self.name, "description": self.description, "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const COLLECTION_COLS: &str = "id, name, description, created_at, updated_at";

pub async fn collection_row(
    db: &D1Database,
    ws: &str,
    id: &str,
) -> Result<Option<CollectionRow>, ApiError> {
    first(
        db,
        &format!("SELECT {COLLECTION_COLS} FROM collections WHERE workspace_id = ?1 AND id = ?2"),
        &[s(ws), s(id)],
    )
    .await
}

pub async fn collection_rows(db: &D1Database, ws: &str) -> Result<Vec<CollectionRow>, ApiError> {
    all(stmt(
        db,
        &format!("SELECT {COLLECTION_COLS} FROM collections WHERE workspace_id = ?1 ORDER BY created_at, id"),
        &[s(ws)],
    )?)
    .await
}

pub async fn insert_collection(
    db: &D1Database,
    ws: &str,
    id: &str,
    name: &str,
    description: &str,
    now: i64,
) -> Result<(), ApiError> {
    run(db, "INSERT INTO collections (id, workspace_id, name, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)", &[s(id), s(ws), s(name), s(description), n(now)]).await
}

pub async fn update_collection(
    db: &D1Database,
    ws: &str,
    id: &str,
    name: &str,
    description: &str,
    now: i64,
) -> Result<(), ApiError> {
    run(db, "UPDATE collections SET name = ?3, description = ?4, updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2", &[s(ws), s(id), s(name), s(description), n(now)]).await
}

/// Deletes a collection; its articles stay, uncollected.
pub async fn delete_collection(db: &D1Database, ws: &str, id: &str) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "UPDATE articles SET collection_id = NULL WHERE workspace_id = ?1 AND collection_id = ?2",
        &[s(ws), s(id)],
    )?);
    batch.write(stmt(
        db,
        "DELETE FROM collections WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id)],
    )?);
    batch.run(db).await.map(drop)
}

#[derive(Deserialize)]
pub struct ArticleRow {
    pub id: String,
    pub collection_id: Option<String>,
    pub title: String,
    pub body: String,
    pub status: String,
    /// `{"fr": {"title", "body"}}` (JSON), checked when saved; none when untranslated.
    pub translations: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ArticleRow {
    /// The translations as stored (`{}` when none or unreadable).
    pub fn translations(&self) -> Value {
        self.translations
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_else(|| json!({}))
    }

    pub fn view(&self) -> Value {
        json!({"id": self.id, "collectionId": self.collection_id, "title": self.title, "body": self.body,
               "translations": self.translations(), "status": self.status,
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const ARTICLE_COLS: &str =
    "id, collection_id, title, body, status, translations, created_at, updated_at";

/// An article of the workspace; only a published one when `published_only`.
pub async fn article_row(
    db: &D1Database,
    ws: &str,
    id: &str,
    published_only: bool,
) -> Result<Option<ArticleRow>, ApiError> {
    let filter = if published_only {
        " AND status = 'published'"
    } else {
        ""
    };
    first(
        db,
        &format!("SELECT {ARTICLE_COLS} FROM articles WHERE workspace_id = ?1 AND id = ?2{filter}"),
        &[s(ws), s(id)],
    )
    .await
}

pub async fn article_rows(db: &D1Database, ws: &str) -> Result<Vec<ArticleRow>, ApiError> {
    all(stmt(
        db,
        &format!(
            "SELECT {ARTICLE_COLS} FROM articles WHERE workspace_id = ?1 ORDER BY created_at, id"
        ),
        &[s(ws)],
    )?)
    .await
}

/// The text of an article: title, body (Markdown), its translations (JSON, none when
/// untranslated) and collection.
pub struct ArticleText<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub translations: Option<&'a str>,
    pub collection_id: Option<&'a str>,
}

/// A new draft article.
pub async fn insert_article(
    db: &D1Database,
    ws: &str,
    id: &str,
    a: &ArticleText<'_>,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO articles (id, workspace_id, collection_id, title, body, translations, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?7, 'draft', ?6, ?6)",
        &[s(id), s(ws), opt(a.collection_id), s(a.title), s(a.body), n(now), opt(a.translations)],
    )
    .await
}

pub async fn update_article(
    db: &D1Database,
    ws: &str,
    id: &str,
    a: &ArticleText<'_>,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE articles SET title = ?3, body = ?4, collection_id = ?5, updated_at = ?6, translations = ?7 WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id), s(a.title), s(a.body), opt(a.collection_id), n(now), opt(a.translations)],
    )
    .await
}

pub async fn set_article_status(
    db: &D1Database,
    ws: &str,
    id: &str,
    to: ArticleStatus,
    now: i64,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE articles SET status = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id), s(to.as_str()), n(now)],
    )
    .await
}

/// Deletes an article and the feedback on it.
pub async fn delete_article(db: &D1Database, ws: &str, id: &str) -> Result<(), ApiError> {
    let mut batch = Batch::new();
    batch.write(stmt(
        db,
        "DELETE FROM article_feedback WHERE article_id = ?1",
        &[s(id)],
    )?);
    batch.write(stmt(
        db,
        "DELETE FROM articles WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(id)],
    )?);
    batch.run(db).await.map(drop)
}

/// A search hit: a published article with a plain-text excerpt around the match.
#[derive(Deserialize)]
pub struct SearchHit {
    pub id: String,
    pub collection_id: Option<String>,
    pub title: String,
    pub excerpt: String,
}

/// Published articles matching what a visitor typed, as `shared::search::plan` decided, best
/// first, at most 10 — searched in, and answered with, the text a visitor of `language` is
/// served (`shared::translations::served_language`; `""` for the default text): an article
/// translated into it by its translation (the default text standing in for a field it leaves
/// out), any other by its default text. An index answers by bm25 (the title weighted 5×), a
/// scan by title matches first, then the number of terms found, then the latest updated.
pub async fn search_articles(
    db: &D1Database,
    ws: &str,
    plan: &Plan,
    language: &str,
) -> Result<Vec<SearchHit>, ApiError> {
    match plan {
        // A snippet counts tokens: a word, or a trigram (about one character).
        Plan::Words(q) => {
            let q = in_workspace(ws, q);
            search_index(db, "article_search", 16, (ws, &q, language)).await
        }
        Plan::Substrings(q) => search_index(db, "article_search_cjk", 40, (ws, q, language)).await,
        Plan::Scan { terms, need } => scan_articles(db, ws, terms, *need, language).await,
    }
}

/// The FTS5 query `q` (from `shared::search::plan`: quoted terms, `OR`, `*`) asked of workspace
/// `ws`'s rows only: the word index's `workspace` column holds `w` + the id's bytes in hex (0022),
/// one token whatever the id or slug, so FTS5 intersects the workspace's rows with the terms'
/// instead of matching every workspace's.
fn in_workspace(ws: &str, q: &str) -> String {
    let mut key = String::with_capacity(1 + 2 * ws.len());
    key.push('w');
    for b in ws.bytes() {
        key.push_str(&format!("{b:02X}"));
    }
    format!("workspace : \"{key}\" AND ({q})")
}

/// [`search_articles`] asking FTS5 index `table` (`article_search` or `article_search_cjk`:
/// the same rows and first four columns; the word index's fifth, the workspace, weighs 0) the
/// query `q`, excerpts of `tokens` tokens.
async fn search_index(
    db: &D1Database,
    table: &'static str,
    tokens: u8,
    (ws, q, language): (&str, &str, &str),
) -> Result<Vec<SearchHit>, ApiError> {
    all(stmt(
        db,
        &format!(
            "SELECT a.id, a.collection_id, {table}.title AS title, \
             snippet({table}, 3, '', '', '…', {tokens}) AS excerpt \
             FROM {table} JOIN articles a ON a.id = {table}.article_id \
             WHERE {table} MATCH ?1 AND a.workspace_id = ?2 AND a.status = 'published' \
             AND ({table}.language = ?3 OR ({table}.language = '' \
                  AND (?3 = '' OR json_type(coalesce(a.translations, '{{}}'), '$.' || ?3) IS NULL))) \
             ORDER BY bm25({table}, 0.0, 0.0, 5.0, 1.0, 0.0) LIMIT 10"
        ),
        &[s(q), s(ws), s(language)],
    )?)
    .await
}

/// A scanned article: its served title and body, and how many terms each holds.
#[derive(Deserialize)]
struct ScanRow {
    id: String,
    collection_id: Option<String>,
    title: String,
    body: String,
}

/// [`search_articles`] for a term too short for the substring index: the served text of the
/// workspace's latest `search::SCAN_ARTICLES` published articles, looked through for `terms`
/// (ASCII lowercased, as the text is compared), at least `need` of them present.
async fn scan_articles(
    db: &D1Database,
    ws: &str,
    terms: &[String],
    need: usize,
    language: &str,
) -> Result<Vec<SearchHit>, ApiError> {
    let terms_json = json!(terms).to_string();
    let rows: Vec<ScanRow> = all(stmt(
        db,
        "SELECT id, collection_id, title, body FROM ( \
           SELECT id, collection_id, title, body, updated_at, \
             (SELECT count(*) FROM json_each(?2) t WHERE instr(lower(title), t.value) > 0) AS in_title, \
             (SELECT count(*) FROM json_each(?2) t \
                WHERE instr(lower(title), t.value) > 0 OR instr(lower(body), t.value) > 0) AS found \
           FROM ( \
             SELECT a.id, a.collection_id, a.updated_at, \
               coalesce(CASE WHEN ?3 = '' THEN NULL \
                 ELSE json_extract(a.translations, '$.' || ?3 || '.title') END, a.title) AS title, \
               coalesce(CASE WHEN ?3 = '' THEN NULL \
                 ELSE json_extract(a.translations, '$.' || ?3 || '.body') END, a.body) AS body \
             FROM articles a WHERE a.workspace_id = ?1 AND a.status = 'published' \
             ORDER BY a.updated_at DESC LIMIT ?5)) \
         WHERE found >= ?4 ORDER BY in_title DESC, found DESC, updated_at DESC LIMIT 10",
        &[
            s(ws),
            s(&terms_json),
            s(language),
            n(need as i64),
            n(search::SCAN_ARTICLES),
        ],
    )?)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SearchHit {
            excerpt: search::excerpt(&r.body, terms),
            id: r.id,
            collection_id: r.collection_id,
            title: r.title,
        })
        .collect())
}

/// The session's visitor's language tag (`?1`: the session token's hash), for
/// `auth::visitor_and`: read in the session's own round trip.
pub const SESSION_LOCALE_SQL: &str = "SELECT v.locale AS locale FROM widget_sessions s \
     JOIN visitors v ON v.id = s.visitor_id AND v.workspace_id = s.workspace_id WHERE s.token_hash = ?1";

/// A visitor's language tag (none when the boot gave none).
#[derive(Deserialize)]
pub struct LocaleRow {
    pub locale: Option<String>,
}

/// The language tag of visitor `vid` of workspace `ws`.
pub async fn visitor_locale(
    db: &D1Database,
    ws: &str,
    vid: &str,
) -> Result<Option<LocaleRow>, ApiError> {
    first(
        db,
        "SELECT locale FROM visitors WHERE workspace_id = ?1 AND id = ?2",
        &[s(ws), s(vid)],
    )
    .await
}

/// Records a visitor's feedback on an article; `false` when they already gave it.
pub async fn insert_feedback(
    db: &D1Database,
    ws: &str,
    article: &str,
    visitor: &str,
    helpful: bool,
    now: i64,
) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Changes {
        changes: i64,
    }
    let inserted: Option<Changes> = first(
        db,
        "INSERT INTO article_feedback (article_id, visitor_id, workspace_id, helpful, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (article_id, visitor_id) DO NOTHING RETURNING 1 AS changes",
        &[s(article), s(visitor), s(ws), n(helpful as i64), n(now)],
    )
    .await?;
    Ok(inserted.is_some_and(|c| c.changes > 0))
}
