//! D1 access, one module per table family. Rows are plain structs; callers decide.

mod active;
mod analytics;
mod audit;
mod chat;
mod delivery;
mod events;
mod help;
mod items;
mod live;
mod maintenance;
mod merge;
mod previews;
mod progress;
mod reach;
mod segments;
mod sessions;
mod settings;
mod teammates;
mod tickets;
mod visitors;
mod workspaces;

pub use active::*;
pub use analytics::*;
pub use audit::*;
pub use chat::*;
pub use delivery::*;
pub use events::*;
pub use help::*;
pub use items::*;
pub use live::*;
pub use maintenance::*;
pub use merge::*;
pub use previews::*;
pub use progress::*;
pub use reach::*;
pub use segments::*;
pub use sessions::*;
pub use settings::*;
pub use teammates::*;
pub use tickets::*;
pub use visitors::*;
pub use workspaces::*;

use porchlight_shared::ApiError;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
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

/// Rows of type `T` that a [`Batch`] will return. The handle carries the statement's place in
/// the batch, so results are taken by handle and type, never decoded by position; it is not
/// `Clone`, so each result is taken once.
#[must_use = "a read whose rows are never taken is a wasted query"]
pub struct Rows<T> {
    index: usize,
    _rows: std::marker::PhantomData<fn() -> T>,
}

/// Statements sent to D1 in one round trip (one implicit transaction).
#[derive(Default)]
pub struct Batch {
    stmts: Vec<D1PreparedStatement>,
}

impl Batch {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a statement whose rows the caller will take as `T`.
    pub fn read<T>(&mut self, st: D1PreparedStatement) -> Rows<T> {
        self.stmts.push(st);
        Rows {
            index: self.stmts.len() - 1,
            _rows: std::marker::PhantomData,
        }
    }
    /// Adds a statement whose result nobody reads.
    pub fn write(&mut self, st: D1PreparedStatement) {
        self.stmts.push(st);
    }
    /// Runs every statement in one round trip; nothing is written if one fails.
    pub async fn run(self, db: &D1Database) -> Result<Results, ApiError> {
        if self.stmts.is_empty() {
            return Ok(Results(Vec::new()));
        }
        let stmts: js_sys::Array = self
            .stmts
            .iter()
            .map(|st| -> &JsValue { st.inner().as_ref() })
            .collect();
        let batch: js_sys::Function =
            js_sys::Reflect::get(db.as_ref(), &JsValue::from_str("batch"))
                .and_then(|f| f.dyn_into())
                .map_err(js_error)?;
        let promise: js_sys::Promise = batch
            .call1(db.as_ref(), &stmts)
            .and_then(|p| p.dyn_into())
            .map_err(js_error)?;
        let results: js_sys::Array = JsFuture::from(promise)
            .await
            .and_then(|r| r.dyn_into())
            .map_err(js_error)?;
        let key = JsValue::from_str("results");
        let mut out = Vec::with_capacity(results.length() as usize);
        for result in results.iter() {
            // The rows as one JSON text, parsed in Rust: one crossing out of JS per result
            // rather than several per field (and no JS garbage per field).
            let rows = js_sys::Reflect::get(&result, &key).map_err(js_error)?;
            let json = if rows.is_undefined() || rows.is_null() {
                None
            } else {
                js_sys::JSON::stringify(&rows)
                    .map_err(js_error)?
                    .as_string()
            };
            out.push(Some(json.unwrap_or_else(|| "[]".to_string())));
        }
        Ok(Results(out))
    }
}

/// A JS exception (a D1 failure) as an internal error, with its message (and its cause's).
fn js_error(e: JsValue) -> ApiError {
    let text = |v: &JsValue| {
        js_sys::Reflect::get(v, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
    };
    let message = text(&e).unwrap_or_else(|| format!("{e:?}"));
    let cause = js_sys::Reflect::get(&e, &JsValue::from_str("cause"))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
        .and_then(|c| text(&c));
    match cause {
        Some(c) => internal(format!("{message}: {c}")),
        None => internal(message),
    }
}

/// What a [`Batch`] returned (each statement's rows as JSON text), taken by [`Rows`] handle.
pub struct Results(Vec<Option<String>>);

impl Results {
    /// Every row of the read behind `rows`.
    pub fn rows<T: for<'a> Deserialize<'a>>(&mut self, rows: Rows<T>) -> Result<Vec<T>, ApiError> {
        let result = self
            .0
            .get_mut(rows.index)
            .and_then(Option::take)
            .ok_or_else(|| internal(format!("batch result {} missing", rows.index)))?;
        serde_json::from_str(&result).map_err(internal)
    }
    /// The first row of the read behind `rows`, if any.
    pub fn first<T: for<'a> Deserialize<'a>>(
        &mut self,
        rows: Rows<T>,
    ) -> Result<Option<T>, ApiError> {
        Ok(self.rows(rows)?.into_iter().next())
    }
}
