//! The canonical observation formats: CSV with the header `series,time,value` (in any
//! order, other columns ignored) and a JSON array of `{"series", "time", "value"}`.

use std::io::Read;

use haidang_core::text::nfc;

use crate::decode::{TextEncoding, utf8_reader};
use crate::{InputError, RawRow, RawText, RawValue};

const CANONICAL_COLUMNS: &str = "series,time,value";

/// Streams the rows of a canonical CSV input.
pub fn csv_rows<R: Read>(input: R, encoding: TextEncoding) -> Result<CsvRows<R>, InputError> {
    let reader = utf8_reader(input, encoding).map_err(|e| InputError::Read(e.to_string()))?;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(reader);
    let headers = csv.headers().map_err(|e| InputError::Read(e.to_string()))?.clone();
    let position = |name: &str| -> Result<usize, InputError> {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| InputError::MissingColumn {
                column: name.to_owned(),
                expected: CANONICAL_COLUMNS.to_owned(),
            })
    };
    let columns = [position("series")?, position("time")?, position("value")?];
    Ok(CsvRows {
        csv,
        columns,
        width: headers.len(),
        row: 0,
    })
}

/// Iterator over the rows of a canonical CSV input.
pub struct CsvRows<R: Read> {
    csv: csv::Reader<crate::decode::Utf8Reader<R>>,
    columns: [usize; 3],
    width: usize,
    row: i64,
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<RawRow, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = csv::StringRecord::new();
        match self.csv.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                self.row += 1;
                Some(Ok(self.parse(record)))
            }
            Err(error) => {
                self.row += 1;
                let detail = error.to_string();
                Some(Ok(RawRow {
                    row: self.row,
                    series: String::new(),
                    time: String::new(),
                    value: RawValue::Malformed(detail.clone()),
                    raw: RawText::Text(detail),
                }))
            }
        }
    }
}

impl<R: Read> CsvRows<R> {
    fn parse(&self, record: csv::StringRecord) -> RawRow {
        let [series, time, value] = self.columns.map(|i| record.get(i).map(clean_field));
        let value = if record.len() != self.width {
            RawValue::Malformed(format!("{} fields where the header has {}", record.len(), self.width))
        } else {
            match value {
                Some(text) if !text.is_empty() => RawValue::Text(text),
                _ => RawValue::Missing,
            }
        };
        RawRow {
            row: self.row,
            series: series.unwrap_or_default(),
            time: time.unwrap_or_default(),
            value,
            raw: RawText::Record(record),
        }
    }
}

/// Trims a field and brings it to NFC; ASCII fields need no normalisation.
pub fn clean_field(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_ascii() {
        trimmed.to_owned()
    } else {
        nfc(trimmed)
    }
}

/// Reads a canonical JSON body: an array of observations.
pub fn json_rows(body: &[u8]) -> Result<Vec<RawRow>, InputError> {
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(body).map_err(|e| InputError::InvalidJson(e.to_string()))?;
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(index, item)| json_row(index as i64 + 1, item))
        .collect())
}

fn json_row(row: i64, item: serde_json::Value) -> RawRow {
    let raw = RawText::Text(item.to_string());
    let Some(object) = item.as_object() else {
        return RawRow {
            row,
            series: String::new(),
            time: String::new(),
            value: RawValue::Malformed("not a JSON object".to_owned()),
            raw,
        };
    };
    let text = |name: &str| {
        object
            .get(name)
            .and_then(|v| v.as_str())
            .map(clean_field)
            .unwrap_or_default()
    };
    let value = match object.get("value") {
        None | Some(serde_json::Value::Null) => RawValue::Missing,
        Some(serde_json::Value::Number(n)) => n.as_f64().map_or(RawValue::Missing, RawValue::Number),
        Some(serde_json::Value::String(s)) => RawValue::Text(clean_field(s)),
        Some(other) => RawValue::Text(other.to_string()),
    };
    RawRow {
        row,
        series: text("series"),
        time: text("time"),
        value,
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[u8]) -> Vec<RawRow> {
        let rows = csv_rows(text, TextEncoding::Auto).expect("header");
        rows.map(|r| r.expect("row")).collect()
    }

    #[test]
    fn crlf_quotes_and_column_order() {
        let parsed = rows(b"value,series,time\r\n\"1.5\",a,2025-07-01 08:00\r\n\"2\",\"b\",\"2025-07-01\n08:00\"\r\n");
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].series, "a");
        assert_eq!(parsed[0].value, RawValue::Text("1.5".into()));
        assert_eq!(parsed[1].time, "2025-07-01\n08:00");
    }

    #[test]
    fn short_row_is_malformed() {
        let parsed = rows(b"series,time,value\na,2025-07-01\n");
        assert!(matches!(parsed[0].value, RawValue::Malformed(_)));
        assert_eq!(parsed[0].raw.render(), "a,2025-07-01");
    }

    #[test]
    fn missing_header_column_is_an_input_error() {
        assert!(matches!(
            csv_rows(&b"series,when,value\n"[..], TextEncoding::Auto),
            Err(InputError::MissingColumn { .. })
        ));
    }

    #[test]
    fn json_objects_and_garbage() {
        let parsed = json_rows(br#"[{"series":"a","time":"2025-07-01T00:00:00Z","value":1.5}, 7]"#).expect("array");
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].value, RawValue::Number(1.5));
        assert!(matches!(parsed[1].value, RawValue::Malformed(_)));
    }
}
