//! Records read from and written to the store.

use serde::Serialize;

/// An agency (*sở, ngành* or commune People's Committee) that owns data sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agency {
    pub key: String,
    pub name: String,
    /// The named person answerable for the agency's data.
    pub responsible_person: String,
    pub responsible_title: Option<String>,
}

/// A data source: one agency system, file feed or sensor network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub key: String,
    pub name: String,
    pub agency_key: String,
    /// How data arrives: `push`, `file`, `mqtt`, `pull`, `simulator`.
    pub kind: String,
    /// Whether the source produces simulated data (*dữ liệu mô phỏng*).
    pub simulated: bool,
    pub expected_interval_secs: Option<i64>,
    pub description: Option<String>,
    pub attribution: Option<String>,
}

/// A source with its freshness, as listed to operators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceStatus {
    pub source: Source,
    pub agency_name: String,
    pub responsible_person: String,
    pub series_count: i64,
    pub last_received_at: Option<i64>,
    pub last_observation_time: Option<i64>,
}

/// A located thing that series describe: a station, a camera, a facility.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub unit_code: Option<String>,
    pub source_key: Option<String>,
    pub simulated: bool,
    pub note: Option<String>,
}

/// The fields of a series that its owner sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesDefinition {
    pub key: String,
    pub name: String,
    pub unit: String,
    /// What the series measures, shared by series of different places (`pm25`,
    /// `dossiers_received`), so that figures can be summed per administrative unit.
    pub indicator: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub expected_interval_secs: Option<i64>,
    pub source_key: Option<String>,
    /// Administrative unit that the series describes, read with the date of each value.
    pub unit_code: Option<String>,
    pub entity_key: Option<String>,
}

/// A stored series with its id and activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesRecord {
    pub id: i64,
    pub definition: SeriesDefinition,
    pub last_received_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A series with its first and latest observation, for listings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesSummary {
    pub record: SeriesRecord,
    pub agency_key: Option<String>,
    pub simulated: bool,
    pub first_time: Option<i64>,
    pub last_time: Option<i64>,
    pub last_value: Option<f64>,
}

/// A batch being opened: one request, file or group of messages.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBatch {
    pub id: String,
    pub source_key: Option<String>,
    pub format: String,
    pub file_name: Option<String>,
    pub api_key_id: Option<String>,
    pub received_at: i64,
}

/// Counts of a batch; every row falls in exactly one of the four.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchCounts {
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
}

impl BatchCounts {
    pub fn add(&mut self, other: BatchCounts) {
        self.accepted += other.accepted;
        self.duplicates += other.duplicates;
        self.conflicts += other.conflicts;
        self.rejected += other.rejected;
    }

    pub fn rows(&self) -> u64 {
        self.accepted + self.duplicates + self.conflicts + self.rejected
    }
}

/// A stored batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchRecord {
    pub id: String,
    pub source_key: Option<String>,
    pub format: String,
    pub file_name: Option<String>,
    /// Who sent the batch: `key:<id>` or `user:<id>`.
    pub api_key_id: Option<String>,
    /// `open` while rows are being written, `complete` once finished.
    pub status: String,
    pub received_at: i64,
    pub finished_at: Option<i64>,
    pub counts: BatchCounts,
}

/// A rejected row, kept with its reason and its original text so it can be corrected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedRow {
    pub row: i64,
    pub reason_code: String,
    /// Parameters of the reason as a JSON object (field, value, limits).
    pub params: serde_json::Value,
    pub raw: String,
}

/// One point of a series read at some step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub time: i64,
    pub value: f64,
}

/// An API key as stored: only the hash of the secret is kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiKeyRecord {
    pub id: String,
    pub name: String,
    pub role: String,
    /// Agency whose system uses the key; its sources bound what the key may write.
    pub agency_key: Option<String>,
    /// Sources the key may write to; `None` allows every source of its agency.
    pub sources: Option<Vec<String>>,
    pub expires_at: Option<i64>,
    /// Actions of the permission matrix the key may perform (`push_observations`); `None`
    /// allows every action of its role.
    pub actions: Option<Vec<String>>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// A boundary polygon drawn on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Boundary {
    pub id: String,
    pub name: String,
    pub level: String,
    /// GeoJSON geometry object as text.
    pub geometry: String,
}

/// A tropical storm and its best-track fixes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StormTrack {
    pub id: String,
    pub name: String,
    pub year: i32,
    pub max_grade: i32,
    pub min_distance_km: Option<f64>,
    pub source_key: Option<String>,
    pub fixes: Vec<StormFix>,
}

/// One best-track position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StormFix {
    pub time: i64,
    pub grade: i32,
    pub lat: f64,
    pub lon: f64,
    pub pressure_hpa: Option<f64>,
    pub max_wind_kt: Option<f64>,
}

/// A value replaced by a later, different value for the same series and time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupersededObservation {
    pub time: i64,
    pub value: f64,
    pub batch_id: String,
    pub row: i64,
    pub ingested_at: i64,
    pub replaced_by_batch: String,
    pub replaced_by_row: i64,
}
