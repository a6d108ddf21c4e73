//! The auditor's view of the audit trail: filtered listings and CSV export.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use haidang_core::access::Action;
use haidang_core::audit::{AuditRecord, Outcome};
use haidang_core::time::format_instant;
use haidang_store::identity::AuditQuery;
use serde::Serialize;
use serde_json::json;

use crate::api::params;
use crate::error::ApiError;
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

/// Most records returned by one listing.
const MAX_LIMIT: i64 = 1000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub seq: i64,
    /// ISO 8601 with the local offset.
    pub at: String,
    pub actor: String,
    pub actor_name: String,
    pub role: Option<String>,
    pub scope: Option<String>,
    pub action: String,
    pub object: Option<String>,
    pub outcome: String,
    pub address: Option<String>,
    pub detail: serde_json::Value,
    pub hash: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditList {
    pub records: Vec<AuditView>,
}

/// Lists audit records, newest first, filtered by time, actor, action and outcome.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query), ("actor" = Option<String>, Query),
        ("action" = Option<String>, Query), ("outcome" = Option<String>, Query),
        ("limit" = Option<i64>, Query, description = "1 to 1000, default 100"), ("offset" = Option<i64>, Query)),
    responses((status = 200, body = AuditList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<AuditList>, ApiError> {
    let records = state.store.audit_records(audit_query(&state, &query, 100)?).await?;
    Ok(Json(AuditList {
        records: records.into_iter().map(|r| view(&state, r)).collect(),
    }))
}

/// Exports audit records as CSV. The `purpose` of the export is required and is itself audited.
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "audit",
    params(("purpose" = String, Query, description = "Why the export is made, at least 5 characters"),
        ("from" = Option<String>, Query), ("to" = Option<String>, Query), ("actor" = Option<String>, Query),
        ("action" = Option<String>, Query), ("outcome" = Option<String>, Query)),
    responses((status = 200, content_type = "text/csv"), (status = 400), (status = 403)))]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Query(query): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    let purpose = query.get("purpose").map(|p| p.trim().to_owned()).unwrap_or_default();
    if purpose.chars().count() < 5 {
        return Err(ApiError::invalid_parameter(
            "purpose",
            &purpose,
            "the reason for the export, at least 5 characters",
        ));
    }
    let mut filter = audit_query(&state, &query, i64::MAX)?;
    filter.limit = i64::MAX;
    let records = state.store.audit_records(filter).await?;
    let detail = json!({ "purpose": purpose, "records": records.len(), "filters": query.iter().filter(|(k, _)| *k != "purpose").collect::<HashMap<_, _>>() });
    let event = principal.audit(
        &state,
        "audit.export",
        Action::ExportAudit,
        None,
        Outcome::Success,
        &address,
        detail,
    );
    state.store.append_audit(event).await?;

    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "seq",
            "at",
            "actor",
            "actor_name",
            "role",
            "scope",
            "action",
            "object",
            "outcome",
            "address",
            "detail",
            "hash",
        ])
        .map_err(ApiError::internal)?;
    for record in records {
        let v = view(&state, record);
        writer
            .write_record([
                v.seq.to_string(),
                v.at,
                v.actor,
                v.actor_name,
                v.role.unwrap_or_default(),
                v.scope.unwrap_or_default(),
                v.action,
                v.object.unwrap_or_default(),
                v.outcome,
                v.address.unwrap_or_default(),
                v.detail.to_string(),
                v.hash,
            ])
            .map_err(ApiError::internal)?;
    }
    let bytes = writer.into_inner().map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\""),
        ],
        bytes,
    ))
}

fn audit_query(state: &AppState, query: &HashMap<String, String>, default_limit: i64) -> Result<AuditQuery, ApiError> {
    let limit = match query.get("limit") {
        None => default_limit.min(MAX_LIMIT),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| ApiError::invalid_parameter("limit", text, "a number from 1 to 1000"))?,
    };
    let offset = match query.get("offset") {
        None => 0,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| ApiError::invalid_parameter("offset", text, "a number of 0 or more"))?,
    };
    if let Some(outcome) = query.get("outcome")
        && Outcome::parse(outcome).is_none()
    {
        return Err(ApiError::invalid_parameter(
            "outcome",
            outcome,
            "success, denied or failure",
        ));
    }
    Ok(AuditQuery {
        from: params::instant("from", query.get("from"), state.zone)?,
        to: params::instant("to", query.get("to"), state.zone)?,
        actor: query.get("actor").cloned(),
        action: query.get("action").cloned(),
        outcome: query.get("outcome").cloned(),
        limit,
        offset,
    })
}

fn view(state: &AppState, record: AuditRecord) -> AuditView {
    AuditView {
        seq: record.seq,
        at: format_instant(record.event.at, state.zone),
        actor: record.event.actor,
        actor_name: record.event.actor_name,
        role: record.event.role,
        scope: record.event.scope,
        action: record.event.action,
        object: record.event.object,
        outcome: record.event.outcome.as_str().to_owned(),
        address: record.event.address,
        detail: record.event.detail,
        hash: record.hash,
    }
}
