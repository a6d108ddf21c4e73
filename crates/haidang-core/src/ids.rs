//! Parsed identifiers: series keys, source keys and administrative unit codes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Error returned when a text is not a valid identifier of the given kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {value:?}: {rule}")]
pub struct IdError {
    pub kind: &'static str,
    pub value: String,
    pub rule: &'static str,
}

const KEY_RULE: &str = "use 1 to 128 characters from A-Z, a-z, 0-9, '.', '_', ':' and '-'";

fn check_key(kind: &'static str, text: &str) -> Result<(), IdError> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
    if text.is_empty() || text.len() > 128 || !text.chars().all(valid_char) {
        return Err(IdError {
            kind,
            value: text.to_owned(),
            rule: KEY_RULE,
        });
    }
    Ok(())
}

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: &str) -> Result<Self, IdError> {
                check_key($kind, text)?;
                Ok(Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

key_type!(
    /// Key of a time series, chosen by whoever defines it (`phan-thiet.pm25`).
    SeriesKey,
    "series key"
);
key_type!(
    /// Key of a data source (an agency's system, a file feed, a sensor network).
    SourceKey,
    "source key"
);

/// Code of an administrative unit in the GSO catalogue: 2 digits for a province, 3 for a
/// (former) district, 5 for a commune, ward or special zone.
///
/// A code alone does not identify a unit, because codes are reused after a reorganisation:
/// pair it with a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let text = text.trim();
        let valid = matches!(text.len(), 2 | 3 | 5) && text.bytes().all(|b| b.is_ascii_digit());
        if !valid {
            return Err(IdError {
                kind: "unit code",
                value: text.to_owned(),
                rule: "use the GSO code: 2 digits (province), 3 (district) or 5 (commune)",
            });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UnitCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_key_accepts_dotted_names() {
        assert!(SeriesKey::parse("phan-thiet.pm25").is_ok());
        assert!(SeriesKey::parse("openaq:7441.pm25").is_ok());
    }

    #[test]
    fn series_key_rejects_spaces_and_empty() {
        assert!(SeriesKey::parse("").is_err());
        assert!(SeriesKey::parse("a b").is_err());
        assert!(SeriesKey::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn unit_code_lengths() {
        assert!(UnitCode::parse("68").is_ok());
        assert!(UnitCode::parse("593").is_ok());
        assert!(UnitCode::parse("22918").is_ok());
        assert!(UnitCode::parse("2291").is_err());
        assert!(UnitCode::parse("2291a").is_err());
    }
}
