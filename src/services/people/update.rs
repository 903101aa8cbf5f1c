//! Editing an entry: which fields a PATCH may carry, their checks against the stored consent,
//! and the dated revision each change leaves.

use super::*;

/// Which person fields a PATCH may carry.
pub const PATCHABLE: &[&str] = &[
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "local_authority",
    "learning_disability",
    "autism",
    "ehcp",
    "setting",
    "social_worker",
    "social_worker_from",
    "keyworker",
    "ethnicity",
    "registered_on",
];

/// Changes some fields of an active entry. The same rules apply as on entry: a valid and unique
/// NHS number, eligibility, and a consent still valid for the (possibly corrected) date of birth.
pub async fn update(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
    changes: serde_json::Map<String, serde_json::Value>,
) -> Result<PersonView, AppError> {
    let today = app.clock.today();
    check_patchable(&changes)?;
    let mut tx = audit::begin(app).await?;
    let (updated, records) = edit_in(
        &mut tx,
        actor,
        reader,
        id,
        &changes,
        today,
        &app.policies.schedule,
    )
    .await?;
    let result = view(&updated, &records, today)?;
    tx.commit().await?;
    Ok(result)
}

/// The edit inside the caller's audited transaction (a row of an import): checked as on entry,
/// the earlier details kept as a revision, audited with the fields changed.
pub(crate) async fn update_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
    changes: &serde_json::Map<String, serde_json::Value>,
    today: Date,
    schedule: &crate::policy::Schedule,
) -> Result<(), AppError> {
    edit_in(tx, actor, reader, id, changes, today, schedule).await?;
    Ok(())
}

async fn edit_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
    changes: &serde_json::Map<String, serde_json::Value>,
    today: Date,
    schedule: &crate::policy::Schedule,
) -> Result<(person::Model, Records), AppError> {
    check_patchable(changes)?;
    let current = find_readable(tx.conn(), reader, id).await?;
    if current.status != Status::Active {
        return Err(AppError::Conflict(
            "Only an active register entry can be edited.".into(),
        ));
    }
    let (d, registered_on) = merged_details(&current, changes, today)?;
    let records = load_records(tx.conn(), reader.scope, Whose::One(id), schedule, false).await?;
    let consent = stored_consent(&records, id)?;
    consent::check(&consent, d.date_of_birth, today).map_err(consent_refused)?;
    consent::registration_day(&consent, Some(registered_on), today)
        .map_err(|r| AppError::field(r.field, r.message))?;
    if d.nhs_number.digits() != current.nhs_number {
        let taken = Scope::Register
            .select::<person::Entity>()
            .filter(person::Column::NhsNumber.eq(d.nhs_number.digits()))
            .count(tx.conn())
            .await?;
        if taken > 0 {
            return Err(duplicate_nhs_number());
        }
    }
    let social_worker_from = social_worker_from(&current, &d, registered_on, today)?;
    // Keep the details as they stood until now, for returns as at an earlier day.
    person_revision::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(current.id.clone()),
        valid_until: Set(tx.now()),
        data: Set(Revision::of(&current).to_json()?),
    }
    .insert(tx.conn())
    .await?;
    let mut row: person::ActiveModel = current.into();
    row.nhs_number = Set(d.nhs_number.digits().into());
    row.given_name = Set(d.given_name);
    row.family_name = Set(d.family_name);
    row.date_of_birth = Set(d.date_of_birth);
    row.sex = Set(d.sex);
    row.postcode = Set(d.postcode);
    row.local_authority = Set(d.local_authority);
    row.learning_disability = Set(d.learning_disability);
    row.autism = Set(d.autism);
    row.ehcp = Set(d.ehcp);
    row.setting = Set(d.setting);
    row.social_worker_from = Set(social_worker_from);
    row.social_worker = Set(d.social_worker);
    row.keyworker = Set(d.keyworker);
    row.ethnicity = Set(d.ethnicity);
    row.registered_on = Set(registered_on);
    row.updated_at = Set(tx.now());
    let updated = row.update(tx.conn()).await?;
    let fields: Vec<&String> = changes.keys().collect();
    tx.record(
        actor,
        Event::person("person.update", id).detail(serde_json::json!({"fields": fields})),
    )
    .await?;
    Ok((updated, records))
}

/// Refuses, before anything is read, a PATCH carrying a field it may not change (consent has
/// its own ways); every such field is named.
fn check_patchable(changes: &serde_json::Map<String, serde_json::Value>) -> Result<(), AppError> {
    let mut c = Check::default();
    for key in changes.keys() {
        if key == "consent" {
            c.fail(
                "consent",
                "Consent cannot be changed here: withdraw it, or add the person again",
            );
        } else if !PATCHABLE.contains(&key.as_str()) {
            c.fail(key, "This field cannot be changed");
        }
    }
    c.finish()
}

/// The entry's details after the change, checked as a whole as on entry: start from the entry
/// as it is, overlay the changes, and check it all again. Returns them and the registration day.
fn merged_details(
    current: &person::Model,
    changes: &serde_json::Map<String, serde_json::Value>,
    today: Date,
) -> Result<(super::input::Details, Date), AppError> {
    let mut merged =
        serde_json::to_value(as_input(current)).map_err(|e| AppError::failed("JSON", e))?;
    for (k, v) in changes {
        merged[k] = v.clone();
    }
    let input: NewPerson =
        serde_json::from_value(merged).map_err(|e| AppError::BadRequest(describe_json(&e)))?;
    let mut c = Check::default();
    let details = check_details(&mut c, &input, today);
    let registered_on = c.dated(
        "registered_on",
        "the registration date",
        &input.registered_on,
        DateKind::Event,
        today,
    );
    c.finish()?;
    let (Some(d), Some(registered_on)) = (details, registered_on) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    Ok((d, registered_on))
}

/// The social worker's day: as given, else today when the social worker changes; given days
/// stay in order, so the history reads the same whichever day is asked about.
fn social_worker_from(
    current: &person::Model,
    d: &super::input::Details,
    registered_on: Date,
    today: Date,
) -> Result<Option<Date>, AppError> {
    let changed = d.social_worker != current.social_worker;
    Ok(match d.social_worker_from {
        Some(day) => {
            if day < registered_on {
                return Err(AppError::field(
                    "social_worker_from",
                    format!(
                        "This cannot be before the person joined the register ({registered_on})"
                    ),
                ));
            }
            if let Some(last) = current.social_worker_from.filter(|last| day < *last) {
                return Err(AppError::field(
                    "social_worker_from",
                    format!(
                        "This cannot be before the day last given for the social worker ({last})"
                    ),
                ));
            }
            Some(day)
        }
        None if changed => Some(today.max(current.social_worker_from.unwrap_or(today))),
        None => current.social_worker_from,
    })
}

fn stored_consent(records: &Records, id: &PersonId) -> Result<Consent, AppError> {
    let c = records
        .consents
        .get(id)
        .ok_or_else(|| AppError::internal("no consent"))?;
    Ok(Consent {
        basis: c.basis,
        recorded_on: c.recorded_on,
        given_by: c.given_by.clone(),
        relationship: c.relationship.clone(),
        gillick_competent: c.gillick_competent,
        capacity_assessed_on: c.capacity_assessed_on,
        best_interests_decision_on: c.best_interests_decision_on,
    })
}

/// The stored entry as an input, for PATCH and the edit form.
pub fn as_input(p: &person::Model) -> NewPerson {
    NewPerson {
        nhs_number: Some(p.nhs_number.clone()),
        given_name: Some(p.given_name.clone()),
        family_name: Some(p.family_name.clone()),
        date_of_birth: Some(fmt_date(p.date_of_birth)),
        sex: Some(p.sex.as_str().into()),
        postcode: Some(p.postcode.clone()),
        local_authority: Some(p.local_authority.clone()),
        learning_disability: Some(p.learning_disability),
        autism: Some(p.autism),
        ehcp: Some(p.ehcp),
        setting: Some(p.setting.as_str().into()),
        social_worker: p.social_worker.clone(),
        social_worker_from: None,
        keyworker: p.keyworker.clone(),
        ethnicity: p.ethnicity.map(|e| e.as_str().into()),
        registered_on: Some(fmt_date(p.registered_on)),
        consent: None,
    }
}

/// The fields a change would really alter on this entry, each checked as a PATCH is (the given
/// fields laid over the entry and the whole checked again): `nhs_number` given as
/// `943 476 5919` for an entry holding `9434765919` changes nothing. An import asks this to tell
/// an update from a row already in step with the register.
pub fn changed_fields(
    current: &person::Model,
    changes: &serde_json::Map<String, serde_json::Value>,
    today: Date,
) -> Result<Vec<&'static str>, AppError> {
    check_patchable(changes)?;
    let (after, after_registered) = merged_details(current, changes, today)?;
    let (before, before_registered) = merged_details(current, &serde_json::Map::new(), today)?;
    let side = |d: &super::input::Details, registered_on: Date| {
        serde_json::json!({
            "nhs_number": d.nhs_number.digits(),
            "given_name": d.given_name,
            "family_name": d.family_name,
            "date_of_birth": fmt_date(d.date_of_birth),
            "sex": d.sex.as_str(),
            "postcode": d.postcode,
            "local_authority": d.local_authority,
            "learning_disability": d.learning_disability,
            "autism": d.autism,
            "ehcp": d.ehcp,
            "setting": d.setting.as_str(),
            "social_worker": d.social_worker,
            "keyworker": d.keyworker,
            "ethnicity": d.ethnicity.map(|e| e.as_str()),
            "registered_on": fmt_date(registered_on),
        })
    };
    let (a, b) = (
        side(&after, after_registered),
        side(&before, before_registered),
    );
    let mut changed: Vec<&'static str> = PATCHABLE
        .iter()
        .copied()
        .filter(|f| changes.contains_key(*f) && a.get(f) != b.get(f))
        .collect();
    // A social worker's day given again as it stands is no change; a new day is one.
    if let Some(day) = after.social_worker_from
        && Some(day) != current.social_worker_from
        && changes.contains_key("social_worker_from")
    {
        changed.push("social_worker_from");
    }
    Ok(changed)
}
