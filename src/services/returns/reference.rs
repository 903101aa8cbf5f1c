//! The first way of working out a return, kept as the oracle the tests compare the streamed
//! one (`super::compute`) with: the whole register's history loaded at once as models
//! (`people::Snapshot`), then viewed as at either end of the period. Nothing else calls it; it
//! costs some 850 MB and 20 s at 100,000 people.

use super::super::people::{self, PersonView};
use super::super::scope::Scope;
use super::{Change, Changes, Figures, MonthlyRow, WeeklyRow};
use super::{formatted_nhs, full_name, rating_word, severity};
use crate::domain::age::AgeBand;
use crate::domain::deadlines::{self, Owed};
use crate::domain::ids::PersonId;
use crate::domain::person::{InpatientBasis, Status};
use crate::domain::referral::{self as referral_rules, ReferralStatus};
use crate::domain::returns::{Count, Counts, Period, ReturnKind};
use crate::domain::review::ReviewKind;
use crate::domain::risk::Rating;
use crate::entities::{admission, person, referral};
use crate::error::AppError;
use crate::services::App;
use std::borrow::Cow;
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
    let snapshot = people::Snapshot::load(app, Scope::Returns).await?;
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
    let ends = Ends {
        snapshot,
        period,
        day: period.last,
        before_day: period.previous().last,
        weekly: period.kind == ReturnKind::Weekly,
    };
    let people = snapshot.people_at(ends.day);
    let people_before = snapshot.people_at(ends.before_day);
    let live: HashSet<&PersonId> = people
        .iter()
        .filter(|p| p.status != Status::Withdrawn)
        .map(|p| &p.id)
        .collect();
    // Referrals of withdrawn people are left out; referrals not yet tied to anyone stay in.
    let referrals: Vec<&referral::Model> = referrals
        .iter()
        .filter(|r| r.person_id.as_ref().is_none_or(|p| live.contains(p)))
        .collect();

    let mut counts = zeroed_counts();
    let changes = ends.changes(&people, &people_before, &mut counts);
    let owed_at_end = ends.reviews_and_owed(&people, &mut counts);
    let decision_days = app.policies.schedule.referral_decision_days;
    ends.referrals(&referrals, decision_days, &mut counts);
    let (by_rating_and_band, monthly_rows, weekly_rows) =
        ends.rows(&people, &owed_at_end, &mut counts)?;
    let day = ends.day;
    Ok((
        Figures {
            kind: period.kind.as_str().into(),
            period: period.label(),
            as_at: day,
            counts,
            by_rating_and_band,
            monthly_rows,
            weekly_rows,
        },
        changes,
    ))
}

/// Every count a return carries, at nought (the rest appear when first counted).
fn zeroed_counts() -> Counts {
    let mut counts = Counts::zeroed([
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
    ]);
    for rating in [Rating::Red, Rating::Amber, Rating::Green, Rating::Blue] {
        counts.bump(Count::Rated(Some(rating)), 0);
    }
    for kind in ReviewKind::ALL {
        counts.bump(Count::ReviewsHeldOf(*kind), 0);
    }
    counts
}

/// Rating → age band → people, every cell at nought.
fn zeroed_table() -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for rating in ["red", "amber", "green", "blue", "unrated"] {
        let bands = by_rating_and_band.entry(rating.into()).or_default();
        for band in [AgeBand::Child, AgeBand::YoungAdult, AgeBand::Adult] {
            bands.insert(band.as_str().into(), 0);
        }
    }
    by_rating_and_band
}

/// A return's period, seen from the whole history: its last day and the previous period's.
struct Ends<'s> {
    snapshot: &'s people::Snapshot,
    period: Period,
    day: Date,
    before_day: Date,
    weekly: bool,
}

impl Ends<'_> {
    /// In the return's population at the end of `at`: the register, or those in hospital on a
    /// basis the weekly return reports.
    fn in_population(&self, p: &person::Model, at: Date) -> bool {
        if self.weekly {
            self.basis(p, at).is_some()
        } else {
            people::Snapshot::active_on(p, at)
        }
    }

    /// Whether, and on what basis, someone in hospital at the end of `at` is reported weekly.
    fn basis(&self, p: &person::Model, at: Date) -> Option<InpatientBasis> {
        let stay = stay_at(self.snapshot.admissions(&p.id), at)?;
        super::inpatient_basis(p, at, (stay.admitted_on, stay.discharged_on))
    }

    /// Joined, left, rating changed, admitted and discharged, in their order; the headline
    /// counts before; people added and left, admissions and discharges counted.
    fn changes(
        &self,
        people: &[Cow<'_, person::Model>],
        people_before: &[Cow<'_, person::Model>],
        counts: &mut Counts,
    ) -> Changes {
        let mut changes = Changes {
            previous_period: self.period.previous().label(),
            previous_as_at: self.before_day,
            before: Counts::default(),
            joined: Vec::new(),
            left: Vec::new(),
            rating_changes: Vec::new(),
            admissions: Vec::new(),
            discharges: Vec::new(),
        };
        for (p, p_before) in people.iter().zip(people_before) {
            self.movements(p, counts, &mut changes);
            let was = self.in_population(p_before, self.before_day);
            let before_rating = self.snapshot.rating_on(&p.id, self.before_day);
            if people::Snapshot::active_on(p_before, self.before_day) {
                changes.before.bump(Count::OnRegister, 1);
                changes.before.bump(Count::Rated(before_rating), 1);
            }
            if self.weekly && was {
                changes.before.bump(Count::InHospital, 1);
            }
            match (was, self.in_population(p, self.day)) {
                (false, true) => changes.joined.push(self.joined(p)),
                (true, false) => changes.left.push(self.left(p)),
                (true, true) => {
                    let now_rating = self.snapshot.rating_on(&p.id, self.day);
                    if before_rating != now_rating {
                        changes.rating_changes.push(Change {
                            nhs_number: formatted_nhs(p),
                            name: full_name(p),
                            detail: format!(
                                "{} to {}",
                                rating_word(before_rating),
                                rating_word(now_rating)
                            ),
                            on: None,
                        });
                    }
                }
                (false, false) => {}
            }
        }
        for name in [Count::OnRegister].into_iter().chain(Count::RATINGS) {
            changes.before.bump(name, 0);
        }
        if self.weekly {
            changes.before.bump(Count::InHospital, 0);
        }
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
        changes
    }

    /// Added and left in the period; admitted and discharged in it (counted and listed).
    fn movements(&self, p: &person::Model, counts: &mut Counts, changes: &mut Changes) {
        let period = self.period;
        // Someone withdrawn is read only for their weekly row (the Assuring Transformation
        // basis): none of their history is counted.
        if p.status == Status::Withdrawn {
            return;
        }
        if period.contains(p.registered_on) && p.status != Status::InpatientOnly {
            counts.bump(Count::Added, 1);
        }
        if p.closed_on.is_some_and(|d| period.contains(d)) {
            counts.bump(Count::Left, 1);
        }
        for s in self.snapshot.admissions(&p.id) {
            if period.contains(s.admitted_on) {
                counts.bump(Count::Admissions, 1);
                changes.admissions.push(Change {
                    nhs_number: formatted_nhs(p),
                    name: full_name(p),
                    detail: s.hospital.clone(),
                    on: Some(s.admitted_on),
                });
            }
            if let Some(d) = s.discharged_on.filter(|d| period.contains(*d)) {
                counts.bump(Count::Discharges, 1);
                changes.discharges.push(Change {
                    nhs_number: formatted_nhs(p),
                    name: full_name(p),
                    detail: s.hospital.clone(),
                    on: Some(d),
                });
            }
        }
    }

    /// Someone in the population at the end and not before.
    fn joined(&self, p: &person::Model) -> Change {
        let now_rating = self.snapshot.rating_on(&p.id, self.day);
        Change {
            nhs_number: formatted_nhs(p),
            name: full_name(p),
            detail: if self.weekly {
                "Admitted".into()
            } else {
                format!("Registered, {}", rating_word(now_rating))
            },
            on: if self.weekly {
                stay_at(self.snapshot.admissions(&p.id), self.day).map(|s| s.admitted_on)
            } else {
                Some(p.registered_on)
            },
        }
    }

    /// Someone in the population before and not at the end.
    fn left(&self, p: &person::Model) -> Change {
        let period = self.period;
        Change {
            nhs_number: formatted_nhs(p),
            name: full_name(p),
            detail: match (&p.closed_on, &p.closed_reason) {
                (Some(d), Some(reason)) if period.contains(*d) => {
                    format!("Closed: {reason}")
                }
                _ if self.weekly => "Discharged".into(),
                _ => "Left the register".into(),
            },
            on: p.closed_on.filter(|d| period.contains(*d)),
        }
    }

    /// Reviews held in the period; what is owed at its end, by the deadline engine: every
    /// review owed and past due (booked or not, by kind), and open and overdue actions. What
    /// each person owes, for their row.
    fn reviews_and_owed<'p>(
        &self,
        people: &'p [Cow<'_, person::Model>],
        counts: &mut Counts,
    ) -> HashMap<&'p PersonId, Vec<deadlines::Item>> {
        let mut owed_at_end: HashMap<&PersonId, Vec<deadlines::Item>> = HashMap::new();
        for p in people {
            let counted = p.status != Status::Withdrawn;
            for r in self.snapshot.reviews(&p.id).iter().filter(|_| counted) {
                if r.held_on.is_some_and(|h| self.period.contains(h)) {
                    counts.bump(Count::ReviewsHeld, 1);
                    counts.bump(Count::ReviewsHeldOf(r.kind), 1);
                }
            }
            let owed = self.snapshot.owed(p, self.day);
            for item in &owed {
                match &item.owed {
                    Owed::ScheduledReview { kind, .. } | Owed::UnscheduledReview { kind, .. }
                        if item.overdue =>
                    {
                        counts.bump(Count::ReviewsOverdue, 1);
                        counts.bump(Count::ReviewsOverdueOf(*kind), 1);
                        if matches!(item.owed, Owed::UnscheduledReview { .. }) {
                            counts.bump(Count::ReviewsOverdueUnscheduled, 1);
                        }
                    }
                    Owed::Action { .. } => {
                        counts.bump(Count::ActionsOpen, 1);
                        if item.overdue {
                            counts.bump(Count::ActionsOverdue, 1);
                        }
                    }
                    _ => {}
                }
            }
            owed_at_end.insert(&p.id, owed);
        }
        owed_at_end
    }

    /// Referrals received and decided in the period, and those awaiting a decision at its end
    /// (past the decision date or not).
    fn referrals(&self, referrals: &[&referral::Model], decision_days: u32, counts: &mut Counts) {
        let (period, day) = (self.period, self.day);
        let awaiting_at =
            |r: &referral::Model| r.received_on <= day && r.decided_on.is_none_or(|d| d > day);
        let decided_in = |r: &referral::Model, status: ReferralStatus| {
            r.status == status && r.decided_on.is_some_and(|d| period.contains(d))
        };
        for r in referrals {
            if period.contains(r.received_on) {
                counts.bump(Count::ReferralsReceived, 1);
            }
            if decided_in(r, ReferralStatus::Accepted) {
                counts.bump(Count::ReferralsAccepted, 1);
            }
            if decided_in(r, ReferralStatus::Declined) {
                counts.bump(Count::ReferralsDeclined, 1);
            }
            if awaiting_at(r) {
                counts.bump(Count::ReferralsAwaiting, 1);
                if day > referral_rules::decision_due(r.received_on, decision_days) {
                    counts.bump(Count::ReferralsOverdue, 1);
                }
            }
        }
    }

    /// Everyone on the register at the end: counted by rating (and age band), and their rows
    /// (the monthly return's, or the weekly's for those in hospital), in their order.
    fn rows(
        &self,
        people: &[Cow<'_, person::Model>],
        owed_at_end: &HashMap<&PersonId, Vec<deadlines::Item>>,
        counts: &mut Counts,
    ) -> Result<(Table, Vec<MonthlyRow>, Vec<WeeklyRow>), AppError> {
        let day = self.day;
        let mut by_rating_and_band = zeroed_table();
        let mut monthly_rows = Vec::new();
        let mut weekly_rows = Vec::new();
        let mut in_hospital = 0;
        // One person at a time: each view is dropped once its row is built.
        for p in people.iter() {
            let on_register = people::Snapshot::active_on(p, day);
            let basis = self.basis(p, day);
            if !on_register && basis.is_none() {
                continue;
            }
            let v = self.snapshot.view(p, day)?;
            let owed = owed_at_end.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
            let row = self.monthly_row(p, &v, owed);
            if let (Some(basis), Some(stay)) =
                (basis, stay_at(self.snapshot.admissions(&p.id), day))
            {
                in_hospital += 1;
                weekly_rows.push(self.weekly_row(p, &v, stay, &row, owed, basis)?);
            }
            if !on_register {
                continue;
            }
            counts.bump(Count::OnRegister, 1);
            counts.bump(Count::Rated(v.rating), 1);
            *by_rating_and_band
                .entry(rating_word(v.rating).into())
                .or_default()
                .entry(v.age_band.as_str().into())
                .or_default() += 1;
            monthly_rows.push(row);
        }
        let rank = |r: Option<Rating>| r.map(Rating::rank).unwrap_or(9);
        monthly_rows.sort_by(|a, b| {
            (rank(a.rating), &a.name, &a.nhs_number).cmp(&(rank(b.rating), &b.name, &b.nhs_number))
        });
        weekly_rows.sort_by(|a, b| {
            (&a.admitted_on, &a.name, &a.nhs_number).cmp(&(&b.admitted_on, &b.name, &b.nhs_number))
        });
        // Everyone in hospital at the end is in either return (the Assuring Transformation
        // cut); only the weekly counts them and has no register rows.
        if self.weekly {
            counts.set(Count::InHospital, in_hospital);
            monthly_rows.clear();
        }
        Ok((by_rating_and_band, monthly_rows, weekly_rows))
    }

    /// The person's row of the monthly return.
    fn monthly_row(
        &self,
        p: &person::Model,
        v: &PersonView,
        owed: &[deadlines::Item],
    ) -> MonthlyRow {
        let (day, before_day) = (self.day, self.before_day);
        let last_review = self
            .snapshot
            .reviews(&p.id)
            .iter()
            .filter_map(|r| r.held_on)
            .filter(|h| *h <= day)
            .max();
        let next_review = deadlines::next_review_due(owed);
        let open: Vec<&deadlines::Item> = owed
            .iter()
            .filter(|i| matches!(i.owed, Owed::Action { .. }))
            .collect();
        let snapshot = self.snapshot;
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
        let reference = super::local_reference(p);
        MonthlyRow {
            nhs_number: if reference.is_some() {
                String::new()
            } else {
                v.nhs_number.clone()
            },
            name: reference
                .clone()
                .unwrap_or_else(|| format!("{} {}", v.given_name, v.family_name)),
            local_reference: reference,
            age_band: v.age_band.as_str().into(),
            rating: v.rating,
            previous_rating: prev.flatten(),
            change: change.into(),
            setting: v.setting.label().into(),
            last_review,
            next_review_due: next_review,
            actions_open: open.len() as u64,
            actions_overdue: open.iter().filter(|a| a.overdue).count() as u64,
            keyworker: v.keyworker.clone(),
        }
    }

    /// The inpatient's row of the weekly return: their stay as it stood at the end.
    fn weekly_row(
        &self,
        p: &person::Model,
        v: &PersonView,
        stay: &admission::Model,
        monthly: &MonthlyRow,
        owed: &[deadlines::Item],
        basis: InpatientBasis,
    ) -> Result<WeeklyRow, AppError> {
        let day = self.day;
        let episode_started_on = self.snapshot.episode_start(stay, day);
        let stay = self.snapshot.stay_as_at(stay, day);
        let at = super::at_details(
            p,
            super::SpellThen {
                spell_id: stay.id.as_str(),
                admitted_on: stay.admitted_on,
                episode_started_on,
                hospital_ods_code: stay.hospital_ods_code.as_deref(),
                items: stay.items.as_deref(),
            },
        )?;
        let last_visit = self
            .snapshot
            .visits(&p.id)
            .iter()
            .filter(|x| x.admission_id == stay.id && x.visited_on <= day)
            .map(|x| x.visited_on)
            .max();
        Ok(WeeklyRow {
            nhs_number: monthly.nhs_number.clone(),
            name: monthly.name.clone(),
            local_reference: monthly.local_reference.clone(),
            age_band: v.age_band.as_str().into(),
            basis,
            admitted_on: stay.admitted_on,
            hospital: stay.hospital.clone(),
            security_level: stay.security_level.as_str().into(),
            legal_status: stay.legal_status.as_str().into(),
            length_of_stay_days: (day - stay.admitted_on).whole_days(),
            last_review: monthly.last_review,
            next_review_due: monthly.next_review_due,
            last_visit,
            next_visit_due: owed
                .iter()
                .find(|i| matches!(i.owed, Owed::Visit { .. }))
                .map(|i| i.due),
            planned_discharge_on: stay.planned_discharge_on,
            at: Some(at),
        })
    }
}

/// Rating → age band → people.
type Table = BTreeMap<String, BTreeMap<String, u64>>;
