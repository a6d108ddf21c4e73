//! NGSI-LD endpoints: notifications of a context broker's subscriptions and direct entity
//! upserts, stored through an `ngsi-ld` connector.
//!
//! The connector is named by the query parameter `connector` or the `NGSILD-Tenant`
//! header; when neither is given and exactly one enabled `ngsi-ld` connector exists, that
//! one is used. Its source must be writable by the caller.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use haidang_connectors::definition::Connector;
use haidang_connectors::ngsi::{NgsiConnector, NgsiReport};
use haidang_connectors::{ConnectorSpec, Identity, Kind, Sink};
use haidang_core::access::Action;
use serde::Serialize;
use serde_json::Value;

use crate::api::connectors::setting_error;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::identity::scope::writable_sources;
use crate::state::AppState;

/// What a request of entities became.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NgsiResult {
    pub connector: String,
    pub batch_id: Option<String>,
    pub entities: usize,
    pub ignored_entities: usize,
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
    /// Ids of the entities with at least one rejected value; see the batch's rejected rows.
    pub entities_with_rejections: Vec<String>,
}

fn result(connector: &str, report: NgsiReport) -> NgsiResult {
    NgsiResult {
        connector: connector.to_owned(),
        batch_id: report.batch_id,
        entities: report.entities,
        ignored_entities: report.ignored_entities,
        accepted: report.counts.accepted,
        duplicates: report.counts.duplicates,
        conflicts: report.counts.conflicts,
        rejected: report.counts.rejected,
        entities_with_rejections: report.entities_with_rejections,
    }
}

/// Stores a context broker notification: `{"type": "Notification", "data": [entities]}`.
#[utoipa::path(post, path = "/ngsi-ld/v1/notify", tag = "ngsi-ld",
    params(("connector" = Option<String>, Query, description = "Key of the ngsi-ld connector")),
    request_body(content = Object, description = "NGSI-LD notification", content_type = "application/json"),
    responses((status = 200, body = NgsiResult), (status = 400), (status = 401), (status = 415), (status = 422)),
    security(("api_key" = [])))]
pub async fn notify(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<NgsiResult>, ApiError> {
    let document = read_json(&headers, &body)?;
    let Some(entities) = document.get("data").and_then(Value::as_array) else {
        return Err(ApiError::invalid_body(
            "a notification needs a \"data\" array of entities",
        ));
    };
    let (key, connector, source) = choose(&state, &caller, &query, &headers).await?;
    let report = receive(&state, &caller, &key, &connector, &source, entities).await?;
    Ok(Json(result(&key, report)))
}

/// Creates or updates entities: a JSON array of entities, normalized or key-values.
/// Answers 201 when every value was stored and 207 with the entities that had rejected
/// values otherwise.
#[utoipa::path(post, path = "/ngsi-ld/v1/entityOperations/upsert", tag = "ngsi-ld",
    params(("connector" = Option<String>, Query, description = "Key of the ngsi-ld connector")),
    request_body(content = Object, description = "Array of NGSI-LD entities", content_type = "application/json"),
    responses((status = 201, body = NgsiResult), (status = 207, body = NgsiResult), (status = 400), (status = 401),
        (status = 415), (status = 422)),
    security(("api_key" = [])))]
pub async fn upsert(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let document = read_json(&headers, &body)?;
    let Some(entities) = document.as_array() else {
        return Err(ApiError::invalid_body("an upsert needs a JSON array of entities"));
    };
    let (key, connector, source) = choose(&state, &caller, &query, &headers).await?;
    let report = receive(&state, &caller, &key, &connector, &source, entities).await?;
    let status = if report.entities_with_rejections.is_empty() && report.counts.rejected == 0 {
        StatusCode::CREATED
    } else {
        StatusCode::MULTI_STATUS
    };
    Ok((status, Json(result(&key, report))).into_response())
}

fn read_json(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media != "application/json" && media != "application/ld+json" {
        return Err(ApiError::unsupported_media_type(&media));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::invalid_body(e.to_string()))
}

/// Finds the connector named by the request, or the only one.
async fn choose(
    state: &AppState,
    caller: &ApiCaller,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<(String, NgsiConnector, String), ApiError> {
    let named = query.get("connector").cloned().or_else(|| {
        headers
            .get("ngsild-tenant")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    let candidates: Vec<_> = state
        .store
        .connectors()
        .await?
        .into_iter()
        .filter(|c| c.kind == Kind::NgsiLd.as_str() && c.enabled)
        .collect();
    let record = match named {
        Some(key) => candidates
            .into_iter()
            .find(|c| c.key == key)
            .ok_or_else(|| ApiError::reference_not_found("connector", &key))?,
        None => {
            let mut candidates = candidates;
            if candidates.len() != 1 {
                return Err(ApiError::with_message(
                    StatusCode::BAD_REQUEST,
                    "CONNECTOR_REQUIRED",
                    "error-ngsi-connector-required",
                    vec![("count", candidates.len().to_string())],
                ));
            }
            candidates.remove(0)
        }
    };
    let allowed = writable_sources(state, &caller.principal, Action::PushObservations).await?;
    if allowed.is_some_and(|a| !a.contains(&record.source_key)) {
        return Err(ApiError::forbidden_action());
    }
    let spec = ConnectorSpec::from_json(&record.definition).map_err(|e| ApiError::internal(e.to_string()))?;
    match spec.build(&record.key) {
        Ok(Connector::NgsiLd(connector)) => Ok((record.key, connector, record.source_key)),
        Ok(_) => Err(ApiError::internal("an ngsi-ld connector built as another kind")),
        Err(error) => Err(setting_error(&error)),
    }
}

async fn receive(
    state: &AppState,
    caller: &ApiCaller,
    key: &str,
    connector: &NgsiConnector,
    source: &str,
    entities: &[Value],
) -> Result<NgsiReport, ApiError> {
    let clock = state.clock.clone();
    let sink = Sink::attached(
        state.store.clone(),
        Identity {
            key: key.to_owned(),
            kind: Kind::NgsiLd,
            source: source.to_owned(),
        },
        std::sync::Arc::new(move || clock.now_ms()),
    );
    let report = connector
        .receive(&sink, entities, Some(caller.key_id.clone()))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    tracing::info!(connector = key, caller = %caller.name, entities = report.entities,
        accepted = report.counts.accepted, rejected = report.counts.rejected, "NGSI-LD entities stored");
    Ok(report)
}
