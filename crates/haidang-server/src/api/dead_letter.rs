//! The dead-letter view and file uploads: rejected rows of every batch of a source, their
//! resubmission after correction, and spreadsheet or CSV uploads through a stored mapping.
//!
//! Nothing is deleted: a resubmission is a new batch, and the rejected rows it corrects
//! are marked resolved with a link to it.

use std::collections::{BTreeSet, HashMap, HashSet};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use haidang_connectors::definition::Connector;
use haidang_connectors::file::{FileError, FileKind, import};
use haidang_connectors::{ConnectorSpec, Identity, Kind, Sink};
use haidang_core::access::Action;
use haidang_core::audit::Outcome;
use haidang_core::time::format_instant;
use haidang_ingest::pipeline::{BatchOptions, IngestError, Ingestor};
use haidang_ingest::{InputError, RawRow, RawText, RawValue};
use haidang_store::{BatchCounts, RejectedFilter};
use serde::Serialize;
use serde_json::json;

use crate::api::observations::reason_message;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::identity::scope::{covers_record, source_scope, writable_sources};
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

/// A rejected row of one of a source's batches.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceRejectedView {
    pub batch_id: String,
    /// Format of the batch, such as `mqtt`, `pull`, `ngsi-ld`, `xlsx` or `csv`.
    pub format: String,
    pub file_name: Option<String>,
    pub received_at: String,
    /// Row or message number within the batch (for spreadsheets, the sheet's row number).
    pub row: i64,
    pub code: String,
    /// The reason in the caller's language.
    pub message: String,
    /// The row or message as received.
    pub raw: String,
    pub resolved: bool,
    /// The batch that corrected it.
    pub resolved_by_batch: Option<String>,
    pub resolved_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceRejectedList {
    pub source: String,
    pub rejected: Vec<SourceRejectedView>,
}

/// Lists the rejected rows of a source's batches, newest batch first; `?format=csv` (or
/// `Accept: text/csv`) downloads them as CSV.
#[utoipa::path(get, path = "/api/v1/sources/{key}/rejected", tag = "observations",
    params(("key" = String, Path, description = "Source key"),
        ("status" = Option<String>, Query, description = "open (default), resolved or all"),
        ("limit" = Option<i64>, Query, description = "Most rows returned, 1 to 100000 (default 1000)"),
        ("format" = Option<String>, Query, description = "json (default) or csv")),
    responses((status = 200, body = SourceRejectedList), (status = 400), (status = 404)),
    security(("api_key" = [])))]
pub async fn source_rejected(
    State(state): State<AppState>,
    principal: Principal,
    Path(key): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("SOURCE_NOT_FOUND", "what-source", &key);
    if !state.store.source_statuses().await?.iter().any(|s| s.source.key == key) {
        return Err(not_found());
    }
    let scope = source_scope(&state, Some(&key)).await?;
    if !covers_record(&state, &principal, Action::ReadBatches, &scope).await? {
        return Err(not_found());
    }
    let filter = match query.get("status").map(String::as_str) {
        None | Some("open") => RejectedFilter::Open,
        Some("resolved") => RejectedFilter::Resolved,
        Some("all") => RejectedFilter::All,
        Some(other) => return Err(ApiError::invalid_parameter("status", other, "open, resolved or all")),
    };
    let limit = match query.get("limit") {
        None => 1000,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| ApiError::invalid_parameter("limit", text, "a whole number from 1 to 100000"))?,
    };
    let accepts_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    let wants_csv = match query.get("format").map(String::as_str) {
        Some("csv") => true,
        Some("json") | None => accepts_csv,
        Some(other) => return Err(ApiError::invalid_parameter("format", other, "json or csv")),
    };
    let lang = Lang::from_headers(&headers);
    let zone = state.zone;
    let rows: Vec<SourceRejectedView> = state
        .store
        .source_rejected_rows(&key, filter, limit)
        .await?
        .into_iter()
        .map(|r| SourceRejectedView {
            message: reason_message(lang, &r.rejected.reason_code, &r.rejected.params),
            batch_id: r.batch_id,
            format: r.format,
            file_name: r.file_name,
            received_at: format_instant(r.received_at, zone),
            row: r.rejected.row,
            code: r.rejected.reason_code,
            raw: r.rejected.raw,
            resolved: r.resolved_by_batch.is_some(),
            resolved_by_batch: r.resolved_by_batch,
            resolved_at: r.resolved_at.map(|t| format_instant(t, zone)),
        })
        .collect();
    if wants_csv {
        return Ok(rejected_csv(&key, &rows)?.into_response());
    }
    Ok(Json(SourceRejectedList {
        source: key,
        rejected: rows,
    })
    .into_response())
}

fn rejected_csv(source: &str, rows: &[SourceRejectedView]) -> Result<impl IntoResponse + use<>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "batch_id",
            "row",
            "code",
            "message",
            "raw",
            "received_at",
            "resolved_by_batch",
        ])
        .map_err(ApiError::internal)?;
    for row in rows {
        writer
            .write_record([
                row.batch_id.as_str(),
                &row.row.to_string(),
                &row.code,
                &row.message,
                &row.raw,
                &row.received_at,
                row.resolved_by_batch.as_deref().unwrap_or_default(),
            ])
            .map_err(ApiError::internal)?;
    }
    let bytes = writer.into_inner().map_err(|e| ApiError::internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"rejected-{source}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}

/// Outcome of a resubmission.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResubmitReport {
    /// The new batch.
    pub batch_id: String,
    /// The batch whose rejected rows were corrected.
    pub resubmitted_from: String,
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
    /// Original rows now resolved.
    pub resolved_rows: Vec<i64>,
    /// Original rows whose correction was rejected again; they stay open.
    pub still_rejected_rows: Vec<i64>,
}

/// Resubmits corrected rows of a batch: canonical CSV with the header
/// `row,series,time,value`, where `row` is the number of the rejected row being corrected.
/// The rows form a new batch; each original row whose corrections were all stored is
/// marked resolved with a link to it.
#[utoipa::path(post, path = "/api/v1/batches/{batch_id}/resubmit", tag = "observations",
    params(("batch_id" = String, Path)),
    request_body(content = String, description = "CSV with the header row,series,time,value", content_type = "text/csv"),
    responses((status = 200, body = ResubmitReport), (status = 400), (status = 401), (status = 404), (status = 415),
        (status = 422)),
    security(("api_key" = [])))]
pub async fn resubmit(
    State(state): State<AppState>,
    caller: ApiCaller,
    address: ClientAddress,
    Path(batch_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ResubmitReport>, ApiError> {
    let not_found = || ApiError::not_found("BATCH_NOT_FOUND", "what-batch", &batch_id);
    let batch = state.store.batch(&batch_id).await?.ok_or_else(not_found)?;
    let allowed = writable_sources(&state, &caller.principal, Action::PushObservations).await?;
    if let Some(allowed) = &allowed
        && !batch.source_key.as_ref().is_some_and(|s| allowed.contains(s))
    {
        return Err(not_found());
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media != "text/csv" {
        return Err(ApiError::unsupported_media_type(&media));
    }
    let rows = corrected_rows(&body)?;
    let resolved_before: HashSet<i64> = state
        .store
        .row_resolutions(&batch_id)
        .await?
        .into_iter()
        .map(|r| r.row)
        .collect();
    let open: HashSet<i64> = state
        .store
        .rejected_rows(&batch_id)
        .await?
        .into_iter()
        .map(|r| r.row)
        .filter(|row| !resolved_before.contains(row))
        .collect();
    if let Some(row) = rows.iter().find(|r| !open.contains(&r.row)) {
        return Err(ApiError::with_message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ROW_NOT_OPEN",
            "error-resubmit-row",
            vec![("row", row.row.to_string()), ("batch", batch_id.clone())],
        ));
    }
    let referenced: BTreeSet<i64> = rows.iter().map(|r| r.row).collect();
    let options = BatchOptions {
        source_key: batch.source_key.clone(),
        format: "resubmit".to_owned(),
        file_name: Some(format!("resubmit:{batch_id}")),
        api_key_id: Some(caller.key_id.clone()),
        zone: state.zone,
        time_format: None,
    };
    let audit = caller.principal.audit(
        &state,
        "batches.resubmit",
        Action::PushObservations,
        Some(format!("batch:{batch_id}")),
        Outcome::Success,
        &address,
        json!({ "rows": rows.len() }),
    );
    let clock = state.clock.clone();
    let now = move || clock.now_ms();
    let mut ingestor = Ingestor::begin_audited(&state.store, options, state.now(), audit)
        .await
        .map_err(ingest_error)?
        .with_allowed_sources(allowed);
    ingestor
        .push_all(rows.into_iter().map(Ok), &now)
        .await
        .map_err(ingest_error)?;
    let summary = ingestor.finish(state.now()).await.map_err(ingest_error)?;
    let still: BTreeSet<i64> = state
        .store
        .rejected_rows(&summary.batch_id)
        .await?
        .into_iter()
        .map(|r| r.row)
        .collect();
    let resolved: Vec<i64> = referenced.difference(&still).copied().collect();
    state
        .store
        .resolve_rejected_rows(&batch_id, resolved.clone(), &summary.batch_id, state.now())
        .await?;
    crate::metrics::record_batch("resubmit", &summary.counts);
    tracing::info!(batch = %summary.batch_id, from = %batch_id, resolved = resolved.len(), still = still.len(),
        "rejected rows resubmitted");
    Ok(Json(ResubmitReport {
        batch_id: summary.batch_id,
        resubmitted_from: batch_id,
        accepted: summary.counts.accepted,
        duplicates: summary.counts.duplicates,
        conflicts: summary.counts.conflicts,
        rejected: summary.counts.rejected,
        resolved_rows: resolved,
        still_rejected_rows: still.into_iter().collect(),
    }))
}

/// Reads the corrected rows; each keeps the number of the row it corrects.
fn corrected_rows(body: &[u8]) -> Result<Vec<RawRow>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::invalid_input(e.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                ApiError::invalid_input(
                    InputError::MissingColumn {
                        column: name.to_owned(),
                        expected: "row,series,time,value".to_owned(),
                    }
                    .to_string(),
                )
            })
    };
    let [row_at, series_at, time_at, value_at] = [column("row")?, column("series")?, column("time")?, column("value")?];
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ApiError::invalid_input(e.to_string()))?;
        let field = |index: usize| record.get(index).unwrap_or_default().to_owned();
        let row_text = field(row_at);
        let row = row_text.parse::<i64>().ok().filter(|r| *r > 0).ok_or_else(|| {
            ApiError::invalid_parameter(
                &format!("row (line {})", line + 2),
                &row_text,
                "the number of the rejected row",
            )
        })?;
        let value = field(value_at);
        rows.push(RawRow {
            row,
            series: field(series_at),
            time: field(time_at),
            value: if value.is_empty() {
                RawValue::Missing
            } else {
                RawValue::Text(value)
            },
            raw: RawText::Record(record),
        });
    }
    if rows.is_empty() {
        return Err(ApiError::invalid_input("the body has no rows"));
    }
    Ok(rows)
}

fn ingest_error(error: IngestError) -> ApiError {
    match error {
        IngestError::Input(input) => ApiError::invalid_input(input.to_string()),
        IngestError::Store(store) => ApiError::internal(store),
    }
}

/// One batch of an uploaded file: the file, or one sheet of a workbook.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileBatch {
    pub sheet: Option<String>,
    pub batch_id: String,
    pub rows: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileReport {
    pub connector: String,
    pub batches: Vec<FileBatch>,
}

/// Uploads a CSV, XLSX or ODS file (the raw body) through the mapping of one of the
/// source's `file` connectors. The kind comes from `name`'s extension, else from the
/// content type. A workbook gives one batch per sheet read.
#[utoipa::path(post, path = "/api/v1/sources/{key}/files", tag = "observations",
    params(("key" = String, Path, description = "Source key"),
        ("connector" = Option<String>, Query, description = "The file connector; optional when the source has one"),
        ("name" = Option<String>, Query, description = "File name, such as bao-cao.xlsx")),
    request_body(content = Vec<u8>, description = "The file", content_type = "application/octet-stream"),
    responses((status = 200, body = FileReport), (status = 400), (status = 401), (status = 404), (status = 415),
        (status = 422)),
    security(("api_key" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    caller: ApiCaller,
    address: ClientAddress,
    Path(key): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<FileReport>, ApiError> {
    let allowed = writable_sources(&state, &caller.principal, Action::PushObservations).await?;
    let exists = state.store.source_statuses().await?.iter().any(|s| s.source.key == key);
    if !exists || allowed.as_ref().is_some_and(|a| !a.contains(&key)) {
        return Err(ApiError::not_found("SOURCE_NOT_FOUND", "what-source", &key));
    }
    let candidates: Vec<_> = state
        .store
        .connectors()
        .await?
        .into_iter()
        .filter(|c| c.kind == Kind::File.as_str() && c.enabled && c.source_key == key)
        .collect();
    let record = match query.get("connector") {
        Some(name) => candidates
            .into_iter()
            .find(|c| &c.key == name)
            .ok_or_else(|| ApiError::reference_not_found("connector", name))?,
        None => {
            let mut candidates = candidates;
            if candidates.len() != 1 {
                return Err(ApiError::with_message(
                    StatusCode::BAD_REQUEST,
                    "CONNECTOR_REQUIRED",
                    "error-file-connector-required",
                    vec![("source", key.clone()), ("count", candidates.len().to_string())],
                ));
            }
            candidates.remove(0)
        }
    };
    let spec = ConnectorSpec::from_json(&record.definition).map_err(|e| ApiError::internal(e.to_string()))?;
    let connector = match spec.build(&record.key) {
        Ok(Connector::File(connector)) => connector,
        Ok(_) => return Err(ApiError::internal("a file connector built as another kind")),
        Err(error) => return Err(crate::api::connectors::setting_error(&error)),
    };
    let name = query.get("name").cloned();
    let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let kind = FileKind::detect(name.as_deref(), media)
        .ok_or_else(|| ApiError::unsupported_media_type(media.unwrap_or_default()))?;
    let options = BatchOptions {
        source_key: Some(key.clone()),
        format: kind.as_str().to_owned(),
        file_name: name.clone(),
        api_key_id: Some(caller.key_id.clone()),
        zone: state.zone,
        time_format: None,
    };
    let clock = state.clock.clone();
    let now = move || clock.now_ms();
    let summaries = import(
        &state.store,
        kind,
        &body,
        &connector.mapping,
        &connector.sheet,
        options,
        allowed,
        &now,
    )
    .await
    .map_err(|e| match e {
        FileError::Ingest(IngestError::Store(store)) => ApiError::internal(store),
        other => ApiError::invalid_input(other.to_string()),
    })?;
    let event = caller.principal.audit(
        &state,
        "sources.upload",
        Action::PushObservations,
        Some(format!("source:{key}")),
        Outcome::Success,
        &address,
        json!({ "connector": record.key, "file": name, "batches": summaries.len() }),
    );
    state.store.append_audit(event).await?;
    let clock = state.clock.clone();
    let sink = Sink::attached(
        state.store.clone(),
        Identity {
            key: record.key.clone(),
            kind: Kind::File,
            source: key.clone(),
        },
        std::sync::Arc::new(move || clock.now_ms()),
    );
    let mut total = BatchCounts::default();
    let mut rows = 0;
    for summary in &summaries {
        total.add(summary.summary.counts);
        rows += summary.rows;
        crate::metrics::record_batch(kind.as_str(), &summary.summary.counts);
    }
    sink.record_success(rows, total, None).await;
    sink.flush_status().await;
    tracing::info!(source = %key, connector = %record.key, file = ?name, accepted = total.accepted,
        rejected = total.rejected, "file imported");
    Ok(Json(FileReport {
        connector: record.key,
        batches: summaries
            .into_iter()
            .map(|s| FileBatch {
                sheet: s.sheet,
                batch_id: s.summary.batch_id,
                rows: s.rows,
                accepted: s.summary.counts.accepted,
                duplicates: s.summary.counts.duplicates,
                conflicts: s.summary.counts.conflicts,
                rejected: s.summary.counts.rejected,
            })
            .collect(),
    }))
}
