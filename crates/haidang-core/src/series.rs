//! Series definitions and the value checks that every ingestion path applies.

use serde::{Deserialize, Serialize};

use crate::reject::RejectReason;

/// What a series measures and which values it accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesLimits {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl SeriesLimits {
    /// Checks a parsed value against the valid range.
    pub fn check(&self, value: f64) -> Result<(), RejectReason> {
        let below = self.min.is_some_and(|min| value < min);
        let above = self.max.is_some_and(|max| value > max);
        if below || above {
            return Err(RejectReason::OutOfRange {
                value,
                min: self.min,
                max: self.max,
            });
        }
        Ok(())
    }
}

/// Parses a decimal number as sources write it: a dot for decimals, optional sign and
/// exponent, surrounding spaces ignored. `field` names the column in the rejection.
pub fn parse_value(text: &str, field: &str) -> Result<f64, RejectReason> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(RejectReason::MissingField {
            field: field.to_owned(),
        });
    }
    match trimmed.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(RejectReason::InvalidNumber {
            field: field.to_owned(),
            value: trimmed.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_value_cases() {
        assert_eq!(parse_value(" 12.5 ", "value"), Ok(12.5));
        assert_eq!(parse_value("-1e3", "value"), Ok(-1000.0));
        assert!(matches!(
            parse_value("12,5", "value"),
            Err(RejectReason::InvalidNumber { .. })
        ));
        assert!(matches!(
            parse_value("NaN", "value"),
            Err(RejectReason::InvalidNumber { .. })
        ));
        assert!(matches!(
            parse_value("inf", "value"),
            Err(RejectReason::InvalidNumber { .. })
        ));
        assert!(matches!(
            parse_value("", "value"),
            Err(RejectReason::MissingField { .. })
        ));
    }

    #[test]
    fn limits_are_inclusive() {
        let limits = SeriesLimits {
            min: Some(0.0),
            max: Some(500.0),
        };
        assert!(limits.check(0.0).is_ok());
        assert!(limits.check(500.0).is_ok());
        assert!(limits.check(-0.1).is_err());
        assert!(limits.check(500.1).is_err());
    }
}

/// Whether a source or series delivers within its expected cadence (the "sống" criterion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Freshness {
    Fresh,
    Stale,
    Never,
}

/// Classifies the latest observation time against the expected interval. A series without
/// an expected interval is fresh once it has any value.
pub fn freshness(last_observation: Option<i64>, expected_interval_secs: Option<i64>, now: i64) -> Freshness {
    match (last_observation, expected_interval_secs) {
        (None, _) => Freshness::Never,
        (Some(last), Some(interval)) if now - last > interval.saturating_mul(1000) => Freshness::Stale,
        (Some(_), _) => Freshness::Fresh,
    }
}

#[cfg(test)]
mod freshness_tests {
    use super::*;

    #[test]
    fn stale_after_expected_interval() {
        assert_eq!(freshness(None, Some(60), 0), Freshness::Never);
        assert_eq!(freshness(Some(0), Some(60), 60_000), Freshness::Fresh);
        assert_eq!(freshness(Some(0), Some(60), 60_001), Freshness::Stale);
        assert_eq!(freshness(Some(0), None, i64::MAX), Freshness::Fresh);
    }
}
