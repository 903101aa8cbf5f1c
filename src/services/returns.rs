//! The figures of the monthly and weekly returns, as at 23:59:59 on the period's last day,
//! worked out from the dated history (registrations, ratings, stays, reviews, actions,
//! referrals). People whose consent has been withdrawn are left out of every return, whatever
//! its period. Storing, PDF and CSV build on this (issue 5).

use super::App;
use super::people;
use crate::domain::age::{AgeBand, age_on};
use crate::domain::person::Status;
use crate::domain::referral::{self as referral_rules};
use crate::domain::returns::{Period, ReturnKind};
use crate::domain::review::{ActionStatus, ReviewKind, ReviewStatus};
use crate::domain::risk::Rating;
use crate::entities::{action, admission, person, referral, review, visit};
use crate::error::AppError;
use sea_orm::EntityTrait;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::Date;

/// One person's row of the monthly return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MonthlyRow {
    pub nhs_number: String,
    pub name: String,
    pub age_band: String,
    pub rating: Option<Rating>,
    pub previous_rating: Option<Rating>,
    /// `new`, `up` (worse), `down` (better) or `same`, against the end of the previous period.
    pub change: String,
    pub setting: String,
    pub last_review: Option<String>,
    pub next_review_due: Option<String>,
    pub actions_open: u64,
    pub actions_overdue: u64,
    pub keyworker: Option<String>,
}

/// One inpatient's row of the weekly return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WeeklyRow {
    pub nhs_number: String,
    pub name: String,
    pub admitted_on: String,
    pub hospital: String,
    pub security_level: String,
    pub legal_status: String,
    pub length_of_stay_days: i64,
    pub last_review: Option<String>,
    pub next_review_due: Option<String>,
    pub last_visit: Option<String>,
    pub next_visit_due: Option<String>,
    pub planned_discharge_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Figures {
    pub kind: String,
    pub period: String,
    /// The as-at day (23:59:59, UK time).
    pub as_at: String,
    pub counts: BTreeMap<String, u64>,
    /// Rating → age band → people.
    pub by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>>,
    pub monthly_rows: Vec<MonthlyRow>,
    pub weekly_rows: Vec<WeeklyRow>,
}

/// How serious a rating is, for "up" and "down": blue and red above amber above green.
fn severity(r: Option<Rating>) -> u8 {
    match r {
        Some(Rating::Red) | Some(Rating::Blue) => 3,
        Some(Rating::Amber) => 2,
        Some(Rating::Green) => 1,
        None => 0,
    }
}

/// Whether a review stood scheduled at the end of `day`: created by then, not held by then, not
/// cancelled. (A cancellation carries no date, so a cancelled review counts nowhere.)
fn scheduled_at(r: &review::Model, day: Date) -> bool {
    r.status != ReviewStatus::Cancelled.as_str()
        && r.created_at.date() <= day
        && r.held_on.is_none_or(|h| h > day)
}

/// Whether an action stood open at the end of `day`: agreed by then, not done by then, not
/// dropped by then (dropping is dated by when it was recorded).
fn open_at(a: &action::Model, held_on: Option<Date>, day: Date) -> bool {
    held_on.is_some_and(|h| h <= day)
        && !(a.status == ActionStatus::Done.as_str() && a.completed_on.is_some_and(|d| d <= day))
        && !(a.status == ActionStatus::Dropped.as_str() && a.updated_at.date() <= day)
}

pub async fn compute(app: &App, period: Period) -> Result<Figures, AppError> {
    let day = period.last;
    let deadlines = &app.policies.schedule.deadlines;
    let on_register = people::register_as_at(app, day).await?;
    let before = people::register_as_at(app, period.previous().last).await?;
    let previous: HashMap<String, Option<Rating>> = before
        .iter()
        .map(|(p, v)| (p.id.clone(), v.rating))
        .collect();
    let everyone: HashMap<String, person::Model> = person::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let withdrawn: HashSet<String> = everyone
        .values()
        .filter(|p| p.status == Status::Withdrawn.as_str())
        .map(|p| p.id.clone())
        .collect();
    let reviews: Vec<review::Model> = review::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|r| !withdrawn.contains(&r.person_id))
        .collect();
    let held_on: HashMap<String, Option<Date>> =
        reviews.iter().map(|r| (r.id.clone(), r.held_on)).collect();
    let actions: Vec<action::Model> = action::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|a| !withdrawn.contains(&a.person_id))
        .collect();
    let stays: Vec<admission::Model> = admission::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|a| !withdrawn.contains(&a.person_id))
        .collect();
    let visits: Vec<visit::Model> = visit::Entity::find().all(&app.db).await?;
    let referrals: Vec<referral::Model> = referral::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|r| r.person_id.as_ref().is_none_or(|p| !withdrawn.contains(p)))
        .collect();

    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut bump = |key: &str, n: u64| *counts.entry(key.to_string()).or_default() += n;
    let mut by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for rating in ["red", "amber", "green", "blue", "unrated"] {
        let bands = by_rating_and_band.entry(rating.into()).or_default();
        for band in [AgeBand::Child, AgeBand::YoungAdult, AgeBand::Adult] {
            bands.insert(band.as_str().into(), 0);
        }
    }
    bump("on_register", on_register.len() as u64);
    for rating in ["red", "amber", "green", "blue"] {
        bump(rating, 0);
    }
    for (_, v) in &on_register {
        let key = v.rating.map(Rating::as_str).unwrap_or("unrated");
        bump(key, 1);
        *by_rating_and_band
            .entry(key.into())
            .or_default()
            .entry(v.age_band.as_str().into())
            .or_default() += 1;
    }
    let live = |id: &str| {
        everyone
            .get(id)
            .is_some_and(|p| p.status != Status::Withdrawn.as_str())
    };
    bump(
        "added",
        everyone
            .values()
            .filter(|p| live(&p.id) && period.contains(p.registered_on))
            .count() as u64,
    );
    bump(
        "left",
        everyone
            .values()
            .filter(|p| live(&p.id) && p.closed_on.is_some_and(|d| period.contains(d)))
            .count() as u64,
    );
    bump(
        "admissions",
        stays
            .iter()
            .filter(|s| period.contains(s.admitted_on))
            .count() as u64,
    );
    bump(
        "discharges",
        stays
            .iter()
            .filter(|s| s.discharged_on.is_some_and(|d| period.contains(d)))
            .count() as u64,
    );
    bump("reviews_held", 0);
    for r in reviews
        .iter()
        .filter(|r| r.held_on.is_some_and(|h| period.contains(h)))
    {
        bump("reviews_held", 1);
        bump(&format!("reviews_held_{}", r.kind), 1);
    }
    for kind in ReviewKind::ALL {
        bump(&format!("reviews_held_{}", kind.as_str()), 0);
    }
    bump(
        "reviews_overdue",
        reviews
            .iter()
            .filter(|r| scheduled_at(r, day) && r.due_by.unwrap_or(r.scheduled_for) < day)
            .count() as u64,
    );
    let open: Vec<&action::Model> = actions
        .iter()
        .filter(|a| open_at(a, held_on.get(&a.review_id).copied().flatten(), day))
        .collect();
    bump("actions_open", open.len() as u64);
    bump(
        "actions_overdue",
        open.iter().filter(|a| a.due_on < day).count() as u64,
    );
    let decision_days = app.policies.schedule.referral_decision_days;
    let awaiting_at =
        |r: &referral::Model| r.received_on <= day && r.decided_on.is_none_or(|d| d > day);
    bump(
        "referrals_received",
        referrals
            .iter()
            .filter(|r| period.contains(r.received_on))
            .count() as u64,
    );
    bump(
        "referrals_accepted",
        referrals
            .iter()
            .filter(|r| r.status == "accepted" && r.decided_on.is_some_and(|d| period.contains(d)))
            .count() as u64,
    );
    bump(
        "referrals_declined",
        referrals
            .iter()
            .filter(|r| r.status == "declined" && r.decided_on.is_some_and(|d| period.contains(d)))
            .count() as u64,
    );
    bump(
        "referrals_awaiting",
        referrals.iter().filter(|r| awaiting_at(r)).count() as u64,
    );
    bump(
        "referrals_overdue",
        referrals
            .iter()
            .filter(|r| {
                awaiting_at(r) && day > referral_rules::decision_due(r.received_on, decision_days)
            })
            .count() as u64,
    );

    let last_review = |person_id: &str| {
        reviews
            .iter()
            .filter(|r| r.person_id == person_id)
            .filter_map(|r| r.held_on)
            .filter(|h| *h <= day)
            .max()
    };
    let next_review = |person_id: &str| {
        reviews
            .iter()
            .filter(|r| r.person_id == person_id && scheduled_at(r, day))
            .map(|r| r.due_by.unwrap_or(r.scheduled_for))
            .min()
    };
    let mut monthly_rows = Vec::new();
    let mut weekly_rows = Vec::new();
    let mut in_hospital = 0;
    for (p, v) in &on_register {
        let mine: Vec<&&action::Model> = open.iter().filter(|a| a.person_id == p.id).collect();
        let prev = previous.get(&p.id).copied();
        let change = match prev {
            None => "new",
            Some(before) if severity(v.rating) > severity(before) => "up",
            Some(before) if severity(v.rating) < severity(before) => "down",
            Some(_) => "same",
        };
        monthly_rows.push(MonthlyRow {
            nhs_number: v.nhs_number.clone(),
            name: format!("{} {}", v.given_name, v.family_name),
            age_band: v.age_band.as_str().into(),
            rating: v.rating,
            previous_rating: prev.flatten(),
            change: change.into(),
            setting: v.setting.label().into(),
            last_review: last_review(&p.id).map(|d| d.to_string()),
            next_review_due: next_review(&p.id).map(|d| d.to_string()),
            actions_open: mine.len() as u64,
            actions_overdue: mine.iter().filter(|a| a.due_on < day).count() as u64,
            keyworker: v.keyworker.clone(),
        });
        if let Some(stay) = stays.iter().find(|s| {
            s.person_id == p.id && s.admitted_on <= day && s.discharged_on.is_none_or(|d| d > day)
        }) {
            in_hospital += 1;
            let last_visit = visits
                .iter()
                .filter(|x| x.admission_id == stay.id && x.visited_on <= day)
                .map(|x| x.visited_on)
                .max();
            let child = age_on(p.date_of_birth, day).is_some_and(|a| a < 18);
            weekly_rows.push(WeeklyRow {
                nhs_number: v.nhs_number.clone(),
                name: format!("{} {}", v.given_name, v.family_name),
                admitted_on: stay.admitted_on.to_string(),
                hospital: stay.hospital.clone(),
                security_level: stay.security_level.clone(),
                legal_status: stay.legal_status.clone(),
                length_of_stay_days: (day - stay.admitted_on).whole_days(),
                last_review: last_review(&p.id).map(|d| d.to_string()),
                next_review_due: next_review(&p.id).map(|d| d.to_string()),
                last_visit: last_visit.map(|d| d.to_string()),
                next_visit_due: Some(
                    crate::domain::schedule::next_visit_due(
                        stay.admitted_on,
                        last_visit,
                        child,
                        deadlines,
                    )
                    .to_string(),
                ),
                planned_discharge_on: stay.planned_discharge_on.map(|d| d.to_string()),
            });
        }
    }
    let rank = |r: Option<Rating>| r.map(Rating::rank).unwrap_or(9);
    monthly_rows.sort_by(|a, b| (rank(a.rating), &a.name).cmp(&(rank(b.rating), &b.name)));
    weekly_rows.sort_by(|a, b| {
        a.admitted_on
            .cmp(&b.admitted_on)
            .then_with(|| a.name.cmp(&b.name))
    });
    if period.kind == ReturnKind::Weekly {
        counts.insert("in_hospital".into(), in_hospital);
    }
    Ok(Figures {
        kind: period.kind.as_str().into(),
        period: period.label(),
        as_at: format!("{day} 23:59:59"),
        counts,
        by_rating_and_band,
        monthly_rows,
        weekly_rows,
    })
}
