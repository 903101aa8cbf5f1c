//! The register's pages: the list, adding a person through the consent step, the person page,
//! editing and the risk assessment (answers → suggested rating → confirm); the short forms
//! (admissions, discharges, visits, closing, withdrawal) are in `short_forms`. Each calls the
//! same service as its API route.

use super::{Answer, Html, Page, form_errors};
use crate::domain::age::AgeBand;
use crate::domain::ids::PersonId;
use crate::domain::person::{Setting, Sex, Status};
use crate::domain::risk::Rating;
use crate::error::{AppError, FieldErrors};
use crate::policy::Permission;
use crate::services::people::Sort;
use crate::services::people::{self, ConsentInput, NewPerson, Reader};
use crate::services::risk::{self, NewAssessment};
use crate::web::Caller;
use crate::web::api::people::ListParams;
use crate::web::api::types::Paging;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(super) fn choices<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Value {
    all.iter()
        .map(|v| json!({"value": value(*v), "label": label(*v)}))
        .collect()
}

/// Field errors for a refused submission, whatever kind of refusal it was; anything else is
/// passed on.
pub fn refusal(
    e: AppError,
    conflict_field: &str,
) -> Result<(FieldErrors, Option<String>), AppError> {
    match e {
        AppError::Validation { fields, .. } => Ok((fields, None)),
        AppError::ConsentRequired { message, field } => Ok((
            [(field, vec![message.clone()])].into_iter().collect(),
            Some(message),
        )),
        AppError::Conflict(message) => Ok((
            [(conflict_field.to_string(), vec![message])]
                .into_iter()
                .collect(),
            None,
        )),
        AppError::ConflictOn { message, field } => {
            Ok(([(field, vec![message])].into_iter().collect(), None))
        }
        other => Err(other),
    }
}

pub fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

// ---------------------------------------------------------------------------------------------
// The register list

#[get("/people?<page>&<filters..>")]
pub async fn register_page(
    view: Page<'_>,
    caller: Caller,
    filters: ListParams<'_>,
    page: Option<&str>,
) -> Result<Html, AppError> {
    let base = json!({
        "title": "The register",
        "filters": filters,
        "ratings": Rating::ALL.iter().map(|r| json!({"value": r.as_str(), "label": r.label()})).collect::<Vec<_>>(),
        "statuses": choices(Status::ALL, Status::as_str, Status::label),
        "settings": choices(Setting::ALL, Setting::as_str, Setting::label),
        "age_bands": choices(AgeBand::ALL, AgeBand::as_str, AgeBand::label),
        "sorts": Sort::CHOICES.iter().map(|(v, l)| json!({"value": v, "label": l})).collect::<Vec<_>>(),
        "local_authorities": people::local_authorities(view.app).await?,
        "can_add": view.can(Permission::PeopleWrite),
    });
    let query = match Paging::parse(page, None).and_then(|p| filters.check(p)) {
        Ok(q) => q,
        Err(AppError::Validation { fields, .. }) => {
            let order = [
                "q",
                "local_authority",
                "setting",
                "age_band",
                "rating",
                "status",
                "overdue",
                "sort",
                "as_of",
            ];
            let ctx = with(
                base,
                with(form_errors(&fields, &order), json!({"people": []})),
            );
            return view.render_status(Http::UnprocessableEntity, "people/list.html", ctx);
        }
        Err(other) => return Err(other),
    };
    let (items, total) = people::list(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &query,
    )
    .await?;
    let link = crate::web::link_with("/people", filters.pairs());
    let ctx = with(
        base,
        json!({
            "people": items,
            "pagination": super::admin::pagination(&link, query.page, query.per_page, total),
            "as_of_shown": query.as_of.map(|d| d.to_string()),
            "downloads": super::exports::links("/people/export", &filters.pairs()),
        }),
    );
    view.render("people/list.html", ctx)
}

// ---------------------------------------------------------------------------------------------
// Adding and editing a person

/// The person form's checkboxes: an unticked one is `false`, as the form always said.
pub const PERSON_CHECKBOXES: &[&str] = &[
    "learning_disability",
    "autism",
    "ehcp",
    "consent.gillick_competent",
];

/// The person form as the service's input (with its consent, as adding always sends one).
pub fn person_input(form: &Fields) -> Result<NewPerson, AppError> {
    form.input(PERSON_CHECKBOXES)
}

/// The person form shown again (422) with its errors, the consent rule broken if any, and
/// what was typed.
pub fn person_again(
    view: &Page<'_>,
    context: Value,
    form: &Fields,
    input: &NewPerson,
    (fields, consent_rule): (FieldErrors, Option<String>),
    order: &[&str],
) -> Result<Answer, AppError> {
    let values = form.refill(input, PERSON_CHECKBOXES)?;
    let context = with(context, json!({"consent_rule": consent_rule}));
    Ok(Answer::Page(Fields::again(
        view,
        "people/form.html",
        context,
        ("form", values),
        (&fields, order),
    )?))
}

pub const PERSON_FIELDS: &[&str] = &[
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "local_authority",
    "learning_disability",
    "ehcp",
    "setting",
    "social_worker",
    "social_worker_from",
    "keyworker",
    "ethnicity",
    "consent",
    "consent.basis",
    "consent.recorded_on",
    "consent.given_by",
    "consent.relationship",
    "consent.gillick_competent",
    "consent.capacity_assessed_on",
    "consent.best_interests_decision_on",
    "registered_on",
];

pub fn person_form_context(title: &str, action: &str, adding: bool, form: Value) -> Value {
    json!({
        "title": title,
        "action": action,
        "adding": adding,
        "form": form,
        "sexes": choices(Sex::ALL, Sex::as_str, Sex::label),
        "settings": choices(Setting::ALL, Setting::as_str, Setting::label),
        "ethnicities": choices(
            crate::domain::ethnicity::Ethnicity::ALL,
            crate::domain::ethnicity::Ethnicity::as_str,
            crate::domain::ethnicity::Ethnicity::label,
        ),
    })
}

#[get("/people/new")]
pub fn new_person_page(view: Page<'_>, _caller: Caller) -> Result<Html, AppError> {
    let blank = NewPerson {
        consent: Some(ConsentInput::default()),
        ..NewPerson::default()
    };
    let blank = serde_json::to_value(blank).map_err(|e| AppError::failed("JSON", e))?;
    view.render(
        "people/form.html",
        person_form_context("Add a person to the register", "/people", true, blank),
    )
}

#[post("/people", data = "<form>")]
pub async fn create_person(
    view: Page<'_>,
    caller: Caller,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let input = person_input(&form.0)?;
    match people::register(view.app, &caller.actor(), input.clone()).await {
        Ok(p) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{}", p.id)),
            format!(
                "{} {} is on the register. Next, assess their risk.",
                p.given_name, p.family_name
            ),
        ))),
        Err(e) => person_again(
            &view,
            person_form_context("Add a person to the register", "/people", true, Value::Null),
            &form.0,
            &input,
            refusal(e, "nhs_number")?,
            PERSON_FIELDS,
        ),
    }
}

#[get("/people/<id>/edit")]
pub async fn edit_person_page(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
) -> Result<Html, AppError> {
    let d = people::dossier(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
    )
    .await?;
    let form = serde_json::to_value(&d.input).map_err(|e| AppError::failed("JSON", e))?;
    let title = format!("Edit {} {}", d.person.given_name, d.person.family_name);
    view.render(
        "people/form.html",
        with(
            person_form_context(&title, &format!("/people/{}/edit", id), false, form),
            json!({"person": d.person}),
        ),
    )
}

#[post("/people/<id>/edit", data = "<form>")]
pub async fn update_person(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    // An edit never changes the consent recorded.
    let input = NewPerson {
        consent: None,
        ..person_input(&form.0)?
    };
    let mut changes = match serde_json::to_value(&input) {
        Ok(Value::Object(m)) => m,
        _ => return Err(AppError::internal("form did not serialise")),
    };
    changes.remove("consent");
    match people::update(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
        changes,
    )
    .await
    {
        Ok(p) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{}", p.id)),
            "The details were saved.",
        ))),
        Err(e) => person_again(
            &view,
            person_form_context(
                "Edit details",
                &format!("/people/{}/edit", id),
                false,
                Value::Null,
            ),
            &form.0,
            &input,
            refusal(e, "nhs_number")?,
            PERSON_FIELDS,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The person page

#[get("/people/<id>")]
pub async fn person_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    let reader = Reader::of(view.app, &caller);
    let with_reviews =
        view.can(Permission::ReviewsRead) || view.can(Permission::ReviewsReadAssigned);
    let people::PersonPage {
        dossier: d,
        due,
        reviews: reviews_of,
    } = people::page(view.app, &caller, &reader, &id, with_reviews).await?;
    let open = d
        .admissions
        .iter()
        .find(|a| a.discharged_on.is_none())
        .map(|a| a.id.clone());
    let active = d.person.status == Status::Active;
    let in_care = d.person.status.in_care();
    let voided = crate::services::corrections::voided_of(&view.app.db, reader.scope, &id).await?;
    let documents = super::record::person_documents(&view, &caller, &id, in_care).await?;
    let can_escalate = in_care && view.can(Permission::AdmissionsRecord);
    let escalations = if view.can(Permission::AdmissionsRecord) {
        crate::services::escalations::of_person(view.app, &reader, &id).await?
    } else {
        Vec::new()
    };
    let ctx = json!({
        "title": format!("{} {}", d.person.given_name, d.person.family_name),
        "person": d.person,
        "rating_label": d.person.rating.map(Rating::label),
        "current_reason": d.history.first().and_then(|h| h.reason.clone()),
        "history": d.history,
        "admissions": d.admissions,
        "open_admission": open,
        "sex_label": d.person.sex.label(),
        "ethnicity_label": d.person.ethnicity.map(|e| e.label()),
        "setting_label": d.person.setting.label(),
        "can_edit": active && view.can(Permission::PeopleWrite),
        "can_join": d.person.status == Status::InpatientOnly && view.can(Permission::PeopleWrite),
        "can_object": in_care && view.can(Permission::PeopleWrite),
        "can_assess": active && !d.person.in_hospital && view.can(Permission::RiskAssess),
        "can_admit": in_care && view.can(Permission::AdmissionsRecord),
        "can_void": active && view.can(Permission::RiskAssess),
        "voided": voided,
        "escalations": escalations,
        "can_escalate": can_escalate,
        "can_schedule": in_care && view.can(Permission::ReviewsSchedule),
        "due": due,
        "reviews": reviews_of,
        "at_codes": at_codes(&view.app.policies.collection),
        "docs": documents,
    });
    view.render("people/show.html", ctx)
}

/// The collection's code lists as `{list: {code: words}}`, for the person page's items.
fn at_codes(collection: &crate::domain::inpatients::Collection) -> Value {
    let lists: serde_json::Map<String, Value> = crate::domain::inpatients::List::ALL
        .iter()
        .map(|list| {
            let codes: serde_json::Map<String, Value> = collection
                .list(*list)
                .iter()
                .map(|c| (c.0.clone(), json!(c.1)))
                .collect();
            (list.name().to_string(), Value::Object(codes))
        })
        .collect();
    Value::Object(lists)
}

// ---------------------------------------------------------------------------------------------
// Risk assessment: answers, then the suggested rating to confirm or override

/// The tool's answers as sent: yes and no are the booleans the service reads; anything else
/// (an empty answer) is passed on for it to refuse by its question.
fn assessed_answers(typed: &Value) -> BTreeMap<String, Value> {
    typed
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let answer = match v.as_str() {
                Some("yes") => json!(true),
                Some("no") => json!(false),
                _ => v.clone(),
            };
            (k.clone(), answer)
        })
        .collect()
}

fn assess_context(view: &Page<'_>, person: &people::PersonView, form: Value) -> Value {
    json!({
        "title": format!("Assess risk: {} {}", person.given_name, person.family_name),
        "person": person,
        "tool": view.app.policies.risk_tool,
        "form": form,
    })
}

#[get("/people/<id>/assess")]
pub async fn assess_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    let d = people::dossier(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
    )
    .await?;
    let form = json!({"assessed_on": view.app.clock.today().to_string(), "answers": {}});
    view.render("people/assess.html", assess_context(&view, &d.person, form))
}

#[post("/people/<id>/assess", data = "<form>")]
pub async fn assess_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let reader = Reader::of(view.app, &caller);
    let blank = json!({"assessed_on": "", "answers": {}, "rating": "", "override_reason": ""});
    let echo = f.refill(&blank, &[])?;
    let input = NewAssessment {
        answers: Some(assessed_answers(&echo["answers"])),
        ..f.input(&[])?
    };
    let result = if f.get("step") == Some("confirm") {
        risk::assess(view.app, &caller.actor(), &reader, &id, input)
            .await
            .map(Some)
    } else {
        match risk::preview(view.app, &reader, &id, &input).await {
            Ok(scored) => {
                let d = people::dossier(view.app, &caller.actor(), &reader, &id).await?;
                let mut form = echo.clone();
                form["rating"] = json!(scored.suggested.as_str());
                let ctx = with(
                    assess_context(&view, &d.person, form),
                    json!({
                        "scored": {"score": scored.score, "suggested": scored.suggested.as_str(), "suggested_label": scored.suggested.label(), "all_keys_yes": scored.all_keys_yes},
                    }),
                );
                return Ok(Answer::Page(view.render("people/assess.html", ctx)?));
            }
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(Some(a)) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{}", id)),
            format!(
                "Assessment recorded: score {}, rating {}.",
                a.score,
                a.rating.label()
            ),
        ))),
        Ok(None) => Err(AppError::internal("no assessment")),
        Err(e) => {
            let (fields, _) = refusal(e, "assessed_on")?;
            let d = people::dossier(view.app, &caller.actor(), &reader, &id).await?;
            Ok(Answer::Page(Fields::again(
                &view,
                "people/assess.html",
                assess_context(&view, &d.person, Value::Null),
                ("form", echo),
                (
                    &fields,
                    &["assessed_on", "answers", "rating", "override_reason"],
                ),
            )?))
        }
    }
}
