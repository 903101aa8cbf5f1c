//! Dated changes to an open stay (security level, legal status, planned discharge, from a
//! day), and the revision each change (or transfer) leaves of the values before it.

use super::{AdmissionChange, AdmissionView, find_stay, stored_items, view_of};
use crate::domain::dates::DateKind;
use crate::domain::ids::StayId;
use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::entities::{admission, admission_revision};
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use crate::services::people::Reader;
use crate::services::scope::Scope;
use crate::services::{Actor, App};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use time::Date;

/// Changes an open admission; the next inpatient review's due date follows at once.
pub async fn update(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    admission_id: &StayId,
    input: AdmissionChange,
) -> Result<AdmissionView, AppError> {
    let CheckedChange {
        security,
        legal,
        planned,
        effective_on,
    } = check_change(&input, app.clock.today())?;
    let mut tx = audit::begin(app).await?;
    let stay = find_stay(tx.conn(), reader, admission_id).await?;
    let items = if input.items.any() {
        let mut c = Check::default();
        let now = stored_items(&stay)?;
        let items = input.items.applied(
            &mut c,
            &app.policies.collection,
            now.clone(),
            stay.admitted_on,
            app.clock.today(),
        );
        c.finish()?;
        (items != now).then_some(items)
    } else {
        None
    };
    if planned.is_some_and(|p| p < stay.admitted_on) {
        return Err(AppError::field(
            "planned_discharge_on",
            "The planned discharge cannot be before the admission",
        ));
    }
    check_changeable(
        tx.conn(),
        &stay,
        ("effective_on", "the change"),
        effective_on,
    )
    .await?;
    let person_id = stay.person_id.clone();
    keep_as_revision(&tx, &stay, effective_on).await?;
    let mut row: admission::ActiveModel = stay.into();
    let mut changed = Vec::new();
    if let Some(Some(s)) = security {
        row.security_level = Set(s);
        changed.push("security_level");
    }
    if let Some(Some(l)) = legal {
        row.legal_status = Set(l);
        changed.push("legal_status");
    }
    if let Some(p) = planned {
        row.planned_discharge_on = Set(Some(p));
        changed.push("planned_discharge_on");
    }
    if let Some(items) = items {
        row.items = Set(items.to_stored());
        changed.push("items");
    }
    let updated = row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::person("admission.update", &person_id).detail(serde_json::json!({
            "admission_id": updated.id,
            "fields": changed,
            "effective_on": effective_on.to_string(),
        })),
    )
    .await?;
    let view = view_of(tx.conn(), reader.scope, &updated).await?;
    tx.commit().await?;
    Ok(view)
}

/// Keeps a stay's values as they stood until `effective_on` (when a change or a transfer took
/// effect), so that a return as at an earlier day reads them.
pub(super) async fn keep_as_revision(
    tx: &audit::AuditedTx,
    stay: &admission::Model,
    effective_on: Date,
) -> Result<(), AppError> {
    admission_revision::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        admission_id: Set(stay.id.clone()),
        valid_until: Set(tx.now()),
        effective_on: Set(effective_on),
        episode_id: Set(stay.episode_id.clone()),
        hospital: Set(stay.hospital.clone()),
        hospital_ods_code: Set(stay.hospital_ods_code.clone()),
        security_level: Set(stay.security_level),
        legal_status: Set(stay.legal_status),
        planned_discharge_on: Set(stay.planned_discharge_on),
        items: Set(stay.items.clone()),
    }
    .insert(tx.conn())
    .await?;
    Ok(())
}

/// A dated change's fields once checked; `None` is a field not given (it stays as it is).
struct CheckedChange {
    security: Option<Option<SecurityLevel>>,
    legal: Option<Option<LegalStatus>>,
    planned: Option<Date>,
    effective_on: Date,
}

/// Checks a dated change's fields before the stay is read, so that all the field errors come
/// back together; the change takes effect today unless another day is given.
fn check_change(input: &AdmissionChange, today: Date) -> Result<CheckedChange, AppError> {
    let mut c = Check::default();
    let security = input.security_level.as_ref().map(|_| {
        c.choice(
            "security_level",
            "the security level",
            &input.security_level,
            SecurityLevel::parse,
            SecurityLevel::choices(),
        )
    });
    let legal = input.legal_status.as_ref().map(|_| {
        c.choice(
            "legal_status",
            "the legal status",
            &input.legal_status,
            LegalStatus::parse,
            LegalStatus::choices(),
        )
    });
    let planned = c.optional_dated(
        "planned_discharge_on",
        "the planned discharge date",
        &input.planned_discharge_on,
        DateKind::Planned,
        today,
    );
    let effective_on = c
        .optional_dated(
            "effective_on",
            "the day the change took effect",
            &input.effective_on,
            DateKind::Event,
            today,
        )
        .unwrap_or(today);
    let blank = |v: &Option<String>| v.as_deref().map(str::trim).is_none_or(str::is_empty);
    if blank(&input.security_level)
        && blank(&input.legal_status)
        && blank(&input.planned_discharge_on)
        && !input.items.any()
    {
        c.fail(
            "security_level",
            "Give what changed: the security level, the legal status, the planned discharge date or an Assuring Transformation item",
        );
    }
    c.finish()?;
    Ok(CheckedChange {
        security,
        legal,
        planned,
        effective_on,
    })
}

/// Whether the stay may take a change (or a transfer) from `on`, in this order (the first
/// problem wins): still open, `on` not before the admission, and not before the stay's latest
/// recorded change. `field` names the day's field and what happened on it, for the messages.
pub(super) async fn check_changeable(
    db: &impl ConnectionTrait,
    stay: &admission::Model,
    (field, what): (&str, &str),
    on: Date,
) -> Result<(), AppError> {
    if stay.discharged_on.is_some() {
        return Err(AppError::Conflict(
            "This admission has ended: it can no longer be changed.".into(),
        ));
    }
    if on < stay.admitted_on {
        return Err(AppError::field(
            field,
            format!(
                "The day of {what} cannot be before the admission ({})",
                crate::domain::dates::long_date(stay.admitted_on)
            ),
        ));
    }
    // Changes stay in order: one dated before the latest recorded change would rewrite what
    // that one replaced.
    let latest = Scope::Register
        .select::<admission_revision::Entity>()
        .filter(admission_revision::Column::AdmissionId.eq(stay.id.clone()))
        .order_by_desc(admission_revision::Column::EffectiveOn)
        .one(db)
        .await?
        .map(|r| r.effective_on);
    if let Some(latest) = latest.filter(|l| on < *l) {
        return Err(AppError::field(
            field,
            format!(
                "The day of {what} cannot be before the stay's latest recorded change ({latest})"
            ),
        ));
    }
    Ok(())
}
