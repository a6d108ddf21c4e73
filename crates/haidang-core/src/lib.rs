//! Domain types and pure logic of Hải Đăng.
//!
//! Nothing here performs IO or reads the clock: callers pass the current time in. The store,
//! ingest and server crates build on these types.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod ids;
pub mod observation;
pub mod personal;
pub mod plan;
pub mod reject;
pub mod rollup;
pub mod series;
pub mod text;
pub mod time;
pub mod units;

pub use ids::{IdError, SeriesKey, SourceKey, UnitCode};
pub use observation::{Aggregate, Step};
pub use reject::RejectReason;
