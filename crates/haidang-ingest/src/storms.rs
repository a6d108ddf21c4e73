//! Reader for tropical storm best tracks in the columns `intl_id, name, time_utc, grade,
//! lat, lon, pres_hpa, max_wind_kt` and an optional `min_dist_to_phan_thiet_km_storm`,
//! as cut from the JMA RSMC Tokyo best-track archive.

use std::collections::BTreeMap;
use std::io::Read;

use haidang_core::time::parse_timestamp;
use haidang_store::{StormFix, StormTrack};

use crate::InputError;
use crate::decode::{TextEncoding, utf8_reader};

#[derive(Debug, serde::Deserialize)]
struct FixRow {
    intl_id: String,
    name: String,
    time_utc: String,
    grade: i32,
    lat: f64,
    lon: f64,
    pres_hpa: Option<f64>,
    /// JMA writes 0 where no wind is given (tropical depressions).
    max_wind_kt: Option<f64>,
    min_dist_to_phan_thiet_km_storm: Option<f64>,
}

/// Reads every storm of the file with its fixes in time order.
pub fn read_storms<R: Read>(input: R, source_key: Option<&str>) -> Result<Vec<StormTrack>, InputError> {
    let reader = utf8_reader(input, TextEncoding::Auto).map_err(|e| InputError::Read(e.to_string()))?;
    let mut storms: BTreeMap<String, StormTrack> = BTreeMap::new();
    for (index, row) in csv::Reader::from_reader(reader).deserialize::<FixRow>().enumerate() {
        let row = row.map_err(|e| InputError::Read(format!("row {}: {e}", index + 1)))?;
        let time = parse_timestamp(&row.time_utc, chrono_tz::UTC)
            .map_err(|e| InputError::Read(format!("row {}: {e}", index + 1)))?;
        let year = 2000
            + row
                .intl_id
                .get(..2)
                .and_then(|y| y.parse::<i32>().ok())
                .unwrap_or_default();
        let storm = storms.entry(row.intl_id.clone()).or_insert_with(|| StormTrack {
            id: row.intl_id.clone(),
            name: row.name.clone(),
            year,
            max_grade: row.grade,
            min_distance_km: row.min_dist_to_phan_thiet_km_storm,
            source_key: source_key.map(str::to_owned),
            fixes: Vec::new(),
        });
        // Grades 6 (extratropical) and 9 (over 34 kt, older archives) do not rank intensity.
        if (2..=5).contains(&row.grade) {
            storm.max_grade = storm.max_grade.max(row.grade).min(5);
        }
        storm.fixes.push(StormFix {
            time,
            grade: row.grade,
            lat: row.lat,
            lon: row.lon,
            pressure_hpa: row.pres_hpa,
            max_wind_kt: row.max_wind_kt.filter(|w| *w > 0.0),
        });
    }
    let mut tracks: Vec<StormTrack> = storms.into_values().collect();
    for track in &mut tracks {
        track.fixes.sort_by_key(|f| f.time);
    }
    Ok(tracks)
}
