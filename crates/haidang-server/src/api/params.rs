//! Parsing of query parameters into domain values, with errors that name the parameter.

use chrono::NaiveDate;
use chrono_tz::Tz;
use haidang_core::observation::{Aggregate, Step};
use haidang_core::time::{local_date, parse_timestamp};

use crate::error::ApiError;

/// Parses an optional instant; ISO 8601 or a date (local midnight).
pub fn instant(name: &str, value: Option<&String>, zone: Tz) -> Result<Option<i64>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            parse_timestamp(v, zone).map_err(|_| {
                ApiError::invalid_parameter(name, v, "ISO 8601, e.g. 2025-07-01T00:00:00+07:00 or 2025-07-01")
            })
        })
        .transpose()
}

/// Parses `as_of`; today's local date when absent.
pub fn as_of(value: Option<&String>, now: i64, zone: Tz) -> Result<NaiveDate, ApiError> {
    match value.filter(|v| !v.is_empty()) {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| ApiError::invalid_parameter("as_of", text, "YYYY-MM-DD, e.g. 2026-01-01")),
        None => local_date(now, zone).ok_or_else(|| ApiError::internal("clock out of range")),
    }
}

pub fn step(value: Option<&String>) -> Result<Step, ApiError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(Step::Raw),
        Some(text) => {
            Step::parse(text).ok_or_else(|| ApiError::invalid_parameter("step", text, "raw, hour, day or month"))
        }
    }
}

pub fn aggregate(value: Option<&String>) -> Result<Aggregate, ApiError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(Aggregate::Avg),
        Some(text) => Aggregate::parse(text)
            .ok_or_else(|| ApiError::invalid_parameter("agg", text, "avg, min, max, sum, count or last")),
    }
}
