//! Classification of a batch of observations against what is already stored.
//!
//! Each incoming row is exactly one of: accepted (a new `(series, time)`), duplicate (the
//! same value as the current one) or conflict (a different value). On a conflict the value
//! received last becomes current and the value it replaces is kept as superseded, so that
//! nothing acknowledged is lost. Rows are taken in the order received, also within a batch.

use std::collections::{HashMap, HashSet};

use chrono_tz::Tz;

use crate::observation::Step;
use crate::rollup::Rollup;
use crate::time::bucket_start;

/// An observation that passed validation and waits to be stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncomingObservation {
    pub series_id: i64,
    pub time: i64,
    pub value: f64,
    /// 1-based row or message number within the batch.
    pub row: i64,
}

/// The current stored value at a `(series, time)` and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObservation {
    pub value: f64,
    pub batch_id: String,
    pub row: i64,
    pub ingested_at: i64,
}

/// A value replaced by a later, different value for the same `(series, time)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Superseded {
    pub series_id: i64,
    pub time: i64,
    pub value: f64,
    /// Batch of the replaced value; `None` when it came earlier in the batch being planned.
    pub batch_id: Option<String>,
    pub row: i64,
    /// When the replaced value was stored; `None` for a value of the batch being planned.
    pub ingested_at: Option<i64>,
    /// Row of the planned batch whose value replaced it.
    pub replaced_by_row: i64,
}

/// Everything a store must write for one batch, and the counts reported to the sender.
#[derive(Debug, Default)]
pub struct WritePlan {
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    /// Final values for `(series, time)` pairs that were not stored before.
    pub inserts: Vec<IncomingObservation>,
    /// Final values for stored pairs whose current value changes.
    pub updates: Vec<IncomingObservation>,
    pub superseded: Vec<Superseded>,
    /// Summaries of the inserted values per `(series, hour start)`, to be merged into the
    /// stored hour, day and month rollups.
    pub hour_deltas: HashMap<(i64, i64), Rollup>,
    /// Hours whose stored rollup must be recomputed because a stored value changed.
    pub dirty_hours: HashSet<(i64, i64)>,
}

struct KeyState {
    existed: bool,
    current: Option<(f64, i64)>,
    current_origin: Option<StoredObservation>,
    changed: bool,
}

/// Plans the writes for `rows`, given the stored values for those of their keys that exist.
///
/// `stored` may omit keys that are known not to exist; it must contain every key that does.
pub fn plan_batch(
    rows: &[IncomingObservation],
    stored: &HashMap<(i64, i64), StoredObservation>,
    zone: Tz,
) -> WritePlan {
    let mut plan = WritePlan::default();
    // Index of each key's state in `states`, which keeps first-seen order.
    let mut index: HashMap<(i64, i64), usize> = HashMap::with_capacity(rows.len());
    let mut states: Vec<((i64, i64), KeyState)> = Vec::with_capacity(rows.len());

    for row in rows {
        let key = (row.series_id, row.time);
        let position = *index.entry(key).or_insert_with(|| {
            let existing = stored.get(&key).cloned();
            let state = KeyState {
                existed: existing.is_some(),
                current: existing.as_ref().map(|s| (s.value, s.row)),
                current_origin: existing,
                changed: false,
            };
            states.push((key, state));
            states.len() - 1
        });
        let state = &mut states[position].1;
        match state.current {
            None => {
                plan.accepted += 1;
                state.current = Some((row.value, row.row));
            }
            Some((value, _)) if value == row.value => plan.duplicates += 1,
            Some((value, previous_row)) => {
                plan.conflicts += 1;
                let origin = state.current_origin.take();
                plan.superseded.push(Superseded {
                    series_id: row.series_id,
                    time: row.time,
                    value,
                    batch_id: origin.as_ref().map(|o| o.batch_id.clone()),
                    row: origin.as_ref().map_or(previous_row, |o| o.row),
                    ingested_at: origin.as_ref().map(|o| o.ingested_at),
                    replaced_by_row: row.row,
                });
                state.current = Some((row.value, row.row));
                state.changed = true;
            }
        }
    }

    let mut hours = HourCache::new(zone);
    for (key, state) in states {
        let Some((value, row)) = state.current else { continue };
        let observation = IncomingObservation {
            series_id: key.0,
            time: key.1,
            value,
            row,
        };
        let hour = (key.0, hours.start_of(key.1));
        if !state.existed {
            plan.inserts.push(observation);
            plan.hour_deltas
                .entry(hour)
                .and_modify(|r| r.merge(&Rollup::of(key.1, value)))
                .or_insert_with(|| Rollup::of(key.1, value));
        } else if state.changed {
            plan.updates.push(observation);
            plan.dirty_hours.insert(hour);
        }
    }
    plan
}

/// Remembers the last local hour computed, because rows of a batch mostly fall in the hour
/// of the row before them and converting to local time costs more than the rest of a row.
struct HourCache {
    zone: Tz,
    last: Option<(i64, i64)>,
}

impl HourCache {
    fn new(zone: Tz) -> Self {
        Self { zone, last: None }
    }

    fn start_of(&mut self, time: i64) -> i64 {
        if let Some((start, end)) = self.last
            && (start..end).contains(&time)
        {
            return start;
        }
        let start = bucket_start(time, Step::Hour, self.zone);
        let end = crate::time::next_bucket(start, Step::Hour, self.zone);
        self.last = Some((start, end));
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::LOCAL_ZONE;

    fn row(time: i64, value: f64, row: i64) -> IncomingObservation {
        IncomingObservation {
            series_id: 1,
            time,
            value,
            row,
        }
    }

    #[test]
    fn counts_each_row_once() {
        let rows = [row(0, 1.0, 1), row(0, 1.0, 2), row(0, 2.0, 3), row(3_600_000, 4.0, 4)];
        let plan = plan_batch(&rows, &HashMap::new(), LOCAL_ZONE);
        assert_eq!((plan.accepted, plan.duplicates, plan.conflicts), (2, 1, 1));
        assert_eq!(plan.inserts.len(), 2);
        assert_eq!(plan.inserts[0].value, 2.0, "the value received last becomes current");
        assert_eq!(plan.superseded.len(), 1);
        assert_eq!(plan.superseded[0].batch_id, None);
        assert_eq!(plan.superseded[0].row, 1);
        assert!(plan.dirty_hours.is_empty());
        assert_eq!(plan.hour_deltas.len(), 2);
    }

    #[test]
    fn conflict_with_stored_value_marks_hour_dirty() {
        let stored = HashMap::from([(
            (1, 0),
            StoredObservation {
                value: 1.0,
                batch_id: "b0".into(),
                row: 7,
                ingested_at: 5,
            },
        )]);
        let plan = plan_batch(&[row(0, 1.0, 1), row(0, 3.0, 2)], &stored, LOCAL_ZONE);
        assert_eq!((plan.accepted, plan.duplicates, plan.conflicts), (0, 1, 1));
        assert_eq!(plan.updates.len(), 1);
        assert_eq!(plan.superseded[0].batch_id.as_deref(), Some("b0"));
        assert_eq!(plan.superseded[0].row, 7);
        assert_eq!(plan.superseded[0].ingested_at, Some(5));
        assert!(plan.dirty_hours.contains(&(1, 0)));
        assert!(plan.hour_deltas.is_empty());
    }
}
