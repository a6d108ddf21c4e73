//! PostgreSQL side of connectors and the dead-letter view.

use sqlx::Row;
use sqlx::postgres::PgRow;

use super::PgStore;
use crate::connectors::{
    ConnectorCheckpoint, ConnectorCounts, ConnectorRecord, ConnectorStatusRecord, ConnectorStatusUpdate,
    RejectedFilter, RowResolution, SourceRejectedRow,
};
use crate::{RejectedRow, StoreError};

const CONNECTOR_COLUMNS: &str = "key, kind, source_key, definition, enabled, origin, created_at, updated_at";

fn connector_from_row(r: &PgRow) -> Result<ConnectorRecord, StoreError> {
    let definition: String = r.try_get(3)?;
    Ok(ConnectorRecord {
        key: r.try_get(0)?,
        kind: r.try_get(1)?,
        source_key: r.try_get(2)?,
        definition: serde_json::from_str(&definition).unwrap_or(serde_json::Value::Null),
        enabled: r.try_get(4)?,
        origin: r.try_get(5)?,
        created_at: r.try_get(6)?,
        updated_at: r.try_get(7)?,
    })
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn read_count(r: &PgRow, index: usize) -> Result<u64, StoreError> {
    let value: i64 = r.try_get(index)?;
    Ok(u64::try_from(value).unwrap_or(0))
}

impl PgStore {
    pub async fn upsert_connector(&self, c: ConnectorRecord) -> Result<bool, StoreError> {
        let created: bool = sqlx::query_scalar(
            "INSERT INTO connectors (key, kind, source_key, definition, enabled, origin, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, source_key = excluded.source_key,
                 definition = excluded.definition, enabled = excluded.enabled, origin = excluded.origin,
                 updated_at = excluded.updated_at
             RETURNING (xmax = 0)",
        )
        .bind(&c.key)
        .bind(&c.kind)
        .bind(&c.source_key)
        .bind(c.definition.to_string())
        .bind(c.enabled)
        .bind(&c.origin)
        .bind(c.created_at)
        .bind(c.updated_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(created)
    }

    pub async fn connectors(&self) -> Result<Vec<ConnectorRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CONNECTOR_COLUMNS} FROM connectors ORDER BY key"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(connector_from_row).collect()
    }

    pub async fn connector(&self, key: String) -> Result<Option<ConnectorRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CONNECTOR_COLUMNS} FROM connectors WHERE key = $1"
        )))
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(connector_from_row).transpose()
    }

    pub async fn delete_connector(&self, key: String) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM connector_status WHERE connector_key = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM connector_checkpoints WHERE connector_key = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM connectors WHERE key = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(deleted > 0)
    }

    pub async fn connector_statuses(&self) -> Result<Vec<ConnectorStatusRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT connector_key, state, state_since, last_success_at, last_error, last_error_at, lag_ms,
                 received, accepted, duplicates, conflicts, rejected, updated_at
             FROM connector_status ORDER BY connector_key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ConnectorStatusRecord {
                    connector_key: r.try_get(0)?,
                    state: r.try_get(1)?,
                    state_since: r.try_get(2)?,
                    last_success_at: r.try_get(3)?,
                    last_error: r.try_get(4)?,
                    last_error_at: r.try_get(5)?,
                    lag_ms: r.try_get(6)?,
                    counts: ConnectorCounts {
                        received: read_count(r, 7)?,
                        accepted: read_count(r, 8)?,
                        duplicates: read_count(r, 9)?,
                        conflicts: read_count(r, 10)?,
                        rejected: read_count(r, 11)?,
                    },
                    updated_at: r.try_get(12)?,
                })
            })
            .collect()
    }

    pub async fn update_connector_status(
        &self,
        key: String,
        u: ConnectorStatusUpdate,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO connector_status (connector_key, state, state_since, last_success_at, last_error,
                 last_error_at, lag_ms, received, accepted, duplicates, conflicts, rejected, updated_at)
             SELECT $1, COALESCE($2::text, 'starting'), COALESCE($3::bigint, $13), $4::bigint, $5::text,
                 $6::bigint, $7::bigint, $8, $9, $10, $11, $12, $13
             WHERE EXISTS (SELECT 1 FROM connectors WHERE key = $1)
             ON CONFLICT (connector_key) DO UPDATE SET
                 state = COALESCE($2::text, connector_status.state),
                 state_since = COALESCE($3::bigint, connector_status.state_since),
                 last_success_at = COALESCE($4::bigint, connector_status.last_success_at),
                 last_error = COALESCE($5::text, connector_status.last_error),
                 last_error_at = COALESCE($6::bigint, connector_status.last_error_at),
                 lag_ms = COALESCE($7::bigint, connector_status.lag_ms),
                 received = connector_status.received + $8,
                 accepted = connector_status.accepted + $9,
                 duplicates = connector_status.duplicates + $10,
                 conflicts = connector_status.conflicts + $11,
                 rejected = connector_status.rejected + $12,
                 updated_at = $13",
        )
        .bind(key)
        .bind(u.state)
        .bind(u.state_since)
        .bind(u.last_success_at)
        .bind(u.last_error)
        .bind(u.last_error_at)
        .bind(u.lag_ms)
        .bind(count(u.received))
        .bind(count(u.counts.accepted))
        .bind(count(u.counts.duplicates))
        .bind(count(u.counts.conflicts))
        .bind(count(u.counts.rejected))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn connector_checkpoint(&self, key: String) -> Result<Option<ConnectorCheckpoint>, StoreError> {
        let row = sqlx::query(
            "SELECT connector_key, cursor, etag, last_modified, last_slot, updated_at
             FROM connector_checkpoints WHERE connector_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(ConnectorCheckpoint {
                connector_key: r.try_get(0)?,
                cursor: r.try_get(1)?,
                etag: r.try_get(2)?,
                last_modified: r.try_get(3)?,
                last_slot: r.try_get(4)?,
                updated_at: r.try_get(5)?,
            })
        })
        .transpose()
    }

    pub async fn save_connector_checkpoint(&self, c: ConnectorCheckpoint) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO connector_checkpoints (connector_key, cursor, etag, last_modified, last_slot, updated_at)
             SELECT $1, $2::text, $3::text, $4::text, $5::bigint, $6
             WHERE EXISTS (SELECT 1 FROM connectors WHERE key = $1)
             ON CONFLICT (connector_key) DO UPDATE SET cursor = excluded.cursor, etag = excluded.etag,
                 last_modified = excluded.last_modified, last_slot = excluded.last_slot,
                 updated_at = excluded.updated_at",
        )
        .bind(c.connector_key)
        .bind(c.cursor)
        .bind(c.etag)
        .bind(c.last_modified)
        .bind(c.last_slot)
        .bind(c.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn source_rejected_rows(
        &self,
        source_key: String,
        filter: RejectedFilter,
        limit: i64,
    ) -> Result<Vec<SourceRejectedRow>, StoreError> {
        let condition = match filter {
            RejectedFilter::Open => "AND res.batch_id IS NULL",
            RejectedFilter::Resolved => "AND res.batch_id IS NOT NULL",
            RejectedFilter::All => "",
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT b.id, b.format, b.file_name, b.received_at, r.row_no, r.reason_code, r.params, r.raw,
                 res.resolved_by_batch, res.resolved_at
             FROM batches b
             JOIN rejected_rows r ON r.batch_id = b.id
             LEFT JOIN rejected_resolutions res ON res.batch_id = r.batch_id AND res.row_no = r.row_no
             WHERE b.source_key = $1 {condition}
             ORDER BY b.received_at DESC, b.id DESC, r.row_no
             LIMIT $2"
        )))
        .bind(source_key)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let params: String = r.try_get(6)?;
                Ok(SourceRejectedRow {
                    batch_id: r.try_get(0)?,
                    format: r.try_get(1)?,
                    file_name: r.try_get(2)?,
                    received_at: r.try_get(3)?,
                    rejected: RejectedRow {
                        row: r.try_get(4)?,
                        reason_code: r.try_get(5)?,
                        params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
                        raw: r.try_get(7)?,
                    },
                    resolved_by_batch: r.try_get(8)?,
                    resolved_at: r.try_get(9)?,
                })
            })
            .collect()
    }

    pub async fn resolve_rejected_rows(
        &self,
        batch_id: String,
        rows: Vec<i64>,
        resolved_by_batch: String,
        now: i64,
    ) -> Result<u64, StoreError> {
        let result = sqlx::query(
            "INSERT INTO rejected_resolutions (batch_id, row_no, resolved_by_batch, resolved_at)
             SELECT DISTINCT $1, r.row_no, $3, $4 FROM rejected_rows r
             WHERE r.batch_id = $1 AND r.row_no = ANY($2::bigint[])
             ON CONFLICT (batch_id, row_no) DO NOTHING",
        )
        .bind(batch_id)
        .bind(rows)
        .bind(resolved_by_batch)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    pub async fn row_resolutions(&self, batch_id: String) -> Result<Vec<RowResolution>, StoreError> {
        let rows = sqlx::query(
            "SELECT row_no, resolved_by_batch, resolved_at FROM rejected_resolutions
             WHERE batch_id = $1 ORDER BY row_no",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RowResolution {
                    row: r.try_get(0)?,
                    resolved_by_batch: r.try_get(1)?,
                    resolved_at: r.try_get(2)?,
                })
            })
            .collect()
    }
}
