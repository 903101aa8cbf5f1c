//! The short forms of a person's page: admit, discharge, change a stay, close and
//! withdraw (the visit has its own form: `pages/visits.rs`) — one page each, built from a [`ShortSpec`], each calling the same service as its API
//! route. The corrections pages build theirs the same way.

use super::Answer;
use super::register::{choices, refusal};
use super::{Html, Page};
use crate::domain::ids::{PersonId, StayId};
use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::error::AppError;
use crate::services::admissions::{self, AdmissionChange, Discharge, NewAdmission, Transfer};
use crate::services::people::{self, EndKind, Ending, Reader};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

/// A short form's fields, sent as `fields[<name>]`.
pub(super) fn short_fields(form: CsrfForm<Fields>) -> Fields {
    form.0.within("fields")
}

/// One field of a short form.
pub(super) fn field(name: &str, label: &str, kind: &str, hint: &str) -> Value {
    json!({"name": name, "label": label, "kind": kind, "hint": hint})
}

/// An optional date: it starts empty (only a date the user must give starts at today), so
/// nothing is saved that the user did not enter.
pub(super) fn optional_date(name: &str, label: &str, hint: &str) -> Value {
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
    form: &Fields,
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
            Ok(Answer::Page(Fields::again(
                view,
                "people/action.html",
                short_context(spec, Value::Null),
                ("values", form.typed_by_name()),
                (&fields, &order),
            )?))
        }
    }
}

async fn person_name(
    view: &Page<'_>,
    caller: &Caller,
    id: &PersonId,
) -> Result<(String, bool), AppError> {
    let p = people::name_of(&view.app.db, &Reader::of(view.app, caller), id).await?;
    Ok((p.full_name, p.active))
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
            field(
                "hospital_ods_code",
                "Hospital ODS code (optional)",
                "text",
                "3 to 10 letters and digits, like RT1AB"
            ),
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
pub async fn admit_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    let (name, _) = person_name(&view, &caller, &id).await?;
    short_page(&view, &admit_spec(&id, &name)).await
}

#[post("/people/<id>/admit", data = "<form>")]
pub async fn admit_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let (name, _) = person_name(&view, &caller, &id).await?;
    let input: NewAdmission = f.input(&[])?;
    let result = admissions::admit(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
        input,
    )
    .await;
    short_result(
        &view,
        &admit_spec(&id, &name),
        &f,
        result,
        format!("Admission recorded: {name} is now rated blue."),
        format!("/people/{}", id),
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
pub async fn discharge_page(view: Page<'_>, caller: Caller, id: StayId) -> Result<Html, AppError> {
    let a = admissions::get_for(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    short_page(
        &view,
        &discharge_spec(id.as_str(), &a.person_id, &a.hospital),
    )
    .await
}

#[post("/admissions/<id>/discharge", data = "<form>")]
pub async fn discharge_submit(
    view: Page<'_>,
    caller: Caller,
    id: StayId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let reader = Reader::of(view.app, &caller);
    let a = admissions::get_for(&view.app.db, &reader, &id).await?;
    let input: Discharge = f.input(&[])?;
    let result = admissions::discharge(view.app, &caller.actor(), &reader, &id, input).await;
    short_result(
        &view,
        &discharge_spec(id.as_str(), &a.person_id, &a.hospital),
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
    id: StayId,
) -> Result<Html, AppError> {
    let a = admissions::get_for(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    short_page(&view, &change_spec(id.as_str(), &a.person_id, &a.hospital)).await
}

#[post("/admissions/<id>/change", data = "<form>")]
pub async fn change_stay_submit(
    view: Page<'_>,
    caller: Caller,
    id: StayId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let reader = Reader::of(view.app, &caller);
    let a = admissions::get_for(&view.app.db, &reader, &id).await?;
    let input: AdmissionChange = f.input(&[])?;
    let result = admissions::update(view.app, &caller.actor(), &reader, &id, input).await;
    short_result(
        &view,
        &change_spec(id.as_str(), &a.person_id, &a.hospital),
        &f,
        result,
        "The change to the stay is recorded.".into(),
        format!("/people/{}", a.person_id),
    )
    .await
}

fn transfer_spec(admission_id: &str, person_id: &str, hospital: &str) -> ShortSpec {
    ShortSpec {
        title: format!("Record a transfer from {hospital}"),
        intro: "A move to another hospital without going home: the same spell goes on, with no \
            discharge, no new post-admission review, and the length of stay counted from the \
            admission."
            .into(),
        button: "Record the transfer",
        action: format!("/admissions/{admission_id}/transfer"),
        fields: json!([
            field("transferred_on", "Date of the transfer", "date", ""),
            field("hospital", "Hospital they moved to", "text", ""),
            field(
                "hospital_ods_code",
                "Its ODS code (optional)",
                "text",
                "3 to 10 letters and digits, like RT1AB"
            ),
            security_select("Security level there"),
            legal_select("Legal status there"),
        ]),
        back: format!("/people/{person_id}"),
        warning: false,
    }
}

#[get("/admissions/<id>/transfer")]
pub async fn transfer_page(view: Page<'_>, caller: Caller, id: StayId) -> Result<Html, AppError> {
    let a = admissions::get_for(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    short_page(
        &view,
        &transfer_spec(id.as_str(), &a.person_id, &a.hospital),
    )
    .await
}

#[post("/admissions/<id>/transfer", data = "<form>")]
pub async fn transfer_submit(
    view: Page<'_>,
    caller: Caller,
    id: StayId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let reader = Reader::of(view.app, &caller);
    let a = admissions::get_for(&view.app.db, &reader, &id).await?;
    let input: Transfer = f.input(&[])?;
    let result = admissions::transfer(view.app, &caller.actor(), &reader, &id, input).await;
    short_result(
        &view,
        &transfer_spec(id.as_str(), &a.person_id, &a.hospital),
        &f,
        result,
        "The transfer is recorded: the stay goes on in the new hospital.".into(),
        format!("/people/{}", a.person_id),
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
    id: PersonId,
    kind: EndKind,
) -> Result<Html, AppError> {
    let (name, _) = person_name(&view, &caller, &id).await?;
    short_page(&view, &end_spec(&id, &name, kind)).await
}

async fn end_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    f: Fields,
    kind: EndKind,
) -> Result<Answer, AppError> {
    let (name, _) = person_name(&view, &caller, &id).await?;
    let input: Ending = f.input(&[])?;
    let result = people::end(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
        kind,
        input,
    )
    .await;
    let (done, back) = match kind {
        EndKind::Close => (
            format!("{name}'s entry is closed."),
            format!("/people/{}", id),
        ),
        EndKind::Withdraw => (
            format!("Consent withdrawal recorded: {name} has left the register."),
            "/people".to_string(),
        ),
    };
    short_result(&view, &end_spec(&id, &name, kind), &f, result, done, back).await
}

#[get("/people/<id>/close")]
pub async fn close_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    end_page(view, caller, id, EndKind::Close).await
}

#[post("/people/<id>/close", data = "<form>")]
pub async fn close_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    end_submit(view, caller, id, short_fields(form), EndKind::Close).await
}

#[get("/people/<id>/withdraw")]
pub async fn withdraw_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    end_page(view, caller, id, EndKind::Withdraw).await
}

#[post("/people/<id>/withdraw", data = "<form>")]
pub async fn withdraw_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    end_submit(view, caller, id, short_fields(form), EndKind::Withdraw).await
}
