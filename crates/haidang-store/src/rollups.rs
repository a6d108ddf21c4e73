//! Rollup maintenance shared by both backends.
//!
//! New values merge into the stored hour, day and month summaries as deltas. A bucket in
//! which a stored value changed cannot be corrected by a delta (its old minimum may be
//! gone), so it is recomputed: hours from raw values, days from hours, months from days.
//! This keeps rollups exact after late, out-of-order and conflicting data.

use std::collections::{BTreeSet, HashMap, HashSet};

use haidang_core::observation::Step;
use haidang_core::rollup::Rollup;
use haidang_core::time::{bucket_start, next_bucket};

use crate::ROLLUP_ZONE;

pub(crate) const STEPS: [Step; 3] = [Step::Hour, Step::Day, Step::Month];

pub(crate) fn step_name(step: Step) -> &'static str {
    match step {
        Step::Raw => "raw",
        Step::Hour => "hour",
        Step::Day => "day",
        Step::Month => "month",
    }
}

/// Deltas per `(step, series, bucket)` derived from the hour deltas of a plan.
pub(crate) fn cascade_deltas(hour_deltas: &HashMap<(i64, i64), Rollup>) -> Vec<(Step, i64, i64, Rollup)> {
    let mut out: Vec<(Step, i64, i64, Rollup)> = Vec::with_capacity(hour_deltas.len() * 2);
    let mut days: HashMap<(i64, i64), Rollup> = HashMap::new();
    for (&(series, hour), delta) in hour_deltas {
        out.push((Step::Hour, series, hour, *delta));
        let day = bucket_start(hour, Step::Day, ROLLUP_ZONE);
        days.entry((series, day))
            .and_modify(|r| r.merge(delta))
            .or_insert(*delta);
    }
    let mut months: HashMap<(i64, i64), Rollup> = HashMap::new();
    for (&(series, day), delta) in &days {
        out.push((Step::Day, series, day, *delta));
        let month = bucket_start(day, Step::Month, ROLLUP_ZONE);
        months
            .entry((series, month))
            .and_modify(|r| r.merge(delta))
            .or_insert(*delta);
    }
    out.extend(
        months
            .into_iter()
            .map(|((series, month), delta)| (Step::Month, series, month, delta)),
    );
    out
}

/// Buckets to recompute, in the order they must be recomputed (hours, then days, then
/// months), each with its `[start, end)` range.
pub(crate) fn dirty_buckets(dirty_hours: &HashSet<(i64, i64)>) -> Vec<(Step, i64, i64, i64)> {
    let hours: BTreeSet<(i64, i64)> = dirty_hours.iter().copied().collect();
    let days: BTreeSet<(i64, i64)> = hours
        .iter()
        .map(|&(s, h)| (s, bucket_start(h, Step::Day, ROLLUP_ZONE)))
        .collect();
    let months: BTreeSet<(i64, i64)> = days
        .iter()
        .map(|&(s, d)| (s, bucket_start(d, Step::Month, ROLLUP_ZONE)))
        .collect();
    let mut out = Vec::new();
    for (step, buckets) in [(Step::Hour, hours), (Step::Day, days), (Step::Month, months)] {
        for (series, start) in buckets {
            out.push((step, series, start, next_bucket(start, step, ROLLUP_ZONE)));
        }
    }
    out
}

/// The step whose stored rows a bucket of `step` is recomputed from; `Raw` means the
/// observations themselves.
pub(crate) fn source_step(step: Step) -> Step {
    match step {
        Step::Day => Step::Hour,
        Step::Month => Step::Day,
        Step::Hour | Step::Raw => Step::Raw,
    }
}

/// Folds summaries into one; `None` when there are none.
pub(crate) fn fold(parts: impl IntoIterator<Item = Rollup>) -> Option<Rollup> {
    parts.into_iter().reduce(|mut acc, part| {
        acc.merge(&part);
        acc
    })
}
