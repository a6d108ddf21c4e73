//! NGSI-LD: context broker notifications and entity upserts, in normalized and key-values
//! forms, mapped to series and entities.
//!
//! Every numeric Property of an entity becomes a value of the series
//! `{series_prefix}.{entity id}.{property}` (the id without `urn:ngsi-ld:`, characters
//! outside keys replaced by `-`), created on first sight with the unit of its `unitCode`
//! (see [`crate::units`]). The time of a value is the Property's `observedAt`, else the
//! entity's `dateObservedTo` (the end of the observation period), `dateObserved` (the
//! end of an interval `a/b`) or `observationDateTime`. NGSI-LD times are UTC, so a time without an offset is read as
//! UTC. The GeoProperty `location` places the entity: a Point at its coordinates, a line
//! or polygon at the mean of its vertices. Text, boolean and structured properties are not
//! measurements and are skipped; a numeric property without a time is rejected.

use std::collections::{HashMap, HashSet};

use haidang_core::time::parse_timestamp;
use haidang_ingest::pipeline::{IngestError, SeriesFactory};
use haidang_ingest::{RawRow, RawText, RawValue};
use haidang_store::{BatchCounts, Entity, SeriesDefinition};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::definition::check_key;
use crate::error::ConfigError;
use crate::json_map::format_utc;
use crate::sink::Sink;
use crate::units::{default_unit, unit_of_code};

fn default_prefix() -> String {
    "ngsi".to_owned()
}

/// Settings of an NGSI-LD connector (`[connectors.ngsi_ld]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NgsiSettings {
    /// First part of the series and entity keys.
    #[serde(default = "default_prefix")]
    pub series_prefix: String,
    /// Entity types accepted; all when empty. Entities of other types are ignored.
    #[serde(default)]
    pub types: Vec<String>,
    /// Expected interval of the series created, for the freshness of the source.
    pub expected_interval_secs: Option<i64>,
}

/// A validated NGSI-LD connector.
#[derive(Debug, Clone)]
pub struct NgsiConnector {
    settings: NgsiSettings,
    source: String,
}

impl NgsiSettings {
    pub fn build(self, source: &str) -> Result<NgsiConnector, ConfigError> {
        check_key("ngsi_ld.series_prefix", &self.series_prefix)?;
        if let Some(interval) = self.expected_interval_secs
            && !(1..=31_622_400).contains(&interval)
        {
            return Err(ConfigError::out_of_range(
                "ngsi_ld.expected_interval_secs",
                interval,
                1,
                31_622_400,
            ));
        }
        Ok(NgsiConnector {
            settings: self,
            source: source.to_owned(),
        })
    }
}

/// Attributes that describe the entity or its time rather than a measurement.
const NOT_MEASUREMENTS: [&str; 14] = [
    "id",
    "type",
    "@context",
    "location",
    "name",
    "address",
    "dateObserved",
    "dateObservedFrom",
    "dateObservedTo",
    "observationDateTime",
    "dateCreated",
    "dateModified",
    "dateLastLampChange",
    "laneId",
];

/// What a request of entities became.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct NgsiReport {
    /// Batch holding the values, absent when no entity had a numeric property.
    pub batch_id: Option<String>,
    pub entities: usize,
    pub ignored_entities: usize,
    #[serde(flatten)]
    pub counts: BatchCounts,
    /// Entities with at least one rejected value, by id.
    pub entities_with_rejections: Vec<String>,
}

/// The rows and definitions drawn from entities, before they are stored.
#[derive(Debug, Default)]
pub struct Mapped {
    pub rows: Vec<RawRow>,
    /// Entity id of each row, by row number.
    pub row_entities: HashMap<i64, String>,
    pub definitions: HashMap<String, SeriesDefinition>,
    pub entities: Vec<Entity>,
    pub ignored: usize,
    pub newest: Option<i64>,
}

impl SeriesFactory for Mapped {
    fn define(&self, key: &str, _row: &RawRow) -> Option<SeriesDefinition> {
        self.definitions.get(key).cloned()
    }
}

impl NgsiConnector {
    /// Maps entities to rows numbered from 1, one per numeric property.
    pub fn map(&self, entities: &[Value]) -> Mapped {
        let mut mapped = Mapped::default();
        let mut row = 0;
        for entity in entities {
            let Some(object) = entity.as_object() else {
                row += 1;
                mapped
                    .rows
                    .push(malformed(row, "the entity is not a JSON object", entity));
                continue;
            };
            let id = object.get("id").and_then(Value::as_str);
            let kind = entity_type(object);
            let (Some(id), Some(kind)) = (id, kind) else {
                row += 1;
                mapped.rows.push(malformed(row, "the entity has no id or type", entity));
                continue;
            };
            if !self.settings.types.is_empty() && !self.settings.types.iter().any(|t| t == kind) {
                mapped.ignored += 1;
                continue;
            }
            let entity_key = self.key_of(id, None);
            let name = text_of(object.get("name")).unwrap_or_else(|| id.to_owned());
            mapped.entities.push(Entity {
                key: entity_key.clone(),
                name: name.clone(),
                kind: kind.to_owned(),
                lat: None,
                lon: None,
                unit_code: None,
                source_key: Some(self.source.clone()),
                simulated: false,
                note: None,
            });
            if let Some((lat, lon)) = object.get("location").and_then(position)
                && let Some(last) = mapped.entities.last_mut()
            {
                last.lat = Some(lat);
                last.lon = Some(lon);
            }
            let entity_time = entity_time(object);
            for (property, attribute) in object {
                if NOT_MEASUREMENTS.contains(&property.as_str()) {
                    continue;
                }
                let Some(reading) = reading(attribute) else { continue };
                row += 1;
                let series = self.key_of(id, Some(property));
                let time = match reading.observed_at.as_deref().or(entity_time.as_deref()) {
                    Some(text) => match parse_timestamp(text, chrono_tz::UTC) {
                        Ok(ms) => {
                            mapped.newest = mapped.newest.max(Some(ms));
                            format_utc(ms)
                        }
                        Err(_) => text.to_owned(),
                    },
                    None => String::new(),
                };
                let unit = match &reading.unit_code {
                    Some(code) => unit_of_code(code).map_or_else(|| code.clone(), str::to_owned),
                    None => default_unit(property).unwrap_or_default().to_owned(),
                };
                mapped
                    .definitions
                    .entry(series.clone())
                    .or_insert_with(|| SeriesDefinition {
                        key: series.clone(),
                        name: format!("{property} — {name}"),
                        unit,
                        indicator: Some(property.clone()),
                        min: None,
                        max: None,
                        expected_interval_secs: self.settings.expected_interval_secs,
                        source_key: Some(self.source.clone()),
                        unit_code: None,
                        entity_key: Some(entity_key.clone()),
                    });
                let mut raw = Map::new();
                raw.insert("id".to_owned(), Value::String(id.to_owned()));
                raw.insert("type".to_owned(), Value::String(kind.to_owned()));
                raw.insert(property.clone(), attribute.clone());
                mapped.row_entities.insert(row, id.to_owned());
                mapped.rows.push(RawRow {
                    row,
                    series,
                    time,
                    value: reading.value,
                    raw: RawText::Text(Value::Object(raw).to_string()),
                });
            }
        }
        mapped
    }

    /// Key of an entity (`property` absent) or of one of its series, within 128 characters.
    pub fn key_of(&self, id: &str, property: Option<&str>) -> String {
        let trimmed = id
            .strip_prefix("urn:ngsi-ld:")
            .or_else(|| id.strip_prefix("URN:NGSI-LD:"))
            .unwrap_or(id);
        let mut entity = sanitize(trimmed);
        let suffix = property.map(|p| format!(".{}", sanitize(p))).unwrap_or_default();
        let prefix = &self.settings.series_prefix;
        let room = 128usize.saturating_sub(prefix.len() + 1 + suffix.len());
        if entity.len() > room {
            let digest = hex::encode(&Sha256::digest(id.as_bytes())[..4]);
            entity.truncate(room.saturating_sub(digest.len() + 1));
            entity.push('-');
            entity.push_str(&digest);
        }
        format!("{prefix}.{entity}{suffix}")
    }

    /// Stores entities: their locations, then their values in one batch. Counts and status
    /// go to `sink`.
    pub async fn receive(
        &self,
        sink: &Sink,
        entities: &[Value],
        api_key_id: Option<String>,
    ) -> Result<NgsiReport, IngestError> {
        let mapped = self.map(entities);
        let store = sink.store();
        let without_location: HashSet<&str> = mapped
            .entities
            .iter()
            .filter(|e| e.lat.is_none())
            .map(|e| e.key.as_str())
            .collect();
        let known: HashMap<String, Entity> = if without_location.is_empty() {
            HashMap::new()
        } else {
            store
                .entities()
                .await?
                .into_iter()
                .filter(|e| without_location.contains(e.key.as_str()))
                .map(|e| (e.key.clone(), e))
                .collect()
        };
        for entity in &mapped.entities {
            let mut entity = entity.clone();
            if entity.lat.is_none()
                && let Some(previous) = known.get(&entity.key)
            {
                entity.lat = previous.lat;
                entity.lon = previous.lon;
                entity.unit_code.clone_from(&previous.unit_code);
            }
            store.upsert_entity(entity).await?;
        }
        let mut report = NgsiReport {
            entities: entities.len(),
            ignored_entities: mapped.ignored,
            ..NgsiReport::default()
        };
        if !mapped.rows.is_empty() {
            let mut writer = sink.writer("ngsi-ld", haidang_core::time::LOCAL_ZONE, Some(&mapped));
            writer.set_api_key(api_key_id);
            report.counts = writer.write(mapped.rows.clone()).await?;
            report.batch_id = writer.close().await?;
            if report.counts.rejected > 0
                && let Some(batch_id) = &report.batch_id
            {
                let mut ids: Vec<String> = store
                    .rejected_rows(batch_id)
                    .await?
                    .iter()
                    .filter_map(|r| mapped.row_entities.get(&r.row).cloned())
                    .collect();
                ids.sort();
                ids.dedup();
                report.entities_with_rejections = ids;
            }
        }
        let received = (entities.len() - mapped.ignored) as u64;
        sink.record_success(received, report.counts, mapped.newest).await;
        sink.flush_status().await;
        Ok(report)
    }
}

/// A numeric reading of one attribute.
struct Reading {
    value: RawValue,
    unit_code: Option<String>,
    observed_at: Option<String>,
}

/// Reads an attribute in normalized (`{"type": "Property", "value": …}`) or key-values
/// form; `None` when it is not a number.
fn reading(attribute: &Value) -> Option<Reading> {
    match attribute {
        Value::Number(number) => Some(Reading {
            value: RawValue::Number(number.as_f64()?),
            unit_code: None,
            observed_at: None,
        }),
        Value::Object(object) => {
            let kind = object.get("type").and_then(Value::as_str);
            if kind != Some("Property") {
                return None;
            }
            let value = object.get("value")?.as_f64()?;
            Some(Reading {
                value: RawValue::Number(value),
                unit_code: object.get("unitCode").and_then(Value::as_str).map(str::to_owned),
                observed_at: object.get("observedAt").and_then(Value::as_str).map(str::to_owned),
            })
        }
        _ => None,
    }
}

fn entity_type(object: &Map<String, Value>) -> Option<&str> {
    match object.get("type")? {
        Value::String(kind) => Some(kind),
        Value::Array(kinds) => kinds.first()?.as_str(),
        _ => None,
    }
}

/// Text of a key-values string, a normalized Property, or an `{"@value": …}` object.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Object(object) => {
            if let Some(inner) = object.get("@value") {
                return text_of(Some(inner));
            }
            text_of(object.get("value"))
        }
        _ => None,
    }
}

/// The time shared by the entity's values.
fn entity_time(object: &Map<String, Value>) -> Option<String> {
    for name in ["dateObservedTo", "dateObserved", "observationDateTime"] {
        if let Some(text) = text_of(object.get(name)) {
            // An interval "start/end" is dated at its end.
            let end = text.rsplit('/').next().unwrap_or(&text).trim().to_owned();
            if !end.is_empty() {
                return Some(end);
            }
        }
    }
    None
}

/// Latitude and longitude of a GeoProperty, normalized or key-values.
fn position(location: &Value) -> Option<(f64, f64)> {
    let geometry = match location.get("type").and_then(Value::as_str) {
        Some("GeoProperty") => location.get("value")?,
        _ => location,
    };
    let coordinates = geometry.get("coordinates")?;
    let mut points = Vec::new();
    collect_points(coordinates, &mut points);
    if geometry.get("type").and_then(Value::as_str) == Some("Polygon") {
        // The outer ring only, without its closing point.
        let ring = coordinates.get(0)?;
        points.clear();
        collect_points(ring, &mut points);
        if points.len() > 1 && points.first() == points.last() {
            points.pop();
        }
    }
    if points.is_empty() {
        return None;
    }
    let count = points.len() as f64;
    let lon = points.iter().map(|p| p.0).sum::<f64>() / count;
    let lat = points.iter().map(|p| p.1).sum::<f64>() / count;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

fn collect_points(value: &Value, out: &mut Vec<(f64, f64)>) {
    let Some(items) = value.as_array() else { return };
    if let [Value::Number(lon), Value::Number(lat), ..] = items.as_slice() {
        if let (Some(lon), Some(lat)) = (lon.as_f64(), lat.as_f64()) {
            out.push((lon, lat));
        }
        return;
    }
    for item in items {
        collect_points(item, out);
    }
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn malformed(row: i64, detail: &str, entity: &Value) -> RawRow {
    let mut raw = entity.to_string();
    if raw.len() > 4096 {
        let mut cut = 4096;
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        raw.truncate(cut);
    }
    RawRow {
        row,
        series: String::new(),
        time: String::new(),
        value: RawValue::Malformed(detail.to_owned()),
        raw: RawText::Text(raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connector() -> NgsiConnector {
        NgsiSettings {
            series_prefix: "ngsi".into(),
            types: Vec::new(),
            expected_interval_secs: None,
        }
        .build("src")
        .expect("valid")
    }

    #[test]
    fn keys_are_sanitized_and_bounded() {
        let c = connector();
        assert_eq!(
            c.key_of("urn:ngsi-ld:WeatherObserved:Valladolid 1", Some("temperature")),
            "ngsi.WeatherObserved:Valladolid-1.temperature"
        );
        let long = format!("urn:ngsi-ld:X:{}", "a".repeat(300));
        let key = c.key_of(&long, Some("no2"));
        assert!(key.len() <= 128, "{key}");
        assert!(key.ends_with(".no2"));
        assert!(haidang_core::SeriesKey::parse(&key).is_ok());
    }

    #[test]
    fn key_values_and_normalized_agree() {
        let normalized = serde_json::json!({"id": "urn:ngsi-ld:A:1", "type": "AirQualityObserved",
            "no2": {"type": "Property", "value": 69, "unitCode": "GQ", "observedAt": "2016-03-15T11:00:00Z"},
            "level": {"type": "Property", "value": "moderate"},
            "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [-3.7, 40.4]}}});
        let key_values = serde_json::json!({"id": "urn:ngsi-ld:A:1", "type": "AirQualityObserved",
            "no2": 69, "level": "moderate", "dateObserved": "2016-03-15T11:00:00",
            "location": {"type": "Point", "coordinates": [-3.7, 40.4]}});
        for entity in [normalized, key_values] {
            let mapped = connector().map(&[entity]);
            assert_eq!(mapped.rows.len(), 1);
            assert_eq!(mapped.rows[0].series, "ngsi.A:1.no2");
            assert_eq!(mapped.rows[0].time, "2016-03-15T11:00:00.000Z");
            assert_eq!(mapped.entities[0].lat, Some(40.4));
            assert_eq!(mapped.entities[0].lon, Some(-3.7));
        }
    }

    #[test]
    fn interval_is_dated_at_its_end_and_lines_at_their_mean() {
        let entity = serde_json::json!({"id": "t", "type": "TrafficFlowObserved", "intensity": 197,
            "dateObserved": "2016-12-07T11:10:00/2016-12-07T11:15:00",
            "location": {"type": "LineString", "coordinates": [[0.0, 10.0], [2.0, 12.0]]}});
        let mapped = connector().map(&[entity]);
        assert_eq!(mapped.rows[0].time, "2016-12-07T11:15:00.000Z");
        assert_eq!(mapped.entities[0].lat, Some(11.0));
        assert_eq!(mapped.entities[0].lon, Some(1.0));
    }

    #[test]
    fn entity_without_id_is_malformed() {
        let mapped = connector().map(&[serde_json::json!({"type": "X", "v": 1}), serde_json::json!(3)]);
        assert_eq!(mapped.rows.len(), 2);
        assert!(mapped.rows.iter().all(|r| matches!(r.value, RawValue::Malformed(_))));
    }
}
