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
use crate::domain::ids::StayId;
use crate::domain::inpatients::{Collection, List};
use crate::domain::person::Sex;
use crate::error::AppError;
use crate::services::admissions::{self, AdmissionChange, AdmissionView};
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
            select(
                "ethnicity",
                "Ethnicity (optional)",
                choices(
                    crate::domain::ethnicity::Ethnicity::ALL,
                    crate::domain::ethnicity::Ethnicity::as_str,
                    crate::domain::ethnicity::Ethnicity::label
                )
            ),
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
    let mut input: NewInpatient = f.input_answering(&["learning_disability", "autism"])?;
    // The page always has the admission's fields: left empty, each is named by its own error.
    input.admission.get_or_insert_with(Default::default);
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

/// A choice from one of the collection's code lists.
fn code_select(collection: &Collection, list: List, label: &str) -> serde_json::Value {
    let options: Vec<serde_json::Value> = collection
        .list(list)
        .iter()
        .map(|c| json!({"value": c.0, "label": c.1}))
        .collect();
    select(list.name(), label, json!(options))
}

/// Rows for barriers to discharge: those recorded, and two more.
fn barrier_rows(recorded: usize) -> usize {
    recorded + 2
}

fn items_spec(
    stay_id: &StayId,
    person_id: &PersonId,
    hospital: &str,
    collection: &Collection,
    rows: usize,
) -> ShortSpec {
    let mut fields = vec![
        field(
            "effective_on",
            "From",
            "date",
            "The day these items took effect: today, or an earlier day when recording them late",
        ),
        field(
            "provider",
            "Provider (optional)",
            "text",
            "The organisation running the hospital",
        ),
        code_select(collection, List::AdmissionReason, "Reason for admission"),
        code_select(
            collection,
            List::DiagnosedAfterAdmission,
            "Learning disability or autism first diagnosed after admission",
        ),
        code_select(collection, List::AdvocateType, "Advocate"),
        code_select(collection, List::EhcPlan, "Education, Health and Care plan"),
        code_select(collection, List::CqcRating, "The hospital's CQC rating"),
        optional_date(
            "cqc_notified_on",
            "Inadequate hospital: date the ICB chief executive, regional team and host commissioner were told",
            "",
        ),
        optional_date(
            "planned_transfer_on",
            "Planned transfer date (optional)",
            "",
        ),
        optional_date(
            "section17_leave_from",
            "Section 17 extended leave from (optional)",
            "",
        ),
        optional_date(
            "section17_leave_to",
            "Section 17 extended leave to (optional)",
            "",
        ),
    ];
    for i in 0..rows {
        let mut code = code_select(
            collection,
            List::DischargeBarrier,
            &format!("Barrier to discharge {}", i + 1),
        );
        code["name"] = json!(format!("discharge_barriers.{i}.code"));
        fields.push(code);
        fields.push(optional_date(
            &format!("discharge_barriers.{i}.since"),
            "Since",
            "",
        ));
    }
    ShortSpec {
        title: format!("Assuring Transformation items: {hospital}"),
        intro: "What NHS England's Assuring Transformation collection asks about this stay. Leave \
                empty what is not known; a barrier left empty is removed. Earlier days keep the \
                earlier values."
            .into(),
        button: "Save the items",
        action: format!("/admissions/{stay_id}/items"),
        fields: json!(fields),
        back: format!("/people/{person_id}"),
        warning: false,
    }
}

/// The form's values from the items recorded now.
fn items_values(a: &AdmissionView, today: &str) -> serde_json::Value {
    let mut v = serde_json::to_value(&a.items).unwrap_or_else(|_| json!({}));
    if let Some(map) = v.as_object_mut() {
        map.remove("discharge_barriers");
        for (i, b) in a.items.discharge_barriers.iter().enumerate() {
            map.insert(format!("discharge_barriers.{i}.code"), json!(b.code));
            map.insert(
                format!("discharge_barriers.{i}.since"),
                json!(b.since.to_string()),
            );
        }
        map.insert("today".into(), json!(today));
    }
    v
}

#[get("/admissions/<id>/items")]
pub async fn items_page(view: Page<'_>, caller: Caller, id: StayId) -> Result<Html, AppError> {
    let a = admissions::get_for(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    let collection = &view.app.policies.collection;
    let rows = barrier_rows(a.items.discharge_barriers.len());
    let spec = items_spec(&id, &a.person_id, &a.hospital, collection, rows);
    let today = view.app.clock.today().to_string();
    view.render(
        "people/action.html",
        short_context(&spec, items_values(&a, &today)),
    )
}

#[post("/admissions/<id>/items", data = "<form>")]
pub async fn items_submit(
    view: Page<'_>,
    caller: Caller,
    id: StayId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let reader = Reader::of(view.app, &caller);
    let a = admissions::get_for(&view.app.db, &reader, &id).await?;
    let mut input: AdmissionChange = f.input(&[])?;
    input.items.clear_absent();
    let rows = barrier_rows(a.items.discharge_barriers.len());
    let spec = items_spec(
        &id,
        &a.person_id,
        &a.hospital,
        &view.app.policies.collection,
        rows,
    );
    let result = admissions::update(view.app, &caller.actor(), &reader, &id, input).await;
    short_result(
        &view,
        &spec,
        &f,
        result,
        "The Assuring Transformation items are recorded.".into(),
        format!("/people/{}", a.person_id),
    )
    .await
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
