//! Every deadline that applies to a person now (`GET /api/v1/people/{id}/due`), worked out from
//! their reviews, actions, stays, visits and rating with the rules of `domain::schedule`. The
//! person view's `next_review_due` and `overdue` come from the same list.

use crate::domain::age::age_on;
use crate::domain::person::SecurityLevel;
use crate::domain::review::{ActionStatus, ReviewKind, ReviewStatus};
use crate::domain::risk::Rating;
use crate::domain::schedule::{self, Deadlines, Security};
use crate::entities::{action, admission, person, review, visit};
use serde::Serialize;
use std::collections::BTreeSet;
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DueItem {
    pub what: String,
    pub due_by: String,
    pub overdue: bool,
    /// `review`, `report`, `visit`, `social_worker`, `red_review` or `action`.
    pub kind: String,
    /// The review it concerns (a scheduled review, a report, or the review that agreed an
    /// action); none for a review still to be scheduled, a visit or a social worker.
    #[serde(skip)]
    pub review_id: Option<String>,
}

/// What a person has on file, for working out what is due.
#[derive(Debug, Default, Clone)]
pub struct Facts<'a> {
    pub reviews: Vec<&'a review::Model>,
    pub actions: Vec<&'a action::Model>,
    pub stays: Vec<&'a admission::Model>,
    pub visits: Vec<&'a visit::Model>,
    /// The current rating and the day it took that value.
    pub rating: Option<(Rating, Date)>,
}

fn kind_of(r: &review::Model) -> Option<ReviewKind> {
    ReviewKind::parse(&r.kind)
}

fn label(kind: ReviewKind) -> &'static str {
    kind.label()
}

fn security(level: &str) -> Security {
    match SecurityLevel::parse(level) {
        Some(SecurityLevel::None) | None => Security::None,
        Some(_) => Security::Secure,
    }
}

/// When the next inpatient review is due for someone in hospital: from the last review held
/// during this stay (or the admission), by their age today and the stay's current security
/// level — so it follows a step-down in security and the 18th birthday.
pub fn inpatient_review_due(
    p: &person::Model,
    stay: &admission::Model,
    reviews: &[&review::Model],
    rules: &Deadlines,
    today: Date,
) -> Date {
    let last = reviews
        .iter()
        .filter(|r| r.status == ReviewStatus::Held.as_str())
        .filter_map(|r| r.held_on)
        .filter(|d| *d >= stay.admitted_on)
        .max()
        .unwrap_or(stay.admitted_on);
    let child_now = age_on(p.date_of_birth, today).is_some_and(|a| a < 18);
    schedule::next_inpatient_review_due(last, child_now, security(&stay.security_level), rules)
}

/// A scheduled review's due date: inpatient reviews are worked out afresh; others keep the date
/// fixed when they were scheduled.
pub fn scheduled_due(
    p: &person::Model,
    r: &review::Model,
    f: &Facts<'_>,
    rules: &Deadlines,
    today: Date,
) -> Option<Date> {
    if kind_of(r) == Some(ReviewKind::Inpatient)
        && let Some(stay) = f.stays.iter().find(|s| s.discharged_on.is_none())
    {
        return Some(inpatient_review_due(p, stay, &f.reviews, rules, today));
    }
    r.due_by
}

pub fn items(
    p: &person::Model,
    f: &Facts<'_>,
    rules: &Deadlines,
    holidays: &BTreeSet<Date>,
    today: Date,
) -> Vec<DueItem> {
    let mut out = Vec::new();
    let mut push = |what: String, due: Date, kind: &str, review: Option<&str>| {
        out.push(DueItem {
            what,
            due_by: due.to_string(),
            overdue: today > due,
            kind: kind.into(),
            review_id: review.map(str::to_string),
        });
    };
    let scheduled: Vec<&review::Model> = f
        .reviews
        .iter()
        .copied()
        .filter(|r| r.status == ReviewStatus::Scheduled.as_str())
        .collect();
    let held: Vec<&review::Model> = f
        .reviews
        .iter()
        .copied()
        .filter(|r| r.status == ReviewStatus::Held.as_str())
        .collect();
    for r in &scheduled {
        if let Some(k) = kind_of(r) {
            let due = scheduled_due(p, r, f, rules, today).unwrap_or(r.scheduled_for);
            push(
                format!("{} on {}", label(k), r.scheduled_for),
                due,
                "review",
                Some(&r.id),
            );
        }
    }
    for r in held.iter().filter(|r| r.report_sent_on.is_none()) {
        if let (Some(k), Some(h)) = (kind_of(r), r.held_on) {
            push(
                format!("Report of the {} held {h}", label(k).to_lowercase()),
                schedule::report_due(h, rules),
                "report",
                Some(&r.id),
            );
        }
    }
    let child_now = age_on(p.date_of_birth, today).is_some_and(|a| a < 18);
    if let Some(stay) = f.stays.iter().find(|s| s.discharged_on.is_none()) {
        let in_stay = |r: &review::Model| r.held_on.unwrap_or(r.scheduled_for) >= stay.admitted_on;
        let reviewed_in_stay = held
            .iter()
            .filter(|r| in_stay(r))
            .filter_map(|r| r.held_on)
            .max();
        let any_scheduled = !scheduled.is_empty();
        if reviewed_in_stay.is_none() && !any_scheduled {
            let prior = held
                .iter()
                .filter(|r| matches!(kind_of(r), Some(ReviewKind::Community | ReviewKind::Laep)))
                .filter_map(|r| r.held_on)
                .filter(|d| *d <= stay.admitted_on)
                .max();
            let child_then = age_on(p.date_of_birth, stay.admitted_on).is_some_and(|a| a < 18);
            if let Some(due) = schedule::post_admission_review_due(
                stay.admitted_on,
                child_then,
                prior,
                rules,
                holidays,
            ) {
                push("Post-admission review".into(), due, "review", None);
            }
        }
        if reviewed_in_stay.is_some() && !any_scheduled {
            push(
                "Inpatient review".into(),
                inpatient_review_due(p, stay, &f.reviews, rules, today),
                "review",
                None,
            );
        }
        let last_visit = f
            .visits
            .iter()
            .filter(|v| v.admission_id == stay.id)
            .map(|v| v.visited_on)
            .max();
        push(
            "Commissioner oversight visit".into(),
            schedule::next_visit_due(stay.admitted_on, last_visit, child_now, rules),
            "visit",
            None,
        );
        if child_now && p.social_worker.is_none() {
            push(
                "Social worker allocated (Children Act 1989)".into(),
                schedule::social_worker_due(stay.admitted_on, rules),
                "social_worker",
                None,
            );
        }
    }
    if let Some((Rating::Red, since)) = f.rating {
        let reviewed_since = held.iter().any(|r| r.held_on.is_some_and(|h| h >= since));
        if scheduled.is_empty() && !reviewed_since {
            push(
                "Review after a red rating".into(),
                schedule::red_review_due(since, rules),
                "red_review",
                None,
            );
        }
    }
    for a in f
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Open.as_str())
    {
        push(
            format!("Action for {}: {}", a.who, a.what),
            a.due_on,
            "action",
            Some(&a.review_id),
        );
    }
    out.sort_by(|a, b| a.due_by.cmp(&b.due_by).then_with(|| a.what.cmp(&b.what)));
    out
}

/// The earliest due date of a scheduled review.
pub fn next_review_due(
    p: &person::Model,
    f: &Facts<'_>,
    rules: &Deadlines,
    today: Date,
) -> Option<Date> {
    f.reviews
        .iter()
        .filter(|r| r.status == ReviewStatus::Scheduled.as_str())
        .map(|r| scheduled_due(p, r, f, rules, today).unwrap_or(r.scheduled_for))
        .min()
}
