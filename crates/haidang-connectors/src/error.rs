//! Errors in a connector definition, each naming the setting, its value and what to do.
//!
//! The English text of [`ConfigError`] is for logs and the command line; the server renders
//! the same error in the caller's language from [`ConfigError::message_id`] and
//! [`ConfigError::args`].

use std::fmt;

/// The problem with one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The setting is absent or empty.
    Required,
    /// A number outside `[min, max]`.
    OutOfRange { min: String, max: String },
    /// A text that is not one of the allowed words.
    OneOf { allowed: String },
    /// A connector or source key with characters or a length that keys may not have.
    InvalidKey,
    /// Not a JSON pointer.
    Pointer,
    /// A template placeholder that this setting does not offer.
    Placeholder { placeholder: String, allowed: String },
    /// An MQTT topic filter that breaks the rules for wildcards.
    TopicFilter,
    /// A cron expression that does not parse.
    Cron { detail: String },
    /// A URL that is not http or https.
    Url,
    /// Not an IANA time zone.
    Zone,
    /// None, or more than one, of the kind sections.
    KindCount,
    /// A file mapping that does not validate.
    Mapping { detail: String },
    /// The key in the body differs from the key in the path.
    KeyMismatch { expected: String },
}

/// An invalid setting of a connector definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted path of the setting, such as `mqtt.max_batch_messages`.
    pub field: String,
    pub value: String,
    pub problem: Problem,
}

impl ConfigError {
    pub fn new(field: impl Into<String>, value: impl ToString, problem: Problem) -> Self {
        Self {
            field: field.into(),
            value: value.to_string(),
            problem,
        }
    }

    pub fn required(field: impl Into<String>) -> Self {
        Self::new(field, "", Problem::Required)
    }

    pub fn out_of_range(
        field: impl Into<String>,
        value: impl ToString,
        min: impl ToString,
        max: impl ToString,
    ) -> Self {
        Self::new(
            field,
            value,
            Problem::OutOfRange {
                min: min.to_string(),
                max: max.to_string(),
            },
        )
    }

    /// Id of the message (in `locales/*/server.ftl`) that explains this error.
    pub fn message_id(&self) -> &'static str {
        match self.problem {
            Problem::Required => "connector-required",
            Problem::OutOfRange { .. } => "connector-out-of-range",
            Problem::OneOf { .. } => "connector-one-of",
            Problem::InvalidKey => "connector-invalid-key",
            Problem::Pointer => "connector-pointer",
            Problem::Placeholder { .. } => "connector-placeholder",
            Problem::TopicFilter => "connector-topic-filter",
            Problem::Cron { .. } => "connector-cron",
            Problem::Url => "connector-url",
            Problem::Zone => "connector-zone",
            Problem::KindCount => "connector-kind-count",
            Problem::Mapping { .. } => "connector-mapping",
            Problem::KeyMismatch { .. } => "connector-key-mismatch",
        }
    }

    /// Arguments of the message: always `field` and `value`, and those of the problem.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("field", self.field.clone()), ("value", self.value.clone())];
        match &self.problem {
            Problem::OutOfRange { min, max } => {
                args.push(("min", min.clone()));
                args.push(("max", max.clone()));
            }
            Problem::OneOf { allowed } => args.push(("allowed", allowed.clone())),
            Problem::Placeholder { placeholder, allowed } => {
                args.push(("placeholder", placeholder.clone()));
                args.push(("allowed", allowed.clone()));
            }
            Problem::Cron { detail } | Problem::Mapping { detail } => args.push(("detail", detail.clone())),
            Problem::KeyMismatch { expected } => args.push(("expected", expected.clone())),
            Problem::Required
            | Problem::InvalidKey
            | Problem::Pointer
            | Problem::TopicFilter
            | Problem::Url
            | Problem::Zone
            | Problem::KindCount => {}
        }
        args
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (field, value) = (&self.field, &self.value);
        match &self.problem {
            Problem::Required => write!(f, "setting {field} is missing or empty: give it a value"),
            Problem::OutOfRange { min, max } => {
                write!(
                    f,
                    "setting {field} = {value:?} is out of range: use a number from {min} to {max}"
                )
            }
            Problem::OneOf { allowed } => write!(f, "setting {field} = {value:?} is not allowed: use one of {allowed}"),
            Problem::InvalidKey => write!(
                f,
                "setting {field} = {value:?} is not a valid key: use 1 to 128 characters from A-Z, a-z, 0-9, '.', '_', ':' and '-'"
            ),
            Problem::Pointer => write!(
                f,
                "setting {field} = {value:?} is not a JSON pointer: leave it empty for the whole document or start it with '/', such as \"/pm25\""
            ),
            Problem::Placeholder { placeholder, allowed } => write!(
                f,
                "setting {field} = {value:?} uses the placeholder {{{placeholder}}}, which is not offered here: use {allowed}"
            ),
            Problem::TopicFilter => write!(
                f,
                "setting {field} = {value:?} is not a valid MQTT topic filter: '+' and '#' must fill a whole level and '#' must come last, such as \"tram/+/khong-khi\""
            ),
            Problem::Cron { detail } => write!(
                f,
                "setting {field} = {value:?} is not a cron schedule ({detail}): use 5 or 6 fields, such as \"*/15 * * * *\" or \"0 */15 * * * *\""
            ),
            Problem::Url => write!(f, "setting {field} = {value:?} is not an http:// or https:// URL"),
            Problem::Zone => write!(
                f,
                "setting {field} = {value:?} is not a time zone: use an IANA name, such as Asia/Ho_Chi_Minh"
            ),
            Problem::KindCount => write!(
                f,
                "a connector needs exactly one of the sections mqtt, pull, ngsi_ld and file; found: {value}"
            ),
            Problem::Mapping { detail } => write!(f, "setting {field} is not a valid mapping: {detail}"),
            Problem::KeyMismatch { expected } => write!(
                f,
                "setting {field} = {value:?} differs from the connector key {expected:?} in the path: remove it or make them equal"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Error that a connector definition could not be read at all (bad JSON or TOML shape,
/// an unknown setting), or that a setting is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    #[error("invalid connector definition: {0}")]
    Shape(String),
    #[error(transparent)]
    Setting(#[from] ConfigError),
}
