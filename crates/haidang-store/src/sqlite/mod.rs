//! SQLite backend: rusqlite on one writer connection and a small pool of readers, all
//! used from Tokio's blocking threads. WAL lets readers run beside the writer.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use haidang_core::observation::{Aggregate, Step};
use haidang_core::plan::{IncomingObservation, StoredObservation, plan_batch};
use haidang_core::rollup::Rollup;
use haidang_core::text::match_key;
use haidang_core::units::{AdminUnit, Succession, UnitCatalog, UnitLevel};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

mod cases;
mod connectors;
mod identity;

use haidang_core::audit::AuditEvent;

use crate::rollups::{STEPS, cascade_deltas, dirty_buckets, fold, source_step, step_name};
use crate::{
    Agency, ApiKeyRecord, BatchCounts, BatchRecord, Boundary, Entity, NewBatch, NewRejectedRow, Point, ROLLUP_ZONE,
    RejectedRow, SeriesDefinition, SeriesRecord, SeriesSummary, Source, SourceStatus, StoreError, StormFix, StormTrack,
    SupersededObservation, date_to_text, text_to_date,
};

/// Migrations in order of version. A version is applied once and recorded.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_foundation.sql")),
    (2, include_str!("../../migrations/sqlite/0002_connectors.sql")),
    (3, include_str!("../../migrations/sqlite/0003_identity.sql")),
    (4, include_str!("../../migrations/sqlite/0004_cases.sql")),
    (
        5,
        include_str!("../../migrations/sqlite/0005_key_actions_and_code_replay.sql"),
    ),
];

/// Number of reader connections kept open.
const MAX_IDLE_READERS: usize = 4;

#[derive(Clone)]
pub struct SqliteStore {
    path: Arc<str>,
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Mutex<Vec<Connection>>>,
}

impl SqliteStore {
    pub async fn open(path: &str) -> Result<Self, StoreError> {
        let path: Arc<str> = Arc::from(path);
        let opened = path.clone();
        let writer = tokio::task::spawn_blocking(move || {
            if let Some(parent) = Path::new(&*opened).parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                    path: parent.display().to_string(),
                    source,
                })?;
            }
            connect(&opened)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))??;
        Ok(Self {
            path,
            writer: Arc::new(Mutex::new(writer)),
            readers: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// Runs `work` on the writer connection inside one transaction.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = writer.lock().map_err(|e| StoreError::Worker(e.to_string()))?;
            let transaction = connection.transaction()?;
            let value = work(&transaction)?;
            transaction.commit()?;
            Ok(value)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    /// Runs `work` on a reader connection.
    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let readers = self.readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().map_err(|e| StoreError::Worker(e.to_string()))?.pop();
            let connection = match pooled {
                Some(connection) => connection,
                None => connect(&path)?,
            };
            let result = work(&connection);
            let mut idle = readers.lock().map_err(|e| StoreError::Worker(e.to_string()))?;
            if idle.len() < MAX_IDLE_READERS {
                idle.push(connection);
            }
            result
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    pub async fn migrate(&self) -> Result<usize, StoreError> {
        self.write(|tx| {
            tx.execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
            )?;
            let mut applied = 0;
            for &(version, sql) in MIGRATIONS {
                let done: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)", [version], |r| {
                        r.get(0)
                    })?;
                if !done {
                    tx.execute_batch(sql)?;
                    tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, 0)", [version])?;
                    applied += 1;
                }
            }
            Ok(applied)
        })
        .await
    }

    pub async fn is_ready(&self) -> Result<bool, StoreError> {
        self.read(|c| {
            let exists: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
                [],
                |r| r.get(0),
            )?;
            if !exists {
                return Ok(false);
            }
            let mut statement = c.prepare("SELECT version FROM schema_migrations")?;
            let applied = statement
                .query_map([], |r| r.get::<_, i64>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(MIGRATIONS.iter().all(|(version, _)| applied.contains(version)))
        })
        .await
    }

    pub async fn replace_units(&self, units: Vec<AdminUnit>, successions: Vec<Succession>) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute("DELETE FROM units", [])?;
            tx.execute("DELETE FROM successions", [])?;
            let mut insert = tx.prepare(
                "INSERT INTO units (code, valid_from, valid_to, name, name_key, level, parent, kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for unit in &units {
                insert.execute(params![
                    unit.code,
                    date_to_text(unit.valid_from),
                    unit.valid_to.map(|d| date_to_text(Some(d))),
                    unit.name,
                    match_key(&unit.name),
                    unit.level.as_str(),
                    unit.parent,
                    unit.kind
                ])?;
            }
            let mut insert = tx.prepare(
                "INSERT INTO successions (old_code, new_code, effective, share, exact) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for edge in &successions {
                insert.execute(params![
                    edge.old_code,
                    edge.new_code,
                    date_to_text(Some(edge.effective)),
                    edge.share,
                    edge.exact
                ])?;
            }
            Ok(())
        })
        .await
    }

    pub async fn unit_catalog(&self) -> Result<UnitCatalog, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(
                "SELECT code, name, level, parent, kind, valid_from, valid_to FROM units ORDER BY code, valid_from",
            )?;
            let units = statement
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let units = units
                .into_iter()
                .map(|(code, name, level, parent, kind, from, to)| {
                    let level = UnitLevel::parse(&level).ok_or(StoreError::Corrupt {
                        table: "units",
                        column: "level",
                        detail: level.clone(),
                    })?;
                    Ok(AdminUnit {
                        code,
                        name,
                        level,
                        parent,
                        kind,
                        valid_from: text_to_date(Some(&from)),
                        valid_to: text_to_date(to.as_deref()),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let mut statement = c.prepare("SELECT old_code, new_code, effective, share, exact FROM successions")?;
            let successions = statement
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter_map(|(old_code, new_code, effective, share, exact)| {
                    Some(Succession {
                        old_code,
                        new_code,
                        effective: text_to_date(Some(&effective))?,
                        share,
                        exact,
                    })
                })
                .collect();
            Ok(UnitCatalog::new(units, successions))
        })
        .await
    }

    pub async fn upsert_agency(&self, agency: Agency, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO agencies (key, name, responsible_person, responsible_title, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, responsible_person = excluded.responsible_person,
                     responsible_title = excluded.responsible_title, updated_at = excluded.updated_at",
                params![
                    agency.key,
                    agency.name,
                    agency.responsible_person,
                    agency.responsible_title,
                    now
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        self.read(|c| {
            let mut statement =
                c.prepare("SELECT key, name, responsible_person, responsible_title FROM agencies ORDER BY key")?;
            let rows = statement
                .query_map([], |r| {
                    Ok(Agency {
                        key: r.get(0)?,
                        name: r.get(1)?,
                        responsible_person: r.get(2)?,
                        responsible_title: r.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn upsert_source(&self, source: Source, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO sources (key, name, agency_key, kind, simulated, expected_interval_secs, description,
                     attribution, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, agency_key = excluded.agency_key,
                     kind = excluded.kind, simulated = excluded.simulated,
                     expected_interval_secs = excluded.expected_interval_secs, description = excluded.description,
                     attribution = excluded.attribution, updated_at = excluded.updated_at",
                params![
                    source.key,
                    source.name,
                    source.agency_key,
                    source.kind,
                    source.simulated,
                    source.expected_interval_secs,
                    source.description,
                    source.attribution,
                    now
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn upsert_entity(&self, entity: Entity) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO entities (key, name, kind, lat, lon, unit_code, source_key, simulated, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, kind = excluded.kind, lat = excluded.lat,
                     lon = excluded.lon, unit_code = excluded.unit_code, source_key = excluded.source_key,
                     simulated = excluded.simulated, note = excluded.note",
                params![
                    entity.key,
                    entity.name,
                    entity.kind,
                    entity.lat,
                    entity.lon,
                    entity.unit_code,
                    entity.source_key,
                    entity.simulated,
                    entity.note
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn source_statuses(&self) -> Result<Vec<SourceStatus>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(SOURCE_STATUS_SQL)?;
            let rows = statement
                .query_map([], |r| {
                    Ok(SourceStatus {
                        source: Source {
                            key: r.get(0)?,
                            name: r.get(1)?,
                            agency_key: r.get(2)?,
                            kind: r.get(3)?,
                            simulated: r.get(4)?,
                            expected_interval_secs: r.get(5)?,
                            description: r.get(6)?,
                            attribution: r.get(7)?,
                        },
                        agency_name: r.get(8)?,
                        responsible_person: r.get(9)?,
                        series_count: r.get(10)?,
                        last_received_at: r.get(11)?,
                        last_observation_time: r.get(12)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn entities(&self) -> Result<Vec<Entity>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(
                "SELECT key, name, kind, lat, lon, unit_code, source_key, simulated, note FROM entities ORDER BY key",
            )?;
            let rows = statement
                .query_map([], |r| {
                    Ok(Entity {
                        key: r.get(0)?,
                        name: r.get(1)?,
                        kind: r.get(2)?,
                        lat: r.get(3)?,
                        lon: r.get(4)?,
                        unit_code: r.get(5)?,
                        source_key: r.get(6)?,
                        simulated: r.get(7)?,
                        note: r.get(8)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn upsert_series(
        &self,
        d: SeriesDefinition,
        now: i64,
        audit: Option<AuditEvent>,
    ) -> Result<(SeriesRecord, bool), StoreError> {
        self.write(move |tx| {
            if let Some(event) = &audit {
                identity::append_audit_tx(tx, event)?;
            }
            let existed: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM series WHERE key = ?1)", [&d.key], |r| r.get(0))?;
            tx.execute(
                "INSERT INTO series (key, name, unit, indicator, min, max, expected_interval_secs, source_key,
                     unit_code, entity_key, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, unit = excluded.unit, indicator = excluded.indicator,
                     min = excluded.min,
                     max = excluded.max, expected_interval_secs = excluded.expected_interval_secs,
                     source_key = excluded.source_key, unit_code = excluded.unit_code,
                     entity_key = excluded.entity_key, updated_at = excluded.updated_at",
                params![
                    d.key,
                    d.name,
                    d.unit,
                    d.indicator,
                    d.min,
                    d.max,
                    d.expected_interval_secs,
                    d.source_key,
                    d.unit_code,
                    d.entity_key,
                    now
                ],
            )?;
            let record = select_series(tx, "key = ?1", &d.key)?
                .ok_or_else(|| StoreError::NotFound { what: "series", key: d.key.clone() })?;
            Ok((record, !existed))
        })
        .await
    }

    pub async fn series(&self, key: &str) -> Result<Option<SeriesRecord>, StoreError> {
        let key = key.to_owned();
        self.read(move |c| select_series(c, "key = ?1", &key)).await
    }

    pub async fn series_by_keys(&self, keys: Vec<String>) -> Result<HashMap<String, SeriesRecord>, StoreError> {
        self.read(move |c| {
            let mut found = HashMap::with_capacity(keys.len());
            for key in keys {
                if let Some(record) = select_series(c, "key = ?1", &key)? {
                    found.insert(key, record);
                }
            }
            Ok(found)
        })
        .await
    }

    pub async fn series_of_indicator(&self, indicator: String) -> Result<Vec<SeriesRecord>, StoreError> {
        self.read(move |c| {
            let sql = format!("SELECT {SERIES_COLUMNS} FROM series s WHERE s.indicator = ?1 ORDER BY s.key");
            let mut statement = c.prepare(&sql)?;
            let rows = statement
                .query_map([&indicator], series_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn rollups(
        &self,
        series_id: i64,
        step: Step,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Rollup)>, StoreError> {
        self.read(move |c| stored_rollups(c, series_id, step, from, to)).await
    }

    pub async fn series_summaries(&self) -> Result<Vec<SeriesSummary>, StoreError> {
        self.read(|c| {
            let sql = format!(
                "SELECT {SERIES_COLUMNS}, src.agency_key, COALESCE(src.simulated, 0),
                    (SELECT min(ts) FROM observations o WHERE o.series_id = s.id),
                    (SELECT max(ts) FROM observations o WHERE o.series_id = s.id),
                    (SELECT value FROM observations o WHERE o.series_id = s.id ORDER BY ts DESC LIMIT 1)
                 FROM series s LEFT JOIN sources src ON src.key = s.source_key ORDER BY s.key"
            );
            let mut statement = c.prepare(&sql)?;
            let rows = statement
                .query_map([], |r| {
                    Ok(SeriesSummary {
                        record: series_from_row(r)?,
                        agency_key: r.get(14)?,
                        simulated: r.get(15)?,
                        first_time: r.get(16)?,
                        last_time: r.get(17)?,
                        last_value: r.get(18)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn begin_batch(&self, batch: NewBatch, audit: Option<AuditEvent>) -> Result<(), StoreError> {
        self.write(move |tx| {
            if let Some(event) = &audit {
                identity::append_audit_tx(tx, event)?;
            }
            tx.execute(
                "INSERT INTO batches (id, seq, source_key, format, file_name, api_key_id, status, received_at)
                 VALUES (?1, (SELECT COALESCE(max(seq), 0) + 1 FROM batches), ?2, ?3, ?4, ?5, 'open', ?6)",
                params![
                    batch.id,
                    batch.source_key,
                    batch.format,
                    batch.file_name,
                    batch.api_key_id,
                    batch.received_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn write_chunk(
        &self,
        batch_id: String,
        rows: Vec<IncomingObservation>,
        rejected: Vec<NewRejectedRow>,
        now: i64,
    ) -> Result<BatchCounts, StoreError> {
        self.write(move |tx| write_chunk(tx, &batch_id, &rows, &rejected, now))
            .await
    }

    pub async fn superseded(&self, series_id: i64) -> Result<Vec<SupersededObservation>, StoreError> {
        self.read(move |c| {
            let mut statement = c.prepare(
                "SELECT ts, value, batch_id, row_no, ingested_at, replaced_by_batch, replaced_by_row
                 FROM superseded_observations WHERE series_id = ?1 ORDER BY ingested_at, ts, replaced_by_row",
            )?;
            let rows = statement
                .query_map([series_id], |r| {
                    Ok(SupersededObservation {
                        time: r.get(0)?,
                        value: r.get(1)?,
                        batch_id: r.get(2)?,
                        row: r.get(3)?,
                        ingested_at: r.get(4)?,
                        replaced_by_batch: r.get(5)?,
                        replaced_by_row: r.get(6)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn finish_batch(&self, batch_id: String, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE batches SET status = 'complete', finished_at = ?2 WHERE id = ?1",
                params![batch_id, now],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn batch(&self, batch_id: String) -> Result<Option<BatchRecord>, StoreError> {
        self.read(move |c| {
            let record = c
                .query_row(
                    "SELECT id, source_key, format, file_name, status, received_at, finished_at, accepted, duplicates,
                        conflicts, rejected, api_key_id FROM batches WHERE id = ?1",
                    [&batch_id],
                    |r| {
                        Ok(BatchRecord {
                            id: r.get(0)?,
                            source_key: r.get(1)?,
                            format: r.get(2)?,
                            file_name: r.get(3)?,
                            api_key_id: r.get(11)?,
                            status: r.get(4)?,
                            received_at: r.get(5)?,
                            finished_at: r.get(6)?,
                            counts: BatchCounts {
                                accepted: r.get(7)?,
                                duplicates: r.get(8)?,
                                conflicts: r.get(9)?,
                                rejected: r.get(10)?,
                            },
                        })
                    },
                )
                .optional()?;
            Ok(record)
        })
        .await
    }

    pub async fn rejected_rows(&self, batch_id: String) -> Result<Vec<RejectedRow>, StoreError> {
        self.read(move |c| {
            let mut statement = c.prepare(
                "SELECT row_no, reason_code, params, raw FROM rejected_rows WHERE batch_id = ?1 ORDER BY row_no",
            )?;
            let rows = statement
                .query_map([&batch_id], |r| {
                    let params: String = r.get(2)?;
                    Ok(RejectedRow {
                        row: r.get(0)?,
                        reason_code: r.get(1)?,
                        params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
                        raw: r.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn points(
        &self,
        series_id: i64,
        from: i64,
        to: i64,
        step: Step,
        aggregate: Aggregate,
    ) -> Result<Vec<Point>, StoreError> {
        self.read(move |c| {
            if step == Step::Raw {
                return Ok(raw_values(c, series_id, from, to)?
                    .into_iter()
                    .map(|(time, value)| Point { time, value })
                    .collect());
            }
            Ok(stored_rollups(c, series_id, step, from, to)?
                .into_iter()
                .map(|(time, rollup)| Point {
                    time,
                    value: rollup.value(aggregate),
                })
                .collect())
        })
        .await
    }

    pub async fn create_api_key(
        &self,
        record: ApiKeyRecord,
        key_hash: String,
        audit: Option<AuditEvent>,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            if let Some(event) = &audit {
                identity::append_audit_tx(tx, event)?;
            }
            tx.execute(
                "INSERT INTO api_keys (id, name, role, key_hash, created_at, agency_key, sources, expires_at, actions)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    record.id,
                    record.name,
                    record.role,
                    key_hash,
                    record.created_at,
                    record.agency_key,
                    record
                        .sources
                        .as_ref()
                        .map(|s| serde_json::to_string(s).unwrap_or_default()),
                    record.expires_at,
                    record
                        .actions
                        .as_ref()
                        .map(|a| serde_json::to_string(a).unwrap_or_default())
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn use_api_key(&self, key_hash: String, now: i64) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.write(move |tx| {
            let record = tx
                .query_row(
                    "UPDATE api_keys SET last_used_at = ?2
                     WHERE key_hash = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
                     RETURNING id, name, role, created_at, revoked_at, last_used_at, agency_key, sources, expires_at, actions",
                    params![key_hash, now],
                    api_key_from_row,
                )
                .optional()?;
            Ok(record)
        })
        .await
    }

    pub async fn revoke_api_key(&self, name: String, now: i64, audit: Option<AuditEvent>) -> Result<bool, StoreError> {
        self.write(move |tx| {
            if let Some(event) = &audit {
                identity::append_audit_tx(tx, event)?;
            }
            let changed = tx.execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                params![name, now],
            )?;
            Ok(changed > 0)
        })
        .await
    }

    pub async fn rotate_api_key(&self, name: String, key_hash: String, audit: AuditEvent) -> Result<bool, StoreError> {
        self.write(move |tx| {
            let changed = tx.execute(
                "UPDATE api_keys SET key_hash = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                params![name, key_hash],
            )?;
            identity::append_audit_tx(tx, &audit)?;
            Ok(changed > 0)
        })
        .await
    }

    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(
                "SELECT id, name, role, created_at, revoked_at, last_used_at, agency_key, sources, expires_at, actions
                 FROM api_keys ORDER BY created_at",
            )?;
            let rows = statement
                .query_map([], api_key_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn replace_boundaries(&self, boundaries: Vec<Boundary>) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute("DELETE FROM boundaries", [])?;
            let mut insert =
                tx.prepare("INSERT INTO boundaries (id, name, level, geometry) VALUES (?1, ?2, ?3, ?4)")?;
            for b in &boundaries {
                insert.execute(params![b.id, b.name, b.level, b.geometry])?;
            }
            Ok(())
        })
        .await
    }

    pub async fn boundaries(&self) -> Result<Vec<Boundary>, StoreError> {
        self.read(|c| {
            let mut statement =
                c.prepare("SELECT id, name, level, geometry FROM boundaries ORDER BY level DESC, id")?;
            let rows = statement
                .query_map([], |r| {
                    Ok(Boundary {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        level: r.get(2)?,
                        geometry: r.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn replace_storms(&self, storms: Vec<StormTrack>) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute("DELETE FROM storm_fixes", [])?;
            tx.execute("DELETE FROM storms", [])?;
            let mut storm = tx.prepare(
                "INSERT INTO storms (id, name, year, max_grade, min_distance_km, source_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut fix = tx.prepare(
                "INSERT INTO storm_fixes (storm_id, ts, grade, lat, lon, pressure_hpa, max_wind_kt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for s in &storms {
                storm.execute(params![s.id, s.name, s.year, s.max_grade, s.min_distance_km, s.source_key])?;
                for f in &s.fixes {
                    fix.execute(params![s.id, f.time, f.grade, f.lat, f.lon, f.pressure_hpa, f.max_wind_kt])?;
                }
            }
            Ok(())
        })
        .await
    }

    pub async fn storms(&self) -> Result<Vec<StormTrack>, StoreError> {
        self.read(|c| {
            let mut statement =
                c.prepare("SELECT id, name, year, max_grade, min_distance_km, source_key FROM storms ORDER BY id")?;
            let mut storms = statement
                .query_map([], |r| {
                    Ok(StormTrack {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        year: r.get(2)?,
                        max_grade: r.get(3)?,
                        min_distance_km: r.get(4)?,
                        source_key: r.get(5)?,
                        fixes: Vec::new(),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut fixes = c.prepare(
                "SELECT ts, grade, lat, lon, pressure_hpa, max_wind_kt FROM storm_fixes WHERE storm_id = ?1 ORDER BY ts",
            )?;
            for storm in &mut storms {
                storm.fixes = fixes
                    .query_map([&storm.id], |r| {
                        Ok(StormFix {
                            time: r.get(0)?,
                            grade: r.get(1)?,
                            lat: r.get(2)?,
                            lon: r.get(3)?,
                            pressure_hpa: r.get(4)?,
                            max_wind_kt: r.get(5)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
            }
            Ok(storms)
        })
        .await
    }
}

fn connect(path: &str) -> Result<Connection, StoreError> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    connection.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
    Ok(connection)
}

const SERIES_COLUMNS: &str = "s.id, s.key, s.name, s.unit, s.indicator, s.min, s.max, s.expected_interval_secs, s.source_key, \
     s.unit_code, s.entity_key, s.last_received_at, s.created_at, s.updated_at";

const SOURCE_STATUS_SQL: &str = "SELECT src.key, src.name, src.agency_key, src.kind, src.simulated,
        src.expected_interval_secs, src.description, src.attribution, a.name, a.responsible_person,
        (SELECT count(*) FROM series s WHERE s.source_key = src.key),
        (SELECT max(s.last_received_at) FROM series s WHERE s.source_key = src.key),
        (SELECT max(t) FROM (
            SELECT (SELECT max(ts) FROM observations o WHERE o.series_id = s.id) AS t FROM series s
                WHERE s.source_key = src.key
            UNION ALL
            SELECT f.ts FROM storm_fixes f JOIN storms st ON st.id = f.storm_id WHERE st.source_key = src.key
        ) AS times)
     FROM sources src JOIN agencies a ON a.key = src.agency_key ORDER BY src.key";

fn series_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SeriesRecord> {
    Ok(SeriesRecord {
        id: r.get(0)?,
        definition: SeriesDefinition {
            key: r.get(1)?,
            name: r.get(2)?,
            unit: r.get(3)?,
            indicator: r.get(4)?,
            min: r.get(5)?,
            max: r.get(6)?,
            expected_interval_secs: r.get(7)?,
            source_key: r.get(8)?,
            unit_code: r.get(9)?,
            entity_key: r.get(10)?,
        },
        last_received_at: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

fn select_series(c: &Connection, condition: &str, value: &str) -> Result<Option<SeriesRecord>, StoreError> {
    let sql = format!("SELECT {SERIES_COLUMNS} FROM series s WHERE s.{condition}");
    Ok(c.prepare_cached(&sql)?.query_row([value], series_from_row).optional()?)
}

fn api_key_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
        last_used_at: r.get(5)?,
        agency_key: r.get(6)?,
        sources: r
            .get::<_, Option<String>>(7)?
            .and_then(|s| serde_json::from_str(&s).ok()),
        expires_at: r.get(8)?,
        actions: r
            .get::<_, Option<String>>(9)?
            .and_then(|s| serde_json::from_str(&s).ok()),
    })
}

/// Classifies and writes one chunk; the caller holds the transaction.
fn write_chunk(
    tx: &Transaction<'_>,
    batch_id: &str,
    rows: &[IncomingObservation],
    rejected: &[NewRejectedRow],
    now: i64,
) -> Result<BatchCounts, StoreError> {
    let batch_seq: i64 = tx
        .query_row("SELECT seq FROM batches WHERE id = ?1", [batch_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "batch",
            key: batch_id.to_owned(),
        })?;
    let stored = stored_values_for(tx, rows)?;
    let plan = plan_batch(rows, &stored, ROLLUP_ZONE);

    let mut insert = tx.prepare_cached(
        "INSERT INTO observations (series_id, ts, value, batch_seq, row_no, ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for o in &plan.inserts {
        insert.execute(params![o.series_id, o.time, o.value, batch_seq, o.row, now])?;
    }
    let mut update = tx.prepare_cached(
        "UPDATE observations SET value = ?3, batch_seq = ?4, row_no = ?5, ingested_at = ?6 WHERE series_id = ?1 AND ts = ?2",
    )?;
    for o in &plan.updates {
        update.execute(params![o.series_id, o.time, o.value, batch_seq, o.row, now])?;
    }
    let mut superseded = tx.prepare_cached(
        "INSERT INTO superseded_observations (series_id, ts, value, batch_id, row_no, ingested_at, replaced_by_batch,
             replaced_by_row) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for s in &plan.superseded {
        let origin_batch = s.batch_id.as_deref().unwrap_or(batch_id);
        let ingested_at = s.ingested_at.unwrap_or(now);
        superseded.execute(params![
            s.series_id,
            s.time,
            s.value,
            origin_batch,
            s.row,
            ingested_at,
            batch_id,
            s.replaced_by_row
        ])?;
    }

    apply_rollups(tx, &plan)?;

    let mut reject = tx.prepare_cached(
        "INSERT INTO rejected_rows (batch_id, row_no, reason_code, params, raw) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for r in rejected {
        reject.execute(params![
            batch_id,
            r.row,
            r.reason.code(),
            r.reason.params().to_string(),
            r.raw
        ])?;
    }

    let counts = BatchCounts {
        accepted: plan.accepted,
        duplicates: plan.duplicates,
        conflicts: plan.conflicts,
        rejected: rejected.len() as u64,
    };
    tx.execute(
        "UPDATE batches SET row_count = row_count + ?2, accepted = accepted + ?3, duplicates = duplicates + ?4,
             conflicts = conflicts + ?5, rejected = rejected + ?6 WHERE id = ?1",
        params![
            batch_id,
            counts.rows(),
            counts.accepted,
            counts.duplicates,
            counts.conflicts,
            counts.rejected
        ],
    )?;
    let mut touch = tx.prepare_cached("UPDATE series SET last_received_at = ?2 WHERE id = ?1")?;
    let mut touched: Vec<i64> = rows.iter().map(|r| r.series_id).collect();
    touched.sort_unstable();
    touched.dedup();
    for series_id in touched {
        touch.execute(params![series_id, now])?;
    }
    Ok(counts)
}

/// Looks up the stored values that rows of the chunk may collide with. Rows later than the
/// latest stored time of their series cannot collide, so appends skip the lookup.
fn stored_values_for(
    tx: &Transaction<'_>,
    rows: &[IncomingObservation],
) -> Result<HashMap<(i64, i64), StoredObservation>, StoreError> {
    let mut latest: HashMap<i64, Option<i64>> = HashMap::new();
    let mut max_time = tx.prepare_cached("SELECT max(ts) FROM observations WHERE series_id = ?1")?;
    let mut lookup = tx.prepare_cached(
        "SELECT o.value, b.id, o.row_no, o.ingested_at FROM observations o JOIN batches b ON b.seq = o.batch_seq
         WHERE o.series_id = ?1 AND o.ts = ?2",
    )?;
    let mut stored = HashMap::new();
    for row in rows {
        let latest_time = match latest.get(&row.series_id) {
            Some(time) => *time,
            None => {
                let time: Option<i64> = max_time.query_row([row.series_id], |r| r.get(0))?;
                latest.insert(row.series_id, time);
                time
            }
        };
        if latest_time.is_none_or(|t| row.time > t) || stored.contains_key(&(row.series_id, row.time)) {
            continue;
        }
        let found = lookup
            .query_row(params![row.series_id, row.time], |r| {
                Ok(StoredObservation {
                    value: r.get(0)?,
                    batch_id: r.get(1)?,
                    row: r.get(2)?,
                    ingested_at: r.get(3)?,
                })
            })
            .optional()?;
        if let Some(found) = found {
            stored.insert((row.series_id, row.time), found);
        }
    }
    Ok(stored)
}

fn apply_rollups(tx: &Transaction<'_>, plan: &haidang_core::plan::WritePlan) -> Result<(), StoreError> {
    let mut merge = tx.prepare_cached(
        "INSERT INTO rollups (series_id, step, bucket, count, sum, min, max, last_ts, last_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (series_id, step, bucket) DO UPDATE SET
             count = rollups.count + excluded.count,
             sum = rollups.sum + excluded.sum,
             min = min(rollups.min, excluded.min),
             max = max(rollups.max, excluded.max),
             last_value = CASE WHEN excluded.last_ts >= rollups.last_ts THEN excluded.last_value ELSE rollups.last_value END,
             last_ts = max(rollups.last_ts, excluded.last_ts)",
    )?;
    for (step, series_id, bucket, r) in cascade_deltas(&plan.hour_deltas) {
        merge.execute(params![
            series_id,
            step_name(step),
            bucket,
            r.count,
            r.sum,
            r.min,
            r.max,
            r.last_time,
            r.last_value
        ])?;
    }

    let mut replace = tx.prepare_cached(
        "INSERT OR REPLACE INTO rollups (series_id, step, bucket, count, sum, min, max, last_ts, last_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut delete = tx.prepare_cached("DELETE FROM rollups WHERE series_id = ?1 AND step = ?2 AND bucket = ?3")?;
    for (step, series_id, start, end) in dirty_buckets(&plan.dirty_hours) {
        let parts: Vec<Rollup> = match source_step(step) {
            Step::Raw => raw_values(tx, series_id, start, end)?
                .into_iter()
                .map(|(t, v)| Rollup::of(t, v))
                .collect(),
            lower => stored_rollups(tx, series_id, lower, start, end)?
                .into_iter()
                .map(|(_, r)| r)
                .collect(),
        };
        match fold(parts) {
            Some(r) => {
                replace.execute(params![
                    series_id,
                    step_name(step),
                    start,
                    r.count,
                    r.sum,
                    r.min,
                    r.max,
                    r.last_time,
                    r.last_value
                ])?;
            }
            None => {
                delete.execute(params![series_id, step_name(step), start])?;
            }
        }
    }
    debug_assert_eq!(STEPS.len(), 3);
    Ok(())
}

fn raw_values(c: &Connection, series_id: i64, from: i64, to: i64) -> Result<Vec<(i64, f64)>, StoreError> {
    let mut statement = c.prepare_cached(
        "SELECT ts, value FROM observations WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
    )?;
    let rows = statement.query_map(params![series_id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn stored_rollups(
    c: &Connection,
    series_id: i64,
    step: Step,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, Rollup)>, StoreError> {
    let mut statement = c.prepare_cached(
        "SELECT bucket, count, sum, min, max, last_ts, last_value FROM rollups
         WHERE series_id = ?1 AND step = ?2 AND bucket >= ?3 AND bucket < ?4 ORDER BY bucket",
    )?;
    let rows = statement.query_map(params![series_id, step_name(step), from, to], |r| {
        Ok((
            r.get(0)?,
            Rollup {
                count: r.get(1)?,
                sum: r.get(2)?,
                min: r.get(3)?,
                max: r.get(4)?,
                last_time: r.get(5)?,
                last_value: r.get(6)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
