//! Reasons why one row or message of a batch is rejected.

use serde::Serialize;

/// Stable reason for a rejected row. The code is part of the API: clients match on it, and
/// the server translates it into a message in the caller's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RejectReason {
    /// A required column or field is absent or empty.
    MissingField { field: String },
    /// The source marked the value as missing, by a sentinel such as -999 or a quality flag.
    MissingValue { field: String, value: String },
    /// The series key is not defined.
    UnknownSeries { series: String },
    /// The value is not a finite decimal number.
    InvalidNumber { field: String, value: String },
    /// The value lies outside the series' valid range.
    OutOfRange {
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// The time could not be parsed.
    InvalidTime { value: String },
    /// The row does not have the shape of the format (wrong column count, not an object).
    MalformedRow { detail: String },
}

impl RejectReason {
    /// Returns the stable machine code, such as `INVALID_NUMBER`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingField { .. } => "MISSING_FIELD",
            Self::MissingValue { .. } => "MISSING_VALUE",
            Self::UnknownSeries { .. } => "UNKNOWN_SERIES",
            Self::InvalidNumber { .. } => "INVALID_NUMBER",
            Self::OutOfRange { .. } => "OUT_OF_RANGE",
            Self::InvalidTime { .. } => "INVALID_TIME",
            Self::MalformedRow { .. } => "MALFORMED_ROW",
        }
    }

    /// Returns the reason's parameters as a JSON object, stored beside the code so that the
    /// message can be rendered later in any language.
    pub fn params(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("code");
        }
        value
    }
}
