//! Mapping of JSON documents (MQTT payloads, records of a pulled JSON file) to batch rows:
//! one row per declared value, with its series key from a template and its time from a
//! JSON pointer or the arrival time.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono_tz::Tz;
use haidang_core::time::{parse_timestamp, parse_with_format};
use haidang_ingest::pipeline::SeriesFactory;
use haidang_ingest::{RawRow, RawText, RawValue};
use haidang_store::SeriesDefinition;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ConfigError, Problem};
use crate::template::{Template, Topic, check_pointer};

/// Where the time of a value comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeField {
    /// JSON pointer to the time, such as `/ts`.
    pub pointer: String,
    /// `strftime` format of a text time; ISO 8601 forms are accepted without it.
    pub format: Option<String>,
    /// Unit of a numeric time: `seconds` (default) or `milliseconds` since 1970-01-01 UTC.
    #[serde(default)]
    pub epoch: EpochUnit,
    /// IANA zone of naive text times; Asia/Ho_Chi_Minh when absent.
    pub zone: Option<String>,
}

/// Unit of epoch times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EpochUnit {
    #[default]
    Seconds,
    Milliseconds,
}

/// One value taken from each document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueField {
    /// JSON pointer to the number, such as `/pm25`; empty for a payload that is a bare number.
    pub pointer: String,
    /// Series key template, such as `air.{topic.1}.pm25` or `river.{/station}.level`.
    pub series: String,
    /// Values that mean "no measurement", such as `-999`; compared as text and as numbers.
    #[serde(default)]
    pub missing: Vec<String>,
}

/// How to define series met for the first time. Text settings are templates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesTemplateConfig {
    pub name: String,
    #[serde(default)]
    pub unit: String,
    pub indicator: Option<String>,
    /// Key of an existing entity (station) that the series describes.
    pub entity: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub expected_interval_secs: Option<i64>,
}

#[derive(Debug, Clone)]
struct CompiledValue {
    pointer: String,
    series: Template,
    missing: Vec<String>,
    missing_numbers: Vec<f64>,
}

#[derive(Debug, Clone)]
struct CompiledTemplate {
    name: Template,
    unit: Template,
    indicator: Option<Template>,
    entity: Option<Template>,
    min: Option<f64>,
    max: Option<f64>,
    expected_interval_secs: Option<i64>,
}

/// A validated mapping, ready to turn documents into rows.
#[derive(Debug)]
pub struct JsonMapper {
    time: Option<TimeField>,
    zone: Tz,
    values: Vec<CompiledValue>,
    create: Option<CompiledTemplate>,
    source: String,
    /// Series keys already seen, so that the create template is filled once per series.
    seen: Mutex<HashSet<String>>,
    definitions: Mutex<HashMap<String, SeriesDefinition>>,
}

impl JsonMapper {
    /// Validates the settings found under `prefix` (such as `mqtt` or `pull.json`).
    pub fn compile(
        prefix: &str,
        time: Option<&TimeField>,
        values: &[ValueField],
        create: Option<&SeriesTemplateConfig>,
        allow_topic: bool,
        source: &str,
    ) -> Result<Self, ConfigError> {
        if values.is_empty() {
            return Err(ConfigError::required(format!("{prefix}.values")));
        }
        let zone = match time.and_then(|t| t.zone.as_deref()) {
            None => haidang_core::time::LOCAL_ZONE,
            Some(name) => name
                .parse::<Tz>()
                .map_err(|_| ConfigError::new(format!("{prefix}.time.zone"), name, Problem::Zone))?,
        };
        if let Some(time) = time {
            check_pointer(&format!("{prefix}.time.pointer"), &time.pointer)?;
        }
        let mut compiled = Vec::with_capacity(values.len());
        for (index, value) in values.iter().enumerate() {
            let field = format!("{prefix}.values[{index}]");
            check_pointer(&format!("{field}.pointer"), &value.pointer)?;
            if value.series.trim().is_empty() {
                return Err(ConfigError::required(format!("{field}.series")));
            }
            compiled.push(CompiledValue {
                pointer: value.pointer.clone(),
                series: Template::parse(&format!("{field}.series"), &value.series, allow_topic)?,
                missing: value.missing.clone(),
                missing_numbers: value.missing.iter().filter_map(|m| m.trim().parse().ok()).collect(),
            });
        }
        let create = match create {
            None => None,
            Some(template) => {
                let field = |name: &str| format!("{prefix}.create_series.{name}");
                if template.name.trim().is_empty() {
                    return Err(ConfigError::required(field("name")));
                }
                let optional = |name: &str, text: &Option<String>| {
                    text.as_deref()
                        .map(|t| Template::parse(&field(name), t, allow_topic))
                        .transpose()
                };
                Some(CompiledTemplate {
                    name: Template::parse(&field("name"), &template.name, allow_topic)?,
                    unit: Template::parse(&field("unit"), &template.unit, allow_topic)?,
                    indicator: optional("indicator", &template.indicator)?,
                    entity: optional("entity", &template.entity)?,
                    min: template.min,
                    max: template.max,
                    expected_interval_secs: template.expected_interval_secs,
                })
            }
        };
        Ok(Self {
            time: time.cloned(),
            zone,
            values: compiled,
            create,
            source: source.to_owned(),
            seen: Mutex::new(HashSet::new()),
            definitions: Mutex::new(HashMap::new()),
        })
    }

    /// Appends the rows of one document to `out`, all numbered `row`, and returns the
    /// latest valid time among them. `raw` is kept with any rejected row.
    pub fn map(
        &self,
        document: &Value,
        topic: Option<Topic<'_>>,
        arrival_ms: i64,
        row: i64,
        raw: &str,
        out: &mut Vec<RawRow>,
    ) -> Option<i64> {
        let (time_text, time_ms) = self.time_of(document, arrival_ms);
        for value in &self.values {
            let series = value.series.fill(topic, document);
            self.note_series(&series, topic, document);
            out.push(RawRow {
                row,
                series,
                time: time_text.clone(),
                value: value.read(document),
                raw: RawText::Text(raw.to_owned()),
            });
        }
        time_ms
    }

    fn time_of(&self, document: &Value, arrival_ms: i64) -> (String, Option<i64>) {
        let Some(time) = &self.time else {
            return (format_utc(arrival_ms), Some(arrival_ms));
        };
        match document.pointer(&time.pointer) {
            None | Some(Value::Null) => (String::new(), None),
            Some(Value::Number(number)) => {
                let ms = match time.epoch {
                    EpochUnit::Seconds => number.as_f64().map(|s| (s * 1000.0).round() as i64),
                    EpochUnit::Milliseconds => number.as_f64().map(|ms| ms.round() as i64),
                };
                match ms {
                    Some(ms) => (format_utc(ms), Some(ms)),
                    None => (number.to_string(), None),
                }
            }
            Some(Value::String(text)) => {
                let parsed = match &time.format {
                    Some(format) => parse_with_format(text, format, self.zone),
                    None => parse_timestamp(text, self.zone),
                };
                match parsed {
                    Ok(ms) => (format_utc(ms), Some(ms)),
                    Err(_) => (text.clone(), None),
                }
            }
            Some(other) => (other.to_string(), None),
        }
    }

    /// Fills the create template the first time a series key is seen.
    fn note_series(&self, key: &str, topic: Option<Topic<'_>>, document: &Value) {
        let Some(template) = &self.create else { return };
        let Ok(mut seen) = self.seen.lock() else { return };
        if seen.contains(key) {
            return;
        }
        seen.insert(key.to_owned());
        drop(seen);
        let definition = SeriesDefinition {
            key: key.to_owned(),
            name: template.name.fill(topic, document),
            unit: template.unit.fill(topic, document),
            indicator: template.indicator.as_ref().map(|t| t.fill(topic, document)),
            min: template.min,
            max: template.max,
            expected_interval_secs: template.expected_interval_secs,
            source_key: Some(self.source.clone()),
            unit_code: None,
            entity_key: template.entity.as_ref().map(|t| t.fill(topic, document)),
        };
        if let Ok(mut definitions) = self.definitions.lock() {
            definitions.insert(key.to_owned(), definition);
        }
    }

    /// Whether series unknown to the store are created.
    pub fn creates_series(&self) -> bool {
        self.create.is_some()
    }
}

impl SeriesFactory for JsonMapper {
    fn define(&self, key: &str, _row: &RawRow) -> Option<SeriesDefinition> {
        haidang_core::SeriesKey::parse(key).ok()?;
        self.definitions.lock().ok()?.get(key).cloned()
    }
}

impl CompiledValue {
    fn read(&self, document: &Value) -> RawValue {
        match document.pointer(&self.pointer) {
            None => RawValue::Malformed(format!("no value at {:?}", self.pointer)),
            Some(Value::Null) => RawValue::MarkedMissing {
                field: self.pointer.clone(),
                value: "null".to_owned(),
            },
            Some(Value::Number(number)) => {
                let value = number.as_f64();
                let marked = value.is_some_and(|v| self.missing_numbers.contains(&v))
                    || self.missing.iter().any(|m| *m == number.to_string());
                match value {
                    Some(_) if marked => RawValue::MarkedMissing {
                        field: self.pointer.clone(),
                        value: number.to_string(),
                    },
                    Some(value) => RawValue::Number(value),
                    None => RawValue::Text(number.to_string()),
                }
            }
            Some(Value::String(text)) => {
                if self.missing.iter().any(|m| m == text.trim()) {
                    RawValue::MarkedMissing {
                        field: self.pointer.clone(),
                        value: text.clone(),
                    }
                } else {
                    RawValue::Text(text.clone())
                }
            }
            Some(other) => RawValue::Text(other.to_string()),
        }
    }
}

/// Formats UTC milliseconds as RFC 3339 with `Z`, as the ingestion pipeline reads it.
pub fn format_utc(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(time) => time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        None => ms.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapper(time: Option<TimeField>) -> JsonMapper {
        let values = vec![
            ValueField {
                pointer: "/pm25".into(),
                series: "air.{topic.1}.pm25".into(),
                missing: vec!["-999".into()],
            },
            ValueField {
                pointer: "/t".into(),
                series: "air.{topic.1}.temperature".into(),
                missing: Vec::new(),
            },
        ];
        JsonMapper::compile("mqtt", time.as_ref(), &values, None, true, "src").expect("mapper")
    }

    #[test]
    fn one_row_per_value_with_payload_time() {
        let time = TimeField {
            pointer: "/ts".into(),
            format: None,
            epoch: EpochUnit::Seconds,
            zone: None,
        };
        let levels = ["tram", "mui-ne"];
        let topic = Topic {
            name: "tram/mui-ne",
            levels: &levels,
        };
        let document = serde_json::json!({"ts": 1751331600, "pm25": 12.5, "t": "-999"});
        let mut rows = Vec::new();
        let newest = mapper(Some(time)).map(&document, Some(topic), 0, 7, "raw", &mut rows);
        assert_eq!(newest, Some(1_751_331_600_000));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].series, "air.mui-ne.pm25");
        assert_eq!(rows[0].time, "2025-07-01T01:00:00.000Z");
        assert_eq!(rows[0].value, RawValue::Number(12.5));
        assert_eq!(rows[0].row, 7);
        assert_eq!(rows[1].value, RawValue::Text("-999".into()));
    }

    #[test]
    fn missing_sentinel_pointer_and_arrival_time() {
        let document = serde_json::json!({"pm25": -999});
        let mut rows = Vec::new();
        let newest = mapper(None).map(&document, None, 1_000, 1, "raw", &mut rows);
        assert_eq!(newest, Some(1_000));
        assert!(matches!(rows[0].value, RawValue::MarkedMissing { .. }));
        assert!(matches!(rows[1].value, RawValue::Malformed(_)));
        assert_eq!(rows[0].time, "1970-01-01T00:00:01.000Z");
    }

    #[test]
    fn settings_are_checked() {
        let bad = ValueField {
            pointer: "pm25".into(),
            series: "s".into(),
            missing: Vec::new(),
        };
        let error = JsonMapper::compile("pull.json", None, &[bad], None, false, "src").expect_err("pointer");
        assert_eq!(error.field, "pull.json.values[0].pointer");
        assert_eq!(error.value, "pm25");
        let error = JsonMapper::compile("mqtt", None, &[], None, true, "src").expect_err("values");
        assert_eq!(error.field, "mqtt.values");
    }
}
