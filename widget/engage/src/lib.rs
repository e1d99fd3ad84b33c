//! Porchlight's engagement module: outbound messages (banner, post, chat card) and tooltips in
//! the page, and the decisions for tours and surveys (drawn by the modules it loads: `lazy`).
//! A third WASM module: the core (`porchlight-widget`, its `engage` module) imports it when a
//! boot or a navigation finds something eligible, when the workspace tracks clicks, or when the
//! page calls a command it owns (`track`, `debug`, `update`, `startTour`, `startSurvey`); it
//! hands over the core's host object and every `/v1/eligible` answer.
//!
//! One runtime, one place where decisions are made: each time something changes — an answer,
//! a scroll, a click, an event tracked, a timer, a navigation, a dismissal in another tab — the
//! runtime gathers what it observed and asks `shared::targeting::page::plan` what shows (the
//! edge's own triggers, frequency and arbitration code). It then applies the plan: draws what
//! shows (one renderer per kind, [`render`]), takes down what must go, remembers what was
//! armed, and sets one timer for the next time-based change. `Porchlight('debug')` prints the
//! plan's reasons.

// The runtime is browser code; natively only the pure modules build (and are tested).
#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod items;
#[cfg(target_arch = "wasm32")]
mod lazy;
#[cfg(target_arch = "wasm32")]
mod observe;
#[cfg(target_arch = "wasm32")]
mod queue;
#[cfg(target_arch = "wasm32")]
mod render;
#[cfg(target_arch = "wasm32")]
mod runtime;
#[cfg(target_arch = "wasm32")]
mod surveys;
#[cfg(target_arch = "wasm32")]
mod tours;
