//! The first way of working out a return, kept as the oracle the tests compare the streamed
//! one (`super::compute`) with: the whole register's history loaded at once as models
//! (`people::Snapshot`), then viewed as at either end of the period. Nothing else calls it; it
//! costs some 850 MB and 20 s at 100,000 people.

use super::super::people;
use super::super::scope::Scope;
use super::{Change, Changes, Figures, MonthlyRow, WeeklyRow};
use super::{formatted_nhs, full_name, rating_word, severity};
use crate::domain::age::AgeBand;
use crate::domain::deadlines::{self, Owed};
use crate::domain::referral::{self as referral_rules, ReferralStatus};
use crate::domain::returns::{Period, ReturnKind};
use crate::domain::review::ReviewKind;
use crate::domain::risk::Rating;
use crate::entities::{admission, person, referral};
use crate::error::AppError;
use crate::services::App;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::Date;

/// The stay that covers the end of `day`, if any.
fn stay_at(stays: &[admission::Model], day: Date) -> Option<&admission::Model> {
    stays
        .iter()
        .find(|s| super::super::admissions::in_hospital_on(s, day))
}

/// The figures and the changes of a return for `period`, from the whole history loaded at once.
#[doc(hidden)]
pub async fn compute(app: &App, period: Period) -> Result<(Figures, Changes), AppError> {
    let started = std::time::Instant::now();
    let snapshot = people::Snapshot::load(app).await?;
    let referrals: Vec<referral::Model> = Scope::Register
        .select::<referral::Entity>()
        .all(&app.db)
        .await?;
    let loaded = started.elapsed();
    let out = compute_from(app, &snapshot, &referrals, period);
    tracing::debug!(
        load_ms = loaded.as_millis() as u64,
        figures_ms = (started.elapsed() - loaded).as_millis() as u64,
        "return figures"
    );
    out
}

fn compute_from(
    app: &App,
    snapshot: &people::Snapshot,
    referrals: &[referral::Model],
    period: Period,
) -> Result<(Figures, Changes), AppError> {
    let day = period.last;
    let before_day = period.previous().last;
    let people = snapshot.people_at(day);
    let people_before = snapshot.people_at(before_day);
    let live: HashSet<&str> = people.iter().map(|p| p.id.as_str()).collect();
    // Referrals of withdrawn people are left out; referrals not yet tied to anyone stay in.
    let referrals: Vec<&referral::Model> = referrals
        .iter()
        .filter(|r| r.person_id.as_deref().is_none_or(|p| live.contains(p)))
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
    for key in [
        "on_register",
        "red",
        "amber",
        "green",
        "blue",
        "added",
        "left",
        "admissions",
        "discharges",
        "reviews_held",
        "reviews_overdue",
        "actions_open",
        "actions_overdue",
    ] {
        bump(key, 0);
    }
    for kind in ReviewKind::ALL {
        bump(&format!("reviews_held_{}", kind.as_str()), 0);
    }

    let mut changes = Changes {
        previous_period: period.previous().label(),
        previous_as_at: format!("{before_day} 23:59:59"),
        before: BTreeMap::new(),
        joined: Vec::new(),
        left: Vec::new(),
        rating_changes: Vec::new(),
        admissions: Vec::new(),
        discharges: Vec::new(),
    };
    let weekly = period.kind == ReturnKind::Weekly;
    // The return's population at either end: the register, or those in hospital.
    let in_population = |p: &person::Model, at: Date| {
        people::Snapshot::active_on(p, at)
            && (!weekly || stay_at(snapshot.admissions(&p.id), at).is_some())
    };
    for (p, p_before) in people.iter().zip(&people_before) {
        if period.contains(p.registered_on) {
            bump("added", 1);
        }
        if p.closed_on.is_some_and(|d| period.contains(d)) {
            bump("left", 1);
        }
        for s in snapshot.admissions(&p.id) {
            if period.contains(s.admitted_on) {
                bump("admissions", 1);
                changes.admissions.push(Change {
                    nhs_number: formatted_nhs(p),
                    name: full_name(p),
                    detail: s.hospital.clone(),
                    on: Some(s.admitted_on.to_string()),
                });
            }
            if let Some(d) = s.discharged_on.filter(|d| period.contains(*d)) {
                bump("discharges", 1);
                changes.discharges.push(Change {
                    nhs_number: formatted_nhs(p),
                    name: full_name(p),
                    detail: s.hospital.clone(),
                    on: Some(d.to_string()),
                });
            }
        }
        let (was, is) = (in_population(p_before, before_day), in_population(p, day));
        let before_rating = snapshot.rating_on(&p.id, before_day);
        if people::Snapshot::active_on(p_before, before_day) {
            *changes.before.entry("on_register".into()).or_default() += 1;
            *changes
                .before
                .entry(rating_word(before_rating).into())
                .or_default() += 1;
        }
        if weekly && was {
            *changes.before.entry("in_hospital".into()).or_default() += 1;
        }
        let now_rating = snapshot.rating_on(&p.id, day);
        match (was, is) {
            (false, true) => changes.joined.push(Change {
                nhs_number: formatted_nhs(p),
                name: full_name(p),
                detail: if weekly {
                    "Admitted".into()
                } else {
                    format!("Registered, {}", rating_word(now_rating))
                },
                on: if weekly {
                    stay_at(snapshot.admissions(&p.id), day).map(|s| s.admitted_on.to_string())
                } else {
                    Some(p.registered_on.to_string())
                },
            }),
            (true, false) => changes.left.push(Change {
                nhs_number: formatted_nhs(p),
                name: full_name(p),
                detail: match (&p.closed_on, &p.closed_reason) {
                    (Some(d), Some(reason)) if period.contains(*d) => {
                        format!("Closed: {reason}")
                    }
                    _ if weekly => "Discharged".into(),
                    _ => "Left the register".into(),
                },
                on: p
                    .closed_on
                    .filter(|d| period.contains(*d))
                    .map(|d| d.to_string()),
            }),
            (true, true) if before_rating != now_rating => changes.rating_changes.push(Change {
                nhs_number: formatted_nhs(p),
                name: full_name(p),
                detail: format!(
                    "{} to {}",
                    rating_word(before_rating),
                    rating_word(now_rating)
                ),
                on: None,
            }),
            _ => {}
        }
    }
    for key in ["on_register", "red", "amber", "green", "blue"] {
        changes.before.entry(key.into()).or_default();
    }
    if weekly {
        changes.before.entry("in_hospital".into()).or_default();
    }
    for list in [
        &mut changes.joined,
        &mut changes.left,
        &mut changes.rating_changes,
        &mut changes.admissions,
        &mut changes.discharges,
    ] {
        list.sort_by(|a, b| (&a.on, &a.name, &a.nhs_number).cmp(&(&b.on, &b.name, &b.nhs_number)));
    }

    // Reviews held in the period; what is owed at its end, by the deadline engine: every
    // review owed and past due (booked or not, by kind), and open and overdue actions.
    for key in [
        "reviews_overdue",
        "reviews_overdue_unscheduled",
        "actions_open",
        "actions_overdue",
    ] {
        bump(key, 0);
    }
    let mut owed_at_end: HashMap<&str, Vec<deadlines::Item>> = HashMap::new();
    for p in &people {
        for r in snapshot.reviews(&p.id) {
            if r.held_on.is_some_and(|h| period.contains(h)) {
                bump("reviews_held", 1);
                bump(&format!("reviews_held_{}", r.kind.as_str()), 1);
            }
        }
        let owed = snapshot.owed(p, day);
        for item in &owed {
            match &item.owed {
                Owed::ScheduledReview { kind, .. } | Owed::UnscheduledReview { kind, .. }
                    if item.overdue =>
                {
                    bump("reviews_overdue", 1);
                    bump(&format!("reviews_overdue_{}", kind.as_str()), 1);
                    if matches!(item.owed, Owed::UnscheduledReview { .. }) {
                        bump("reviews_overdue_unscheduled", 1);
                    }
                }
                Owed::Action { .. } => {
                    bump("actions_open", 1);
                    if item.overdue {
                        bump("actions_overdue", 1);
                    }
                }
                _ => {}
            }
        }
        owed_at_end.insert(p.id.as_str(), owed);
    }
    let decision_days = app.policies.schedule.referral_decision_days;
    let awaiting_at =
        |r: &referral::Model| r.received_on <= day && r.decided_on.is_none_or(|d| d > day);
    let decided_in = |r: &referral::Model, status: ReferralStatus| {
        r.status == status && r.decided_on.is_some_and(|d| period.contains(d))
    };
    for key in [
        "referrals_received",
        "referrals_accepted",
        "referrals_declined",
        "referrals_awaiting",
        "referrals_overdue",
    ] {
        bump(key, 0);
    }
    for r in &referrals {
        if period.contains(r.received_on) {
            bump("referrals_received", 1);
        }
        if decided_in(r, ReferralStatus::Accepted) {
            bump("referrals_accepted", 1);
        }
        if decided_in(r, ReferralStatus::Declined) {
            bump("referrals_declined", 1);
        }
        if awaiting_at(r) {
            bump("referrals_awaiting", 1);
            if day > referral_rules::decision_due(r.received_on, decision_days) {
                bump("referrals_overdue", 1);
            }
        }
    }

    let mut monthly_rows = Vec::new();
    let mut weekly_rows = Vec::new();
    let mut in_hospital = 0;
    // One person at a time: each view is dropped once its row is built.
    for p in people
        .iter()
        .filter(|p| people::Snapshot::active_on(p, day))
    {
        let v = snapshot.view(p, day)?;
        bump("on_register", 1);
        let key = rating_word(v.rating);
        bump(key, 1);
        *by_rating_and_band
            .entry(key.into())
            .or_default()
            .entry(v.age_band.as_str().into())
            .or_default() += 1;
        let reviews = snapshot.reviews(&p.id);
        let last_review = reviews
            .iter()
            .filter_map(|r| r.held_on)
            .filter(|h| *h <= day)
            .max();
        let owed = owed_at_end
            .get(p.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let next_review = deadlines::next_review_due(owed);
        let open: Vec<&deadlines::Item> = owed
            .iter()
            .filter(|i| matches!(i.owed, Owed::Action { .. }))
            .collect();
        let was_on = people::Snapshot::active_on(&snapshot.as_at(p, before_day), before_day);
        let prev = was_on.then(|| snapshot.rating_on(&p.id, before_day));
        let change = match prev {
            None => "new",
            Some(before) if severity(v.rating) > severity(before) => "up",
            Some(before) if severity(v.rating) < severity(before) => "down",
            // Red to blue on admission, blue to red on discharge: as serious, but changed.
            Some(before) if before != v.rating => "changed",
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
            last_review: last_review.map(|d| d.to_string()),
            next_review_due: next_review.map(|d| d.to_string()),
            actions_open: open.len() as u64,
            actions_overdue: open.iter().filter(|a| a.overdue).count() as u64,
            keyworker: v.keyworker.clone(),
        });
        if let Some(stay) = stay_at(snapshot.admissions(&p.id), day) {
            let stay = snapshot.stay_as_at(stay, day);
            in_hospital += 1;
            let last_visit = snapshot
                .visits(&p.id)
                .iter()
                .filter(|x| x.admission_id == stay.id && x.visited_on <= day)
                .map(|x| x.visited_on)
                .max();
            weekly_rows.push(WeeklyRow {
                nhs_number: v.nhs_number.clone(),
                name: format!("{} {}", v.given_name, v.family_name),
                admitted_on: stay.admitted_on.to_string(),
                hospital: stay.hospital.clone(),
                security_level: stay.security_level.clone(),
                legal_status: stay.legal_status.clone(),
                length_of_stay_days: (day - stay.admitted_on).whole_days(),
                last_review: last_review.map(|d| d.to_string()),
                next_review_due: next_review.map(|d| d.to_string()),
                last_visit: last_visit.map(|d| d.to_string()),
                next_visit_due: owed
                    .iter()
                    .find(|i| matches!(i.owed, Owed::Visit { .. }))
                    .map(|i| i.due.to_string()),
                planned_discharge_on: stay.planned_discharge_on.map(|d| d.to_string()),
            });
        }
    }
    let rank = |r: Option<Rating>| r.map(Rating::rank).unwrap_or(9);
    monthly_rows.sort_by(|a, b| {
        (rank(a.rating), &a.name, &a.nhs_number).cmp(&(rank(b.rating), &b.name, &b.nhs_number))
    });
    weekly_rows.sort_by(|a, b| {
        (&a.admitted_on, &a.name, &a.nhs_number).cmp(&(&b.admitted_on, &b.name, &b.nhs_number))
    });
    if weekly {
        counts.insert("in_hospital".into(), in_hospital);
        monthly_rows.clear();
    } else {
        weekly_rows.clear();
    }
    Ok((
        Figures {
            kind: period.kind.as_str().into(),
            period: period.label(),
            as_at: format!("{day} 23:59:59"),
            counts,
            by_rating_and_band,
            monthly_rows,
            weekly_rows,
        },
        changes,
    ))
}
