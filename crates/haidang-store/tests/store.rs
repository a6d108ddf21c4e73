//! Integration tests of the store, each run against SQLite and PostgreSQL.

// A failed step panics, because that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use chrono::NaiveDate;
use haidang_core::RejectReason;
use haidang_core::observation::{Aggregate, Step};
use haidang_core::plan::IncomingObservation;
use haidang_core::units::{AdminUnit, Carried, Succession, UnitLevel};
use haidang_store::{
    Agency, ApiKeyRecord, BatchCounts, Boundary, Entity, NewBatch, NewRejectedRow, Point, SeriesDefinition, Source,
    Store, StormFix, StormTrack,
};

use common::{SupersededRow, assert_rollups_match_raw, ms, open_store, superseded_rows};

on_both_backends!(
    migrations_apply_once,
    series_upsert_reports_creation,
    chunk_counts_every_row_once,
    conflict_across_batches_keeps_superseded,
    conflict_across_chunks_of_one_batch,
    late_rows_keep_rollups_exact,
    conflict_on_hour_maximum_and_last,
    rollups_use_local_days_and_months,
    units_resolve_codes_by_date,
    api_key_lifecycle,
    summaries_and_source_statuses,
    boundaries_and_storms_round_trip,
    reopened_store_keeps_data,
);

const NOW: i64 = 1_750_000_000_000;

fn series(key: &str, min: Option<f64>, max: Option<f64>) -> SeriesDefinition {
    SeriesDefinition {
        key: key.to_owned(),
        name: format!("Series {key}"),
        unit: "µg/m³".to_owned(),
        indicator: Some(key.rsplit('.').next().unwrap_or_default().to_owned()),
        min,
        max,
        expected_interval_secs: Some(3600),
        source_key: None,
        unit_code: None,
        entity_key: None,
    }
}

async fn define(store: &Store, key: &str) -> i64 {
    let (record, created) = store
        .upsert_series(series(key, Some(0.0), Some(500.0)), NOW)
        .await
        .expect("upsert series");
    assert!(created, "series {key} already existed");
    record.id
}

fn batch(id: &str) -> NewBatch {
    NewBatch {
        id: id.to_owned(),
        source_key: None,
        format: "csv".to_owned(),
        file_name: Some("test.csv".to_owned()),
        api_key_id: None,
        received_at: NOW,
    }
}

fn obs(series_id: i64, time: &str, value: f64, row: i64) -> IncomingObservation {
    IncomingObservation {
        series_id,
        time: ms(time),
        value,
        row,
    }
}

/// Writes `rows` as one complete batch of one chunk and returns its counts.
async fn write_batch(store: &Store, batch_id: &str, rows: Vec<IncomingObservation>) -> BatchCounts {
    store.begin_batch(batch(batch_id)).await.expect("begin batch");
    let counts = store
        .write_chunk(batch_id, rows, Vec::new(), NOW)
        .await
        .expect("write chunk");
    store.finish_batch(batch_id, NOW + 1).await.expect("finish batch");
    counts
}

async fn raw(store: &Store, series_id: i64, from: &str, to: &str) -> Vec<(i64, f64)> {
    let points = store
        .points(series_id, ms(from), ms(to), Step::Raw, Aggregate::Last)
        .await
        .expect("read raw");
    points.iter().map(|p| (p.time, p.value)).collect()
}

async fn bucket_values(store: &Store, series_id: i64, step: Step, aggregate: Aggregate) -> Vec<(i64, f64)> {
    let points: Vec<Point> = store
        .points(
            series_id,
            ms("2025-01-01T00:00:00+07:00"),
            ms("2026-01-01T00:00:00+07:00"),
            step,
            aggregate,
        )
        .await
        .expect("read rollups");
    points.iter().map(|p| (p.time, p.value)).collect()
}

async fn migrations_apply_once(url: &str) {
    let backend = if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let folder = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
    let files = std::fs::read_dir(&folder)
        .expect("list migrations")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    let store = Store::open(url).await.expect("open store");
    assert!(!store.is_ready().await.expect("readiness before migrating"));
    assert_eq!(
        store.migrate().await.expect("first migration"),
        files,
        "one per file in {folder}"
    );
    assert_eq!(store.migrate().await.expect("second migration"), 0);
    assert!(store.is_ready().await.expect("readiness after migrating"));
}

async fn series_upsert_reports_creation(url: &str) {
    let store = open_store(url).await;
    let (first, created) = store
        .upsert_series(series("pt.pm25", Some(0.0), None), NOW)
        .await
        .expect("create");
    assert!(created);
    assert_eq!(first.created_at, NOW);

    let mut changed = series("pt.pm25", Some(0.0), Some(1000.0));
    changed.name = "Bụi mịn PM2.5 Phan Thiết".to_owned();
    let (second, created) = store.upsert_series(changed.clone(), NOW + 5).await.expect("update");
    assert!(!created);
    assert_eq!(second.id, first.id);
    assert_eq!(second.definition, changed);
    assert_eq!(second.created_at, NOW);
    assert_eq!(second.updated_at, NOW + 5);

    assert_eq!(
        store.series("pt.pm25").await.expect("read").map(|r| r.id),
        Some(first.id)
    );
    assert_eq!(store.series("pt.none").await.expect("read missing"), None);
    let found = store
        .series_by_keys(vec!["pt.pm25".into(), "pt.none".into()])
        .await
        .expect("read by keys");
    assert_eq!(found.len(), 1);
    assert_eq!(found.get("pt.pm25").map(|r| r.id), Some(first.id));

    let (other, _) = store
        .upsert_series(series("mn.pm25", None, None), NOW)
        .await
        .expect("create another");
    define(&store, "pt.temp").await;
    let measuring: Vec<i64> = store
        .series_of_indicator("pm25")
        .await
        .expect("by indicator")
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(measuring, vec![other.id, first.id], "ordered by key");
}

async fn chunk_counts_every_row_once(url: &str) {
    let store = open_store(url).await;
    let pm25 = define(&store, "pt.pm25").await;
    let temp = define(&store, "pt.temp").await;
    store.begin_batch(batch("b1")).await.expect("begin");

    let rows = vec![
        obs(pm25, "2025-07-01T01:00:00Z", 12.5, 1),
        obs(pm25, "2025-07-01T00:30:00Z", 11.0, 2),
        obs(pm25, "2025-07-01T01:00:00Z", 12.5, 3),
        obs(pm25, "2025-07-01T01:00:00Z", 14.0, 5),
        obs(temp, "2025-07-01T01:00:00Z", 31.0, 6),
    ];
    let rejected = vec![
        NewRejectedRow {
            row: 4,
            reason: RejectReason::InvalidNumber {
                field: "value".into(),
                value: "12,5".into(),
            },
            raw: "pt.pm25,2025-07-01 08:00,\"12,5\"".into(),
        },
        NewRejectedRow {
            row: 7,
            reason: RejectReason::OutOfRange {
                value: 900.0,
                min: Some(0.0),
                max: Some(500.0),
            },
            raw: "pt.pm25,2025-07-01 09:00,900".into(),
        },
    ];
    let counts = store.write_chunk("b1", rows, rejected, NOW).await.expect("write chunk");
    assert_eq!(
        counts,
        BatchCounts {
            accepted: 3,
            duplicates: 1,
            conflicts: 1,
            rejected: 2
        }
    );
    store.finish_batch("b1", NOW + 10).await.expect("finish");

    let record = store.batch("b1").await.expect("read batch").expect("batch exists");
    assert_eq!(record.counts, counts);
    assert_eq!(record.status, "complete");
    assert_eq!(record.finished_at, Some(NOW + 10));
    assert_eq!(store.batch("b-none").await.expect("read missing batch"), None);

    let stored = store.rejected_rows("b1").await.expect("read rejected rows");
    let summary: Vec<(i64, &str)> = stored.iter().map(|r| (r.row, r.reason_code.as_str())).collect();
    assert_eq!(summary, vec![(4, "INVALID_NUMBER"), (7, "OUT_OF_RANGE")]);
    assert_eq!(
        stored[0].params,
        serde_json::json!({ "field": "value", "value": "12,5" })
    );
    assert_eq!(stored[0].raw, "pt.pm25,2025-07-01 08:00,\"12,5\"");
    assert_eq!(
        stored[1].params,
        serde_json::json!({ "value": 900.0, "min": 0.0, "max": 500.0 })
    );

    let current = raw(&store, pm25, "2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z").await;
    assert_eq!(
        current,
        vec![(ms("2025-07-01T00:30:00Z"), 11.0), (ms("2025-07-01T01:00:00Z"), 14.0)]
    );
    let superseded = superseded_rows(url).await;
    assert_eq!(
        superseded,
        vec![SupersededRow {
            series_id: pm25,
            time: ms("2025-07-01T01:00:00Z"),
            value: 12.5,
            batch_id: "b1".into(),
            row: 1,
            replaced_by_batch: "b1".into(),
            replaced_by_row: 5,
        }]
    );
}

async fn conflict_across_batches_keeps_superseded(url: &str) {
    let store = open_store(url).await;
    let pm25 = define(&store, "pt.pm25").await;
    let first = write_batch(
        &store,
        "b1",
        vec![
            obs(pm25, "2025-07-01T01:00:00Z", 10.0, 1),
            obs(pm25, "2025-07-01T02:00:00Z", 20.0, 2),
        ],
    )
    .await;
    assert_eq!(
        first,
        BatchCounts {
            accepted: 2,
            duplicates: 0,
            conflicts: 0,
            rejected: 0
        }
    );

    let second = write_batch(
        &store,
        "b2",
        vec![
            obs(pm25, "2025-07-01T02:00:00Z", 20.0, 1),
            obs(pm25, "2025-07-01T01:00:00Z", 10.5, 2),
            obs(pm25, "2025-07-01T01:00:00Z", 10.75, 3),
        ],
    )
    .await;
    assert_eq!(
        second,
        BatchCounts {
            accepted: 0,
            duplicates: 1,
            conflicts: 2,
            rejected: 0
        }
    );

    let current = raw(&store, pm25, "2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z").await;
    assert_eq!(
        current,
        vec![(ms("2025-07-01T01:00:00Z"), 10.75), (ms("2025-07-01T02:00:00Z"), 20.0)]
    );
    let superseded = superseded_rows(url).await;
    let replaced: Vec<(f64, &str, i64, &str, i64)> = superseded
        .iter()
        .map(|s| {
            (
                s.value,
                s.batch_id.as_str(),
                s.row,
                s.replaced_by_batch.as_str(),
                s.replaced_by_row,
            )
        })
        .collect();
    assert_eq!(replaced, vec![(10.0, "b1", 1, "b2", 2), (10.5, "b2", 2, "b2", 3)]);
    assert_rollups_match_raw(
        &store,
        pm25,
        ms("2025-07-01T00:00:00+07:00"),
        ms("2025-08-01T00:00:00+07:00"),
    )
    .await;
}

async fn conflict_across_chunks_of_one_batch(url: &str) {
    let store = open_store(url).await;
    let pm25 = define(&store, "pt.pm25").await;
    store.begin_batch(batch("b1")).await.expect("begin");
    let first = store
        .write_chunk(
            "b1",
            vec![
                obs(pm25, "2025-07-01T01:00:00Z", 4.0, 1),
                obs(pm25, "2025-07-01T01:30:00Z", 8.0, 2),
            ],
            Vec::new(),
            NOW,
        )
        .await
        .expect("first chunk");
    let second = store
        .write_chunk(
            "b1",
            vec![
                obs(pm25, "2025-07-01T01:00:00Z", 6.0, 3),
                obs(pm25, "2025-07-01T01:30:00Z", 8.0, 4),
            ],
            Vec::new(),
            NOW,
        )
        .await
        .expect("second chunk");
    store.finish_batch("b1", NOW).await.expect("finish");
    assert_eq!(
        first,
        BatchCounts {
            accepted: 2,
            duplicates: 0,
            conflicts: 0,
            rejected: 0
        }
    );
    assert_eq!(
        second,
        BatchCounts {
            accepted: 0,
            duplicates: 1,
            conflicts: 1,
            rejected: 0
        }
    );
    let total = store
        .batch("b1")
        .await
        .expect("read batch")
        .expect("batch exists")
        .counts;
    assert_eq!(
        total,
        BatchCounts {
            accepted: 2,
            duplicates: 1,
            conflicts: 1,
            rejected: 0
        }
    );

    let superseded = superseded_rows(url).await;
    assert_eq!(superseded.len(), 1);
    assert_eq!(
        (superseded[0].value, superseded[0].row, superseded[0].replaced_by_row),
        (4.0, 1, 3)
    );
    let hour_min = bucket_values(&store, pm25, Step::Hour, Aggregate::Min).await;
    assert_eq!(hour_min, vec![(ms("2025-07-01T01:00:00Z"), 6.0)]);
    assert_rollups_match_raw(
        &store,
        pm25,
        ms("2025-07-01T00:00:00+07:00"),
        ms("2025-08-01T00:00:00+07:00"),
    )
    .await;
}

async fn late_rows_keep_rollups_exact(url: &str) {
    let store = open_store(url).await;
    let pm25 = define(&store, "pt.pm25").await;
    write_batch(
        &store,
        "b1",
        vec![
            obs(pm25, "2025-07-01T01:00:00Z", 10.0, 1),
            obs(pm25, "2025-07-01T01:10:00Z", 4.0, 2),
            obs(pm25, "2025-07-01T01:20:00Z", 12.0, 3),
            obs(pm25, "2025-07-01T02:00:00Z", 7.0, 4),
            obs(pm25, "2025-07-02T02:00:00Z", 3.0, 5),
        ],
    )
    .await;
    let hour = ms("2025-07-01T01:00:00Z");
    assert!(
        bucket_values(&store, pm25, Step::Hour, Aggregate::Min)
            .await
            .contains(&(hour, 4.0))
    );

    // A late value in the rolled-up hour, and a new value for that hour's minimum.
    let counts = write_batch(
        &store,
        "b2",
        vec![
            obs(pm25, "2025-07-01T01:30:00Z", 15.0, 1),
            obs(pm25, "2025-07-01T01:10:00Z", 9.0, 2),
        ],
    )
    .await;
    assert_eq!(
        counts,
        BatchCounts {
            accepted: 1,
            duplicates: 0,
            conflicts: 1,
            rejected: 0
        }
    );

    let expected = [
        (Aggregate::Count, 4.0),
        (Aggregate::Sum, 46.0),
        (Aggregate::Min, 9.0),
        (Aggregate::Max, 15.0),
        (Aggregate::Avg, 11.5),
        (Aggregate::Last, 15.0),
    ];
    for (aggregate, value) in expected {
        let hours = bucket_values(&store, pm25, Step::Hour, aggregate).await;
        assert!(hours.contains(&(hour, value)), "{aggregate:?} of the hour: {hours:?}");
    }
    // Every value but the one at 2 July 02:00Z (09:00 local) falls on the local day of 1 July.
    let day_min = bucket_values(&store, pm25, Step::Day, Aggregate::Min).await;
    assert_eq!(
        day_min,
        vec![
            (ms("2025-07-01T00:00:00+07:00"), 7.0),
            (ms("2025-07-02T00:00:00+07:00"), 3.0)
        ]
    );
    let month_min = bucket_values(&store, pm25, Step::Month, Aggregate::Min).await;
    assert_eq!(month_min, vec![(ms("2025-07-01T00:00:00+07:00"), 3.0)]);
    assert_rollups_match_raw(
        &store,
        pm25,
        ms("2025-07-01T00:00:00+07:00"),
        ms("2025-08-01T00:00:00+07:00"),
    )
    .await;
}

async fn conflict_on_hour_maximum_and_last(url: &str) {
    let store = open_store(url).await;
    let pm25 = define(&store, "pt.pm25").await;
    write_batch(
        &store,
        "b1",
        vec![
            obs(pm25, "2025-07-01T01:05:00Z", 2.0, 1),
            obs(pm25, "2025-07-01T01:50:00Z", 40.0, 2),
            obs(pm25, "2025-07-01T03:00:00Z", 1.0, 3),
        ],
    )
    .await;

    // Row 1 lowers the hour's maximum, which is also its last value. Rows 2 and 3 change
    // another stored value and then restore it within the same batch.
    let counts = write_batch(
        &store,
        "b2",
        vec![
            obs(pm25, "2025-07-01T01:50:00Z", 5.0, 1),
            obs(pm25, "2025-07-01T03:00:00Z", 6.0, 2),
            obs(pm25, "2025-07-01T03:00:00Z", 1.0, 3),
        ],
    )
    .await;
    assert_eq!(
        counts,
        BatchCounts {
            accepted: 0,
            duplicates: 0,
            conflicts: 3,
            rejected: 0
        }
    );

    let hour = ms("2025-07-01T01:00:00Z");
    let max = bucket_values(&store, pm25, Step::Hour, Aggregate::Max).await;
    assert!(max.contains(&(hour, 5.0)), "{max:?}");
    let last = bucket_values(&store, pm25, Step::Hour, Aggregate::Last).await;
    assert!(last.contains(&(hour, 5.0)), "{last:?}");

    let current = raw(&store, pm25, "2025-07-01T03:00:00Z", "2025-07-01T04:00:00Z").await;
    assert_eq!(current, vec![(ms("2025-07-01T03:00:00Z"), 1.0)]);
    assert_rollups_match_raw(
        &store,
        pm25,
        ms("2025-07-01T00:00:00+07:00"),
        ms("2025-08-01T00:00:00+07:00"),
    )
    .await;
}

async fn rollups_use_local_days_and_months(url: &str) {
    let store = open_store(url).await;
    let temp = define(&store, "pt.temp").await;
    // 16:30Z and 17:30Z on 31 July are 23:30 on 31 July and 00:30 on 1 August in Vietnam.
    write_batch(
        &store,
        "b1",
        vec![
            obs(temp, "2025-07-31T17:30:00Z", 25.5, 1),
            obs(temp, "2025-07-31T16:30:00Z", 26.5, 2),
            obs(temp, "2025-07-31T10:00:00Z", 30.0, 3),
            obs(temp, "2025-06-30T17:10:00Z", 24.0, 4),
        ],
    )
    .await;
    let day_count = bucket_values(&store, temp, Step::Day, Aggregate::Count).await;
    assert_eq!(
        day_count,
        vec![
            (ms("2025-07-01T00:00:00+07:00"), 1.0),
            (ms("2025-07-31T00:00:00+07:00"), 2.0),
            (ms("2025-08-01T00:00:00+07:00"), 1.0),
        ]
    );
    let month_sum = bucket_values(&store, temp, Step::Month, Aggregate::Sum).await;
    assert_eq!(
        month_sum,
        vec![
            (ms("2025-07-01T00:00:00+07:00"), 80.5),
            (ms("2025-08-01T00:00:00+07:00"), 25.5)
        ]
    );
    assert_rollups_match_raw(
        &store,
        temp,
        ms("2025-06-01T00:00:00+07:00"),
        ms("2025-09-01T00:00:00+07:00"),
    )
    .await;
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn commune(code: &str, name: &str, parent: &str, from: Option<&str>, to: Option<&str>) -> AdminUnit {
    AdminUnit {
        code: code.to_owned(),
        name: name.to_owned(),
        level: UnitLevel::Commune,
        parent: Some(parent.to_owned()),
        kind: name.split(' ').next().unwrap_or_default().to_owned(),
        valid_from: from.map(date),
        valid_to: to.map(date),
    }
}

fn succession(old: &str, new: &str, share: f64, exact: bool) -> Succession {
    Succession {
        old_code: old.to_owned(),
        new_code: new.to_owned(),
        effective: date("2025-07-01"),
        share,
        exact,
    }
}

async fn units_resolve_codes_by_date(url: &str) {
    let store = open_store(url).await;
    let province = AdminUnit {
        code: "68".into(),
        name: "Tỉnh Lâm Đồng".into(),
        level: UnitLevel::Province,
        parent: None,
        kind: "Tỉnh".into(),
        valid_from: None,
        valid_to: None,
    };
    let units = vec![
        province,
        commune("22918", "Phường Hàm Tiến", "593", None, Some("2025-06-30")),
        commune("22915", "Phường Mũi Né", "593", None, Some("2025-06-30")),
        commune("22978", "Xã Phong Phú", "595", None, Some("2025-06-30")),
        commune("22918", "Phường Mũi Né", "68", Some("2025-07-01"), None),
        commune("22972", "Xã Tuy Phong", "68", Some("2025-07-01"), None),
        commune("22981", "Xã Liên Hương", "68", Some("2025-07-01"), None),
    ];
    let successions = vec![
        succession("22918", "22918", 1.0, true),
        succession("22915", "22918", 1.0, true),
        succession("22978", "22972", 0.5, false),
        succession("22978", "22981", 0.5, false),
    ];
    store
        .replace_units(units.clone(), successions)
        .await
        .expect("load units");
    // Loading again replaces rather than duplicates.
    let successions = vec![
        succession("22918", "22918", 1.0, true),
        succession("22915", "22918", 1.0, true),
        succession("22978", "22972", 0.5, false),
        succession("22978", "22981", 0.5, false),
    ];
    store.replace_units(units, successions).await.expect("reload units");

    let catalog = store.unit_catalog().await.expect("read catalog");
    let name = |code: &str, on: &str| catalog.find(code, date(on)).map(|u| u.name.clone());
    assert_eq!(name("22918", "2024-06-01").as_deref(), Some("Phường Hàm Tiến"));
    assert_eq!(name("22918", "2025-06-30").as_deref(), Some("Phường Hàm Tiến"));
    assert_eq!(name("22918", "2025-07-01").as_deref(), Some("Phường Mũi Né"));
    assert_eq!(name("22918", "2026-01-01").as_deref(), Some("Phường Mũi Né"));
    assert_eq!(name("22915", "2026-01-01"), None);
    assert_eq!(name("68", "2026-01-01").as_deref(), Some("Tỉnh Lâm Đồng"));

    let province_children = catalog.in_force(date("2026-01-01"), Some("68"));
    assert_eq!(province_children.len(), 3);
    assert_eq!(catalog.in_force(date("2024-06-01"), None).len(), 4);

    let merged = catalog.carry("22915", date("2024-06-01"), date("2026-01-01"));
    assert_eq!(
        merged,
        vec![Carried {
            code: "22918".into(),
            share: 1.0,
            exact: true
        }]
    );
    let mut split = catalog.carry("22978", date("2024-06-01"), date("2026-01-01"));
    split.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(
        split,
        vec![
            Carried {
                code: "22972".into(),
                share: 0.5,
                exact: false
            },
            Carried {
                code: "22981".into(),
                share: 0.5,
                exact: false
            },
        ]
    );
}

async fn api_key_lifecycle(url: &str) {
    let store = open_store(url).await;
    let record = ApiKeyRecord {
        actions: None,
        agency_key: None,
        sources: None,
        expires_at: None,
        id: "key-1".into(),
        name: "so-tnmt-feed".into(),
        role: "ingest".into(),
        created_at: NOW,
        revoked_at: None,
        last_used_at: None,
    };
    store
        .create_api_key(record.clone(), "hash-1".into())
        .await
        .expect("create key");
    assert_eq!(store.api_keys().await.expect("list keys"), vec![record.clone()]);

    let used = store
        .use_api_key("hash-1".into(), NOW + 100)
        .await
        .expect("use key")
        .expect("key is active");
    assert_eq!(used.id, "key-1");
    assert_eq!(used.last_used_at, Some(NOW + 100));
    let used = store
        .use_api_key("hash-1".into(), NOW + 200)
        .await
        .expect("use key")
        .expect("key is active");
    assert_eq!(used.last_used_at, Some(NOW + 200));
    assert_eq!(
        store
            .use_api_key("hash-other".into(), NOW + 200)
            .await
            .expect("use unknown key"),
        None
    );

    assert!(store.revoke_api_key("so-tnmt-feed", NOW + 300).await.expect("revoke"));
    assert!(
        !store
            .revoke_api_key("so-tnmt-feed", NOW + 400)
            .await
            .expect("revoke again")
    );
    assert!(
        !store
            .revoke_api_key("no-such-key", NOW + 400)
            .await
            .expect("revoke unknown")
    );
    assert_eq!(
        store
            .use_api_key("hash-1".into(), NOW + 500)
            .await
            .expect("use revoked key"),
        None
    );

    let listed = store.api_keys().await.expect("list keys");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(NOW + 300));
    assert_eq!(
        listed[0].last_used_at,
        Some(NOW + 200),
        "a rejected use must not count as a use"
    );
}

async fn summaries_and_source_statuses(url: &str) {
    let store = open_store(url).await;
    let agency = Agency {
        key: "so-tnmt".into(),
        name: "Sở Tài nguyên và Môi trường".into(),
        responsible_person: "Nguyễn Văn A".into(),
        responsible_title: Some("Phó Giám đốc".into()),
    };
    store.upsert_agency(agency, NOW).await.expect("agency");
    let source = Source {
        key: "air-stations".into(),
        name: "Trạm quan trắc không khí".into(),
        agency_key: "so-tnmt".into(),
        kind: "push".into(),
        simulated: true,
        expected_interval_secs: Some(3600),
        description: None,
        attribution: None,
    };
    store.upsert_source(source.clone(), NOW).await.expect("source");
    let entity = Entity {
        key: "station-pt".into(),
        name: "Trạm Phan Thiết".into(),
        kind: "station".into(),
        lat: Some(10.93),
        lon: Some(108.1),
        unit_code: Some("22918".into()),
        source_key: Some("air-stations".into()),
        simulated: true,
        note: None,
    };
    store.upsert_entity(entity.clone()).await.expect("entity");
    assert_eq!(store.entities().await.expect("entities"), vec![entity]);

    let mut definition = series("pt.pm25", Some(0.0), Some(500.0));
    definition.source_key = Some("air-stations".into());
    definition.entity_key = Some("station-pt".into());
    let (record, _) = store.upsert_series(definition, NOW).await.expect("series");
    let idle = define(&store, "pt.idle").await;
    write_batch(
        &store,
        "b1",
        vec![
            obs(record.id, "2025-07-01T02:00:00Z", 20.0, 1),
            obs(record.id, "2025-07-01T01:00:00Z", 10.0, 2),
        ],
    )
    .await;

    let summaries = store.series_summaries().await.expect("summaries");
    let keys: Vec<&str> = summaries.iter().map(|s| s.record.definition.key.as_str()).collect();
    assert_eq!(keys, vec!["pt.idle", "pt.pm25"]);
    let active = &summaries[1];
    assert_eq!(active.agency_key.as_deref(), Some("so-tnmt"));
    assert!(active.simulated);
    assert_eq!(active.first_time, Some(ms("2025-07-01T01:00:00Z")));
    assert_eq!(active.last_time, Some(ms("2025-07-01T02:00:00Z")));
    assert_eq!(active.last_value, Some(20.0));
    assert_eq!(active.record.last_received_at, Some(NOW));
    assert_eq!(summaries[0].record.id, idle);
    assert_eq!((summaries[0].first_time, summaries[0].last_value), (None, None));

    let statuses = store.source_statuses().await.expect("statuses");
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0].source, source);
    assert_eq!(statuses[0].agency_name, "Sở Tài nguyên và Môi trường");
    assert_eq!(statuses[0].series_count, 1);
    assert_eq!(statuses[0].last_received_at, Some(NOW));
    assert_eq!(statuses[0].last_observation_time, Some(ms("2025-07-01T02:00:00Z")));
}

async fn boundaries_and_storms_round_trip(url: &str) {
    let store = open_store(url).await;
    let boundary = Boundary {
        id: "22918".into(),
        name: "Phường Mũi Né".into(),
        level: "commune".into(),
        geometry: r#"{"type":"Polygon","coordinates":[[[108.2,10.9],[108.3,10.9],[108.3,11.0],[108.2,10.9]]]}"#.into(),
    };
    store
        .replace_boundaries(vec![boundary.clone()])
        .await
        .expect("boundaries");
    store
        .replace_boundaries(vec![boundary.clone()])
        .await
        .expect("boundaries again");
    assert_eq!(store.boundaries().await.expect("read boundaries"), vec![boundary]);

    let storm = StormTrack {
        id: "2313".into(),
        name: "KOINU".into(),
        year: 2023,
        max_grade: 5,
        min_distance_km: Some(812.5),
        source_key: None,
        fixes: vec![
            StormFix {
                time: ms("2023-10-01T00:00:00Z"),
                grade: 2,
                lat: 15.2,
                lon: 135.1,
                pressure_hpa: Some(1004.0),
                max_wind_kt: None,
            },
            StormFix {
                time: ms("2023-10-01T06:00:00Z"),
                grade: 3,
                lat: 15.9,
                lon: 134.0,
                pressure_hpa: Some(998.0),
                max_wind_kt: Some(40.0),
            },
        ],
    };
    store.replace_storms(vec![storm.clone()]).await.expect("storms");
    store.replace_storms(vec![storm.clone()]).await.expect("storms again");
    assert_eq!(store.storms().await.expect("read storms"), vec![storm]);
}

async fn reopened_store_keeps_data(url: &str) {
    let pm25 = {
        let store = open_store(url).await;
        let pm25 = define(&store, "pt.pm25").await;
        write_batch(&store, "b1", vec![obs(pm25, "2025-07-01T01:00:00Z", 10.0, 1)]).await;
        pm25
    };
    let store = open_store(url).await;
    assert!(store.is_ready().await.expect("readiness"));
    let current = raw(&store, pm25, "2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z").await;
    assert_eq!(current, vec![(ms("2025-07-01T01:00:00Z"), 10.0)]);
    let counts = write_batch(&store, "b2", vec![obs(pm25, "2025-07-01T01:00:00Z", 10.0, 1)]).await;
    assert_eq!(
        counts,
        BatchCounts {
            accepted: 0,
            duplicates: 1,
            conflicts: 0,
            rejected: 0
        }
    );
}
