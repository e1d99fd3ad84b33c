//! D1 access, one module per table family. Rows are plain structs; callers decide.

mod audit;
mod maintenance;
mod sessions;
mod teammates;
mod visitors;
mod workspaces;

pub use audit::*;
pub use maintenance::*;
pub use sessions::*;
pub use teammates::*;
pub use visitors::*;
pub use workspaces::*;

use porchlight_shared::ApiError;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::internal;

pub fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
pub fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}
pub fn opt(v: Option<&str>) -> JsValue {
    v.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

pub fn stmt(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement, ApiError> {
    db.prepare(sql).bind(args).map_err(internal)
}

pub async fn first<T: for<'a> Deserialize<'a>>(
    db: &D1Database,
    sql: &str,
    args: &[JsValue],
) -> Result<Option<T>, ApiError> {
    stmt(db, sql, args)?
        .first::<T>(None)
        .await
        .map_err(internal)
}

/// Every row of a prepared statement.
pub async fn all<T: for<'a> Deserialize<'a>>(st: D1PreparedStatement) -> Result<Vec<T>, ApiError> {
    st.all()
        .await
        .map_err(internal)?
        .results::<T>()
        .map_err(internal)
}

pub async fn run(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<(), ApiError> {
    stmt(db, sql, args)?.run().await.map_err(internal)?;
    Ok(())
}

pub async fn batch(db: &D1Database, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    db.batch(stmts).await.map_err(internal)?;
    Ok(())
}
