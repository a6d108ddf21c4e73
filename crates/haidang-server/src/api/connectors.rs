//! Connectors: definition by administrators, and their status beside their source's
//! freshness.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bytes::Bytes;
use haidang_connectors::{ConfigError, ConnectorSpec, DefinitionError, redacted};
use haidang_core::access::Action;
use haidang_core::audit::Outcome;
use haidang_core::series::{Freshness, freshness};
use haidang_core::time::format_instant;
use haidang_store::{ConnectorRecord, ConnectorStatusRecord, SourceStatus};
use serde::Serialize;
use serde_json::{Value, json};

use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::identity::ClientAddress;
use crate::state::AppState;

/// A connector with its status.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConnectorView {
    pub key: String,
    /// `mqtt`, `pull`, `ngsi-ld` or `file`.
    pub kind: String,
    pub source: String,
    pub enabled: bool,
    /// `api` or `config` (the configuration file, applied again at each start).
    pub origin: String,
    /// `starting`, `running`, `failing` or `stopped`.
    pub state: String,
    pub state_since: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// Seconds between the newest value stored and its storage.
    pub lag_secs: Option<f64>,
    pub received: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
    /// Freshness of the owning source: `fresh`, `stale` (silent longer than its expected
    /// interval) or `never`.
    pub source_status: String,
    pub stale: bool,
    /// The definition, with passwords and header values shown as `***`.
    #[schema(value_type = Object)]
    pub definition: Value,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConnectorList {
    pub connectors: Vec<ConnectorView>,
}

/// Refuses callers that are not administrators.
fn require_admin(caller: &ApiCaller) -> Result<(), ApiError> {
    if caller.role != "admin" {
        return Err(ApiError::forbidden(&caller.role));
    }
    Ok(())
}

/// Renders an invalid setting in the caller's language.
pub fn setting_error(error: &ConfigError) -> ApiError {
    ApiError::with_message(
        StatusCode::BAD_REQUEST,
        "INVALID_SETTING",
        error.message_id(),
        error.args(),
    )
}

fn definition_error(error: DefinitionError) -> ApiError {
    match error {
        DefinitionError::Shape(detail) => ApiError::invalid_body(detail),
        DefinitionError::Setting(error) => setting_error(&error),
    }
}

fn view(
    state: &AppState,
    record: ConnectorRecord,
    status: Option<&ConnectorStatusRecord>,
    sources: &[SourceStatus],
) -> ConnectorView {
    let now = state.now();
    let source = sources.iter().find(|s| s.source.key == record.source_key);
    let source_status = match source {
        Some(s) => match freshness(s.last_observation_time, s.source.expected_interval_secs, now) {
            Freshness::Fresh => "fresh",
            Freshness::Stale => "stale",
            Freshness::Never => "never",
        },
        None => "never",
    };
    let time = |ms: Option<i64>| ms.map(|t| format_instant(t, state.zone));
    let counts = status.map(|s| s.counts).unwrap_or_default();
    let default_state = if record.enabled { "starting" } else { "stopped" };
    ConnectorView {
        state: status.map_or(default_state, |s| s.state.as_str()).to_owned(),
        state_since: time(status.map(|s| s.state_since)),
        last_success_at: time(status.and_then(|s| s.last_success_at)),
        last_error: status.and_then(|s| s.last_error.clone()),
        last_error_at: time(status.and_then(|s| s.last_error_at)),
        lag_secs: status.and_then(|s| s.lag_ms).map(|ms| ms as f64 / 1000.0),
        received: counts.received,
        accepted: counts.accepted,
        duplicates: counts.duplicates,
        conflicts: counts.conflicts,
        rejected: counts.rejected,
        source_status: source_status.to_owned(),
        stale: source_status == "stale",
        definition: redacted(&record.definition),
        created_at: format_instant(record.created_at, state.zone),
        updated_at: format_instant(record.updated_at, state.zone),
        key: record.key,
        kind: record.kind,
        source: record.source_key,
        enabled: record.enabled,
        origin: record.origin,
    }
}

/// Lists the connectors with their state, counts and the freshness of their sources.
#[utoipa::path(get, path = "/api/v1/connectors", tag = "connectors",
    responses((status = 200, body = ConnectorList), (status = 401), (status = 403)),
    security(("api_key" = [])))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<ConnectorList>, ApiError> {
    require_admin(&caller)?;
    let statuses: HashMap<String, ConnectorStatusRecord> = state
        .store
        .connector_statuses()
        .await?
        .into_iter()
        .map(|s| (s.connector_key.clone(), s))
        .collect();
    let sources = state.store.source_statuses().await?;
    let connectors = state
        .store
        .connectors()
        .await?
        .into_iter()
        .map(|record| {
            let status = statuses.get(&record.key);
            view(&state, record, status, &sources)
        })
        .collect();
    Ok(Json(ConnectorList { connectors }))
}

/// Returns one connector with its status.
#[utoipa::path(get, path = "/api/v1/connectors/{key}", tag = "connectors",
    params(("key" = String, Path, description = "Connector key")),
    responses((status = 200, body = ConnectorView), (status = 401), (status = 403), (status = 404)),
    security(("api_key" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(key): Path<String>,
) -> Result<Json<ConnectorView>, ApiError> {
    require_admin(&caller)?;
    let record = state
        .store
        .connector(&key)
        .await?
        .ok_or_else(|| ApiError::not_found("CONNECTOR_NOT_FOUND", "what-connector", &key))?;
    let status = state
        .store
        .connector_statuses()
        .await?
        .into_iter()
        .find(|s| s.connector_key == key);
    let sources = state.store.source_statuses().await?;
    Ok(Json(view(&state, record, status.as_ref(), &sources)))
}

/// Creates or replaces a connector. The body is the definition without its key: `source`,
/// optional `enabled`, and exactly one of `mqtt`, `pull`, `ngsi_ld` and `file`. Every
/// setting is checked before anything is stored; the connector (re)starts within a few
/// seconds. Answers 201 when created and 200 when replaced.
#[utoipa::path(put, path = "/api/v1/connectors/{key}", tag = "connectors",
    params(("key" = String, Path, description = "Connector key")),
    request_body(content = Object, description = "Connector definition"),
    responses((status = 201, body = ConnectorView), (status = 200, body = ConnectorView), (status = 400),
        (status = 401), (status = 403), (status = 422)),
    security(("api_key" = [])))]
pub async fn put(
    State(state): State<AppState>,
    caller: ApiCaller,
    address: ClientAddress,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<ConnectorView>), ApiError> {
    require_admin(&caller)?;
    let mut definition: Value = serde_json::from_slice(&body).map_err(|e| ApiError::invalid_body(e.to_string()))?;
    if !definition.is_object() {
        return Err(ApiError::invalid_body("the definition must be a JSON object"));
    }
    let spec = ConnectorSpec::from_json(&definition).map_err(definition_error)?;
    let kind = spec.validate(&key).map_err(|e| setting_error(&e))?;
    let sources = state.store.source_statuses().await?;
    if !sources.iter().any(|s| s.source.key == spec.source) {
        return Err(ApiError::reference_not_found("source", &spec.source));
    }
    if let Some(object) = definition.as_object_mut() {
        object.remove("key");
    }
    let now = state.now();
    let record = ConnectorRecord {
        key: key.clone(),
        kind: kind.as_str().to_owned(),
        source_key: spec.source.clone(),
        definition,
        enabled: spec.enabled,
        origin: "api".to_owned(),
        created_at: now,
        updated_at: now,
    };
    let created = state.store.upsert_connector(record).await?;
    let event = caller.principal.audit(
        &state,
        if created {
            "connectors.create"
        } else {
            "connectors.update"
        },
        Action::ManageConnectors,
        Some(format!("connector:{key}")),
        Outcome::Success,
        &address,
        json!({ "kind": kind.as_str(), "source": spec.source, "enabled": spec.enabled }),
    );
    state.store.append_audit(event).await?;
    tracing::info!(connector = %key, kind = kind.as_str(), created, caller = %caller.name, "connector defined");
    let record = state
        .store
        .connector(&key)
        .await?
        .ok_or_else(|| ApiError::internal("connector vanished after being stored"))?;
    let status = state
        .store
        .connector_statuses()
        .await?
        .into_iter()
        .find(|s| s.connector_key == key);
    let code = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((code, Json(view(&state, record, status.as_ref(), &sources))))
}

/// Deletes a connector with its status and checkpoint; its data stays. A connector from
/// the configuration file comes back at the next start unless removed from the file.
#[utoipa::path(delete, path = "/api/v1/connectors/{key}", tag = "connectors",
    params(("key" = String, Path, description = "Connector key")),
    responses((status = 204), (status = 401), (status = 403), (status = 404)),
    security(("api_key" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    caller: ApiCaller,
    address: ClientAddress,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_admin(&caller)?;
    if !state.store.delete_connector(&key).await? {
        return Err(ApiError::not_found("CONNECTOR_NOT_FOUND", "what-connector", &key));
    }
    let event = caller.principal.audit(
        &state,
        "connectors.delete",
        Action::ManageConnectors,
        Some(format!("connector:{key}")),
        Outcome::Success,
        &address,
        json!({}),
    );
    state.store.append_audit(event).await?;
    tracing::info!(connector = %key, caller = %caller.name, "connector deleted");
    Ok(StatusCode::NO_CONTENT)
}
