//! The register's pages: the list, adding a person through the consent step, the person page,
//! editing, the risk assessment (answers → suggested rating → confirm), admissions, discharges,
//! visits, closing and withdrawal. Each calls the same service as its API route.

use super::{Html, Page, form_errors, some};
use crate::auth::Caller;
use crate::auth::csrf::{CsrfForm, Protected};
use crate::domain::age::AgeBand;
use crate::domain::person::{LegalStatus, SecurityLevel, Setting, Sex, Status};
use crate::domain::risk::Rating;
use crate::error::{AppError, FieldErrors};
use crate::policy::Permission;
use crate::services::admissions::{self, AdmissionChange, Discharge, NewAdmission, NewVisit};
use crate::services::people::Sort;
use crate::services::people::{self, ConsentInput, EndKind, Ending, NewPerson, Reader};
use crate::services::risk::{self, NewAssessment};
use crate::web::UuidParam;
use crate::web::api::people::ListParams;
use crate::web::api::types::Paging;
use rocket::form::FromForm;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

#[derive(rocket::Responder)]
// Built once per response and moved straight into it: size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Answer {
    Done(Flash<Redirect>),
    Page(Html),
}

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
        }),
    );
    view.render("people/list.html", ctx)
}

// ---------------------------------------------------------------------------------------------
// Adding and editing a person

#[derive(FromForm, Default)]
pub struct ConsentFields {
    #[field(default = String::new())]
    basis: String,
    #[field(default = String::new())]
    recorded_on: String,
    #[field(default = String::new())]
    given_by: String,
    #[field(default = String::new())]
    relationship: String,
    #[field(default = false)]
    gillick_competent: bool,
    #[field(default = String::new())]
    capacity_assessed_on: String,
    #[field(default = String::new())]
    best_interests_decision_on: String,
}

#[derive(FromForm)]
pub struct PersonForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    nhs_number: String,
    #[field(default = String::new())]
    given_name: String,
    #[field(default = String::new())]
    family_name: String,
    #[field(default = String::new())]
    date_of_birth: String,
    #[field(default = String::new())]
    sex: String,
    #[field(default = String::new())]
    postcode: String,
    #[field(default = String::new())]
    local_authority: String,
    #[field(default = false)]
    learning_disability: bool,
    #[field(default = false)]
    autism: bool,
    #[field(default = false)]
    ehcp: bool,
    #[field(default = String::new())]
    setting: String,
    #[field(default = String::new())]
    social_worker: String,
    #[field(default = String::new())]
    social_worker_from: String,
    #[field(default = String::new())]
    keyworker: String,
    #[field(default = String::new())]
    registered_on: String,
    consent: ConsentFields,
    /// Only when accepting a referral: the day of the decision.
    #[field(default = String::new())]
    pub decided_on: String,
}

impl Protected for PersonForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl PersonForm {
    pub fn to_input(&self, with_consent: bool) -> NewPerson {
        let c = &self.consent;
        NewPerson {
            nhs_number: some(&self.nhs_number),
            given_name: some(&self.given_name),
            family_name: some(&self.family_name),
            date_of_birth: some(&self.date_of_birth),
            sex: some(&self.sex),
            postcode: some(&self.postcode),
            local_authority: some(&self.local_authority),
            learning_disability: Some(self.learning_disability),
            autism: Some(self.autism),
            ehcp: Some(self.ehcp),
            setting: some(&self.setting),
            social_worker: some(&self.social_worker),
            social_worker_from: some(&self.social_worker_from),
            keyworker: some(&self.keyworker),
            registered_on: some(&self.registered_on),
            consent: with_consent.then(|| ConsentInput {
                basis: some(&c.basis),
                recorded_on: some(&c.recorded_on),
                given_by: some(&c.given_by),
                relationship: some(&c.relationship),
                gillick_competent: Some(c.gillick_competent),
                capacity_assessed_on: some(&c.capacity_assessed_on),
                best_interests_decision_on: some(&c.best_interests_decision_on),
            }),
        }
    }
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
    })
}

#[get("/people/new")]
pub fn new_person_page(view: Page<'_>, _caller: Caller) -> Result<Html, AppError> {
    let blank = NewPerson {
        consent: Some(ConsentInput::default()),
        ..NewPerson::default()
    };
    let blank = serde_json::to_value(blank).map_err(|e| AppError::Internal(e.to_string()))?;
    view.render(
        "people/form.html",
        person_form_context("Add a person to the register", "/people", true, blank),
    )
}

#[post("/people", data = "<form>")]
pub async fn create_person(
    view: Page<'_>,
    caller: Caller,
    form: CsrfForm<PersonForm>,
) -> Result<Answer, AppError> {
    let input = form.0.to_input(true);
    match people::register(view.app, &caller.actor(), input.clone()).await {
        Ok(p) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{}", p.id)),
            format!(
                "{} {} is on the register. Next, assess their risk.",
                p.given_name, p.family_name
            ),
        ))),
        Err(e) => {
            let (fields, consent_rule) = refusal(e, "nhs_number")?;
            let form =
                serde_json::to_value(&input).map_err(|e| AppError::Internal(e.to_string()))?;
            let ctx = with(
                person_form_context("Add a person to the register", "/people", true, form),
                with(
                    form_errors(&fields, PERSON_FIELDS),
                    json!({"consent_rule": consent_rule}),
                ),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "people/form.html",
                ctx,
            )?))
        }
    }
}

#[get("/people/<id>/edit")]
pub async fn edit_person_page(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<Html, AppError> {
    let d = people::dossier(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
    )
    .await?;
    let form = serde_json::to_value(&d.input).map_err(|e| AppError::Internal(e.to_string()))?;
    let title = format!("Edit {} {}", d.person.given_name, d.person.family_name);
    view.render(
        "people/form.html",
        with(
            person_form_context(&title, &format!("/people/{}/edit", id.0), false, form),
            json!({"person": d.person}),
        ),
    )
}

#[post("/people/<id>/edit", data = "<form>")]
pub async fn update_person(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<PersonForm>,
) -> Result<Answer, AppError> {
    let input = form.0.to_input(false);
    let mut changes = match serde_json::to_value(&input) {
        Ok(Value::Object(m)) => m,
        _ => return Err(AppError::Internal("form did not serialise".into())),
    };
    changes.remove("consent");
    match people::update(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
        changes,
    )
    .await
    {
        Ok(p) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{}", p.id)),
            "The details were saved.",
        ))),
        Err(e) => {
            let (fields, consent_rule) = refusal(e, "nhs_number")?;
            let form =
                serde_json::to_value(&input).map_err(|e| AppError::Internal(e.to_string()))?;
            let ctx = with(
                person_form_context(
                    "Edit details",
                    &format!("/people/{}/edit", id.0),
                    false,
                    form,
                ),
                with(
                    form_errors(&fields, PERSON_FIELDS),
                    json!({"consent_rule": consent_rule}),
                ),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "people/form.html",
                ctx,
            )?))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The person page

#[get("/people/<id>")]
pub async fn person_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let reader = Reader::of(view.app, &caller);
    let with_reviews =
        view.can(Permission::ReviewsRead) || view.can(Permission::ReviewsReadAssigned);
    let people::PersonPage {
        dossier: d,
        due,
        reviews: reviews_of,
    } = people::page(view.app, &caller, &reader, &id.0, with_reviews).await?;
    let open = d
        .admissions
        .iter()
        .find(|a| a.discharged_on.is_none())
        .map(|a| a.id.clone());
    let active = d.person.status == Status::Active;
    let voided = crate::services::corrections::voided_of(&view.app.db, reader.scope, &id.0).await?;
    let ctx = json!({
        "title": format!("{} {}", d.person.given_name, d.person.family_name),
        "person": d.person,
        "rating_label": d.person.rating.map(Rating::label),
        "current_reason": d.history.first().and_then(|h| h.reason.clone()),
        "history": d.history,
        "admissions": d.admissions,
        "open_admission": open,
        "sex_label": d.person.sex.label(),
        "setting_label": d.person.setting.label(),
        "can_edit": active && view.can(Permission::PeopleWrite),
        "can_assess": active && !d.person.in_hospital && view.can(Permission::RiskAssess),
        "can_admit": active && view.can(Permission::AdmissionsRecord),
        "can_void": active && view.can(Permission::RiskAssess),
        "voided": voided,
        "can_schedule": active && view.can(Permission::ReviewsSchedule),
        "due": due,
        "reviews": reviews_of,
    });
    view.render("people/show.html", ctx)
}

// ---------------------------------------------------------------------------------------------
// Risk assessment: answers, then the suggested rating to confirm or override

#[derive(FromForm)]
pub struct AssessForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    step: String,
    #[field(default = String::new())]
    assessed_on: String,
    answers: HashMap<String, String>,
    #[field(default = String::new())]
    rating: String,
    #[field(default = String::new())]
    override_reason: String,
}

impl Protected for AssessForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
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
pub async fn assess_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let d = people::dossier(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
    )
    .await?;
    let form = json!({"assessed_on": view.app.clock.today().to_string(), "answers": {}});
    view.render("people/assess.html", assess_context(&view, &d.person, form))
}

#[post("/people/<id>/assess", data = "<form>")]
pub async fn assess_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<AssessForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let reader = Reader::of(view.app, &caller);
    let answers: BTreeMap<String, Value> = f
        .answers
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                match v.as_str() {
                    "yes" => json!(true),
                    "no" => json!(false),
                    other => json!(other),
                },
            )
        })
        .collect();
    let input = NewAssessment {
        assessed_on: some(&f.assessed_on),
        answers: Some(answers),
        rating: some(&f.rating),
        override_reason: some(&f.override_reason),
    };
    let echo = json!({"assessed_on": f.assessed_on, "answers": f.answers, "rating": f.rating, "override_reason": f.override_reason});
    let result = if f.step == "confirm" {
        risk::assess(view.app, &caller.actor(), &reader, &id.0, input)
            .await
            .map(Some)
    } else {
        match risk::preview(view.app, &reader, &id.0, &input).await {
            Ok(scored) => {
                let d = people::dossier(view.app, &caller.actor(), &reader, &id.0).await?;
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
            Redirect::to(format!("/people/{}", id.0)),
            format!(
                "Assessment recorded: score {}, rating {}.",
                a.score,
                a.rating.label()
            ),
        ))),
        Ok(None) => Err(AppError::Internal("no assessment".into())),
        Err(e) => {
            let (fields, _) = refusal(e, "assessed_on")?;
            let d = people::dossier(view.app, &caller.actor(), &reader, &id.0).await?;
            let ctx = with(
                assess_context(&view, &d.person, echo),
                form_errors(
                    &fields,
                    &["assessed_on", "answers", "rating", "override_reason"],
                ),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "people/assess.html",
                ctx,
            )?))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The short forms: admit, discharge, visit, close, withdraw

#[derive(FromForm)]
pub struct ShortForm {
    #[field(default = String::new())]
    csrf_token: String,
    pub(super) fields: HashMap<String, String>,
}

impl Protected for ShortForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl ShortForm {
    pub(super) fn get(&self, name: &str) -> Option<String> {
        self.fields.get(name).and_then(|v| some(v))
    }
}

/// One field of a short form.
pub(super) fn field(name: &str, label: &str, kind: &str, hint: &str) -> Value {
    json!({"name": name, "label": label, "kind": kind, "hint": hint})
}

/// An optional date: it starts empty (only a date the user must give starts at today), so
/// nothing is saved that the user did not enter.
fn optional_date(name: &str, label: &str, hint: &str) -> Value {
    json!({"name": name, "label": label, "kind": "date", "hint": hint, "empty": true})
}

/// The stay's security level, as a choice.
pub(super) fn security_select(label: &str) -> Value {
    select(
        "security_level",
        label,
        choices(
            SecurityLevel::ALL,
            SecurityLevel::as_str,
            SecurityLevel::label,
        ),
    )
}

/// The stay's legal status, as a choice.
pub(super) fn legal_select(label: &str) -> Value {
    select(
        "legal_status",
        label,
        choices(LegalStatus::ALL, LegalStatus::as_str, LegalStatus::label),
    )
}

pub(super) fn select(name: &str, label: &str, options: Value) -> Value {
    json!({"name": name, "label": label, "kind": "select", "options": options})
}

pub(super) struct ShortSpec {
    pub(super) title: String,
    pub(super) intro: String,
    pub(super) button: &'static str,
    pub(super) action: String,
    pub(super) fields: Value,
    pub(super) back: String,
    pub(super) warning: bool,
}

pub(super) fn short_context(spec: &ShortSpec, values: Value) -> Value {
    json!({
        "title": spec.title, "intro": spec.intro, "button": spec.button, "action": spec.action,
        "fields": spec.fields, "values": values, "back": spec.back, "warning": spec.warning,
    })
}

async fn short_page(view: &Page<'_>, spec: &ShortSpec) -> Result<Html, AppError> {
    let today = view.app.clock.today().to_string();
    view.render(
        "people/action.html",
        short_context(spec, json!({"today": today})),
    )
}

pub(super) async fn short_result<T>(
    view: &Page<'_>,
    spec: &ShortSpec,
    form: &ShortForm,
    result: Result<T, AppError>,
    done: String,
    back_to: String,
) -> Result<Answer, AppError> {
    match result {
        Ok(_) => Ok(Answer::Done(Flash::success(Redirect::to(back_to), done))),
        Err(e) => {
            let first = spec
                .fields
                .get(0)
                .and_then(|f| f["name"].as_str())
                .unwrap_or("")
                .to_string();
            let (fields, _) = refusal(e, &first)?;
            let order: Vec<String> = spec
                .fields
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["name"].as_str().map(String::from))
                .collect();
            let order: Vec<&str> = order.iter().map(String::as_str).collect();
            let ctx = with(
                short_context(spec, json!(form.fields)),
                form_errors(&fields, &order),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "people/action.html",
                ctx,
            )?))
        }
    }
}

async fn person_name(
    view: &Page<'_>,
    caller: &Caller,
    id: &str,
) -> Result<(String, bool), AppError> {
    let p = people::find_readable(&view.app.db, &Reader::of(view.app, caller), id).await?;
    Ok((
        format!("{} {}", p.given_name, p.family_name),
        p.status == Status::Active.as_str(),
    ))
}

fn admit_spec(id: &str, name: &str) -> ShortSpec {
    ShortSpec {
        title: format!("Record an admission: {name}"),
        intro: "Their rating becomes blue until the discharge is recorded.".into(),
        button: "Record admission",
        action: format!("/people/{id}/admit"),
        fields: json!([
            field("admitted_on", "Date admitted", "date", ""),
            field("hospital", "Hospital", "text", "For example, Cavell Centre"),
            security_select("Security level"),
            legal_select("Legal status"),
            optional_date(
                "planned_discharge_on",
                "Planned discharge date (optional)",
                ""
            ),
        ]),
        back: format!("/people/{id}"),
        warning: false,
    }
}

#[get("/people/<id>/admit")]
pub async fn admit_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let (name, _) = person_name(&view, &caller, &id.0).await?;
    short_page(&view, &admit_spec(&id.0, &name)).await
}

#[post("/people/<id>/admit", data = "<form>")]
pub async fn admit_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ShortForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let (name, _) = person_name(&view, &caller, &id.0).await?;
    let input = NewAdmission {
        admitted_on: f.get("admitted_on"),
        hospital: f.get("hospital"),
        security_level: f.get("security_level"),
        legal_status: f.get("legal_status"),
        planned_discharge_on: f.get("planned_discharge_on"),
    };
    let result = admissions::admit(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
        input,
    )
    .await;
    short_result(
        &view,
        &admit_spec(&id.0, &name),
        &f,
        result,
        format!("Admission recorded: {name} is now rated blue."),
        format!("/people/{}", id.0),
    )
    .await
}

fn discharge_spec(admission_id: &str, person_id: &str, hospital: &str) -> ShortSpec {
    ShortSpec {
        title: format!("Record the discharge from {hospital}"),
        intro: "Their rating becomes red, and stays red for at least 14 days.".into(),
        button: "Record discharge",
        action: format!("/admissions/{admission_id}/discharge"),
        fields: json!([
            field("discharged_on", "Date discharged", "date", ""),
            field(
                "destination",
                "Discharged to",
                "text",
                "For example, family home or supported living"
            ),
        ]),
        back: format!("/people/{person_id}"),
        warning: false,
    }
}

#[get("/admissions/<id>/discharge")]
pub async fn discharge_page(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<Html, AppError> {
    let a = admissions::get_for(&view.app.db, &Reader::of(view.app, &caller), &id.0).await?;
    short_page(&view, &discharge_spec(&id.0, &a.person_id, &a.hospital)).await
}

#[post("/admissions/<id>/discharge", data = "<form>")]
pub async fn discharge_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ShortForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let reader = Reader::of(view.app, &caller);
    let a = admissions::get_for(&view.app.db, &reader, &id.0).await?;
    let input = Discharge {
        discharged_on: f.get("discharged_on"),
        destination: f.get("destination"),
    };
    let result = admissions::discharge(view.app, &caller.actor(), &reader, &id.0, input).await;
    short_result(
        &view,
        &discharge_spec(&id.0, &a.person_id, &a.hospital),
        &f,
        result,
        "Discharge recorded: the rating is now red.".into(),
        format!("/people/{}", a.person_id),
    )
    .await
}

fn change_spec(admission_id: &str, person_id: &str, hospital: &str) -> ShortSpec {
    ShortSpec {
        title: format!("Change the stay at {hospital}"),
        intro: "A step up or down in security, a new legal status or a new planned discharge date, \
            from the day it took effect. Leave unchanged what did not change; days before it keep the \
            earlier values."
            .into(),
        button: "Record the change",
        action: format!("/admissions/{admission_id}/change"),
        fields: json!([
            security_select("Security level (leave blank if unchanged)"),
            legal_select("Legal status (leave blank if unchanged)"),
            optional_date(
                "planned_discharge_on",
                "Planned discharge date (leave blank if unchanged)",
                ""
            ),
            field(
                "effective_on",
                "From",
                "date",
                "The day the change took effect: today, or an earlier day when recording it late"
            ),
        ]),
        back: format!("/people/{person_id}"),
        warning: false,
    }
}

#[get("/admissions/<id>/change")]
pub async fn change_stay_page(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<Html, AppError> {
    let a = admissions::get_for(&view.app.db, &Reader::of(view.app, &caller), &id.0).await?;
    short_page(&view, &change_spec(&id.0, &a.person_id, &a.hospital)).await
}

#[post("/admissions/<id>/change", data = "<form>")]
pub async fn change_stay_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ShortForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let reader = Reader::of(view.app, &caller);
    let a = admissions::get_for(&view.app.db, &reader, &id.0).await?;
    let input = AdmissionChange {
        security_level: f.get("security_level"),
        legal_status: f.get("legal_status"),
        planned_discharge_on: f.get("planned_discharge_on"),
        effective_on: f.get("effective_on"),
    };
    let result = admissions::update(view.app, &caller.actor(), &reader, &id.0, input).await;
    short_result(
        &view,
        &change_spec(&id.0, &a.person_id, &a.hospital),
        &f,
        result,
        "The change to the stay is recorded.".into(),
        format!("/people/{}", a.person_id),
    )
    .await
}

fn visit_spec(id: &str, name: &str) -> ShortSpec {
    ShortSpec {
        title: format!("Record an oversight visit: {name}"),
        intro: "A commissioner's visit to someone in hospital.".into(),
        button: "Record visit",
        action: format!("/people/{id}/visit"),
        fields: json!([
            field("visited_on", "Date of the visit", "date", ""),
            field("visitor", "Who visited", "text", "")
        ]),
        back: format!("/people/{id}"),
        warning: false,
    }
}

#[get("/people/<id>/visit")]
pub async fn visit_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let (name, _) = person_name(&view, &caller, &id.0).await?;
    short_page(&view, &visit_spec(&id.0, &name)).await
}

#[post("/people/<id>/visit", data = "<form>")]
pub async fn visit_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ShortForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let (name, _) = person_name(&view, &caller, &id.0).await?;
    let input = NewVisit {
        visited_on: f.get("visited_on"),
        visitor: f.get("visitor"),
    };
    let result = admissions::record_visit(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
        input,
    )
    .await;
    short_result(
        &view,
        &visit_spec(&id.0, &name),
        &f,
        result,
        "Visit recorded.".into(),
        format!("/people/{}", id.0),
    )
    .await
}

fn end_spec(id: &str, name: &str, kind: EndKind) -> ShortSpec {
    match kind {
        EndKind::Close => ShortSpec {
            title: format!("Close the register entry: {name}"),
            intro: "Close the entry when the person no longer needs to be on the register. It stays readable and counts as leaving in that month's return.".into(),
            button: "Close entry",
            action: format!("/people/{id}/close"),
            fields: json!([field("closed_on", "Date the entry closes", "date", ""), field("reason", "Reason", "textarea", "")]),
            back: format!("/people/{id}"),
            warning: true,
        },
        EndKind::Withdraw => ShortSpec {
            title: format!("Record that consent was withdrawn: {name}"),
            intro: "The person leaves the register and every list, review pack and return from now on. The record is kept for the retention period and only records administrators can see it. This cannot be undone here.".into(),
            button: "Record withdrawal of consent",
            action: format!("/people/{id}/withdraw"),
            fields: json!([field("withdrawn_on", "Date consent was withdrawn", "date", ""), field("reason", "Reason, and how it was withdrawn", "textarea", "")]),
            back: format!("/people/{id}"),
            warning: true,
        },
    }
}

async fn end_page(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    kind: EndKind,
) -> Result<Html, AppError> {
    let (name, _) = person_name(&view, &caller, &id.0).await?;
    short_page(&view, &end_spec(&id.0, &name, kind)).await
}

async fn end_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    f: ShortForm,
    kind: EndKind,
) -> Result<Answer, AppError> {
    let (name, _) = person_name(&view, &caller, &id.0).await?;
    let input = Ending {
        closed_on: f.get("closed_on"),
        withdrawn_on: f.get("withdrawn_on"),
        reason: f.get("reason"),
    };
    let result = people::end(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
        kind,
        input,
    )
    .await;
    let (done, back) = match kind {
        EndKind::Close => (
            format!("{name}'s entry is closed."),
            format!("/people/{}", id.0),
        ),
        EndKind::Withdraw => (
            format!("Consent withdrawal recorded: {name} has left the register."),
            "/people".to_string(),
        ),
    };
    short_result(&view, &end_spec(&id.0, &name, kind), &f, result, done, back).await
}

#[get("/people/<id>/close")]
pub async fn close_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    end_page(view, caller, id, EndKind::Close).await
}

#[post("/people/<id>/close", data = "<form>")]
pub async fn close_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ShortForm>,
) -> Result<Answer, AppError> {
    end_submit(view, caller, id, form.0, EndKind::Close).await
}

#[get("/people/<id>/withdraw")]
pub async fn withdraw_page(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<Html, AppError> {
    end_page(view, caller, id, EndKind::Withdraw).await
}

#[post("/people/<id>/withdraw", data = "<form>")]
pub async fn withdraw_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ShortForm>,
) -> Result<Answer, AppError> {
    end_submit(view, caller, id, form.0, EndKind::Withdraw).await
}
