//! Inpatients for NHS England's Assuring Transformation collection: recording an inpatient-only
//! entry (someone in hospital, not on the register), bringing one onto the register through the
//! consent gate, and recording an objection to identifiable sharing. Each calls the same service
//! as its API route.

use super::register::{choices, person_form_context};
use super::short_forms::{
    ShortSpec, field, legal_select, optional_date, security_select, select, short_context,
    short_fields, short_result,
};
use super::{Answer, Html, Page};
use crate::domain::ids::PersonId;
use crate::domain::person::Sex;
use crate::error::AppError;
use crate::services::people::{self, ConsentInput, NewInpatient, Objection, Reader};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::{get, post};
use serde_json::json;

fn yes_no(name: &str, label: &str) -> serde_json::Value {
    select(
        name,
        label,
        json!([{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]),
    )
}

fn inpatient_spec() -> ShortSpec {
    let mut security = security_select("Security level");
    security["name"] = json!("admission.security_level");
    let mut legal = legal_select("Legal status");
    legal["name"] = json!("admission.legal_status");
    ShortSpec {
        title: "Record an inpatient not on the register".into(),
        intro: "For NHS England's Assuring Transformation collection: someone in a mental health \
                hospital whose bed the ICB commissions, recorded without register consent. They \
                are in the weekly inpatient return and the visit and review deadlines, never on \
                the register or rated. If they later consent, add them to the register from \
                their page."
            .into(),
        button: "Record inpatient",
        action: "/inpatients".into(),
        fields: json!([
            field(
                "nhs_number",
                "NHS number",
                "text",
                "10 digits, like 943 476 5919"
            ),
            field("given_name", "Given name", "text", ""),
            field("family_name", "Family name", "text", ""),
            field("date_of_birth", "Date of birth", "date", ""),
            select("sex", "Sex", choices(Sex::ALL, Sex::as_str, Sex::label)),
            field("postcode", "Postcode", "text", ""),
            field("local_authority", "Local authority", "text", ""),
            yes_no("learning_disability", "Learning disability"),
            yes_no("autism", "Autism"),
            field("admission.admitted_on", "Date admitted", "date", ""),
            field(
                "admission.hospital",
                "Hospital",
                "text",
                "For example, Cavell Centre"
            ),
            field(
                "admission.hospital_ods_code",
                "Hospital ODS code (optional)",
                "text",
                "3 to 10 letters and digits, like RT1AB"
            ),
            security,
            legal,
            optional_date(
                "admission.planned_discharge_on",
                "Planned discharge date (optional)",
                ""
            ),
        ]),
        back: "/people".into(),
        warning: false,
    }
}

#[get("/inpatients/new")]
pub fn new_inpatient_page(view: Page<'_>, _caller: Caller) -> Result<Html, AppError> {
    let today = view.app.clock.today().to_string();
    view.render(
        "people/action.html",
        short_context(&inpatient_spec(), json!({"today": today})),
    )
}

#[post("/inpatients", data = "<form>")]
pub async fn create_inpatient(
    view: Page<'_>,
    caller: Caller,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let input: NewInpatient = f.input_answering(&["learning_disability", "autism"])?;
    let result = people::record_inpatient(view.app, &caller.actor(), input).await;
    let back_to = match &result {
        Ok(made) => format!("/people/{}", made.person.id),
        Err(_) => "/inpatients/new".into(),
    };
    short_result(
        &view,
        &inpatient_spec(),
        &f,
        result,
        "Inpatient recorded: they are in the weekly inpatient return, not on the register.".into(),
        back_to,
    )
    .await
}

/// The register form filled in with an inpatient-only entry's details, for its consent: sent to
/// `/people`, which makes the entry a register entry (same NHS number), keeping its stays.
#[get("/people/<id>/join")]
pub async fn join_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    let d = people::dossier(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
    )
    .await?;
    let mut input = d.input.clone();
    input.registered_on = None;
    input.consent = Some(ConsentInput::default());
    let form = serde_json::to_value(&input).map_err(|e| AppError::failed("JSON", e))?;
    let title = format!(
        "Add {} {} to the register",
        d.person.given_name, d.person.family_name
    );
    view.render(
        "people/form.html",
        person_form_context(&title, "/people", true, form),
    )
}

fn objection_spec(id: &PersonId, name: &str) -> ShortSpec {
    ShortSpec {
        title: format!("Objection to identifiable sharing: {name}"),
        intro: "While an objection stands, every return and export produced carries a local \
                reference and age band for them instead of their NHS number, name, date of birth \
                and postcode. Returns already produced are not changed."
            .into(),
        button: "Record",
        action: format!("/people/{id}/objection"),
        fields: json!([
            select(
                "objects",
                "Do they object to identifiable data being shared?",
                json!([
                    {"value": "yes", "label": "Yes, they object"},
                    {"value": "no", "label": "No (or no longer)"}
                ])
            ),
            field("recorded_on", "Date recorded", "date", ""),
        ]),
        back: format!("/people/{id}"),
        warning: false,
    }
}

#[get("/people/<id>/objection")]
pub async fn objection_page(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
) -> Result<Html, AppError> {
    let p = people::name_of(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    let today = view.app.clock.today().to_string();
    view.render(
        "people/action.html",
        short_context(&objection_spec(&id, &p.full_name), json!({"today": today})),
    )
}

#[post("/people/<id>/objection", data = "<form>")]
pub async fn objection_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let p = people::name_of(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    let input: Objection = f.input_answering(&["objects"])?;
    let result = people::record_objection(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
        input,
    )
    .await;
    short_result(
        &view,
        &objection_spec(&id, &p.full_name),
        &f,
        result,
        "Recorded: returns produced from now on follow it.".into(),
        format!("/people/{}", id),
    )
    .await
}
