//! SQLite side of connectors and the dead-letter view.

use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use crate::connectors::{
    ConnectorCheckpoint, ConnectorCounts, ConnectorRecord, ConnectorStatusRecord, ConnectorStatusUpdate,
    RejectedFilter, RowResolution, SourceRejectedRow,
};
use crate::{RejectedRow, StoreError};

const CONNECTOR_COLUMNS: &str = "key, kind, source_key, definition, enabled, origin, created_at, updated_at";

fn connector_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConnectorRecord> {
    let definition: String = r.get(3)?;
    Ok(ConnectorRecord {
        key: r.get(0)?,
        kind: r.get(1)?,
        source_key: r.get(2)?,
        definition: serde_json::from_str(&definition).unwrap_or(serde_json::Value::Null),
        enabled: r.get(4)?,
        origin: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

impl SqliteStore {
    pub async fn upsert_connector(&self, c: ConnectorRecord) -> Result<bool, StoreError> {
        self.write(move |tx| {
            let existed: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM connectors WHERE key = ?1)",
                [&c.key],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO connectors (key, kind, source_key, definition, enabled, origin, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, source_key = excluded.source_key,
                     definition = excluded.definition, enabled = excluded.enabled, origin = excluded.origin,
                     updated_at = excluded.updated_at",
                params![
                    c.key,
                    c.kind,
                    c.source_key,
                    c.definition.to_string(),
                    c.enabled,
                    c.origin,
                    c.created_at,
                    c.updated_at
                ],
            )?;
            Ok(!existed)
        })
        .await
    }

    pub async fn connectors(&self) -> Result<Vec<ConnectorRecord>, StoreError> {
        self.read(|c| {
            let sql = format!("SELECT {CONNECTOR_COLUMNS} FROM connectors ORDER BY key");
            let mut statement = c.prepare(&sql)?;
            let rows = statement
                .query_map([], connector_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn connector(&self, key: String) -> Result<Option<ConnectorRecord>, StoreError> {
        self.read(move |c| {
            let sql = format!("SELECT {CONNECTOR_COLUMNS} FROM connectors WHERE key = ?1");
            Ok(c.query_row(&sql, [&key], connector_from_row).optional()?)
        })
        .await
    }

    pub async fn delete_connector(&self, key: String) -> Result<bool, StoreError> {
        self.write(move |tx| {
            tx.execute("DELETE FROM connector_status WHERE connector_key = ?1", [&key])?;
            tx.execute("DELETE FROM connector_checkpoints WHERE connector_key = ?1", [&key])?;
            Ok(tx.execute("DELETE FROM connectors WHERE key = ?1", [&key])? > 0)
        })
        .await
    }

    pub async fn connector_statuses(&self) -> Result<Vec<ConnectorStatusRecord>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(
                "SELECT connector_key, state, state_since, last_success_at, last_error, last_error_at, lag_ms,
                     received, accepted, duplicates, conflicts, rejected, updated_at
                 FROM connector_status ORDER BY connector_key",
            )?;
            let rows = statement
                .query_map([], |r| {
                    Ok(ConnectorStatusRecord {
                        connector_key: r.get(0)?,
                        state: r.get(1)?,
                        state_since: r.get(2)?,
                        last_success_at: r.get(3)?,
                        last_error: r.get(4)?,
                        last_error_at: r.get(5)?,
                        lag_ms: r.get(6)?,
                        counts: ConnectorCounts {
                            received: r.get(7)?,
                            accepted: r.get(8)?,
                            duplicates: r.get(9)?,
                            conflicts: r.get(10)?,
                            rejected: r.get(11)?,
                        },
                        updated_at: r.get(12)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn update_connector_status(
        &self,
        key: String,
        u: ConnectorStatusUpdate,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO connector_status (connector_key, state, state_since, last_success_at, last_error,
                     last_error_at, lag_ms, received, accepted, duplicates, conflicts, rejected, updated_at)
                 SELECT ?1, COALESCE(?2, 'starting'), COALESCE(?3, ?13), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
                 WHERE EXISTS (SELECT 1 FROM connectors WHERE key = ?1)
                 ON CONFLICT (connector_key) DO UPDATE SET
                     state = COALESCE(?2, connector_status.state),
                     state_since = COALESCE(?3, connector_status.state_since),
                     last_success_at = COALESCE(?4, connector_status.last_success_at),
                     last_error = COALESCE(?5, connector_status.last_error),
                     last_error_at = COALESCE(?6, connector_status.last_error_at),
                     lag_ms = COALESCE(?7, connector_status.lag_ms),
                     received = connector_status.received + ?8,
                     accepted = connector_status.accepted + ?9,
                     duplicates = connector_status.duplicates + ?10,
                     conflicts = connector_status.conflicts + ?11,
                     rejected = connector_status.rejected + ?12,
                     updated_at = ?13",
                params![
                    key,
                    u.state,
                    u.state_since,
                    u.last_success_at,
                    u.last_error,
                    u.last_error_at,
                    u.lag_ms,
                    u.received,
                    u.counts.accepted,
                    u.counts.duplicates,
                    u.counts.conflicts,
                    u.counts.rejected,
                    now
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn connector_checkpoint(&self, key: String) -> Result<Option<ConnectorCheckpoint>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT connector_key, cursor, etag, last_modified, last_slot, updated_at
                 FROM connector_checkpoints WHERE connector_key = ?1",
                [&key],
                |r| {
                    Ok(ConnectorCheckpoint {
                        connector_key: r.get(0)?,
                        cursor: r.get(1)?,
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                        last_slot: r.get(4)?,
                        updated_at: r.get(5)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    pub async fn save_connector_checkpoint(&self, c: ConnectorCheckpoint) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO connector_checkpoints (connector_key, cursor, etag, last_modified, last_slot, updated_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM connectors WHERE key = ?1)
                 ON CONFLICT (connector_key) DO UPDATE SET cursor = excluded.cursor, etag = excluded.etag,
                     last_modified = excluded.last_modified, last_slot = excluded.last_slot,
                     updated_at = excluded.updated_at",
                params![
                    c.connector_key,
                    c.cursor,
                    c.etag,
                    c.last_modified,
                    c.last_slot,
                    c.updated_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn source_rejected_rows(
        &self,
        source_key: String,
        filter: RejectedFilter,
        limit: i64,
    ) -> Result<Vec<SourceRejectedRow>, StoreError> {
        self.read(move |c| {
            let condition = match filter {
                RejectedFilter::Open => "AND res.batch_id IS NULL",
                RejectedFilter::Resolved => "AND res.batch_id IS NOT NULL",
                RejectedFilter::All => "",
            };
            let sql = format!(
                "SELECT b.id, b.format, b.file_name, b.received_at, r.row_no, r.reason_code, r.params, r.raw,
                     res.resolved_by_batch, res.resolved_at
                 FROM batches b
                 JOIN rejected_rows r ON r.batch_id = b.id
                 LEFT JOIN rejected_resolutions res ON res.batch_id = r.batch_id AND res.row_no = r.row_no
                 WHERE b.source_key = ?1 {condition}
                 ORDER BY b.received_at DESC, b.id DESC, r.row_no
                 LIMIT ?2"
            );
            let mut statement = c.prepare(&sql)?;
            let rows = statement
                .query_map(params![source_key, limit], |r| {
                    let params: String = r.get(6)?;
                    Ok(SourceRejectedRow {
                        batch_id: r.get(0)?,
                        format: r.get(1)?,
                        file_name: r.get(2)?,
                        received_at: r.get(3)?,
                        rejected: RejectedRow {
                            row: r.get(4)?,
                            reason_code: r.get(5)?,
                            params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
                            raw: r.get(7)?,
                        },
                        resolved_by_batch: r.get(8)?,
                        resolved_at: r.get(9)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn resolve_rejected_rows(
        &self,
        batch_id: String,
        rows: Vec<i64>,
        resolved_by_batch: String,
        now: i64,
    ) -> Result<u64, StoreError> {
        self.write(move |tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO rejected_resolutions (batch_id, row_no, resolved_by_batch, resolved_at)
                 SELECT ?1, ?2, ?3, ?4 WHERE EXISTS
                     (SELECT 1 FROM rejected_rows WHERE batch_id = ?1 AND row_no = ?2)
                 ON CONFLICT (batch_id, row_no) DO NOTHING",
            )?;
            let mut resolved = 0;
            for row in rows {
                resolved += insert.execute(params![batch_id, row, resolved_by_batch, now])? as u64;
            }
            Ok(resolved)
        })
        .await
    }

    pub async fn row_resolutions(&self, batch_id: String) -> Result<Vec<RowResolution>, StoreError> {
        self.read(move |c| {
            let mut statement = c.prepare(
                "SELECT row_no, resolved_by_batch, resolved_at FROM rejected_resolutions
                 WHERE batch_id = ?1 ORDER BY row_no",
            )?;
            let rows = statement
                .query_map([&batch_id], |r| {
                    Ok(RowResolution {
                        row: r.get(0)?,
                        resolved_by_batch: r.get(1)?,
                        resolved_at: r.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }
}
