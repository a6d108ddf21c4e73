//! Validation of raw rows and chunked writing into the store.

use std::collections::HashMap;

use chrono_tz::Tz;
use haidang_core::RejectReason;
use haidang_core::audit::AuditEvent;
use haidang_core::plan::IncomingObservation;
use haidang_core::series::{SeriesLimits, parse_value};
use haidang_core::time::{parse_timestamp, parse_with_format};
use haidang_store::{BatchCounts, NewBatch, NewRejectedRow, SeriesDefinition, Store, StoreError};

use crate::{InputError, RawRow, RawValue};

/// Rows written per transaction. Large enough to amortise the commit, small enough to
/// keep memory flat for files of any size.
pub const CHUNK_ROWS: usize = 50_000;

/// Error that stops a batch. Rows of earlier chunks stay stored and counted.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How the rows of one batch are read and attributed.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub source_key: Option<String>,
    /// `csv`, `json` or `mapped-csv`.
    pub format: String,
    pub file_name: Option<String>,
    pub api_key_id: Option<String>,
    /// Zone of naive local times.
    pub zone: Tz,
    /// `strftime` format of the time column; ISO 8601 forms when `None`.
    pub time_format: Option<String>,
}

/// Creates series that a mapped file names but that are not defined yet.
pub trait SeriesFactory: Send + Sync {
    /// Returns the definition for `key`, or `None` to reject its rows as unknown.
    fn define(&self, key: &str, row: &RawRow) -> Option<SeriesDefinition>;
}

#[derive(Debug, Clone, Copy)]
struct KnownSeries {
    id: i64,
    min: Option<f64>,
    max: Option<f64>,
}

/// Valid rows, rejected rows and the time at which the chunk was prepared.
type PreparedChunk = (Vec<IncomingObservation>, Vec<NewRejectedRow>, i64);

/// A chunk being written by a task of its own.
struct PendingWrite(tokio::task::JoinHandle<Result<BatchCounts, StoreError>>);

impl PendingWrite {
    async fn finish(self) -> Result<BatchCounts, IngestError> {
        match self.0.await {
            Ok(result) => Ok(result?),
            Err(error) => Err(StoreError::Worker(error.to_string()).into()),
        }
    }
}

/// The outcome of a finished batch.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BatchSummary {
    pub batch_id: String,
    #[serde(flatten)]
    pub counts: BatchCounts,
}

/// Validates and stores the rows of one batch.
pub struct Ingestor<'a> {
    store: &'a Store,
    options: BatchOptions,
    batch_id: String,
    series: HashMap<String, Option<KnownSeries>>,
    factory: Option<&'a dyn SeriesFactory>,
    /// Sources whose series the batch may write; `None` allows every source. Series of other
    /// sources are rejected as unknown, so their existence does not leak.
    allowed_sources: Option<std::collections::HashSet<String>>,
    counts: BatchCounts,
}

impl<'a> Ingestor<'a> {
    /// Opens a batch in the store.
    pub async fn begin(store: &'a Store, options: BatchOptions, now: i64) -> Result<Self, IngestError> {
        Self::begin_with(store, options, now, None).await
    }

    /// Opens a batch and appends `audit` to the audit trail in the same transaction.
    pub async fn begin_audited(
        store: &'a Store,
        options: BatchOptions,
        now: i64,
        audit: AuditEvent,
    ) -> Result<Self, IngestError> {
        Self::begin_with(store, options, now, Some(audit)).await
    }

    async fn begin_with(
        store: &'a Store,
        options: BatchOptions,
        now: i64,
        audit: Option<AuditEvent>,
    ) -> Result<Self, IngestError> {
        let batch_id = uuid::Uuid::now_v7().to_string();
        let batch = NewBatch {
            id: batch_id.clone(),
            source_key: options.source_key.clone(),
            format: options.format.clone(),
            file_name: options.file_name.clone(),
            api_key_id: options.api_key_id.clone(),
            received_at: now,
        };
        match audit {
            Some(mut event) => {
                event.object = Some(format!("batch:{batch_id}"));
                store.begin_batch_audited(batch, event).await?;
            }
            None => store.begin_batch(batch).await?,
        }
        Ok(Self {
            store,
            options,
            batch_id,
            series: HashMap::new(),
            factory: None,
            allowed_sources: None,
            counts: BatchCounts::default(),
        })
    }

    /// Limits the batch to series of `sources`; `None` lifts the limit.
    pub fn with_allowed_sources(mut self, sources: Option<std::collections::HashSet<String>>) -> Self {
        self.allowed_sources = sources;
        self
    }

    /// Lets the batch define series that its rows name but the store lacks.
    pub fn with_series_factory(mut self, factory: &'a dyn SeriesFactory) -> Self {
        self.factory = Some(factory);
        self
    }

    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// Returns the counts of the rows written so far.
    pub fn counts(&self) -> BatchCounts {
        self.counts
    }

    /// Validates and writes all rows, one chunk per transaction. `now` is read once per chunk.
    ///
    /// While one chunk is written, the next is read and validated, so decoding overlaps the
    /// store's work. Chunks are still written one after another and in order, because each
    /// chunk is classified against what the chunks before it stored.
    pub async fn push_all<I>(&mut self, rows: I, now: &(dyn Fn() -> i64 + Sync)) -> Result<(), IngestError>
    where
        I: IntoIterator<Item = Result<RawRow, InputError>>,
    {
        let mut rows = rows.into_iter();
        let mut pending: Option<PendingWrite> = None;
        loop {
            let mut chunk = Vec::with_capacity(CHUNK_ROWS.min(4096));
            let mut read_error = None;
            for row in rows.by_ref() {
                match row {
                    Ok(row) => chunk.push(row),
                    Err(error) => {
                        read_error = Some(error);
                        break;
                    }
                }
                if chunk.len() >= CHUNK_ROWS {
                    break;
                }
            }
            let last = chunk.len() < CHUNK_ROWS;
            let prepared = if chunk.is_empty() {
                None
            } else {
                Some(self.prepare_chunk(chunk, now()).await)
            };
            if let Some(write) = pending.take() {
                self.counts.add(write.finish().await?);
            }
            if let Some(error) = read_error {
                return Err(error.into());
            }
            if let Some(prepared) = prepared {
                let (valid, rejected, at) = prepared?;
                let store = self.store.clone();
                let batch_id = self.batch_id.clone();
                pending = Some(PendingWrite(tokio::spawn(async move {
                    store.write_chunk(&batch_id, valid, rejected, at).await
                })));
            }
            if last {
                break;
            }
        }
        if let Some(write) = pending {
            self.counts.add(write.finish().await?);
        }
        Ok(())
    }

    /// Marks the batch complete and returns its counts.
    pub async fn finish(self, now: i64) -> Result<BatchSummary, IngestError> {
        self.store.finish_batch(&self.batch_id, now).await?;
        Ok(BatchSummary {
            batch_id: self.batch_id,
            counts: self.counts,
        })
    }

    /// Resolves and validates one chunk; returns its valid rows, its rejected rows and `now`.
    async fn prepare_chunk(&mut self, chunk: Vec<RawRow>, now: i64) -> Result<PreparedChunk, IngestError> {
        self.resolve_series(&chunk, now).await?;
        let mut valid = Vec::with_capacity(chunk.len());
        let mut rejected = Vec::new();
        for row in chunk {
            match self.validate(&row) {
                Ok(observation) => valid.push(observation),
                Err(reason) => rejected.push(NewRejectedRow {
                    row: row.row,
                    reason,
                    raw: row.raw.render(),
                }),
            }
        }
        Ok((valid, rejected, now))
    }

    async fn resolve_series(&mut self, chunk: &[RawRow], now: i64) -> Result<(), IngestError> {
        // First row of the chunk that names each series not yet resolved, in row order.
        let mut first_rows: HashMap<&str, &RawRow> = HashMap::new();
        let mut missing: Vec<String> = Vec::new();
        for row in chunk {
            if !row.series.is_empty()
                && !self.series.contains_key(&row.series)
                && !first_rows.contains_key(row.series.as_str())
            {
                first_rows.insert(row.series.as_str(), row);
                missing.push(row.series.clone());
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let found = self.store.series_by_keys(missing.clone()).await?;
        for key in missing {
            let known = match found.get(&key) {
                Some(record) if !self.source_allowed(record.definition.source_key.as_deref()) => None,
                Some(record) => Some(KnownSeries {
                    id: record.id,
                    min: record.definition.min,
                    max: record.definition.max,
                }),
                None => match first_rows.get(key.as_str()) {
                    Some(row) => self.define_series(&key, row, now).await?,
                    None => None,
                },
            };
            self.series.insert(key, known);
        }
        Ok(())
    }

    fn source_allowed(&self, source: Option<&str>) -> bool {
        match &self.allowed_sources {
            None => true,
            Some(allowed) => source.is_some_and(|s| allowed.contains(s)),
        }
    }

    async fn define_series(&self, key: &str, row: &RawRow, now: i64) -> Result<Option<KnownSeries>, IngestError> {
        let Some(factory) = self.factory else { return Ok(None) };
        let Some(definition) = factory.define(key, row) else {
            return Ok(None);
        };
        let (record, _) = self.store.upsert_series(definition, now).await?;
        Ok(Some(KnownSeries {
            id: record.id,
            min: record.definition.min,
            max: record.definition.max,
        }))
    }

    fn validate(&self, row: &RawRow) -> Result<IncomingObservation, RejectReason> {
        let text = match &row.value {
            RawValue::Malformed(detail) => return Err(RejectReason::MalformedRow { detail: detail.clone() }),
            RawValue::Missing => None,
            RawValue::MarkedMissing { field, value } => {
                return Err(RejectReason::MissingValue {
                    field: field.clone(),
                    value: value.clone(),
                });
            }
            RawValue::Text(text) => Some(text.as_str()),
            RawValue::Number(_) => None,
        };
        for (field, present) in [("series", !row.series.is_empty()), ("time", !row.time.is_empty())] {
            if !present {
                return Err(RejectReason::MissingField {
                    field: field.to_owned(),
                });
            }
        }
        if matches!(row.value, RawValue::Missing) {
            return Err(RejectReason::MissingField {
                field: "value".to_owned(),
            });
        }
        let Some(Some(series)) = self.series.get(&row.series) else {
            return Err(RejectReason::UnknownSeries {
                series: row.series.clone(),
            });
        };
        let time = match &self.options.time_format {
            Some(format) => parse_with_format(&row.time, format, self.options.zone),
            None => parse_timestamp(&row.time, self.options.zone),
        }
        .map_err(|e| RejectReason::InvalidTime { value: e.0 })?;
        let value = match (&row.value, text) {
            (RawValue::Number(number), _) => *number,
            (_, Some(text)) => parse_value(text, "value")?,
            _ => {
                return Err(RejectReason::MissingField {
                    field: "value".to_owned(),
                });
            }
        };
        SeriesLimits {
            min: series.min,
            max: series.max,
        }
        .check(value)?;
        Ok(IncomingObservation {
            series_id: series.id,
            time,
            value,
            row: row.row,
        })
    }
}
