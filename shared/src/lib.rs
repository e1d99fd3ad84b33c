//! Porchlight's domain, shared by the widget (browser), the edge (Worker) and native tests.
//!
//! Nothing here does I/O: callers gather inputs (random bytes, the clock, rows from D1) and the
//! functions here decide. That is what lets the browser and the edge give identical answers.

pub mod attributes;
pub mod chat;
pub mod content;
pub mod error;
pub mod events;
pub mod experiences;
pub mod i18n;
pub mod identity;
pub mod insights;
pub mod names;
pub mod origin;
pub mod preview;
pub mod read;
pub mod search;
pub mod session;
pub mod settings;
pub mod targeting;
pub mod token;
pub mod translations;
pub mod types;
pub mod vocab;

pub use error::{ApiError, ErrorCode};
