//! Fresh databases for the integration tests, on either backend.
//!
//! SQLite databases live in a temporary folder. A PostgreSQL database is created for one
//! test on the server named by `HAIDANG_TEST_POSTGRES_URL` and dropped when the test ends.
//! When that server cannot be reached the PostgreSQL tests fail: they are never skipped.

#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::DateTime;
use haidang_core::observation::{Aggregate, Step};
use haidang_core::rollup::Rollup;
use haidang_core::time::{LOCAL_ZONE, bucket_start};
use haidang_store::Store;
use sqlx::{Connection, PgConnection, Row};

pub use haidang_testkit::{Backend, TestDatabase};

/// Runs each named case, an `async fn(&str)` taking a database URL, once per backend, as
/// the tests `sqlite::CASE` and `postgres::CASE`.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let database = crate::common::TestDatabase::create(crate::common::Backend::Sqlite).await;
                    super::$case(&database.url).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let database = crate::common::TestDatabase::create(crate::common::Backend::Postgres).await;
                    super::$case(&database.url).await;
                }
            )*
        }
    };
}

/// Opens the store at `url` and applies the migrations.
pub async fn open_store(url: &str) -> Store {
    let store = Store::open(url)
        .await
        .unwrap_or_else(|error| panic!("open the store at {url}: {error}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|error| panic!("migrate the store at {url}: {error}"));
    store
}

/// Returns UTC epoch milliseconds of an RFC 3339 time.
pub fn ms(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("bad test time {rfc3339}: {e}"))
        .timestamp_millis()
}

/// A value replaced by a later one, as stored in `superseded_observations`.
#[derive(Debug, Clone, PartialEq)]
pub struct SupersededRow {
    pub series_id: i64,
    pub time: i64,
    pub value: f64,
    pub batch_id: String,
    pub row: i64,
    pub replaced_by_batch: String,
    pub replaced_by_row: i64,
}

const SUPERSEDED_SQL: &str = "SELECT series_id, ts, value, batch_id, row_no, replaced_by_batch, replaced_by_row \
     FROM superseded_observations ORDER BY series_id, ts, replaced_by_batch, replaced_by_row";

/// Reads `superseded_observations` directly, since the store offers no query for it.
pub async fn superseded_rows(url: &str) -> Vec<SupersededRow> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let connection = rusqlite::Connection::open(path).expect("open SQLite for reading");
        let mut statement = connection.prepare(SUPERSEDED_SQL).expect("prepare");
        let rows = statement
            .query_map([], |r| {
                Ok(SupersededRow {
                    series_id: r.get(0)?,
                    time: r.get(1)?,
                    value: r.get(2)?,
                    batch_id: r.get(3)?,
                    row: r.get(4)?,
                    replaced_by_batch: r.get(5)?,
                    replaced_by_row: r.get(6)?,
                })
            })
            .expect("query superseded observations");
        return rows
            .collect::<Result<Vec<_>, _>>()
            .expect("read superseded observations");
    }
    let mut connection = PgConnection::connect(url).await.expect("connect to the test database");
    let rows = sqlx::query(SUPERSEDED_SQL)
        .fetch_all(&mut connection)
        .await
        .expect("query superseded observations");
    let _ = connection.close().await;
    rows.iter()
        .map(|r| SupersededRow {
            series_id: r.get(0),
            time: r.get(1),
            value: r.get(2),
            batch_id: r.get(3),
            row: r.get(4),
            replaced_by_batch: r.get(5),
            replaced_by_row: r.get(6),
        })
        .collect()
}

pub const AGGREGATES: [Aggregate; 6] = [
    Aggregate::Avg,
    Aggregate::Min,
    Aggregate::Max,
    Aggregate::Sum,
    Aggregate::Count,
    Aggregate::Last,
];

/// Checks that the stored hour, day and month rollups of a series over `[from, to)` equal
/// a recomputation from its raw values, for every aggregate. `from` and `to` must be local
/// month starts so that no bucket is cut. Values in the tests are sums of powers of two,
/// so the comparison is exact whatever the order of summation.
pub async fn assert_rollups_match_raw(store: &Store, series_id: i64, from: i64, to: i64) {
    let raw = store
        .points(series_id, from, to, Step::Raw, Aggregate::Last)
        .await
        .expect("read raw values");
    for step in [Step::Hour, Step::Day, Step::Month] {
        let mut expected: BTreeMap<i64, Rollup> = BTreeMap::new();
        for point in &raw {
            let bucket = bucket_start(point.time, step, LOCAL_ZONE);
            expected
                .entry(bucket)
                .and_modify(|r| r.merge(&Rollup::of(point.time, point.value)))
                .or_insert_with(|| Rollup::of(point.time, point.value));
        }
        let stored = store.rollups(series_id, step, from, to).await.expect("read rollups");
        let recomputed: Vec<(i64, Rollup)> = expected.iter().map(|(t, r)| (*t, *r)).collect();
        assert_eq!(
            stored, recomputed,
            "series {series_id}, {step:?}: stored rollups differ from raw values"
        );
        for aggregate in AGGREGATES {
            let stored = store
                .points(series_id, from, to, step, aggregate)
                .await
                .expect("read rollups");
            let stored: Vec<(i64, f64)> = stored.iter().map(|p| (p.time, p.value)).collect();
            let recomputed: Vec<(i64, f64)> = expected.iter().map(|(t, r)| (*t, r.value(aggregate))).collect();
            assert_eq!(
                stored, recomputed,
                "series {series_id}, {step:?} {aggregate:?}: stored rollups differ from raw values"
            );
        }
    }
}
