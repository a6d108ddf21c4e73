//! Helpers for the pipeline tests: the store's test databases, and batches run through
//! the [`Ingestor`] with a fixed clock.

#![allow(dead_code)]

// The database helpers are shared with the store's tests so that both crates create and
// drop test databases the same way.
#[macro_use]
#[path = "../../../haidang-store/tests/common/mod.rs"]
mod database;

pub use database::*;

use haidang_core::time::LOCAL_ZONE;
use haidang_ingest::canonical::csv_rows;
use haidang_ingest::decode::TextEncoding;
use haidang_ingest::pipeline::{BatchOptions, BatchSummary, Ingestor};
use haidang_ingest::{InputError, RawRow};
use haidang_store::{SeriesDefinition, Store};

/// The clock of every test batch.
pub const NOW: i64 = 1_750_000_000_000;

pub fn options(format: &str) -> BatchOptions {
    BatchOptions {
        source_key: None,
        format: format.to_owned(),
        file_name: Some(format!("test.{format}")),
        api_key_id: None,
        zone: LOCAL_ZONE,
        time_format: None,
    }
}

/// Creates a series with a valid range and returns its id.
pub async fn define_series(store: &Store, key: &str, min: Option<f64>, max: Option<f64>) -> i64 {
    let definition = SeriesDefinition {
        key: key.to_owned(),
        name: format!("Series {key}"),
        unit: String::new(),
        indicator: None,
        min,
        max,
        expected_interval_secs: None,
        source_key: None,
        unit_code: None,
        entity_key: None,
    };
    let (record, _) = store
        .upsert_series(definition, NOW)
        .await
        .unwrap_or_else(|e| panic!("define {key}: {e}"));
    record.id
}

/// Runs `rows` through the pipeline as one batch.
pub async fn ingest_rows<I>(store: &Store, options: BatchOptions, rows: I) -> BatchSummary
where
    I: IntoIterator<Item = Result<RawRow, InputError>>,
{
    let mut ingestor = Ingestor::begin(store, options, NOW).await.expect("begin batch");
    ingestor.push_all(rows, &|| NOW).await.expect("write rows");
    ingestor.finish(NOW).await.expect("finish batch")
}

/// Runs a canonical CSV input through the pipeline as one batch.
pub async fn ingest_csv(store: &Store, input: &[u8], encoding: TextEncoding) -> BatchSummary {
    let rows = csv_rows(input, encoding).expect("read the CSV header");
    ingest_rows(store, options("csv"), rows).await
}
