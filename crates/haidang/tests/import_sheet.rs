//! `haidang import --mapping M file.xlsx` reads a workbook through the same mapping as CSV,
//! with the `[sheet]` table for its layout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use rust_xlsxwriter::{Format, Workbook};

const MAPPING: &str = r#"
[time]
column = "Thời điểm"

[[values]]
column = "Lượng mưa / mm"
series = "mua.{Trạm}"

[create_series]
name = "Lượng mưa {Trạm}"
unit = "mm"

[sheet]
header_row = 2
group_row = 1
"#;

#[test]
fn workbook_is_imported_sheet_by_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let plain = Format::new();
    for (name, station) in [("Bắc Bình", "bac-binh"), ("Tuy Phong", "tuy-phong")] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        sheet.merge_range(0, 0, 1, 0, "Trạm", &plain).unwrap();
        sheet.merge_range(0, 1, 1, 1, "Thời điểm", &plain).unwrap();
        sheet.write_string(0, 2, "Lượng mưa").unwrap();
        sheet.write_string(1, 2, "mm").unwrap();
        for hour in 0..3u32 {
            sheet.write_string(2 + hour, 0, station).unwrap();
            sheet
                .write_number(2 + hour, 1, 45839.0 + f64::from(hour) / 24.0)
                .unwrap();
            sheet.write_number(2 + hour, 2, f64::from(hour) * 1.5).unwrap();
        }
    }
    let file = dir.path().join("mua-thang-7.xlsx");
    workbook.save(&file).unwrap();
    let mapping = dir.path().join("mua.toml");
    std::fs::write(&mapping, MAPPING).unwrap();
    let database = dir.path().join("haidang.db");

    let output = Command::new(env!("CARGO_BIN_EXE_haidang"))
        .arg("import")
        .arg("--database-url")
        .arg(format!("sqlite://{}", database.display()))
        .arg("--mapping")
        .arg(&mapping)
        .arg(&file)
        .env_remove("HAIDANG_CONFIG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "one batch per sheet: {stdout}");
    assert_eq!(lines[0]["sheet"], "Bắc Bình");
    assert_eq!(lines[0]["accepted"], 3);
    assert_eq!(lines[1]["sheet"], "Tuy Phong");

    let connection = rusqlite::Connection::open(&database).unwrap();
    let (count, first): (i64, i64) = connection
        .query_row(
            "SELECT count(*), min(o.ts) FROM observations o JOIN series s ON s.id = o.series_id WHERE s.key = 'mua.tuy-phong'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(count, 3);
    assert_eq!(first, 1_751_302_800_000, "2025-07-01 00:00 in Asia/Ho_Chi_Minh");
    let unit: String = connection
        .query_row("SELECT unit FROM series WHERE key = 'mua.bac-binh'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unit, "mm");
}
