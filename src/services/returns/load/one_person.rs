//! One person of a return's batch, with their rows: their details, stays, rating and facts as
//! they stood on a day.

use super::super::super::due;
use super::{Batch, ReviewRow, Rows, StayRow, VisitRow};
use crate::domain::deadlines::{ActionFacts, Facts, ReviewFacts};
use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::domain::ratings::Stay;
use crate::domain::risk::Rating;
use crate::entities::person;
use std::borrow::Cow;
use time::Date;

/// One person of a batch, with their rows.
pub(in super::super) struct Person<'a> {
    /// The entry as it is now.
    pub now: &'a person::Model,
    pub(super) rows: &'a Rows,
    pub(super) batch: &'a Batch,
}

impl<'a> Person<'a> {
    /// The entry's details as they stood at the end of `day` (UK time).
    pub(in super::super) fn as_at(&self, day: Date) -> Cow<'a, person::Model> {
        self.batch.earlier.as_at(self.now, day)
    }

    pub(in super::super) fn reviews(&self) -> &'a [ReviewRow] {
        &self.rows.reviews
    }

    pub(in super::super) fn stays(&self) -> &'a [StayRow] {
        &self.rows.stays
    }

    pub(in super::super) fn visits(&self) -> &'a [VisitRow] {
        &self.rows.visits
    }

    /// The stay that covers the end of `day`, if any.
    pub(in super::super) fn stay_at(&self, day: Date) -> Option<&'a StayRow> {
        self.rows.stays.iter().find(|s| {
            Stay {
                admitted_on: s.admitted_on,
                discharged_on: s.discharged_on,
            }
            .covers(day)
        })
    }

    /// The rating at the end of `day`: blue in hospital, else the latest rating event.
    pub(in super::super) fn rating_on(&self, day: Date) -> Option<Rating> {
        let stays: Vec<Stay> = self
            .rows
            .stays
            .iter()
            .map(|s| Stay {
                admitted_on: s.admitted_on,
                discharged_on: s.discharged_on,
            })
            .collect();
        crate::domain::ratings::derived_rating(&self.rows.ratings, &stays, day).map(|(r, _)| r)
    }

    /// A stay's security level, legal status and planned discharge as they stood at the end of
    /// `day`: the values before the first change taking effect after `day`, or as they are now.
    pub(in super::super) fn stay_as_at(&self, stay: &'a StayRow, day: Date) -> StayAsAt<'a> {
        let revisions = self
            .batch
            .stay_revisions
            .get(&stay.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let episode_started_on = crate::domain::inpatients::episode_start(
            stay.admitted_on,
            revisions
                .iter()
                .map(|r| (r.effective_on, r.episode_id.as_str())),
            &stay.episode_id,
            day,
        );
        match revisions.iter().find(|r| r.effective_on > day) {
            Some(r) => StayAsAt {
                hospital: &r.hospital,
                hospital_ods_code: r.hospital_ods_code.as_deref(),
                episode_started_on,
                security_level: &r.security_level,
                legal_status: &r.legal_status,
                planned_discharge_on: r.planned_discharge_on,
                items: r.items.as_deref(),
            },
            None => StayAsAt {
                hospital: &stay.hospital,
                hospital_ods_code: stay.hospital_ods_code.as_deref(),
                episode_started_on,
                security_level: &stay.security_level,
                legal_status: &stay.legal_status,
                planned_discharge_on: stay.planned_discharge_on,
                items: stay.items.as_deref(),
            },
        }
    }

    /// The person's dated facts for the deadline engine, with their details as in `details`
    /// (the entry as it stood on the day asked about), as `services::due::facts` makes them.
    pub(in super::super) fn facts(&self, details: &person::Model) -> Facts {
        let rows = self.rows;
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
                cancelled_on: due::cancelled_on(r.status, r.cancelled_on, r.scheduled_on),
            })
            .collect();
        let actions = rows
            .actions
            .iter()
            .map(|a| ActionFacts {
                id: a.id.clone(),
                review_id: a.review_id.clone(),
                due_on: a.due_on,
                closed_on: due::action_closed_on(a.status, a.completed_on, a.updated_at),
            })
            .collect();
        let stays = rows
            .stays
            .iter()
            .map(|s| {
                let earlier = self
                    .batch
                    .stay_revisions
                    .get(&s.id)
                    .into_iter()
                    .flatten()
                    .map(|r| (r.effective_on, r.security_level, r.items.as_deref()));
                due::stay_facts(
                    &due::StayNow {
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
            born: Some(details.date_of_birth),
            standing: Some(crate::services::people::standing(details)),
            social_worker: due::social_worker_facts(
                self.batch.earlier.social_worker_history(&details.id),
                details.social_worker_from,
                details.social_worker.is_some(),
                details.registered_on,
            ),
            ratings: rows.ratings.clone(),
            stays,
            reviews,
            actions,
        }
    }
}

/// A stay's values as they stood on a day.
pub(in super::super) struct StayAsAt<'a> {
    /// The hospital of the episode then (a transfer moves the spell on to another).
    pub hospital: &'a str,
    pub hospital_ods_code: Option<&'a str>,
    /// The day the episode then began.
    pub episode_started_on: Date,
    /// The Assuring Transformation items then, as stored.
    pub items: Option<&'a str>,
    pub security_level: &'a SecurityLevel,
    pub legal_status: &'a LegalStatus,
    pub planned_discharge_on: Option<Date>,
}
