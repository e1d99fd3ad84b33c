//! Help center: collections and articles (admin), ranked full-text search over published
//! articles, reading one, and "was this helpful" once per visitor (visitor API). Search uses
//! D1's FTS5 (bm25, title weighted 5×); excerpts are plain text, never HTML (Opencom bug 6).

use porchlight_shared::search::fts_query;
use porchlight_shared::vocab::Transition;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth;
use crate::db::{self, n, opt, s};
use crate::http::{self, Ctx};
use crate::rand;

fn text(
    v: Option<&str>,
    max: usize,
    path: &str,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match v.map(str::trim) {
        Some(t) if !t.is_empty() && t.chars().count() <= max => Ok(Some(t.to_string())),
        Some(t) if t.is_empty() && !required => Ok(Some(String::new())),
        Some(_) => Err(ApiError::invalid(path, format!("1-{max} characters"))),
        None if required => Err(ApiError::invalid(path, "required")),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------- collections (admin)

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectionBody {
    name: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct CollectionRow {
    id: String,
    name: String,
    description: String,
    created_at: i64,
    updated_at: i64,
}

impl CollectionRow {
    fn view(&self) -> Value {
        json!({"id": self.id, "name": self.name, "description": self.description, "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

async fn collection(db: &D1Database, ws: &str, id: &str) -> Result<CollectionRow, ApiError> {
    db::first::<CollectionRow>(db, "SELECT id, name, description, created_at, updated_at FROM collections WHERE workspace_id = ?1 AND id = ?2", &[s(ws), s(id)])
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such collection in this workspace"))
}

pub async fn list_collections(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let rows = db::all::<CollectionRow>(db::stmt(&ctx.db()?, "SELECT id, name, description, created_at, updated_at FROM collections WHERE workspace_id = ?1 ORDER BY created_at, id", &[s(&ws.id)])?).await?;
    http::json(
        200,
        &json!({"collections": rows.iter().map(CollectionRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn create_collection(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: CollectionBody = ctx.json().await?;
    let name = text(b.name.as_deref(), 100, "/name", true)?.unwrap_or_default();
    let description =
        text(b.description.as_deref(), 500, "/description", false)?.unwrap_or_default();
    let db = ctx.db()?;
    let id = rand::id::<8>("col_")?;
    db::run(&db, "INSERT INTO collections (id, workspace_id, name, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)", &[s(&id), s(&ws.id), s(&name), s(&description), n(ctx.now)]).await?;
    http::json(201, &collection(&db, &ws.id, &id).await?.view())
}

pub async fn get_collection(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    http::json(200, &collection(&ctx.db()?, &ws.id, id).await?.view())
}

pub async fn patch_collection(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: CollectionBody = ctx.json().await?;
    let db = ctx.db()?;
    let old = collection(&db, &ws.id, id).await?;
    let name = text(b.name.as_deref(), 100, "/name", false)?
        .filter(|n| !n.is_empty())
        .unwrap_or(old.name);
    let description =
        text(b.description.as_deref(), 500, "/description", false)?.unwrap_or(old.description);
    db::run(&db, "UPDATE collections SET name = ?3, description = ?4, updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2", &[s(&ws.id), s(id), s(&name), s(&description), n(ctx.now)]).await?;
    http::json(200, &collection(&db, &ws.id, id).await?.view())
}

/// Deleting a collection keeps its articles (they become uncollected).
pub async fn delete_collection(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    collection(&db, &ws.id, id).await?;
    db::batch(
        &db,
        vec![
            db::stmt(&db, "UPDATE articles SET collection_id = NULL WHERE workspace_id = ?1 AND collection_id = ?2", &[s(&ws.id), s(id)])?,
            db::stmt(&db, "DELETE FROM collections WHERE workspace_id = ?1 AND id = ?2", &[s(&ws.id), s(id)])?,
        ],
    )
    .await?;
    http::no_content()
}

// ---------------------------------------------------------------- articles (admin)

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ArticleBody {
    title: Option<String>,
    body: Option<String>,
    #[serde(default, deserialize_with = "present")]
    collection_id: Option<Value>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct ArticleRow {
    id: String,
    collection_id: Option<String>,
    title: String,
    body: String,
    status: String,
    created_at: i64,
    updated_at: i64,
}

impl ArticleRow {
    fn view(&self) -> Value {
        json!({"id": self.id, "collectionId": self.collection_id, "title": self.title, "body": self.body, "status": self.status,
               "createdAt": self.created_at, "updatedAt": self.updated_at})
    }
}

const ARTICLE_COLS: &str = "id, collection_id, title, body, status, created_at, updated_at";

async fn article(
    db: &D1Database,
    ws: &str,
    id: &str,
    published_only: bool,
) -> Result<ArticleRow, ApiError> {
    let filter = if published_only {
        " AND status = 'published'"
    } else {
        ""
    };
    db::first::<ArticleRow>(
        db,
        &format!("SELECT {ARTICLE_COLS} FROM articles WHERE workspace_id = ?1 AND id = ?2{filter}"),
        &[s(ws), s(id)],
    )
    .await?
    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such article"))
}

async fn collection_of(db: &D1Database, ws: &str, v: &Value) -> Result<Option<String>, ApiError> {
    match v {
        Value::Null => Ok(None),
        Value::String(id) => match collection(db, ws, id).await {
            Ok(c) => Ok(Some(c.id)),
            Err(_) => Err(ApiError::invalid(
                "/collectionId",
                "no such collection in this workspace",
            )),
        },
        _ => Err(ApiError::invalid(
            "/collectionId",
            "a collection id or null",
        )),
    }
}

pub async fn list_articles(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let rows = db::all::<ArticleRow>(db::stmt(
        &ctx.db()?,
        &format!(
            "SELECT {ARTICLE_COLS} FROM articles WHERE workspace_id = ?1 ORDER BY created_at, id"
        ),
        &[s(&ws.id)],
    )?)
    .await?;
    http::json(
        200,
        &json!({"articles": rows.iter().map(ArticleRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn create_article(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: ArticleBody = ctx.json().await?;
    let title = text(b.title.as_deref(), 200, "/title", true)?.unwrap_or_default();
    let body = text(b.body.as_deref(), 50_000, "/body", true)?.unwrap_or_default();
    let db = ctx.db()?;
    let collection_id = collection_of(
        &db,
        &ws.id,
        b.collection_id.as_ref().unwrap_or(&Value::Null),
    )
    .await?;
    let id = rand::id::<8>("art_")?;
    db::run(
        &db,
        "INSERT INTO articles (id, workspace_id, collection_id, title, body, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?6)",
        &[s(&id), s(&ws.id), opt(collection_id.as_deref()), s(&title), s(&body), n(ctx.now)],
    )
    .await?;
    http::json(201, &article(&db, &ws.id, &id, false).await?.view())
}

pub async fn get_article_admin(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    http::json(200, &article(&ctx.db()?, &ws.id, id, false).await?.view())
}

pub async fn patch_article(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: ArticleBody = ctx.json().await?;
    let db = ctx.db()?;
    let old = article(&db, &ws.id, id, false).await?;
    let title = text(b.title.as_deref(), 200, "/title", false)?
        .filter(|t| !t.is_empty())
        .unwrap_or(old.title);
    let body = text(b.body.as_deref(), 50_000, "/body", false)?
        .filter(|t| !t.is_empty())
        .unwrap_or(old.body);
    let collection_id = match &b.collection_id {
        Some(v) => collection_of(&db, &ws.id, v).await?,
        None => old.collection_id,
    };
    db::run(
        &db,
        "UPDATE articles SET title = ?3, body = ?4, collection_id = ?5, updated_at = ?6 WHERE workspace_id = ?1 AND id = ?2",
        &[s(&ws.id), s(id), s(&title), s(&body), opt(collection_id.as_deref()), n(ctx.now)],
    )
    .await?;
    http::json(200, &article(&db, &ws.id, id, false).await?.view())
}

pub async fn delete_article(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    article(&db, &ws.id, id, false).await?;
    db::batch(
        &db,
        vec![
            db::stmt(
                &db,
                "DELETE FROM article_feedback WHERE article_id = ?1",
                &[s(id)],
            )?,
            db::stmt(
                &db,
                "DELETE FROM articles WHERE workspace_id = ?1 AND id = ?2",
                &[s(&ws.id), s(id)],
            )?,
        ],
    )
    .await?;
    http::no_content()
}

/// `activate` publishes, `pause` unpublishes (back to draft), `archive` archives.
pub async fn set_article_status(
    ctx: &mut Ctx,
    id: &str,
    transition: Transition,
) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    article(&db, &ws.id, id, false).await?;
    let to = match transition {
        Transition::Activate => "published",
        Transition::Pause => "draft",
        Transition::Archive => "archived",
    };
    db::run(
        &db,
        "UPDATE articles SET status = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2",
        &[s(&ws.id), s(id), s(to), n(ctx.now)],
    )
    .await?;
    http::json(200, &article(&db, &ws.id, id, false).await?.view())
}

// ---------------------------------------------------------------- visitor side

/// `GET /v1/articles/search?q=`: published articles of the workspace, best match first.
pub async fn search(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let url = ctx
        .req
        .url()
        .map_err(|_| ApiError::invalid("", "bad URL"))?;
    let q = url
        .query_pairs()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if q.chars().count() > 200 {
        return Err(ApiError::invalid("/q", "at most 200 characters"));
    }
    let Some(query) = fts_query(&q) else {
        return http::json(200, &json!({"results": []}));
    };
    #[derive(Deserialize)]
    struct Hit {
        id: String,
        collection_id: Option<String>,
        title: String,
        excerpt: String,
    }
    let hits = db::all::<Hit>(db::stmt(
        &ctx.db()?,
        "SELECT a.id, a.collection_id, a.title, snippet(articles_fts, 1, '', '', '…', 16) AS excerpt \
         FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid \
         WHERE articles_fts MATCH ?1 AND a.workspace_id = ?2 AND a.status = 'published' \
         ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT 10",
        &[s(&query), s(&a.workspace.id)],
    )?).await?;
    let results: Vec<Value> = hits.into_iter().map(|h| json!({"id": h.id, "collectionId": h.collection_id, "title": h.title, "excerpt": h.excerpt})).collect();
    http::json(200, &json!({ "results": results }))
}

/// `GET /v1/articles/{id}`: a published article of the workspace.
pub async fn read(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let row = article(&ctx.db()?, &a.workspace.id, id, true).await?;
    http::json(
        200,
        &json!({"id": row.id, "collectionId": row.collection_id, "title": row.title, "body": row.body, "updatedAt": row.updated_at}),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Feedback {
    helpful: bool,
}

/// `POST /v1/articles/{id}/feedback`: once per visitor and article.
pub async fn feedback(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let a = auth::visitor(ctx).await?;
    let f: Feedback = ctx.json().await?;
    let db = ctx.db()?;
    article(&db, &a.workspace.id, id, true).await?;
    #[derive(Deserialize)]
    struct Changes {
        changes: i64,
    }
    let inserted: Option<Changes> = db::first(
        &db,
        "INSERT INTO article_feedback (article_id, visitor_id, workspace_id, helpful, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (article_id, visitor_id) DO NOTHING RETURNING 1 AS changes",
        &[s(id), s(&a.session.visitor_id), s(&a.workspace.id), n(f.helpful as i64), n(ctx.now)],
    )
    .await?;
    if inserted.is_none_or(|c| c.changes == 0) {
        return Err(ApiError::new(
            ErrorCode::AlreadyExists,
            "this visitor already gave feedback on this article",
        ));
    }
    http::no_content()
}
