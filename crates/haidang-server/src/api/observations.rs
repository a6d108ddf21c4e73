//! Observations: the canonical push API, batch reports with rejected rows, and reads of a
//! series at raw, hour, day or month steps.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use haidang_core::access::Action;
use haidang_core::audit::Outcome;
use haidang_core::time::format_instant;
use haidang_ingest::canonical::{csv_rows, json_rows};
use haidang_ingest::decode::TextEncoding;
use haidang_ingest::pipeline::{BatchOptions, IngestError, Ingestor};
use haidang_store::{BatchRecord, RejectedRow};
use serde::Serialize;
use serde_json::json;

use crate::api::params;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::i18n::{Lang, message};
use crate::identity::scope::{covers_record, source_scope, writable_sources};
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

/// Counts of a batch: every row is in exactly one of the four.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchReport {
    pub batch_id: String,
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchView {
    #[serde(flatten)]
    pub report: BatchReport,
    pub source: Option<String>,
    pub format: String,
    /// `open` while rows are written, `complete` when finished.
    pub status: String,
    pub received_at: String,
    pub finished_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RejectedView {
    /// 1-based data row (header not counted).
    pub row: i64,
    /// Stable reason code, such as `INVALID_NUMBER`.
    pub code: String,
    /// The reason in the caller's language.
    pub message: String,
    /// The row as received.
    pub raw: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RejectedList {
    pub batch_id: String,
    pub rejected: Vec<RejectedView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PointView {
    /// Start of the bucket, or the time of the value for raw reads (ISO 8601 with offset).
    pub time: String,
    pub value: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PointList {
    pub series: String,
    pub unit: String,
    pub step: String,
    pub agg: String,
    pub from: String,
    pub to: String,
    pub points: Vec<PointView>,
}

/// Stores a batch of observations sent as a JSON array or a canonical CSV file.
///
/// Good rows are stored even when others are rejected; rejected rows are kept with their
/// reasons under `/api/v1/batches/{batch_id}/rejected`.
#[utoipa::path(post, path = "/api/v1/observations", tag = "observations",
    params(("source" = Option<String>, Query, description = "Data source the batch comes from")),
    request_body(content = String, description = "JSON array of {series, time, value}, or CSV with the header series,time,value",
        content_type = "text/csv"),
    responses((status = 200, body = BatchReport), (status = 400), (status = 401), (status = 415)),
    security(("api_key" = [])))]
pub async fn push(
    State(state): State<AppState>,
    caller: ApiCaller,
    address: ClientAddress,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<BatchReport>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (media, charset) = parse_content_type(content_type);
    let options = |format: &str| BatchOptions {
        source_key: query.get("source").cloned(),
        format: format.to_owned(),
        file_name: None,
        api_key_id: Some(caller.key_id.clone()),
        zone: state.zone,
        time_format: None,
    };
    let clock = state.clock.clone();
    let now = move || clock.now_ms();
    let allowed = writable_sources(&state, &caller.principal, Action::PushObservations).await?;
    if let Some(source) = query.get("source") {
        let sources = state.store.source_statuses().await?;
        let visible = allowed.as_ref().is_none_or(|a| a.contains(source));
        if !visible || !sources.iter().any(|s| &s.source.key == source) {
            return Err(ApiError::reference_not_found("source", source));
        }
    }
    let audit = || {
        caller.principal.audit(
            &state,
            "observations.push",
            Action::PushObservations,
            None,
            Outcome::Success,
            &address,
            json!({ "format": media, "source": query.get("source") }),
        )
    };

    let summary = match media.as_str() {
        "application/json" => {
            let rows = json_rows(&body).map_err(|e| ApiError::invalid_input(e.to_string()))?;
            let mut ingestor = Ingestor::begin_audited(&state.store, options("json"), state.now(), audit())
                .await
                .map_err(ingest_error)?
                .with_allowed_sources(allowed.clone());
            ingestor
                .push_all(rows.into_iter().map(Ok), &now)
                .await
                .map_err(ingest_error)?;
            ingestor.finish(state.now()).await.map_err(ingest_error)?
        }
        "text/csv" => {
            let encoding = match charset.as_deref() {
                None => TextEncoding::Auto,
                Some(name) => TextEncoding::parse(name)
                    .ok_or_else(|| ApiError::invalid_parameter("charset", name, "utf-8, utf-16 or windows-1258"))?,
            };
            let rows = csv_rows(&body[..], encoding).map_err(|e| ApiError::invalid_input(e.to_string()))?;
            let mut ingestor = Ingestor::begin_audited(&state.store, options("csv"), state.now(), audit())
                .await
                .map_err(ingest_error)?
                .with_allowed_sources(allowed.clone());
            ingestor.push_all(rows, &now).await.map_err(ingest_error)?;
            ingestor.finish(state.now()).await.map_err(ingest_error)?
        }
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    crate::metrics::record_batch(&media, &summary.counts);
    tracing::info!(batch = %summary.batch_id, caller = %caller.name, accepted = summary.counts.accepted,
        duplicates = summary.counts.duplicates, conflicts = summary.counts.conflicts,
        rejected = summary.counts.rejected, "batch stored");
    Ok(Json(BatchReport {
        batch_id: summary.batch_id,
        accepted: summary.counts.accepted,
        duplicates: summary.counts.duplicates,
        conflicts: summary.counts.conflicts,
        rejected: summary.counts.rejected,
    }))
}

/// Returns a batch's counts and state.
#[utoipa::path(get, path = "/api/v1/batches/{batch_id}", tag = "observations",
    params(("batch_id" = String, Path)), responses((status = 200, body = BatchView), (status = 404)))]
pub async fn batch(
    State(state): State<AppState>,
    principal: Principal,
    Path(batch_id): Path<String>,
) -> Result<Json<BatchView>, ApiError> {
    let record = visible_batch(&state, &principal, &batch_id).await?;
    Ok(Json(BatchView {
        report: BatchReport {
            batch_id: record.id,
            accepted: record.counts.accepted,
            duplicates: record.counts.duplicates,
            conflicts: record.counts.conflicts,
            rejected: record.counts.rejected,
        },
        source: record.source_key,
        format: record.format,
        status: record.status,
        received_at: format_instant(record.received_at, state.zone),
        finished_at: record.finished_at.map(|t| format_instant(t, state.zone)),
    }))
}

/// Lists the rejected rows of a batch with their reasons; `?format=csv` (or
/// `Accept: text/csv`) downloads them as CSV for correction and resubmission.
#[utoipa::path(get, path = "/api/v1/batches/{batch_id}/rejected", tag = "observations",
    params(("batch_id" = String, Path), ("format" = Option<String>, Query, description = "json (default) or csv")),
    responses((status = 200, body = RejectedList), (status = 404)))]
pub async fn rejected(
    State(state): State<AppState>,
    principal: Principal,
    Path(batch_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    visible_batch(&state, &principal, &batch_id).await?;
    let lang = Lang::from_headers(&headers);
    let rows: Vec<RejectedView> = state
        .store
        .rejected_rows(&batch_id)
        .await?
        .into_iter()
        .map(|r| view_of_rejected(lang, r))
        .collect();
    let accepts_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    let wants_csv = match query.get("format").map(String::as_str) {
        Some("csv") => true,
        Some("json") | None => accepts_csv,
        Some(other) => return Err(ApiError::invalid_parameter("format", other, "json or csv")),
    };
    if wants_csv {
        return Ok(rejected_csv(&batch_id, &rows)?.into_response());
    }
    Ok(Json(RejectedList {
        batch_id,
        rejected: rows,
    })
    .into_response())
}

/// Reads a series over `[from, to)`; buckets of `day` and `month` start at local midnight.
#[utoipa::path(get, path = "/api/v1/series/{key}/observations", tag = "observations",
    params(("key" = String, Path),
        ("from" = Option<String>, Query, description = "Start, inclusive (ISO 8601 or date); 7 days before `to` by default"),
        ("to" = Option<String>, Query, description = "End, exclusive; just after the latest value by default"),
        ("step" = Option<String>, Query, description = "raw (default), hour, day or month"),
        ("agg" = Option<String>, Query, description = "avg (default), min, max, sum, count or last")),
    responses((status = 200, body = PointList), (status = 400), (status = 404)))]
pub async fn query(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<PointList>, ApiError> {
    let step = params::step(query.get("step"))?;
    let aggregate = params::aggregate(query.get("agg"))?;
    let from = params::instant("from", query.get("from"), state.zone)?;
    let to = params::instant("to", query.get("to"), state.zone)?;
    let summaries = state.store.series_summaries().await?;
    let summary = summaries
        .into_iter()
        .find(|s| s.record.definition.key == key)
        .ok_or_else(|| ApiError::not_found("SERIES_NOT_FOUND", "what-series", &key))?;
    const WEEK_MS: i64 = 7 * 24 * 3_600_000;
    let to = to.unwrap_or_else(|| summary.last_time.map_or_else(|| state.now(), |t| t + 1));
    let from = from.unwrap_or(to - WEEK_MS);
    if from >= to {
        return Err(ApiError::invalid_parameter(
            "from",
            &format_instant(from, state.zone),
            "a start before `to`",
        ));
    }
    let points = state.store.points(summary.record.id, from, to, step, aggregate).await?;
    Ok(Json(PointList {
        series: key,
        unit: summary.record.definition.unit,
        step: format!("{step:?}").to_lowercase(),
        agg: format!("{aggregate:?}").to_lowercase(),
        from: format_instant(from, state.zone),
        to: format_instant(to, state.zone),
        points: points
            .into_iter()
            .map(|p| PointView {
                time: format_instant(p.time, state.zone),
                value: p.value,
            })
            .collect(),
    }))
}

/// Returns the batch when it lies within the caller's scope; otherwise answers 404, so that
/// the existence of other agencies' batches does not leak.
async fn visible_batch(state: &AppState, principal: &Principal, batch_id: &str) -> Result<BatchRecord, ApiError> {
    let not_found = || ApiError::not_found("BATCH_NOT_FOUND", "what-batch", batch_id);
    let record = state.store.batch(batch_id).await?.ok_or_else(not_found)?;
    // Senders always see their own batches; others need a grant that covers the source.
    let own = record.api_key_id.as_deref() == Some(principal.actor().as_str());
    let scope = source_scope(state, record.source_key.as_deref()).await?;
    if !own && !covers_record(state, principal, Action::ReadBatches, &scope).await? {
        return Err(not_found());
    }
    Ok(record)
}

fn parse_content_type(value: &str) -> (String, Option<String>) {
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        (name.trim().eq_ignore_ascii_case("charset")).then(|| value.trim().trim_matches('"').to_owned())
    });
    (media, charset)
}

fn ingest_error(error: IngestError) -> ApiError {
    match error {
        IngestError::Input(input) => ApiError::invalid_input(input.to_string()),
        IngestError::Store(store) => ApiError::internal(store),
    }
}

/// Renders a stored rejection reason in `lang`.
pub fn reason_message(lang: Lang, code: &str, params: &serde_json::Value) -> String {
    let id = format!("reject-{}", code.to_ascii_lowercase().replace('_', "-"));
    let unbounded = message(lang, "unbounded", &[]);
    let args: Vec<(&str, String)> = ["field", "value", "series", "detail", "min", "max"]
        .into_iter()
        .map(|name| {
            let text = match params.get(name) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ if name == "min" || name == "max" => unbounded.clone(),
                _ => String::new(),
            };
            (name, text)
        })
        .collect();
    message(lang, &id, &args)
}

fn view_of_rejected(lang: Lang, row: RejectedRow) -> RejectedView {
    RejectedView {
        row: row.row,
        message: reason_message(lang, &row.reason_code, &row.params),
        code: row.reason_code,
        raw: row.raw,
    }
}

fn rejected_csv(batch_id: &str, rows: &[RejectedView]) -> Result<impl IntoResponse + use<>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["row", "code", "message", "raw"])
        .map_err(ApiError::internal)?;
    for row in rows {
        writer
            .write_record([row.row.to_string().as_str(), &row.code, &row.message, &row.raw])
            .map_err(ApiError::internal)?;
    }
    let bytes = writer.into_inner().map_err(|e| ApiError::internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"rejected-{batch_id}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}
