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
use crate::domain::inpatients::StayItems;
use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::domain::risk::Rating;
use crate::entities::{admission, admission_revision, rating_event};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use time::Date;

mod change;
mod items;
mod transfer;
mod visits;
pub use change::update;
pub use items::{BarrierInput, ItemsInput};
pub use transfer::{EpisodeView, Transfer, transfer};
pub use visits::{NewVisit, VisitView, record_visit};

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewAdmission {
    #[schemars(with = "crate::services::schema::Day")]
    pub admitted_on: Option<String>,
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub hospital: Option<String>,
    /// The hospital's organisation (ODS) code: 3 to 10 letters and digits.
    #[schemars(with = "Option<crate::services::schema::Text<10>>")]
    pub hospital_ods_code: Option<String>,
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
    /// The Assuring Transformation items: each absent is unchanged, each empty is cleared.
    #[serde(flatten)]
    pub items: ItemsInput,
}

/// A spell in hospital as the API and pages show it: its current (or last) episode's id and
/// hospital, and every episode.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AdmissionView {
    /// The current (or last) episode's id: the admission's own until a transfer. Any of the
    /// spell's ids addresses it in `/api/v1/admissions/{id}`.
    pub id: StayId,
    /// The spell's id: the same through every transfer.
    pub spell_id: StayId,
    pub person_id: PersonId,
    /// The day the spell began (length of stay counts from it).
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub admitted_on: Date,
    /// The day the current episode began: the admission day until a transfer.
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub episode_started_on: Date,
    pub hospital: String,
    pub hospital_ods_code: Option<String>,
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
    /// The spell's episodes, oldest first (one unless they were transferred).
    pub episodes: Vec<EpisodeView>,
    /// Whether they were on the register the day before the admission (worked out from the
    /// register's dated history, never typed).
    pub on_register_before_admission: bool,
    /// The Assuring Transformation items recorded on the stay, as they stand now.
    #[serde(flatten)]
    pub items: StayItems,
}

/// Whether the person stood on the register at the end of the day before `admitted_on` (the
/// collection's "on the register before admission", worked out).
pub(crate) fn on_register_before(p: &crate::entities::person::Model, admitted_on: Date) -> bool {
    admitted_on
        .previous_day()
        .is_some_and(|day| crate::services::people::standing(p).on_register_on(day))
}

/// The stay's items as stored.
pub(crate) fn stored_items(a: &admission::Model) -> Result<StayItems, AppError> {
    StayItems::from_stored(a.items.as_deref()).map_err(|e| AppError::failed("a stay's items", e))
}

/// A spell as shown, with its visits and episodes read.
pub(super) async fn view_of(
    db: &impl ConnectionTrait,
    scope: Scope,
    a: &admission::Model,
) -> Result<AdmissionView, AppError> {
    let visits = visits::visits_of(db, scope, &a.id).await?;
    let person = scope
        .by_id::<crate::entities::person::Entity>(a.person_id.clone())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Person"))?;
    let revisions = scope
        .select::<admission_revision::Entity>()
        .filter(admission_revision::Column::AdmissionId.eq(a.id.clone()))
        .order_by_asc(admission_revision::Column::EffectiveOn)
        .order_by_asc(admission_revision::Column::ValidUntil)
        .all(db)
        .await?;
    Ok(AdmissionView {
        id: a.episode_id.clone(),
        spell_id: a.id.clone(),
        person_id: a.person_id.clone(),
        admitted_on: a.admitted_on,
        episode_started_on: a.episode_started_on,
        hospital: a.hospital.clone(),
        hospital_ods_code: a.hospital_ods_code.clone(),
        security_level: a.security_level,
        legal_status: a.legal_status,
        planned_discharge_on: a.planned_discharge_on,
        discharged_on: a.discharged_on,
        destination: a.destination.clone(),
        visits,
        episodes: transfer::episodes(a, &revisions),
        on_register_before_admission: on_register_before(&person, a.admitted_on),
        items: stored_items(a)?,
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

/// A spell of someone the reader may see, by its own id or its current episode's; any other
/// id is "not found", in the same words as for an id that does not exist. An episode that a
/// transfer ended is a conflict naming the episode the spell goes on in.
pub(super) async fn find_stay(
    db: &impl ConnectionTrait,
    reader: &Reader,
    admission_id: &StayId,
) -> Result<admission::Model, AppError> {
    let not_found = || AppError::not_found("Admission");
    let found = reader
        .scope
        .select::<admission::Entity>()
        .filter(
            sea_orm::Condition::any()
                .add(admission::Column::Id.eq(admission_id))
                .add(admission::Column::EpisodeId.eq(admission_id)),
        )
        .one(db)
        .await?;
    let stay = match found {
        Some(stay) => stay,
        None => {
            return Err(ended_episode(db, reader, admission_id)
                .await?
                .unwrap_or_else(not_found));
        }
    };
    match find_readable(db, reader, &stay.person_id).await {
        Ok(_) => Ok(stay),
        Err(AppError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(e),
    }
}

/// The conflict for an episode a transfer ended, if `id` is one the reader may see.
async fn ended_episode(
    db: &impl ConnectionTrait,
    reader: &Reader,
    id: &StayId,
) -> Result<Option<AppError>, AppError> {
    let Some(ended) = reader
        .scope
        .select::<admission_revision::Entity>()
        .filter(admission_revision::Column::EpisodeId.eq(id))
        .order_by_desc(admission_revision::Column::EffectiveOn)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let stay = reader
        .scope
        .by_id::<admission::Entity>(&ended.admission_id)
        .one(db)
        .await?;
    Ok(match stay {
        Some(s) if find_readable(db, reader, &s.person_id).await.is_ok() => {
            Some(AppError::Conflict(format!(
                "That episode ended with a transfer on {}: the stay goes on as {}.",
                crate::domain::dates::long_date(ended.effective_on),
                s.episode_id
            )))
        }
        _ => None,
    })
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
    let checked = check_admission(&input, app.clock.today())?;
    let mut tx = audit::begin(app).await?;
    check_may_admit(tx.conn(), reader, person_id, checked.admitted_on).await?;
    let view = admit_in(&mut tx, actor, person_id, checked).await?;
    tx.commit().await?;
    Ok(view)
}

/// An admission checked against the person's record, then written, inside the caller's
/// transaction (a row of an import that names an open admission).
pub(crate) async fn admit_checked_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
    checked: CheckedAdmission,
) -> Result<(), AppError> {
    check_may_admit(tx.conn(), reader, person_id, checked.admitted_on).await?;
    admit_in(tx, actor, person_id, checked).await?;
    Ok(())
}

/// Writes a checked admission, its blue rating event and its audit entry inside the caller's
/// transaction (an admission on its own, or with a new inpatient-only entry).
pub(crate) async fn admit_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    person_id: &PersonId,
    checked: CheckedAdmission,
) -> Result<AdmissionView, AppError> {
    let CheckedAdmission {
        admitted_on,
        hospital,
        ods_code,
        security,
        legal,
        planned,
    } = checked;
    let id = StayId::new();
    let row = admission::ActiveModel {
        id: Set(id.clone()),
        person_id: Set(person_id.into()),
        admitted_on: Set(admitted_on),
        hospital: Set(hospital),
        hospital_ods_code: Set(ods_code),
        episode_id: Set(id),
        episode_started_on: Set(admitted_on),
        security_level: Set(security),
        legal_status: Set(legal),
        planned_discharge_on: Set(planned),
        discharged_on: Set(None),
        destination: Set(None),
        items: Set(None),
        recorded_by: Set(actor.username.clone()),
        recorded_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?;
    add_rating_event(
        tx,
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
    view_of(tx.conn(), Scope::Register, &row).await
}

/// A new admission's fields once checked.
pub(crate) struct CheckedAdmission {
    pub(crate) admitted_on: Date,
    hospital: String,
    ods_code: Option<String>,
    security: SecurityLevel,
    legal: LegalStatus,
    planned: Option<Date>,
}

/// An optional ODS code (`hospital_ods_code`): empty means none.
fn check_ods_code(c: &mut Check, raw: &Option<String>) -> Option<String> {
    let typed = c.optional_text("hospital_ods_code", "the hospital's ODS code", raw, 12)?;
    let code = crate::domain::inpatients::ods_code(&typed);
    if code.is_none() {
        c.fail(
            "hospital_ods_code",
            crate::domain::inpatients::ODS_CODE_RULE,
        );
    }
    code
}

/// Checks a new admission's fields before anything is read, so that all the field errors come
/// back together.
pub(crate) fn check_admission(
    input: &NewAdmission,
    today: Date,
) -> Result<CheckedAdmission, AppError> {
    let mut c = Check::default();
    let checked = check_admission_fields(&mut c, input, today);
    c.finish()?;
    checked.ok_or_else(|| AppError::internal("checked input incomplete"))
}

/// A new admission's fields, each problem named by field in `c` (the caller nests them when
/// the admission is part of a larger body: `Check::nest`).
pub(crate) fn check_admission_fields(
    c: &mut Check,
    input: &NewAdmission,
    today: Date,
) -> Option<CheckedAdmission> {
    let admitted_on = c.past_date(
        "admitted_on",
        "the admission date",
        &input.admitted_on,
        today,
    );
    let hospital = c.text("hospital", "the hospital", &input.hospital, 200);
    let ods_code = check_ods_code(c, &input.hospital_ods_code);
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
    Some(CheckedAdmission {
        admitted_on: admitted_on?,
        hospital,
        ods_code,
        security: security?,
        legal: legal?,
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
    if !person.status.in_care() {
        return Err(AppError::Conflict(
            "Only people on the active register or with an inpatient-only entry can be admitted here.".into(),
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
        updated.id.as_str(),
        Some(format!(
            "Discharged to {destination}: red for at least {days} days"
        )),
    )
    .await?;
    tx.record(
        actor,
        Event::person("admission.discharge", &person_id)
            .detail(serde_json::json!({"admission_id": updated.id})),
    )
    .await?;
    let view = view_of(tx.conn(), reader.scope, &updated).await?;
    tx.commit().await?;
    Ok(view)
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
        out.push(view_of(db, scope, a).await?);
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
    view_of(db, reader.scope, &a).await
}
