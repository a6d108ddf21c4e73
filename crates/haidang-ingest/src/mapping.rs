//! Declared mappings for agency files whose columns do not follow the canonical format.
//!
//! A mapping is a TOML document. It names the time column and its format and zone, and
//! one or more value columns, each with the series it feeds (a template may take parts of
//! the key from other columns, such as `openaq.{location_id}.{parameter}`), the sentinel
//! values that mean "missing", and an optional quality column whose flags mean "missing".
//! Each value cell of a data row becomes one row of the batch.

use std::collections::HashMap;
use std::io::Read;

use chrono_tz::Tz;
use haidang_store::SeriesDefinition;
use serde::Deserialize;

use crate::canonical::clean_field;
use crate::decode::{TextEncoding, utf8_reader};
use crate::pipeline::SeriesFactory;
use crate::{InputError, RawRow, RawText, RawValue};

/// A file mapping, as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Source that the batch is attributed to.
    pub source: Option<String>,
    #[serde(default)]
    pub file: FileOptions,
    pub time: TimeColumn,
    #[serde(rename = "values")]
    pub value_columns: Vec<ValueColumn>,
    /// Rows kept only when every named column has one of the listed values. A row too short
    /// to hold a filtered column is kept, so that it is counted and rejected as malformed.
    #[serde(default)]
    pub filter: HashMap<String, Vec<String>>,
    /// How to define series that the file names but that do not exist yet.
    pub create_series: Option<SeriesTemplate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileOptions {
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    #[serde(default = "default_encoding")]
    pub encoding: TextEncoding,
}

impl Default for FileOptions {
    fn default() -> Self {
        Self {
            delimiter: default_delimiter(),
            encoding: default_encoding(),
        }
    }
}

fn default_delimiter() -> char {
    ','
}

fn default_encoding() -> TextEncoding {
    TextEncoding::Auto
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeColumn {
    pub column: String,
    /// `strftime` format; without it the ISO 8601 forms are accepted.
    pub format: Option<String>,
    /// IANA zone of naive times; Asia/Ho_Chi_Minh when absent.
    pub zone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueColumn {
    pub column: String,
    /// Series key, with `{column}` placeholders filled from the row.
    pub series: String,
    /// Cell values that mean "no measurement", such as `-999`.
    #[serde(default)]
    pub missing: Vec<String>,
    pub quality: Option<QualityColumn>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityColumn {
    pub column: String,
    /// Flags that mean the value must not be used.
    pub missing: Vec<String>,
}

/// Template for series created on first sight; `{column}` placeholders are filled from
/// the first row that names the series.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesTemplate {
    pub name: String,
    pub unit: Option<String>,
    pub unit_column: Option<String>,
    pub indicator: Option<String>,
    pub entity: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub expected_interval_secs: Option<i64>,
}

impl Mapping {
    pub fn from_toml(text: &str) -> Result<Self, InputError> {
        let mapping: Mapping = toml::from_str(text).map_err(|e| InputError::InvalidMapping(e.to_string()))?;
        if mapping.value_columns.is_empty() {
            return Err(InputError::InvalidMapping(
                "declare at least one [[values]] column".to_owned(),
            ));
        }
        mapping.zone()?;
        Ok(mapping)
    }

    pub fn zone(&self) -> Result<Tz, InputError> {
        match &self.time.zone {
            None => Ok(haidang_core::time::LOCAL_ZONE),
            Some(name) => name
                .parse::<Tz>()
                .map_err(|_| InputError::InvalidMapping(format!("unknown time zone {name:?}: use an IANA name"))),
        }
    }

    /// Streams the batch rows of a file read through this mapping.
    pub fn rows<R: Read>(&self, input: R) -> Result<MappedRows<'_, R>, InputError> {
        let reader = utf8_reader(input, self.file.encoding).map_err(|e| InputError::Read(e.to_string()))?;
        let delimiter = u8::try_from(self.file.delimiter)
            .map_err(|_| InputError::InvalidMapping("the delimiter must be one ASCII character".to_owned()))?;
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(reader);
        let headers: Vec<String> = csv
            .headers()
            .map_err(|e| InputError::Read(e.to_string()))?
            .iter()
            .map(clean_field)
            .collect();
        let expected = headers.join(",");
        let index = |name: &str| -> Result<usize, InputError> {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| InputError::MissingColumn {
                    column: name.to_owned(),
                    expected: expected.clone(),
                })
        };
        index(&self.time.column)?;
        for value in &self.value_columns {
            index(&value.column)?;
            if let Some(quality) = &value.quality {
                index(&quality.column)?;
            }
        }
        for column in self.filter.keys() {
            index(column)?;
        }
        Ok(MappedRows {
            mapping: self,
            csv,
            headers,
            record_number: 0,
            pending: Vec::new(),
        })
    }
}

/// Iterator over the batch rows of a mapped file.
pub struct MappedRows<'m, R: Read> {
    mapping: &'m Mapping,
    csv: csv::Reader<crate::decode::Utf8Reader<R>>,
    headers: Vec<String>,
    record_number: i64,
    pending: Vec<RawRow>,
}

impl<R: Read> Iterator for MappedRows<'_, R> {
    type Item = Result<RawRow, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(row) = self.pending.pop() {
                return Some(Ok(row));
            }
            let mut record = csv::StringRecord::new();
            match self.csv.read_record(&mut record) {
                Ok(false) => return None,
                Err(error) => return Some(Err(InputError::Read(error.to_string()))),
                Ok(true) => {
                    self.record_number += 1;
                    self.expand(record);
                }
            }
        }
    }
}

impl<R: Read> MappedRows<'_, R> {
    fn field(&self, record: &csv::StringRecord, name: &str) -> Option<String> {
        let index = self.headers.iter().position(|h| h == name)?;
        record.get(index).map(clean_field)
    }

    /// Turns one data row into one batch row per value column, in column order.
    fn expand(&mut self, record: csv::StringRecord) {
        let keep = self
            .mapping
            .filter
            .iter()
            .all(|(column, allowed)| self.field(&record, column).is_none_or(|v| allowed.contains(&v)));
        if !keep {
            return;
        }
        let time = self.field(&record, &self.mapping.time.column).unwrap_or_default();
        let mut rows = Vec::with_capacity(self.mapping.value_columns.len());
        for column in &self.mapping.value_columns {
            let cell = self.field(&record, &column.column).unwrap_or_default();
            let flag = column.quality.as_ref().and_then(|q| {
                let flag = self.field(&record, &q.column)?;
                q.missing.contains(&flag).then(|| (q.column.clone(), flag))
            });
            let value = if record.len() != self.headers.len() {
                RawValue::Malformed(format!(
                    "{} fields where the header has {}",
                    record.len(),
                    self.headers.len()
                ))
            } else if let Some((field, value)) = flag {
                RawValue::MarkedMissing { field, value }
            } else if column.missing.contains(&cell) {
                RawValue::MarkedMissing {
                    field: column.column.clone(),
                    value: cell,
                }
            } else if cell.is_empty() {
                RawValue::Missing
            } else {
                RawValue::Text(cell)
            };
            rows.push(RawRow {
                row: self.record_number,
                series: fill_template(&column.series, &self.headers, &record),
                time: time.clone(),
                value,
                raw: RawText::Record(record.clone()),
            });
        }
        rows.reverse();
        self.pending = rows;
    }
}

/// Replaces `{column}` placeholders with the row's values of those columns.
fn fill_template(template: &str, headers: &[String], record: &csv::StringRecord) -> String {
    if !template.contains('{') {
        return template.to_owned();
    }
    let mut out = template.to_owned();
    for (index, header) in headers.iter().enumerate() {
        let placeholder = format!("{{{header}}}");
        if out.contains(&placeholder) {
            out = out.replace(&placeholder, &clean_field(record.get(index).unwrap_or_default()));
        }
    }
    out
}

/// Defines missing series from a mapping's `create_series` template.
pub struct TemplateFactory {
    pub template: SeriesTemplate,
    pub source: Option<String>,
    pub headers: Vec<String>,
}

impl TemplateFactory {
    /// Returns a factory when the mapping declares `create_series`.
    pub fn for_mapping(mapping: &Mapping, headers: Vec<String>) -> Option<Self> {
        mapping.create_series.clone().map(|template| Self {
            template,
            source: mapping.source.clone(),
            headers,
        })
    }
}

impl SeriesFactory for TemplateFactory {
    fn define(&self, key: &str, row: &RawRow) -> Option<SeriesDefinition> {
        let RawText::Record(record) = &row.raw else { return None };
        haidang_core::SeriesKey::parse(key).ok()?;
        let unit = match (&self.template.unit, &self.template.unit_column) {
            (Some(unit), _) => unit.clone(),
            (None, Some(column)) => {
                let index = self.headers.iter().position(|h| h == column)?;
                clean_field(record.get(index)?)
            }
            (None, None) => String::new(),
        };
        Some(SeriesDefinition {
            key: key.to_owned(),
            name: fill_template(&self.template.name, &self.headers, record),
            unit,
            indicator: self
                .template
                .indicator
                .as_ref()
                .map(|i| fill_template(i, &self.headers, record)),
            min: self.template.min,
            max: self.template.max,
            expected_interval_secs: self.template.expected_interval_secs,
            source_key: self.source.clone(),
            unit_code: None,
            entity_key: self
                .template
                .entity
                .as_ref()
                .map(|e| fill_template(e, &self.headers, record)),
        })
    }
}

/// Reads only the header of a mapped file, for a [`TemplateFactory`].
pub fn read_headers<R: Read>(input: R, mapping: &Mapping) -> Result<Vec<String>, InputError> {
    let reader = utf8_reader(input, mapping.file.encoding).map_err(|e| InputError::Read(e.to_string()))?;
    let delimiter = u8::try_from(mapping.file.delimiter)
        .map_err(|_| InputError::InvalidMapping("the delimiter must be one ASCII character".to_owned()))?;
    let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(reader);
    Ok(csv
        .headers()
        .map_err(|e| InputError::Read(e.to_string()))?
        .iter()
        .map(clean_field)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const AIRNOW: &str = r#"
source = "airnow"
[time]
column = "Date (LT)"
format = "%Y-%m-%d %I:%M %p"
[[values]]
column = "Raw Conc."
series = "hanoi.pm25"
missing = ["-999", "-999.0"]
quality = { column = "QC Name", missing = ["Missing", "Invalid"] }
"#;

    #[test]
    fn sentinels_and_flags_become_marked_missing() {
        let mapping = Mapping::from_toml(AIRNOW).expect("mapping");
        let file = "Site,Date (LT),Raw Conc.,QC Name\n\
                    Hanoi,2020-01-01 01:00 AM,126.0,Valid\n\
                    Hanoi,2020-01-01 02:00 AM,-999,Valid\n\
                    Hanoi,2020-01-01 03:00 AM,80.0,Invalid\n";
        let rows: Vec<RawRow> = mapping
            .rows(file.as_bytes())
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].value, RawValue::Text("126.0".into()));
        assert!(matches!(rows[1].value, RawValue::MarkedMissing { .. }));
        assert!(matches!(&rows[2].value, RawValue::MarkedMissing { value, .. } if value == "Invalid"));
    }

    #[test]
    fn template_fills_series_from_columns() {
        let mapping = Mapping::from_toml(
            "[time]\ncolumn = \"datetime\"\n[[values]]\ncolumn = \"value\"\nseries = \"openaq.{location_id}.{parameter}\"\n\
             [filter]\nparameter = [\"pm25\"]\n",
        )
        .expect("mapping");
        let file = "location_id,parameter,datetime,value\n7441,pm25,2024-12-01 00:00:00+00:00,40\n7441,o3,2024-12-01 00:00:00+00:00,9\n";
        let rows: Vec<RawRow> = mapping
            .rows(file.as_bytes())
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].series, "openaq.7441.pm25");
    }

    #[test]
    fn unknown_mapping_field_is_rejected() {
        assert!(
            Mapping::from_toml("[time]\ncolumn = \"t\"\nformatt = \"x\"\n[[values]]\ncolumn=\"v\"\nseries=\"s\"\n")
                .is_err()
        );
    }

    #[test]
    fn missing_column_names_the_column() {
        let mapping = Mapping::from_toml(AIRNOW).expect("mapping");
        let error = mapping
            .rows("Site,When\n".as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("Date (LT)"), "{error}");
    }
}
