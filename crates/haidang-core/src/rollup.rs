//! Bucket summaries kept per series for hour, day and month steps.

use serde::Serialize;

use crate::observation::Aggregate;

/// Summary of the values of one series in one bucket. Summaries of adjacent buckets merge
/// into the summary of their union, so days are built from hours and months from days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rollup {
    pub count: i64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    /// Time of the latest value in the bucket, by observation time.
    pub last_time: i64,
    pub last_value: f64,
}

impl Rollup {
    pub fn of(time: i64, value: f64) -> Self {
        Self {
            count: 1,
            sum: value,
            min: value,
            max: value,
            last_time: time,
            last_value: value,
        }
    }

    pub fn merge(&mut self, other: &Rollup) {
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if other.last_time >= self.last_time {
            self.last_time = other.last_time;
            self.last_value = other.last_value;
        }
    }

    /// Returns the value of `aggregate` over the bucket.
    pub fn value(&self, aggregate: Aggregate) -> f64 {
        match aggregate {
            Aggregate::Avg => self.sum / self.count as f64,
            Aggregate::Min => self.min,
            Aggregate::Max => self.max,
            Aggregate::Sum => self.sum,
            Aggregate::Count => self.count as f64,
            Aggregate::Last => self.last_value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_latest_by_time_not_order() {
        let mut later = Rollup::of(200, 5.0);
        later.merge(&Rollup::of(100, 9.0));
        assert_eq!(later.count, 2);
        assert_eq!(later.sum, 14.0);
        assert_eq!(later.min, 5.0);
        assert_eq!(later.max, 9.0);
        assert_eq!(later.last_value, 5.0);
        assert_eq!(later.value(Aggregate::Avg), 7.0);
    }
}

/// Total of rollups carried onto one unit, where each part may carry only a share of its
/// unit (a unit split between successors).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SharedTotal {
    weighted_sum: f64,
    weighted_count: f64,
    min: Option<f64>,
    max: Option<f64>,
    last: Option<(i64, f64)>,
    /// False once any part was carried with an estimated share.
    pub inexact: bool,
}

impl SharedTotal {
    pub fn add(&mut self, part: &Rollup, share: f64, exact: bool) {
        self.weighted_sum += part.sum * share;
        self.weighted_count += part.count as f64 * share;
        self.min = Some(self.min.map_or(part.min, |m| m.min(part.min)));
        self.max = Some(self.max.map_or(part.max, |m| m.max(part.max)));
        if self.last.is_none_or(|(time, _)| part.last_time >= time) {
            self.last = Some((part.last_time, part.last_value));
        }
        self.inexact |= !exact;
    }

    /// Returns the aggregate; sums and counts are scaled by each part's share, while
    /// minimum, maximum and last take the parts as they are.
    pub fn value(&self, aggregate: Aggregate) -> Option<f64> {
        match aggregate {
            Aggregate::Sum => Some(self.weighted_sum),
            Aggregate::Count => Some(self.weighted_count),
            Aggregate::Avg => (self.weighted_count > 0.0).then(|| self.weighted_sum / self.weighted_count),
            Aggregate::Min => self.min,
            Aggregate::Max => self.max,
            Aggregate::Last => self.last.map(|(_, value)| value),
        }
    }
}

#[cfg(test)]
mod shared_tests {
    use super::*;

    #[test]
    fn split_share_scales_sum_and_flags() {
        let mut total = SharedTotal::default();
        total.add(&Rollup::of(0, 10.0), 1.0, true);
        total.add(&Rollup::of(1, 20.0), 0.5, false);
        assert_eq!(total.value(Aggregate::Sum), Some(20.0));
        assert_eq!(total.value(Aggregate::Max), Some(20.0));
        assert!(total.inexact);
    }
}
