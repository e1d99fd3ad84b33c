//! Audience targeting, triggers, frequency and arbitration: the one engine that decides, in
//! the browser and at the edge alike, whether a visitor should see a piece of content now.

pub mod dates;
mod eval;
pub(crate) mod host;
mod operand;
mod print;
mod rule;
mod subject;

pub use eval::{evaluate_audience, EvalContext, NoSegments, SegmentLookup};
#[cfg(all(feature = "browser", target_arch = "wasm32"))]
pub use host::json_from_js;
pub use rule::{CountOp, EventFilter, Op, PageKey, Rule, SystemKey, MAX_DEPTH, MAX_NODES};
pub use subject::{percent_decode, Attributes, EventStats, PageFacts, Subject};
pub mod arbitrate;
pub mod frequency;
pub mod page;
pub mod reach;
pub mod regex_js;
pub mod triggers;
