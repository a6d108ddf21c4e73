//! Throughput of a canonical CSV import into SQLite, compared with a plain SQLite insert.
//!
//! Run with `cargo bench -p haidang-ingest --bench csv_ingest`. `HAIDANG_BENCH_ROWS` sets the
//! number of rows (1,000,000 by default). The input is written to a temporary file: 100
//! series with one value a minute, in time order. The phases are timed one after another:
//!
//! - decoding and splitting the CSV alone (`csv_rows`);
//! - the same plus time and value parsing, as the pipeline validates each row;
//! - `Store::write_chunk` on rows parsed beforehand, which classifies, inserts and rolls up;
//! - the full pipeline: `csv_rows` into an `Ingestor` on a fresh SQLite store;
//! - a plain rusqlite insert of the same `(series_id, ts, value)` rows into a `WITHOUT ROWID`
//!   table, in WAL mode with `synchronous = NORMAL`, 100,000 rows per transaction.
//!
//! More rows help to tell where the pipeline's time goes. One times `plan_batch` alone. Two
//! time the plain insert into a table with the six columns of the store's `observations`
//! table: once with the batch's UUID text in every row, as the store writes it, and once
//! with an integer in its place.

use std::collections::HashMap;
use std::error::Error;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use haidang_core::plan::{IncomingObservation, plan_batch};
use haidang_core::series::parse_value;
use haidang_core::time::{LOCAL_ZONE, parse_timestamp};
use haidang_ingest::RawValue;
use haidang_ingest::canonical::csv_rows;
use haidang_ingest::decode::TextEncoding;
use haidang_ingest::pipeline::{BatchOptions, CHUNK_ROWS, Ingestor};
use haidang_store::{NewBatch, SeriesDefinition, Store};

type BenchResult<T> = Result<T, Box<dyn Error>>;

const SERIES: usize = 100;
/// 2025-01-01T00:00:00Z in epoch milliseconds.
const START_MS: i64 = 1_735_689_600_000;
const PLAIN_TRANSACTION_ROWS: usize = 100_000;

fn main() -> BenchResult<()> {
    let rows: usize = match std::env::var("HAIDANG_BENCH_ROWS") {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|e| format!("invalid HAIDANG_BENCH_ROWS {text:?}: {e}"))?,
        Err(_) => 1_000_000,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(rows))
}

async fn run(rows: usize) -> BenchResult<()> {
    let folder = tempfile::tempdir()?;
    let csv_path = folder.path().join("observations.csv");
    let file_bytes = write_csv(&csv_path, rows)?;

    println!("Hải Đăng CSV ingest benchmark");
    println!("machine: {} logical CPUs, {}", logical_cpus(), cpu_model());
    println!(
        "input:   {} rows ({} series, one value a minute, in time order), {:.1} MiB",
        group(rows as f64),
        SERIES,
        file_bytes as f64 / 1_048_576.0
    );
    println!();

    let split = time_split(&csv_path, rows)?;

    let store_dir = folder.path().join("write-only");
    let store = open_store(&store_dir).await?;
    let ids = define_series(&store).await?;
    let (parse, parsed) = time_parse(&csv_path, &ids, rows)?;
    let write = time_write_chunks(&store, parsed.clone()).await?;
    drop(store);

    let pipeline_dir = folder.path().join("pipeline");
    let pipeline = time_pipeline(&pipeline_dir, &csv_path, rows).await?;

    let plan = time_plan(&parsed)?;
    let plain = time_plain_insert(&folder.path().join("plain.db"), &parsed, PlainColumns::Three)?;
    let plain_wide = time_plain_insert(&folder.path().join("plain-wide.db"), &parsed, PlainColumns::StoreSix)?;
    let plain_integer_batch = time_plain_insert(
        &folder.path().join("plain-int.db"),
        &parsed,
        PlainColumns::StoreSixIntegerBatch,
    )?;

    let table = [
        ("decode + split CSV (csv_rows)", split),
        ("  + parse time and value", parse),
        ("plan_batch alone, chunks of 50,000", plan),
        ("Store::write_chunk, pre-parsed rows", write),
        ("full pipeline (csv_rows -> Ingestor)", pipeline),
        ("plain rusqlite insert", plain),
        ("plain insert, the store's 6 columns", plain_wide),
        ("  same, integer batch id", plain_integer_batch),
    ];
    println!("{:<40} {:>9} {:>12}", "phase", "seconds", "rows/s");
    for (name, elapsed) in table {
        println!(
            "{name:<40} {:>9.2} {:>12}",
            elapsed.as_secs_f64(),
            group(rate(rows, elapsed))
        );
    }
    println!();
    println!(
        "pipeline / plain insert: {:.2}",
        rate(rows, pipeline) / rate(rows, plain)
    );
    Ok(())
}

/// Writes `rows` rows of canonical CSV and returns the file's size in bytes.
fn write_csv(path: &Path, rows: usize) -> BenchResult<u64> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(out, "series,time,value")?;
    for index in 0..rows {
        let minute = (index / SERIES) as i64;
        let series = index % SERIES;
        let time = chrono::DateTime::from_timestamp_millis(START_MS + minute * 60_000).ok_or("time out of range")?;
        let value = ((index * 7919) % 4000) as f64 / 8.0;
        writeln!(out, "bench.s{series:03},{},{value}", time.format("%Y-%m-%dT%H:%M:%SZ"))?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn time_split(path: &Path, rows: usize) -> BenchResult<Duration> {
    let started = Instant::now();
    let mut count = 0;
    for row in csv_rows(BufReader::new(File::open(path)?), TextEncoding::Auto)? {
        row?;
        count += 1;
    }
    let elapsed = started.elapsed();
    check_count("csv_rows", count, rows)?;
    Ok(elapsed)
}

fn time_parse(
    path: &Path,
    ids: &HashMap<String, i64>,
    rows: usize,
) -> BenchResult<(Duration, Vec<IncomingObservation>)> {
    let started = Instant::now();
    let mut parsed = Vec::with_capacity(rows);
    for row in csv_rows(BufReader::new(File::open(path)?), TextEncoding::Auto)? {
        let row = row?;
        let RawValue::Text(text) = &row.value else {
            return Err(format!("row {} has no value", row.row).into());
        };
        let time = parse_timestamp(&row.time, LOCAL_ZONE)?;
        let value = parse_value(text, "value").map_err(|reason| format!("row {}: {}", row.row, reason.code()))?;
        let series_id = *ids
            .get(&row.series)
            .ok_or_else(|| format!("unknown series {}", row.series))?;
        parsed.push(IncomingObservation {
            series_id,
            time,
            value,
            row: row.row,
        });
    }
    let elapsed = started.elapsed();
    check_count("parsed rows", parsed.len(), rows)?;
    Ok((elapsed, parsed))
}

async fn time_write_chunks(store: &Store, parsed: Vec<IncomingObservation>) -> BenchResult<Duration> {
    let batch_id = "bench-write-chunks";
    store
        .begin_batch(NewBatch {
            id: batch_id.to_owned(),
            source_key: None,
            format: "csv".to_owned(),
            file_name: None,
            api_key_id: None,
            received_at: START_MS,
        })
        .await?;
    let rows = parsed.len();
    let started = Instant::now();
    let mut accepted = 0;
    let mut remaining = parsed;
    while !remaining.is_empty() {
        let rest = remaining.split_off(remaining.len().min(CHUNK_ROWS));
        let counts = store.write_chunk(batch_id, remaining, Vec::new(), START_MS).await?;
        accepted += counts.accepted as usize;
        remaining = rest;
    }
    store.finish_batch(batch_id, START_MS).await?;
    let elapsed = started.elapsed();
    check_count("rows accepted by write_chunk", accepted, rows)?;
    Ok(elapsed)
}

async fn time_pipeline(store_dir: &Path, csv_path: &Path, rows: usize) -> BenchResult<Duration> {
    let store = open_store(store_dir).await?;
    define_series(&store).await?;
    let options = BatchOptions {
        source_key: None,
        format: "csv".to_owned(),
        file_name: Some("observations.csv".to_owned()),
        api_key_id: None,
        zone: LOCAL_ZONE,
        time_format: None,
    };
    let started = Instant::now();
    let input = csv_rows(BufReader::new(File::open(csv_path)?), TextEncoding::Auto)?;
    let mut ingestor = Ingestor::begin(&store, options, START_MS).await?;
    ingestor.push_all(input, &|| START_MS).await?;
    let summary = ingestor.finish(START_MS).await?;
    let elapsed = started.elapsed();
    check_count("rows accepted by the pipeline", summary.counts.accepted as usize, rows)?;
    Ok(elapsed)
}

/// Columns of the plain insert: the benchmark's three, or the six of the store's
/// `observations` table, whose rows also name their batch, row and arrival time.
#[derive(Clone, Copy, PartialEq)]
enum PlainColumns {
    Three,
    StoreSix,
    /// The store's six columns with an integer in place of the batch's UUID text.
    StoreSixIntegerBatch,
}

fn time_plain_insert(path: &Path, parsed: &[IncomingObservation], columns: PlainColumns) -> BenchResult<Duration> {
    let mut connection = rusqlite::Connection::open(path)?;
    let (table, insert_sql) = match columns {
        PlainColumns::Three => (
            "CREATE TABLE observations (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
                 PRIMARY KEY (series_id, ts)) WITHOUT ROWID;",
            "INSERT INTO observations (series_id, ts, value) VALUES (?1, ?2, ?3)",
        ),
        // `batch_id` has no declared type, so it keeps the text or the integer as bound.
        PlainColumns::StoreSix | PlainColumns::StoreSixIntegerBatch => (
            "CREATE TABLE observations (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
                 batch_id NOT NULL, row_no INTEGER NOT NULL, ingested_at INTEGER NOT NULL,
                 PRIMARY KEY (series_id, ts)) WITHOUT ROWID;",
            "INSERT INTO observations (series_id, ts, value, batch_id, row_no, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        ),
    };
    connection.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; {table}"
    ))?;
    // A batch id as the pipeline makes it: a hyphenated UUID of 36 characters.
    let batch_id: Box<dyn rusqlite::ToSql> = match columns {
        PlainColumns::StoreSixIntegerBatch => Box::new(1_i64),
        _ => Box::new(uuid::Uuid::now_v7().to_string()),
    };
    let started = Instant::now();
    for chunk in parsed.chunks(PLAIN_TRANSACTION_ROWS) {
        let transaction = connection.transaction()?;
        {
            let mut insert = transaction.prepare_cached(insert_sql)?;
            for o in chunk {
                match columns {
                    PlainColumns::Three => insert.execute(rusqlite::params![o.series_id, o.time, o.value])?,
                    _ => insert.execute(rusqlite::params![
                        o.series_id,
                        o.time,
                        o.value,
                        &batch_id,
                        o.row,
                        START_MS
                    ])?,
                };
            }
        }
        transaction.commit()?;
    }
    let elapsed = started.elapsed();
    let count: i64 = connection.query_row("SELECT count(*) FROM observations", [], |r| r.get(0))?;
    check_count("rows inserted by rusqlite", count as usize, parsed.len())?;
    Ok(elapsed)
}

/// Times the classification of every chunk against an empty store, as `write_chunk`
/// runs it before writing.
fn time_plan(parsed: &[IncomingObservation]) -> BenchResult<Duration> {
    let stored = HashMap::new();
    let started = Instant::now();
    let mut accepted = 0;
    for chunk in parsed.chunks(CHUNK_ROWS) {
        let plan = plan_batch(chunk, &stored, LOCAL_ZONE);
        accepted += plan.accepted as usize;
    }
    let elapsed = started.elapsed();
    check_count("rows accepted by plan_batch", accepted, parsed.len())?;
    Ok(elapsed)
}

async fn open_store(dir: &Path) -> BenchResult<Store> {
    let store = Store::open(&format!("sqlite://{}/haidang.db", dir.display())).await?;
    store.migrate().await?;
    Ok(store)
}

/// Defines the benchmark's series and returns their ids by key.
async fn define_series(store: &Store) -> BenchResult<HashMap<String, i64>> {
    let mut ids = HashMap::with_capacity(SERIES);
    for series in 0..SERIES {
        let key = format!("bench.s{series:03}");
        let definition = SeriesDefinition {
            key: key.clone(),
            name: format!("Benchmark series {series}"),
            unit: String::new(),
            indicator: None,
            min: Some(0.0),
            max: Some(1000.0),
            expected_interval_secs: Some(60),
            source_key: None,
            unit_code: None,
            entity_key: None,
        };
        let (record, _) = store.upsert_series(definition, START_MS).await?;
        ids.insert(key, record.id);
    }
    Ok(ids)
}

fn check_count(quantity: &str, found: usize, expected: usize) -> BenchResult<()> {
    if found != expected {
        return Err(format!("{quantity}: {found}, expected {expected}").into());
    }
    Ok(())
}

fn rate(rows: usize, elapsed: Duration) -> f64 {
    rows as f64 / elapsed.as_secs_f64()
}

/// Formats a number rounded to an integer with thousands separators.
fn group(number: f64) -> String {
    let digits = format!("{:.0}", number);
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn logical_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.trim().to_owned());
    model.unwrap_or_else(|| "unknown CPU model".to_owned())
}
