//! The figures of the monthly and weekly returns, as at 23:59:59 on the period's last day,
//! worked out from the dated history (registrations, ratings, stays, reviews, actions,
//! referrals). People whose consent has been withdrawn are left out of every return, whatever
//! its period, except a stay during which they withdrew, which stays among the inpatients (the
//! Assuring Transformation basis) until its discharge. Inpatient-only entries are among the
//! inpatients and never on the register's side. Storing, PDF and CSV build on this.

use super::audit::{self, Event};
use super::scope::Scope;
use super::{Actor, App, input};
use crate::domain::deadlines;
use crate::domain::ids::PersonId;
pub use crate::domain::returns::{
    AtDetails, Change, Changes, Figures, MonthlyRow, WeeklyRow, rating_word,
};
use crate::domain::returns::{Period, ReturnKind};
use crate::domain::risk::Rating;
use crate::entities::{person, return_content, stored_return};
use crate::error::AppError;
pub use crate::reports::model::Imprint;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};

mod load;
#[doc(hidden)]
pub mod months;
#[doc(hidden)]
pub mod reference;
mod stored;
mod tally;
pub(crate) use stored::frozen;
pub use stored::{
    ChangesView, Download, NewReturn, ReturnView, as_at_instant, at_csv, csv, generate, get, list,
    pdf, requested_period,
};

/// How serious a rating is, for "up" and "down": blue and red above amber above green.
fn severity(r: Option<Rating>) -> u8 {
    match r {
        Some(Rating::Red) | Some(Rating::Blue) => 3,
        Some(Rating::Amber) => 2,
        Some(Rating::Green) => 1,
        None => 0,
    }
}

/// The reference that stands for someone who objects to identifiable sharing, in every return
/// produced while their objection stands; none for anyone else.
fn local_reference(p: &person::Model) -> Option<String> {
    p.objects_since
        .map(|_| crate::domain::inpatients::local_reference(&p.id))
}

/// The name a return shows: the person's, or their local reference if they object to
/// identifiable sharing.
fn full_name(p: &person::Model) -> String {
    local_reference(p).unwrap_or_else(|| format!("{} {}", p.given_name, p.family_name))
}

/// The NHS number a return shows (`943 476 5919`): none if they object to identifiable sharing.
fn formatted_nhs(p: &person::Model) -> String {
    if p.objects_since.is_some() {
        return String::new();
    }
    crate::domain::nhs_number::NhsNumber::parse(&p.nhs_number)
        .map(|n| n.to_string())
        .unwrap_or_else(|_| p.nhs_number.clone())
}

/// The spell as at the return's day, for its Assuring Transformation details.
struct SpellThen<'a> {
    spell_id: &'a str,
    admitted_on: Date,
    episode_started_on: Date,
    hospital_ods_code: Option<&'a str>,
    items: Option<&'a str>,
}

/// A row's Assuring Transformation details: the person's identifying details unless they
/// object to identifiable sharing, and the spell's items as they stood.
fn at_details(p: &person::Model, spell: SpellThen<'_>) -> Result<AtDetails, AppError> {
    let identified = p.objects_since.is_none();
    Ok(AtDetails {
        spell_id: spell.spell_id.to_string(),
        episode_started_on: spell.episode_started_on,
        hospital_ods_code: spell.hospital_ods_code.map(str::to_string),
        given_name: identified.then(|| p.given_name.clone()),
        family_name: identified.then(|| p.family_name.clone()),
        date_of_birth: identified.then_some(p.date_of_birth),
        postcode: identified
            .then(|| p.postcode.clone())
            .filter(|p| !p.is_empty()),
        sex: p.sex.as_str().to_string(),
        on_register_before_admission: super::admissions::on_register_before(p, spell.admitted_on),
        items: crate::domain::inpatients::StayItems::from_stored(spell.items)
            .map_err(|e| AppError::failed("a stay's items", e))?,
    })
}

/// On what basis, if any, someone is in the weekly inpatient return at the end of `day`, in
/// hospital on `stay` (the one rule: `domain::person::Standing::inpatient_basis`).
fn inpatient_basis(
    p: &person::Model,
    day: Date,
    (admitted_on, discharged_on): (Date, Option<Date>),
) -> Option<crate::domain::person::InpatientBasis> {
    let stay = crate::domain::ratings::Stay {
        admitted_on,
        discharged_on,
    };
    super::people::standing(p).inpatient_basis(day, &stay)
}

/// The figures and the changes of a return for `period`, from the history as it stands: the
/// register read a batch of people at a time (`load`), each person's facts put to the deadline
/// engine and counted (`tally`), then dropped, so the memory needed grows with the rows of the
/// return, not with the history behind them.
pub async fn compute(app: &App, period: Period) -> Result<(Figures, Changes), AppError> {
    compute_in_batches(app, period, load::BATCH).await
}

/// A batch being read, given up if the return stops (an error) before it is wanted.
struct Reading(rocket::tokio::task::JoinHandle<Result<Option<load::Batch>, AppError>>);

impl Drop for Reading {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// `compute`, reading `batch` people at a time (tests use small batches, to cross batches).
#[doc(hidden)]
pub async fn compute_in_batches(
    app: &App,
    period: Period,
    batch: u64,
) -> Result<(Figures, Changes), AppError> {
    let started = std::time::Instant::now();
    let schedule = &app.policies.schedule;
    let mut tally = tally::Tally::new(
        period,
        deadlines::Rules {
            deadlines: &schedule.deadlines,
            holidays: &schedule.bank_holidays,
        },
    );
    // One snapshot for the whole return: every batch, and the referrals, read at one moment, so
    // a change between two batches cannot make the figures disagree with each other. The next
    // batch is read while this one is counted.
    let snapshot = std::sync::Arc::new(load::Snapshot::open(&app.db, Scope::Returns).await?);
    let read = |after: Option<PersonId>| {
        Reading(rocket::tokio::spawn(load::Batch::after(
            snapshot.clone(),
            after,
            batch,
        )))
    };
    let mut reading = std::time::Duration::ZERO;
    let mut people = 0;
    let mut next = read(None);
    loop {
        let t = std::time::Instant::now();
        let Some(batch) = (&mut next.0)
            .await
            .map_err(|e| AppError::failed("reading the register", e))??
        else {
            break;
        };
        reading += t.elapsed();
        next = read(batch.last_id().cloned());
        for person in batch.people() {
            tally.person(&person)?;
            people += 1;
        }
    }
    drop(next);
    let t = std::time::Instant::now();
    let referrals = load::referrals(&snapshot).await?;
    reading += t.elapsed();
    if let Ok(snapshot) = std::sync::Arc::try_unwrap(snapshot) {
        snapshot.close().await?;
    }
    tally.referrals(&referrals, schedule.referral_decision_days);
    let out = tally.finish();
    tracing::debug!(
        people,
        waited_ms = reading.as_millis() as u64,
        figures_ms = (started.elapsed() - reading).as_millis() as u64,
        "return figures"
    );
    Ok(out)
}
