//! Return periods: a calendar month (as at 23:59:59 on its last day) or a week ending on a
//! Sunday (as at 23:59:59 that Sunday), and the period before each, for "change since last".

use super::person::InpatientBasis;
use super::review::ReviewKind;
use super::risk::Rating;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration, Month, Weekday};

super::vocabulary::vocabulary!(ReturnKind {
    Monthly = "monthly",
    Weekly = "weekly",
});

/// A return's period: its first and last day (the as-at day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: ReturnKind,
    pub first: Date,
    pub last: Date,
}

impl Period {
    /// `YYYY-MM` for a month, or a Sunday's `YYYY-MM-DD` for a week. Explains a refusal.
    pub fn parse(kind: ReturnKind, text: &str) -> Result<Self, &'static str> {
        match kind {
            ReturnKind::Monthly => {
                let (y, m) = text
                    .trim()
                    .split_once('-')
                    .ok_or("Give the month as YYYY-MM")?;
                let (Ok(year), Ok(month)) = (y.parse::<i32>(), m.parse::<u8>()) else {
                    return Err("Give the month as YYYY-MM");
                };
                if y.len() != 4 || m.len() != 2 {
                    return Err("Give the month as YYYY-MM");
                }
                let month = Month::try_from(month).map_err(|_| "Give the month as YYYY-MM")?;
                let first = Date::from_calendar_date(year, month, 1)
                    .map_err(|_| "Give the month as YYYY-MM")?;
                let last =
                    Date::from_calendar_date(year, month, time::util::days_in_month(month, year))
                        .map_err(|_| "Give the month as YYYY-MM")?;
                Ok(Period { kind, first, last })
            }
            ReturnKind::Weekly => {
                let day = crate::domain::input::parse_date(text)
                    .ok_or("Give the week's Sunday as YYYY-MM-DD")?;
                if day.weekday() != Weekday::Sunday {
                    return Err("A weekly return is as at a Sunday: give a Sunday's date");
                }
                Ok(Period {
                    kind,
                    first: day - Duration::days(6),
                    last: day,
                })
            }
        }
    }

    /// The period before this one.
    pub fn previous(self) -> Period {
        match self.kind {
            ReturnKind::Monthly => {
                let last = self.first - Duration::days(1);
                let first = Date::from_calendar_date(last.year(), last.month(), 1).unwrap_or(last);
                Period {
                    kind: self.kind,
                    first,
                    last,
                }
            }
            ReturnKind::Weekly => Period {
                kind: self.kind,
                first: self.first - Duration::days(7),
                last: self.last - Duration::days(7),
            },
        }
    }

    /// The period as written in the API (`2026-10`, `2026-11-22`).
    pub fn label(self) -> String {
        match self.kind {
            ReturnKind::Monthly => {
                format!("{:04}-{:02}", self.last.year(), self.last.month() as u8)
            }
            ReturnKind::Weekly => self.last.to_string(),
        }
    }

    pub fn contains(self, d: Date) -> bool {
        self.first <= d && d <= self.last
    }

    /// A return can be made only once its period is over (the as-at moment has passed).
    pub fn is_over(self, today: Date) -> bool {
        today > self.last
    }

    /// The latest period of this kind that has ended by `today`: last month, or the week
    /// ending on the last Sunday before today (on a Sunday, its own week is not over yet).
    pub fn latest_ended(kind: ReturnKind, today: Date) -> Period {
        match kind {
            ReturnKind::Monthly => {
                let last = today.replace_day(1).unwrap_or(today) - Duration::days(1);
                let first = last.replace_day(1).unwrap_or(last);
                Period { kind, first, last }
            }
            ReturnKind::Weekly => {
                let mut last = today - Duration::days(1);
                while last.weekday() != Weekday::Sunday {
                    last -= Duration::days(1);
                }
                Period {
                    kind,
                    first: last - Duration::days(6),
                    last,
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What a return holds: its figures, per-person rows and the changes since the previous one
// (worked out by `services::returns`, worded by `reports`)

/// One person's row of the monthly return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MonthlyRow {
    /// Empty for someone who objects to identifiable sharing.
    pub nhs_number: String,
    /// Their local reference, for someone who objects to identifiable sharing.
    pub name: String,
    /// Set when the person objects to identifiable sharing: the row is de-identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_reference: Option<String>,
    pub age_band: String,
    pub rating: Option<Rating>,
    pub previous_rating: Option<Rating>,
    /// `new`, `up` (worse), `down` (better), `changed` (red and blue, either way) or `same`,
    /// against the end of the previous period.
    pub change: String,
    pub setting: String,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub last_review: Option<Date>,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub next_review_due: Option<Date>,
    pub actions_open: u64,
    pub actions_overdue: u64,
    pub keyworker: Option<String>,
}

fn register_basis() -> InpatientBasis {
    InpatientBasis::Register
}

/// One inpatient's row of the weekly return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WeeklyRow {
    /// Empty for someone who objects to identifiable sharing.
    pub nhs_number: String,
    /// Their local reference, for someone who objects to identifiable sharing.
    pub name: String,
    /// Set when the person objects to identifiable sharing: the row is de-identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_reference: Option<String>,
    /// `child`, `young_adult` or `adult` at the as-at day (empty in returns stored before it
    /// was added).
    #[serde(default)]
    pub age_band: String,
    /// On the register, or reported on the Assuring Transformation basis.
    #[serde(default = "register_basis")]
    pub basis: InpatientBasis,
    #[serde(with = "super::dates::iso")]
    #[schemars(with = "String")]
    pub admitted_on: Date,
    pub hospital: String,
    pub security_level: String,
    pub legal_status: String,
    pub length_of_stay_days: i64,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub last_review: Option<Date>,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub next_review_due: Option<Date>,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub last_visit: Option<Date>,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub next_visit_due: Option<Date>,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub planned_discharge_on: Option<Date>,
    /// What the Assuring Transformation export adds (none in returns stored before it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<AtDetails>,
}

/// A spell's row in the Assuring Transformation export, beyond the weekly row: the person's
/// identifying details (none when they object to identifiable sharing) and the stay's items, as
/// they stood at the as-at day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AtDetails {
    pub spell_id: String,
    #[serde(with = "super::dates::iso")]
    #[schemars(with = "String")]
    pub episode_started_on: Date,
    pub hospital_ods_code: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub date_of_birth: Option<Date>,
    pub postcode: Option<String>,
    pub sex: String,
    pub on_register_before_admission: bool,
    pub items: super::inpatients::StayItems,
}

/// The name of one of a return's counts: the fixed vocabulary of its columns (API.md,
/// "Returns"), written as the keys of its `counts` and of its changes' `before`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    OnRegister,
    /// In hospital at the as-at day (weekly returns).
    InHospital,
    /// On the register with this rating, or `unrated` before the first assessment.
    Rated(Option<Rating>),
    Added,
    Left,
    Admissions,
    Discharges,
    ReviewsHeld,
    ReviewsHeldOf(ReviewKind),
    ReviewsOverdue,
    ReviewsOverdueOf(ReviewKind),
    ReviewsOverdueUnscheduled,
    ActionsOpen,
    ActionsOverdue,
    ReferralsReceived,
    ReferralsAccepted,
    ReferralsDeclined,
    ReferralsAwaiting,
    ReferralsOverdue,
}

impl Count {
    /// The rated counts every return carries, unrated aside (it shows only when anyone is).
    pub const RATINGS: [Count; 4] = [
        Count::Rated(Some(Rating::Red)),
        Count::Rated(Some(Rating::Amber)),
        Count::Rated(Some(Rating::Green)),
        Count::Rated(Some(Rating::Blue)),
    ];

    /// Its key in the JSON (`on_register`, `red`, `reviews_held_laep`…).
    pub fn key(self) -> String {
        let word = match self {
            Count::Rated(r) => rating_word(r),
            Count::ReviewsHeldOf(kind) => return format!("reviews_held_{}", kind.as_str()),
            Count::ReviewsOverdueOf(kind) => return format!("reviews_overdue_{}", kind.as_str()),
            Count::OnRegister => "on_register",
            Count::InHospital => "in_hospital",
            Count::Added => "added",
            Count::Left => "left",
            Count::Admissions => "admissions",
            Count::Discharges => "discharges",
            Count::ReviewsHeld => "reviews_held",
            Count::ReviewsOverdue => "reviews_overdue",
            Count::ReviewsOverdueUnscheduled => "reviews_overdue_unscheduled",
            Count::ActionsOpen => "actions_open",
            Count::ActionsOverdue => "actions_overdue",
            Count::ReferralsReceived => "referrals_received",
            Count::ReferralsAccepted => "referrals_accepted",
            Count::ReferralsDeclined => "referrals_declined",
            Count::ReferralsAwaiting => "referrals_awaiting",
            Count::ReferralsOverdue => "referrals_overdue",
        };
        word.to_string()
    }
}

/// A return's counts, by `Count`. Written (and stored) as the JSON object of their keys, in
/// the keys' order, holding only the counts that were set: stored returns read back as they
/// were written, whatever counts their day's code set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Counts(BTreeMap<String, u64>);

impl Counts {
    /// These counts, each at nought.
    pub fn zeroed(names: impl IntoIterator<Item = Count>) -> Self {
        let mut counts = Counts::default();
        for name in names {
            counts.0.insert(name.key(), 0);
        }
        counts
    }

    /// The count, nought when it was never set.
    pub fn get(&self, name: Count) -> u64 {
        self.0.get(&name.key()).copied().unwrap_or(0)
    }

    /// Adds `n` to the count (setting it first if it was not).
    pub fn bump(&mut self, name: Count, n: u64) {
        *self.0.entry(name.key()).or_default() += n;
    }

    /// Sets the count to `n`.
    pub fn set(&mut self, name: Count, n: u64) {
        self.0.insert(name.key(), n);
    }

    /// The counts by key, as written.
    pub fn as_map(&self) -> &BTreeMap<String, u64> {
        &self.0
    }
}

/// A count by its key as written (`counts["on_register"]`), as the JSON reads; panics on a
/// key it does not hold, like a map's.
impl std::ops::Index<&str> for Counts {
    type Output = u64;

    fn index(&self, key: &str) -> &u64 {
        &self.0[key]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Figures {
    pub kind: String,
    pub period: String,
    /// The as-at day (23:59:59, UK time).
    #[serde(with = "super::dates::as_at")]
    #[schemars(with = "String")]
    pub as_at: Date,
    pub counts: Counts,
    /// Rating → age band → people.
    pub by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>>,
    pub monthly_rows: Vec<MonthlyRow>,
    /// Everyone in hospital at the as-at day: the weekly return's table, and the Assuring
    /// Transformation cut of either return (a monthly return stored before it has none).
    pub weekly_rows: Vec<WeeklyRow>,
}

/// One person in the changes since the previous return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change {
    pub nhs_number: String,
    pub name: String,
    /// What changed, in words: "Amber to red", "Closed: moved out of area", "Ward 3, Elm House".
    pub detail: String,
    /// The day it happened, where one is known.
    #[serde(with = "super::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub on: Option<Date>,
}

/// What changed since the previous return of the same kind: the period before this one, as
/// at its own last day, worked out from the same dated history (so it never depends on which
/// earlier returns happen to have been generated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Changes {
    pub previous_period: String,
    #[serde(with = "super::dates::as_at")]
    #[schemars(with = "String")]
    pub previous_as_at: Date,
    /// Headline counts at the previous as-at day (`on_register` or `in_hospital`, and ratings).
    pub before: Counts,
    /// Now in the return's population (the register, or in hospital) and not before.
    pub joined: Vec<Change>,
    /// In it before and not now.
    pub left: Vec<Change>,
    /// In both, with a different rating.
    pub rating_changes: Vec<Change>,
    /// Admissions and discharges during the period.
    pub admissions: Vec<Change>,
    pub discharges: Vec<Change>,
}

/// A rating's word, or `unrated` before the first assessment (the keys of the counts).
pub fn rating_word(r: Option<Rating>) -> &'static str {
    r.map(Rating::as_str).unwrap_or("unrated")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn counts_are_written_as_their_keys() {
        let mut counts = Counts::zeroed([Count::OnRegister, Count::Rated(None)]);
        counts.bump(Count::ReviewsHeldOf(ReviewKind::FollowUp), 2);
        counts.bump(Count::Rated(Some(Rating::Red)), 1);
        counts.set(Count::InHospital, 3);
        let json = serde_json::to_string(&counts).unwrap();
        assert_eq!(
            json,
            r#"{"in_hospital":3,"on_register":0,"red":1,"reviews_held_follow_up":2,"unrated":0}"#
        );
        let read: Counts = serde_json::from_str(&json).unwrap();
        assert_eq!(read, counts);
        assert_eq!(read.get(Count::ReviewsHeldOf(ReviewKind::FollowUp)), 2);
        assert_eq!(read.get(Count::Discharges), 0);
        // A stored return reads back with whatever keys it was written with.
        let old: Counts = serde_json::from_str(r#"{"on_register":5,"retired":1}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&old).unwrap(),
            r#"{"on_register":5,"retired":1}"#
        );
    }

    #[test]
    fn months() {
        let p = Period::parse(ReturnKind::Monthly, "2026-10").unwrap();
        assert_eq!(
            (p.first, p.last),
            (date!(2026 - 10 - 01), date!(2026 - 10 - 31))
        );
        assert_eq!(
            Period::parse(ReturnKind::Monthly, "2028-02").unwrap().last,
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            Period::parse(ReturnKind::Monthly, "2027-02").unwrap().last,
            date!(2027 - 02 - 28)
        );
        let jan = Period::parse(ReturnKind::Monthly, "2027-01")
            .unwrap()
            .previous();
        assert_eq!(
            (jan.first, jan.last, jan.label()),
            (
                date!(2026 - 12 - 01),
                date!(2026 - 12 - 31),
                "2026-12".to_string()
            )
        );
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "October", ""] {
            assert!(Period::parse(ReturnKind::Monthly, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn weeks_end_on_a_sunday() {
        let p = Period::parse(ReturnKind::Weekly, "2026-11-22").unwrap();
        assert_eq!(
            (p.first, p.last),
            (date!(2026 - 11 - 16), date!(2026 - 11 - 22))
        );
        assert_eq!(p.previous().last, date!(2026 - 11 - 15));
        assert!(
            Period::parse(ReturnKind::Weekly, "2026-11-23")
                .unwrap_err()
                .contains("Sunday")
        );
        assert!(Period::parse(ReturnKind::Weekly, "2026-11-31").is_err());
    }

    #[test]
    fn the_latest_periods_that_have_ended() {
        let latest = |kind, today| Period::latest_ended(kind, today).label();
        // Monday 23 November 2026: October, and the week ending Sunday 22 November.
        assert_eq!(
            latest(ReturnKind::Monthly, date!(2026 - 11 - 23)),
            "2026-10"
        );
        assert_eq!(
            latest(ReturnKind::Weekly, date!(2026 - 11 - 23)),
            "2026-11-22"
        );
        // On a Sunday its own week has not ended yet.
        assert_eq!(
            latest(ReturnKind::Weekly, date!(2026 - 11 - 22)),
            "2026-11-15"
        );
        // 1 January: December of the year before, whole.
        let december = Period::latest_ended(ReturnKind::Monthly, date!(2027 - 01 - 01));
        assert_eq!(
            (december.first, december.last),
            (date!(2026 - 12 - 01), date!(2026 - 12 - 31))
        );
        assert!(december.is_over(date!(2027 - 01 - 01)));
    }

    #[test]
    fn a_period_is_over_the_day_after_its_last() {
        let p = Period::parse(ReturnKind::Monthly, "2026-10").unwrap();
        assert!(!p.is_over(date!(2026 - 10 - 31)));
        assert!(p.is_over(date!(2026 - 11 - 01)));
        assert!(
            p.contains(date!(2026 - 10 - 01))
                && p.contains(date!(2026 - 10 - 31))
                && !p.contains(date!(2026 - 11 - 01))
        );
    }
}
