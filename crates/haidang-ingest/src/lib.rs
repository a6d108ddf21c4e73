//! Decoders and the ingestion pipeline.
//!
//! Every path (the push API, `haidang import`, the demo loaders) turns its input into
//! [`RawRow`]s and hands them to [`pipeline::Ingestor`], which validates each row, keeps
//! each rejection with its reason, and writes in chunks so that a file of millions of rows
//! never sits in memory whole.

pub mod canonical;
pub mod catalog;
pub mod decode;
pub mod mapping;
pub mod pipeline;
pub mod reference;
pub mod simulator;
pub mod storms;

/// One row or value cell as read from the input, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 1-based number of the data row in the input (the header is not counted).
    pub row: i64,
    pub series: String,
    pub time: String,
    pub value: RawValue,
    /// The row as received, kept with a rejection so that it can be corrected.
    pub raw: RawText,
}

/// The original text of a row, rendered only when the row is rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum RawText {
    Record(csv::StringRecord),
    Text(String),
}

impl RawText {
    /// Renders the row as it would appear in its input (a CSV line or a JSON value), in NFC.
    pub fn render(&self) -> String {
        let text = match self {
            Self::Text(text) => text.clone(),
            Self::Record(record) => {
                let mut writer = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(Vec::new());
                let written = writer.write_record(record).is_ok() && writer.flush().is_ok();
                let bytes = writer.into_inner().unwrap_or_default();
                match written {
                    true => String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_owned(),
                    false => record.iter().collect::<Vec<_>>().join(","),
                }
            }
        };
        if text.is_ascii() {
            text
        } else {
            haidang_core::text::nfc(&text)
        }
    }
}

/// A value as found in the input.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Text(String),
    Number(f64),
    Missing,
    /// The source marked the value as missing (a sentinel or a quality flag).
    MarkedMissing {
        field: String,
        value: String,
    },
    /// The row could not be read into the fields of the format.
    Malformed(String),
}

/// Error that stops a whole input before any row is read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("missing column {column:?} in the header: the header must name the columns {expected}")]
    MissingColumn { column: String, expected: String },
    #[error("the body is not a JSON array of observations: {0}")]
    InvalidJson(String),
    #[error("could not read the input: {0}")]
    Read(String),
    #[error("invalid mapping: {0}")]
    InvalidMapping(String),
}
