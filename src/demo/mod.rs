//! The demo register: about sixty synthetic people with consent, risk assessments, hospital
//! stays and oversight visits, seeded by `tcr demo` when the register is empty.
//!
//! Everything goes through the real services (the consent gate, the risk tool, the hospital
//! rules), so the demo data obeys the same rules as real entries and every write is audited.
//! Nothing is random in the usual sense: a small fixed-seed generator makes the same register
//! every time, with dates counted back from today. NHS numbers come from the `999` test range.
//!
//! [`seed`] plays the plan through the services; `plan` draws who each person is and `history`
//! their assessments and stays; `reviews` and `referrals` add those, `inpatients` an inpatient
//! not on the register; `words` holds the names and
//! places and `rng` the fixed-seed generator (both shared with the benchmark's register).

mod history;
mod inpatients;
mod plan;
mod referrals;
mod reviews;
pub(crate) mod rng;
pub(crate) mod words;

pub(crate) use plan::{AMBER, GREEN, Level, RED};

use crate::domain::role::Role;
use crate::entities::person;
use crate::error::AppError;
use crate::services::admissions::{self, Discharge, NewAdmission, NewVisit};
use crate::services::people::{self, Reader};
use crate::services::risk::{self, NewAssessment};
use crate::services::sessions::SignedIn;
use crate::services::users::UserView;
use crate::services::{Actor, App};
use plan::{Planned, Step, plan};
use referrals::seed_referrals;
use reviews::seed_reviews;
use sea_orm::{EntityTrait, PaginatorTrait};

/// How many people the demo register holds.
pub const PEOPLE: usize = 60;
/// Of whom this many are in hospital now…
const IN_HOSPITAL: usize = 8;
/// …of whom this many have had an oversight visit…
const VISITED: usize = 2;
/// …and this many were in hospital and have been discharged.
const DISCHARGED: usize = 4;

const SEED: u64 = 0x7C52_0DE3_0000_2026;

/// Seeds the demo register when it is empty, returning how many people were added (0 when the
/// register already had anyone on it).
pub async fn seed(app: &App) -> Result<usize, AppError> {
    if person::Entity::find().count(&app.db).await? > 0 {
        return Ok(0);
    }
    let plans = plan(
        app.clock.today(),
        &app.policies.risk_tool,
        app.policies.schedule.post_discharge_red_days,
    );
    let actor = Actor {
        user_id: None,
        username: "demo".into(),
        role: "commissioner".into(),
    };
    let signed_in = SignedIn {
        session_id: String::new(),
        user: UserView {
            id: Default::default(),
            username: "demo".into(),
            display_name: "Demo data".into(),
            role: Role::Commissioner,
            active: true,
            created_at: app.clock.now(),
            must_change_password: false,
            panel_kind: None,
            email: None,
        },
        started_at: app.clock.now(),
        active_at: app.clock.now(),
    };
    let reader = Reader::of(app, &signed_in);
    // The first person with a visit has a concern from it escalated, so the dashboard shows one.
    let mut escalated = false;
    for (n, p) in plans.iter().enumerate() {
        let escalate = !escalated && p.steps.iter().any(|s| matches!(s, Step::Visit { .. }));
        escalated |= escalate;
        create(app, &actor, &reader, p, escalate)
            .await
            .map_err(|(what, e)| {
                AppError::internal(format!("demo person {} ({what}): {e:?}", n + 1))
            })?;
    }
    seed_referrals(app, &actor, &reader)
        .await
        .map_err(|e| AppError::internal(format!("demo referrals: {e:?}")))?;
    seed_reviews(app, &actor, &reader, &signed_in)
        .await
        .map_err(|e| AppError::internal(format!("demo reviews: {e:?}")))?;
    let inpatients = inpatients::seed_inpatients(app, &actor, &reader)
        .await
        .map_err(|e| AppError::internal(format!("demo inpatients: {e:?}")))?;
    // Last month's return, so the Returns page has one to open and download.
    crate::services::returns::generate(
        app,
        &actor,
        "Cara Commissioner",
        &crate::services::returns::NewReturn {
            kind: Some("monthly".into()),
            period: Some(
                crate::domain::returns::Period::latest_ended(
                    crate::domain::returns::ReturnKind::Monthly,
                    app.clock.today(),
                )
                .label(),
            ),
        },
    )
    .await
    .map_err(|e| AppError::internal(format!("demo return: {e:?}")))?;
    Ok(plans.len() + inpatients)
}

/// Registers one planned person and plays their history through the services, in date order.
async fn create(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    p: &Planned,
    escalate: bool,
) -> Result<(), (&'static str, AppError)> {
    let person = people::register(app, actor, p.input.clone())
        .await
        .map_err(|e| ("register", e))?;
    let mut admission_id = None;
    // Only their first visit's concern is escalated.
    let mut escalate = escalate;
    for step in &p.steps {
        match step {
            Step::Assess {
                on,
                answers,
                rating,
                reason,
            } => {
                let input = NewAssessment {
                    assessed_on: Some(on.to_string()),
                    answers: Some(
                        answers
                            .iter()
                            .map(|(k, v)| (k.clone(), serde_json::Value::Bool(*v)))
                            .collect(),
                    ),
                    rating: rating.map(|r| r.as_str().to_string()),
                    override_reason: reason.map(String::from),
                };
                risk::assess(app, actor, reader, &person.id, input)
                    .await
                    .map_err(|e| ("assessment", e))?;
            }
            Step::Admit {
                on,
                hospital,
                security_level,
                legal_status,
                planned_discharge_on,
            } => {
                let input = NewAdmission {
                    admitted_on: Some(on.to_string()),
                    hospital: Some(hospital.to_string()),
                    hospital_ods_code: None,
                    security_level: Some(security_level.to_string()),
                    legal_status: Some(legal_status.to_string()),
                    planned_discharge_on: planned_discharge_on.map(|d| d.to_string()),
                };
                let stay = admissions::admit(app, actor, reader, &person.id, input)
                    .await
                    .map_err(|e| ("admission", e))?;
                admission_id = Some(stay.id);
            }
            Step::Visit { on, visitor } => {
                let input = NewVisit {
                    visited_on: Some(on.to_string()),
                    visitor: Some(visitor.to_string()),
                    seen_in_person: Some(true),
                    views: Some("Wants to go home, and to see their family more often.".into()),
                    restrictive_practices: Some(vec!["none_observed".into()]),
                    actions_agreed: Some(
                        "Ward to share the discharge plan with the family.".into(),
                    ),
                    ..NewVisit::default()
                };
                let concern = "Restrained twice this month; the family were not told.";
                let input = if escalate {
                    NewVisit {
                        concerns: Some(concern.to_string()),
                        restrictive_practices: Some(vec!["physical_restraint".into()]),
                        ..input
                    }
                } else {
                    input
                };
                let visit = admissions::record_visit(app, actor, reader, &person.id, input)
                    .await
                    .map_err(|e| ("visit", e))?;
                if escalate {
                    let raise = crate::services::escalations::NewEscalation {
                        raised_on: Some(on.to_string()),
                        concern: Some(concern.into()),
                        urgency: Some("urgent".into()),
                        visit_id: Some(visit.id),
                    };
                    crate::services::escalations::raise(app, actor, reader, &person.id, raise)
                        .await
                        .map_err(|e| ("escalation", e))?;
                    escalate = false;
                }
            }
            Step::Discharge { on, destination } => {
                let id = admission_id.take().ok_or((
                    "discharge",
                    AppError::internal("discharge planned without an admission"),
                ))?;
                let input = Discharge {
                    discharged_on: Some(on.to_string()),
                    destination: Some(destination.to_string()),
                };
                admissions::discharge(app, actor, reader, &id, input)
                    .await
                    .map_err(|e| ("discharge", e))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// Removes the test database (and SQLite's side files) however the test ends.
    struct TempDb(PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = self.0.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }

    #[rocket::async_test]
    async fn seeds_an_empty_register_once_through_the_services() {
        let path = std::env::temp_dir().join(format!(
            "tcr-demo-test-{}.db",
            uuid::Uuid::new_v4().simple()
        ));
        let _cleanup = TempDb(path.clone());
        let settings = crate::config::Settings {
            database_url: format!("sqlite://{}?mode=rwc", path.display()),
            policies_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies"),
            ..Default::default()
        };
        let app = crate::prepare(settings, Arc::new(crate::clock::SystemClock))
            .await
            .expect("prepare");

        let created = seed(&app).await.expect("seed");
        assert!((55..=65).contains(&created), "created {created}");
        let rows = person::Entity::find().all(&app.db).await.expect("people");
        assert_eq!(rows.len(), created);
        assert!(rows.iter().all(|p| p.nhs_number.starts_with("999")));
        let distinct: HashSet<&str> = rows.iter().map(|p| p.nhs_number.as_str()).collect();
        assert_eq!(distinct.len(), rows.len(), "NHS numbers are unique");

        assert_eq!(seed(&app).await.expect("second seed"), 0);
        let chain = crate::services::audit::verify_chain(&app.db)
            .await
            .expect("verify");
        assert!(chain.ok, "audit chain: {:?}", chain.problem);
    }
}
