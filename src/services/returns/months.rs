//! The figures over time (`services::figures`): every month of a range counted from ONE read of
//! the register — the returns' batches (`load`) — each person put, at each month's end, to the
//! same rules the monthly return asks: on the register (`people::Snapshot::active_on`), the
//! rating (`Person::rating_on`), the age band, what the deadline engine finds overdue, the
//! weekly return's "in hospital", and the post-admission rule's window for a review before an
//! admission (`schedule::reviewed_before`). Withdrawn people are read by nobody here
//! (`Scope::Register`): they are left out of every month.

use super::load::{self, Person, ReferralRow};
use super::{Reading, Scope};
use crate::domain::age::{AgeBand, age_on};
use crate::domain::deadlines::{self, Owed};
use crate::domain::figures::Tallied;
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::referral::{ReferralStatus, decision_due};
use crate::domain::returns::{Period, rating_word};
use crate::domain::review::ReviewKind;
use crate::domain::schedule;
use crate::error::AppError;
use crate::services::App;
use time::Date;

/// The counts every month has, zero or not.
const COUNTS: [&str; 19] = [
    "on_register",
    "rated_red",
    "rated_amber",
    "rated_green",
    "rated_blue",
    "unrated",
    "admissions",
    "discharges",
    "in_hospital",
    "reviews_held",
    "reviews_held_community",
    "reviews_held_laep",
    "reviews_held_post_admission",
    "reviews_held_inpatient",
    "reviews_held_follow_up",
    "reviews_overdue",
    "visits_overdue",
    "actions_overdue",
    "referrals_received",
];

/// The counts of referrals beyond those received.
const REFERRAL_COUNTS: [&str; 2] = ["referrals_decided_in_time", "referrals_accepted"];

/// The shares every month has.
const SHARES: [&str; 3] = [
    "admissions_reviewed_before",
    "child_admissions_reviewed_before",
    "reviews_held_by_due_date",
];

fn held_of(kind: ReviewKind) -> &'static str {
    match kind {
        ReviewKind::Community => "reviews_held_community",
        ReviewKind::Laep => "reviews_held_laep",
        ReviewKind::PostAdmission => "reviews_held_post_admission",
        ReviewKind::Inpatient => "reviews_held_inpatient",
        ReviewKind::FollowUp => "reviews_held_follow_up",
    }
}

fn rated(word: &str) -> &'static str {
    match word {
        "red" => "rated_red",
        "amber" => "rated_amber",
        "green" => "rated_green",
        "blue" => "rated_blue",
        _ => "unrated",
    }
}

/// Every month of `months` (in order) counted, as at its end.
pub(crate) async fn tally(app: &App, months: &[Period]) -> Result<Vec<Tallied>, AppError> {
    tally_in_batches(app, months, load::BATCH).await
}

/// `tally`, reading `batch` people at a time.
#[doc(hidden)]
pub async fn tally_in_batches(
    app: &App,
    months: &[Period],
    batch: u64,
) -> Result<Vec<Tallied>, AppError> {
    let schedule = &app.policies.schedule;
    let rules = deadlines::Rules {
        deadlines: &schedule.deadlines,
        holidays: &schedule.bank_holidays,
    };
    let mut out: Vec<Tallied> = months.iter().map(|_| zeroed()).collect();
    let snapshot = std::sync::Arc::new(load::Snapshot::open(&app.db, Scope::Register).await?);
    let read = |after: Option<PersonId>| {
        Reading(rocket::tokio::spawn(load::Batch::after(
            snapshot.clone(),
            after,
            batch,
        )))
    };
    let mut next = read(None);
    loop {
        let Some(batch) = (&mut next.0)
            .await
            .map_err(|e| AppError::failed("reading the register", e))??
        else {
            break;
        };
        next = read(batch.last_id().cloned());
        for person in batch.people() {
            for (m, t) in months.iter().zip(out.iter_mut()) {
                one(t, *m, &person, &rules);
            }
        }
    }
    drop(next);
    let referrals = load::referrals(&snapshot).await?;
    if let Ok(snapshot) = std::sync::Arc::try_unwrap(snapshot) {
        snapshot.close().await?;
    }
    for (m, t) in months.iter().zip(out.iter_mut()) {
        count_referrals(t, *m, &referrals, schedule.referral_decision_days);
    }
    Ok(out)
}

fn zeroed() -> Tallied {
    let mut t = Tallied::default();
    for name in COUNTS.into_iter().chain(REFERRAL_COUNTS) {
        t.counts.insert(name, 0);
    }
    for name in SHARES {
        t.shares.insert(name, (0, 0));
    }
    // The fixed vocabularies' breakdowns have every key, zero or not.
    for sex in crate::domain::person::Sex::ALL {
        t.breakdowns
            .entry("sex")
            .or_default()
            .insert(sex.as_str().into(), 0);
    }
    for needs in NEEDS {
        t.breakdowns
            .entry("needs")
            .or_default()
            .insert(needs.into(), 0);
    }
    for band in AgeBand::ALL {
        t.breakdowns
            .entry("age_band")
            .or_default()
            .insert(band.as_str().into(), 0);
    }
    for rating in ["red", "amber", "green", "blue", "unrated"] {
        let bands = t.by_rating_and_band.entry(rating.into()).or_default();
        for band in [AgeBand::Child, AgeBand::YoungAdult, AgeBand::Adult] {
            bands.insert(band.as_str().into(), 0);
        }
    }
    t
}

/// One person's part of month `m`'s figures, as they stood at its end.
fn one(t: &mut Tallied, m: Period, person: &Person<'_>, rules: &deadlines::Rules<'_>) {
    let day = m.last;
    let p = person.as_at(day);
    if p.status == Status::Withdrawn {
        return;
    }
    for r in person.reviews() {
        let Some(held) = r.held_on.filter(|h| m.contains(*h)) else {
            continue;
        };
        t.bump("reviews_held");
        t.bump(held_of(r.kind));
        if let Some(due) = r.due_by {
            t.share("reviews_held_by_due_date", held <= due);
        }
    }
    for item in deadlines::owed(&person.facts(&p), day, rules) {
        if !item.overdue {
            continue;
        }
        match item.owed {
            Owed::ScheduledReview { .. } | Owed::UnscheduledReview { .. } => {
                t.bump("reviews_overdue")
            }
            Owed::Visit { .. } => t.bump("visits_overdue"),
            Owed::Action { .. } => t.bump("actions_overdue"),
            _ => {}
        }
    }
    for s in person.stays() {
        if m.contains(s.admitted_on) {
            t.bump("admissions");
            let reviewed = reviewed_before(person, s.admitted_on, day, rules);
            t.share("admissions_reviewed_before", reviewed);
            // NHS England's aim (at least 90%) is for children: under 18 when admitted.
            if age_on(p.date_of_birth, s.admitted_on).is_some_and(|age| age < 18) {
                t.share("child_admissions_reviewed_before", reviewed);
            }
        }
        if s.discharged_on.is_some_and(|d| m.contains(d)) {
            t.bump("discharges");
        }
    }
    if let Some(stay) = person.stay_at(day)
        && super::inpatient_basis(&p, day, (stay.admitted_on, stay.discharged_on)).is_some()
    {
        t.bump("in_hospital");
        t.stays_days.push((day - stay.admitted_on).whole_days());
    }
    if crate::services::people::Snapshot::active_on(&p, day) {
        register(t, person, &p, day);
    }
}

/// Whether a community or LAEP review held by `day` fell in the window before the admission.
fn reviewed_before(
    person: &Person<'_>,
    admitted_on: Date,
    day: Date,
    rules: &deadlines::Rules<'_>,
) -> bool {
    person.reviews().iter().any(|r| {
        matches!(r.kind, ReviewKind::Community | ReviewKind::Laep)
            && r.held_on.is_some_and(|held| {
                held <= day && schedule::reviewed_before(admitted_on, held, rules.deadlines)
            })
    })
}

/// Someone on the register at the month's end: their rating, age band and breakdowns.
fn register(t: &mut Tallied, person: &Person<'_>, p: &crate::entities::person::Model, day: Date) {
    let word = rating_word(person.rating_on(day));
    let band = AgeBand::of(age_on(p.date_of_birth, day).unwrap_or(0));
    t.bump("on_register");
    t.bump(rated(word));
    *t.by_rating_and_band
        .entry(word.into())
        .or_default()
        .entry(band.as_str().into())
        .or_default() += 1;
    let authority = p.local_authority.trim();
    t.breakdown(
        "local_authority",
        if authority.is_empty() {
            NOT_RECORDED
        } else {
            authority
        },
    );
    t.breakdown(
        "ethnicity",
        p.ethnicity.map(|e| e.as_str()).unwrap_or(NOT_RECORDED),
    );
    t.breakdown("sex", p.sex.as_str());
    t.breakdown("age_band", band.as_str());
    let needs = match (p.learning_disability, p.autism) {
        (true, true) => NEEDS[2],
        (true, false) => NEEDS[0],
        (false, true) => NEEDS[1],
        (false, false) => NEEDS[3],
    };
    t.breakdown("needs", needs);
}

const NOT_RECORDED: &str = "Not recorded";

/// Learning disability, autism, both or neither.
const NEEDS: [&str; 4] = ["learning_disability", "autism", "both", "neither"];

/// Referrals received in the month; of them, decided by its end within the policy's days; and
/// accepted in the month (as the return counts them).
fn count_referrals(t: &mut Tallied, m: Period, referrals: &[ReferralRow], decision_days: u32) {
    for r in referrals {
        if m.contains(r.received_on) {
            t.bump("referrals_received");
            if r.decided_on
                .is_some_and(|d| d <= m.last && d <= decision_due(r.received_on, decision_days))
            {
                t.bump("referrals_decided_in_time");
            }
        }
        if r.status == ReferralStatus::Accepted && r.decided_on.is_some_and(|d| m.contains(d)) {
            t.bump("referrals_accepted");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::figures::{Disclosure, FIGURES, breakdown_name, figure_name, month};

    #[test]
    fn every_figure_and_breakdown_has_its_words_and_no_more() {
        let mut t = super::zeroed();
        t.breakdown("local_authority", "Fenland");
        t.breakdown("ethnicity", "A");
        let shown = t.shown(month("2026-10").unwrap(), Disclosure::Exact);
        for key in shown.counts.keys() {
            assert_ne!(figure_name(key), "Another figure", "{key}");
        }
        for (key, _) in FIGURES {
            assert!(shown.counts.contains_key(key), "{key} is not a figure");
        }
        for key in shown.breakdowns.keys() {
            assert_ne!(breakdown_name(key), "Another breakdown", "{key}");
        }
    }
}
