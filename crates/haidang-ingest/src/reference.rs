//! Loader of the reference data shipped in `data/reference/`: administrative units with
//! validity periods, the old → new succession table, and boundary polygons.
//!
//! `units.csv` has the columns `code,name,level,parent,kind,valid_from,valid_to` (dates as
//! YYYY-MM-DD, empty when open). `successions.csv` has `old_code,new_code,effective,share,
//! exact`. Boundaries are GeoJSON FeatureCollections whose features carry `id`, `name` and
//! `level`.

use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;
use haidang_core::text::nfc;
use haidang_core::units::{AdminUnit, Succession, UnitLevel};
use haidang_store::Boundary;
use serde::Deserialize;

use crate::InputError;

#[derive(Deserialize)]
struct UnitRow {
    code: String,
    name: String,
    level: String,
    parent: String,
    kind: String,
    valid_from: String,
    valid_to: String,
}

#[derive(Deserialize)]
struct SuccessionRow {
    old_code: String,
    new_code: String,
    effective: String,
    share: f64,
    exact: bool,
}

/// Reads `units.csv`.
pub fn read_units<R: Read>(input: R) -> Result<Vec<AdminUnit>, InputError> {
    let mut units = Vec::new();
    for (index, row) in csv::Reader::from_reader(input).deserialize::<UnitRow>().enumerate() {
        let line = index + 2;
        let row = row.map_err(|e| InputError::Read(format!("units.csv line {line}: {e}")))?;
        let level = UnitLevel::parse(&row.level)
            .ok_or_else(|| InputError::Read(format!("units.csv line {line}: unknown level {:?}", row.level)))?;
        units.push(AdminUnit {
            code: row.code,
            name: nfc(&row.name),
            level,
            parent: Some(row.parent).filter(|p| !p.is_empty()),
            kind: nfc(&row.kind),
            valid_from: optional_date(&row.valid_from, line)?,
            valid_to: optional_date(&row.valid_to, line)?,
        });
    }
    Ok(units)
}

/// Reads `successions.csv`.
pub fn read_successions<R: Read>(input: R) -> Result<Vec<Succession>, InputError> {
    let mut successions = Vec::new();
    for (index, row) in csv::Reader::from_reader(input)
        .deserialize::<SuccessionRow>()
        .enumerate()
    {
        let line = index + 2;
        let row = row.map_err(|e| InputError::Read(format!("successions.csv line {line}: {e}")))?;
        let effective = optional_date(&row.effective, line)?
            .ok_or_else(|| InputError::Read(format!("successions.csv line {line}: missing effective date")))?;
        if !(row.share > 0.0 && row.share <= 1.0) {
            return Err(InputError::Read(format!(
                "successions.csv line {line}: share {} is not in (0, 1]",
                row.share
            )));
        }
        successions.push(Succession {
            old_code: row.old_code,
            new_code: row.new_code,
            effective,
            share: row.share,
            exact: row.exact,
        });
    }
    Ok(successions)
}

/// Reads the features of a GeoJSON FeatureCollection as boundaries. Features without an
/// `id`, `name` or `level` property are rejected with their position.
pub fn read_boundaries(path: &Path) -> Result<Vec<Boundary>, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError::Read(format!("{}: {e}", path.display())))?;
    let collection: geojson::FeatureCollection = text
        .parse()
        .map_err(|e| InputError::Read(format!("{}: {e}", path.display())))?;
    let mut boundaries = Vec::new();
    for (index, feature) in collection.features.into_iter().enumerate() {
        let property = |name: &str| -> Result<String, InputError> {
            match feature.property(name) {
                Some(serde_json::Value::String(s)) => Ok(nfc(s)),
                Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
                _ => Err(InputError::Read(format!(
                    "{} feature {index}: missing property {name:?}",
                    path.display()
                ))),
            }
        };
        let geometry = feature
            .geometry
            .as_ref()
            .ok_or_else(|| InputError::Read(format!("{} feature {index}: no geometry", path.display())))?;
        boundaries.push(Boundary {
            id: property("id")?,
            name: property("name")?,
            level: property("level")?,
            geometry: geometry.to_string(),
        });
    }
    Ok(boundaries)
}

fn optional_date(text: &str, line: usize) -> Result<Option<NaiveDate>, InputError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| InputError::Read(format!("line {line}: invalid date {text:?}, use YYYY-MM-DD")))
}
