//! Help center: collections and articles (admin), ranked full-text search over published
//! articles, reading one, and "was this helpful" once per visitor (visitor API). Search uses
//! D1's FTS5 (bm25, title weighted 5×); excerpts are plain text, never HTML (Opencom bug 6).

use porchlight_shared::translations;
use porchlight_shared::vocab::{ArticleStatus, Transition};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};
use crate::rand;

mod visitor;
pub use visitor::{feedback, read, search, visitor_language};

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

async fn collection(db: &D1Database, ws: &str, id: &str) -> Result<db::CollectionRow, ApiError> {
    db::collection_row(db, ws, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such collection in this workspace"))
}

pub async fn list_collections(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let rows = db::collection_rows(&ctx.db()?, &ws.id).await?;
    http::json(
        200,
        &json!({"collections": rows.iter().map(db::CollectionRow::view).collect::<Vec<_>>()}),
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
    db::insert_collection(&db, &ws.id, &id, &name, &description, ctx.now).await?;
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
    db::update_collection(&db, &ws.id, id, &name, &description, ctx.now).await?;
    http::json(200, &collection(&db, &ws.id, id).await?.view())
}

/// Deleting a collection keeps its articles (they become uncollected).
pub async fn delete_collection(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    collection(&db, &ws.id, id).await?;
    db::delete_collection(&db, &ws.id, id).await?;
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
    /// `{"fr": {"title", "body"}}`; replaces the stored translations (`null`: none).
    #[serde(default, deserialize_with = "present")]
    translations: Option<Value>,
}

/// An article's title and body at `path` (`""` for the article itself,
/// `/translations/fr` for a translation): the one check of both.
fn article_text(
    title: Option<&str>,
    body: Option<&str>,
    path: &str,
    required: bool,
) -> Result<(Option<String>, Option<String>), ApiError> {
    Ok((
        text(title, 200, &format!("{path}/title"), required)?,
        text(body, 50_000, &format!("{path}/body"), required)?,
    ))
}

/// The translations of an article whose default text is `title` and `body`, checked as that
/// text is (`shared::translations`), as stored JSON (`None`: untranslated).
fn article_translations(tr: &Value, title: &str, body: &str) -> Result<Option<String>, ApiError> {
    if tr.is_null() || tr.as_object().is_some_and(|o| o.is_empty()) {
        return Ok(None);
    }
    let base = json!({"title": title, "body": body});
    translations::check_translations(&base, tr, "", |t, path| {
        let field = |k: &str| t.get(k).and_then(Value::as_str);
        article_text(field("title"), field("body"), path, true).map(drop)
    })?;
    Ok(Some(tr.to_string()))
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

async fn article(
    db: &D1Database,
    ws: &str,
    id: &str,
    published_only: bool,
) -> Result<db::ArticleRow, ApiError> {
    db::article_row(db, ws, id, published_only)
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
    let rows = db::article_rows(&ctx.db()?, &ws.id).await?;
    http::json(
        200,
        &json!({"articles": rows.iter().map(db::ArticleRow::view).collect::<Vec<_>>()}),
    )
}

pub async fn create_article(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let b: ArticleBody = ctx.json().await?;
    let (title, body) = article_text(b.title.as_deref(), b.body.as_deref(), "", true)?;
    let (title, body) = (title.unwrap_or_default(), body.unwrap_or_default());
    let translations = match &b.translations {
        Some(tr) => article_translations(tr, &title, &body)?,
        None => None,
    };
    let db = ctx.db()?;
    let collection_id = collection_of(
        &db,
        &ws.id,
        b.collection_id.as_ref().unwrap_or(&Value::Null),
    )
    .await?;
    let id = rand::id::<8>("art_")?;
    let text = db::ArticleText {
        title: &title,
        body: &body,
        translations: translations.as_deref(),
        collection_id: collection_id.as_deref(),
    };
    db::insert_article(&db, &ws.id, &id, &text, ctx.now).await?;
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
    let (title, body) = article_text(b.title.as_deref(), b.body.as_deref(), "", false)?;
    let old_translations = old.translations.is_some().then(|| old.translations());
    let title = title.filter(|t| !t.is_empty()).unwrap_or(old.title);
    let body = body.filter(|t| !t.is_empty()).unwrap_or(old.body);
    // The stored translations are checked again: they must still lay over the new text.
    let translations = match &b.translations {
        Some(tr) => article_translations(tr, &title, &body)?,
        None => match &old_translations {
            Some(tr) => article_translations(tr, &title, &body)?,
            None => None,
        },
    };
    let collection_id = match &b.collection_id {
        Some(v) => collection_of(&db, &ws.id, v).await?,
        None => old.collection_id,
    };
    let text = db::ArticleText {
        title: &title,
        body: &body,
        translations: translations.as_deref(),
        collection_id: collection_id.as_deref(),
    };
    db::update_article(&db, &ws.id, id, &text, ctx.now).await?;
    http::json(200, &article(&db, &ws.id, id, false).await?.view())
}

pub async fn delete_article(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let db = ctx.db()?;
    article(&db, &ws.id, id, false).await?;
    db::delete_article(&db, &ws.id, id).await?;
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
    db::set_article_status(&db, &ws.id, id, ArticleStatus::after(transition), ctx.now).await?;
    http::json(200, &article(&db, &ws.id, id, false).await?.view())
}
