//! File uploads through a stored mapping: CSV as `haidang import` reads it, and XLSX or
//! ODS spreadsheets read through the same mapping.
//!
//! A sheet is read as a table whose column names come from `header_row` (1-based, as the
//! spreadsheet program numbers rows; rows above it are ignored). When the header spans two
//! rows, a group row above the names (`group_row`) prefixes them: a column under the group
//! "PM2.5" named "Trung bình" is called `PM2.5 / Trung bình`, and a column whose name is
//! empty takes the group's alone. In XLSX a merged cell counts for every cell it covers;
//! ODS files carry no merge information to the reader, so an empty group cell takes the
//! group on its left there. Blank rows are skipped.
//!
//! In the time column, cells stored as dates and plain numbers are read as Excel date
//! serials (days since 1899-12-30, in the mapping's zone); text is parsed with the mapping's
//! format and zone. `sheet.name` picks one sheet; without it every sheet whose header has the time
//! column is read, each into a batch of its own. The row number of a rejected row is the
//! spreadsheet's row number.

use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Reader, Sheets};
use chrono::NaiveDateTime;
use haidang_ingest::decode::TextEncoding;
use haidang_ingest::mapping::{FileOptions, Mapping, TemplateFactory, read_headers};
use haidang_ingest::pipeline::{BatchOptions, BatchSummary, IngestError, Ingestor};
use haidang_ingest::{InputError, RawRow};
use haidang_store::Store;
use serde::Deserialize;

use crate::error::{ConfigError, Problem};

fn default_header_row() -> u32 {
    1
}

/// Layout of the sheets of a workbook.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetOptions {
    /// The sheet to read; every sheet with the time column when absent.
    pub name: Option<String>,
    /// Row holding the column names, 1-based.
    #[serde(default = "default_header_row")]
    pub header_row: u32,
    /// Row holding group names above `header_row`, for two-row headers.
    pub group_row: Option<u32>,
}

impl Default for SheetOptions {
    fn default() -> Self {
        Self {
            name: None,
            header_row: 1,
            group_row: None,
        }
    }
}

impl SheetOptions {
    pub fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        if !(1..=1_048_576).contains(&self.header_row) {
            return Err(ConfigError::out_of_range(
                format!("{prefix}.header_row"),
                self.header_row,
                1,
                1_048_576,
            ));
        }
        if let Some(group) = self.group_row
            && (group < 1 || group >= self.header_row)
        {
            return Err(ConfigError::out_of_range(
                format!("{prefix}.group_row"),
                group,
                1,
                self.header_row.saturating_sub(1),
            ));
        }
        Ok(())
    }
}

/// Settings of a file connector (`[connectors.file]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// The mapping of `haidang import`, as a table.
    pub mapping: Mapping,
    #[serde(default)]
    pub sheet: SheetOptions,
}

/// A validated file connector.
#[derive(Debug, Clone)]
pub struct FileConnector {
    pub mapping: Mapping,
    pub sheet: SheetOptions,
}

impl FileSettings {
    pub fn build(self, source: &str) -> Result<FileConnector, ConfigError> {
        check_mapping("file.mapping", &self.mapping)?;
        self.sheet.validate("file.sheet")?;
        let mut mapping = self.mapping;
        mapping.source = Some(source.to_owned());
        Ok(FileConnector {
            mapping,
            sheet: self.sheet,
        })
    }
}

/// Checks what `Mapping::from_toml` checks, for a mapping read from JSON.
pub fn check_mapping(field: &str, mapping: &Mapping) -> Result<(), ConfigError> {
    if mapping.value_columns.is_empty() {
        return Err(ConfigError::required(format!("{field}.values")));
    }
    if mapping.zone().is_err() {
        return Err(ConfigError::new(
            format!("{field}.time.zone"),
            mapping.time.zone.clone().unwrap_or_default(),
            Problem::Zone,
        ));
    }
    if mapping.time.column.trim().is_empty() {
        return Err(ConfigError::required(format!("{field}.time.column")));
    }
    Ok(())
}

/// Reads a mapping file for spreadsheets: the TOML of `haidang import`, with an optional
/// `[sheet]` table (`name`, `header_row`, `group_row`).
pub fn mapping_from_toml(text: &str) -> Result<(Mapping, SheetOptions), InputError> {
    let mut table: toml::Table = toml::from_str(text).map_err(|e| InputError::InvalidMapping(e.to_string()))?;
    let sheet = match table.remove("sheet") {
        None => SheetOptions::default(),
        Some(value) => value
            .try_into::<SheetOptions>()
            .map_err(|e| InputError::InvalidMapping(format!("[sheet]: {e}")))?,
    };
    sheet
        .validate("sheet")
        .map_err(|e| InputError::InvalidMapping(e.to_string()))?;
    let rest = toml::to_string(&table).map_err(|e| InputError::InvalidMapping(e.to_string()))?;
    Ok((Mapping::from_toml(&rest)?, sheet))
}

/// Kind of an uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
    Ods,
}

impl FileKind {
    /// Guesses the kind from a file name, then from a media type.
    pub fn detect(file_name: Option<&str>, media_type: Option<&str>) -> Option<Self> {
        let extension = file_name
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv" | "txt") => return Some(Self::Csv),
            Some("xlsx" | "xlsm") => return Some(Self::Xlsx),
            Some("ods") => return Some(Self::Ods),
            _ => {}
        }
        match media_type.map(|m| m.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()) {
            Some(m) if m == "text/csv" => Some(Self::Csv),
            Some(m) if m == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Some(Self::Xlsx),
            Some(m) if m == "application/vnd.oasis.opendocument.spreadsheet" => Some(Self::Ods),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "mapped-csv",
            Self::Xlsx => "xlsx",
            Self::Ods => "ods",
        }
    }
}

/// Error that stops a file before any row is stored.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("could not read the spreadsheet: {0}")]
    Workbook(String),
    #[error("no sheet named {name:?}: the workbook has {available}")]
    NoSheet { name: String, available: String },
    #[error("no sheet has the column {column:?} in row {row}; the sheets are {available}")]
    NoMatchingSheet {
        column: String,
        row: u32,
        available: String,
    },
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

impl From<InputError> for FileError {
    fn from(error: InputError) -> Self {
        Self::Ingest(IngestError::Input(error))
    }
}

/// One sheet turned into CSV with the mapping's column names.
#[derive(Debug, Clone)]
pub struct SheetTable {
    pub sheet: String,
    pub csv: Vec<u8>,
    /// Spreadsheet row number of each CSV data record, in order.
    pub rows: Vec<i64>,
}

/// The batch of one sheet (or of a CSV file).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SheetSummary {
    pub sheet: Option<String>,
    #[serde(flatten)]
    pub summary: BatchSummary,
    /// Data rows read (before mapping).
    pub rows: u64,
}

/// Reads the sheets of an XLSX or ODS workbook into tables.
pub fn read_workbook(bytes: &[u8], options: &SheetOptions, mapping: &Mapping) -> Result<Vec<SheetTable>, FileError> {
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| FileError::Workbook(e.to_string()))?;
    let names = workbook.sheet_names();
    let available = names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
    let chosen: Vec<String> = match &options.name {
        Some(name) => {
            if !names.contains(name) {
                return Err(FileError::NoSheet {
                    name: name.clone(),
                    available,
                });
            }
            vec![name.clone()]
        }
        None => names.clone(),
    };
    let mut tables = Vec::new();
    for name in chosen {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| FileError::Workbook(format!("sheet {name:?}: {e}")))?;
        let merged = match &mut workbook {
            Sheets::Xlsx(xlsx) => Some(
                xlsx.merge_cells_by_sheet_name(&name)
                    .map_err(|e| FileError::Workbook(format!("sheet {name:?}: {e}")))?,
            ),
            _ => None,
        };
        let table = sheet_table(&name, &range, merged.as_deref(), options, mapping);
        match table {
            Some(table) => tables.push(table),
            None if options.name.is_some() => {
                return Err(FileError::NoMatchingSheet {
                    column: mapping.time.column.clone(),
                    row: options.header_row,
                    available,
                });
            }
            None => tracing::debug!(sheet = %name, "sheet skipped: its header has no time column"),
        }
    }
    if tables.is_empty() {
        return Err(FileError::NoMatchingSheet {
            column: mapping.time.column.clone(),
            row: options.header_row,
            available,
        });
    }
    Ok(tables)
}

/// A sheet's cells, with merged regions read as their top-left cell.
struct Grid<'a> {
    range: &'a calamine::Range<Data>,
    merged: Option<&'a [calamine::Dimensions]>,
}

impl Grid<'_> {
    /// Returns the cell at absolute 0-based `(row, column)`.
    fn cell(&self, row: u32, column: u32) -> &Data {
        let (row, column) = self
            .merged
            .and_then(|regions| {
                regions
                    .iter()
                    .find(|d| d.start.0 <= row && row <= d.end.0 && d.start.1 <= column && column <= d.end.1)
            })
            .map_or((row, column), |d| d.start);
        self.range.get_value((row, column)).unwrap_or(&Data::Empty)
    }
}

fn sheet_table(
    name: &str,
    range: &calamine::Range<Data>,
    merged: Option<&[calamine::Dimensions]>,
    options: &SheetOptions,
    mapping: &Mapping,
) -> Option<SheetTable> {
    let (_, first_column) = range.start()?;
    let (last_row, last_column) = range.end()?;
    let grid = Grid { range, merged };
    let header_row = options.header_row - 1;
    let mut headers = Vec::new();
    let mut group = String::new();
    for column in first_column..=last_column {
        let header = cell_text(grid.cell(header_row, column));
        let name = match options.group_row {
            None => header,
            Some(group_row) => {
                let own = cell_text(grid.cell(group_row - 1, column));
                if !own.is_empty() || merged.is_some() {
                    group = own;
                }
                match (group.is_empty(), header.is_empty()) {
                    (true, _) => header,
                    (false, true) => group.clone(),
                    (false, false) if header == group => header,
                    (false, false) => format!("{group} / {header}"),
                }
            }
        };
        headers.push(name);
    }
    let time_index = headers.iter().position(|h| *h == mapping.time.column)?;
    let zone_format = mapping.time.format.clone();
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(&headers).ok()?;
    let mut rows = Vec::new();
    for row in header_row + 1..=last_row {
        let cells: Vec<&Data> = (first_column..=last_column).map(|c| grid.cell(row, c)).collect();
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let record: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(index, cell)| {
                if index == time_index {
                    time_text(cell, zone_format.as_deref())
                } else {
                    cell_text(cell)
                }
            })
            .collect();
        writer.write_record(&record).ok()?;
        rows.push(i64::from(row) + 1);
    }
    let csv = writer.into_inner().ok()?;
    Some(SheetTable {
        sheet: name.to_owned(),
        csv,
        rows,
    })
}

/// Text of a cell as a CSV field.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.trim().to_owned(),
        Data::Float(value) => value.to_string(),
        Data::Int(value) => value.to_string(),
        Data::Bool(flag) => flag.to_string(),
        Data::DateTime(date) => date.as_datetime().map_or_else(
            || date.as_f64().to_string(),
            |d| d.format("%Y-%m-%dT%H:%M:%S").to_string(),
        ),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(error) => error.to_string(),
    }
}

/// Text of a time cell: dates and plain numbers are Excel serials.
fn time_text(cell: &Data, format: Option<&str>) -> String {
    let naive = match cell {
        Data::DateTime(date) => date.as_datetime(),
        Data::Float(serial) => ExcelDateTime::new(*serial, ExcelDateTimeType::DateTime, false).as_datetime(),
        Data::Int(serial) => ExcelDateTime::new(*serial as f64, ExcelDateTimeType::DateTime, false).as_datetime(),
        _ => None,
    };
    match naive {
        Some(naive) => format_naive(naive, format),
        None => cell_text(cell),
    }
}

/// Formats a local time with the mapping's format, or as ISO 8601 without an offset.
fn format_naive(naive: NaiveDateTime, format: Option<&str>) -> String {
    use std::fmt::Write;
    if let Some(format) = format {
        let mut text = String::new();
        if write!(text, "{}", naive.format(format)).is_ok() {
            return text;
        }
    }
    naive.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Limit on the sources whose series a file may write; `None` for no limit.
pub type AllowedSources = Option<HashSet<String>>;

/// Imports a file through `mapping`: CSV in one batch, a workbook in one batch per sheet.
/// `options` gives the source, API key and file name; its format is set here. Series of
/// sources outside `allowed` are rejected.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    store: &Store,
    kind: FileKind,
    bytes: &[u8],
    mapping: &Mapping,
    sheet: &SheetOptions,
    options: BatchOptions,
    allowed: AllowedSources,
    now: &(dyn Fn() -> i64 + Sync),
) -> Result<Vec<SheetSummary>, FileError> {
    let mut options = options;
    options.format = kind.as_str().to_owned();
    options.zone = mapping.zone()?;
    options.time_format = mapping.time.format.clone();
    if options.source_key.is_none() {
        options.source_key.clone_from(&mapping.source);
    }
    if kind == FileKind::Csv {
        let summary = import_table(store, bytes, mapping, None, options, allowed, now).await?;
        return Ok(vec![summary]);
    }
    let tables = read_workbook(bytes, sheet, mapping)?;
    let mut mapping = mapping.clone();
    mapping.file = FileOptions {
        delimiter: ',',
        encoding: TextEncoding::Utf8,
    };
    let mut summaries = Vec::with_capacity(tables.len());
    for table in &tables {
        let mut options = options.clone();
        options.file_name = Some(match &options.file_name {
            Some(file) => format!("{file}#{}", table.sheet),
            None => table.sheet.clone(),
        });
        let mut summary = import_table(
            store,
            &table.csv,
            &mapping,
            Some(&table.rows),
            options,
            allowed.clone(),
            now,
        )
        .await?;
        summary.sheet = Some(table.sheet.clone());
        summaries.push(summary);
    }
    Ok(summaries)
}

async fn import_table(
    store: &Store,
    csv: &[u8],
    mapping: &Mapping,
    sheet_rows: Option<&[i64]>,
    options: BatchOptions,
    allowed: AllowedSources,
    now: &(dyn Fn() -> i64 + Sync),
) -> Result<SheetSummary, FileError> {
    let headers = read_headers(csv, mapping)?;
    let factory = TemplateFactory::for_mapping(mapping, headers);
    let rows = mapping.rows(csv)?;
    let mut ingestor = Ingestor::begin(store, options, now())
        .await?
        .with_allowed_sources(allowed);
    if let Some(factory) = &factory {
        ingestor = ingestor.with_series_factory(factory);
    }
    let mut records = 0u64;
    let mut last = 0;
    let numbered = rows.map(|row: Result<RawRow, InputError>| {
        row.map(|mut row| {
            if row.row != last {
                records += 1;
                last = row.row;
            }
            if let Some(numbers) = sheet_rows {
                let index = usize::try_from(row.row - 1).unwrap_or(usize::MAX);
                row.row = numbers.get(index).copied().unwrap_or(row.row);
            }
            row
        })
    });
    ingestor.push_all(numbered, now).await?;
    let summary = ingestor.finish(now()).await?;
    Ok(SheetSummary {
        sheet: None,
        summary,
        rows: records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_table_in_mapping_toml() {
        let text = "source = \"s\"\n[time]\ncolumn = \"Ngày\"\n[[values]]\ncolumn = \"PM2.5\"\nseries = \"a.pm25\"\n\
                    [sheet]\nname = \"Số liệu\"\nheader_row = 3\ngroup_row = 2\n";
        let (mapping, sheet) = mapping_from_toml(text).expect("mapping");
        assert_eq!(mapping.time.column, "Ngày");
        assert_eq!(sheet.header_row, 3);
        assert_eq!(sheet.group_row, Some(2));
        assert!(mapping_from_toml(&text.replace("group_row = 2", "group_row = 3")).is_err());
        assert!(mapping_from_toml(&text.replace("group_row", "grup_row")).is_err());
    }

    #[test]
    fn detects_kinds() {
        assert_eq!(FileKind::detect(Some("a.XLSX"), None), Some(FileKind::Xlsx));
        assert_eq!(
            FileKind::detect(None, Some("text/csv; charset=utf-8")),
            Some(FileKind::Csv)
        );
        assert_eq!(FileKind::detect(Some("a.bin"), None), None);
    }

    #[test]
    fn serials_become_local_times() {
        assert_eq!(time_text(&Data::Float(45839.5), None), "2025-07-01T12:00:00");
        assert_eq!(time_text(&Data::Int(45839), Some("%d/%m/%Y")), "01/07/2025");
        assert_eq!(time_text(&Data::String("01/07/2025".into()), None), "01/07/2025");
    }
}
