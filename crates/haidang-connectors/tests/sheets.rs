//! Spreadsheet imports through a mapping: XLSX files written by rust_xlsxwriter and ODS
//! files assembled here, with a two-row header under merged cells, dates stored as Excel
//! serials or as text, blank rows and several sheets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Cursor, Write};

use common::*;
use haidang_connectors::file::{FileKind, SheetOptions, import, mapping_from_toml, read_workbook};
use haidang_core::time::{LOCAL_ZONE, parse_timestamp};
use haidang_ingest::pipeline::BatchOptions;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const MAPPING: &str = r#"
source = "cam-bien"

[time]
column = "Thời gian"

[[values]]
column = "PM2.5 / Trung bình"
series = "{Trạm}.pm25"

[[values]]
column = "PM2.5 / Tối đa"
series = "{Trạm}.pm25-max"

[create_series]
name = "PM2.5 {Trạm}"
unit = "µg/m³"
indicator = "pm25"

[sheet]
header_row = 3
group_row = 2
"#;

/// A report sheet: a title, a two-row header with merged cells, and data rows.
fn report_sheet(workbook: &mut Workbook, name: &str, station: &str) {
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let plain = Format::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name).unwrap();
    sheet
        .merge_range(0, 0, 0, 4, "Báo cáo quan trắc không khí tháng 7/2025", &plain)
        .unwrap();
    sheet.merge_range(1, 0, 2, 0, "Trạm", &plain).unwrap();
    sheet.merge_range(1, 1, 2, 1, "Thời gian", &plain).unwrap();
    sheet.merge_range(1, 2, 1, 3, "PM2.5", &plain).unwrap();
    sheet.write_string(2, 2, "Trung bình").unwrap();
    sheet.write_string(2, 3, "Tối đa").unwrap();
    // An ungrouped column right of the group: its group cell is empty, not merged.
    sheet.write_string(2, 4, "Ghi chú").unwrap();
    // Row 4: a date cell.
    sheet.write_string(3, 0, station).unwrap();
    let eight = ExcelDateTime::parse_from_str("2025-07-01 08:00:00").unwrap();
    sheet.write_datetime_with_format(3, 1, &eight, &date).unwrap();
    sheet.write_number(3, 2, 35.5).unwrap();
    sheet.write_number(3, 3, 60).unwrap();
    // Row 5: the time as text, an invalid average.
    sheet.write_string(4, 0, station).unwrap();
    sheet.write_string(4, 1, "2025-07-01 09:00").unwrap();
    sheet.write_string(4, 2, "n/a").unwrap();
    sheet.write_number(4, 3, 70).unwrap();
    sheet.write_string(4, 4, "thiết bị lỗi").unwrap();
    // Row 6 is blank. Row 7: a serial stored as a plain number (10:00).
    sheet.write_string(6, 0, station).unwrap();
    sheet.write_number(6, 1, 45839.0 + 10.0 / 24.0).unwrap();
    sheet.write_number(6, 2, 41.25).unwrap();
    sheet.write_number(6, 3, 55).unwrap();
}

fn xlsx() -> Vec<u8> {
    let mut workbook = Workbook::new();
    report_sheet(&mut workbook, "Phan Thiết", "phan-thiet");
    report_sheet(&mut workbook, "Mũi Né", "mui-ne");
    let notes = workbook.add_worksheet();
    notes.set_name("Ghi chú").unwrap();
    notes.write_string(0, 0, "Số liệu sơ bộ, chưa kiểm định.").unwrap();
    workbook.save_to_buffer().unwrap()
}

fn options() -> BatchOptions {
    BatchOptions {
        source_key: None,
        format: String::new(),
        file_name: Some("bao-cao-thang-7.xlsx".into()),
        api_key_id: None,
        zone: LOCAL_ZONE,
        time_format: None,
    }
}

fn local(text: &str) -> i64 {
    parse_timestamp(text, LOCAL_ZONE).unwrap()
}

async fn values(store: &haidang_store::Store, key: &str) -> Vec<(i64, f64)> {
    let series = store
        .series(key)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{key} missing"));
    store
        .points(
            series.id,
            i64::MIN / 4,
            i64::MAX / 4,
            haidang_core::Step::Raw,
            haidang_core::Aggregate::Avg,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.time, p.value))
        .collect()
}

#[test]
fn merged_headers_name_the_columns() {
    let (mapping, sheet) = mapping_from_toml(MAPPING).unwrap();
    let tables = read_workbook(&xlsx(), &sheet, &mapping).unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.sheet.as_str()).collect();
    assert_eq!(names, ["Phan Thiết", "Mũi Né"], "the notes sheet has no time column");
    let text = String::from_utf8(tables[0].csv.clone()).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(header, "Trạm,Thời gian,PM2.5 / Trung bình,PM2.5 / Tối đa,Ghi chú");
    assert_eq!(tables[0].rows, [4, 5, 7], "spreadsheet row numbers, blank row skipped");
    assert!(text.contains("phan-thiet,2025-07-01T08:00:00,35.5,60,"), "{text}");
    assert!(text.contains("phan-thiet,2025-07-01T10:00:00,41.25,55,"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xlsx_sheets_become_batches_with_sheet_row_numbers() {
    let test = test_store().await;
    let store = test.store.clone();
    let (mapping, sheet) = mapping_from_toml(MAPPING).unwrap();
    let now = || chrono::Utc::now().timestamp_millis();
    let summaries = import(&store, FileKind::Xlsx, &xlsx(), &mapping, &sheet, options(), None, &now)
        .await
        .unwrap();
    assert_eq!(summaries.len(), 2);
    for summary in &summaries {
        assert_eq!(summary.rows, 3);
        assert_eq!(summary.summary.counts.accepted, 5);
        assert_eq!(summary.summary.counts.rejected, 1);
    }
    assert_eq!(
        values(&store, "phan-thiet.pm25").await,
        [(local("2025-07-01 08:00"), 35.5), (local("2025-07-01 10:00"), 41.25)]
    );
    assert_eq!(
        values(&store, "mui-ne.pm25-max").await,
        [
            (local("2025-07-01 08:00"), 60.0),
            (local("2025-07-01 09:00"), 70.0),
            (local("2025-07-01 10:00"), 55.0)
        ]
    );
    let series = store.series("mui-ne.pm25").await.unwrap().unwrap();
    assert_eq!(series.definition.unit, "µg/m³");
    assert_eq!(series.definition.source_key.as_deref(), Some(SOURCE));

    let batch = store.batch(&summaries[0].summary.batch_id).await.unwrap().unwrap();
    assert_eq!(batch.format, "xlsx");
    assert_eq!(batch.file_name.as_deref(), Some("bao-cao-thang-7.xlsx#Phan Thiết"));
    let rejected = store.rejected_rows(&batch.id).await.unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].row, 5, "the row as the spreadsheet numbers it");
    assert_eq!(rejected[0].reason_code, "INVALID_NUMBER");
    assert!(rejected[0].raw.contains("thiết bị lỗi"), "{}", rejected[0].raw);

    // The same file again: every value is a duplicate.
    let again = import(&store, FileKind::Xlsx, &xlsx(), &mapping, &sheet, options(), None, &now)
        .await
        .unwrap();
    assert!(
        again
            .iter()
            .all(|s| s.summary.counts.accepted == 0 && s.summary.counts.duplicates == 5)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_named_sheet_or_a_clear_error() {
    let test = test_store().await;
    let (mapping, _) = mapping_from_toml(MAPPING).unwrap();
    let now = || chrono::Utc::now().timestamp_millis();
    let sheet = SheetOptions {
        name: Some("Mũi Né".into()),
        header_row: 3,
        group_row: Some(2),
    };
    let summaries = import(
        &test.store,
        FileKind::Xlsx,
        &xlsx(),
        &mapping,
        &sheet,
        options(),
        None,
        &now,
    )
    .await
    .unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].sheet.as_deref(), Some("Mũi Né"));
    let missing = SheetOptions {
        name: Some("Hàm Tiến".into()),
        ..sheet.clone()
    };
    let error = import(
        &test.store,
        FileKind::Xlsx,
        &xlsx(),
        &mapping,
        &missing,
        options(),
        None,
        &now,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(error.contains("Hàm Tiến") && error.contains("Phan Thiết"), "{error}");
    let wrong_header = SheetOptions {
        header_row: 1,
        group_row: None,
        ..sheet
    };
    let error = import(
        &test.store,
        FileKind::Xlsx,
        &xlsx(),
        &mapping,
        &wrong_header,
        options(),
        None,
        &now,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(error.contains("\"Thời gian\" in row 1"), "{error}");
}

/// A minimal OpenDocument spreadsheet with one table.
fn ods(rows: &[&[&str]]) -> Vec<u8> {
    let mut table = String::new();
    for row in rows {
        table.push_str("<table:table-row>");
        for cell in *row {
            table.push_str(cell);
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Hàm Tiến">{table}</table:table></office:spreadsheet></office:body>
</office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn text(value: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ods_with_group_row_and_dates() {
    let empty = "<table:table-cell/>".to_owned();
    let group = |name: &str| text(name);
    let header = [group("Trạm"), group("Thời gian"), group("PM2.5"), empty.clone()];
    let names = [empty.clone(), empty.clone(), text("Trung bình"), text("Tối đa")];
    let date = r#"<table:table-cell office:value-type="date" office:date-value="2025-07-01T08:00:00"><text:p>01/07/2025 08:00</text:p></table:table-cell>"#.to_owned();
    let serial = r#"<table:table-cell office:value-type="float" office:value="45839.375"><text:p>45839.375</text:p></table:table-cell>"#.to_owned();
    let number = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let first = [text("ham-tien"), date, number("22"), number("30")];
    let second = [text("ham-tien"), serial, number("24"), number("31")];
    let rows: Vec<Vec<String>> = vec![
        vec![text("Báo cáo")],
        header.to_vec(),
        names.to_vec(),
        first.to_vec(),
        second.to_vec(),
    ];
    let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let bytes = ods(&rows);

    let test = test_store().await;
    let (mapping, sheet) = mapping_from_toml(MAPPING).unwrap();
    let now = || chrono::Utc::now().timestamp_millis();
    let mut batch = options();
    batch.file_name = Some("ham-tien.ods".into());
    let summaries = import(&test.store, FileKind::Ods, &bytes, &mapping, &sheet, batch, None, &now)
        .await
        .unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].summary.counts.accepted, 4, "{summaries:?}");
    assert_eq!(
        values(&test.store, "ham-tien.pm25").await,
        [(local("2025-07-01 08:00"), 22.0), (local("2025-07-01 09:00"), 24.0)]
    );
}
