//! The rating history: what a person's rating was on any day, and which new assessments the
//! hospital rules refuse. Blue while admitted; red from discharge for at least
//! `post_discharge_red_days`.

use super::person::Standing;
use super::risk::Rating;
use time::{Date, Duration};

/// One entry of the history: an assessment, an admission (blue) or a discharge (red).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingEvent {
    pub rating: Rating,
    pub effective_on: Date,
    /// Order of entry, to settle events on the same day (later entry wins).
    pub seq: i64,
}

/// The rating in force at the end of `day`: the latest event on or before it.
pub fn rating_as_of(events: &[RatingEvent], day: Date) -> Option<&RatingEvent> {
    events
        .iter()
        .filter(|e| e.effective_on <= day)
        .max_by_key(|e| (e.effective_on, e.seq))
}

/// A hospital stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    pub admitted_on: Date,
    pub discharged_on: Option<Date>,
}

impl Stay {
    /// In hospital at the end of `day`: admitted on or before it and not discharged by then.
    pub fn covers(&self, day: Date) -> bool {
        self.admitted_on <= day && self.discharged_on.is_none_or(|d| day < d)
    }
}

/// Why an assessment dated `assessed_on` with `rating` cannot be recorded, if it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssessmentConflict {
    /// The person was in hospital that day: their rating is blue.
    InHospital,
    /// Within the post-discharge red window, which ends (is over) on this day.
    RedWindow { until: Date },
}

impl AssessmentConflict {
    pub fn message(&self) -> String {
        match self {
            AssessmentConflict::InHospital => {
                "The person is in hospital on that date, so their rating is blue; record the discharge first".into()
            }
            AssessmentConflict::RedWindow { until } => format!(
                "After a discharge the rating stays red for at least 14 days: a lower rating can be recorded from {until}"
            ),
        }
    }
}

pub fn assessment_conflict(
    stays: &[Stay],
    assessed_on: Date,
    rating: Rating,
    red_days: u32,
) -> Option<AssessmentConflict> {
    if stays.iter().any(|s| s.covers(assessed_on)) {
        return Some(AssessmentConflict::InHospital);
    }
    if rating == Rating::Red {
        return None;
    }
    stays
        .iter()
        .filter_map(|s| s.discharged_on)
        .filter(|discharged| *discharged <= assessed_on)
        .map(|discharged| discharged + Duration::days(i64::from(red_days)))
        .filter(|until| assessed_on < *until)
        .max()
        .map(|until| AssessmentConflict::RedWindow { until })
}

/// The rating the register shows on `day`: none while the entry is an inpatient-only one (never
/// rated: not on the register), otherwise [`derived_rating`].
pub fn rating_of(
    standing: &Standing,
    events: &[RatingEvent],
    stays: &[Stay],
    day: Date,
) -> Option<(Rating, Date)> {
    if standing.inpatient_only_on(day) {
        None
    } else {
        derived_rating(events, stays, day)
    }
}

/// The rating on `day` and the day it took that value: blue throughout a stay, otherwise the
/// latest rating event, since the first of the run of equal ratings that ends with it.
pub fn derived_rating(events: &[RatingEvent], stays: &[Stay], day: Date) -> Option<(Rating, Date)> {
    if let Some(stay) = stays
        .iter()
        .filter(|s| s.covers(day))
        .max_by_key(|s| s.admitted_on)
    {
        return Some((Rating::Blue, stay.admitted_on));
    }
    let current = rating_as_of(events, day)?;
    let mut earlier: Vec<&RatingEvent> = events
        .iter()
        .filter(|e| (e.effective_on, e.seq) <= (current.effective_on, current.seq))
        .collect();
    earlier.sort_by_key(|e| std::cmp::Reverse((e.effective_on, e.seq)));
    let since = earlier
        .iter()
        .take_while(|e| e.rating == current.rating)
        .last()
        .map(|e| e.effective_on)
        .unwrap_or(current.effective_on);
    Some((current.rating, since))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ev(rating: Rating, on: Date, seq: i64) -> RatingEvent {
        RatingEvent {
            rating,
            effective_on: on,
            seq,
        }
    }

    #[test]
    fn as_of_takes_the_latest_event_by_day_then_entry() {
        let events = vec![
            ev(Rating::Amber, date!(2026 - 01 - 10), 1),
            ev(Rating::Blue, date!(2026 - 03 - 01), 2),
            ev(Rating::Red, date!(2026 - 04 - 01), 3),
            ev(Rating::Green, date!(2026 - 02 - 01), 4), // entered late, dated earlier
            ev(Rating::Red, date!(2026 - 02 - 01), 5),   // same day, entered after
        ];
        let at = |d| rating_as_of(&events, d).map(|e| e.rating);
        assert_eq!(at(date!(2026 - 01 - 09)), None);
        assert_eq!(at(date!(2026 - 01 - 10)), Some(Rating::Amber));
        assert_eq!(at(date!(2026 - 02 - 01)), Some(Rating::Red));
        assert_eq!(at(date!(2026 - 02 - 28)), Some(Rating::Red));
        assert_eq!(at(date!(2026 - 03 - 01)), Some(Rating::Blue));
        assert_eq!(at(date!(2026 - 05 - 01)), Some(Rating::Red));
    }

    #[test]
    fn no_assessment_while_in_hospital() {
        let open = [Stay {
            admitted_on: date!(2026 - 03 - 01),
            discharged_on: None,
        }];
        assert_eq!(
            assessment_conflict(&open, date!(2026 - 03 - 01), Rating::Red, 14),
            Some(AssessmentConflict::InHospital)
        );
        assert_eq!(
            assessment_conflict(&open, date!(2026 - 11 - 01), Rating::Amber, 14),
            Some(AssessmentConflict::InHospital)
        );
        let closed = [Stay {
            admitted_on: date!(2026 - 03 - 01),
            discharged_on: Some(date!(2026 - 04 - 01)),
        }];
        assert_eq!(
            assessment_conflict(&closed, date!(2026 - 03 - 31), Rating::Red, 14),
            Some(AssessmentConflict::InHospital)
        );
        assert_eq!(
            assessment_conflict(&closed, date!(2026 - 02 - 28), Rating::Green, 14),
            None
        );
    }

    #[test]
    fn red_for_fourteen_days_after_discharge() {
        let stays = [Stay {
            admitted_on: date!(2026 - 03 - 01),
            discharged_on: Some(date!(2026 - 04 - 01)),
        }];
        let until = date!(2026 - 04 - 15);
        let cases = [
            (
                date!(2026 - 04 - 01),
                Rating::Amber,
                Some(AssessmentConflict::RedWindow { until }),
            ),
            (
                date!(2026 - 04 - 14),
                Rating::Green,
                Some(AssessmentConflict::RedWindow { until }),
            ),
            (date!(2026 - 04 - 15), Rating::Green, None),
            (date!(2026 - 04 - 02), Rating::Red, None),
        ];
        for (on, rating, want) in cases {
            assert_eq!(
                assessment_conflict(&stays, on, rating, 14),
                want,
                "{on} {rating:?}"
            );
        }
        assert!(
            AssessmentConflict::RedWindow { until }
                .message()
                .contains("2026-04-15")
        );
    }

    #[test]
    fn rating_since_runs_back_over_equal_ratings() {
        let ev = |rating, on, seq| RatingEvent {
            rating,
            effective_on: on,
            seq,
        };
        let events = vec![
            ev(Rating::Amber, date!(2026 - 01 - 01), 1),
            ev(Rating::Red, date!(2026 - 02 - 01), 2),
            ev(Rating::Red, date!(2026 - 03 - 01), 3),
        ];
        assert_eq!(
            derived_rating(&events, &[], date!(2026 - 03 - 10)),
            Some((Rating::Red, date!(2026 - 02 - 01)))
        );
        assert_eq!(
            derived_rating(&events, &[], date!(2026 - 01 - 10)),
            Some((Rating::Amber, date!(2026 - 01 - 01)))
        );
        let stays = [Stay {
            admitted_on: date!(2026 - 02 - 15),
            discharged_on: None,
        }];
        assert_eq!(
            derived_rating(&events, &stays, date!(2026 - 03 - 10)),
            Some((Rating::Blue, date!(2026 - 02 - 15)))
        );
        assert_eq!(derived_rating(&[], &[], date!(2026 - 03 - 10)), None);
    }
}
