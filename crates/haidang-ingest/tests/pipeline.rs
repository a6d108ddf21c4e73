//! Integration tests of the ingestion pipeline, each run against SQLite and PostgreSQL.

// A failed step panics, because that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use std::collections::BTreeMap;

use haidang_core::observation::{Aggregate, Step};
use haidang_ingest::canonical::{csv_rows, json_rows};
use haidang_ingest::decode::TextEncoding;
use haidang_ingest::mapping::{Mapping, TemplateFactory, read_headers};
use haidang_ingest::pipeline::{BatchOptions, Ingestor};
use haidang_store::{Agency, BatchCounts, Source, Store};
use serde_json::json;

use common::{
    AGGREGATES, NOW, SupersededRow, assert_rollups_match_raw, define_series, ingest_csv, ingest_rows, ms, open_store,
    options, superseded_rows,
};

on_both_backends!(
    messy_csv_counts_each_row,
    json_body_counts_each_row,
    rollups_follow_local_calendar,
    late_batches_keep_rollups_exact,
    utf16_inputs_decode_to_nfc,
    windows_1258_input_decodes_to_nfc,
    mapped_sentinels_are_missing_values,
    mapped_template_creates_series,
    mapped_template_fills_indicator,
    mapped_short_row_is_counted,
    mapped_zone_gap_and_overlap,
    conflicts_across_chunk_boundary,
    concurrent_batches_classify_each_key_once,
    header_only_file_is_empty_batch,
);

async fn raw(store: &Store, series_id: i64, from: &str, to: &str) -> Vec<(i64, f64)> {
    let points = store
        .points(series_id, ms(from), ms(to), Step::Raw, Aggregate::Last)
        .await
        .expect("read raw");
    points.iter().map(|p| (p.time, p.value)).collect()
}

/// Returns `(row, reason code, params)` of each rejected row of a batch.
async fn rejections(store: &Store, batch_id: &str) -> Vec<(i64, String, serde_json::Value)> {
    let rows = store.rejected_rows(batch_id).await.expect("read rejected rows");
    rows.into_iter().map(|r| (r.row, r.reason_code, r.params)).collect()
}

/// "Mũi Né" with its tone marks as separate combining characters (NFD).
const MUI_NE_DECOMPOSED: &str = "Mu\u{0303}i Ne\u{0301}";
/// "Mũi Né" in NFC.
const MUI_NE: &str = "M\u{0169}i N\u{00E9}";

/// Returns a canonical CSV as agencies send it. It has a byte-order mark, CRLF line ends,
/// columns in another order and an extra column with quoted commas and a line break. Its
/// rows mix time forms, come out of order, and include a duplicate, a conflict and one
/// row for each rejection reason.
fn messy_csv() -> Vec<u8> {
    let lines = [
        "value,note,time,series".to_owned(),
        "12.5,\"near the market, east gate\",2025-07-01T08:00:00+07:00,pt.pm25".to_owned(),
        "13,\"line one\r\nline two\",2025-07-01T01:30:00Z,pt.pm25".to_owned(),
        "11,,2025-07-01 07:45,pt.pm25".to_owned(),
        "12.50,,2025-07-01T01:00:00Z,pt.pm25".to_owned(),
        "14,,2025-07-01 08:30,pt.pm25".to_owned(),
        "5,,2025-07-01 08:00,pt.nothing".to_owned(),
        "\"12,5\",,2025-07-01 09:00,pt.pm25".to_owned(),
        "abc,,2025-07-01 09:00,pt.pm25".to_owned(),
        "900,,2025-07-01 09:00,pt.pm25".to_owned(),
        "10,,yesterday,pt.pm25".to_owned(),
        "10,2025-07-01 09:00".to_owned(),
        format!("7,,2025-07-01 09:00,{MUI_NE_DECOMPOSED}"),
        "31.5,,2025-07-01T09:00:00+07:00,pt.temp".to_owned(),
        "-20,,2025-07-01T10:00:00+07:00,pt.temp".to_owned(),
        ",,2025-07-01 10:00,pt.pm25".to_owned(),
    ];
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    for line in lines {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

async fn messy_csv_counts_each_row(url: &str) {
    let store = open_store(url).await;
    let pm25 = define_series(&store, "pt.pm25", Some(0.0), Some(500.0)).await;
    let temp = define_series(&store, "pt.temp", Some(-10.0), Some(50.0)).await;

    let summary = ingest_csv(&store, &messy_csv(), TextEncoding::Auto).await;
    let expected = BatchCounts {
        accepted: 4,
        duplicates: 1,
        conflicts: 1,
        rejected: 9,
    };
    assert_eq!(summary.counts, expected);
    assert_eq!(summary.counts.rows(), 15, "every data row is counted once");
    let record = store
        .batch(&summary.batch_id)
        .await
        .expect("read batch")
        .expect("batch exists");
    assert_eq!(record.counts, expected);
    assert_eq!(record.status, "complete");
    assert_eq!(record.format, "csv");

    let rejected = store
        .rejected_rows(&summary.batch_id)
        .await
        .expect("read rejected rows");
    let codes: Vec<(i64, &str)> = rejected.iter().map(|r| (r.row, r.reason_code.as_str())).collect();
    assert_eq!(
        codes,
        vec![
            (6, "UNKNOWN_SERIES"),
            (7, "INVALID_NUMBER"),
            (8, "INVALID_NUMBER"),
            (9, "OUT_OF_RANGE"),
            (10, "INVALID_TIME"),
            (11, "MALFORMED_ROW"),
            (12, "UNKNOWN_SERIES"),
            (14, "OUT_OF_RANGE"),
            (15, "MISSING_FIELD"),
        ]
    );
    let params: BTreeMap<i64, &serde_json::Value> = rejected.iter().map(|r| (r.row, &r.params)).collect();
    assert_eq!(params[&6], &json!({ "series": "pt.nothing" }));
    assert_eq!(params[&7], &json!({ "field": "value", "value": "12,5" }));
    assert_eq!(params[&8], &json!({ "field": "value", "value": "abc" }));
    assert_eq!(params[&9], &json!({ "value": 900.0, "min": 0.0, "max": 500.0 }));
    assert_eq!(params[&10], &json!({ "value": "yesterday" }));
    assert_eq!(
        params[&12],
        &json!({ "series": MUI_NE }),
        "series names are compared in NFC"
    );
    assert_eq!(params[&14], &json!({ "value": -20.0, "min": -10.0, "max": 50.0 }));
    assert_eq!(params[&15], &json!({ "field": "value" }));
    let raw_rows: BTreeMap<i64, &str> = rejected.iter().map(|r| (r.row, r.raw.as_str())).collect();
    assert_eq!(raw_rows[&7], "\"12,5\",,2025-07-01 09:00,pt.pm25");
    assert_eq!(raw_rows[&11], "10,2025-07-01 09:00");

    // The conflict's value, received last, is current, and the value it replaced is kept.
    let current = raw(&store, pm25, "2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z").await;
    assert_eq!(
        current,
        vec![
            (ms("2025-07-01T00:45:00Z"), 11.0),
            (ms("2025-07-01T01:00:00Z"), 12.5),
            (ms("2025-07-01T01:30:00Z"), 14.0),
        ]
    );
    assert_eq!(
        raw(&store, temp, "2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z").await,
        vec![(ms("2025-07-01T02:00:00Z"), 31.5)]
    );
    assert_eq!(
        superseded_rows(url).await,
        vec![SupersededRow {
            series_id: pm25,
            time: ms("2025-07-01T01:30:00Z"),
            value: 13.0,
            batch_id: summary.batch_id.clone(),
            row: 2,
            replaced_by_batch: summary.batch_id.clone(),
            replaced_by_row: 5,
        }]
    );

    // Sending the same file again leaves the current values as they are. Rows 2 and 5 still
    // conflict, because row 2 differs from the stored 14 and row 5 then differs from row 2.
    let again = ingest_csv(&store, &messy_csv(), TextEncoding::Auto).await;
    assert_eq!(
        again.counts,
        BatchCounts {
            accepted: 0,
            duplicates: 4,
            conflicts: 2,
            rejected: 9
        }
    );
    assert_eq!(
        raw(&store, pm25, "2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z").await,
        current
    );
}

async fn json_body_counts_each_row(url: &str) {
    let store = open_store(url).await;
    let pm25 = define_series(&store, "pt.pm25", Some(0.0), Some(500.0)).await;
    let body = json!([
        { "series": "pt.pm25", "time": "2025-07-01T01:00:00Z", "value": 1.5 },
        { "series": "pt.pm25", "time": "2025-07-01 08:00", "value": "1.50" },
        { "series": "pt.pm25", "time": "2025-07-01T02:00:00+07:00", "value": "2.5" },
        { "series": "pt.pm25", "time": "2025-07-01T03:00:00Z", "value": null },
        { "series": "pt.pm25", "time": "2025-07-01T03:00:00Z", "value": true },
        { "series": "pt.pm25", "time": "2025-07-01T03:00:00Z", "value": "12,5" },
        7,
        { "series": "pt.pm25", "value": 3 },
        { "series": MUI_NE_DECOMPOSED, "time": "2025-07-01T03:00:00Z", "value": 3 },
    ]);
    let rows = json_rows(body.to_string().as_bytes()).expect("parse JSON");
    let summary = ingest_rows(&store, options("json"), rows.into_iter().map(Ok)).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 2,
            duplicates: 1,
            conflicts: 0,
            rejected: 6
        }
    );

    let found = rejections(&store, &summary.batch_id).await;
    let codes: Vec<(i64, &str)> = found.iter().map(|(row, code, _)| (*row, code.as_str())).collect();
    assert_eq!(
        codes,
        vec![
            (4, "MISSING_FIELD"),
            (5, "INVALID_NUMBER"),
            (6, "INVALID_NUMBER"),
            (7, "MALFORMED_ROW"),
            (8, "MISSING_FIELD"),
            (9, "UNKNOWN_SERIES"),
        ]
    );
    assert_eq!(found[4].2, json!({ "field": "time" }));
    assert_eq!(found[5].2, json!({ "series": MUI_NE }));
    let rejected = store
        .rejected_rows(&summary.batch_id)
        .await
        .expect("read rejected rows");
    assert_eq!(rejected[3].raw, "7");

    let current = raw(&store, pm25, "2025-06-30T00:00:00Z", "2025-07-02T00:00:00Z").await;
    assert_eq!(
        current,
        vec![(ms("2025-06-30T19:00:00Z"), 2.5), (ms("2025-07-01T01:00:00Z"), 1.5)]
    );
}

/// The expected summary of one bucket: start, count, sum, min, max and last value.
type Bucket = (&'static str, f64, f64, f64, f64, f64);

async fn assert_buckets(store: &Store, series_id: i64, step: Step, expected: &[Bucket]) {
    let from = ms("2025-06-01T00:00:00+07:00");
    let to = ms("2025-09-01T00:00:00+07:00");
    for aggregate in AGGREGATES {
        let points = store
            .points(series_id, from, to, step, aggregate)
            .await
            .expect("read rollups");
        let stored: Vec<(i64, f64)> = points.iter().map(|p| (p.time, p.value)).collect();
        let wanted: Vec<(i64, f64)> = expected
            .iter()
            .map(|&(start, count, sum, min, max, last)| {
                let value = match aggregate {
                    Aggregate::Avg => sum / count,
                    Aggregate::Min => min,
                    Aggregate::Max => max,
                    Aggregate::Sum => sum,
                    Aggregate::Count => count,
                    Aggregate::Last => last,
                };
                (ms(start), value)
            })
            .collect();
        assert_eq!(stored, wanted, "{step:?} {aggregate:?}");
    }
}

async fn rollups_follow_local_calendar(url: &str) {
    let store = open_store(url).await;
    let temp = define_series(&store, "pt.temp", None, None).await;
    // 16:30Z and 17:30Z on 31 July fall on different local days (23:30 on 31 July and 00:30
    // on 1 August in Vietnam) and so in different local months. Rows are out of order.
    let csv = "series,time,value\n\
               pt.temp,2025-08-01 12:00,31\n\
               pt.temp,2025-07-31T17:30:00Z,25.5\n\
               pt.temp,2025-07-31T16:45:00Z,26\n\
               pt.temp,2025-07-31T16:30:00Z,26.5\n\
               pt.temp,2025-08-01T09:15:00+07:00,28\n\
               pt.temp,2025-07-31T10:00:00Z,30\n\
               pt.temp,2025-07-01 00:10,24\n";
    let summary = ingest_csv(&store, csv.as_bytes(), TextEncoding::Auto).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 7,
            duplicates: 0,
            conflicts: 0,
            rejected: 0
        }
    );

    let hours: [Bucket; 6] = [
        ("2025-06-30T17:00:00Z", 1.0, 24.0, 24.0, 24.0, 24.0),
        ("2025-07-31T10:00:00Z", 1.0, 30.0, 30.0, 30.0, 30.0),
        ("2025-07-31T16:00:00Z", 2.0, 52.5, 26.0, 26.5, 26.0),
        ("2025-07-31T17:00:00Z", 1.0, 25.5, 25.5, 25.5, 25.5),
        ("2025-08-01T02:00:00Z", 1.0, 28.0, 28.0, 28.0, 28.0),
        ("2025-08-01T05:00:00Z", 1.0, 31.0, 31.0, 31.0, 31.0),
    ];
    assert_buckets(&store, temp, Step::Hour, &hours).await;
    let days: [Bucket; 3] = [
        ("2025-07-01T00:00:00+07:00", 1.0, 24.0, 24.0, 24.0, 24.0),
        ("2025-07-31T00:00:00+07:00", 3.0, 82.5, 26.0, 30.0, 26.0),
        ("2025-08-01T00:00:00+07:00", 3.0, 84.5, 25.5, 31.0, 31.0),
    ];
    assert_buckets(&store, temp, Step::Day, &days).await;
    let months: [Bucket; 2] = [
        ("2025-07-01T00:00:00+07:00", 4.0, 106.5, 24.0, 30.0, 26.0),
        ("2025-08-01T00:00:00+07:00", 3.0, 84.5, 25.5, 31.0, 31.0),
    ];
    assert_buckets(&store, temp, Step::Month, &months).await;
}

async fn late_batches_keep_rollups_exact(url: &str) {
    let store = open_store(url).await;
    let pm25 = define_series(&store, "pt.pm25", Some(0.0), None).await;
    let first = "series,time,value\n\
                 pt.pm25,2025-07-01T01:00:00Z,10\n\
                 pt.pm25,2025-07-01T01:10:00Z,4\n\
                 pt.pm25,2025-07-01T01:20:00Z,12\n\
                 pt.pm25,2025-07-01T02:00:00Z,7\n\
                 pt.pm25,2025-07-03T02:00:00Z,3\n";
    let summary = ingest_csv(&store, first.as_bytes(), TextEncoding::Auto).await;
    assert_eq!(summary.counts.accepted, 5);
    let hour = ("2025-07-01T01:00:00Z", 3.0, 26.0, 4.0, 12.0, 12.0);
    let later_hour = ("2025-07-01T02:00:00Z", 1.0, 7.0, 7.0, 7.0, 7.0);
    let last_hour = ("2025-07-03T02:00:00Z", 1.0, 3.0, 3.0, 3.0, 3.0);
    assert_buckets(&store, pm25, Step::Hour, &[hour, later_hour, last_hour]).await;

    // A late value lands in the rolled-up hour, so the hour gains a value.
    let late = "series,time,value\npt.pm25,2025-07-01T01:30:00Z,15\n";
    let summary = ingest_csv(&store, late.as_bytes(), TextEncoding::Auto).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 1,
            duplicates: 0,
            conflicts: 0,
            rejected: 0
        }
    );
    let hour = ("2025-07-01T01:00:00Z", 4.0, 41.0, 4.0, 15.0, 15.0);
    assert_buckets(&store, pm25, Step::Hour, &[hour, later_hour, last_hour]).await;

    // The hour's minimum is replaced by a larger value, so no delta can correct the hour.
    let correction = "series,time,value\npt.pm25,2025-07-01 08:10,9\n";
    let summary = ingest_csv(&store, correction.as_bytes(), TextEncoding::Auto).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 0,
            duplicates: 0,
            conflicts: 1,
            rejected: 0
        }
    );
    let hour = ("2025-07-01T01:00:00Z", 4.0, 46.0, 9.0, 15.0, 15.0);
    assert_buckets(&store, pm25, Step::Hour, &[hour, later_hour, last_hour]).await;
    let days = [
        ("2025-07-01T00:00:00+07:00", 5.0, 53.0, 7.0, 15.0, 7.0),
        ("2025-07-03T00:00:00+07:00", 1.0, 3.0, 3.0, 3.0, 3.0),
    ];
    assert_buckets(&store, pm25, Step::Day, &days).await;
    assert_buckets(
        &store,
        pm25,
        Step::Month,
        &[("2025-07-01T00:00:00+07:00", 6.0, 56.0, 3.0, 15.0, 3.0)],
    )
    .await;
    assert_rollups_match_raw(
        &store,
        pm25,
        ms("2025-07-01T00:00:00+07:00"),
        ms("2025-08-01T00:00:00+07:00"),
    )
    .await;

    // The hour's maximum and last value is lowered, with a new value in the same hour in
    // the same batch: one delta and one recomputation for the same bucket.
    let mixed = "series,time,value\npt.pm25,2025-07-01T01:30:00Z,5\npt.pm25,2025-07-01T01:40:00Z,6\n";
    let summary = ingest_csv(&store, mixed.as_bytes(), TextEncoding::Auto).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 1,
            duplicates: 0,
            conflicts: 1,
            rejected: 0
        }
    );
    let hour = ("2025-07-01T01:00:00Z", 5.0, 42.0, 5.0, 12.0, 6.0);
    assert_buckets(&store, pm25, Step::Hour, &[hour, later_hour, last_hour]).await;
    assert_rollups_match_raw(
        &store,
        pm25,
        ms("2025-07-01T00:00:00+07:00"),
        ms("2025-08-01T00:00:00+07:00"),
    )
    .await;
}

/// "Phường Hàm Tiến" in NFC.
const HAM_TIEN: &str = "Ph\u{01B0}\u{1EDD}ng H\u{00E0}m Ti\u{1EBF}n";
/// "Phường Hàm Tiến" with tone marks as combining characters after precomposed base
/// letters, as Windows-1258 writes it.
const HAM_TIEN_1258: &str = "Ph\u{01B0}\u{01A1}\u{0300}ng Ha\u{0300}m Ti\u{00EA}\u{0301}n";

/// Returns a canonical CSV with a Vietnamese note column: `valid_rows` rows of `pt.pm25`,
/// then one row for an unknown series named `unknown`.
fn vietnamese_csv(valid_rows: usize, unknown: &str) -> String {
    let mut text = String::from("series,time,value,ghi chú\r\n");
    for minute in 0..valid_rows {
        let time = ms("2025-07-01T00:00:00Z") + minute as i64 * 60_000;
        let time = chrono::DateTime::from_timestamp_millis(time)
            .expect("time")
            .to_rfc3339();
        text.push_str(&format!(
            "pt.pm25,{time},{},Tra\u{0323}m {HAM_TIEN_1258}\r\n",
            minute % 50
        ));
    }
    text.push_str(&format!("{unknown},2025-07-01 08:00,1,\r\n"));
    text
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() * 2 + 2);
    let mut push = |unit: u16| {
        bytes.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        })
    };
    if bom {
        push(0xFEFF);
    }
    for unit in text.encode_utf16() {
        push(unit);
    }
    bytes
}

async fn utf16_inputs_decode_to_nfc(url: &str) {
    let store = open_store(url).await;
    define_series(&store, "pt.pm25", None, None).await;
    // 2,000 rows make the input longer than the 64 KiB block read to detect the encoding.
    let text = vietnamese_csv(2_000, "Phu\u{031B}o\u{031B}\u{0300}ng Ha\u{0300}m Tie\u{0302}\u{0301}n");
    let cases = [
        (
            "UTF-16LE with BOM",
            utf16(&text, false, true),
            TextEncoding::Auto,
            2_000,
        ),
        ("UTF-16BE with BOM", utf16(&text, true, true), TextEncoding::Auto, 0),
        ("UTF-16LE declared", utf16(&text, false, false), TextEncoding::Utf16, 0),
    ];
    for (name, bytes, encoding, accepted) in cases {
        assert!(
            bytes.len() > 64 * 1024,
            "{name}: input too short to cross the detection block"
        );
        let summary = ingest_csv(&store, &bytes, encoding).await;
        let expected = BatchCounts {
            accepted,
            duplicates: 2_000 - accepted,
            conflicts: 0,
            rejected: 1,
        };
        assert_eq!(summary.counts, expected, "{name}");
        let found = rejections(&store, &summary.batch_id).await;
        assert_eq!(
            found,
            vec![(2_001, "UNKNOWN_SERIES".to_owned(), json!({ "series": HAM_TIEN }))],
            "{name}"
        );
    }
}

async fn windows_1258_input_decodes_to_nfc(url: &str) {
    let store = open_store(url).await;
    define_series(&store, "pt.pm25", None, None).await;
    let text = vietnamese_csv(3, HAM_TIEN_1258);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&text);
    assert!(!unmappable, "the test text must be encodable in Windows-1258");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test input must not be valid UTF-8"
    );

    let detected = ingest_csv(&store, &bytes, TextEncoding::Auto).await;
    assert_eq!(
        detected.counts,
        BatchCounts {
            accepted: 3,
            duplicates: 0,
            conflicts: 0,
            rejected: 1
        }
    );
    let found = rejections(&store, &detected.batch_id).await;
    assert_eq!(
        found,
        vec![(4, "UNKNOWN_SERIES".to_owned(), json!({ "series": HAM_TIEN }))]
    );

    let declared = ingest_csv(&store, &bytes, TextEncoding::Windows1258).await;
    assert_eq!(
        declared.counts,
        BatchCounts {
            accepted: 0,
            duplicates: 3,
            conflicts: 0,
            rejected: 1
        }
    );
    let found = rejections(&store, &declared.batch_id).await;
    assert_eq!(
        found,
        vec![(4, "UNKNOWN_SERIES".to_owned(), json!({ "series": HAM_TIEN }))]
    );
}

const AIRNOW_MAPPING: &str = r#"
source = "airnow"

[time]
column = "Date (LT)"
format = "%Y-%m-%d %I:%M %p"

[[values]]
column = "Raw Conc."
series = "hcm.pm25"
missing = ["-999", "-999.0"]
quality = { column = "QC Name", missing = ["Missing", "Invalid"] }
"#;

fn mapped_options(mapping: &Mapping) -> BatchOptions {
    BatchOptions {
        source_key: mapping.source.clone(),
        format: "mapped-csv".to_owned(),
        file_name: Some("export.csv".to_owned()),
        api_key_id: None,
        zone: mapping.zone().expect("mapping zone"),
        time_format: mapping.time.format.clone(),
    }
}

async fn mapped_sentinels_are_missing_values(url: &str) {
    let store = open_store(url).await;
    let pm25 = define_series(&store, "hcm.pm25", Some(0.0), Some(1000.0)).await;
    let mapping = Mapping::from_toml(AIRNOW_MAPPING).expect("parse mapping");
    let file = "Site,Date (LT),Raw Conc.,QC Name\n\
                Ho Chi Minh City,2020-01-01 01:00 AM,26.0,Valid\n\
                Ho Chi Minh City,2020-01-01 02:00 AM,-999,Valid\n\
                Ho Chi Minh City,2020-01-01 03:00 AM,80.0,Invalid\n\
                Ho Chi Minh City,2020-01-01 04:00 AM,-999.0,Missing\n\
                Ho Chi Minh City,2020-01-01 12:30 PM,31.5,Valid\n\
                Ho Chi Minh City,2020-01-01 13:00 PM,40.0,Valid\n";
    let rows = mapping.rows(file.as_bytes()).expect("read the mapped header");
    let summary = ingest_rows(&store, mapped_options(&mapping), rows).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 2,
            duplicates: 0,
            conflicts: 0,
            rejected: 4
        }
    );

    let found = rejections(&store, &summary.batch_id).await;
    assert_eq!(
        found,
        vec![
            (
                2,
                "MISSING_VALUE".to_owned(),
                json!({ "field": "Raw Conc.", "value": "-999" })
            ),
            (
                3,
                "MISSING_VALUE".to_owned(),
                json!({ "field": "QC Name", "value": "Invalid" })
            ),
            (
                4,
                "MISSING_VALUE".to_owned(),
                json!({ "field": "QC Name", "value": "Missing" })
            ),
            (6, "INVALID_TIME".to_owned(), json!({ "value": "2020-01-01 13:00 PM" })),
        ]
    );
    let record = store
        .batch(&summary.batch_id)
        .await
        .expect("read batch")
        .expect("batch exists");
    assert_eq!(record.source_key.as_deref(), Some("airnow"));
    // 01:00 and 12:30 local time are 18:00 and 05:30 UTC.
    let current = raw(&store, pm25, "2019-12-31T00:00:00Z", "2020-01-02T00:00:00Z").await;
    assert_eq!(
        current,
        vec![(ms("2019-12-31T18:00:00Z"), 26.0), (ms("2020-01-01T05:30:00Z"), 31.5)]
    );
}

const OPENAQ_MAPPING: &str = r#"
source = "openaq"

[time]
column = "datetime"

[[values]]
column = "value"
series = "openaq.{location_id}.{parameter}"

[filter]
parameter = ["pm25", "pm10"]

[create_series]
name = "OpenAQ {location_id} {parameter}"
unit_column = "unit"
indicator = "{parameter}"
min = 0
"#;

const OPENAQ_FILE: &str = "location_id,parameter,unit,datetime,value\n\
                           7441,pm25,µg/m³,2024-12-01 00:00:00+00:00,40\n\
                           7441,o3,ppm,2024-12-01 00:00:00+00:00,0.02\n\
                           7441,pm10,µg/m³,2024-12-01 00:00:00+00:00,55\n\
                           7442,pm25,µg/m³,2024-12-01T01:00:00Z,-5\n\
                           7442,pm25,µg/m³,2024-12-01T02:00:00Z,12\n";

async fn import_openaq(store: &Store) -> String {
    let agency = Agency {
        key: "openaq".into(),
        name: "OpenAQ".into(),
        responsible_person: "Data desk".into(),
        responsible_title: None,
    };
    store.upsert_agency(agency, NOW).await.expect("agency");
    let source = Source {
        key: "openaq".into(),
        name: "OpenAQ archive".into(),
        agency_key: "openaq".into(),
        kind: "file".into(),
        simulated: false,
        expected_interval_secs: None,
        description: None,
        attribution: Some("OpenAQ".into()),
    };
    store.upsert_source(source, NOW).await.expect("source");

    let mapping = Mapping::from_toml(OPENAQ_MAPPING).expect("parse mapping");
    let headers = read_headers(OPENAQ_FILE.as_bytes(), &mapping).expect("read headers");
    let factory = TemplateFactory::for_mapping(&mapping, headers).expect("mapping defines a series template");
    let rows = mapping.rows(OPENAQ_FILE.as_bytes()).expect("read the mapped header");
    let mut ingestor = Ingestor::begin(store, mapped_options(&mapping), NOW)
        .await
        .expect("begin batch")
        .with_series_factory(&factory);
    ingestor.push_all(rows, &|| NOW).await.expect("write rows");
    let summary = ingestor.finish(NOW).await.expect("finish batch");
    // The o3 row is filtered out and not counted. Row numbers still count it.
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 3,
            duplicates: 0,
            conflicts: 0,
            rejected: 1
        }
    );
    let found = rejections(store, &summary.batch_id).await;
    assert_eq!(
        found,
        vec![(
            4,
            "OUT_OF_RANGE".to_owned(),
            json!({ "value": -5.0, "min": 0.0, "max": null })
        )]
    );
    summary.batch_id
}

async fn mapped_template_creates_series(url: &str) {
    let store = open_store(url).await;
    import_openaq(&store).await;

    let summaries = store.series_summaries().await.expect("summaries");
    let keys: Vec<&str> = summaries.iter().map(|s| s.record.definition.key.as_str()).collect();
    assert_eq!(keys, vec!["openaq.7441.pm10", "openaq.7441.pm25", "openaq.7442.pm25"]);
    let pm10 = &summaries[0].record.definition;
    assert_eq!(pm10.name, "OpenAQ 7441 pm10");
    assert_eq!(pm10.unit, "µg/m³");
    assert_eq!(pm10.min, Some(0.0));
    assert_eq!(pm10.source_key.as_deref(), Some("openaq"));
    assert_eq!(summaries[0].last_value, Some(55.0));
    assert_eq!(summaries[2].last_value, Some(12.0));
    assert_eq!(summaries[2].first_time, Some(ms("2024-12-01T02:00:00Z")));
}

async fn mapped_template_fills_indicator(url: &str) {
    let store = open_store(url).await;
    import_openaq(&store).await;
    let pm25 = store
        .series("openaq.7441.pm25")
        .await
        .expect("read series")
        .expect("series created");
    let pm10 = store
        .series("openaq.7441.pm10")
        .await
        .expect("read series")
        .expect("series created");
    // The template's `{column}` placeholders are filled from the row, as in the name.
    assert_eq!(pm25.definition.indicator.as_deref(), Some("pm25"));
    assert_eq!(pm10.definition.indicator.as_deref(), Some("pm10"));
}

async fn mapped_short_row_is_counted(url: &str) {
    let store = open_store(url).await;
    define_series(&store, "openaq.7441.pm25", None, None).await;
    let mapping = Mapping::from_toml(
        "[time]\ncolumn = \"datetime\"\n[[values]]\ncolumn = \"value\"\nseries = \"openaq.{location_id}.{parameter}\"\n\
         [filter]\nparameter = [\"pm25\"]\n",
    )
    .expect("parse mapping");
    // Row 2 is cut before the filtered column. It cannot be matched against the filter, so
    // it must be rejected as malformed rather than dropped without a count.
    let file = "location_id,datetime,value,parameter\n\
                7441,2024-12-01T00:00:00Z,40,pm25\n\
                7441,2024-12-01T01:00:00Z\n\
                7441,2024-12-01T02:00:00Z,9,o3\n";
    let rows = mapping.rows(file.as_bytes()).expect("read the mapped header");
    let summary = ingest_rows(&store, mapped_options(&mapping), rows).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 1,
            duplicates: 0,
            conflicts: 0,
            rejected: 1
        }
    );
    let found = rejections(&store, &summary.batch_id).await;
    let codes: Vec<(i64, &str)> = found.iter().map(|(row, code, _)| (*row, code.as_str())).collect();
    assert_eq!(codes, vec![(2, "MALFORMED_ROW")]);
}

async fn mapped_zone_gap_and_overlap(url: &str) {
    let store = open_store(url).await;
    let series_id = define_series(&store, "berlin.no2", None, None).await;
    let mapping = Mapping::from_toml(
        "[time]\ncolumn = \"Zeit\"\nformat = \"%d.%m.%Y %H:%M\"\nzone = \"Europe/Berlin\"\n\
         [[values]]\ncolumn = \"NO2\"\nseries = \"berlin.no2\"\n",
    )
    .expect("parse mapping");
    // 02:30 on 30 March 2025 does not exist in Berlin, and 02:30 on 26 October 2025 exists
    // twice. The ambiguous time is taken at its earlier instant, in summer time.
    let file = "Zeit,NO2\n30.03.2025 01:30,20\n30.03.2025 02:30,21\n30.03.2025 03:30,22\n26.10.2025 02:30,23\n";
    let rows = mapping.rows(file.as_bytes()).expect("read the mapped header");
    let summary = ingest_rows(&store, mapped_options(&mapping), rows).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 3,
            duplicates: 0,
            conflicts: 0,
            rejected: 1
        }
    );

    let found = rejections(&store, &summary.batch_id).await;
    assert_eq!(
        found,
        vec![(2, "INVALID_TIME".to_owned(), json!({ "value": "30.03.2025 02:30" }))]
    );
    let current = raw(&store, series_id, "2025-03-01T00:00:00Z", "2025-11-01T00:00:00Z").await;
    let expected = vec![
        (ms("2025-03-30T00:30:00Z"), 20.0),
        (ms("2025-03-30T01:30:00Z"), 22.0),
        (ms("2025-10-26T00:30:00Z"), 23.0),
    ];
    assert_eq!(current, expected);
}

async fn conflicts_across_chunk_boundary(url: &str) {
    let store = open_store(url).await;
    let a = define_series(&store, "pt.a", None, None).await;
    let b = define_series(&store, "pt.b", None, None).await;
    let start = ms("2025-07-01T00:00:00+07:00");
    let value = |minute: i64| (minute % 97) as f64 * 0.25;
    // 60,000 rows in time order fill more than one chunk of the pipeline. The last two
    // rows repeat and change values written by the first chunk.
    let time = |minute: i64| {
        chrono::DateTime::from_timestamp_millis(start + minute * 60_000)
            .expect("time")
            .to_rfc3339()
    };
    let mut csv = String::from("series,time,value\n");
    for minute in 0..30_000_i64 {
        for series in ["pt.a", "pt.b"] {
            csv.push_str(&format!("{series},{},{}\n", time(minute), value(minute)));
        }
    }
    csv.push_str(&format!("pt.a,{},{}\n", time(0), value(0)));
    csv.push_str(&format!("pt.a,{},{}\n", time(1), value(1) + 100.0));

    let summary = ingest_csv(&store, csv.as_bytes(), TextEncoding::Auto).await;
    assert_eq!(
        summary.counts,
        BatchCounts {
            accepted: 60_000,
            duplicates: 1,
            conflicts: 1,
            rejected: 0
        }
    );
    let superseded = superseded_rows(url).await;
    assert_eq!(superseded.len(), 1);
    assert_eq!(
        (
            superseded[0].series_id,
            superseded[0].row,
            superseded[0].replaced_by_row
        ),
        (a, 3, 60_002)
    );

    let month = (start, ms("2025-08-01T00:00:00+07:00"));
    for series_id in [a, b] {
        assert_rollups_match_raw(&store, series_id, month.0, month.1).await;
    }
    let day_count = store
        .points(a, month.0, month.1, Step::Day, Aggregate::Count)
        .await
        .expect("read rollups");
    assert_eq!(day_count.iter().map(|p| p.value).sum::<f64>(), 30_000.0);
}

async fn concurrent_batches_classify_each_key_once(url: &str) {
    let store = open_store(url).await;
    let a = define_series(&store, "pt.a", None, None).await;
    let b = define_series(&store, "pt.b", None, None).await;
    let start = ms("2025-07-01T00:00:00+07:00");
    let time = |minute: i64| {
        chrono::DateTime::from_timestamp_millis(start + minute * 60_000)
            .expect("time")
            .to_rfc3339()
    };
    // Two batches of 60,000 rows, two chunks each, send the same keys at the same time. The
    // second batch changes the value of every fourth minute.
    let batch = |changed: bool| {
        let mut csv = String::from("series,time,value\n");
        for minute in 0..30_000_i64 {
            let value = (minute % 89) as f64 * 0.5 + if changed && minute % 4 == 0 { 1000.0 } else { 0.0 };
            for series in ["pt.a", "pt.b"] {
                csv.push_str(&format!("{series},{},{value}\n", time(minute)));
            }
        }
        csv
    };
    let (first, second) = (batch(false), batch(true));
    let (first, second) = tokio::join!(
        ingest_csv(&store, first.as_bytes(), TextEncoding::Auto),
        ingest_csv(&store, second.as_bytes(), TextEncoding::Auto),
    );

    let mut total = first.counts;
    total.add(second.counts);
    assert_eq!(
        total.accepted, 60_000,
        "each key is new to exactly one batch: {first:?} {second:?}"
    );
    assert_eq!(total.conflicts, 15_000, "{first:?} {second:?}");
    assert_eq!(total.duplicates, 45_000, "{first:?} {second:?}");
    assert_eq!(superseded_rows(url).await.len(), 15_000);
    for series_id in [a, b] {
        assert_rollups_match_raw(&store, series_id, start, ms("2025-08-01T00:00:00+07:00")).await;
    }
}

async fn header_only_file_is_empty_batch(url: &str) {
    let store = open_store(url).await;
    define_series(&store, "pt.pm25", None, None).await;
    let summary = ingest_csv(&store, b"\xEF\xBB\xBFseries,time,value\r\n", TextEncoding::Auto).await;
    assert_eq!(summary.counts, BatchCounts::default());
    let record = store
        .batch(&summary.batch_id)
        .await
        .expect("read batch")
        .expect("batch exists");
    assert_eq!(record.status, "complete");
    assert_eq!(record.counts, BatchCounts::default());
}

#[test]
fn csv_header_without_value_column_is_rejected() {
    let error = csv_rows(&b"series,time,valeur\n"[..], TextEncoding::Auto)
        .err()
        .map(|e| e.to_string());
    let error = error.expect("a header without `value` is an input error");
    assert!(error.contains("\"value\""), "{error}");
}

#[test]
fn empty_csv_input_is_rejected() {
    let error = csv_rows(&b""[..], TextEncoding::Auto).err().map(|e| e.to_string());
    let error = error.expect("an input without a header is an input error");
    assert!(error.contains("missing column"), "{error}");
}
