//! What is owed for a person, as pages, the API, the dashboard and the returns show it: the rows
//! on file turned into the dated facts of `domain::deadlines`, and the engine's answer put into
//! words. Nothing here decides what is due or overdue; the engine does.
//!
//! Every day read here is the one the user gave (valid time): a review's booking day
//! (`scheduled_on`) and cancellation day (`cancelled_on`), the day each change of a stay took
//! effect (`admission_revisions.effective_on`), the day an action was done or dropped
//! (`completed_on`) and the day a social worker was named or removed (`social_worker_from`).

use crate::clock::uk_date;
use crate::domain::deadlines::Cqc;
use crate::domain::deadlines::{
    self, ActionFacts, DueKind, Facts, Item, Owed, ReviewFacts, StayFacts, Why,
};
use crate::domain::ids::{ActionId, ReviewId, StayId};
use crate::domain::inpatients::{INADEQUATE, StayItems};
use crate::domain::person::SecurityLevel;
use crate::domain::ratings::RatingEvent;
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::domain::schedule::Security;
use crate::entities::{action, admission, admission_revision, person, review, visit};
use crate::policy::Schedule;
use serde::Serialize;
use std::collections::HashMap;
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DueItem {
    pub what: String,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub due_by: Date,
    pub overdue: bool,
    /// `review`, `report`, `visit`, `social_worker`, `red_review` or `action`.
    #[schemars(with = "String")]
    pub kind: DueKind,
    /// The review it concerns (a scheduled review, a report, or the review that agreed an
    /// action); none for a review still to be scheduled, a visit or a social worker.
    #[serde(skip)]
    pub review_id: Option<ReviewId>,
}

/// One person's rows, as a loader holds them.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rows<'a> {
    pub reviews: &'a [review::Model],
    pub actions: &'a [action::Model],
    pub stays: &'a [admission::Model],
    pub visits: &'a [visit::Model],
    pub ratings: &'a [RatingEvent],
    /// Each stay's earlier values (security level), in the order they took effect, where loaded.
    pub stay_revisions: Option<&'a HashMap<StayId, Vec<admission_revision::Model>>>,
    /// The entry's earlier social workers, as recorded (oldest first): whether one was named,
    /// and from which day (none given before migration 000010: from registration).
    pub social_worker_history: &'a [(Option<Date>, bool)],
}

/// What a security level means for the deadlines: secure or not.
pub(crate) fn security(level: SecurityLevel) -> Security {
    match level {
        SecurityLevel::None => Security::None,
        _ => Security::Secure,
    }
}

/// A value that changed on given days: its first value from `start`, then each later one from
/// the day it took effect. `until` holds the earlier values with the day each gave way, in
/// order.
fn dated<T: Copy>(start: Date, until: &[(Date, T)], now: T) -> Vec<(Date, T)> {
    let mut out = Vec::with_capacity(until.len() + 1);
    let mut from = start;
    for (ended, value) in until {
        out.push((from, *value));
        from = (*ended).max(start);
    }
    out.push((from, now));
    out
}

/// The day a review stopped counting, if it was cancelled: its cancellation day (a cancelled
/// review always has one; should one lack it, it never counts, from the day it was booked).
pub(crate) fn cancelled_on(
    status: ReviewStatus,
    cancelled_on: Option<Date>,
    booked_on: Date,
) -> Option<Date> {
    (status == ReviewStatus::Cancelled).then(|| cancelled_on.unwrap_or(booked_on))
}

/// The day an action was done or dropped, if it was. Every closed action carries its day
/// (writes require it, migration 000009 filled it in); the moment of the last edit stands in
/// only should one not.
pub(crate) fn action_closed_on(
    status: ActionStatus,
    completed_on: Option<Date>,
    updated_at: time::OffsetDateTime,
) -> Option<Date> {
    match status {
        ActionStatus::Done | ActionStatus::Dropped => {
            Some(completed_on.unwrap_or(uk_date(updated_at)))
        }
        ActionStatus::Open => None,
    }
}

/// A stay as the engine reads it: its days, its security level and CQC facts from the
/// admission and from each day they changed (`earlier`: the stay's earlier values with the day
/// each gave way, in order), and its visits. The one builder for the person's loader and the
/// returns'.
pub(crate) fn stay_facts<'a, E>(
    stay: &StayNow<'_>,
    earlier: E,
    visits: impl Iterator<Item = Date>,
) -> StayFacts
where
    E: Iterator<Item = (Date, SecurityLevel, Option<&'a str>)> + Clone,
{
    StayFacts {
        id: stay.id.clone(),
        admitted_on: stay.admitted_on,
        discharged_on: stay.discharged_on,
        security: stay_security(
            stay.admitted_on,
            earlier.clone().map(|(on, level, _)| (on, level)),
            stay.security_level,
        ),
        cqc: stay_cqc(
            stay.admitted_on,
            earlier.map(|(on, _, items)| (on, items)),
            stay.items,
        ),
        visits: visits.collect(),
    }
}

/// What [`stay_facts`] reads of a stay as it is now.
pub(crate) struct StayNow<'a> {
    pub id: &'a StayId,
    pub admitted_on: Date,
    pub discharged_on: Option<Date>,
    pub security_level: SecurityLevel,
    pub items: Option<&'a str>,
}

/// A stay's security level from its admission, then from each day a change took effect:
/// `earlier` holds the stay's earlier levels with the day each gave way, in order.
fn stay_security<'a>(
    admitted_on: Date,
    earlier: impl Iterator<Item = (Date, SecurityLevel)> + 'a,
    now: SecurityLevel,
) -> Vec<(Date, Security)> {
    let earlier: Vec<(Date, Security)> = earlier.map(|(on, level)| (on, security(level))).collect();
    dated(admitted_on, &earlier, security(now))
}

/// A stay's CQC facts (inadequate or not, the notification's day) from its admission, then from
/// each day its items changed: `earlier` holds the stay's earlier items (as stored) with the day
/// each gave way, in order. Items this version cannot read count as none recorded.
fn stay_cqc<'a>(
    admitted_on: Date,
    earlier: impl Iterator<Item = (Date, Option<&'a str>)>,
    now: Option<&str>,
) -> Vec<(Date, Cqc)> {
    let cqc = |stored: Option<&str>| {
        let items = StayItems::from_stored(stored).unwrap_or_default();
        Cqc {
            inadequate: items.cqc_rating.as_deref() == Some(INADEQUATE),
            notified_on: items.cqc_notified_on,
        }
    };
    let earlier: Vec<(Date, Cqc)> = earlier.map(|(on, items)| (on, cqc(items))).collect();
    dated(admitted_on, &earlier, cqc(now))
}

/// Whether a social worker was named, from each day: the entry's earlier values as recorded
/// (oldest first), then its value now. Each from the day given for it (none given before
/// migration 000010: from registration); the engine takes the latest on or before a day, and of
/// two from the same day the later recorded.
pub(crate) fn social_worker_facts(
    history: &[(Option<Date>, bool)],
    from: Option<Date>,
    named: bool,
    registered_on: Date,
) -> Vec<(Date, bool)> {
    history
        .iter()
        .chain(std::iter::once(&(from, named)))
        .map(|(from, named)| (from.unwrap_or(registered_on), *named))
        .collect()
}

/// The person's dated facts, from their rows.
pub fn facts(p: &person::Model, rows: &Rows<'_>) -> Facts {
    let reviews = rows
        .reviews
        .iter()
        .map(|r| ReviewFacts {
            id: r.id.clone(),
            kind: r.kind,
            booked_on: r.scheduled_on,
            scheduled_for: r.scheduled_for,
            due_by: r.due_by,
            held_on: r.held_on,
            report_sent_on: r.report_sent_on,
            cancelled_on: cancelled_on(r.status, r.cancelled_on, r.scheduled_on),
        })
        .collect();
    let actions = rows
        .actions
        .iter()
        .map(|a| ActionFacts {
            id: a.id.clone(),
            review_id: a.review_id.clone(),
            due_on: a.due_on,
            closed_on: action_closed_on(a.status, a.completed_on, a.updated_at),
        })
        .collect();
    let stays = rows
        .stays
        .iter()
        .map(|s| {
            let earlier = rows
                .stay_revisions
                .and_then(|all| all.get(&s.id))
                .into_iter()
                .flatten()
                .map(|r| (r.effective_on, r.security_level, r.items.as_deref()));
            stay_facts(
                &StayNow {
                    id: &s.id,
                    admitted_on: s.admitted_on,
                    discharged_on: s.discharged_on,
                    security_level: s.security_level,
                    items: s.items.as_deref(),
                },
                earlier,
                rows.visits
                    .iter()
                    .filter(|v| v.admission_id == s.id)
                    .map(|v| v.visited_on),
            )
        })
        .collect();
    Facts {
        born: Some(p.date_of_birth),
        standing: Some(super::people::standing(p)),
        social_worker: social_worker_facts(
            rows.social_worker_history,
            p.social_worker_from,
            p.social_worker.is_some(),
            p.registered_on,
        ),
        ratings: rows.ratings.to_vec(),
        stays,
        reviews,
        actions,
    }
}

/// Everything owed for the person at the end of `day`, as the engine answers.
pub fn owed(p: &person::Model, rows: &Rows<'_>, schedule: &Schedule, day: Date) -> Vec<Item> {
    deadlines::owed(
        &facts(p, rows),
        day,
        &deadlines::Rules {
            deadlines: &schedule.deadlines,
            holidays: &schedule.bank_holidays,
        },
    )
}

/// What is owed, in words: a booked review by its kind and day, an action by its WHO and WHAT
/// (from their rows when given; the bare kind without them).
pub fn what(owed: &Owed, review: Option<&review::Model>, action: Option<&action::Model>) -> String {
    match owed {
        Owed::ScheduledReview { kind, .. } => match review {
            Some(r) => format!("{} on {}", kind.label(), r.scheduled_for),
            None => kind.label().to_string(),
        },
        Owed::UnscheduledReview { why, .. } => match why {
            Why::Admission => "Post-admission review",
            Why::Inpatient => "Inpatient review",
            Why::Red => "Review after a red rating",
            Why::FollowUp => "Follow-up review",
        }
        .to_string(),
        Owed::Report { kind, held_on, .. } => format!(
            "Report of the {} held {held_on}",
            kind.label().to_lowercase()
        ),
        Owed::Visit { .. } => "Commissioner oversight visit".to_string(),
        Owed::SocialWorker { .. } => "Social worker allocated (Children Act 1989)".to_string(),
        Owed::Notification { .. } => {
            "Tell the ICB chief executive, the regional team and the host commissioner: admitted to a hospital rated inadequate".to_string()
        }
        Owed::Action { .. } => match action {
            Some(a) => format!("Action for {}: {}", a.who, a.what),
            None => "Action".to_string(),
        },
    }
}

/// The review a thing owed concerns: a booked review, a report, or the review that agreed an
/// action.
pub fn review_of(owed: &Owed) -> Option<&ReviewId> {
    match owed {
        Owed::ScheduledReview { review_id, .. }
        | Owed::Report { review_id, .. }
        | Owed::Action { review_id, .. } => Some(review_id),
        _ => None,
    }
}

/// One item of the engine's answer in words.
pub fn word(
    item: &Item,
    review: Option<&review::Model>,
    action: Option<&action::Model>,
) -> DueItem {
    DueItem {
        what: what(&item.owed, review, action),
        due_by: item.due,
        overdue: item.overdue,
        kind: item.owed.kind(),
        review_id: review_of(&item.owed).cloned(),
    }
}

/// The rows that stored items' words name (a booked review's day; an action's WHO and WHAT),
/// read by id for those items alone: for the answers the projection stores, put into words
/// without anyone's history.
#[derive(Debug, Default)]
pub struct Named {
    reviews: HashMap<ReviewId, review::Model>,
    actions: HashMap<ActionId, action::Model>,
}

impl Named {
    pub async fn read<'a>(
        db: &impl sea_orm::ConnectionTrait,
        scope: crate::services::scope::Scope,
        items: impl Iterator<Item = &'a Item>,
    ) -> Result<Self, crate::error::AppError> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let mut review_ids = Vec::new();
        let mut action_ids = Vec::new();
        for i in items {
            match &i.owed {
                Owed::ScheduledReview { review_id, .. } => review_ids.push(review_id.clone()),
                Owed::Action { action_id, .. } => action_ids.push(action_id.clone()),
                _ => {}
            }
        }
        let mut named = Named::default();
        if !review_ids.is_empty() {
            let rows = scope.select::<review::Entity>();
            for r in rows
                .filter(review::Column::Id.is_in(review_ids))
                .all(db)
                .await?
            {
                named.reviews.insert(r.id.clone(), r);
            }
        }
        if !action_ids.is_empty() {
            let rows = scope.select::<action::Entity>();
            for a in rows
                .filter(action::Column::Id.is_in(action_ids))
                .all(db)
                .await?
            {
                named.actions.insert(a.id.clone(), a);
            }
        }
        Ok(named)
    }

    /// One item in words.
    pub fn word(&self, item: &Item) -> DueItem {
        let (review, action) = match &item.owed {
            Owed::ScheduledReview { review_id, .. } => (self.reviews.get(review_id), None),
            Owed::Action { action_id, .. } => (None, self.actions.get(action_id)),
            _ => (None, None),
        };
        word(item, review, action)
    }
}

/// Soonest due first; of two due the same day, by their words.
pub fn in_order(items: &mut [DueItem]) {
    items.sort_by(|a, b| a.due_by.cmp(&b.due_by).then_with(|| a.what.cmp(&b.what)));
}

/// The engine's answer in words, soonest due first.
pub fn words(rows: &Rows<'_>, items: &[Item]) -> Vec<DueItem> {
    let mut out: Vec<DueItem> = items
        .iter()
        .map(|i| {
            let review = match &i.owed {
                Owed::ScheduledReview { review_id, .. } => {
                    rows.reviews.iter().find(|r| &r.id == review_id)
                }
                _ => None,
            };
            let action = match &i.owed {
                Owed::Action { action_id, .. } => rows.actions.iter().find(|a| &a.id == action_id),
                _ => None,
            };
            word(i, review, action)
        })
        .collect();
    in_order(&mut out);
    out
}

/// Everything owed for the person at the end of `day`, in words.
pub fn items(p: &person::Model, rows: &Rows<'_>, schedule: &Schedule, day: Date) -> Vec<DueItem> {
    words(rows, &owed(p, rows, schedule, day))
}
