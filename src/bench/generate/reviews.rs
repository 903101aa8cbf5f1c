//! One person's reviews: chains of held reviews, each with its action plan, ending in the
//! scheduled review the last one set up.

use super::{BY, Gen, OpenStay};
use crate::bench::rng::days;
use crate::bench::words::{
    ACTIONS, CANCELLED_CLOSED, CANCELLED_REASONS, DROPPED_NOTES, FINDINGS, RECOMMENDATIONS,
};
use crate::domain::age::{ReviewType, age_on};
use crate::domain::ids::{ActionId, PersonId, ReviewId};
use crate::domain::person::Status;
use crate::domain::review::{ActionStatus, ReviewKind, ReviewStatus};
use crate::domain::schedule::add_months;
use crate::entities::{action, review};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

/// A review to write: (kind, scheduled_for, due_by, held_on).
type Planned = (ReviewKind, Date, Option<Date>, Option<Date>);

/// The person the reviews are for.
struct Reviewed<'a> {
    pid: &'a PersonId,
    born: Date,
    ehcp: bool,
    registered_on: Date,
    status: Status,
    end: Date,
}

impl Gen<'_> {
    /// About 1.5 reviews a person: chains of held reviews (each with its action plan) ending in
    /// the scheduled review the last one set up (upcoming, some overdue; cancelled for people no
    /// longer on the register).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn reviews(
        &mut self,
        pid: &PersonId,
        born: Date,
        ehcp: bool,
        registered_on: Date,
        status: Status,
        end: Date,
        stay: Option<&OpenStay>,
    ) {
        let n = self
            .rng
            .weighted(&[(0, 25), (1, 25), (2, 30), (3, 15), (4, 5)]);
        if n == 0 {
            return;
        }
        let active = status == Status::Active;
        let plan = match stay {
            Some(s) => self.inpatient_plan(s, born, n),
            None => self.community_plan(registered_on, active, end, n),
        };
        let who = Reviewed {
            pid,
            born,
            ehcp,
            registered_on,
            status,
            end,
        };
        let mut previous: Option<(ReviewId, Date)> = None;
        for planned in plan {
            let row = self.review_row(&who, planned, previous.as_ref());
            let id = row.id.clone();
            let held_on = row.held_on;
            self.rows.reviews.push(row);
            if let Some(h) = held_on {
                self.actions(pid, &id, h, end);
                previous = Some((id, h));
            }
        }
    }

    /// Post-admission review, then inpatient reviews at the interval for the person.
    fn inpatient_plan(&mut self, s: &OpenStay, born: Date, n: i64) -> Vec<Planned> {
        let today = self.today;
        let mut plan = Vec::new();
        let child_then = age_on(born, s.admitted_on).is_some_and(|a| a < 18);
        let pa_due = s.admitted_on + days(if child_then { 14 } else { 28 });
        let months = if age_on(born, today).is_some_and(|a| a < 18) {
            3
        } else if s.security_level == "none" {
            6
        } else {
            12
        };
        let mut kind = ReviewKind::PostAdmission;
        let mut when = s.admitted_on + days(self.rng.range(5, if child_then { 12 } else { 26 }));
        let mut due = pa_due;
        for k in 0..n {
            let last = k + 1 == n;
            if last || when > today {
                plan.push((kind, when, Some(due), None));
                break;
            }
            let held = (when + days(self.rng.range(-3, 7))).clamp(s.admitted_on, today);
            plan.push((kind, when, Some(due), Some(held)));
            kind = ReviewKind::Inpatient;
            when = add_months(held, months);
            due = when;
        }
        plan
    }

    /// Held community reviews three months apart, back from the latest, then the follow-up the
    /// latest one scheduled.
    fn community_plan(
        &mut self,
        registered_on: Date,
        active: bool,
        end: Date,
        n: i64,
    ) -> Vec<Planned> {
        let today = self.today;
        let mut plan = Vec::new();
        let earliest = registered_on + days(7);
        let mut held: Vec<Date> = Vec::new();
        let mut day = if active {
            today - days(self.rng.range(0, 105))
        } else {
            end - days(self.rng.range(0, 60))
        };
        for _ in 1..n {
            if day < earliest {
                break;
            }
            held.push(day);
            day -= days(self.rng.range(85, 120));
        }
        held.reverse();
        let first_kind = if self.rng.chance(12) {
            ReviewKind::Laep
        } else {
            ReviewKind::Community
        };
        let mut previous: Option<Date> = None;
        for h in held {
            match previous {
                None => plan.push((first_kind, h, None, Some(h))),
                Some(p) => {
                    let due = add_months(p, 3);
                    plan.push((ReviewKind::FollowUp, due, Some(due), Some(h)));
                }
            }
            previous = Some(h);
        }
        match previous {
            Some(p) => {
                let due = add_months(p, 3);
                plan.push((ReviewKind::FollowUp, due, Some(due), None));
            }
            None => {
                let day = if active {
                    today + days(self.rng.range(-10, 60))
                } else {
                    end + days(self.rng.range(1, 60))
                };
                plan.push((first_kind, day.max(earliest), None, None));
            }
        }
        plan
    }

    /// The review row for `planned`, scheduled when `previous` (its id and the day it was held)
    /// was held, or some weeks before the first.
    fn review_row(
        &mut self,
        who: &Reviewed,
        (kind, scheduled_for, due_by, held_on): Planned,
        previous: Option<&(ReviewId, Date)>,
    ) -> review::Model {
        let today = self.today;
        let end = who.end;
        let id = ReviewId::from_text(self.rng.uuid());
        let created_at = self.review_created_at(who, scheduled_for, held_on, previous);
        let age = age_on(who.born, scheduled_for).unwrap_or(0);
        let review_type = if age < 18 || (age <= 25 && who.ehcp) {
            ReviewType::Cetr
        } else {
            ReviewType::Ctr
        };
        let (review_status, cancelled_reason) = self.review_status(held_on, who.status);
        let lines = held_on
            .map(|_| crate::policy::shipped_enquiry().lines_for(review_type, kind.setting()));
        let (findings, recommendations, report_sent_on) =
            self.review_outcome(held_on, lines.as_deref().unwrap_or_default());
        let scheduled_on = match previous {
            Some((_, h)) => *h,
            None => [
                Some(crate::clock::uk_date(created_at)),
                Some(scheduled_for),
                held_on,
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(scheduled_for),
        };
        let cancelled_on = cancelled_reason.map(|_| scheduled_on.max(end.min(today)));
        review::Model {
            id,
            person_id: who.pid.clone(),
            kind,
            review_type,
            status: review_status,
            scheduled_for,
            starts_at: None,
            place: None,
            scheduled_on,
            due_by,
            chair_id: None,
            expert_by_experience_id: None,
            clinical_expert_id: None,
            held_on,
            findings,
            recommendations,
            report_sent_on,
            enquiry_version: lines.as_ref().map(|_| "2026-11".to_string()),
            enquiry_lines: lines.as_ref().and_then(|l| serde_json::to_string(l).ok()),
            attendance: None,
            person_views: None,
            family_views: None,
            easy_words: None,
            report_sent_to: None,
            report_sent_by: None,
            report_sha256: None,
            easy_read_sha256: None,
            cancelled_reason: cancelled_reason.map(String::from),
            cancelled_on,
            previous_review_id: previous.map(|(p, _)| p.clone()),
            created_by: BY.into(),
            created_at,
        }
    }

    fn review_created_at(
        &mut self,
        who: &Reviewed,
        scheduled_for: Date,
        held_on: Option<Date>,
        previous: Option<&(ReviewId, Date)>,
    ) -> OffsetDateTime {
        let g = &mut self.rng;
        match previous {
            // Scheduled when the previous review was held.
            Some((_, h)) => {
                let t = Time::from_hms(16, g.range(0, 59) as u8, 0).unwrap_or(Time::MIDNIGHT);
                PrimitiveDateTime::new(*h, t).assume_utc()
            }
            None => {
                let first_day = held_on.unwrap_or(scheduled_for);
                let day = (first_day - days(g.range(7, 42)))
                    .max(who.registered_on)
                    .min(self.today)
                    .min(who.end)
                    .min(first_day);
                g.at(day)
            }
        }
    }

    /// Held, cancelled (the person left, or now and then for a reason) or still scheduled.
    fn review_status(
        &mut self,
        held_on: Option<Date>,
        status: Status,
    ) -> (ReviewStatus, Option<&'static str>) {
        let g = &mut self.rng;
        match held_on {
            Some(_) => (ReviewStatus::Held, None),
            None if status == Status::Withdrawn => {
                (ReviewStatus::Cancelled, Some("Consent withdrawn"))
            }
            None if status == Status::Closed => (ReviewStatus::Cancelled, Some(CANCELLED_CLOSED)),
            None if g.chance(3) => (ReviewStatus::Cancelled, Some(g.pick(CANCELLED_REASONS))),
            None => (ReviewStatus::Scheduled, None),
        }
    }

    /// A held review's findings (JSON), recommendations and the day its report was sent.
    fn review_outcome(
        &mut self,
        held_on: Option<Date>,
        lines: &[crate::domain::enquiry::Line],
    ) -> (Option<String>, Option<String>, Option<Date>) {
        let g = &mut self.rng;
        match held_on {
            Some(h) => {
                let findings: BTreeMap<&str, &str> = lines
                    .iter()
                    .map(|l| (l.key.as_str(), g.pick(FINDINGS)))
                    .collect();
                let sent = h + days(g.range(2, 20));
                (
                    serde_json::to_string(&findings).ok(),
                    Some(g.pick(RECOMMENDATIONS).to_string()),
                    (sent <= self.today && g.chance(85)).then_some(sent),
                )
            }
            None => (None, None, None),
        }
    }

    /// Two to four actions agreed at a review held on `held`: done, open (overdue once past
    /// their day) or dropped.
    fn actions(&mut self, pid: &PersonId, review_id: &ReviewId, held: Date, end: Date) {
        let today = self.today;
        let g = &mut self.rng;
        let latest = today.min(end).max(held);
        for _ in 0..g.range(2, 4) {
            let due_on = held + days(g.range(7, 90));
            let created_at = PrimitiveDateTime::new(
                held,
                Time::from_hms(16, g.range(0, 59) as u8, 0).unwrap_or(Time::MIDNIGHT),
            )
            .assume_utc();
            let roll = g.range(0, 99);
            let (status, completed_on, note, updated_at) = if due_on < today {
                match roll {
                    0..=59 => {
                        let late = g.range(-10, 20);
                        let done = g.day(held, (due_on + days(late)).min(latest));
                        (ActionStatus::Done, Some(done), None, g.at(done))
                    }
                    60..=89 => (ActionStatus::Open, None, None, created_at),
                    _ => {
                        let dropped = g.day(held, latest);
                        (
                            ActionStatus::Dropped,
                            Some(dropped),
                            Some(g.pick(DROPPED_NOTES)),
                            g.at(dropped),
                        )
                    }
                }
            } else if roll < 20 {
                let done = g.day(held, latest);
                (ActionStatus::Done, Some(done), None, g.at(done))
            } else {
                (ActionStatus::Open, None, None, created_at)
            };
            let (who, what, how) = g.pick(ACTIONS);
            self.rows.actions.push(action::Model {
                id: ActionId::from_text(g.uuid()),
                review_id: review_id.clone(),
                person_id: pid.clone(),
                who: who.into(),
                what: what.into(),
                due_on,
                how: how.into(),
                status,
                completed_on,
                note: note.map(String::from),
                created_at,
                updated_at: updated_at.max(created_at),
            });
        }
    }
}
