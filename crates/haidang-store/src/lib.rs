//! One storage API over two backends: embedded SQLite (the default) and PostgreSQL.
//!
//! [`Store`] dispatches each operation to the backend chosen by the database URL. Both
//! backends share the data rules: the classification of a batch comes from
//! [`haidang_core::plan::plan_batch`], and rollups are maintained by the same steps
//! (merge the summaries of new values, recompute the buckets whose stored values changed).
//! SQLite is written through rusqlite on one writer connection, because statements sent
//! through an async driver one row at a time cost tens of microseconds each; PostgreSQL is
//! written through sqlx with array parameters.

pub mod cases;
pub mod connectors;
mod error;
pub mod identity;
pub mod model;
mod postgres;
mod rollups;
mod sqlite;

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use haidang_core::audit::AuditEvent;
use haidang_core::observation::{Aggregate, Step};
use haidang_core::plan::IncomingObservation;
use haidang_core::rollup::Rollup;
use haidang_core::units::{AdminUnit, Succession, UnitCatalog};

pub use connectors::*;
pub use error::StoreError;
pub use model::*;

/// A row rejected during ingestion, ready to be stored with its batch.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRejectedRow {
    pub row: i64,
    pub reason: haidang_core::RejectReason,
    pub raw: String,
}

/// The storage backend chosen by the database URL.
#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

/// Calls the same method on whichever backend the store uses.
macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            Store::Sqlite($store) => $call,
            Store::Postgres($store) => $call,
        }
    };
}
pub(crate) use dispatch;

/// Time zone applied to rollup buckets. Asia/Ho_Chi_Minh for every deployment so far.
pub const ROLLUP_ZONE: Tz = haidang_core::time::LOCAL_ZONE;

impl Store {
    /// Opens the database named by `url`: `sqlite://PATH` (the folder is created),
    /// `sqlite::memory:` is not supported because readers need their own connections,
    /// or `postgres://…`. Does not run migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() || path.starts_with(":memory:") {
                return Err(StoreError::InvalidUrl { url: url.to_owned() });
            }
            return Ok(Self::Sqlite(sqlite::SqliteStore::open(path).await?));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(postgres::PgStore::open(url).await?));
        }
        Err(StoreError::InvalidUrl { url: url.to_owned() })
    }

    /// Returns `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Applies the migrations that are not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        dispatch!(self, s => s.migrate().await)
    }

    /// Returns whether the database answers and every migration is applied.
    pub async fn is_ready(&self) -> Result<bool, StoreError> {
        dispatch!(self, s => s.is_ready().await)
    }

    pub async fn replace_units(&self, units: Vec<AdminUnit>, successions: Vec<Succession>) -> Result<(), StoreError> {
        dispatch!(self, s => s.replace_units(units, successions).await)
    }

    pub async fn unit_catalog(&self) -> Result<UnitCatalog, StoreError> {
        dispatch!(self, s => s.unit_catalog().await)
    }

    pub async fn upsert_agency(&self, agency: Agency, now: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.upsert_agency(agency, now).await)
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        dispatch!(self, s => s.agencies().await)
    }

    pub async fn upsert_source(&self, source: Source, now: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.upsert_source(source, now).await)
    }

    pub async fn upsert_entity(&self, entity: Entity) -> Result<(), StoreError> {
        dispatch!(self, s => s.upsert_entity(entity).await)
    }

    pub async fn source_statuses(&self) -> Result<Vec<SourceStatus>, StoreError> {
        dispatch!(self, s => s.source_statuses().await)
    }

    pub async fn entities(&self) -> Result<Vec<Entity>, StoreError> {
        dispatch!(self, s => s.entities().await)
    }

    /// Creates or updates a series; returns the record and whether it was created.
    pub async fn upsert_series(
        &self,
        definition: SeriesDefinition,
        now: i64,
    ) -> Result<(SeriesRecord, bool), StoreError> {
        dispatch!(self, s => s.upsert_series(definition, now, None).await)
    }

    /// Creates or updates a series and appends `audit` in the same transaction.
    pub async fn upsert_series_audited(
        &self,
        definition: SeriesDefinition,
        now: i64,
        audit: AuditEvent,
    ) -> Result<(SeriesRecord, bool), StoreError> {
        dispatch!(self, s => s.upsert_series(definition, now, Some(audit)).await)
    }

    pub async fn series(&self, key: &str) -> Result<Option<SeriesRecord>, StoreError> {
        dispatch!(self, s => s.series(key).await)
    }

    /// Returns the stored series among `keys`, by key.
    pub async fn series_by_keys(&self, keys: Vec<String>) -> Result<HashMap<String, SeriesRecord>, StoreError> {
        dispatch!(self, s => s.series_by_keys(keys).await)
    }

    /// Returns the series that measure `indicator`.
    pub async fn series_of_indicator(&self, indicator: &str) -> Result<Vec<SeriesRecord>, StoreError> {
        dispatch!(self, s => s.series_of_indicator(indicator.to_owned()).await)
    }

    /// Returns the stored rollups of a series at `step` (not raw) whose buckets start in `[from, to)`.
    pub async fn rollups(
        &self,
        series_id: i64,
        step: Step,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Rollup)>, StoreError> {
        dispatch!(self, s => s.rollups(series_id, step, from, to).await)
    }

    pub async fn series_summaries(&self) -> Result<Vec<SeriesSummary>, StoreError> {
        dispatch!(self, s => s.series_summaries().await)
    }

    pub async fn begin_batch(&self, batch: NewBatch) -> Result<(), StoreError> {
        dispatch!(self, s => s.begin_batch(batch, None).await)
    }

    /// Opens a batch and appends `audit` in the same transaction.
    pub async fn begin_batch_audited(&self, batch: NewBatch, audit: AuditEvent) -> Result<(), StoreError> {
        dispatch!(self, s => s.begin_batch(batch, Some(audit)).await)
    }

    /// Writes one chunk of a batch in one transaction: the valid rows, classified against
    /// what is stored, their rollups, and the rejected rows. Returns the chunk's counts.
    pub async fn write_chunk(
        &self,
        batch_id: &str,
        rows: Vec<IncomingObservation>,
        rejected: Vec<NewRejectedRow>,
        now: i64,
    ) -> Result<BatchCounts, StoreError> {
        dispatch!(self, s => s.write_chunk(batch_id.to_owned(), rows, rejected, now).await)
    }

    /// Returns the values of a series that later values replaced, oldest first.
    pub async fn superseded(&self, series_id: i64) -> Result<Vec<SupersededObservation>, StoreError> {
        dispatch!(self, s => s.superseded(series_id).await)
    }

    pub async fn finish_batch(&self, batch_id: &str, now: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.finish_batch(batch_id.to_owned(), now).await)
    }

    pub async fn batch(&self, batch_id: &str) -> Result<Option<BatchRecord>, StoreError> {
        dispatch!(self, s => s.batch(batch_id.to_owned()).await)
    }

    pub async fn rejected_rows(&self, batch_id: &str) -> Result<Vec<RejectedRow>, StoreError> {
        dispatch!(self, s => s.rejected_rows(batch_id.to_owned()).await)
    }

    /// Reads a series over `[from, to)`: raw values, or one point per bucket of `step`.
    pub async fn points(
        &self,
        series_id: i64,
        from: i64,
        to: i64,
        step: Step,
        aggregate: Aggregate,
    ) -> Result<Vec<Point>, StoreError> {
        dispatch!(self, s => s.points(series_id, from, to, step, aggregate).await)
    }

    pub async fn create_api_key(&self, record: ApiKeyRecord, key_hash: String) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_api_key(record, key_hash, None).await)
    }

    /// Stores a new key and appends `audit` in the same transaction.
    pub async fn create_api_key_audited(
        &self,
        record: ApiKeyRecord,
        key_hash: String,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_api_key(record, key_hash, Some(audit)).await)
    }

    /// Finds an unrevoked key by the hash of its secret and records its use at `now`.
    pub async fn use_api_key(&self, key_hash: String, now: i64) -> Result<Option<ApiKeyRecord>, StoreError> {
        dispatch!(self, s => s.use_api_key(key_hash, now).await)
    }

    /// Revokes the key named `name`; returns whether an active key was revoked.
    pub async fn revoke_api_key(&self, name: &str, now: i64) -> Result<bool, StoreError> {
        dispatch!(self, s => s.revoke_api_key(name.to_owned(), now, None).await)
    }

    /// Revokes the key named `name` and appends `audit` in the same transaction.
    pub async fn revoke_api_key_audited(&self, name: &str, now: i64, audit: AuditEvent) -> Result<bool, StoreError> {
        dispatch!(self, s => s.revoke_api_key(name.to_owned(), now, Some(audit)).await)
    }

    /// Replaces the secret of the active key named `name`; the old secret stops working at once.
    pub async fn rotate_api_key(&self, name: &str, key_hash: String, audit: AuditEvent) -> Result<bool, StoreError> {
        dispatch!(self, s => s.rotate_api_key(name.to_owned(), key_hash, audit).await)
    }

    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        dispatch!(self, s => s.api_keys().await)
    }

    pub async fn replace_boundaries(&self, boundaries: Vec<Boundary>) -> Result<(), StoreError> {
        dispatch!(self, s => s.replace_boundaries(boundaries).await)
    }

    pub async fn boundaries(&self) -> Result<Vec<Boundary>, StoreError> {
        dispatch!(self, s => s.boundaries().await)
    }

    pub async fn replace_storms(&self, storms: Vec<StormTrack>) -> Result<(), StoreError> {
        dispatch!(self, s => s.replace_storms(storms).await)
    }

    pub async fn storms(&self) -> Result<Vec<StormTrack>, StoreError> {
        dispatch!(self, s => s.storms().await)
    }
}

/// Formats a validity date for storage; an open start is stored as `0001-01-01` so that
/// it can be part of the primary key.
pub(crate) fn date_to_text(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| OPEN_START.to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

pub(crate) const OPEN_START: &str = "0001-01-01";

pub(crate) fn text_to_date(text: Option<&str>) -> Option<NaiveDate> {
    text.filter(|t| *t != OPEN_START)
        .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
}
