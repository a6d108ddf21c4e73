//! The deployment's data sources with their freshness, its located entities, and credits.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use haidang_core::series::{Freshness, freshness};
use haidang_core::time::format_instant;
use serde::Serialize;

use crate::error::ApiError;
use crate::state::{About, AppState};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceView {
    pub key: String,
    pub name: String,
    pub agency: String,
    pub agency_name: String,
    /// The person answerable for the agency's data.
    pub responsible_person: String,
    /// `push`, `file`, `mqtt`, `pull` or `simulator`.
    pub kind: String,
    pub simulated: bool,
    pub description: Option<String>,
    pub attribution: Option<String>,
    pub expected_interval_secs: Option<i64>,
    pub series_count: i64,
    pub last_received_at: Option<String>,
    pub last_observation_time: Option<String>,
    /// `fresh`, `stale` (silent longer than its expected interval) or `never`.
    pub status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceList {
    pub sources: Vec<SourceView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntityView {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub unit_code: Option<String>,
    pub source: Option<String>,
    pub simulated: bool,
    pub note: Option<String>,
    /// Keys of the series that describe this entity.
    pub series: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntityList {
    pub entities: Vec<EntityView>,
}

/// Returns the deployment name and the credits owed to data providers.
#[utoipa::path(get, path = "/api/v1/about", tag = "catalog", responses((status = 200, body = About)))]
pub async fn about(State(state): State<AppState>) -> Json<About> {
    Json(state.about.as_ref().clone())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyView {
    pub key: String,
    pub name: String,
    /// The person answerable for the agency's data.
    pub responsible_person: String,
    pub responsible_title: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyList {
    pub agencies: Vec<AgencyView>,
}

/// Lists the agencies that own data sources or handle cases, with the person answerable for
/// each agency's data.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "catalog", responses((status = 200, body = AgencyList)))]
pub async fn agencies(State(state): State<AppState>) -> Result<Json<AgencyList>, ApiError> {
    let agencies = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| AgencyView {
            key: a.key,
            name: a.name,
            responsible_person: a.responsible_person,
            responsible_title: a.responsible_title,
        })
        .collect();
    Ok(Json(AgencyList { agencies }))
}

/// Lists data sources with their owning agency, responsible person and freshness.
#[utoipa::path(get, path = "/api/v1/sources", tag = "catalog", responses((status = 200, body = SourceList)))]
pub async fn sources(State(state): State<AppState>) -> Result<Json<SourceList>, ApiError> {
    let now = state.now();
    let sources = state
        .store
        .source_statuses()
        .await?
        .into_iter()
        .map(|s| {
            let status = match freshness(s.last_observation_time, s.source.expected_interval_secs, now) {
                Freshness::Fresh => "fresh",
                Freshness::Stale => "stale",
                Freshness::Never => "never",
            };
            SourceView {
                key: s.source.key,
                name: s.source.name,
                agency: s.source.agency_key,
                agency_name: s.agency_name,
                responsible_person: s.responsible_person,
                kind: s.source.kind,
                simulated: s.source.simulated,
                description: s.source.description,
                attribution: s.source.attribution,
                expected_interval_secs: s.source.expected_interval_secs,
                series_count: s.series_count,
                last_received_at: s.last_received_at.map(|t| format_instant(t, state.zone)),
                last_observation_time: s.last_observation_time.map(|t| format_instant(t, state.zone)),
                status: status.to_owned(),
            }
        })
        .collect();
    Ok(Json(SourceList { sources }))
}

/// Lists located entities (stations, facilities) with the series that describe them.
#[utoipa::path(get, path = "/api/v1/entities", tag = "catalog", responses((status = 200, body = EntityList)))]
pub async fn entities(State(state): State<AppState>) -> Result<Json<EntityList>, ApiError> {
    let mut series_by_entity: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for summary in state.store.series_summaries().await? {
        if let Some(entity) = summary.record.definition.entity_key {
            series_by_entity
                .entry(entity)
                .or_default()
                .push(summary.record.definition.key);
        }
    }
    let entities = state
        .store
        .entities()
        .await?
        .into_iter()
        .map(|e| EntityView {
            series: series_by_entity.remove(&e.key).unwrap_or_default(),
            key: e.key,
            name: e.name,
            kind: e.kind,
            lat: e.lat,
            lon: e.lon,
            unit_code: e.unit_code,
            source: e.source_key,
            simulated: e.simulated,
            note: e.note,
        })
        .collect();
    Ok(Json(EntityList { entities }))
}
