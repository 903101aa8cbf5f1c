//! The service's sense of "now", injectable so tests can move time (idle timeouts, throttling
//! windows, the register's deadlines and the day the projection is for) without sleeping.

use std::sync::Mutex;
use time::{Date, Duration, Month, OffsetDateTime};

pub trait Clock: Send + Sync {
    /// Current UTC time, truncated to whole microseconds so that it survives a round trip
    /// through either database unchanged (the audit chain hashes it).
    fn now(&self) -> OffsetDateTime;

    /// Today's date in England (UK time: GMT, or BST in summer). Dates typed by users are
    /// English calendar days, so "not in the future" is judged against this.
    fn today(&self) -> Date {
        uk_date(self.now())
    }
}

/// The calendar day in the UK at a UTC instant. British Summer Time runs from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October.
pub fn uk_date(at: OffsetDateTime) -> Date {
    let at = at.to_offset(time::UtcOffset::UTC);
    if summer_time(at) {
        (at + Duration::hours(1)).date()
    } else {
        at.date()
    }
}

/// The wall-clock time in the UK at a UTC instant (for words meant for people).
pub fn uk_local(at: OffsetDateTime) -> time::PrimitiveDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    let local = if summer_time(at) {
        at + Duration::hours(1)
    } else {
        at
    };
    time::PrimitiveDateTime::new(local.date(), local.time())
}

/// Whether British Summer Time is in force at a UTC instant.
fn summer_time(at: OffsetDateTime) -> bool {
    let year = at.year();
    let starts = last_sunday(year, Month::March)
        .with_hms(1, 0, 0)
        .map(|t| t.assume_utc());
    let ends = last_sunday(year, Month::October)
        .with_hms(1, 0, 0)
        .map(|t| t.assume_utc());
    matches!((starts, ends), (Ok(s), Ok(e)) if at >= s && at < e)
}

/// The UTC instant of a UK wall-clock time of day (not one of the changeover hours).
pub fn uk_instant(day: Date, time_of_day: time::Time) -> OffsetDateTime {
    let as_if_utc = day.with_time(time_of_day).assume_utc();
    let in_summer = as_if_utc - Duration::hours(1);
    if summer_time(in_summer) {
        in_summer
    } else {
        as_if_utc
    }
}

fn last_sunday(year: i32, month: Month) -> Date {
    let last = Date::from_calendar_date(year, month, time::util::days_in_month(month, year))
        .unwrap_or(Date::MIN);
    let back = last.weekday().number_days_from_sunday();
    last - Duration::days(i64::from(back))
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate_to_micros(OffsetDateTime::now_utc())
    }
}

/// A clock that runs from the real time plus an offset a test can advance.
#[derive(Default)]
pub struct ShiftedClock {
    offset: Mutex<Duration>,
}

impl ShiftedClock {
    pub fn advance(&self, by: Duration) {
        if let Ok(mut offset) = self.offset.lock() {
            *offset += by;
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        let offset = self.offset.lock().map(|o| *o).unwrap_or_default();
        truncate_to_micros(OffsetDateTime::now_utc() + offset)
    }
}

pub fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let micros = t.microsecond();
    t.replace_microsecond(micros).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn now_has_no_sub_microsecond_part() {
        let t = SystemClock.now();
        assert_eq!(t.nanosecond() % 1_000, 0);
    }

    #[test]
    fn uk_dates_across_the_clock_changes() {
        let cases = [
            (datetime!(2026-03-29 00:59:59 UTC), date!(2026 - 03 - 29)), // BST starts 01:00 UTC
            (datetime!(2026-06-30 23:30 UTC), date!(2026 - 07 - 01)),    // 00:30 BST
            (datetime!(2026-10-25 00:30 UTC), date!(2026 - 10 - 25)),    // still BST: 01:30
            (datetime!(2026-10-24 23:30 UTC), date!(2026 - 10 - 25)),    // 00:30 BST
            (datetime!(2026-10-25 23:30 UTC), date!(2026 - 10 - 25)),    // GMT again
            (datetime!(2026-12-31 23:59 UTC), date!(2026 - 12 - 31)),
        ];
        for (at, want) in cases {
            assert_eq!(uk_date(at), want, "{at}");
        }
        assert_eq!(last_sunday(2026, Month::March), date!(2026 - 03 - 29));
        assert_eq!(last_sunday(2026, Month::October), date!(2026 - 10 - 25));
    }

    #[test]
    fn uk_instants_across_the_clock_changes() {
        let end = time::macros::time!(23:59:59);
        assert_eq!(
            uk_instant(date!(2026 - 10 - 31), end),
            datetime!(2026-10-31 23:59:59 UTC)
        );
        assert_eq!(
            uk_instant(date!(2026 - 06 - 30), end),
            datetime!(2026-06-30 22:59:59 UTC)
        );
        // The last Sunday of March 2026 is the 29th: BST by the end of that day.
        assert_eq!(
            uk_instant(date!(2026 - 03 - 29), end),
            datetime!(2026-03-29 22:59:59 UTC)
        );
        assert_eq!(
            uk_instant(date!(2026 - 03 - 28), end),
            datetime!(2026-03-28 23:59:59 UTC)
        );
        // Back to GMT on Sunday 25 October 2026.
        assert_eq!(
            uk_instant(date!(2026 - 10 - 25), end),
            datetime!(2026-10-25 23:59:59 UTC)
        );
        assert_eq!(
            uk_instant(date!(2026 - 10 - 24), end),
            datetime!(2026-10-24 22:59:59 UTC)
        );
    }

    #[test]
    fn shifted_clock_moves_forward() {
        let clock = ShiftedClock::default();
        let before = clock.now();
        clock.advance(Duration::minutes(31));
        assert!(clock.now() - before >= Duration::minutes(31));
    }
}
