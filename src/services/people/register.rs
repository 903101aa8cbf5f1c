//! Adding people through the consent gate, and reading one back (audited).

use super::*;

pub(super) fn check_new(
    input: &NewPerson,
    today: Date,
) -> Result<(Details, Consent, Date), AppError> {
    let mut c = Check::default();
    let details = check_details(&mut c, input, today);
    let consent = check_consent_fields(&mut c, &input.consent, today);
    let registered_on = c.optional_dated(
        "registered_on",
        "the registration date",
        &input.registered_on,
        DateKind::Event,
        today,
    );
    c.finish()?;
    let (Some(details), Some(consent)) = (details, consent) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    consent::check(&consent, details.date_of_birth, today).map_err(consent_refused)?;
    let registered_on = consent::registration_day(&consent, registered_on, today)
        .map_err(|r| AppError::field(r.field, r.message))?;
    Ok((details, consent, registered_on))
}

/// The consent gate and every field check of a new entry, writing nothing: the day they would
/// join the register, or every problem by field (`consent_required` when the consent is what
/// fails). An import judges each row by this before anything is written.
pub fn check_entry(input: &NewPerson, today: Date) -> Result<Date, AppError> {
    check_new(input, today).map(|(_, _, registered_on)| registered_on)
}

/// Adds a person through the consent gate: nothing is written unless all of it is valid.
pub async fn register(app: &App, actor: &Actor, input: NewPerson) -> Result<PersonView, AppError> {
    let today = app.clock.today();
    let mut tx = audit::begin(app).await?;
    let id = register_in(&mut tx, actor, &input, today).await?;
    let records = load_records(
        tx.conn(),
        Scope::Register,
        Whose::One(&id),
        &app.policies.schedule,
        false,
    )
    .await?;
    let model = Scope::Register
        .by_id::<person::Entity>(&id)
        .one(tx.conn())
        .await?
        .ok_or_else(|| AppError::internal("person vanished"))?;
    let result = view(&model, &records, today)?;
    tx.commit().await?;
    Ok(result)
}

/// The consent gate and the insert, inside the caller's audited transaction (adding a person,
/// or accepting a referral). Returns the new person's id.
pub async fn register_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    input: &NewPerson,
    today: Date,
) -> Result<PersonId, AppError> {
    let (details, consent, registered_on) = check_new(input, today)?;
    let joining = Joining::Register {
        consent: &consent,
        registered_on,
    };
    // One look for the number: an inpatient-only entry with it joins the register; any other
    // entry whose consent stands makes this a duplicate (the unique index refuses it anyway).
    let mut existing = Scope::Register
        .select::<person::Entity>()
        .filter(person::Column::NhsNumber.eq(details.nhs_number.digits()))
        .all(tx.conn())
        .await?;
    if let Some(entry) = existing.pop() {
        if entry.status != Status::InpatientOnly {
            return Err(duplicate_nhs_number());
        }
        let id = entry.id.clone();
        join_register(tx, actor, entry, &details, &consent, registered_on).await?;
        tx.record(actor, Event::person("person.join", &id)).await?;
        return Ok(id);
    }
    let id = insert_new(tx, actor, &details, joining).await?;
    tx.record(actor, Event::person("person.create", &id))
        .await?;
    Ok(id)
}

/// How an entry begins: on the register through the consent gate, or as an inpatient-only
/// entry (Assuring Transformation, no register consent) from the day of its admission.
pub(super) enum Joining<'a> {
    Register {
        consent: &'a Consent,
        registered_on: Date,
    },
    InpatientOnly {
        from: Date,
    },
}

/// An inpatient-only entry joins the register through the consent gate: the details given
/// replace its own (the earlier ones kept as a revision, with the register day given, so that
/// no earlier day reads them as on the register), its consent is recorded, and its stays,
/// visits and reviews stay with it.
async fn join_register(
    tx: &audit::AuditedTx,
    actor: &Actor,
    entry: person::Model,
    d: &Details,
    consent: &Consent,
    registered_on: Date,
) -> Result<(), AppError> {
    let now = tx.now();
    person_revision::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(entry.id.clone()),
        valid_until: Set(now),
        data: Set(Revision {
            registered_on,
            ..Revision::of(&entry)
        }
        .to_json()?),
    }
    .insert(tx.conn())
    .await?;
    let id = entry.id.clone();
    let mut row: person::ActiveModel = entry.into();
    set_details(&mut row, d, registered_on);
    row.status = Set(Status::Active);
    row.registered_on = Set(registered_on);
    row.updated_at = Set(now);
    row.update(tx.conn()).await?;
    insert_consent(tx, actor, &id, consent).await
}

/// The entry's details as given (on entry, or when an inpatient-only entry joins).
fn set_details(row: &mut person::ActiveModel, d: &Details, registered_on: Date) {
    row.nhs_number = Set(d.nhs_number.digits().to_string());
    row.given_name = Set(d.given_name.clone());
    row.family_name = Set(d.family_name.clone());
    row.date_of_birth = Set(d.date_of_birth);
    row.sex = Set(d.sex);
    row.postcode = Set(d.postcode.clone());
    row.local_authority = Set(d.local_authority.clone());
    row.learning_disability = Set(d.learning_disability);
    row.autism = Set(d.autism);
    row.ehcp = Set(d.ehcp);
    row.social_worker = Set(d.social_worker.clone());
    row.social_worker_from = Set(d
        .social_worker
        .as_ref()
        .map(|_| d.social_worker_from.unwrap_or(registered_on)));
    row.keyworker = Set(d.keyworker.clone());
    row.ethnicity = Set(d.ethnicity);
    row.setting = Set(d.setting);
    row.search_key = Set(Some(crate::domain::search::key(
        &d.given_name,
        &d.family_name,
        d.nhs_number.digits(),
    )));
    row.sort_name = Set(Some(crate::domain::search::sort_name(
        &d.given_name,
        &d.family_name,
    )));
}

/// A person's view by id, for a caller that has already checked access.
pub async fn view_by_id(
    db: &(impl ConnectionTrait + StreamTrait),
    id: &PersonId,
    today: Date,
    schedule: &crate::policy::Schedule,
) -> Result<PersonView, AppError> {
    let model = Scope::Register
        .by_id::<person::Entity>(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Person"))?;
    let records = load_records(db, Scope::Register, Whose::One(id), schedule, false).await?;
    view(&model, &records, today)
}

/// Inserts the person (and their consent, on the register) inside the caller's audited
/// transaction (the referral decision and inpatient-only entries reuse this). Refuses a
/// duplicate NHS number.
pub(super) async fn insert_person(
    tx: &audit::AuditedTx,
    actor: &Actor,
    d: &Details,
    joining: Joining<'_>,
) -> Result<PersonId, AppError> {
    // Unique among entries whose consent stands: a withdrawn entry's number may join again.
    let existing = Scope::Register
        .select::<person::Entity>()
        .filter(person::Column::NhsNumber.eq(d.nhs_number.digits()))
        .count(tx.conn())
        .await?;
    if existing > 0 {
        return Err(duplicate_nhs_number());
    }
    insert_new(tx, actor, d, joining).await
}

/// The insert, for a caller that has looked for the number already (the unique index among
/// entries whose consent stands still refuses a duplicate, with the same words).
async fn insert_new(
    tx: &audit::AuditedTx,
    actor: &Actor,
    d: &Details,
    joining: Joining<'_>,
) -> Result<PersonId, AppError> {
    let (id, row, consent) = new_rows(tx, actor, d, joining);
    row.insert(tx.conn()).await.map_err(unique_or)?;
    if let Some(consent) = consent {
        consent.insert(tx.conn()).await?;
    }
    Ok(id)
}

/// A unique index's refusal in the register's words; any other failure as it is.
pub(super) fn unique_or(e: sea_orm::DbErr) -> AppError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => duplicate_nhs_number(),
        _ => e.into(),
    }
}

/// A new entry's row and, on the register, its consent's: what `insert_new` writes one at a
/// time and an import's batch many at a time.
pub(super) fn new_rows(
    tx: &audit::AuditedTx,
    actor: &Actor,
    d: &Details,
    joining: Joining<'_>,
) -> (
    PersonId,
    person::ActiveModel,
    Option<consent_entity::ActiveModel>,
) {
    let id = PersonId::new();
    let now = tx.now();
    let (status, registered_on, inpatient_only_from, consent) = match joining {
        Joining::Register {
            consent,
            registered_on,
        } => (Status::Active, registered_on, None, Some(consent)),
        Joining::InpatientOnly { from } => (Status::InpatientOnly, from, Some(from), None),
    };
    let mut row = person::ActiveModel {
        id: Set(id.clone()),
        status: Set(status),
        registered_on: Set(registered_on),
        closed_on: Set(None),
        closed_reason: Set(None),
        withdrawn_on: Set(None),
        withdrawn_reason: Set(None),
        withdrawn_at: Set(None),
        inpatient_only_from: Set(inpatient_only_from),
        objects_since: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_details(&mut row, d, registered_on);
    let consent = consent.map(|c| consent_row(tx, actor, &id, c));
    (id, row, consent)
}

async fn insert_consent(
    tx: &audit::AuditedTx,
    actor: &Actor,
    person_id: &PersonId,
    consent: &Consent,
) -> Result<(), AppError> {
    consent_row(tx, actor, person_id, consent)
        .insert(tx.conn())
        .await?;
    Ok(())
}

fn consent_row(
    tx: &audit::AuditedTx,
    actor: &Actor,
    person_id: &PersonId,
    consent: &Consent,
) -> consent_entity::ActiveModel {
    consent_entity::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(person_id.clone()),
        basis: Set(consent.basis),
        recorded_on: Set(consent.recorded_on),
        given_by: Set(consent.given_by.clone()),
        relationship: Set(consent.relationship.clone()),
        gillick_competent: Set(consent.gillick_competent),
        capacity_assessed_on: Set(consent.capacity_assessed_on),
        best_interests_decision_on: Set(consent.best_interests_decision_on),
        recorded_by: Set(actor.username.clone()),
        recorded_at: Set(tx.now()),
    }
}

pub(super) fn duplicate_nhs_number() -> AppError {
    AppError::Conflict("Someone with that NHS number is already on the register.".into())
}

/// One person, as the reader may see them; the read is audited.
pub async fn get(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
) -> Result<PersonView, AppError> {
    let model = find_readable(&app.db, reader, id).await?;
    let ids = std::slice::from_ref(id);
    let result = today::rows_of(app, reader, &[model], ids, app.clock.today())
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("Person"))?;
    audit::record_alone(app, actor, Event::person("person.read", id)).await?;
    Ok(result)
}
