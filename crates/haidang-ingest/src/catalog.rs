//! A declarative catalog of agencies, data sources, entities and series, written in TOML,
//! so that a deployment's setup is data that operators can read and change.

use haidang_store::{Agency, Entity, SeriesDefinition, Source, Store};
use serde::Deserialize;

use crate::InputError;
use crate::pipeline::IngestError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default, rename = "agencies")]
    pub agencies: Vec<AgencyEntry>,
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
    #[serde(default)]
    pub entities: Vec<EntityEntry>,
    #[serde(default)]
    pub series: Vec<SeriesEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyEntry {
    pub key: String,
    pub name: String,
    pub responsible_person: String,
    pub responsible_title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub key: String,
    pub name: String,
    pub agency: String,
    pub kind: String,
    #[serde(default)]
    pub simulated: bool,
    pub expected_interval_secs: Option<i64>,
    pub description: Option<String>,
    pub attribution: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityEntry {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub unit_code: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub simulated: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesEntry {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub indicator: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub expected_interval_secs: Option<i64>,
    pub source: Option<String>,
    pub unit_code: Option<String>,
    pub entity: Option<String>,
}

impl CatalogFile {
    pub fn from_toml(text: &str) -> Result<Self, InputError> {
        toml::from_str(text).map_err(|e| InputError::InvalidMapping(e.to_string()))
    }

    /// Creates or updates every entry, agencies first so that references resolve.
    pub async fn apply(&self, store: &Store, now: i64) -> Result<(), IngestError> {
        for a in &self.agencies {
            let agency = Agency {
                key: a.key.clone(),
                name: a.name.clone(),
                responsible_person: a.responsible_person.clone(),
                responsible_title: a.responsible_title.clone(),
            };
            store.upsert_agency(agency, now).await?;
        }
        for s in &self.sources {
            let source = Source {
                key: s.key.clone(),
                name: s.name.clone(),
                agency_key: s.agency.clone(),
                kind: s.kind.clone(),
                simulated: s.simulated,
                expected_interval_secs: s.expected_interval_secs,
                description: s.description.clone(),
                attribution: s.attribution.clone(),
            };
            store.upsert_source(source, now).await?;
        }
        for e in &self.entities {
            let entity = Entity {
                key: e.key.clone(),
                name: e.name.clone(),
                kind: e.kind.clone(),
                lat: e.lat,
                lon: e.lon,
                unit_code: e.unit_code.clone(),
                source_key: e.source.clone(),
                simulated: e.simulated,
                note: e.note.clone(),
            };
            store.upsert_entity(entity).await?;
        }
        for s in &self.series {
            let definition = SeriesDefinition {
                key: s.key.clone(),
                name: s.name.clone(),
                unit: s.unit.clone(),
                indicator: s.indicator.clone(),
                min: s.min,
                max: s.max,
                expected_interval_secs: s.expected_interval_secs,
                source_key: s.source.clone(),
                unit_code: s.unit_code.clone(),
                entity_key: s.entity.clone(),
            };
            store.upsert_series(definition, now).await?;
        }
        Ok(())
    }
}
