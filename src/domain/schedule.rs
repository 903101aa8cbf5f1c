//! Deadlines of the CETR workflow: working days (skipping weekends and the England and Wales bank
//! holidays listed in `policies/schedule.toml`), calendar months that clamp to the month's end,
//! and the dates each review, report, visit and allocation is due.

use serde::Deserialize;
use std::collections::BTreeSet;
use time::{Date, Duration, Month, Weekday};

/// Every figure of SPEC.md's deadline table, as `policies/schedule.toml` sets it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Post-admission review for a child: working days after admission.
    pub post_admission_child_working_days: u32,
    /// Post-admission review for an adult: calendar days after admission.
    pub post_admission_adult_days: u32,
    /// No post-admission review is needed when a community or LAEP review was held within this
    /// many months before the admission.
    pub prior_review_window_months: u32,
    /// Next inpatient review after the last one: under 18.
    pub inpatient_review_child_months: u32,
    /// … adult, security level `none`.
    pub inpatient_review_adult_months: u32,
    /// … adult, low, medium or high security.
    pub inpatient_review_adult_secure_months: u32,
    /// Follow-up of a community review's action plan.
    pub follow_up_months: u32,
    /// Review report sent, days after the review.
    pub report_days: u32,
    /// Commissioner oversight visits while in hospital, every so many weeks.
    pub visit_child_weeks: u32,
    pub visit_adult_weeks: u32,
    /// A red rating with no review held or scheduled: review due within this many days.
    pub red_review_days: u32,
    /// A child in hospital with no social worker named: one must be allocated by this day of
    /// the admission (the admission day being day 1).
    pub social_worker_by_admission_day: u32,
    /// An admission to a hospital rated inadequate by the CQC: the ICB chief executive, the
    /// regional team and the host commissioner are told within this many days of it being
    /// recorded.
    #[serde(default = "default_cqc_notification_days")]
    pub cqc_notification_days: u32,
}

fn default_cqc_notification_days() -> u32 {
    3
}

/// The day `months` calendar months after `d`, keeping the day of the month or, when the target
/// month is shorter, its last day (30 November + 3 months = 28 February).
pub fn add_months(d: Date, months: u32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let day = d.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(d)
}

pub fn is_working_day(d: Date, holidays: &BTreeSet<Date>) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !holidays.contains(&d)
}

/// The day a review booked automatically for `due` is held: the last working day on or before
/// its due date, never before `not_before` (the day of the hold that booked it). When no working
/// day lies between the two, the due date itself. The due date does not move: a weekend never
/// extends a deadline.
pub fn booking_day(due: Date, not_before: Date, holidays: &BTreeSet<Date>) -> Date {
    let mut day = due;
    while day >= not_before {
        if is_working_day(day, holidays) {
            return day;
        }
        day -= Duration::days(1);
    }
    due
}

/// The `n`th working day after `d` (not counting `d` itself).
pub fn add_working_days(d: Date, n: u32, holidays: &BTreeSet<Date>) -> Date {
    let mut day = d;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day, holidays) {
            left -= 1;
        }
    }
    day
}

/// When the post-admission review is due, or `None` when a community or LAEP review held in the
/// window before the admission makes it unnecessary. A child is under 18 on the admission day.
pub fn post_admission_review_due(
    admitted_on: Date,
    child_at_admission: bool,
    last_community_or_laep_review: Option<Date>,
    rules: &Deadlines,
    holidays: &BTreeSet<Date>,
) -> Option<Date> {
    if last_community_or_laep_review.is_some_and(|held| reviewed_before(admitted_on, held, rules)) {
        return None;
    }
    Some(if child_at_admission {
        add_working_days(
            admitted_on,
            rules.post_admission_child_working_days,
            holidays,
        )
    } else {
        admitted_on + Duration::days(i64::from(rules.post_admission_adult_days))
    })
}

/// Whether a community or LAEP review held on `held` falls in the window before an admission on
/// `admitted_on` (the policy's months before, up to the admission day): the one rule, for the
/// post-admission review and for the figures' share of admissions reviewed first.
pub fn reviewed_before(admitted_on: Date, held: Date, rules: &Deadlines) -> bool {
    held >= subtract_months(admitted_on, rules.prior_review_window_months) && held <= admitted_on
}

fn subtract_months(d: Date, months: u32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) - months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let day = d.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(d)
}

/// Security while in hospital, as far as the inpatient review interval cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    None,
    Secure,
}

/// The next inpatient review after the last one held. Worked out again whenever it is read, so
/// it follows a change of security level and the person's 18th birthday (`child_now`).
pub fn next_inpatient_review_due(
    last_held: Date,
    child_now: bool,
    security: Security,
    rules: &Deadlines,
) -> Date {
    let months = match (child_now, security) {
        (true, _) => rules.inpatient_review_child_months,
        (false, Security::None) => rules.inpatient_review_adult_months,
        (false, Security::Secure) => rules.inpatient_review_adult_secure_months,
    };
    add_months(last_held, months)
}

pub fn follow_up_due(community_review_held: Date, rules: &Deadlines) -> Date {
    add_months(community_review_held, rules.follow_up_months)
}

pub fn report_due(held_on: Date, rules: &Deadlines) -> Date {
    held_on + Duration::days(i64::from(rules.report_days))
}

/// The next oversight visit: from the admission, or from the last visit.
pub fn next_visit_due(
    admitted_on: Date,
    last_visit: Option<Date>,
    child_now: bool,
    rules: &Deadlines,
) -> Date {
    let weeks = if child_now {
        rules.visit_child_weeks
    } else {
        rules.visit_adult_weeks
    };
    last_visit.unwrap_or(admitted_on).max(admitted_on) + Duration::weeks(i64::from(weeks))
}

pub fn red_review_due(rated_red_on: Date, rules: &Deadlines) -> Date {
    rated_red_on + Duration::days(i64::from(rules.red_review_days))
}

/// Day N of an admission, the admission day being day 1.
pub fn social_worker_due(admitted_on: Date, rules: &Deadlines) -> Date {
    admitted_on
        + Duration::days(i64::from(
            rules.social_worker_by_admission_day.saturating_sub(1),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[derive(Deserialize)]
    struct File {
        deadlines: Deadlines,
        bank_holidays: Vec<String>,
    }

    fn policy() -> (Deadlines, BTreeSet<Date>) {
        let text = include_str!("../../policies/schedule.toml");
        let file: File = toml::from_str(text).map_err(|e| e.to_string()).unwrap();
        let holidays = file
            .bank_holidays
            .iter()
            .map(|s| crate::domain::input::parse_date(s).unwrap())
            .collect();
        (file.deadlines, holidays)
    }

    #[test]
    fn months_clamp_to_the_end_of_shorter_months() {
        let cases = [
            (date!(2026 - 11 - 30), 3, date!(2027 - 02 - 28)),
            (date!(2027 - 11 - 30), 3, date!(2028 - 02 - 29)),
            (date!(2026 - 01 - 31), 1, date!(2026 - 02 - 28)),
            (date!(2028 - 01 - 31), 1, date!(2028 - 02 - 29)),
            (date!(2028 - 02 - 29), 12, date!(2029 - 02 - 28)),
            (date!(2026 - 08 - 31), 6, date!(2027 - 02 - 28)),
            (date!(2026 - 03 - 31), 1, date!(2026 - 04 - 30)),
            (date!(2026 - 10 - 15), 3, date!(2027 - 01 - 15)),
            (date!(2026 - 05 - 31), 0, date!(2026 - 05 - 31)),
        ];
        for (from, months, want) in cases {
            assert_eq!(add_months(from, months), want, "{from} + {months}");
        }
        assert_eq!(
            subtract_months(date!(2026 - 08 - 31), 6),
            date!(2026 - 02 - 28)
        );
    }

    #[test]
    fn working_days_skip_weekends_and_bank_holidays() {
        let (_, hols) = policy();
        let cases = [
            // Thursday + 1 = Friday; Friday + 1 = Monday.
            (date!(2026 - 11 - 19), 1, date!(2026 - 11 - 20)),
            (date!(2026 - 11 - 20), 1, date!(2026 - 11 - 23)),
            // Christmas 2026: Fri 25 and Mon 28 (Boxing Day substitute) are holidays.
            (date!(2026 - 12 - 24), 1, date!(2026 - 12 - 29)),
            // Easter 2026: Good Friday 3 April, Easter Monday 6 April.
            (date!(2026 - 04 - 02), 1, date!(2026 - 04 - 07)),
            // Christmas 2027 falls at a weekend: Mon 27 and Tue 28 are the holidays.
            (date!(2027 - 12 - 24), 1, date!(2027 - 12 - 29)),
            // New Year 2028 is a Saturday: Monday 3 January is the holiday.
            (date!(2027 - 12 - 31), 1, date!(2028 - 01 - 04)),
        ];
        for (from, n, want) in cases {
            assert_eq!(add_working_days(from, n, &hols), want, "{from} + {n}");
        }
    }

    #[test]
    fn post_admission_review() {
        let (rules, hols) = policy();
        // A child admitted on Friday 18 December 2026: ten working days skip Christmas,
        // the Boxing Day substitute and New Year's Day.
        let admitted = date!(2026 - 12 - 18);
        assert_eq!(
            post_admission_review_due(admitted, true, None, &rules, &hols),
            Some(date!(2027 - 01 - 06))
        );
        // An adult: 28 calendar days.
        assert_eq!(
            post_admission_review_due(admitted, false, None, &rules, &hols),
            Some(date!(2027 - 01 - 15))
        );
        // A community review within six months before: none needed; just over six months: needed.
        assert_eq!(
            post_admission_review_due(admitted, true, Some(date!(2026 - 06 - 18)), &rules, &hols),
            None
        );
        assert!(
            post_admission_review_due(admitted, true, Some(date!(2026 - 06 - 17)), &rules, &hols)
                .is_some()
        );
        // Easter: a child admitted Thursday 2 April 2026.
        assert_eq!(
            post_admission_review_due(date!(2026 - 04 - 02), true, None, &rules, &hols),
            Some(date!(2026 - 04 - 20))
        );
    }

    #[test]
    fn inpatient_reviews_follow_age_and_security() {
        let (rules, _) = policy();
        let held = date!(2026 - 11 - 30);
        assert_eq!(
            next_inpatient_review_due(held, true, Security::Secure, &rules),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            next_inpatient_review_due(held, false, Security::None, &rules),
            date!(2027 - 05 - 30)
        );
        assert_eq!(
            next_inpatient_review_due(held, false, Security::Secure, &rules),
            date!(2027 - 11 - 30)
        );
        // The 18th birthday while in hospital: worked out again, the interval becomes an adult's.
        let before = next_inpatient_review_due(held, true, Security::None, &rules);
        let after = next_inpatient_review_due(held, false, Security::None, &rules);
        assert!(after > before);
    }

    #[test]
    fn follow_ups_reports_visits_red_and_social_worker() {
        let (rules, _) = policy();
        assert_eq!(
            follow_up_due(date!(2027 - 01 - 31), &rules),
            date!(2027 - 04 - 30)
        );
        assert_eq!(
            report_due(date!(2026 - 12 - 20), &rules),
            date!(2027 - 01 - 03)
        );
        let admitted = date!(2026 - 10 - 01);
        assert_eq!(
            next_visit_due(admitted, None, true, &rules),
            date!(2026 - 11 - 12)
        );
        assert_eq!(
            next_visit_due(admitted, None, false, &rules),
            date!(2026 - 11 - 26)
        );
        assert_eq!(
            next_visit_due(admitted, Some(date!(2026 - 11 - 01)), false, &rules),
            date!(2026 - 12 - 27)
        );
        assert_eq!(
            red_review_due(date!(2026 - 11 - 23), &rules),
            date!(2026 - 12 - 07)
        );
        assert_eq!(
            social_worker_due(admitted, &rules),
            date!(2026 - 12 - 29),
            "day 90, counting the admission day as day 1"
        );
    }

    #[test]
    fn the_holiday_list_covers_2025_to_2028() {
        let (_, hols) = policy();
        for year in 2025..=2028 {
            assert_eq!(
                hols.iter().filter(|d| d.year() == year).count(),
                8,
                "{year}"
            );
        }
        assert!(
            hols.iter()
                .all(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)),
            "substitute days are listed, not weekend dates"
        );
    }

    #[test]
    fn a_booking_lands_on_the_last_working_day_on_or_before_the_due_date() {
        use time::macros::date;
        let holidays: BTreeSet<Date> = [date!(2026 - 12 - 25), date!(2026 - 12 - 28)]
            .into_iter()
            .collect();
        let cases = [
            // A working day: itself.
            (
                date!(2026 - 12 - 02),
                date!(2026 - 11 - 01),
                date!(2026 - 12 - 02),
            ),
            // A Sunday: the Friday before.
            (
                date!(2026 - 12 - 06),
                date!(2026 - 11 - 01),
                date!(2026 - 12 - 04),
            ),
            // A bank holiday Monday after Christmas: back over the weekend and Christmas Day.
            (
                date!(2026 - 12 - 28),
                date!(2026 - 11 - 01),
                date!(2026 - 12 - 24),
            ),
            // The Friday before is before the hold: the due date itself.
            (
                date!(2026 - 12 - 06),
                date!(2026 - 12 - 05),
                date!(2026 - 12 - 06),
            ),
            // The hold's own day, when it is a working day, is allowed.
            (
                date!(2026 - 12 - 06),
                date!(2026 - 12 - 04),
                date!(2026 - 12 - 04),
            ),
        ];
        for (due, hold, want) in cases {
            assert_eq!(
                booking_day(due, hold, &holidays),
                want,
                "{due} after {hold}"
            );
        }
    }
}
