//! A return's figures, counted one person at a time as the batches come in (`load`): the
//! counts, the rating × age band table, the changes against the previous period and the rows.
//! What is owed and overdue is the deadline engine's answer from each person's facts.

use super::load::{Person, ReferralRow};
use super::{
    Change, Changes, Figures, MonthlyRow, WeeklyRow, formatted_nhs, full_name, local_reference,
    rating_word, severity,
};
use crate::domain::age::{AgeBand, age_on};
use crate::domain::deadlines::{self, Owed};
use crate::domain::nhs_number::NhsNumber;
use crate::domain::person::{InpatientBasis, Status};
use crate::domain::referral::{self as referral_rules, ReferralStatus};
use crate::domain::returns::{Count, Counts};
use crate::domain::returns::{Period, ReturnKind};
use crate::domain::review::ReviewKind;
use crate::domain::risk::Rating;
use crate::entities::person;
use crate::error::AppError;
use std::collections::BTreeMap;
use time::Date;

/// Whether the person stood on the register at the end of `day` (the one rule:
/// `domain::person::Standing`).
fn active_on(p: &person::Model, day: Date) -> bool {
    crate::services::people::Snapshot::active_on(p, day)
}

pub(super) struct Tally<'r> {
    period: Period,
    before_day: Date,
    weekly: bool,
    rules: deadlines::Rules<'r>,
    counts: Counts,
    by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>>,
    changes: Changes,
    monthly_rows: Vec<MonthlyRow>,
    weekly_rows: Vec<WeeklyRow>,
    in_hospital: u64,
}

impl<'r> Tally<'r> {
    pub(super) fn new(period: Period, rules: deadlines::Rules<'r>) -> Self {
        let before_day = period.previous().last;
        let mut by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for rating in ["red", "amber", "green", "blue", "unrated"] {
            let bands = by_rating_and_band.entry(rating.into()).or_default();
            for band in [AgeBand::Child, AgeBand::YoungAdult, AgeBand::Adult] {
                bands.insert(band.as_str().into(), 0);
            }
        }
        let counts = Counts::zeroed(
            [
                Count::OnRegister,
                Count::Added,
                Count::Left,
                Count::Admissions,
                Count::Discharges,
                Count::ReviewsHeld,
                Count::ReviewsOverdue,
                Count::ReviewsOverdueUnscheduled,
                Count::ActionsOpen,
                Count::ActionsOverdue,
                Count::ReferralsReceived,
                Count::ReferralsAccepted,
                Count::ReferralsDeclined,
                Count::ReferralsAwaiting,
                Count::ReferralsOverdue,
            ]
            .into_iter()
            .chain(Count::RATINGS)
            .chain(ReviewKind::ALL.iter().map(|k| Count::ReviewsHeldOf(*k))),
        );
        Tally {
            period,
            before_day,
            weekly: period.kind == ReturnKind::Weekly,
            rules,
            counts,
            by_rating_and_band,
            changes: Changes {
                previous_period: period.previous().label(),
                previous_as_at: before_day,
                before: Counts::default(),
                joined: Vec::new(),
                left: Vec::new(),
                rating_changes: Vec::new(),
                admissions: Vec::new(),
                discharges: Vec::new(),
            },
            monthly_rows: Vec::new(),
            weekly_rows: Vec::new(),
            in_hospital: 0,
        }
    }

    fn bump(&mut self, name: Count, n: u64) {
        self.counts.bump(name, n);
    }

    fn before(&mut self, name: Count) {
        self.changes.before.bump(name, 1);
    }

    /// The return's population at the end of `at`: the register, or those in hospital on a
    /// basis the weekly return reports.
    fn in_population(&self, person: &Person<'_>, details: &person::Model, at: Date) -> bool {
        if self.weekly {
            self.inpatient_basis(person, details, at).is_some()
        } else {
            active_on(details, at)
        }
    }

    fn inpatient_basis(
        &self,
        person: &Person<'_>,
        details: &person::Model,
        at: Date,
    ) -> Option<InpatientBasis> {
        let stay = person.stay_at(at)?;
        super::inpatient_basis(details, at, (stay.admitted_on, stay.discharged_on))
    }

    /// Counts one person (anyone not withdrawn, whatever their status).
    pub(super) fn person(&mut self, person: &Person<'_>) -> Result<(), AppError> {
        let (day, before_day) = (self.period.last, self.before_day);
        let p = person.as_at(day);
        let p_before = person.as_at(before_day);
        self.changes_of(person, &p, &p_before);
        for r in person
            .reviews()
            .iter()
            .filter(|_| p.status != Status::Withdrawn)
        {
            if r.held_on.is_some_and(|h| self.period.contains(h)) {
                self.bump(Count::ReviewsHeld, 1);
                self.bump(Count::ReviewsHeldOf(r.kind), 1);
            }
        }
        let owed = deadlines::owed(&person.facts(&p), day, &self.rules);
        self.owed(&owed);
        let on_register = active_on(&p, day);
        if on_register {
            let was_on = active_on(&p_before, before_day);
            self.register_row(person, &p, was_on, &owed)?;
        }
        // Everyone in hospital at the end is in either return (the Assuring Transformation
        // cut); only the weekly counts them.
        if let Some(basis) = self.inpatient_basis(person, &p, day) {
            let row = weekly_row(person, &p, day, &owed, basis)?;
            if let Some(row) = row {
                self.in_hospital += 1;
                self.weekly_rows.push(row);
            }
        }
        Ok(())
    }

    /// Added and left in the period; admitted and discharged in it (counted and listed).
    fn movements(&mut self, person: &Person<'_>, p: &person::Model) {
        let period = self.period;
        // Someone withdrawn is read only for their weekly row (the Assuring Transformation
        // basis): none of their history is counted.
        let counted = p.status != Status::Withdrawn;
        if counted && period.contains(p.registered_on) && p.status != Status::InpatientOnly {
            self.bump(Count::Added, 1);
        }
        if p.closed_on.is_some_and(|d| period.contains(d)) {
            self.bump(Count::Left, 1);
        }
        for s in person.stays().iter().filter(|_| counted) {
            if period.contains(s.admitted_on) {
                self.bump(Count::Admissions, 1);
                self.changes.admissions.push(Change {
                    nhs_number: formatted_nhs(p),
                    name: full_name(p),
                    detail: s.hospital.clone(),
                    on: Some(s.admitted_on),
                });
            }
            if let Some(d) = s.discharged_on.filter(|d| period.contains(*d)) {
                self.bump(Count::Discharges, 1);
                self.changes.discharges.push(Change {
                    nhs_number: formatted_nhs(p),
                    name: full_name(p),
                    detail: s.hospital.clone(),
                    on: Some(d),
                });
            }
        }
    }

    /// Joined, left, rating changed, admitted and discharged; the headline counts before.
    fn changes_of(&mut self, person: &Person<'_>, p: &person::Model, p_before: &person::Model) {
        let (period, day, before_day, weekly) =
            (self.period, self.period.last, self.before_day, self.weekly);
        self.movements(person, p);
        let was = self.in_population(person, p_before, before_day);
        let is = self.in_population(person, p, day);
        let before_rating = person.rating_on(before_day);
        if active_on(p_before, before_day) {
            self.before(Count::OnRegister);
            self.before(Count::Rated(before_rating));
        }
        if weekly && was {
            self.before(Count::InHospital);
        }
        let now_rating = person.rating_on(day);
        let change = match (was, is) {
            (false, true) => Change {
                nhs_number: formatted_nhs(p),
                name: full_name(p),
                detail: if weekly {
                    "Admitted".into()
                } else {
                    format!("Registered, {}", rating_word(now_rating))
                },
                on: if weekly {
                    person.stay_at(day).map(|s| s.admitted_on)
                } else {
                    Some(p.registered_on)
                },
            },
            (true, false) => Change {
                nhs_number: formatted_nhs(p),
                name: full_name(p),
                detail: match (&p.closed_on, &p.closed_reason) {
                    (Some(d), Some(reason)) if period.contains(*d) => {
                        format!("Closed: {reason}")
                    }
                    _ if weekly => "Discharged".into(),
                    _ => "Left the register".into(),
                },
                on: p.closed_on.filter(|d| period.contains(*d)),
            },
            (true, true) if before_rating != now_rating => Change {
                nhs_number: formatted_nhs(p),
                name: full_name(p),
                detail: format!(
                    "{} to {}",
                    rating_word(before_rating),
                    rating_word(now_rating)
                ),
                on: None,
            },
            _ => return,
        };
        match (was, is) {
            (false, true) => self.changes.joined.push(change),
            (true, false) => self.changes.left.push(change),
            _ => self.changes.rating_changes.push(change),
        }
    }

    /// Every review owed and past due (booked or not, by kind), and open and overdue actions,
    /// at the period's end.
    fn owed(&mut self, owed: &[deadlines::Item]) {
        for item in owed {
            match &item.owed {
                Owed::ScheduledReview { kind, .. } | Owed::UnscheduledReview { kind, .. }
                    if item.overdue =>
                {
                    self.bump(Count::ReviewsOverdue, 1);
                    self.bump(Count::ReviewsOverdueOf(*kind), 1);
                    if matches!(item.owed, Owed::UnscheduledReview { .. }) {
                        self.bump(Count::ReviewsOverdueUnscheduled, 1);
                    }
                }
                Owed::Action { .. } => {
                    self.bump(Count::ActionsOpen, 1);
                    if item.overdue {
                        self.bump(Count::ActionsOverdue, 1);
                    }
                }
                _ => {}
            }
        }
    }

    /// The person's counts on the register at the period's end, and their row in the monthly
    /// return.
    fn register_row(
        &mut self,
        person: &Person<'_>,
        p: &person::Model,
        was_on: bool,
        owed: &[deadlines::Item],
    ) -> Result<(), AppError> {
        let day = self.period.last;
        if NhsNumber::parse(&p.nhs_number).is_err() {
            return Err(AppError::internal(format!(
                "person {} has an unknown NHS number",
                p.id
            )));
        }
        let setting = p.setting;
        let rating = person.rating_on(day);
        let age_band = AgeBand::of(age_on(p.date_of_birth, day).unwrap_or(0));
        self.bump(Count::OnRegister, 1);
        self.bump(Count::Rated(rating), 1);
        let key = rating_word(rating);
        *self
            .by_rating_and_band
            .entry(key.into())
            .or_default()
            .entry(age_band.as_str().into())
            .or_default() += 1;
        let open: Vec<&deadlines::Item> = owed
            .iter()
            .filter(|i| matches!(i.owed, Owed::Action { .. }))
            .collect();
        let prev = was_on.then(|| person.rating_on(self.before_day));
        let change = change_word(prev, rating);
        if !self.weekly {
            self.monthly_rows.push(MonthlyRow {
                nhs_number: formatted_nhs(p),
                name: full_name(p),
                local_reference: local_reference(p),
                age_band: age_band.as_str().into(),
                rating,
                previous_rating: prev.flatten(),
                change: change.into(),
                setting: setting.label().into(),
                last_review: last_review(person, day),
                next_review_due: deadlines::next_review_due(owed),
                actions_open: open.len() as u64,
                actions_overdue: open.iter().filter(|a| a.overdue).count() as u64,
                keyworker: p.keyworker.clone(),
            });
        }
        Ok(())
    }

    /// Referrals received and decided in the period, and those awaiting a decision at its end
    /// (past the decision date or not).
    pub(super) fn referrals(&mut self, referrals: &[ReferralRow], decision_days: u32) {
        let (period, day) = (self.period, self.period.last);
        let decided_in = |r: &ReferralRow, status: ReferralStatus| {
            r.status == status && r.decided_on.is_some_and(|d| period.contains(d))
        };
        for r in referrals {
            if period.contains(r.received_on) {
                self.bump(Count::ReferralsReceived, 1);
            }
            if decided_in(r, ReferralStatus::Accepted) {
                self.bump(Count::ReferralsAccepted, 1);
            }
            if decided_in(r, ReferralStatus::Declined) {
                self.bump(Count::ReferralsDeclined, 1);
            }
            if r.received_on <= day && r.decided_on.is_none_or(|d| d > day) {
                self.bump(Count::ReferralsAwaiting, 1);
                if day > referral_rules::decision_due(r.received_on, decision_days) {
                    self.bump(Count::ReferralsOverdue, 1);
                }
            }
        }
    }

    /// The figures and the changes, rows and lists in their order.
    pub(super) fn finish(mut self) -> (Figures, Changes) {
        for name in [Count::OnRegister].into_iter().chain(Count::RATINGS) {
            self.changes.before.bump(name, 0);
        }
        if self.weekly {
            self.changes.before.bump(Count::InHospital, 0);
            self.counts.set(Count::InHospital, self.in_hospital);
        }
        let changes = &mut self.changes;
        for list in [
            &mut changes.joined,
            &mut changes.left,
            &mut changes.rating_changes,
            &mut changes.admissions,
            &mut changes.discharges,
        ] {
            list.sort_by(|a, b| {
                (&a.on, &a.name, &a.nhs_number).cmp(&(&b.on, &b.name, &b.nhs_number))
            });
        }
        let rank = |r: Option<Rating>| r.map(Rating::rank).unwrap_or(9);
        self.monthly_rows.sort_by(|a, b| {
            (rank(a.rating), &a.name, &a.nhs_number).cmp(&(rank(b.rating), &b.name, &b.nhs_number))
        });
        self.weekly_rows.sort_by(|a, b| {
            (&a.admitted_on, &a.name, &a.nhs_number).cmp(&(&b.admitted_on, &b.name, &b.nhs_number))
        });
        let day = self.period.last;
        (
            Figures {
                kind: self.period.kind.as_str().into(),
                period: self.period.label(),
                as_at: day,
                counts: self.counts,
                by_rating_and_band: self.by_rating_and_band,
                monthly_rows: self.monthly_rows,
                weekly_rows: self.weekly_rows,
            },
            self.changes,
        )
    }
}

/// How the rating moved since the period began: `new` to the register, `up`, `down`,
/// `changed` (red to blue on admission, blue to red on discharge: as serious, but changed) or
/// `same`.
fn change_word(before: Option<Option<Rating>>, now: Option<Rating>) -> &'static str {
    match before {
        None => "new",
        Some(before) if severity(now) > severity(before) => "up",
        Some(before) if severity(now) < severity(before) => "down",
        Some(before) if before != now => "changed",
        Some(_) => "same",
    }
}

/// The last review held by the end of `day`.
fn last_review(person: &Person<'_>, day: Date) -> Option<Date> {
    person
        .reviews()
        .iter()
        .filter_map(|r| r.held_on)
        .filter(|h| *h <= day)
        .max()
}

/// The weekly return's row of someone in hospital at the end of `day`, as the stay stood then.
fn weekly_row(
    person: &Person<'_>,
    p: &person::Model,
    day: Date,
    owed: &[deadlines::Item],
    basis: InpatientBasis,
) -> Result<Option<WeeklyRow>, AppError> {
    let Some(stay) = person.stay_at(day) else {
        return Ok(None);
    };
    let then = person.stay_as_at(stay, day);
    let at = super::at_details(
        p,
        super::SpellThen {
            spell_id: stay.id.as_str(),
            admitted_on: stay.admitted_on,
            episode_started_on: then.episode_started_on,
            hospital_ods_code: then.hospital_ods_code,
            items: then.items,
        },
    )?;
    let last_visit = person
        .visits()
        .iter()
        .filter(|x| x.admission_id == stay.id && x.visited_on <= day)
        .map(|x| x.visited_on)
        .max();
    Ok(Some(WeeklyRow {
        nhs_number: formatted_nhs(p),
        name: full_name(p),
        local_reference: local_reference(p),
        age_band: AgeBand::of(age_on(p.date_of_birth, day).unwrap_or(0))
            .as_str()
            .into(),
        basis,
        admitted_on: stay.admitted_on,
        hospital: then.hospital.to_string(),
        security_level: then.security_level.as_str().into(),
        legal_status: then.legal_status.as_str().into(),
        length_of_stay_days: (day - stay.admitted_on).whole_days(),
        last_review: last_review(person, day),
        next_review_due: deadlines::next_review_due(owed),
        last_visit,
        next_visit_due: owed
            .iter()
            .find(|i| matches!(i.owed, Owed::Visit { .. }))
            .map(|i| i.due),
        planned_discharge_on: then.planned_discharge_on,
        at: Some(at),
    }))
}
