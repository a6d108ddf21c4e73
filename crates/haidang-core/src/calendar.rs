//! Working days: weekends, public holidays and compensatory working days, and the legal
//! deadlines counted in them.
//!
//! The calendar is data, not code: Tết and the Hùng Kings' day follow the lunar calendar and
//! the government moves days off and compensatory working Saturdays every year. A deployment
//! loads its calendar from a CSV file (`date,kind,name`, kind `holiday` or `working_day`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

use crate::time::{local_date, local_to_utc};

/// What a calendar entry says about a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// A day off, even on a weekday.
    Holiday,
    /// A working day, even on a weekend (a compensatory working Saturday).
    WorkingDay,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::WorkingDay => "working_day",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "holiday" => Some(Self::Holiday),
            "working_day" => Some(Self::WorkingDay),
            _ => None,
        }
    }
}

/// One date of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// Error of a calendar file, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("calendar line {line}: {detail}")]
pub struct CalendarError {
    pub line: usize,
    pub detail: String,
}

/// Local time of day at which a working day ends for deadline purposes.
pub const END_OF_WORKING_DAY: (u32, u32) = (17, 0);

/// Weekends plus the listed exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, CalendarDay>,
}

impl WorkCalendar {
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        Self {
            days: days.into_iter().map(|d| (d.date, d)).collect(),
        }
    }

    /// Parses `date,kind,name` lines; a header line and lines starting with `#` are skipped.
    pub fn parse_csv(text: &str) -> Result<Self, CalendarError> {
        let mut days = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') || line.starts_with("date,") {
                continue;
            }
            let fail = |detail: String| CalendarError {
                line: index + 1,
                detail,
            };
            let mut parts = line.splitn(3, ',');
            let date_text = parts.next().unwrap_or_default().trim();
            let kind_text = parts.next().unwrap_or_default();
            let name = parts.next().unwrap_or_default().trim().trim_matches('"').to_owned();
            let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
                .map_err(|_| fail(format!("{date_text:?} is not a date YYYY-MM-DD")))?;
            let kind = DayKind::parse(kind_text)
                .ok_or_else(|| fail(format!("{kind_text:?} is not holiday or working_day")))?;
            days.push(CalendarDay { date, kind, name });
        }
        Ok(Self::new(days))
    }

    pub fn days(&self) -> impl Iterator<Item = &CalendarDay> {
        self.days.values()
    }

    /// Whether `date` is a working day: a listed exception decides, otherwise Monday to Friday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date).map(|d| d.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::WorkingDay) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Returns the `n`-th working day after `date` (`date` itself is not counted).
    pub fn nth_working_day_after(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut counted = 0;
        // A calendar cannot hold more than a few hundred days off a year, so this ends.
        while counted < n {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                counted += 1;
            }
        }
        day
    }

    /// The deadline of a matter received at `received_at` (UTC ms) with `working_days` to
    /// handle it: the end of the `working_days`-th working day after the day of receipt,
    /// counted in `zone`. The day of receipt is not counted, as in administrative practice.
    pub fn deadline(&self, received_at: i64, working_days: u32, zone: Tz) -> i64 {
        let Some(received) = local_date(received_at, zone) else {
            return received_at;
        };
        let due = self.nth_working_day_after(received, working_days.max(1));
        let (hour, minute) = END_OF_WORKING_DAY;
        let end = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
        local_to_utc(due.and_time(end), zone).unwrap_or(received_at)
    }

    /// Moves a deadline `extra_days` working days later (an approved extension).
    pub fn extend(&self, deadline: i64, extra_days: u32, zone: Tz) -> i64 {
        self.deadline(deadline, extra_days, zone)
    }
}

/// How a deadline stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    OnTrack,
    /// Less than `warn_ms` remains.
    DueSoon,
    Overdue,
}

pub fn deadline_status(now: i64, deadline: i64, warn_ms: i64) -> DeadlineStatus {
    if now > deadline {
        DeadlineStatus::Overdue
    } else if deadline - now <= warn_ms {
        DeadlineStatus::DueSoon
    } else {
        DeadlineStatus::OnTrack
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{LOCAL_ZONE, format_instant, parse_timestamp};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn at(text: &str) -> i64 {
        parse_timestamp(text, LOCAL_ZONE).unwrap_or_default()
    }

    /// Tết Ất Tỵ 2025 as given in the test: 25 January to 2 February off, the weekdays
    /// 27–31 January listed as holidays; and a made-up compensatory Saturday.
    fn calendar() -> WorkCalendar {
        WorkCalendar::parse_csv(
            "date,kind,name\n\
             2025-01-27,holiday,Tết\n2025-01-28,holiday,Tết\n2025-01-29,holiday,Tết\n\
             2025-01-30,holiday,Tết\n2025-01-31,holiday,Tết\n\
             2025-05-02,holiday,Nghỉ bù\n2025-04-26,working_day,Làm bù\n\
             2025-04-30,holiday,Giải phóng miền Nam\n2025-05-01,holiday,Quốc tế Lao động\n",
        )
        .unwrap_or_default()
    }

    #[test]
    fn weekend_is_skipped() {
        // Received Friday 10 January 2025; one working day → Monday 13 January, 17:00.
        let due = WorkCalendar::default().deadline(at("2025-01-10T09:30:00+07:00"), 1, LOCAL_ZONE);
        assert_eq!(format_instant(due, LOCAL_ZONE), "2025-01-13T17:00:00+07:00");
        // Received on a Saturday: counting starts on Monday.
        let due = WorkCalendar::default().deadline(at("2025-01-11T20:00:00+07:00"), 3, LOCAL_ZONE);
        assert_eq!(format_instant(due, LOCAL_ZONE), "2025-01-15T17:00:00+07:00");
    }

    #[test]
    fn tet_span_is_skipped() {
        // Received Friday 24 January 2025, 3 working days: 3, 4, 5 February.
        let due = calendar().deadline(at("2025-01-24T16:00:00+07:00"), 3, LOCAL_ZONE);
        assert_eq!(format_instant(due, LOCAL_ZONE), "2025-02-05T17:00:00+07:00");
        assert!(!calendar().is_working_day(date("2025-01-29")));
    }

    #[test]
    fn compensatory_saturday_counts() {
        // Received Friday 25 April 2025; Saturday 26 April is a working day.
        let calendar = calendar();
        assert!(calendar.is_working_day(date("2025-04-26")));
        let due = calendar.deadline(at("2025-04-25T10:00:00+07:00"), 1, LOCAL_ZONE);
        assert_eq!(format_instant(due, LOCAL_ZONE), "2025-04-26T17:00:00+07:00");
        // 2 working days: Saturday 26, Monday 28; then 29 April; 30/4, 1/5, 2/5 and the
        // weekend are off, so the 4th is Monday 5 May.
        let due = calendar.deadline(at("2025-04-25T10:00:00+07:00"), 4, LOCAL_ZONE);
        assert_eq!(format_instant(due, LOCAL_ZONE), "2025-05-05T17:00:00+07:00");
    }

    #[test]
    fn extension_counts_from_old_deadline() {
        let calendar = calendar();
        let due = calendar.deadline(at("2025-01-06T08:00:00+07:00"), 1, LOCAL_ZONE);
        let extended = calendar.extend(due, 2, LOCAL_ZONE);
        assert_eq!(format_instant(extended, LOCAL_ZONE), "2025-01-09T17:00:00+07:00");
    }

    #[test]
    fn bad_lines_are_named() {
        let error = WorkCalendar::parse_csv("date,kind,name\n2025-13-01,holiday,x\n").err();
        assert_eq!(error.map(|e| e.line), Some(2));
        let error = WorkCalendar::parse_csv("2025-01-01,off,x\n").err();
        assert_eq!(error.map(|e| e.line), Some(1));
    }

    #[test]
    fn status_warns_then_flags() {
        assert_eq!(deadline_status(0, 100, 10), DeadlineStatus::OnTrack);
        assert_eq!(deadline_status(95, 100, 10), DeadlineStatus::DueSoon);
        assert_eq!(deadline_status(101, 100, 10), DeadlineStatus::Overdue);
    }
}
