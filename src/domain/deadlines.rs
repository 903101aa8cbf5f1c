//! The deadline engine: everything owed for one person as at the end of a day D — scheduled
//! reviews with their due dates, reviews owed but not yet scheduled (post-admission, next
//! inpatient, after a red rating, follow-up), reports to send, oversight visits, a social worker
//! for a child in hospital, and actions past their WHEN — each with whether it is overdue on D.
//!
//! It reads one person's dated facts and nothing else (no database, clock or request), and only
//! the facts dated on or before D: a review booked after D does not exist yet, one held after D
//! was still scheduled, a discharge after D had not happened. So the answer about D never
//! changes when later facts arrive. Everything that shows a deadline asks this engine.

use super::age::age_on;
use super::ids::{ActionId, ReviewId, StayId};
use super::person::Standing;
use super::ratings::{RatingEvent, Stay as RatingStay, derived_rating};
use super::review::ReviewKind;
use super::risk::Rating;
use super::schedule::{self, Deadlines, Security};
use std::collections::BTreeSet;
use time::Date;

/// One person's dated facts.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub born: Option<Date>,
    /// Where the entry stands over time: nothing is owed before it joined the register or
    /// from the day it was closed; an inpatient-only entry is owed what a stay and its reviews
    /// bring, not the register's community duties. None: on the register throughout.
    pub standing: Option<Standing>,
    /// Whether a social worker is named, from each day on (the latest on or before D counts).
    pub social_worker: Vec<(Date, bool)>,
    pub ratings: Vec<RatingEvent>,
    pub stays: Vec<StayFacts>,
    pub reviews: Vec<ReviewFacts>,
    pub actions: Vec<ActionFacts>,
}

/// A stay in hospital.
#[derive(Debug, Clone)]
pub struct StayFacts {
    pub id: StayId,
    pub admitted_on: Date,
    pub discharged_on: Option<Date>,
    /// The security level from the admission, then each dated change.
    pub security: Vec<(Date, Security)>,
    /// Commissioner oversight visits.
    pub visits: Vec<Date>,
    /// Whether the hospital was recorded as rated inadequate, and the day the notification of
    /// it was sent, from the admission and from each day they changed (the latest on or before
    /// a day counts).
    pub cqc: Vec<(Date, Cqc)>,
}

/// A stay's CQC facts from a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cqc {
    pub inadequate: bool,
    pub notified_on: Option<Date>,
}

/// A review, from the day it was booked.
#[derive(Debug, Clone)]
pub struct ReviewFacts {
    pub id: ReviewId,
    pub kind: ReviewKind,
    /// The day it was booked (scheduled).
    pub booked_on: Date,
    pub scheduled_for: Date,
    /// The due date fixed when it was booked, if a deadline applied.
    pub due_by: Option<Date>,
    pub held_on: Option<Date>,
    pub report_sent_on: Option<Date>,
    pub cancelled_on: Option<Date>,
}

/// An action of a review's plan.
#[derive(Debug, Clone)]
pub struct ActionFacts {
    pub id: ActionId,
    pub review_id: ReviewId,
    /// WHEN.
    pub due_on: Date,
    /// The day it was done or dropped.
    pub closed_on: Option<Date>,
}

/// What is owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owed {
    /// A review booked and not yet held.
    ScheduledReview {
        review_id: ReviewId,
        kind: ReviewKind,
    },
    /// A review the rules require that nobody has booked yet.
    UnscheduledReview { kind: ReviewKind, why: Why },
    /// The report of a held review.
    Report {
        review_id: ReviewId,
        kind: ReviewKind,
        held_on: Date,
    },
    /// The commissioner's oversight visit during a stay.
    Visit { stay_id: StayId },
    /// A social worker for a child in hospital (Children Act 1989).
    SocialWorker { stay_id: StayId },
    /// An admission to a hospital rated inadequate by the CQC: the ICB chief executive, the
    /// regional team and the host commissioner are told (done when the day is recorded).
    Notification { stay_id: StayId },
    /// An open action past or before its WHEN.
    Action {
        action_id: ActionId,
        review_id: ReviewId,
    },
}

super::vocabulary::vocabulary!(
    /// What is owed, in the API's words: what the lists and counts of things overdue go by.
    DueKind {
        Review = "review",
        RedReview = "red_review",
        Report = "report",
        Visit = "visit",
        SocialWorker = "social_worker",
        Notification = "notification",
        Action = "action",
    }
);

/// Why a review is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Admitted with no review in the stay yet.
    Admission,
    /// In hospital since the last inpatient review.
    Inpatient,
    /// Rated red with no review held or booked since.
    Red,
    /// The action plan of a community review is followed up.
    FollowUp,
}

impl Owed {
    /// Whether this is a review (booked or still to be booked).
    pub fn is_review(&self) -> bool {
        matches!(
            self,
            Owed::ScheduledReview { .. } | Owed::UnscheduledReview { .. }
        )
    }

    /// The kind as the API gives it.
    pub fn kind(&self) -> DueKind {
        match self {
            Owed::UnscheduledReview { why: Why::Red, .. } => DueKind::RedReview,
            Owed::ScheduledReview { .. } | Owed::UnscheduledReview { .. } => DueKind::Review,
            Owed::Report { .. } => DueKind::Report,
            Owed::Visit { .. } => DueKind::Visit,
            Owed::SocialWorker { .. } => DueKind::SocialWorker,
            Owed::Notification { .. } => DueKind::Notification,
            Owed::Action { .. } => DueKind::Action,
        }
    }
}

/// One thing owed, when it is due, and whether it is overdue at the end of the day asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub owed: Owed,
    pub due: Date,
    pub overdue: bool,
}

/// The rules' figures.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub deadlines: &'a Deadlines,
    pub holidays: &'a BTreeSet<Date>,
}

/// The kinds of review that count as reviews of a stay (the first is the post-admission one).
fn of_stay(kind: ReviewKind) -> bool {
    matches!(kind, ReviewKind::PostAdmission | ReviewKind::Inpatient)
}

/// The facts as they stood at the end of `day`.
struct AsAt<'a> {
    day: Date,
    facts: &'a Facts,
}

impl<'a> AsAt<'a> {
    fn booked(&self) -> impl Iterator<Item = &'a ReviewFacts> + '_ {
        self.facts
            .reviews
            .iter()
            .filter(|r| r.booked_on <= self.day)
    }

    fn held_on(&self, r: &ReviewFacts) -> Option<Date> {
        r.held_on.filter(|h| *h <= self.day)
    }

    fn scheduled(&self) -> impl Iterator<Item = &'a ReviewFacts> + '_ {
        self.booked()
            .filter(|r| self.held_on(r).is_none() && r.cancelled_on.is_none_or(|c| c > self.day))
    }

    /// Held reviews, with the day they were held.
    fn held(&self) -> impl Iterator<Item = (&'a ReviewFacts, Date)> + '_ {
        self.booked()
            .filter_map(|r| r.held_on.filter(|h| *h <= self.day).map(|h| (r, h)))
    }

    fn open_stay(&self) -> Option<&'a StayFacts> {
        self.facts
            .stays
            .iter()
            .filter(|s| stay_covers(s, self.day))
            .max_by_key(|s| s.admitted_on)
    }

    fn child(&self) -> bool {
        self.facts
            .born
            .and_then(|b| age_on(b, self.day))
            .is_some_and(|a| a < 18)
    }

    fn security(&self, stay: &StayFacts) -> Security {
        stay.security
            .iter()
            .filter(|(from, _)| *from <= self.day)
            .max_by_key(|(from, _)| *from)
            .map(|(_, s)| *s)
            .unwrap_or(Security::None)
    }

    fn social_worker_named(&self) -> bool {
        self.facts
            .social_worker
            .iter()
            .filter(|(from, _)| *from <= self.day)
            .max_by_key(|(from, _)| *from)
            .is_some_and(|(_, named)| *named)
    }

    /// The last review of the stay held by D, if any.
    fn reviewed_in_stay(&self, stay: &StayFacts) -> Option<Date> {
        self.held()
            .filter(|(r, h)| of_stay(r.kind) && *h >= stay.admitted_on)
            .map(|(_, h)| h)
            .max()
    }

    /// When the next review of this stay is due: from the last one held in it, by the
    /// person's age on D and the stay's security level on D.
    fn next_inpatient_due(&self, stay: &StayFacts, last: Date, rules: &Rules<'_>) -> Date {
        schedule::next_inpatient_review_due(
            last,
            self.child(),
            self.security(stay),
            rules.deadlines,
        )
    }
}

fn stay_covers(s: &StayFacts, day: Date) -> bool {
    RatingStay {
        admitted_on: s.admitted_on,
        discharged_on: s.discharged_on,
    }
    .covers(day)
}

/// Overdue at the end of `day`: its due date has passed (due on D is not overdue on D).
pub fn is_overdue(due: Date, day: Date) -> bool {
    day > due
}

/// Everything owed for the person at the end of `day`, soonest due first (in the order below
/// when two fall due on one day).
pub fn owed(facts: &Facts, day: Date, rules: &Rules<'_>) -> Vec<Item> {
    let on_register = facts.standing.is_none_or(|s| s.on_register_on(day));
    let inpatient_only = facts.standing.is_some_and(|s| s.inpatient_only_on(day));
    if !on_register && !inpatient_only {
        return Vec::new();
    }
    let at = AsAt { day, facts };
    let stay = at.open_stay();
    let scheduled: Vec<&ReviewFacts> = at.scheduled().collect();
    let mut owing = booked(&at, stay, &scheduled, rules);
    owing.extend(reports(&at, rules));
    match stay {
        Some(s) => owing.extend(of_the_stay(&at, s, &scheduled, rules)),
        None if scheduled.is_empty() && on_register => owing.extend(in_the_community(&at, rules)),
        None => {}
    }
    owing.extend(open_actions(&at));
    let mut out: Vec<Item> = owing
        .into_iter()
        .map(|(owed, due)| Item {
            owed,
            due,
            overdue: is_overdue(due, day),
        })
        .collect();
    out.sort_by_key(|i| i.due);
    out
}

/// Reviews booked and not yet held. A review of the stay is due by the stay's rule, worked out
/// afresh (it follows a step-down in security and the 18th birthday).
fn booked(
    at: &AsAt<'_>,
    stay: Option<&StayFacts>,
    scheduled: &[&ReviewFacts],
    rules: &Rules<'_>,
) -> Vec<(Owed, Date)> {
    scheduled
        .iter()
        .map(|r| {
            let due = match stay {
                Some(s) if r.kind == ReviewKind::Inpatient => match at.reviewed_in_stay(s) {
                    Some(last) => at.next_inpatient_due(s, last, rules),
                    None => r.due_by.unwrap_or(r.scheduled_for),
                },
                _ => r.due_by.unwrap_or(r.scheduled_for),
            };
            let owed = Owed::ScheduledReview {
                review_id: r.id.clone(),
                kind: r.kind,
            };
            (owed, due)
        })
        .collect()
}

/// Reports of held reviews not yet sent.
fn reports(at: &AsAt<'_>, rules: &Rules<'_>) -> Vec<(Owed, Date)> {
    at.held()
        .filter(|(r, _)| r.report_sent_on.is_none_or(|s| s > at.day))
        .map(|(r, held_on)| {
            let owed = Owed::Report {
                review_id: r.id.clone(),
                kind: r.kind,
                held_on,
            };
            (owed, schedule::report_due(held_on, rules.deadlines))
        })
        .collect()
}

/// In hospital: the review the stay needs when none is booked, the next visit, and for a child
/// a named social worker.
fn of_the_stay(
    at: &AsAt<'_>,
    s: &StayFacts,
    scheduled: &[&ReviewFacts],
    rules: &Rules<'_>,
) -> Vec<(Owed, Date)> {
    let mut out = Vec::new();
    if !scheduled.iter().any(|r| of_stay(r.kind)) {
        out.extend(stay_review(at, s, rules));
    }
    let last_visit = s
        .visits
        .iter()
        .copied()
        .filter(|v| *v <= at.day && *v >= s.admitted_on)
        .max();
    out.push((
        Owed::Visit {
            stay_id: s.id.clone(),
        },
        schedule::next_visit_due(s.admitted_on, last_visit, at.child(), rules.deadlines),
    ));
    if at.child() && !at.social_worker_named() {
        out.push((
            Owed::SocialWorker {
                stay_id: s.id.clone(),
            },
            schedule::social_worker_due(s.admitted_on, rules.deadlines),
        ));
    }
    out.extend(notification(at.day, s, rules));
    out
}

/// The notification an admission to an inadequate hospital owes at the end of `day`: due
/// `cqc_notification_days` after the day the stay was first recorded as inadequate (in the
/// current run of such days), until a notification dated on or before `day` is recorded.
fn notification(day: Date, s: &StayFacts, rules: &Rules<'_>) -> Option<(Owed, Date)> {
    let known: Vec<&(Date, Cqc)> = s.cqc.iter().filter(|(from, _)| *from <= day).collect();
    let (_, now) = known.last()?;
    if !now.inadequate || now.notified_on.is_some_and(|n| n <= day) {
        return None;
    }
    let since = known
        .iter()
        .rev()
        .take_while(|(_, c)| c.inadequate)
        .map(|(from, _)| *from)
        .last()?;
    let due = since + time::Duration::days(i64::from(rules.deadlines.cqc_notification_days));
    Some((
        Owed::Notification {
            stay_id: s.id.clone(),
        },
        due,
    ))
}

/// The review a stay owes with none booked: after admission (its deadline from the age then
/// and any community review just before), then inpatient reviews at the stay's interval.
fn stay_review(at: &AsAt<'_>, s: &StayFacts, rules: &Rules<'_>) -> Option<(Owed, Date)> {
    if let Some(last) = at.reviewed_in_stay(s) {
        let owed = Owed::UnscheduledReview {
            kind: ReviewKind::Inpatient,
            why: Why::Inpatient,
        };
        return Some((owed, at.next_inpatient_due(s, last, rules)));
    }
    let prior = at
        .held()
        .filter(|(r, _)| matches!(r.kind, ReviewKind::Community | ReviewKind::Laep))
        .map(|(_, h)| h)
        .filter(|h| *h <= s.admitted_on)
        .max();
    let child_then = at
        .facts
        .born
        .and_then(|b| age_on(b, s.admitted_on))
        .is_some_and(|a| a < 18);
    let due = schedule::post_admission_review_due(
        s.admitted_on,
        child_then,
        prior,
        rules.deadlines,
        rules.holidays,
    )?;
    let owed = Owed::UnscheduledReview {
        kind: ReviewKind::PostAdmission,
        why: Why::Admission,
    };
    Some((owed, due))
}

/// In the community with nothing booked: a red rating needs a review; otherwise the action plan
/// of the last community review is followed up.
fn in_the_community(at: &AsAt<'_>, rules: &Rules<'_>) -> Option<(Owed, Date)> {
    let day = at.day;
    let stays: Vec<RatingStay> = at
        .facts
        .stays
        .iter()
        .filter(|s| s.admitted_on <= day)
        .map(|s| RatingStay {
            admitted_on: s.admitted_on,
            discharged_on: s.discharged_on.filter(|d| *d <= day),
        })
        .collect();
    let events: Vec<RatingEvent> = at
        .facts
        .ratings
        .iter()
        .filter(|e| e.effective_on <= day)
        .cloned()
        .collect();
    let last_held = at.held().max_by_key(|(_, h)| *h);
    if let Some((Rating::Red, since)) = derived_rating(&events, &stays, day)
        && last_held.is_none_or(|(_, h)| h < since)
    {
        let owed = Owed::UnscheduledReview {
            kind: ReviewKind::Community,
            why: Why::Red,
        };
        return Some((owed, schedule::red_review_due(since, rules.deadlines)));
    }
    let (r, h) = last_held?;
    matches!(
        r.kind,
        ReviewKind::Community | ReviewKind::Laep | ReviewKind::FollowUp
    )
    .then(|| {
        let owed = Owed::UnscheduledReview {
            kind: ReviewKind::FollowUp,
            why: Why::FollowUp,
        };
        (owed, schedule::follow_up_due(h, rules.deadlines))
    })
}

/// Actions agreed by the day and still open at it.
fn open_actions(at: &AsAt<'_>) -> Vec<(Owed, Date)> {
    let agreed: BTreeSet<&ReviewId> = at.held().map(|(r, _)| &r.id).collect();
    at.facts
        .actions
        .iter()
        .filter(|a| agreed.contains(&a.review_id) && a.closed_on.is_none_or(|c| c > at.day))
        .map(|a| {
            let owed = Owed::Action {
                action_id: a.id.clone(),
                review_id: a.review_id.clone(),
            };
            (owed, a.due_on)
        })
        .collect()
}

/// The earliest review owed or booked, if any: a register row's "next review due".
pub fn next_review_due(items: &[Item]) -> Option<Date> {
    items
        .iter()
        .filter(|i| i.owed.is_review())
        .map(|i| i.due)
        .min()
}

#[cfg(test)]
mod tests;
