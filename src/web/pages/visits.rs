//! Oversight visits with their findings, and the escalations a concern can become: the visit
//! form, the escalation form (from a visit or the person page), the list of escalations and one
//! escalation's page with its close form. Each calls the same service as its API route.

use super::register::{choices, refusal};
use super::{Answer, Html, Page};
use crate::domain::ids::PersonId;
use crate::domain::visits::{EscalationStatus, Restrictive, Urgency};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::admissions::{self, NewVisit};
use crate::services::escalations::{self, CloseEscalation, NewEscalation};
use crate::services::people::{self, Reader};
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use crate::web::{Caller, UuidParam};
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

const VISIT_FIELDS: &[&str] = &[
    "visited_on",
    "visitor",
    "seen_in_person",
    "not_seen_reason",
    "views",
    "concerns",
    "restrictive_practices",
    "actions_agreed",
];

fn visit_context(view: &Page<'_>, id: &PersonId, name: &str, values: Value) -> Value {
    json!({
        "title": format!("Record an oversight visit: {name}"),
        "person_id": id.as_str(),
        "name": name,
        "today": view.app.clock.today().to_string(),
        "practices": choices(Restrictive::ALL, Restrictive::as_str, Restrictive::label),
        "values": values,
    })
}

#[get("/people/<id>/visit")]
pub async fn visit_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    let p = people::name_of(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    view.render(
        "people/visit.html",
        visit_context(&view, &id, &p.full_name, json!({})),
    )
}

#[post("/people/<id>/visit", data = "<form>")]
pub async fn visit_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let reader = Reader::of(view.app, &caller);
    let result = match f.input_answering::<NewVisit>(&["seen_in_person"]) {
        Ok(input) => admissions::record_visit(view.app, &caller.actor(), &reader, &id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{id}#visits")),
            "Visit recorded.",
        ))),
        Err(e) => {
            let (fields, _) = refusal(e, "visited_on")?;
            let p = people::name_of(&view.app.db, &reader, &id).await?;
            // The boxes ticked, by their words (each box is `restrictive_practices[i]`).
            let ticked: Vec<&str> = (0..Restrictive::ALL.len())
                .filter_map(|i| f.get(&format!("restrictive_practices[{i}]")))
                .collect();
            let mut context = visit_context(&view, &id, &p.full_name, Value::Null);
            context["ticked"] = json!(ticked);
            Ok(Answer::Page(Fields::again(
                &view,
                "people/visit.html",
                context,
                ("values", f.typed_by_name()),
                (&fields, VISIT_FIELDS),
            )?))
        }
    }
}

const ESCALATION_FIELDS: &[&str] = &["raised_on", "concern", "urgency", "visit_id"];

fn escalation_context(
    view: &Page<'_>,
    id: &PersonId,
    name: &str,
    visit: Option<&admissions::VisitView>,
    values: Value,
) -> Value {
    json!({
        "title": format!("Escalate a concern: {name}"),
        "person_id": id.as_str(),
        "name": name,
        "visit": visit,
        "today": view.app.clock.today().to_string(),
        "urgencies": choices(Urgency::ALL, Urgency::as_str, Urgency::label),
        "values": values,
    })
}

#[get("/people/<id>/escalate?<visit>")]
pub async fn escalate_page(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    visit: Option<&str>,
) -> Result<Html, AppError> {
    let reader = Reader::of(view.app, &caller);
    let (name, v) = escalations::form_for(view.app, &reader, &id, visit).await?;
    // A concern found at the visit is the starting point of the one escalated.
    let values = json!({
        "visit_id": v.as_ref().map(|v| v.id.clone()),
        "concern": v.as_ref().and_then(|v| v.concerns.clone()),
    });
    view.render(
        "escalations/form.html",
        escalation_context(&view, &id, &name, v.as_ref(), values),
    )
}

#[post("/people/<id>/escalate", data = "<form>")]
pub async fn escalate_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let reader = Reader::of(view.app, &caller);
    let result = match f.input::<NewEscalation>(&[]) {
        Ok(input) => escalations::raise(view.app, &caller.actor(), &reader, &id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(e) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/escalations/{}", e.id)),
            "The concern is escalated to the oversight panel.",
        ))),
        Err(e) => {
            let (fields, _) = refusal(e, "concern")?;
            let (name, v) =
                escalations::form_for(view.app, &reader, &id, f.get("visit_id")).await?;
            Ok(Answer::Page(Fields::again(
                &view,
                "escalations/form.html",
                escalation_context(&view, &id, &name, v.as_ref(), Value::Null),
                ("values", f.typed_by_name()),
                (&fields, ESCALATION_FIELDS),
            )?))
        }
    }
}

#[get("/escalations?<status>")]
pub async fn escalations_page(
    view: Page<'_>,
    caller: Caller,
    status: Option<&str>,
) -> Result<Html, AppError> {
    // Open ones unless asked otherwise; `all` for every one.
    let (filter, chosen) = match status.unwrap_or("open") {
        "all" => (None, ""),
        other => {
            let s = crate::web::api::escalations::status_filter(Some(other))?;
            (s, s.map_or("", EscalationStatus::as_str))
        }
    };
    let items = escalations::list(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        filter,
    )
    .await?;
    view.render(
        "escalations/list.html",
        json!({"title": "Escalations to the oversight panel", "items": items, "status": chosen}),
    )
}

fn shown(view: &Page<'_>, e: &escalations::EscalationView, values: Value) -> Value {
    json!({
        "title": format!("Escalation: {}", e.person_name),
        "e": e,
        "can_close": view.can(Permission::AdmissionsRecord),
        "today": view.app.clock.today().to_string(),
        "values": values,
    })
}

#[get("/escalations/<id>")]
pub async fn escalation_page(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<Html, AppError> {
    let e = escalations::get(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
    )
    .await?;
    view.render("escalations/show.html", shown(&view, &e, json!({})))
}

#[post("/escalations/<id>/close", data = "<form>")]
pub async fn close_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let reader = Reader::of(view.app, &caller);
    let result = match f.input::<CloseEscalation>(&[]) {
        Ok(input) => escalations::close(view.app, &caller.actor(), &reader, &id.0, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Answer::Done(Flash::success(
            Redirect::to("/"),
            "The escalation is closed with its outcome.",
        ))),
        Err(e) => {
            let (fields, _) = refusal(e, "outcome")?;
            let current = escalations::get(view.app, &caller.actor(), &reader, &id.0).await?;
            Ok(Answer::Page(Fields::again(
                &view,
                "escalations/show.html",
                shown(&view, &current, Value::Null),
                ("values", f.typed_by_name()),
                (&fields, &["closed_on", "outcome"]),
            )?))
        }
    }
}
