//! Timestamps: parsing what sources send, formatting what users read, and cutting buckets.
//!
//! Instants are UTC epoch milliseconds (`i64`). The local zone of a deployment is
//! Asia/Ho_Chi_Minh unless configured otherwise; it is applied only through the functions
//! here, so that day and month boundaries are computed in one place.

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::observation::Step;

/// The zone in which Vietnamese local times, days and months are counted.
pub const LOCAL_ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

const MS_PER_HOUR: i64 = 3_600_000;

/// Error returned for a time text that none of the accepted forms matches.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid time {0:?}: use ISO 8601, such as 2025-07-01T08:00:00+07:00, 2025-07-01T01:00:00Z or 2025-07-01 08:00"
)]
pub struct TimeError(pub String);

/// Parses a timestamp into UTC epoch milliseconds.
///
/// Accepts RFC 3339 with an offset or `Z`, the same with a space for `T`, an offset
/// without a colon (`+0700`), and naive local times (`2025-07-01 08:00`, with or without
/// seconds and fractions), which are taken in `zone`. A bare date means local midnight.
pub fn parse_timestamp(text: &str, zone: Tz) -> Result<i64, TimeError> {
    let trimmed = text.trim();
    let fail = || TimeError(trimmed.to_owned());
    if trimmed.is_empty() {
        return Err(fail());
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(instant.timestamp_millis());
    }
    const WITH_OFFSET: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ];
    for format in WITH_OFFSET {
        if let Ok(instant) = DateTime::<FixedOffset>::parse_from_str(trimmed, format) {
            return Ok(instant.timestamp_millis());
        }
    }
    if let Some(naive) = trimmed.strip_suffix('Z').and_then(parse_naive) {
        return Ok(naive.and_utc().timestamp_millis());
    }
    if let Some(naive) = parse_naive(trimmed) {
        return local_to_utc(naive, zone).ok_or_else(fail);
    }
    if let Ok(date) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        return local_to_utc(date.and_time(chrono::NaiveTime::MIN), zone).ok_or_else(fail);
    }
    Err(fail())
}

/// Parses a naive local time with an explicit `strftime` format, in `zone`.
pub fn parse_with_format(text: &str, format: &str, zone: Tz) -> Result<i64, TimeError> {
    let trimmed = text.trim();
    if let Ok(instant) = DateTime::<FixedOffset>::parse_from_str(trimmed, format) {
        return Ok(instant.timestamp_millis());
    }
    let naive = NaiveDateTime::parse_from_str(trimmed, format)
        .or_else(|_| NaiveDate::parse_from_str(trimmed, format).map(|d| d.and_time(chrono::NaiveTime::MIN)))
        .map_err(|_| TimeError(trimmed.to_owned()))?;
    local_to_utc(naive, zone).ok_or_else(|| TimeError(trimmed.to_owned()))
}

fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    const NAIVE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    NAIVE
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

/// Converts a local wall-clock time to UTC milliseconds; an ambiguous time takes the
/// earlier instant and a time in a gap is rejected.
pub fn local_to_utc(naive: NaiveDateTime, zone: Tz) -> Option<i64> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.timestamp_millis()),
        LocalResult::None => None,
    }
}

/// Formats an instant as ISO 8601 with the offset of `zone` (`2025-07-01T08:00:00+07:00`).
pub fn format_instant(ms: i64, zone: Tz) -> String {
    match Utc.timestamp_millis_opt(ms) {
        LocalResult::Single(t) => t
            .with_timezone(&zone)
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        _ => ms.to_string(),
    }
}

/// Returns the start of the bucket of `step` that contains `ms`, counted in `zone`.
/// Hours, days and months start on the local wall clock, so a day bucket starts at local
/// midnight. `Step::Raw` returns `ms` unchanged.
pub fn bucket_start(ms: i64, step: Step, zone: Tz) -> i64 {
    let Some(utc) = Utc.timestamp_millis_opt(ms).single() else {
        return ms;
    };
    let local = utc.with_timezone(&zone);
    let offset_ms = i64::from(local.offset().fix().local_minus_utc()) * 1000;
    match step {
        Step::Raw => ms,
        Step::Hour => (ms + offset_ms).div_euclid(MS_PER_HOUR) * MS_PER_HOUR - offset_ms,
        Step::Day => day_start(local.date_naive(), zone).unwrap_or(ms),
        Step::Month => {
            let first = local.date_naive().with_day(1).unwrap_or(local.date_naive());
            day_start(first, zone).unwrap_or(ms)
        }
    }
}

/// Returns the start of the bucket that follows the one starting at `start`.
pub fn next_bucket(start: i64, step: Step, zone: Tz) -> i64 {
    match step {
        Step::Raw => start + 1,
        Step::Hour => start + MS_PER_HOUR,
        Step::Day => bucket_start(start + 36 * MS_PER_HOUR, Step::Day, zone),
        Step::Month => bucket_start(start + 32 * 24 * MS_PER_HOUR, Step::Month, zone),
    }
}

/// Returns the UTC milliseconds of local midnight at the start of `date`.
pub fn day_start(date: NaiveDate, zone: Tz) -> Option<i64> {
    local_to_utc(date.and_time(chrono::NaiveTime::MIN), zone)
}

/// Returns the local calendar date of an instant.
pub fn local_date(ms: i64, zone: Tz) -> Option<NaiveDate> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.with_timezone(&zone).date_naive())
}

use chrono::Offset;

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.timestamp_millis())
            .unwrap_or(i64::MIN)
    }

    #[test]
    fn accepted_forms() {
        let expected = utc("2025-07-01T01:00:00Z");
        let cases = [
            "2025-07-01T08:00:00+07:00",
            "2025-07-01T01:00:00Z",
            "2025-07-01 01:00:00Z",
            "2025-07-01 01:00:00+00:00",
            "2025-07-01T08:00:00+0700",
            "2025-07-01 08:00",
            "2025-07-01 08:00:00",
            "2025-07-01T08:00:00.000",
            " 2025-07-01T08:00 ",
        ];
        for case in cases {
            assert_eq!(parse_timestamp(case, LOCAL_ZONE), Ok(expected), "{case}");
        }
    }

    #[test]
    fn bare_date_is_local_midnight() {
        assert_eq!(
            parse_timestamp("2025-07-01", LOCAL_ZONE),
            Ok(utc("2025-06-30T17:00:00Z"))
        );
    }

    #[test]
    fn rejects_garbage() {
        for case in ["", "yesterday", "2025-13-01 00:00", "01/07/2025"] {
            assert!(parse_timestamp(case, LOCAL_ZONE).is_err(), "{case}");
        }
    }

    #[test]
    fn explicit_format_twelve_hour_clock() {
        let parsed = parse_with_format("2020-03-08 03:00 PM", "%Y-%m-%d %I:%M %p", LOCAL_ZONE);
        assert_eq!(parsed, Ok(utc("2020-03-08T08:00:00Z")));
    }

    #[test]
    fn day_bucket_starts_at_local_midnight() {
        // 23:30 UTC on 30 June is 06:30 on 1 July in Vietnam.
        let start = bucket_start(utc("2025-06-30T23:30:00Z"), Step::Day, LOCAL_ZONE);
        assert_eq!(start, utc("2025-06-30T17:00:00Z"));
        // 16:59 UTC is still 30 June locally.
        let start = bucket_start(utc("2025-06-30T16:59:00Z"), Step::Day, LOCAL_ZONE);
        assert_eq!(start, utc("2025-06-29T17:00:00Z"));
    }

    #[test]
    fn month_and_hour_buckets() {
        let ms = utc("2025-07-31T18:10:00Z"); // 1 August 01:10 local
        assert_eq!(bucket_start(ms, Step::Month, LOCAL_ZONE), utc("2025-07-31T17:00:00Z"));
        assert_eq!(bucket_start(ms, Step::Hour, LOCAL_ZONE), utc("2025-07-31T18:00:00Z"));
        let month = bucket_start(ms, Step::Month, LOCAL_ZONE);
        assert_eq!(next_bucket(month, Step::Month, LOCAL_ZONE), utc("2025-08-31T17:00:00Z"));
    }

    #[test]
    fn format_uses_local_offset() {
        assert_eq!(
            format_instant(utc("2025-07-01T01:00:00Z"), LOCAL_ZONE),
            "2025-07-01T08:00:00+07:00"
        );
    }
}
