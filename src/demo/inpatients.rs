//! The demo's inpatient not on the register (NHS England's Assuring Transformation collection):
//! recorded without register consent, moved from one hospital to another, with the
//! collection's items on the stay, and the new hospital rated inadequate with the notification
//! not yet recorded, so the dashboard shows one overdue.

use crate::domain::nhs_number::NhsNumber;
use crate::error::AppError;
use crate::services::admissions::Transfer;
use crate::services::admissions::{self, AdmissionChange, BarrierInput, ItemsInput, NewAdmission};
use crate::services::people::{self, NewInpatient, Reader};
use crate::services::{Actor, App};
use time::{Date, Duration};

/// Records the entry and plays its stay through the services; returns how many people it added.
pub(super) async fn seed_inpatients(
    app: &App,
    actor: &Actor,
    reader: &Reader,
) -> Result<usize, AppError> {
    let today = app.clock.today();
    let ago = |days: i64| (today - Duration::days(days)).to_string();
    // The first of a few fixed test numbers that no planned person holds.
    let mut made = None;
    for last in 1..=9u8 {
        let Some(nhs) = NhsNumber::from_first_nine([9, 9, 9, 9, 9, 9, 9, 0, last]) else {
            continue;
        };
        let input = NewInpatient {
            nhs_number: Some(nhs.digits().to_string()),
            given_name: Some("Dylan".into()),
            family_name: Some("Okonjo-Reeve".into()),
            date_of_birth: Some(born(today).to_string()),
            sex: Some("male".into()),
            postcode: Some("PE7 3AB".into()),
            local_authority: Some("Peterborough".into()),
            learning_disability: Some(true),
            autism: Some(true),
            admission: Some(NewAdmission {
                admitted_on: Some(ago(40)),
                hospital: Some("Hospital Fenwood".into()),
                hospital_ods_code: Some("RT1AB".into()),
                security_level: Some("low".into()),
                legal_status: Some("section_3".into()),
                planned_discharge_on: None,
            }),
            ..NewInpatient::default()
        };
        match people::record_inpatient(app, actor, input).await {
            Ok(v) => {
                made = Some(v);
                break;
            }
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    let Some(made) = made else {
        return Ok(0);
    };
    let stay = made.admission.id;
    let items = ItemsInput {
        provider: Some("Fenwood Care Partnership".into()),
        admission_reason: Some("risk_to_others".into()),
        advocate_type: Some("imha".into()),
        ehc_plan: Some("not_applicable".into()),
        cqc_rating: Some("good".into()),
        discharge_barriers: Some(vec![BarrierInput {
            code: Some("no_accommodation".into()),
            since: Some(ago(30)),
        }]),
        ..ItemsInput::default()
    };
    admissions::update(
        app,
        actor,
        reader,
        &stay,
        AdmissionChange {
            effective_on: Some(ago(38)),
            items,
            ..AdmissionChange::default()
        },
    )
    .await?;
    let moved = admissions::transfer(
        app,
        actor,
        reader,
        &stay,
        Transfer {
            transferred_on: Some(ago(12)),
            hospital: Some("Hospital Marshgate".into()),
            hospital_ods_code: Some("RV5".into()),
            security_level: Some("medium".into()),
            legal_status: Some("section_3".into()),
        },
    )
    .await?;
    admissions::update(
        app,
        actor,
        reader,
        &moved.id,
        AdmissionChange {
            effective_on: Some(ago(12)),
            items: ItemsInput {
                cqc_rating: Some("inadequate".into()),
                ..ItemsInput::default()
            },
            ..AdmissionChange::default()
        },
    )
    .await?;
    Ok(1)
}

/// Twenty-three years old today.
fn born(today: Date) -> Date {
    today.replace_year(today.year() - 23).unwrap_or(today) - Duration::days(40)
}
