//! Hospital admissions, discharges and commissioner oversight visits. An admission makes the
//! rating blue until discharge; a discharge adds a red rating event.

use super::audit::{self, Event};
use super::input::Check;
use super::people::{Reader, find_readable};
use super::risk::add_rating_event;
use super::scope::Scope;
use super::{Actor, App};
use crate::domain::dates::DateKind;
use crate::domain::ids::{PersonId, StayId};
use crate::domain::person::{LegalStatus, SecurityLevel, Status};
use crate::domain::risk::Rating;
use crate::entities::{admission, admission_revision, rating_event};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use time::Date;

mod visits;
pub(super) use visits::visits_of;
pub use visits::{NewVisit, VisitView, record_visit};

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewAdmission {
    #[schemars(with = "crate::services::schema::Day")]
    pub admitted_on: Option<String>,
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub hospital: Option<String>,
    /// `none`, `low`, `medium` or `high`.
    #[schemars(with = "SecurityLevel")]
    pub security_level: Option<String>,
    /// `informal`, `section_2`, `section_3` or `other`.
    #[schemars(with = "LegalStatus")]
    pub legal_status: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub planned_discharge_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Discharge {
    #[schemars(with = "crate::services::schema::Day")]
    pub discharged_on: Option<String>,
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub destination: Option<String>,
}

/// Changes to an open admission: a step up or down in security, a new legal status, a new
/// planned discharge date, from a given day. Absent fields are unchanged.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AdmissionChange {
    #[schemars(with = "Option<SecurityLevel>")]
    pub security_level: Option<String>,
    #[schemars(with = "Option<LegalStatus>")]
    pub legal_status: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub planned_discharge_on: Option<String>,
    /// The day the change took effect (default today): not before the stay's start or its
    /// latest recorded change, not in the future. Earlier days keep the earlier values.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub effective_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AdmissionView {
    pub id: StayId,
    pub person_id: PersonId,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub admitted_on: Date,
    pub hospital: String,
    pub security_level: SecurityLevel,
    pub legal_status: LegalStatus,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub planned_discharge_on: Option<Date>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub discharged_on: Option<Date>,
    pub destination: Option<String>,
    pub visits: Vec<VisitView>,
}

pub(super) fn admission_view(
    a: &admission::Model,
    visits: Vec<VisitView>,
) -> Result<AdmissionView, AppError> {
    Ok(AdmissionView {
        id: a.id.clone(),
        person_id: a.person_id.clone(),
        admitted_on: a.admitted_on,
        hospital: a.hospital.clone(),
        security_level: a.security_level,
        legal_status: a.legal_status,
        planned_discharge_on: a.planned_discharge_on,
        discharged_on: a.discharged_on,
        destination: a.destination.clone(),
        visits,
    })
}

/// In hospital at the end of `day` on this stay: the one definition (`domain::ratings::Stay`)
/// that ratings, the deadline engine, the dashboard and the returns share.
pub fn in_hospital_on(stay: &admission::Model, day: time::Date) -> bool {
    crate::domain::ratings::Stay {
        admitted_on: stay.admitted_on,
        discharged_on: stay.discharged_on,
    }
    .covers(day)
}

/// A stay of someone the reader may see; any other id is "not found", in the same words as
/// for an id that does not exist.
pub(super) async fn find_stay(
    db: &impl ConnectionTrait,
    reader: &Reader,
    admission_id: &StayId,
) -> Result<admission::Model, AppError> {
    let not_found = || AppError::not_found("Admission");
    let stay = reader
        .scope
        .by_id::<admission::Entity>(admission_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    match find_readable(db, reader, &stay.person_id).await {
        Ok(_) => Ok(stay),
        Err(AppError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(e),
    }
}

async fn open_admission(
    db: &impl ConnectionTrait,
    person_id: &PersonId,
) -> Result<Option<admission::Model>, AppError> {
    Ok(Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person_id))
        .filter(admission::Column::DischargedOn.is_null())
        .one(db)
        .await?)
}

/// Admits someone on the active register to hospital, in one transaction with its audit entry:
/// they are rated blue from the day of admission.
pub async fn admit(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
    input: NewAdmission,
) -> Result<AdmissionView, AppError> {
    let CheckedAdmission {
        admitted_on,
        hospital,
        security,
        legal,
        planned,
    } = check_admission(&input, app.clock.today())?;
    let mut tx = audit::begin(app).await?;
    check_may_admit(tx.conn(), reader, person_id, admitted_on).await?;
    let row = admission::ActiveModel {
        id: Set(StayId::new()),
        person_id: Set(person_id.into()),
        admitted_on: Set(admitted_on),
        hospital: Set(hospital),
        security_level: Set(security),
        legal_status: Set(legal),
        planned_discharge_on: Set(planned),
        discharged_on: Set(None),
        destination: Set(None),
        recorded_by: Set(actor.username.clone()),
        recorded_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?;
    add_rating_event(
        &tx,
        actor,
        person_id,
        Rating::Blue,
        admitted_on,
        "admission",
        row.id.as_str(),
        Some(format!("Admitted to {}", row.hospital)),
    )
    .await?;
    tx.record(
        actor,
        Event::person("admission.create", person_id)
            .detail(serde_json::json!({"admission_id": row.id})),
    )
    .await?;
    tx.commit().await?;
    admission_view(&row, Vec::new())
}

/// A new admission's fields once checked.
struct CheckedAdmission {
    admitted_on: Date,
    hospital: String,
    security: SecurityLevel,
    legal: LegalStatus,
    planned: Option<Date>,
}

/// Checks a new admission's fields before anything is read, so that all the field errors come
/// back together.
fn check_admission(input: &NewAdmission, today: Date) -> Result<CheckedAdmission, AppError> {
    let mut c = Check::default();
    let admitted_on = c.past_date(
        "admitted_on",
        "the admission date",
        &input.admitted_on,
        today,
    );
    let hospital = c.text("hospital", "the hospital", &input.hospital, 200);
    let security = c.choice(
        "security_level",
        "the security level",
        &input.security_level,
        SecurityLevel::parse,
        SecurityLevel::choices(),
    );
    let legal = c.choice(
        "legal_status",
        "the legal status",
        &input.legal_status,
        LegalStatus::parse,
        LegalStatus::choices(),
    );
    let planned = c.optional_dated(
        "planned_discharge_on",
        "the planned discharge date",
        &input.planned_discharge_on,
        DateKind::Planned,
        today,
    );
    if let (Some(a), Some(p)) = (admitted_on, planned)
        && p < a
    {
        c.fail(
            "planned_discharge_on",
            "The planned discharge cannot be before the admission",
        );
    }
    c.finish()?;
    let (Some(admitted_on), Some(security), Some(legal)) = (admitted_on, security, legal) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    Ok(CheckedAdmission {
        admitted_on,
        hospital,
        security,
        legal,
        planned,
    })
}

/// Whether this person may be admitted on `admitted_on`, in this order (the first problem
/// wins): on the active register, not already in hospital, no risk assessment after that day
/// (someone in hospital is rated blue), and not within an earlier stay.
async fn check_may_admit(
    db: &impl ConnectionTrait,
    reader: &Reader,
    person_id: &PersonId,
    admitted_on: Date,
) -> Result<(), AppError> {
    let person = find_readable(db, reader, person_id).await?;
    if person.status != Status::Active {
        return Err(AppError::Conflict(
            "Only people on the active register can be admitted here.".into(),
        ));
    }
    if open_admission(db, person_id).await?.is_some() {
        return Err(AppError::Conflict(
            "This person is already in hospital: record the discharge first.".into(),
        ));
    }
    let later_assessment = Scope::Register
        .select::<rating_event::Entity>()
        .filter(rating_event::Column::PersonId.eq(person_id))
        .filter(rating_event::Column::Source.eq("assessment"))
        .filter(rating_event::Column::EffectiveOn.gt(admitted_on))
        .one(db)
        .await?;
    if let Some(a) = later_assessment {
        return Err(AppError::Conflict(format!(
            "A risk assessment is recorded on {}, after that admission date: someone in hospital is rated blue, so check the dates",
            crate::domain::dates::long_date(a.effective_on)
        )));
    }
    let last_discharge = Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person_id))
        .order_by_desc(admission::Column::DischargedOn)
        .one(db)
        .await?
        .and_then(|a| a.discharged_on);
    if last_discharge.is_some_and(|d| admitted_on < d) {
        return Err(AppError::Conflict(
            "That date falls within an earlier stay in hospital.".into(),
        ));
    }
    Ok(())
}

pub async fn discharge(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    admission_id: &StayId,
    input: Discharge,
) -> Result<AdmissionView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let discharged_on = c.past_date(
        "discharged_on",
        "the discharge date",
        &input.discharged_on,
        today,
    );
    let destination = c.text(
        "destination",
        "where the person went on discharge",
        &input.destination,
        200,
    );
    c.finish()?;
    let Some(discharged_on) = discharged_on else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    let stay = find_stay(tx.conn(), reader, admission_id).await?;
    if stay.discharged_on.is_some() {
        return Err(AppError::Conflict(
            "This admission has already ended.".into(),
        ));
    }
    if discharged_on < stay.admitted_on {
        return Err(AppError::field(
            "discharged_on",
            format!(
                "The discharge cannot be before the admission ({})",
                crate::domain::dates::long_date(stay.admitted_on)
            ),
        ));
    }
    let person_id = stay.person_id.clone();
    let mut row: admission::ActiveModel = stay.into();
    row.discharged_on = Set(Some(discharged_on));
    row.destination = Set(Some(destination.clone()));
    let updated = row.update(tx.conn()).await?;
    let days = app.policies.schedule.post_discharge_red_days;
    add_rating_event(
        &tx,
        actor,
        &person_id,
        Rating::Red,
        discharged_on,
        "discharge",
        admission_id.as_str(),
        Some(format!(
            "Discharged to {destination}: red for at least {days} days"
        )),
    )
    .await?;
    tx.record(
        actor,
        Event::person("admission.discharge", &person_id)
            .detail(serde_json::json!({"admission_id": admission_id})),
    )
    .await?;
    let visits = visits_of(tx.conn(), reader.scope, admission_id).await?;
    tx.commit().await?;
    admission_view(&updated, visits)
}

/// A person's admissions, newest first, with their visits; the read is audited.
pub async fn list_for(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
) -> Result<Vec<AdmissionView>, AppError> {
    find_readable(&app.db, reader, person_id).await?;
    let out = rows_for(&app.db, reader.scope, person_id).await?;
    audit::record_alone(app, actor, Event::person("admission.list", person_id)).await?;
    Ok(out)
}

/// The admissions of someone already found readable, newest first, with their visits.
pub async fn rows_for(
    db: &impl ConnectionTrait,
    scope: Scope,
    person_id: &PersonId,
) -> Result<Vec<AdmissionView>, AppError> {
    let rows = scope
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person_id))
        .order_by_desc(admission::Column::AdmittedOn)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for a in &rows {
        out.push(admission_view(a, visits_of(db, scope, &a.id).await?)?);
    }
    Ok(out)
}

/// One admission of someone the reader may see (the discharge form).
pub async fn get_for(
    db: &impl ConnectionTrait,
    reader: &Reader,
    admission_id: &StayId,
) -> Result<AdmissionView, AppError> {
    let a = find_stay(db, reader, admission_id).await?;
    admission_view(&a, visits_of(db, reader.scope, &a.id).await?)
}

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
    check_changeable(tx.conn(), &stay, planned, effective_on).await?;
    let person_id = stay.person_id.clone();
    // Keep the values as they stood until the change took effect, for returns as at an
    // earlier week.
    admission_revision::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        admission_id: Set(stay.id.clone()),
        valid_until: Set(tx.now()),
        effective_on: Set(effective_on),
        security_level: Set(stay.security_level),
        legal_status: Set(stay.legal_status),
        planned_discharge_on: Set(stay.planned_discharge_on),
    }
    .insert(tx.conn())
    .await?;
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
    let updated = row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::person("admission.update", &person_id).detail(serde_json::json!({
            "admission_id": admission_id,
            "fields": changed,
            "effective_on": effective_on.to_string(),
        })),
    )
    .await?;
    let visits = visits_of(tx.conn(), reader.scope, admission_id).await?;
    tx.commit().await?;
    admission_view(&updated, visits)
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
    {
        c.fail(
            "security_level",
            "Give what changed: the security level, the legal status or the planned discharge date",
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

/// Whether the stay may take this change, in this order (the first problem wins): still open,
/// the planned discharge and the day it took effect not before the admission, and that day
/// not before the stay's latest recorded change.
async fn check_changeable(
    db: &impl ConnectionTrait,
    stay: &admission::Model,
    planned: Option<Date>,
    effective_on: Date,
) -> Result<(), AppError> {
    if stay.discharged_on.is_some() {
        return Err(AppError::Conflict(
            "This admission has ended: it can no longer be changed.".into(),
        ));
    }
    if planned.is_some_and(|p| p < stay.admitted_on) {
        return Err(AppError::field(
            "planned_discharge_on",
            "The planned discharge cannot be before the admission",
        ));
    }
    if effective_on < stay.admitted_on {
        return Err(AppError::field(
            "effective_on",
            format!(
                "The day the change took effect cannot be before the admission ({})",
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
    if let Some(latest) = latest.filter(|l| effective_on < *l) {
        return Err(AppError::field(
            "effective_on",
            format!(
                "The day the change took effect cannot be before the stay's latest recorded change ({latest})"
            ),
        ));
    }
    Ok(())
}
