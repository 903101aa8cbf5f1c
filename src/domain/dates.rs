//! Plausible dates: the earliest and latest day each kind of date may name (SPEC.md, "Plausible
//! dates"). A date outside its bounds is a slip of the keyboard (`0001-01-01`, `9999-12-31`) and
//! is refused naming the field; nothing else in the service has to guess at such dates.

use super::schedule::add_months;
use time::Date;
use time::macros::date;

// `iso`: a date as the API, the pages and the stored JSON write it, `2026-03-27`. For
// `#[serde(with = "iso")]` on a `Date` (with `#[schemars(with = "String")]`), and
// `iso::option` on an `Option<Date>` (with `#[schemars(with = "Option<String>")]`). (The
// crate's `time` writes a bare `Date` as a tuple.)
time::serde::format_description!(pub iso, Date, "[year]-[month]-[day]");

// `as_at`: a return's as-at moment, 23:59:59 on its last day, as the API and the stored JSON
// write it: `2026-10-31 23:59:59` (the day is what is kept; the time is always the same).
time::serde::format_description!(pub as_at, Date, "[year]-[month]-[day] 23:59:59");

/// No one on the register was born before this day.
pub const EARLIEST_BIRTH: Date = date!(1900 - 01 - 01);
/// Nothing the service records (consent, assessment, admission, visit, referral, review,
/// return period…) happened before this day.
pub const EARLIEST_EVENT: Date = date!(2010 - 01 - 01);
/// A review can be booked at most this many months ahead (two years).
pub const SCHEDULE_AHEAD_MONTHS: u32 = 24;
/// A planned day (an action's WHEN, a planned discharge) at most this many months ahead.
pub const PLANNED_AHEAD_MONTHS: u32 = 120;

/// What a date is for, which decides its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// A date of birth: from 1900-01-01, never in the future.
    Birth,
    /// Something that happened: from 2010-01-01, never in the future.
    Event,
    /// The day a review is booked for: from 2010-01-01, at most two years ahead.
    ScheduledReview,
    /// A day something is planned for: from 2010-01-01, at most ten years ahead.
    Planned,
}

/// Why a date is not plausible for its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Before the earliest day (carried, for the message).
    TooEarly(Date),
    /// After today, for a kind that is never in the future.
    InFuture,
    /// After the latest day ahead allowed (carried).
    TooFarAhead(Date),
}

impl DateKind {
    pub fn earliest(self) -> Date {
        match self {
            DateKind::Birth => EARLIEST_BIRTH,
            _ => EARLIEST_EVENT,
        }
    }

    /// The latest plausible day, seen from `today`.
    pub fn latest(self, today: Date) -> Date {
        match self {
            DateKind::Birth | DateKind::Event => today,
            DateKind::ScheduledReview => add_months(today, SCHEDULE_AHEAD_MONTHS),
            DateKind::Planned => add_months(today, PLANNED_AHEAD_MONTHS),
        }
    }

    pub fn problem(self, d: Date, today: Date) -> Option<DateProblem> {
        let latest = self.latest(today);
        if d < self.earliest() {
            Some(DateProblem::TooEarly(self.earliest()))
        } else if d > latest && latest == today {
            Some(DateProblem::InFuture)
        } else if d > latest {
            Some(DateProblem::TooFarAhead(latest))
        } else {
            None
        }
    }
}

impl DateProblem {
    /// The refusal in words, after the field's label ("The date of birth …").
    pub fn describe(self) -> String {
        match self {
            DateProblem::TooEarly(d) => format!("cannot be before {}", long(d)),
            DateProblem::InFuture => "cannot be in the future".into(),
            DateProblem::TooFarAhead(d) => format!("cannot be after {}", long(d)),
        }
    }
}

/// A return period is plausible when it ends on or after the earliest event day (the first
/// month is January 2010; the first week is the one ending Sunday 3 January 2010).
pub fn period_plausible(last_day: Date) -> bool {
    last_day >= EARLIEST_EVENT
}

fn long(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// Which parts of a typed date are missing, for the message: `None` unless the text is three
/// hyphenated parts of which some (not all) are empty.
pub fn missing_parts(text: &str) -> Option<&'static str> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let missing = (day.is_empty(), month.is_empty(), year.is_empty());
    Some(match missing {
        (true, false, false) => "a day",
        (false, true, false) => "a month",
        (false, false, true) => "a year",
        (true, true, false) => "a day and month",
        (true, false, true) => "a day and year",
        (false, true, true) => "a month and year",
        _ => return None,
    })
}

/// A day as people read it in a sentence: "Sunday 6 December 2026".
pub fn long_date(d: Date) -> String {
    format!("{} {} {} {}", d.weekday(), d.day(), d.month(), d.year())
}

/// A day as people read it in a table: "6 Dec 2026".
pub fn short_date(d: Date) -> String {
    let month = d.month().to_string();
    format!("{} {} {}", d.day(), &month[..3], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = date!(2026 - 11 - 23);

    #[test]
    fn bounds_by_kind() {
        use DateKind::*;
        use DateProblem::*;
        let cases = [
            (Birth, date!(1899 - 12 - 31), Some(TooEarly(EARLIEST_BIRTH))),
            (Birth, date!(1900 - 01 - 01), None),
            (Birth, TODAY, None),
            (Birth, date!(2026 - 11 - 24), Some(InFuture)),
            (Event, date!(2009 - 12 - 31), Some(TooEarly(EARLIEST_EVENT))),
            (Event, date!(2010 - 01 - 01), None),
            (Event, TODAY, None),
            (Event, date!(2026 - 11 - 24), Some(InFuture)),
            (Event, date!(0001 - 01 - 01), Some(TooEarly(EARLIEST_EVENT))),
            (Event, date!(9999 - 12 - 31), Some(InFuture)),
            (
                ScheduledReview,
                date!(2009 - 12 - 31),
                Some(TooEarly(EARLIEST_EVENT)),
            ),
            (ScheduledReview, date!(2010 - 01 - 01), None),
            (ScheduledReview, date!(2026 - 11 - 24), None),
            (ScheduledReview, date!(2028 - 11 - 23), None),
            (
                ScheduledReview,
                date!(2028 - 11 - 24),
                Some(TooFarAhead(date!(2028 - 11 - 23))),
            ),
            (
                ScheduledReview,
                date!(9999 - 12 - 31),
                Some(TooFarAhead(date!(2028 - 11 - 23))),
            ),
            (Planned, date!(2036 - 11 - 23), None),
            (
                Planned,
                date!(2036 - 11 - 24),
                Some(TooFarAhead(date!(2036 - 11 - 23))),
            ),
            (
                Planned,
                date!(2009 - 12 - 31),
                Some(TooEarly(EARLIEST_EVENT)),
            ),
        ];
        for (kind, d, want) in cases {
            assert_eq!(kind.problem(d, TODAY), want, "{kind:?} {d}");
        }
    }

    #[test]
    fn two_years_ahead_from_the_29th_of_february_is_the_28th() {
        let leap = date!(2028 - 02 - 29);
        assert_eq!(
            DateKind::ScheduledReview.latest(leap),
            date!(2030 - 02 - 28)
        );
        assert!(
            DateKind::ScheduledReview
                .problem(date!(2030 - 03 - 01), leap)
                .is_some()
        );
    }

    #[test]
    fn return_periods_from_january_2010() {
        assert!(!period_plausible(date!(2009 - 12 - 31)));
        assert!(period_plausible(date!(2010 - 01 - 03)));
        assert!(period_plausible(date!(2010 - 01 - 31)));
    }

    #[test]
    fn messages_name_the_bound() {
        assert_eq!(
            DateProblem::TooEarly(EARLIEST_BIRTH).describe(),
            "cannot be before 1 January 1900"
        );
        assert_eq!(
            DateProblem::TooFarAhead(date!(2028 - 11 - 23)).describe(),
            "cannot be after 23 November 2028"
        );
    }
}
