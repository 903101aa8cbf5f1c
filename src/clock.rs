//! The service's sense of "now", injectable so tests can move time (idle timeouts, throttling
//! windows, and later the deadlines of the register) without sleeping.

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
    let year = at.year();
    let starts = last_sunday(year, Month::March)
        .with_hms(1, 0, 0)
        .map(|t| t.assume_utc());
    let ends = last_sunday(year, Month::October)
        .with_hms(1, 0, 0)
        .map(|t| t.assume_utc());
    let summer = matches!((starts, ends), (Ok(s), Ok(e)) if at >= s && at < e);
    if summer {
        (at + Duration::hours(1)).date()
    } else {
        at.date()
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

    #[test]
    fn now_has_no_sub_microsecond_part() {
        let t = SystemClock.now();
        assert_eq!(t.nanosecond() % 1_000, 0);
    }

    #[test]
    fn uk_dates_across_the_clock_changes() {
        use time::macros::{date, datetime};
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
    fn shifted_clock_moves_forward() {
        let clock = ShiftedClock::default();
        let before = clock.now();
        clock.advance(Duration::minutes(31));
        assert!(clock.now() - before >= Duration::minutes(31));
    }
}
