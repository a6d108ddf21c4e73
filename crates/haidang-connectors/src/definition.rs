//! The definition of a connector, the same shape for every kind: a key, the owning data
//! source, whether it runs, and exactly one section naming the kind and its settings.
//!
//! In the configuration file:
//!
//! ```toml
//! [[connectors]]
//! key = "quan-trac-khong-khi"
//! source = "air-sensors"
//!
//! [connectors.mqtt]
//! host = "127.0.0.1"
//! topics = ["tram/+/khong-khi"]
//! values = [{ pointer = "/pm25", series = "air.{topic.1}.pm25" }]
//! ```
//!
//! Through the API the same fields are sent as JSON to `PUT /api/v1/connectors/{key}`,
//! without `key`.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{ConfigError, DefinitionError, Problem};
use crate::file::FileSettings;
use crate::mqtt::MqttSettings;
use crate::ngsi::NgsiSettings;
use crate::pull::PullSettings;

/// Kinds of connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Subscribes to topics of an MQTT broker.
    Mqtt,
    /// Fetches JSON or CSV over HTTP on a schedule.
    Pull,
    /// Receives NGSI-LD notifications and entity upserts.
    NgsiLd,
    /// Receives spreadsheet and CSV uploads through a stored mapping.
    File,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mqtt => "mqtt",
            Self::Pull => "pull",
            Self::NgsiLd => "ngsi-ld",
            Self::File => "file",
        }
    }

    /// Returns whether the connector runs a loop of its own. The others only receive requests.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Mqtt | Self::Pull)
    }
}

fn enabled_by_default() -> bool {
    true
}

/// A connector definition as written by an administrator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSpec {
    /// Required in the configuration file; in the API the key comes from the path.
    pub key: Option<String>,
    /// Key of the data source that owns the connector and its data. It must exist.
    pub source: String,
    /// A disabled connector keeps its definition and status but does not run.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    pub mqtt: Option<MqttSettings>,
    pub pull: Option<PullSettings>,
    pub ngsi_ld: Option<NgsiSettings>,
    pub file: Option<FileSettings>,
}

/// A connector whose settings passed validation.
#[derive(Debug)]
pub enum Connector {
    Mqtt(Box<crate::mqtt::MqttConnector>),
    Pull(Box<crate::pull::PullConnector>),
    NgsiLd(crate::ngsi::NgsiConnector),
    File(Box<crate::file::FileConnector>),
}

impl ConnectorSpec {
    /// Reads a definition from JSON.
    pub fn from_json(value: &Value) -> Result<Self, DefinitionError> {
        serde_json::from_value(value.clone()).map_err(|e| DefinitionError::Shape(e.to_string()))
    }

    /// Returns the kind named by the one kind section present.
    pub fn kind(&self) -> Result<Kind, ConfigError> {
        let present: Vec<Kind> = [
            (self.mqtt.is_some(), Kind::Mqtt),
            (self.pull.is_some(), Kind::Pull),
            (self.ngsi_ld.is_some(), Kind::NgsiLd),
            (self.file.is_some(), Kind::File),
        ]
        .into_iter()
        .filter_map(|(present, kind)| present.then_some(kind))
        .collect();
        match present.as_slice() {
            [kind] => Ok(*kind),
            [] => Err(ConfigError::new("kind", "none", Problem::KindCount)),
            several => Err(ConfigError::new(
                "kind",
                several.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
                Problem::KindCount,
            )),
        }
    }

    /// Checks every setting; `key` is the connector's key (from the path or the file).
    pub fn validate(&self, key: &str) -> Result<Kind, ConfigError> {
        self.clone().build(key).map(|c| c.kind())
    }

    /// Validates the settings and returns the connector, ready to run.
    pub fn build(self, key: &str) -> Result<Connector, ConfigError> {
        check_key("key", key)?;
        if let Some(own) = &self.key
            && own != key
        {
            return Err(ConfigError::new(
                "key",
                own,
                Problem::KeyMismatch {
                    expected: key.to_owned(),
                },
            ));
        }
        if self.source.trim().is_empty() {
            return Err(ConfigError::required("source"));
        }
        check_key("source", &self.source)?;
        let kind = self.kind()?;
        let source = self.source.clone();
        Ok(match kind {
            Kind::Mqtt => Connector::Mqtt(Box::new(
                self.mqtt
                    .ok_or_else(|| ConfigError::required("mqtt"))?
                    .build(key, &source)?,
            )),
            Kind::Pull => Connector::Pull(Box::new(
                self.pull
                    .ok_or_else(|| ConfigError::required("pull"))?
                    .build(key, &source)?,
            )),
            Kind::NgsiLd => Connector::NgsiLd(
                self.ngsi_ld
                    .ok_or_else(|| ConfigError::required("ngsi_ld"))?
                    .build(&source)?,
            ),
            Kind::File => Connector::File(Box::new(
                self.file.ok_or_else(|| ConfigError::required("file"))?.build(&source)?,
            )),
        })
    }
}

impl Connector {
    pub fn kind(&self) -> Kind {
        match self {
            Self::Mqtt(_) => Kind::Mqtt,
            Self::Pull(_) => Kind::Pull,
            Self::NgsiLd(_) => Kind::NgsiLd,
            Self::File(_) => Kind::File,
        }
    }

    /// Runs until `shutdown`. Connectors that only receive requests wait, reporting
    /// `running`, so that every kind has the same life cycle.
    pub async fn run(self, sink: crate::sink::Sink, shutdown: crate::shutdown::Shutdown) {
        match self {
            Self::Mqtt(connector) => connector.run(sink, shutdown).await,
            Self::Pull(connector) => connector.run(sink, shutdown).await,
            Self::NgsiLd(_) | Self::File(_) => {
                sink.set_state(crate::sink::State::Running).await;
                shutdown.requested().await;
                sink.set_state(crate::sink::State::Stopped).await;
            }
        }
    }
}

/// Checks a connector or source key: the rule of series keys.
pub fn check_key(field: &str, key: &str) -> Result<(), ConfigError> {
    haidang_core::SourceKey::parse(key)
        .map(|_| ())
        .map_err(|_| ConfigError::new(field, key, Problem::InvalidKey))
}

/// Returns the definition with secrets (passwords, header values) replaced by `***`, for
/// listings.
pub fn redacted(definition: &Value) -> Value {
    let mut copy = definition.clone();
    if let Some(password) = copy.pointer_mut("/mqtt/password")
        && !password.is_null()
    {
        *password = Value::String("***".to_owned());
    }
    if let Some(Value::Object(headers)) = copy.pointer_mut("/pull/headers") {
        for value in headers.values_mut() {
            *value = Value::String("***".to_owned());
        }
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_kind_section() {
        let spec = ConnectorSpec::from_json(&serde_json::json!({"source": "s"})).expect("shape");
        let error = spec.validate("k").expect_err("no kind");
        assert_eq!(error.problem, Problem::KindCount);
        let spec = ConnectorSpec::from_json(&serde_json::json!({
            "source": "s", "ngsi_ld": {}, "file": {"mapping": {"time": {"column": "t"}, "values": [{"column": "v", "series": "x"}]}}
        }))
        .expect("shape");
        let error = spec.validate("k").expect_err("two kinds");
        assert_eq!(error.value, "ngsi-ld, file");
    }

    #[test]
    fn unknown_settings_are_refused() {
        let error = ConnectorSpec::from_json(&serde_json::json!({"source": "s", "ngsi_ld": {}, "colour": 1}))
            .expect_err("unknown field");
        assert!(error.to_string().contains("colour"), "{error}");
    }

    #[test]
    fn key_and_source_are_checked() {
        let spec = ConnectorSpec::from_json(&serde_json::json!({"source": "s", "ngsi_ld": {}})).expect("shape");
        let error = spec.validate("a b").expect_err("key");
        assert_eq!((error.field.as_str(), error.value.as_str()), ("key", "a b"));
        let spec =
            ConnectorSpec::from_json(&serde_json::json!({"key": "x", "source": "s", "ngsi_ld": {}})).expect("shape");
        assert!(matches!(
            spec.validate("y").map_err(|e| e.problem),
            Err(Problem::KeyMismatch { .. })
        ));
    }

    #[test]
    fn secrets_are_redacted() {
        let definition = serde_json::json!({"mqtt": {"password": "p"}, "pull": {"headers": {"X-Key": "k"}}});
        let shown = redacted(&definition);
        assert_eq!(shown["mqtt"]["password"], "***");
        assert_eq!(shown["pull"]["headers"]["X-Key"], "***");
    }
}
