//! Series: definition by agencies' systems and administrators, and listings.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bytes::Bytes;
use haidang_core::access::Action;
use haidang_core::audit::Outcome;
use haidang_core::text::nfc;
use haidang_core::time::format_instant;
use haidang_core::{SeriesKey, UnitCode};
use haidang_store::{SeriesDefinition, SeriesRecord, SeriesSummary};
use serde::{Deserialize, Serialize};

use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::identity::ClientAddress;
use crate::identity::scope::writable_sources;
use crate::state::AppState;

/// Body of `PUT /api/v1/series/{key}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesBody {
    pub name: String,
    /// Unit of the values, such as `µg/m³` or `hồ sơ`.
    pub unit: String,
    /// What the series measures, shared across places (`pm25`).
    pub indicator: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Seconds between two values when the source is healthy.
    pub expected_interval_secs: Option<i64>,
    /// Key of the owning data source.
    pub source: Option<String>,
    /// GSO code of the administrative unit described, read with each value's date.
    pub unit_code: Option<String>,
    /// Key of the located entity (station, camera) described.
    pub entity: Option<String>,
}

/// A series as returned by the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SeriesView {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub indicator: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub expected_interval_secs: Option<i64>,
    pub source: Option<String>,
    pub agency: Option<String>,
    pub entity: Option<String>,
    pub unit_code: Option<String>,
    pub simulated: bool,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
    pub last_value: Option<f64>,
    pub last_received_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SeriesList {
    pub series: Vec<SeriesView>,
}

/// Creates or updates a series. Answers 201 when created and 200 when updated.
#[utoipa::path(put, path = "/api/v1/series/{key}", tag = "series", request_body = SeriesBody,
    params(("key" = String, Path, description = "Series key")),
    responses((status = 201, body = SeriesView), (status = 200, body = SeriesView), (status = 400), (status = 401), (status = 422)),
    security(("api_key" = [])))]
pub async fn put(
    State(state): State<AppState>,
    caller: ApiCaller,
    address: ClientAddress,
    Path(key): Path<String>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<SeriesView>), ApiError> {
    let key = SeriesKey::parse(&key).map_err(|e| ApiError::invalid_parameter("key", &e.value, e.rule))?;
    let body: SeriesBody = crate::api::auth::parse_json(&headers, &body)?;
    let allowed = writable_sources(&state, &caller.principal, Action::DefineSeries).await?;
    if let Some(allowed) = &allowed {
        // A scoped caller may define series only for its own sources, and may not learn
        // whether another agency's series exists.
        if let Some(existing) = state.store.series(key.as_str()).await?
            && !existing
                .definition
                .source_key
                .as_ref()
                .is_some_and(|s| allowed.contains(s))
        {
            return Err(ApiError::not_found("SERIES_NOT_FOUND", "what-series", key.as_str()));
        }
        match &body.source {
            Some(source) if allowed.contains(source) => {}
            Some(source) => return Err(ApiError::reference_not_found("source", source)),
            None => {
                return Err(ApiError::invalid_parameter(
                    "source",
                    "",
                    "the key of one of your agency's sources",
                ));
            }
        }
    }
    let definition = validate(&state, key, body).await?;
    let event = caller.principal.audit(
        &state,
        "series.define",
        Action::DefineSeries,
        Some(format!("series:{}", definition.key)),
        Outcome::Success,
        &address,
        serde_json::json!({ "source": definition.source_key, "unit": definition.unit }),
    );
    let (record, created) = state
        .store
        .upsert_series_audited(definition, state.now(), event)
        .await?;
    tracing::info!(series = %record.definition.key, created, "series defined");
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(view_of_record(&state, record, None))))
}

/// Returns one series with its latest value.
#[utoipa::path(get, path = "/api/v1/series/{key}", tag = "series",
    params(("key" = String, Path, description = "Series key")),
    responses((status = 200, body = SeriesView), (status = 404)))]
pub async fn get_one(State(state): State<AppState>, Path(key): Path<String>) -> Result<Json<SeriesView>, ApiError> {
    let summaries = state.store.series_summaries().await?;
    let summary = summaries
        .into_iter()
        .find(|s| s.record.definition.key == key)
        .ok_or_else(|| ApiError::not_found("SERIES_NOT_FOUND", "what-series", &key))?;
    Ok(Json(view_of_summary(&state, summary)))
}

/// Lists every series with its first and latest observation.
#[utoipa::path(get, path = "/api/v1/series", tag = "series", responses((status = 200, body = SeriesList)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<SeriesList>, ApiError> {
    let summaries = state.store.series_summaries().await?;
    Ok(Json(SeriesList {
        series: summaries.into_iter().map(|s| view_of_summary(&state, s)).collect(),
    }))
}

async fn validate(state: &AppState, key: SeriesKey, body: SeriesBody) -> Result<SeriesDefinition, ApiError> {
    let name = nfc(body.name.trim());
    if name.is_empty() {
        return Err(ApiError::invalid_parameter("name", &body.name, "a non-empty name"));
    }
    for (field, value) in [("min", body.min), ("max", body.max)] {
        if let Some(v) = value.filter(|v| !v.is_finite()) {
            return Err(ApiError::invalid_parameter(field, &v.to_string(), "a finite number"));
        }
    }
    if let (Some(min), Some(max)) = (body.min, body.max)
        && min > max
    {
        return Err(ApiError::invalid_parameter(
            "min",
            &min.to_string(),
            "a minimum not above the maximum",
        ));
    }
    if let Some(interval) = body.expected_interval_secs.filter(|i| *i <= 0) {
        return Err(ApiError::invalid_parameter(
            "expected_interval_secs",
            &interval.to_string(),
            "a positive number of seconds",
        ));
    }
    if let Some(source) = &body.source {
        let sources = state.store.source_statuses().await?;
        if !sources.iter().any(|s| &s.source.key == source) {
            return Err(ApiError::reference_not_found("source", source));
        }
    }
    if let Some(entity) = &body.entity {
        let entities = state.store.entities().await?;
        if !entities.iter().any(|e| &e.key == entity) {
            return Err(ApiError::reference_not_found("entity", entity));
        }
    }
    if let Some(code) = &body.unit_code {
        let parsed = UnitCode::parse(code).map_err(|e| ApiError::invalid_parameter("unit_code", &e.value, e.rule))?;
        if !state.store.unit_catalog().await?.has_code(parsed.as_str()) {
            return Err(ApiError::reference_not_found("unit_code", code));
        }
    }
    let indicator = body.indicator.map(|i| nfc(i.trim())).filter(|i| !i.is_empty());
    Ok(SeriesDefinition {
        key: key.as_str().to_owned(),
        name,
        unit: nfc(body.unit.trim()),
        indicator,
        min: body.min,
        max: body.max,
        expected_interval_secs: body.expected_interval_secs,
        source_key: body.source,
        unit_code: body.unit_code,
        entity_key: body.entity,
    })
}

fn view_of_summary(state: &AppState, summary: SeriesSummary) -> SeriesView {
    let mut view = view_of_record(state, summary.record, summary.agency_key);
    view.simulated = summary.simulated;
    view.first_time = summary.first_time.map(|t| format_instant(t, state.zone));
    view.last_time = summary.last_time.map(|t| format_instant(t, state.zone));
    view.last_value = summary.last_value;
    view
}

fn view_of_record(state: &AppState, record: SeriesRecord, agency: Option<String>) -> SeriesView {
    let d = record.definition;
    SeriesView {
        key: d.key,
        name: d.name,
        unit: d.unit,
        indicator: d.indicator,
        min: d.min,
        max: d.max,
        expected_interval_secs: d.expected_interval_secs,
        source: d.source_key,
        agency,
        entity: d.entity_key,
        unit_code: d.unit_code,
        simulated: false,
        first_time: None,
        last_time: None,
        last_value: None,
        last_received_at: record.last_received_at.map(|t| format_instant(t, state.zone)),
    }
}
