//! Simulated streams for the demo, where no real data of the province exists.
//!
//! Every simulated source is marked `simulated` in the catalog and its series names say
//! *mô phỏng* (simulated). Values are a deterministic function of the series key and the
//! time, so a restart produces the same history and re-sending a window yields duplicates,
//! never conflicts. The rows go through the same [`Ingestor`] as every other input.

use std::f64::consts::TAU;

use chrono::{Datelike, Months, NaiveDate};
use chrono_tz::Tz;
use haidang_core::observation::Step;
use haidang_core::time::{bucket_start, day_start, format_instant, local_date};
use haidang_core::units::{UnitCatalog, UnitLevel};
use haidang_store::{SeriesDefinition, Store};
use serde::Deserialize;

use crate::pipeline::{BatchOptions, IngestError, Ingestor};
use crate::{RawRow, RawText, RawValue};

/// Shape of a simulated signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// A daily cycle peaking at `peak_hour` local time (temperature, PM2.5).
    DailyCycle,
    /// A semi-diurnal tide of period 12.42 hours (water level at a river mouth).
    Tide,
    /// Showers: mostly zero, with afternoon bursts (rainfall).
    Showers,
}

/// One simulated series.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamConfig {
    pub series: String,
    pub source: String,
    pub pattern: Pattern,
    pub base: f64,
    pub amplitude: f64,
    #[serde(default)]
    pub noise: f64,
    pub interval_secs: i64,
    #[serde(default = "default_backfill_days")]
    pub backfill_days: i64,
    /// Local hour (0–24) of the daily maximum, for `daily_cycle`.
    #[serde(default = "default_peak_hour")]
    pub peak_hour: f64,
    /// Lower bound of the values, such as 0 for rainfall.
    pub floor: Option<f64>,
}

fn default_backfill_days() -> i64 {
    14
}

fn default_peak_hour() -> f64 {
    14.0
}

/// Monthly counts per commune (dossiers received, citizen reports), on the units before
/// and after the 1 July 2025 reorganisation of one former province.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitCountsConfig {
    pub indicator: String,
    pub key_prefix: String,
    pub name: String,
    pub unit: String,
    pub source: String,
    /// Code of the former province whose communes and successors are simulated.
    pub former_province: String,
    /// Last day of the former units.
    pub reorganised_on: NaiveDate,
    pub first_month: NaiveDate,
    /// Mean count per commune and month.
    pub mean: f64,
}

/// Returns the simulated value of a stream at `time`.
pub fn value_at(config: &StreamConfig, time: i64, zone: Tz) -> f64 {
    let hours = time as f64 / 3_600_000.0;
    let local_hour = local_hour_of_day(time, zone);
    let noise = config.noise * (unit_noise(&config.series, time) * 2.0 - 1.0);
    let value = match config.pattern {
        Pattern::DailyCycle => {
            config.base + config.amplitude * (TAU * (local_hour - config.peak_hour) / 24.0).cos() + noise
        }
        Pattern::Tide => config.base + config.amplitude * (TAU * hours / 12.42).sin() + noise,
        Pattern::Showers => {
            let afternoon = (13.0..19.0).contains(&local_hour);
            let day_noise = unit_noise(&config.series, time - time.rem_euclid(86_400_000));
            if afternoon && day_noise > 0.55 {
                config.base + config.amplitude * unit_noise(&config.series, time + 1)
            } else {
                0.0
            }
        }
    };
    let value = config.floor.map_or(value, |floor| value.max(floor));
    (value * 10.0).round() / 10.0
}

/// Returns the rows of a stream for the aligned times in `(after, until]`.
pub fn rows_between(config: &StreamConfig, after: i64, until: i64, zone: Tz) -> Vec<RawRow> {
    let step = config.interval_secs.max(1) * 1000;
    let mut time = (after.div_euclid(step) + 1) * step;
    let mut rows = Vec::new();
    while time <= until {
        rows.push(simulated_row(
            rows.len() as i64 + 1,
            &config.series,
            time,
            value_at(config, time, zone),
            zone,
        ));
        time += step;
    }
    rows
}

/// Series definitions and rows of a monthly count simulation, up to the month of `now`.
pub fn unit_counts(
    config: &UnitCountsConfig,
    catalog: &UnitCatalog,
    now: i64,
    zone: Tz,
) -> (Vec<SeriesDefinition>, Vec<RawRow>) {
    let Some(today) = local_date(now, zone) else {
        return (Vec::new(), Vec::new());
    };
    let former: Vec<_> = catalog
        .in_force(config.reorganised_on, None)
        .into_iter()
        .filter(|u| u.level == UnitLevel::Commune)
        .filter(|u| {
            let district = u.parent.as_deref().and_then(|p| catalog.find(p, config.reorganised_on));
            district.and_then(|d| d.parent.as_deref()) == Some(config.former_province.as_str())
        })
        .cloned()
        .collect();
    let first_new_day = config.reorganised_on.succ_opt().unwrap_or(config.reorganised_on);
    let mut successors: Vec<String> = former
        .iter()
        .flat_map(|u| catalog.carry(&u.code, config.reorganised_on, first_new_day))
        .map(|c| c.code)
        .collect();
    successors.sort();
    successors.dedup();

    let mut definitions = Vec::new();
    let mut rows = Vec::new();
    let mut push =
        |key: String, name: String, code: &str, months: Vec<NaiveDate>, definitions: &mut Vec<SeriesDefinition>| {
            definitions.push(SeriesDefinition {
                key: key.clone(),
                name,
                unit: config.unit.clone(),
                indicator: Some(config.indicator.clone()),
                min: Some(0.0),
                max: None,
                expected_interval_secs: Some(32 * 86_400),
                source_key: Some(config.source.clone()),
                unit_code: Some(code.to_owned()),
                entity_key: None,
            });
            for month in months {
                let Some(time) = day_start(month, zone) else { continue };
                let scale = 0.4 + 1.2 * unit_noise(code, 0);
                let seasonal = 1.0 + 0.15 * (TAU * f64::from(month.month0()) / 12.0).cos();
                let count = (config.mean * scale * seasonal * (0.85 + 0.3 * unit_noise(&key, time))).round();
                rows.push(simulated_row(rows.len() as i64 + 1, &key, time, count, zone));
            }
        };
    for unit in &former {
        let months = months_between(config.first_month, config.reorganised_on);
        let key = format!("{}.pre2025.{}", config.key_prefix, unit.code);
        let name = format!(
            "{} — {} (đến {}) — mô phỏng",
            config.name,
            unit.name,
            config.reorganised_on.format("%d/%m/%Y")
        );
        push(key, name, &unit.code, months, &mut definitions);
    }
    for code in &successors {
        let Some(unit) = catalog.find(code, first_new_day) else {
            continue;
        };
        let months = months_between(first_new_day, today);
        let key = format!("{}.{}", config.key_prefix, unit.code);
        let name = format!("{} — {} — mô phỏng", config.name, unit.name);
        push(key, name, &unit.code, months, &mut definitions);
    }
    (definitions, rows)
}

/// Feeds simulated streams: back-fills each from its latest stored value (or its
/// back-fill window) up to now, then every `tick` until `shutdown` resolves.
pub async fn run(
    store: Store,
    streams: Vec<StreamConfig>,
    zone: Tz,
    clock: impl Fn() -> i64 + Send + Sync,
    tick: std::time::Duration,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), IngestError> {
    let mut last_sent: Vec<Option<i64>> = vec![None; streams.len()];
    tokio::pin!(shutdown);
    loop {
        for (stream, last) in streams.iter().zip(last_sent.iter_mut()) {
            let now = clock();
            let after = match *last {
                Some(time) => time,
                None => {
                    let stored = store.series(&stream.series).await?;
                    let latest = match stored {
                        Some(record) => store
                            .points(
                                record.id,
                                now - stream.backfill_days * 86_400_000,
                                now + 1,
                                Step::Raw,
                                haidang_core::Aggregate::Last,
                            )
                            .await?
                            .last()
                            .map(|p| p.time),
                        None => None,
                    };
                    latest.unwrap_or(now - stream.backfill_days * 86_400_000)
                }
            };
            let rows = rows_between(stream, after, now, zone);
            if rows.is_empty() {
                continue;
            }
            let options = BatchOptions {
                source_key: Some(stream.source.clone()),
                format: "simulator".to_owned(),
                file_name: None,
                api_key_id: None,
                zone,
                time_format: None,
            };
            let mut ingestor = Ingestor::begin(&store, options, now).await?;
            ingestor.push_all(rows.into_iter().map(Ok), &clock).await?;
            let summary = ingestor.finish(clock()).await?;
            tracing::debug!(series = %stream.series, accepted = summary.counts.accepted, "simulated values stored");
            *last = Some(now);
        }
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            () = tokio::time::sleep(tick) => {}
        }
    }
}

fn simulated_row(row: i64, series: &str, time: i64, value: f64, zone: Tz) -> RawRow {
    let time_text = format_instant(time, zone);
    RawRow {
        row,
        series: series.to_owned(),
        raw: RawText::Text(format!("{series},{time_text},{value}")),
        time: time_text,
        value: RawValue::Number(value),
    }
}

fn months_between(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut month = first.with_day(1).unwrap_or(first);
    while month <= last {
        months.push(month);
        month = match month.checked_add_months(Months::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    months
}

fn local_hour_of_day(time: i64, zone: Tz) -> f64 {
    let day = bucket_start(time, Step::Day, zone);
    (time - day) as f64 / 3_600_000.0
}

/// A deterministic number in [0, 1) from a key and a time (FNV-1a, then a mix).
fn unit_noise(key: &str, time: i64) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes().chain(time.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use haidang_core::time::LOCAL_ZONE;

    fn stream(pattern: Pattern) -> StreamConfig {
        StreamConfig {
            series: "sim.test".into(),
            source: "sim".into(),
            pattern,
            base: 25.0,
            amplitude: 5.0,
            noise: 0.0,
            interval_secs: 600,
            backfill_days: 1,
            peak_hour: 14.0,
            floor: Some(0.0),
        }
    }

    #[test]
    fn daily_cycle_peaks_at_local_hour() {
        let config = stream(Pattern::DailyCycle);
        // 07:00Z is 14:00 in Vietnam.
        let peak = value_at(&config, 1_751_353_200_000, LOCAL_ZONE);
        assert_eq!(peak, 30.0);
    }

    #[test]
    fn rows_are_aligned_and_deterministic() {
        let config = stream(Pattern::Tide);
        let first = rows_between(&config, 1_000, 3_600_000, LOCAL_ZONE);
        let again = rows_between(&config, 1_000, 3_600_000, LOCAL_ZONE);
        assert_eq!(first.len(), 6);
        assert_eq!(first, again);
    }
}
