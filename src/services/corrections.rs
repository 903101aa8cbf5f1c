//! Corrections that rewrite history, each with a reason kept in the audit trail: a stay's
//! admission date, hospital, security level and legal status as recorded, and a risk
//! assessment voided as entered in error. Unlike a dated change, a correction says the record
//! was wrong from the start; stored returns keep their bytes, everything read later follows it.

use super::admissions::{self, AdmissionChange, AdmissionView, find_stay, view_of};
use super::audit::{self, Event};
use super::input::Check;
use super::people::{Reader, find_readable};
use super::scope::Scope;
use super::{Actor, App};
use crate::domain::ids::{PersonId, StayId};
use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::domain::risk::Rating;
use crate::entities::{admission, admission_revision, rating_event, risk_assessment, visit};
use crate::error::AppError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// The body of `PATCH /api/v1/admissions/{id}`: either a dated change (`effective_on`, with
/// any of `security_level`, `legal_status`, `planned_discharge_on`) or, with a
/// `correction_reason`, a correction of the stay as recorded (any of `admitted_on`,
/// `hospital`, `security_level`, `legal_status`). The two kinds are not mixed in one call:
/// `effective_on` or `planned_discharge_on` with a `correction_reason` is refused (422), and so
/// is `admitted_on` or `hospital` without one.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AdmissionPatch {
    /// The dated change's fields (`security_level` and `legal_status` also serve a correction).
    #[serde(flatten)]
    pub change: AdmissionChange,
    /// Correction only: the day the stay really began.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub admitted_on: Option<String>,
    /// Correction only: the hospital the stay was really in.
    #[schemars(with = "Option<crate::services::schema::Text<200>>")]
    pub hospital: Option<String>,
    /// Why the record was wrong; makes the call a correction.
    #[schemars(with = "Option<crate::services::schema::Note<2000>>")]
    pub correction_reason: Option<String>,
}

/// A correction of a stay as recorded; absent fields are unchanged. `security_level` and
/// `legal_status` correct the values in force now (since the stay's latest dated change, or
/// since admission when there is none): earlier dated periods stay as they were recorded.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AdmissionCorrection {
    pub admitted_on: Option<String>,
    pub hospital: Option<String>,
    pub security_level: Option<String>,
    pub legal_status: Option<String>,
    pub reason: Option<String>,
}

fn given(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// `PATCH /api/v1/admissions/{id}`: a correction when a reason is given, else a dated change.
pub async fn patch_admission(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    admission_id: &StayId,
    input: AdmissionPatch,
) -> Result<AdmissionView, AppError> {
    if input.correction_reason.is_some() {
        let mut c = Check::default();
        for (field, v) in [
            ("effective_on", &input.change.effective_on),
            ("planned_discharge_on", &input.change.planned_discharge_on),
        ] {
            if given(v) {
                c.fail(
                    field,
                    "A correction rewrites the stay as recorded and has no effective date: make a dated change (without correction_reason) separately",
                );
            }
        }
        if input.change.items.any() {
            c.fail(
                "correction_reason",
                "The Assuring Transformation items are recorded as a dated change: send them without correction_reason",
            );
        }
        c.finish()?;
        let correction = AdmissionCorrection {
            admitted_on: input.admitted_on,
            hospital: input.hospital,
            security_level: input.change.security_level,
            legal_status: input.change.legal_status,
            reason: input.correction_reason,
        };
        return correct_admission(app, actor, reader, admission_id, correction).await;
    }
    let mut c = Check::default();
    for (field, v) in [
        ("admitted_on", &input.admitted_on),
        ("hospital", &input.hospital),
    ] {
        if given(v) {
            c.fail(
                "correction_reason",
                format!(
                    "Changing {field} corrects the stay as recorded: give the correction_reason"
                ),
            );
        }
    }
    c.finish()?;
    admissions::update(app, actor, reader, admission_id, input.change).await
}

/// Corrects a stay as recorded, in one transaction with its audit entry: the stay's blue
/// rating moves with its start, and the recording rules apply to the corrected stay.
pub async fn correct_admission(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    admission_id: &StayId,
    input: AdmissionCorrection,
) -> Result<AdmissionView, AppError> {
    let checked = check_correction(&input, app.clock.today())?;

    let mut tx = audit::begin(app).await?;
    let stay = find_stay(tx.conn(), reader, admission_id).await?;
    let person = find_readable(tx.conn(), reader, &stay.person_id).await?;
    if !person.status.in_care() {
        return Err(AppError::Conflict(
            "Only the stays of people on the active register or with an inpatient-only entry can be corrected.".into(),
        ));
    }
    let start = checked.admitted_on.unwrap_or(stay.admitted_on);
    if start != stay.admitted_on {
        check_new_start(tx.conn(), &stay, &person, start).await?;
    }
    let Corrected {
        hospital,
        security,
        legal,
        fields,
    } = corrected(
        &stay,
        start,
        checked.hospital,
        checked.security,
        checked.legal,
    )?;
    let person_id = stay.person_id.clone();
    let mut row: admission::ActiveModel = stay.into();
    row.admitted_on = Set(start);
    row.hospital = Set(hospital.clone());
    row.security_level = Set(security);
    row.legal_status = Set(legal);
    let updated = row.update(tx.conn()).await?;
    // The stay's blue rating starts when the stay does.
    rating_event::Entity::update_many()
        .col_expr(rating_event::Column::EffectiveOn, Expr::value(start))
        .col_expr(
            rating_event::Column::Reason,
            Expr::value(format!("Admitted to {hospital}")),
        )
        .filter(rating_event::Column::Source.eq("admission"))
        .filter(rating_event::Column::SourceId.eq(admission_id))
        .exec(tx.conn())
        .await?;
    tx.record(
        actor,
        Event::person("admission.correct", &person_id).detail(serde_json::json!({
            "admission_id": updated.id,
            "fields": fields,
            "reason": checked.reason,
        })),
    )
    .await?;
    let view = view_of(tx.conn(), reader.scope, &updated).await?;
    tx.commit().await?;
    Ok(view)
}

/// A stay correction's fields once checked; `None` is a field not given (it stays as it is).
struct CheckedCorrection {
    admitted_on: Option<Date>,
    hospital: Option<String>,
    security: Option<SecurityLevel>,
    legal: Option<LegalStatus>,
    reason: String,
}

/// Checks a stay correction's fields before the stay is read: each given field, the reason
/// (always required), and that at least one field is given when all else is well.
fn check_correction(
    input: &AdmissionCorrection,
    today: Date,
) -> Result<CheckedCorrection, AppError> {
    let mut c = Check::default();
    let admitted_on = given(&input.admitted_on)
        .then(|| {
            c.past_date(
                "admitted_on",
                "the admission date",
                &input.admitted_on,
                today,
            )
        })
        .flatten();
    let hospital = c.optional_text("hospital", "the hospital", &input.hospital, 200);
    let security = given(&input.security_level)
        .then(|| {
            c.choice(
                "security_level",
                "the security level",
                &input.security_level,
                SecurityLevel::parse,
                SecurityLevel::choices(),
            )
        })
        .flatten();
    let legal = given(&input.legal_status)
        .then(|| {
            c.choice(
                "legal_status",
                "the legal status",
                &input.legal_status,
                LegalStatus::parse,
                LegalStatus::choices(),
            )
        })
        .flatten();
    let reason = c.paragraph(
        "correction_reason",
        "the reason for the correction",
        &input.reason,
        2000,
    );
    if c.is_empty()
        && [
            &input.admitted_on,
            &input.hospital,
            &input.security_level,
            &input.legal_status,
        ]
        .iter()
        .all(|v| !given(v))
    {
        c.fail(
            "admitted_on",
            "Give what was wrong: the admission date, the hospital, the security level or the legal status",
        );
    }
    c.finish()?;
    Ok(CheckedCorrection {
        admitted_on,
        hospital,
        security,
        legal,
        reason,
    })
}

/// The stay's fields as corrected, and what changed (for the audit entry).
struct Corrected {
    hospital: String,
    security: SecurityLevel,
    legal: LegalStatus,
    fields: BTreeMap<String, serde_json::Value>,
}

/// Works out the stay's fields after the correction, each one not given staying as it is;
/// refuses a correction that would change nothing.
fn corrected(
    stay: &admission::Model,
    start: Date,
    hospital: Option<String>,
    security: Option<SecurityLevel>,
    legal: Option<LegalStatus>,
) -> Result<Corrected, AppError> {
    let mut fields = BTreeMap::new();
    let mut note = |name: &str, from: String, to: String| {
        if from != to {
            fields.insert(
                name.to_string(),
                serde_json::json!({"from": from, "to": to}),
            );
        }
    };
    note(
        "admitted_on",
        stay.admitted_on.to_string(),
        start.to_string(),
    );
    let hospital = hospital.unwrap_or_else(|| stay.hospital.clone());
    note("hospital", stay.hospital.clone(), hospital.clone());
    let security = security.unwrap_or(stay.security_level);
    note(
        "security_level",
        stay.security_level.as_str().into(),
        security.as_str().into(),
    );
    let legal = legal.unwrap_or(stay.legal_status);
    note(
        "legal_status",
        stay.legal_status.as_str().into(),
        legal.as_str().into(),
    );
    if fields.is_empty() {
        return Err(AppError::field(
            "admitted_on",
            "Nothing would change: the stay is already recorded that way",
        ));
    }
    Ok(Corrected {
        hospital,
        security,
        legal,
        fields,
    })
}

/// The recording rules, for a stay whose start moves to `start`: not before the person joined
/// the register, not after its discharge, dated changes and visits, not across another stay,
/// and no risk assessment inside it.
async fn check_new_start(
    db: &impl ConnectionTrait,
    stay: &admission::Model,
    person: &crate::entities::person::Model,
    start: Date,
) -> Result<(), AppError> {
    if start < person.registered_on {
        return Err(AppError::field(
            "admitted_on",
            format!(
                "The admission cannot be before the person joined the register ({})",
                crate::domain::dates::long_date(person.registered_on)
            ),
        ));
    }
    if let Some(d) = stay.discharged_on.filter(|d| *d < start) {
        return Err(AppError::field(
            "admitted_on",
            format!("The admission cannot be after the discharge ({d})"),
        ));
    }
    let earliest_change = Scope::Register
        .select::<admission_revision::Entity>()
        .filter(admission_revision::Column::AdmissionId.eq(stay.id.clone()))
        .filter(admission_revision::Column::EffectiveOn.lt(start))
        .order_by_asc(admission_revision::Column::EffectiveOn)
        .one(db)
        .await?;
    if let Some(r) = earliest_change {
        return Err(AppError::Conflict(format!(
            "A change to this stay is recorded from {}, before that admission date: a stay's changes fall inside it",
            crate::domain::dates::long_date(r.effective_on)
        )));
    }
    let earliest_visit = Scope::Register
        .select::<visit::Entity>()
        .filter(visit::Column::AdmissionId.eq(stay.id.clone()))
        .filter(visit::Column::VisitedOn.lt(start))
        .order_by_asc(visit::Column::VisitedOn)
        .one(db)
        .await?;
    if let Some(v) = earliest_visit {
        return Err(AppError::Conflict(format!(
            "An oversight visit is recorded on {}, before that admission date: visits fall inside the stay",
            crate::domain::dates::long_date(v.visited_on)
        )));
    }
    let end = stay.discharged_on;
    let others = Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(stay.person_id.clone()))
        .filter(admission::Column::Id.ne(stay.id.clone()))
        .all(db)
        .await?;
    // Stays are [admitted, discharged): one may begin on the day another ended.
    let overlaps = |o: &admission::Model| {
        o.discharged_on.is_none_or(|d| start < d) && end.is_none_or(|e| o.admitted_on < e)
    };
    if let Some(o) = others.iter().find(|o| overlaps(o)) {
        return Err(AppError::Conflict(format!(
            "That date falls within another stay in hospital (admitted on {}): stays cannot overlap",
            crate::domain::dates::long_date(o.admitted_on)
        )));
    }
    let mut inside = Scope::Register
        .select::<rating_event::Entity>()
        .filter(rating_event::Column::PersonId.eq(stay.person_id.clone()))
        .filter(rating_event::Column::Source.eq("assessment"))
        .filter(rating_event::Column::EffectiveOn.gt(start));
    if let Some(e) = end {
        inside = inside.filter(rating_event::Column::EffectiveOn.lt(e));
    }
    if let Some(a) = inside.one(db).await? {
        return Err(AppError::Conflict(format!(
            "A risk assessment is recorded on {}, which would fall inside the stay: someone in hospital is rated blue, so check the dates",
            crate::domain::dates::long_date(a.effective_on)
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Voiding a risk assessment

/// The body of `POST /api/v1/risk-assessments/{id}/void`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Void {
    /// Why the assessment was entered in error.
    #[schemars(with = "crate::services::schema::Text<2000>")]
    pub reason: Option<String>,
}

/// An assessment with whether, when, by whom and why it was voided.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssessmentRecord {
    pub id: String,
    pub person_id: PersonId,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub assessed_on: Date,
    pub score: i32,
    pub suggested_rating: Rating,
    pub rating: Rating,
    pub override_reason: Option<String>,
    pub tool_version: String,
    pub assessed_by: String,
    pub voided: bool,
    /// When it was voided (RFC 3339).
    pub voided_at: Option<String>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

fn record_view(a: &risk_assessment::Model) -> Result<AssessmentRecord, AppError> {
    Ok(AssessmentRecord {
        id: a.id.clone(),
        person_id: a.person_id.clone(),
        assessed_on: a.assessed_on,
        score: a.score,
        suggested_rating: a.suggested_rating,
        rating: a.rating,
        override_reason: a.override_reason.clone(),
        tool_version: a.tool_version.clone(),
        assessed_by: a.assessed_by.clone(),
        voided: a.voided_at.is_some(),
        voided_at: a.voided_at.map(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        }),
        voided_by: a.voided_by.clone(),
        void_reason: a.void_reason.clone(),
    })
}

/// An assessment of someone the reader may see; any other id is "not found".
pub async fn find_assessment(
    db: &impl ConnectionTrait,
    reader: &Reader,
    id: &str,
) -> Result<AssessmentRecord, AppError> {
    let not_found = || AppError::not_found("Risk assessment");
    let a = reader
        .scope
        .by_id::<risk_assessment::Entity>(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    match find_readable(db, reader, &a.person_id).await {
        Ok(_) => record_view(&a),
        Err(AppError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(e),
    }
}

/// Voids an assessment entered in error: its rating event goes, so the rating history, the
/// current rating, the deadlines and every return made later read as if it was never entered;
/// the assessment itself stays on file, marked voided with who, when and why.
pub async fn void_assessment(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
    input: Void,
) -> Result<AssessmentRecord, AppError> {
    let mut c = Check::default();
    let reason = c.paragraph(
        "reason",
        "why the assessment was entered in error",
        &input.reason,
        2000,
    );
    c.finish()?;
    let mut tx = audit::begin(app).await?;
    let found = find_assessment(tx.conn(), reader, id).await?;
    if found.voided {
        return Err(AppError::Conflict(
            "This assessment has already been voided.".into(),
        ));
    }
    let current = reader
        .scope
        .by_id::<risk_assessment::Entity>(id)
        .one(tx.conn())
        .await?
        .ok_or_else(|| AppError::not_found("Risk assessment"))?;
    let person_id = current.person_id.clone();
    let mut row: risk_assessment::ActiveModel = current.into();
    row.voided_at = Set(Some(tx.now()));
    row.voided_by = Set(Some(actor.username.clone()));
    row.void_reason = Set(Some(reason.clone()));
    let updated = row.update(tx.conn()).await?;
    rating_event::Entity::delete_many()
        .filter(rating_event::Column::Source.eq("assessment"))
        .filter(rating_event::Column::SourceId.eq(id))
        .exec(tx.conn())
        .await?;
    tx.record(
        actor,
        Event::person("risk.void", &person_id).detail(serde_json::json!({
            "assessment_id": id,
            "reason": reason,
        })),
    )
    .await?;
    tx.commit().await?;
    record_view(&updated)
}

/// The voided assessments of someone already found readable, newest first (the person page
/// lists them struck through).
pub async fn voided_of(
    db: &impl ConnectionTrait,
    scope: Scope,
    person_id: &PersonId,
) -> Result<Vec<AssessmentRecord>, AppError> {
    scope
        .select::<risk_assessment::Entity>()
        .filter(risk_assessment::Column::PersonId.eq(person_id))
        .filter(risk_assessment::Column::VoidedAt.is_not_null())
        .order_by_desc(risk_assessment::Column::AssessedOn)
        .all(db)
        .await?
        .iter()
        .map(record_view)
        .collect()
}
