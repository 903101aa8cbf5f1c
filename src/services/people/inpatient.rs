//! Inpatient-only entries (NHS England's Assuring Transformation collection): someone in a
//! mental health hospital whom the ICB commissions a bed for, recorded without register consent,
//! and never on the register until they give it (`POST /api/v1/people` with their NHS number
//! makes the entry a register entry through the consent gate, keeping its stays). And the
//! objection to identifiable sharing, which any entry may record.

use super::register::{Joining, insert_person};
use super::*;
use crate::services::admissions::{self, AdmissionView, NewAdmission};

/// The body of `POST /api/v1/inpatients`: the identifying details the collection needs, and
/// the admission.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewInpatient {
    #[schemars(with = "crate::services::schema::NhsNumber")]
    pub nhs_number: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub given_name: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub family_name: Option<String>,
    #[schemars(with = "crate::services::schema::Day")]
    pub date_of_birth: Option<String>,
    /// `female`, `male`, `indeterminate` or `not_known`.
    #[schemars(with = "crate::domain::person::Sex")]
    pub sex: Option<String>,
    /// The NHS ethnic category's code; optional.
    #[schemars(with = "Option<crate::domain::ethnicity::Ethnicity>")]
    pub ethnicity: Option<String>,
    #[schemars(with = "crate::services::schema::Postcode")]
    pub postcode: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub local_authority: Option<String>,
    pub learning_disability: Option<bool>,
    pub autism: Option<bool>,
    pub ehcp: Option<bool>,
    /// A child's social worker, when one is named (the Children Act duty reads it).
    #[schemars(with = "Option<crate::services::schema::Note<200>>")]
    pub social_worker: Option<String>,
    #[schemars(with = "NewAdmission")]
    pub admission: Option<NewAdmission>,
}

impl NewInpatient {
    /// The person's details in the register's own shape, so that one check serves both: in
    /// hospital is their setting, and the register's other fields are empty.
    fn as_person(&self) -> NewPerson {
        NewPerson {
            nhs_number: self.nhs_number.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            date_of_birth: self.date_of_birth.clone(),
            sex: self.sex.clone(),
            ethnicity: self.ethnicity.clone(),
            postcode: self.postcode.clone(),
            local_authority: self.local_authority.clone(),
            learning_disability: self.learning_disability,
            autism: self.autism,
            ehcp: self.ehcp,
            setting: Some(Setting::Hospital.as_str().into()),
            social_worker: self.social_worker.clone(),
            ..NewPerson::default()
        }
    }
}

/// A new inpatient-only entry and its admission.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InpatientView {
    #[serde(flatten)]
    pub person: PersonView,
    pub admission: AdmissionView,
}

/// Records an inpatient-only entry with its admission, in one transaction with their audit
/// entries. Someone already with an entry (on the register, or inpatient-only) is admitted on
/// it instead: 409.
pub async fn record_inpatient(
    app: &App,
    actor: &Actor,
    input: NewInpatient,
) -> Result<InpatientView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let details = check_details(&mut c, &input.as_person(), today);
    let mut inner = Check::default();
    let admission = match &input.admission {
        Some(a) => admissions::check_admission_fields(&mut inner, a, today),
        None => {
            c.fail(
                "admission",
                "Record the admission: an inpatient-only entry is for someone in hospital",
            );
            None
        }
    };
    if let (Some(d), Some(a)) = (&details, &admission)
        && a.admitted_on < d.date_of_birth
    {
        inner.fail(
            "admitted_on",
            "The admission cannot be before the date of birth",
        );
    }
    c.nest("admission", inner);
    c.finish()?;
    let (Some(details), Some(admission)) = (details, admission) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    let from = admission.admitted_on;
    let id = insert_person(&tx, actor, &details, Joining::InpatientOnly { from })
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Conflict(
                "Someone with that NHS number already has an entry: record the admission on it."
                    .into(),
            ),
            e => e,
        })?;
    tx.record(actor, Event::person("person.inpatient_only", &id))
        .await?;
    let stay = admissions::admit_in(&mut tx, actor, &id, admission).await?;
    let person = view_by_id(tx.conn(), &id, today, &app.policies.schedule).await?;
    tx.commit().await?;
    Ok(InpatientView {
        person,
        admission: stay,
    })
}

/// The body of `POST /api/v1/people/{id}/objection`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct Objection {
    /// The day the objection (or its withdrawal) was recorded: not in the future.
    #[schemars(with = "crate::services::schema::Day")]
    pub recorded_on: Option<String>,
    /// Whether the person objects to identifiable data being shared.
    pub objects: Option<bool>,
}

/// Records that the person objects to identifiable sharing, or no longer does. Every return
/// and export produced from then on carries a local reference and age band for them instead of
/// NHS number, name, date of birth and postcode (returns already produced stay as they were).
pub async fn record_objection(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
    input: Objection,
) -> Result<PersonView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let recorded_on = c.past_date(
        "recorded_on",
        "the date it was recorded",
        &input.recorded_on,
        today,
    );
    if input.objects.is_none() {
        c.fail("objects", "Say whether they object: true or false");
    }
    c.finish()?;
    let (Some(recorded_on), Some(objects)) = (recorded_on, input.objects) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    let current = find_readable(tx.conn(), reader, id).await?;
    if current.status == Status::Withdrawn {
        return Err(AppError::Conflict(
            "Consent was withdrawn for this person: their record is not shared.".into(),
        ));
    }
    if objects == current.objects_since.is_some() {
        return Err(AppError::Conflict(if objects {
            "An objection is already recorded for this person.".into()
        } else {
            "No objection is recorded for this person.".into()
        }));
    }
    let mut row: person::ActiveModel = current.into();
    row.objects_since = Set(objects.then_some(recorded_on));
    row.updated_at = Set(tx.now());
    row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::person("person.objection", id).detail(
            serde_json::json!({"objects": objects, "recorded_on": recorded_on.to_string()}),
        ),
    )
    .await?;
    let person = view_by_id(tx.conn(), id, today, &app.policies.schedule).await?;
    tx.commit().await?;
    Ok(person)
}
