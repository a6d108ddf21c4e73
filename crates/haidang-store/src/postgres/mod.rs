//! PostgreSQL backend through sqlx. Chunks are written with array parameters (`UNNEST`),
//! and a transaction-scoped advisory lock per series keeps concurrent writers of the same
//! series (on one node or several) from classifying against a stale view.

use std::collections::HashMap;

use haidang_core::observation::{Aggregate, Step};
use haidang_core::plan::{IncomingObservation, StoredObservation, plan_batch};
use haidang_core::rollup::Rollup;
use haidang_core::text::match_key;
use haidang_core::units::{AdminUnit, Succession, UnitCatalog, UnitLevel};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, PgConnection, Row};

mod cases;
mod connectors;
mod identity;

use haidang_core::audit::AuditEvent;

use crate::rollups::{cascade_deltas, dirty_buckets, fold, source_step, step_name};
use crate::{
    Agency, ApiKeyRecord, BatchCounts, BatchRecord, Boundary, Entity, NewBatch, NewRejectedRow, Point, ROLLUP_ZONE,
    RejectedRow, SeriesDefinition, SeriesRecord, SeriesSummary, Source, SourceStatus, StoreError, StormFix, StormTrack,
    SupersededObservation, date_to_text, text_to_date,
};

/// Migrations in order of version. A version is applied once and recorded.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_foundation.sql")),
    (2, include_str!("../../migrations/postgres/0002_connectors.sql")),
    (3, include_str!("../../migrations/postgres/0003_identity.sql")),
    (4, include_str!("../../migrations/postgres/0004_cases.sql")),
    (
        5,
        include_str!("../../migrations/postgres/0005_key_actions_and_code_replay.sql"),
    ),
];

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

const SERIES_COLUMNS: &str = "s.id, s.key, s.name, s.unit, s.indicator, s.min, s.max, s.expected_interval_secs, s.source_key, \
     s.unit_code, s.entity_key, s.last_received_at, s.created_at, s.updated_at";

impl PgStore {
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
        Ok(Self { pool })
    }

    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Serialises concurrent migrations from several nodes.
        sqlx::query("SELECT pg_advisory_xact_lock(72616901)")
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let mut applied = 0;
        for &(version, sql) in MIGRATIONS {
            let done: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)")
                .bind(version)
                .fetch_one(&mut *tx)
                .await?;
            if !done {
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)")
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
                applied += 1;
            }
        }
        tx.commit().await?;
        Ok(applied)
    }

    pub async fn is_ready(&self) -> Result<bool, StoreError> {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass('schema_migrations') IS NOT NULL")
            .fetch_one(&self.pool)
            .await?;
        if !exists {
            return Ok(false);
        }
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
            .fetch_all(&self.pool)
            .await?;
        Ok(MIGRATIONS.iter().all(|(version, _)| applied.contains(version)))
    }

    pub async fn replace_units(&self, units: Vec<AdminUnit>, successions: Vec<Succession>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM units").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM successions").execute(&mut *tx).await?;
        for unit in &units {
            sqlx::query(
                "INSERT INTO units (code, valid_from, valid_to, name, name_key, level, parent, kind)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&unit.code)
            .bind(date_to_text(unit.valid_from))
            .bind(unit.valid_to.map(|d| date_to_text(Some(d))))
            .bind(&unit.name)
            .bind(match_key(&unit.name))
            .bind(unit.level.as_str())
            .bind(&unit.parent)
            .bind(&unit.kind)
            .execute(&mut *tx)
            .await?;
        }
        for edge in &successions {
            sqlx::query(
                "INSERT INTO successions (old_code, new_code, effective, share, exact) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&edge.old_code)
            .bind(&edge.new_code)
            .bind(date_to_text(Some(edge.effective)))
            .bind(edge.share)
            .bind(edge.exact)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn unit_catalog(&self) -> Result<UnitCatalog, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name, level, parent, kind, valid_from, valid_to FROM units ORDER BY code, valid_from",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut units = Vec::with_capacity(rows.len());
        for r in rows {
            let level: String = r.try_get(2)?;
            let from: String = r.try_get(5)?;
            let to: Option<String> = r.try_get(6)?;
            units.push(AdminUnit {
                code: r.try_get(0)?,
                name: r.try_get(1)?,
                level: UnitLevel::parse(&level).ok_or(StoreError::Corrupt {
                    table: "units",
                    column: "level",
                    detail: level.clone(),
                })?,
                parent: r.try_get(3)?,
                kind: r.try_get(4)?,
                valid_from: text_to_date(Some(&from)),
                valid_to: text_to_date(to.as_deref()),
            });
        }
        let rows = sqlx::query("SELECT old_code, new_code, effective, share, exact FROM successions")
            .fetch_all(&self.pool)
            .await?;
        let mut successions = Vec::with_capacity(rows.len());
        for r in rows {
            let effective: String = r.try_get(2)?;
            if let Some(effective) = text_to_date(Some(&effective)) {
                successions.push(Succession {
                    old_code: r.try_get(0)?,
                    new_code: r.try_get(1)?,
                    effective,
                    share: r.try_get(3)?,
                    exact: r.try_get(4)?,
                });
            }
        }
        Ok(UnitCatalog::new(units, successions))
    }

    pub async fn upsert_agency(&self, agency: Agency, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agencies (key, name, responsible_person, responsible_title, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, responsible_person = excluded.responsible_person,
                 responsible_title = excluded.responsible_title, updated_at = excluded.updated_at",
        )
        .bind(agency.key)
        .bind(agency.name)
        .bind(agency.responsible_person)
        .bind(agency.responsible_title)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        let rows = sqlx::query("SELECT key, name, responsible_person, responsible_title FROM agencies ORDER BY key")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Agency {
                    key: r.try_get(0)?,
                    name: r.try_get(1)?,
                    responsible_person: r.try_get(2)?,
                    responsible_title: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub async fn upsert_source(&self, source: Source, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sources (key, name, agency_key, kind, simulated, expected_interval_secs, description,
                 attribution, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, agency_key = excluded.agency_key,
                 kind = excluded.kind, simulated = excluded.simulated,
                 expected_interval_secs = excluded.expected_interval_secs, description = excluded.description,
                 attribution = excluded.attribution, updated_at = excluded.updated_at",
        )
        .bind(source.key)
        .bind(source.name)
        .bind(source.agency_key)
        .bind(source.kind)
        .bind(source.simulated)
        .bind(source.expected_interval_secs)
        .bind(source.description)
        .bind(source.attribution)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn upsert_entity(&self, entity: Entity) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO entities (key, name, kind, lat, lon, unit_code, source_key, simulated, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, kind = excluded.kind, lat = excluded.lat,
                 lon = excluded.lon, unit_code = excluded.unit_code, source_key = excluded.source_key,
                 simulated = excluded.simulated, note = excluded.note",
        )
        .bind(entity.key)
        .bind(entity.name)
        .bind(entity.kind)
        .bind(entity.lat)
        .bind(entity.lon)
        .bind(entity.unit_code)
        .bind(entity.source_key)
        .bind(entity.simulated)
        .bind(entity.note)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn source_statuses(&self) -> Result<Vec<SourceStatus>, StoreError> {
        let rows = sqlx::query(
            "SELECT src.key, src.name, src.agency_key, src.kind, src.simulated, src.expected_interval_secs,
                src.description, src.attribution, a.name, a.responsible_person,
                (SELECT count(*) FROM series s WHERE s.source_key = src.key),
                (SELECT max(s.last_received_at) FROM series s WHERE s.source_key = src.key),
                (SELECT max(t) FROM (
                    SELECT (SELECT max(ts) FROM observations o WHERE o.series_id = s.id) AS t FROM series s
                        WHERE s.source_key = src.key
                    UNION ALL
                    SELECT f.ts FROM storm_fixes f JOIN storms st ON st.id = f.storm_id WHERE st.source_key = src.key
                ) AS times)
             FROM sources src JOIN agencies a ON a.key = src.agency_key ORDER BY src.key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SourceStatus {
                    source: Source {
                        key: r.try_get(0)?,
                        name: r.try_get(1)?,
                        agency_key: r.try_get(2)?,
                        kind: r.try_get(3)?,
                        simulated: r.try_get(4)?,
                        expected_interval_secs: r.try_get(5)?,
                        description: r.try_get(6)?,
                        attribution: r.try_get(7)?,
                    },
                    agency_name: r.try_get(8)?,
                    responsible_person: r.try_get(9)?,
                    series_count: r.try_get(10)?,
                    last_received_at: r.try_get(11)?,
                    last_observation_time: r.try_get(12)?,
                })
            })
            .collect()
    }

    pub async fn entities(&self) -> Result<Vec<Entity>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, name, kind, lat, lon, unit_code, source_key, simulated, note FROM entities ORDER BY key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Entity {
                    key: r.try_get(0)?,
                    name: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    lat: r.try_get(3)?,
                    lon: r.try_get(4)?,
                    unit_code: r.try_get(5)?,
                    source_key: r.try_get(6)?,
                    simulated: r.try_get(7)?,
                    note: r.try_get(8)?,
                })
            })
            .collect()
    }

    pub async fn upsert_series(
        &self,
        d: SeriesDefinition,
        now: i64,
        audit: Option<AuditEvent>,
    ) -> Result<(SeriesRecord, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(event) = &audit {
            identity::append_audit_tx(&mut tx, event).await?;
        }
        let existed: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM series WHERE key = $1)")
            .bind(&d.key)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO series (key, name, unit, indicator, min, max, expected_interval_secs, source_key,
                 unit_code, entity_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, unit = excluded.unit, indicator = excluded.indicator,
                     min = excluded.min,
                 max = excluded.max, expected_interval_secs = excluded.expected_interval_secs,
                 source_key = excluded.source_key, unit_code = excluded.unit_code,
                 entity_key = excluded.entity_key, updated_at = excluded.updated_at",
        )
        .bind(&d.key)
        .bind(&d.name)
        .bind(&d.unit)
        .bind(&d.indicator)
        .bind(d.min)
        .bind(d.max)
        .bind(d.expected_interval_secs)
        .bind(&d.source_key)
        .bind(&d.unit_code)
        .bind(&d.entity_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let record = select_series(&mut tx, &d.key)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "series",
                key: d.key.clone(),
            })?;
        tx.commit().await?;
        Ok((record, !existed))
    }

    pub async fn series(&self, key: &str) -> Result<Option<SeriesRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        select_series(&mut connection, key).await
    }

    pub async fn series_by_keys(&self, keys: Vec<String>) -> Result<HashMap<String, SeriesRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SERIES_COLUMNS} FROM series s WHERE s.key = ANY($1)"
        )))
        .bind(&keys)
        .fetch_all(&self.pool)
        .await?;
        let mut found = HashMap::with_capacity(rows.len());
        for row in &rows {
            let record = series_from_row(row)?;
            found.insert(record.definition.key.clone(), record);
        }
        Ok(found)
    }

    pub async fn series_of_indicator(&self, indicator: String) -> Result<Vec<SeriesRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SERIES_COLUMNS} FROM series s WHERE s.indicator = $1 ORDER BY s.key"
        )))
        .bind(indicator)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(series_from_row).collect()
    }

    pub async fn rollups(
        &self,
        series_id: i64,
        step: Step,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Rollup)>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        stored_rollups(&mut connection, series_id, step, from, to).await
    }

    pub async fn series_summaries(&self) -> Result<Vec<SeriesSummary>, StoreError> {
        // The formatted part is a constant column list.
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SERIES_COLUMNS}, src.agency_key, COALESCE(src.simulated, FALSE),
                (SELECT min(ts) FROM observations o WHERE o.series_id = s.id),
                (SELECT max(ts) FROM observations o WHERE o.series_id = s.id),
                (SELECT value FROM observations o WHERE o.series_id = s.id ORDER BY ts DESC LIMIT 1)
             FROM series s LEFT JOIN sources src ON src.key = s.source_key ORDER BY s.key"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SeriesSummary {
                    record: series_from_row(r)?,
                    agency_key: r.try_get(14)?,
                    simulated: r.try_get(15)?,
                    first_time: r.try_get(16)?,
                    last_time: r.try_get(17)?,
                    last_value: r.try_get(18)?,
                })
            })
            .collect()
    }

    pub async fn begin_batch(&self, batch: NewBatch, audit: Option<AuditEvent>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(event) = &audit {
            identity::append_audit_tx(&mut tx, event).await?;
        }
        sqlx::query(
            "INSERT INTO batches (id, source_key, format, file_name, api_key_id, status, received_at)
             VALUES ($1, $2, $3, $4, $5, 'open', $6)",
        )
        .bind(batch.id)
        .bind(batch.source_key)
        .bind(batch.format)
        .bind(batch.file_name)
        .bind(batch.api_key_id)
        .bind(batch.received_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn write_chunk(
        &self,
        batch_id: String,
        rows: Vec<IncomingObservation>,
        rejected: Vec<NewRejectedRow>,
        now: i64,
    ) -> Result<BatchCounts, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut series_ids: Vec<i64> = rows.iter().map(|r| r.series_id).collect();
        series_ids.sort_unstable();
        series_ids.dedup();
        // Sorted so that two writers take the locks in the same order.
        sqlx::query("SELECT pg_advisory_xact_lock(72616902, id::int) FROM UNNEST($1::bigint[]) AS id ORDER BY id")
            .bind(&series_ids)
            .execute(&mut *tx)
            .await?;

        let batch_seq: i64 = sqlx::query_scalar("SELECT seq FROM batches WHERE id = $1")
            .bind(&batch_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "batch",
                key: batch_id.clone(),
            })?;
        let stored = stored_values_for(&mut tx, &rows).await?;
        let plan = plan_batch(&rows, &stored, ROLLUP_ZONE);

        for (observations, upsert) in [(&plan.inserts, false), (&plan.updates, true)] {
            if observations.is_empty() {
                continue;
            }
            let sql = if upsert {
                "UPDATE observations o SET value = u.value, batch_seq = $4, row_no = u.row_no, ingested_at = $5
                 FROM UNNEST($1::bigint[], $2::bigint[], $3::float8[], $6::bigint[]) AS u(series_id, ts, value, row_no)
                 WHERE o.series_id = u.series_id AND o.ts = u.ts"
            } else {
                "INSERT INTO observations (series_id, ts, value, batch_seq, row_no, ingested_at)
                 SELECT u.series_id, u.ts, u.value, $4, u.row_no, $5
                 FROM UNNEST($1::bigint[], $2::bigint[], $3::float8[], $6::bigint[]) AS u(series_id, ts, value, row_no)"
            };
            sqlx::query(sql)
                .bind(observations.iter().map(|o| o.series_id).collect::<Vec<_>>())
                .bind(observations.iter().map(|o| o.time).collect::<Vec<_>>())
                .bind(observations.iter().map(|o| o.value).collect::<Vec<_>>())
                .bind(batch_seq)
                .bind(now)
                .bind(observations.iter().map(|o| o.row).collect::<Vec<_>>())
                .execute(&mut *tx)
                .await?;
        }
        for s in &plan.superseded {
            sqlx::query(
                "INSERT INTO superseded_observations (series_id, ts, value, batch_id, row_no, ingested_at,
                     replaced_by_batch, replaced_by_row) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(s.series_id)
            .bind(s.time)
            .bind(s.value)
            .bind(s.batch_id.as_deref().unwrap_or(&batch_id))
            .bind(s.row)
            .bind(s.ingested_at.unwrap_or(now))
            .bind(&batch_id)
            .bind(s.replaced_by_row)
            .execute(&mut *tx)
            .await?;
        }

        apply_rollups(&mut tx, &plan).await?;

        if !rejected.is_empty() {
            sqlx::query(
                "INSERT INTO rejected_rows (batch_id, row_no, reason_code, params, raw)
                 SELECT $1, u.row_no, u.code, u.params, u.raw
                 FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(row_no, code, params, raw)",
            )
            .bind(&batch_id)
            .bind(rejected.iter().map(|r| r.row).collect::<Vec<_>>())
            .bind(rejected.iter().map(|r| r.reason.code().to_owned()).collect::<Vec<_>>())
            .bind(
                rejected
                    .iter()
                    .map(|r| r.reason.params().to_string())
                    .collect::<Vec<_>>(),
            )
            .bind(rejected.iter().map(|r| r.raw.clone()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await?;
        }

        let counts = BatchCounts {
            accepted: plan.accepted,
            duplicates: plan.duplicates,
            conflicts: plan.conflicts,
            rejected: rejected.len() as u64,
        };
        sqlx::query(
            "UPDATE batches SET row_count = row_count + $2, accepted = accepted + $3, duplicates = duplicates + $4,
                 conflicts = conflicts + $5, rejected = rejected + $6 WHERE id = $1",
        )
        .bind(&batch_id)
        .bind(counts.rows() as i64)
        .bind(counts.accepted as i64)
        .bind(counts.duplicates as i64)
        .bind(counts.conflicts as i64)
        .bind(counts.rejected as i64)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE series SET last_received_at = $2 WHERE id = ANY($1)")
            .bind(&series_ids)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(counts)
    }

    pub async fn superseded(&self, series_id: i64) -> Result<Vec<SupersededObservation>, StoreError> {
        let rows = sqlx::query(
            "SELECT ts, value, batch_id, row_no, ingested_at, replaced_by_batch, replaced_by_row
             FROM superseded_observations WHERE series_id = $1 ORDER BY ingested_at, ts, replaced_by_row",
        )
        .bind(series_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SupersededObservation {
                    time: r.try_get(0)?,
                    value: r.try_get(1)?,
                    batch_id: r.try_get(2)?,
                    row: r.try_get(3)?,
                    ingested_at: r.try_get(4)?,
                    replaced_by_batch: r.try_get(5)?,
                    replaced_by_row: r.try_get(6)?,
                })
            })
            .collect()
    }

    pub async fn finish_batch(&self, batch_id: String, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE batches SET status = 'complete', finished_at = $2 WHERE id = $1")
            .bind(batch_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn batch(&self, batch_id: String) -> Result<Option<BatchRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, source_key, format, file_name, status, received_at, finished_at, accepted, duplicates,
                conflicts, rejected, api_key_id FROM batches WHERE id = $1",
        )
        .bind(batch_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let count = |i: usize| -> Result<u64, StoreError> { Ok(r.try_get::<i64, _>(i)?.max(0) as u64) };
        Ok(Some(BatchRecord {
            id: r.try_get(0)?,
            source_key: r.try_get(1)?,
            format: r.try_get(2)?,
            file_name: r.try_get(3)?,
            api_key_id: r.try_get(11)?,
            status: r.try_get(4)?,
            received_at: r.try_get(5)?,
            finished_at: r.try_get(6)?,
            counts: BatchCounts {
                accepted: count(7)?,
                duplicates: count(8)?,
                conflicts: count(9)?,
                rejected: count(10)?,
            },
        }))
    }

    pub async fn rejected_rows(&self, batch_id: String) -> Result<Vec<RejectedRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT row_no, reason_code, params, raw FROM rejected_rows WHERE batch_id = $1 ORDER BY row_no",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let params: String = r.try_get(2)?;
                Ok(RejectedRow {
                    row: r.try_get(0)?,
                    reason_code: r.try_get(1)?,
                    params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
                    raw: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub async fn points(
        &self,
        series_id: i64,
        from: i64,
        to: i64,
        step: Step,
        aggregate: Aggregate,
    ) -> Result<Vec<Point>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        if step == Step::Raw {
            let values = raw_values(&mut connection, series_id, from, to).await?;
            return Ok(values.into_iter().map(|(time, value)| Point { time, value }).collect());
        }
        let rollups = stored_rollups(&mut connection, series_id, step, from, to).await?;
        Ok(rollups
            .into_iter()
            .map(|(time, r)| Point {
                time,
                value: r.value(aggregate),
            })
            .collect())
    }

    pub async fn create_api_key(
        &self,
        record: ApiKeyRecord,
        key_hash: String,
        audit: Option<AuditEvent>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(event) = &audit {
            identity::append_audit_tx(&mut tx, event).await?;
        }
        sqlx::query(
            "INSERT INTO api_keys (id, name, role, key_hash, created_at, agency_key, sources, expires_at, actions)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(record.id)
        .bind(record.name)
        .bind(record.role)
        .bind(key_hash)
        .bind(record.created_at)
        .bind(record.agency_key)
        .bind(
            record
                .sources
                .as_ref()
                .map(|s| serde_json::to_string(s).unwrap_or_default()),
        )
        .bind(record.expires_at)
        .bind(
            record
                .actions
                .as_ref()
                .map(|a| serde_json::to_string(a).unwrap_or_default()),
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn use_api_key(&self, key_hash: String, now: i64) -> Result<Option<ApiKeyRecord>, StoreError> {
        let row = sqlx::query(
            "UPDATE api_keys SET last_used_at = $2
             WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
             RETURNING id, name, role, created_at, revoked_at, last_used_at, agency_key, sources, expires_at, actions",
        )
        .bind(key_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(api_key_from_row).transpose()
    }

    pub async fn revoke_api_key(&self, name: String, now: i64, audit: Option<AuditEvent>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(event) = &audit {
            identity::append_audit_tx(&mut tx, event).await?;
        }
        let result = sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL")
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(result.rows_affected() > 0)
    }

    pub async fn rotate_api_key(&self, name: String, key_hash: String, audit: AuditEvent) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let result = sqlx::query("UPDATE api_keys SET key_hash = $2 WHERE name = $1 AND revoked_at IS NULL")
            .bind(name)
            .bind(key_hash)
            .execute(&mut *tx)
            .await?;
        identity::append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(result.rows_affected() > 0)
    }

    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, role, created_at, revoked_at, last_used_at, agency_key, sources, expires_at, actions
             FROM api_keys ORDER BY created_at",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(api_key_from_row).collect()
    }

    pub async fn replace_boundaries(&self, boundaries: Vec<Boundary>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM boundaries").execute(&mut *tx).await?;
        for b in boundaries {
            sqlx::query("INSERT INTO boundaries (id, name, level, geometry) VALUES ($1, $2, $3, $4)")
                .bind(b.id)
                .bind(b.name)
                .bind(b.level)
                .bind(b.geometry)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn boundaries(&self) -> Result<Vec<Boundary>, StoreError> {
        let rows = sqlx::query("SELECT id, name, level, geometry FROM boundaries ORDER BY level DESC, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Boundary {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    level: r.try_get(2)?,
                    geometry: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub async fn replace_storms(&self, storms: Vec<StormTrack>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM storm_fixes").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM storms").execute(&mut *tx).await?;
        for s in storms {
            sqlx::query(
                "INSERT INTO storms (id, name, year, max_grade, min_distance_km, source_key) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&s.id)
            .bind(&s.name)
            .bind(i64::from(s.year))
            .bind(i64::from(s.max_grade))
            .bind(s.min_distance_km)
            .bind(&s.source_key)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO storm_fixes (storm_id, ts, grade, lat, lon, pressure_hpa, max_wind_kt)
                 SELECT $1, u.ts, u.grade, u.lat, u.lon, u.pressure, u.wind
                 FROM UNNEST($2::bigint[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
                     AS u(ts, grade, lat, lon, pressure, wind)",
            )
            .bind(&s.id)
            .bind(s.fixes.iter().map(|f| f.time).collect::<Vec<_>>())
            .bind(s.fixes.iter().map(|f| i64::from(f.grade)).collect::<Vec<_>>())
            .bind(s.fixes.iter().map(|f| f.lat).collect::<Vec<_>>())
            .bind(s.fixes.iter().map(|f| f.lon).collect::<Vec<_>>())
            .bind(s.fixes.iter().map(|f| f.pressure_hpa).collect::<Vec<_>>())
            .bind(s.fixes.iter().map(|f| f.max_wind_kt).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn storms(&self) -> Result<Vec<StormTrack>, StoreError> {
        let rows = sqlx::query("SELECT id, name, year, max_grade, min_distance_km, source_key FROM storms ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut storms = Vec::with_capacity(rows.len());
        for r in &rows {
            let year: i64 = r.try_get(2)?;
            let max_grade: i64 = r.try_get(3)?;
            storms.push(StormTrack {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                year: year as i32,
                max_grade: max_grade as i32,
                min_distance_km: r.try_get(4)?,
                source_key: r.try_get(5)?,
                fixes: Vec::new(),
            });
        }
        let fixes = sqlx::query(
            "SELECT storm_id, ts, grade, lat, lon, pressure_hpa, max_wind_kt FROM storm_fixes ORDER BY storm_id, ts",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_storm: HashMap<String, Vec<StormFix>> = HashMap::new();
        for r in &fixes {
            let grade: i64 = r.try_get(2)?;
            by_storm.entry(r.try_get(0)?).or_default().push(StormFix {
                time: r.try_get(1)?,
                grade: grade as i32,
                lat: r.try_get(3)?,
                lon: r.try_get(4)?,
                pressure_hpa: r.try_get(5)?,
                max_wind_kt: r.try_get(6)?,
            });
        }
        for storm in &mut storms {
            storm.fixes = by_storm.remove(&storm.id).unwrap_or_default();
        }
        Ok(storms)
    }
}

fn series_from_row(r: &PgRow) -> Result<SeriesRecord, StoreError> {
    Ok(SeriesRecord {
        id: r.try_get(0)?,
        definition: SeriesDefinition {
            key: r.try_get(1)?,
            name: r.try_get(2)?,
            unit: r.try_get(3)?,
            indicator: r.try_get(4)?,
            min: r.try_get(5)?,
            max: r.try_get(6)?,
            expected_interval_secs: r.try_get(7)?,
            source_key: r.try_get(8)?,
            unit_code: r.try_get(9)?,
            entity_key: r.try_get(10)?,
        },
        last_received_at: r.try_get(11)?,
        created_at: r.try_get(12)?,
        updated_at: r.try_get(13)?,
    })
}

async fn select_series(c: &mut PgConnection, key: &str) -> Result<Option<SeriesRecord>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {SERIES_COLUMNS} FROM series s WHERE s.key = $1"
    )))
    .bind(key)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(series_from_row).transpose()
}

fn api_key_from_row(r: &PgRow) -> Result<ApiKeyRecord, StoreError> {
    Ok(ApiKeyRecord {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        role: r.try_get(2)?,
        created_at: r.try_get(3)?,
        revoked_at: r.try_get(4)?,
        last_used_at: r.try_get(5)?,
        agency_key: r.try_get(6)?,
        sources: r
            .try_get::<Option<String>, _>(7)?
            .and_then(|s| serde_json::from_str(&s).ok()),
        expires_at: r.try_get(8)?,
        actions: r
            .try_get::<Option<String>, _>(9)?
            .and_then(|s| serde_json::from_str(&s).ok()),
    })
}

/// Looks up the stored values that rows may collide with; rows later than the latest
/// stored time of their series are skipped, as in the SQLite backend.
async fn stored_values_for(
    c: &mut PgConnection,
    rows: &[IncomingObservation],
) -> Result<HashMap<(i64, i64), StoredObservation>, StoreError> {
    let mut series_ids: Vec<i64> = rows.iter().map(|r| r.series_id).collect();
    series_ids.sort_unstable();
    series_ids.dedup();
    let latest_rows = sqlx::query(
        "SELECT id, (SELECT max(ts) FROM observations o WHERE o.series_id = id) FROM UNNEST($1::bigint[]) AS id",
    )
    .bind(&series_ids)
    .fetch_all(&mut *c)
    .await?;
    let mut latest: HashMap<i64, Option<i64>> = HashMap::new();
    for r in &latest_rows {
        latest.insert(r.try_get(0)?, r.try_get(1)?);
    }
    let candidates: Vec<(i64, i64)> = rows
        .iter()
        .filter(|r| latest.get(&r.series_id).copied().flatten().is_some_and(|t| r.time <= t))
        .map(|r| (r.series_id, r.time))
        .collect();
    let mut stored = HashMap::new();
    if candidates.is_empty() {
        return Ok(stored);
    }
    let found = sqlx::query(
        "SELECT o.series_id, o.ts, o.value, b.id, o.row_no, o.ingested_at
         FROM observations o JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(series_id, ts)
             ON o.series_id = k.series_id AND o.ts = k.ts
         JOIN batches b ON b.seq = o.batch_seq",
    )
    .bind(candidates.iter().map(|c| c.0).collect::<Vec<_>>())
    .bind(candidates.iter().map(|c| c.1).collect::<Vec<_>>())
    .fetch_all(&mut *c)
    .await?;
    for r in &found {
        stored.insert(
            (r.try_get(0)?, r.try_get(1)?),
            StoredObservation {
                value: r.try_get(2)?,
                batch_id: r.try_get(3)?,
                row: r.try_get(4)?,
                ingested_at: r.try_get(5)?,
            },
        );
    }
    Ok(stored)
}

async fn apply_rollups(c: &mut PgConnection, plan: &haidang_core::plan::WritePlan) -> Result<(), StoreError> {
    let deltas = cascade_deltas(&plan.hour_deltas);
    if !deltas.is_empty() {
        sqlx::query(
            "INSERT INTO rollups (series_id, step, bucket, count, sum, min, max, last_ts, last_value)
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[],
                 $7::float8[], $8::bigint[], $9::float8[])
             ON CONFLICT (series_id, step, bucket) DO UPDATE SET
                 count = rollups.count + excluded.count,
                 sum = rollups.sum + excluded.sum,
                 min = LEAST(rollups.min, excluded.min),
                 max = GREATEST(rollups.max, excluded.max),
                 last_value = CASE WHEN excluded.last_ts >= rollups.last_ts THEN excluded.last_value
                     ELSE rollups.last_value END,
                 last_ts = GREATEST(rollups.last_ts, excluded.last_ts)",
        )
        .bind(deltas.iter().map(|d| d.1).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| step_name(d.0).to_owned()).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| d.2).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| d.3.count).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| d.3.sum).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| d.3.min).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| d.3.max).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| d.3.last_time).collect::<Vec<_>>())
        .bind(deltas.iter().map(|d| d.3.last_value).collect::<Vec<_>>())
        .execute(&mut *c)
        .await?;
    }
    for (step, series_id, start, end) in dirty_buckets(&plan.dirty_hours) {
        let parts: Vec<Rollup> = match source_step(step) {
            Step::Raw => raw_values(c, series_id, start, end)
                .await?
                .into_iter()
                .map(|(t, v)| Rollup::of(t, v))
                .collect(),
            lower => stored_rollups(c, series_id, lower, start, end)
                .await?
                .into_iter()
                .map(|(_, r)| r)
                .collect(),
        };
        sqlx::query("DELETE FROM rollups WHERE series_id = $1 AND step = $2 AND bucket = $3")
            .bind(series_id)
            .bind(step_name(step))
            .bind(start)
            .execute(&mut *c)
            .await?;
        if let Some(r) = fold(parts) {
            sqlx::query(
                "INSERT INTO rollups (series_id, step, bucket, count, sum, min, max, last_ts, last_value)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(series_id)
            .bind(step_name(step))
            .bind(start)
            .bind(r.count)
            .bind(r.sum)
            .bind(r.min)
            .bind(r.max)
            .bind(r.last_time)
            .bind(r.last_value)
            .execute(&mut *c)
            .await?;
        }
    }
    Ok(())
}

async fn raw_values(c: &mut PgConnection, series_id: i64, from: i64, to: i64) -> Result<Vec<(i64, f64)>, StoreError> {
    let rows =
        sqlx::query("SELECT ts, value FROM observations WHERE series_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts")
            .bind(series_id)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

async fn stored_rollups(
    c: &mut PgConnection,
    series_id: i64,
    step: Step,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, Rollup)>, StoreError> {
    let rows = sqlx::query(
        "SELECT bucket, count, sum, min, max, last_ts, last_value FROM rollups
         WHERE series_id = $1 AND step = $2 AND bucket >= $3 AND bucket < $4 ORDER BY bucket",
    )
    .bind(series_id)
    .bind(step_name(step))
    .bind(from)
    .bind(to)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                Rollup {
                    count: r.try_get(1)?,
                    sum: r.try_get(2)?,
                    min: r.try_get(3)?,
                    max: r.try_get(4)?,
                    last_time: r.try_get(5)?,
                    last_value: r.try_get(6)?,
                },
            ))
        })
        .collect()
}
