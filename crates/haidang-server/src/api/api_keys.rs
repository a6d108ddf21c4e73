//! API keys of agency systems: created and shown once, limited to sources, rotated, revoked.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use haidang_core::access::{Action, Role};
use haidang_core::audit::Outcome;
use haidang_store::ApiKeyRecord;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::auth::parse_json;
use crate::auth::{ROLES, generate_key, hash_key};
use crate::error::ApiError;
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyBody {
    pub name: String,
    /// `agency` for an agency's system, `admin` for automation of administrators.
    pub role: String,
    /// The agency whose system uses the key; required for `agency`.
    pub agency: Option<String>,
    /// Sources the key may write to; all of the agency's sources when absent.
    pub sources: Option<Vec<String>>,
    /// UTC epoch milliseconds after which the key stops working.
    pub expires_at: Option<i64>,
    /// Actions the key is limited to, such as `push_observations`; every action of its
    /// role when absent.
    pub actions: Option<Vec<String>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    pub role: String,
    pub agency: Option<String>,
    pub sources: Option<Vec<String>>,
    pub actions: Option<Vec<String>>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// A new or rotated key. The secret is shown only in this answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedKey {
    pub key: String,
    pub record: KeyView,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyList {
    pub keys: Vec<KeyView>,
}

/// Lists API keys, never their secrets.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys", responses((status = 200, body = KeyList)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<KeyList>, ApiError> {
    Ok(Json(KeyList {
        keys: state.store.api_keys().await?.into_iter().map(view).collect(),
    }))
}

/// Creates a key and returns its secret once.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", request_body = NewKeyBody,
    responses((status = 201, body = IssuedKey), (status = 400), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<IssuedKey>), ApiError> {
    let body: NewKeyBody = parse_json(&headers, &body)?;
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.len() > 64 {
        return Err(ApiError::invalid_parameter("name", &body.name, "1 to 64 characters"));
    }
    if !ROLES.contains(&body.role.as_str()) {
        return Err(ApiError::invalid_parameter("role", &body.role, "agency or admin"));
    }
    if body.role == "agency" {
        let agency = body
            .agency
            .as_deref()
            .ok_or_else(|| ApiError::invalid_parameter("agency", "", "the agency whose system uses the key"))?;
        if !state.store.agencies().await?.iter().any(|a| a.key == agency) {
            return Err(ApiError::reference_not_found("agency", agency));
        }
        let own_sources: Vec<String> = state
            .store
            .source_statuses()
            .await?
            .into_iter()
            .filter(|s| s.source.agency_key == agency)
            .map(|s| s.source.key)
            .collect();
        for source in body.sources.iter().flatten() {
            if !own_sources.contains(source) {
                return Err(ApiError::reference_not_found("sources", source));
            }
        }
    }
    let role = if body.role == "admin" {
        Role::Admin
    } else {
        Role::AgencySystem
    };
    for name in body.actions.iter().flatten() {
        let allowed = Action::parse(name).is_some_and(|a| !a.is_public() && a.roles().contains(&role));
        if !allowed {
            return Err(ApiError::invalid_parameter(
                "actions",
                name,
                "actions of the key's role, such as push_observations or define_series",
            ));
        }
    }
    if let Some(expires_at) = body.expires_at.filter(|t| *t <= state.now()) {
        return Err(ApiError::invalid_parameter(
            "expires_at",
            &expires_at.to_string(),
            "a time in the future",
        ));
    }
    if state.store.api_keys().await?.iter().any(|k| k.name == name) {
        return Err(ApiError::conflict("what-api-key", &name));
    }
    let key = generate_key();
    let record = ApiKeyRecord {
        actions: body.actions.clone(),
        id: uuid::Uuid::now_v7().to_string(),
        name: name.clone(),
        role: body.role,
        agency_key: body.agency,
        sources: body.sources,
        expires_at: body.expires_at,
        created_at: state.now(),
        revoked_at: None,
        last_used_at: None,
    };
    let detail = json!({
        "role": record.role,
        "agency": record.agency_key,
        "sources": record.sources,
        "actions": record.actions,
        "expires_at": record.expires_at,
    });
    let event = principal.audit(
        &state,
        "api_key.create",
        Action::ManageApiKeys,
        Some(format!("api_key:{name}")),
        Outcome::Success,
        &address,
        detail,
    );
    state
        .store
        .create_api_key_audited(record.clone(), hash_key(&key), event)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedKey {
            key,
            record: view(record),
        }),
    ))
}

/// Replaces a key's secret; the old secret stops working at once.
#[utoipa::path(post, path = "/api/v1/api-keys/{name}/rotate", tag = "api-keys", params(("name" = String, Path)),
    responses((status = 200, body = IssuedKey), (status = 404)))]
pub async fn rotate(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(name): Path<String>,
) -> Result<Json<IssuedKey>, ApiError> {
    let key = generate_key();
    let event = principal.audit(
        &state,
        "api_key.rotate",
        Action::ManageApiKeys,
        Some(format!("api_key:{name}")),
        Outcome::Success,
        &address,
        json!({}),
    );
    if !state.store.rotate_api_key(&name, hash_key(&key), event).await? {
        return Err(ApiError::not_found("API_KEY_NOT_FOUND", "what-api-key", &name));
    }
    let record = state
        .store
        .api_keys()
        .await?
        .into_iter()
        .find(|k| k.name == name)
        .ok_or_else(|| ApiError::not_found("API_KEY_NOT_FOUND", "what-api-key", &name))?;
    Ok(Json(IssuedKey {
        key,
        record: view(record),
    }))
}

/// Revokes a key.
#[utoipa::path(delete, path = "/api/v1/api-keys/{name}", tag = "api-keys", params(("name" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    let event = principal.audit(
        &state,
        "api_key.revoke",
        Action::ManageApiKeys,
        Some(format!("api_key:{name}")),
        Outcome::Success,
        &address,
        json!({}),
    );
    if !state.store.revoke_api_key_audited(&name, state.now(), event).await? {
        return Err(ApiError::not_found("API_KEY_NOT_FOUND", "what-api-key", &name));
    }
    Ok(StatusCode::NO_CONTENT)
}

fn view(record: ApiKeyRecord) -> KeyView {
    KeyView {
        id: record.id,
        name: record.name,
        role: record.role,
        agency: record.agency_key,
        sources: record.sources,
        actions: record.actions,
        created_at: record.created_at,
        expires_at: record.expires_at,
        revoked_at: record.revoked_at,
        last_used_at: record.last_used_at,
    }
}
