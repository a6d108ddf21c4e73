//! Connectors: their definitions, live status and checkpoints, and the dead-letter view of
//! rejected rows per source with their resolution after a corrected resubmission.

use serde::Serialize;

use crate::{BatchCounts, RejectedRow, Store, StoreError};

/// A connector as stored: its kind, owning source and definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectorRecord {
    pub key: String,
    /// `mqtt`, `pull`, `ngsi-ld` or `file`.
    pub kind: String,
    pub source_key: String,
    /// The definition as sent, without the key.
    pub definition: serde_json::Value,
    pub enabled: bool,
    /// `api` when defined through the API, `config` when read from the configuration file.
    pub origin: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Counts of what a connector received and how its values were classified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConnectorCounts {
    /// Messages, records or rows received, before mapping.
    pub received: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
}

/// The last known status of a connector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectorStatusRecord {
    pub connector_key: String,
    /// `starting`, `running`, `failing` or `stopped`.
    pub state: String,
    pub state_since: i64,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub lag_ms: Option<i64>,
    pub counts: ConnectorCounts,
    pub updated_at: i64,
}

/// A change to a connector's status: fields left `None` keep their stored value, and the
/// counts are added to the stored ones, so that several writers can report at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectorStatusUpdate {
    pub state: Option<String>,
    pub state_since: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub lag_ms: Option<i64>,
    pub received: u64,
    pub counts: BatchCounts,
}

/// Where a pull connector stands: its incremental cursor, the validators of the last
/// response, and the last schedule slot it ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConnectorCheckpoint {
    pub connector_key: String,
    pub cursor: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_slot: Option<i64>,
    pub updated_at: i64,
}

/// Which rejected rows of a source to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectedFilter {
    /// Not yet corrected.
    Open,
    /// Corrected by a later batch.
    Resolved,
    All,
}

/// A rejected row of one of a source's batches, with its resolution if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRejectedRow {
    pub batch_id: String,
    pub format: String,
    pub file_name: Option<String>,
    pub received_at: i64,
    pub rejected: RejectedRow,
    pub resolved_by_batch: Option<String>,
    pub resolved_at: Option<i64>,
}

/// The resolution of one rejected row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowResolution {
    pub row: i64,
    pub resolved_by_batch: String,
    pub resolved_at: i64,
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            Store::Sqlite($store) => $call,
            Store::Postgres($store) => $call,
        }
    };
}

impl Store {
    /// Creates or replaces a connector; returns whether it was created. The creation time
    /// of an existing connector is kept.
    pub async fn upsert_connector(&self, record: ConnectorRecord) -> Result<bool, StoreError> {
        dispatch!(self, s => s.upsert_connector(record).await)
    }

    pub async fn connectors(&self) -> Result<Vec<ConnectorRecord>, StoreError> {
        dispatch!(self, s => s.connectors().await)
    }

    pub async fn connector(&self, key: &str) -> Result<Option<ConnectorRecord>, StoreError> {
        dispatch!(self, s => s.connector(key.to_owned()).await)
    }

    /// Deletes a connector with its status and checkpoint; returns whether it existed.
    pub async fn delete_connector(&self, key: &str) -> Result<bool, StoreError> {
        dispatch!(self, s => s.delete_connector(key.to_owned()).await)
    }

    pub async fn connector_statuses(&self) -> Result<Vec<ConnectorStatusRecord>, StoreError> {
        dispatch!(self, s => s.connector_statuses().await)
    }

    /// Applies `update` to the status of `key`. Does nothing when the connector no longer
    /// exists, so that a connector being deleted leaves no status behind.
    pub async fn update_connector_status(
        &self,
        key: &str,
        update: ConnectorStatusUpdate,
        now: i64,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.update_connector_status(key.to_owned(), update, now).await)
    }

    pub async fn connector_checkpoint(&self, key: &str) -> Result<Option<ConnectorCheckpoint>, StoreError> {
        dispatch!(self, s => s.connector_checkpoint(key.to_owned()).await)
    }

    pub async fn save_connector_checkpoint(&self, checkpoint: ConnectorCheckpoint) -> Result<(), StoreError> {
        dispatch!(self, s => s.save_connector_checkpoint(checkpoint).await)
    }

    /// Lists the rejected rows of the batches of `source_key`, newest batch first, at most
    /// `limit` rows.
    pub async fn source_rejected_rows(
        &self,
        source_key: &str,
        filter: RejectedFilter,
        limit: i64,
    ) -> Result<Vec<SourceRejectedRow>, StoreError> {
        dispatch!(self, s => s.source_rejected_rows(source_key.to_owned(), filter, limit).await)
    }

    /// Marks rejected rows of `batch_id` as corrected by `resolved_by_batch`. Rows already
    /// resolved keep their first resolution. Returns how many rows were newly resolved.
    pub async fn resolve_rejected_rows(
        &self,
        batch_id: &str,
        rows: Vec<i64>,
        resolved_by_batch: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        dispatch!(self, s => s.resolve_rejected_rows(batch_id.to_owned(), rows, resolved_by_batch.to_owned(), now).await)
    }

    /// Returns the resolutions of the rejected rows of `batch_id`.
    pub async fn row_resolutions(&self, batch_id: &str) -> Result<Vec<RowResolution>, StoreError> {
        dispatch!(self, s => s.row_resolutions(batch_id.to_owned()).await)
    }
}
