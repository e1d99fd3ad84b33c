//! The visitor side of the help center: ranked full-text search over published articles,
//! reading one in the visitor's language, and "was this helpful" once per visitor.

use porchlight_shared::search::{self, Match};
use porchlight_shared::translations;
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Response};

use crate::auth;
use crate::db;
use crate::http::{self, Ctx};

use super::article;

/// `GET /v1/articles/search?q=[&match=any]`: published articles of the workspace, best match
/// first. Every word must match (the last as a prefix: search as you type); `match=any` asks for
/// any telling word instead (what a message the visitor is writing is about: suggestions).
/// Japanese or Chinese text is searched by substring (`shared::search::plan` decides how).
pub async fn search(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (a, locale) = auth::visitor_and::<db::LocaleRow>(ctx, db::SESSION_LOCALE_SQL, &[]).await?;
    let q = ctx.query("q")?.unwrap_or_default();
    let how = match ctx.query("match")?.as_deref() {
        None | Some("all") => Match::All,
        Some("any") => Match::Any,
        Some(_) => return Err(ApiError::invalid("/match", "all or any")),
    };
    if q.chars().count() > 200 {
        return Err(ApiError::invalid("/q", "at most 200 characters"));
    }
    let Some(plan) = search::plan(&q, how) else {
        return http::json(200, &json!({"results": []}));
    };
    let language = language(&a, locale);
    let hits = db::search_articles(&ctx.db()?, &a.workspace.id, &plan, language).await?;
    let results: Vec<Value> = hits.into_iter().map(|h| json!({"id": h.id, "collectionId": h.collection_id, "title": h.title, "excerpt": h.excerpt})).collect();
    http::json(200, &json!({ "results": results }))
}

/// The translation the visitor of `a` is served (`""`: the default text), read on its own.
pub async fn visitor_language(db: &D1Database, a: &auth::VisitorAuth) -> &'static str {
    let ws = a.workspace.id.as_str();
    match db::visitor_locale(db, ws, &a.session.visitor_id).await {
        Ok(locale) => language(a, locale),
        Err(_) => "",
    }
}

/// The translation a visitor is served (`""`: the default text): by their language, the
/// workspace's default language standing in.
fn language(a: &auth::VisitorAuth, locale: Option<db::LocaleRow>) -> &'static str {
    let want = locale.and_then(|l| l.locale);
    if want.is_none() {
        return "";
    }
    translations::served_language(want.as_deref(), &a.workspace.messenger().default_language)
        .unwrap_or_default()
}

/// `GET /v1/articles/{id}`: a published article of the workspace, in the visitor's language
/// (field by field, the default text standing in).
pub async fn read(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (a, locale) = auth::visitor_and::<db::LocaleRow>(ctx, db::SESSION_LOCALE_SQL, &[]).await?;
    let row = article(&ctx.db()?, &a.workspace.id, id, true).await?;
    let language = language(&a, locale);
    let text = translations::localized(
        json!({"title": row.title, "body": row.body, "translations": row.translations()}),
        (!language.is_empty()).then_some(language),
        "",
    );
    http::json(
        200,
        &json!({"id": row.id, "collectionId": row.collection_id, "title": text["title"], "body": text["body"], "updatedAt": row.updated_at}),
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
    let inserted = db::insert_feedback(
        &db,
        &a.workspace.id,
        id,
        &a.session.visitor_id,
        f.helpful,
        ctx.now,
    )
    .await?;
    if !inserted {
        return Err(ApiError::new(
            ErrorCode::AlreadyExists,
            "this visitor already gave feedback on this article",
        ));
    }
    http::no_content()
}
