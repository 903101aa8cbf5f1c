//! Referral pages: the list (awaiting a decision, soonest due first; then decided), the referral
//! form, the referral page with its decision, and accepting through the same consent step as
//! adding a person.

use super::Answer;
use super::register::{person_again, person_form_context, person_input, refusal};
use super::{Html, Page};
use crate::domain::ids::ReferralId;
use crate::domain::referral::ReferralStatus;
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::people::{ConsentInput, NewPerson, Reader};
use crate::services::referrals::{self, Decision, NewReferral, OutcomeSent};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Map, Value, json};

/// Referrals in each section of the referrals page, a page at a time.
const SECTION_PAGE: u64 = 25;

/// The referrals awaiting a decision (soonest due first) and those decided (newest first),
/// each paged in SQL with its count; `section` and `page` turn one section's pages.
#[get("/referrals?<section>&<page>")]
pub async fn referrals_page(
    view: Page<'_>,
    caller: Caller,
    section: Option<&str>,
    page: Option<&str>,
) -> Result<Html, AppError> {
    let paging = crate::web::api::types::Paging::parse(page, None)?;
    let only = match section.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("awaiting" | "decided")) => Some(s),
        Some(_) => return Err(AppError::field("section", "Choose awaiting or decided")),
    };
    let reader = Reader::of(view.app, &caller);
    let mut ctx = json!({"title": "Referrals", "can_write": view.can(Permission::ReferralsWrite),
                        "one_section": only.is_some(), "awaiting": null, "decided": null});
    for name in ["awaiting", "decided"] {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let page = if only.is_some() { paging.page } else { 1 };
        let q = referrals::ReferralQuery {
            status: (name == "awaiting").then_some(ReferralStatus::AwaitingDecision),
            decided: name == "decided",
            page,
            per_page: SECTION_PAGE,
            ..Default::default()
        };
        let (items, total) = referrals::list(view.app, &caller.actor(), &reader, &q).await?;
        let link = format!("/referrals?section={name}");
        let mut pages = super::admin::pagination(&link, page, SECTION_PAGE, total);
        pages["label"] = json!(format!("Pages of referrals {name}"));
        ctx[name] = json!({"items": items, "total": total, "pagination": pages});
    }
    ctx["downloads"] = super::exports::links("/referrals/export", &[("section", only)]);
    view.render("referrals/list.html", ctx)
}

const REFERRAL_FIELDS: &[&str] = &[
    "received_on",
    "referrer_name",
    "referrer_role",
    "referrer_contact",
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "reason",
    "mdt_held_on",
    "answers",
];

fn referral_form_context(view: &Page<'_>, form: Value) -> Value {
    json!({"title": "Record a referral", "form": form, "tool": view.app.policies.risk_tool})
}

#[get("/referrals/new")]
pub fn new_referral_page(view: Page<'_>, _caller: Caller) -> Result<Html, AppError> {
    let blank = NewReferral {
        received_on: Some(view.app.clock.today().to_string()),
        ..NewReferral::default()
    };
    let mut form = serde_json::to_value(blank).map_err(|e| AppError::failed("JSON", e))?;
    form["answers"] = json!({});
    view.render("referrals/form.html", referral_form_context(&view, form))
}

#[post("/referrals", data = "<form>")]
pub async fn create_referral(
    view: Page<'_>,
    caller: Caller,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    // The tool is optional: no answer at all means the referrer did not complete it.
    let mut object = f.object(&[])?;
    let given: Map<String, Value> = object["answers"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match v.as_str() {
            Some("yes") => Some((k.clone(), json!(true))),
            Some("no") => Some((k.clone(), json!(false))),
            _ => None,
        })
        .collect();
    object["answers"] = if given.is_empty() {
        Value::Null
    } else {
        Value::Object(given)
    };
    let input: NewReferral = Fields::from_object(object)?;
    match referrals::create(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        input.clone(),
    )
    .await
    {
        Ok(r) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/referrals/{}", r.id)),
            format!(
                "Referral recorded. A decision is due by {}.",
                crate::domain::dates::long_date(r.decision_due_by)
            ),
        ))),
        Err(e) => {
            let (fields, _) = refusal(e, "given_name")?;
            // The answers as typed, none when none was chosen.
            let mut blank =
                serde_json::to_value(&input).map_err(|e| AppError::failed("JSON", e))?;
            blank["answers"] = json!({});
            let values = f.refill(&blank, &[])?;
            Ok(Answer::Page(Fields::again(
                &view,
                "referrals/form.html",
                referral_form_context(&view, Value::Null),
                ("form", values),
                (&fields, REFERRAL_FIELDS),
            )?))
        }
    }
}

#[get("/referrals/<id>")]
pub async fn referral_page(
    view: Page<'_>,
    caller: Caller,
    id: ReferralId,
) -> Result<Html, AppError> {
    let r = referrals::get(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
    )
    .await?;
    let questions: Vec<Value> = view
        .app
        .policies
        .risk_tool
        .questions
        .iter()
        .map(|q| json!({"text": q.text, "answer": r.answers.as_ref().and_then(|a| a.get(&q.id)).copied()}))
        .collect();
    view.render(
        "referrals/show.html",
        json!({
            "title": format!("Referral: {} {}", r.given_name, r.family_name),
            "referral": r,
            "questions": questions,
            "today": view.app.clock.today().to_string(),
            "can_write": view.can(Permission::ReferralsWrite),
            "field_errors": {},
        }),
    )
}

/// The person form, filled from the referral, with the decision date.
fn accept_context(id: &str, form: Value, decided_on: &str) -> Value {
    let mut ctx = person_form_context(
        "Accept the referral: add the person to the register",
        &format!("/referrals/{id}/accept"),
        true,
        form,
    );
    ctx["decision"] = json!({"decided_on": decided_on, "referral_id": id});
    ctx
}

#[get("/referrals/<id>/accept")]
pub async fn accept_page(view: Page<'_>, caller: Caller, id: ReferralId) -> Result<Html, AppError> {
    let r = referrals::get(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
    )
    .await?;
    if r.status != ReferralStatus::AwaitingDecision {
        return Err(AppError::Conflict(
            "This referral has already been decided.".into(),
        ));
    }
    let prefilled = NewPerson {
        nhs_number: r.nhs_number.clone(),
        given_name: Some(r.given_name.clone()),
        family_name: Some(r.family_name.clone()),
        date_of_birth: Some(r.date_of_birth.to_string()),
        consent: Some(ConsentInput::default()),
        ..NewPerson::default()
    };
    let form = serde_json::to_value(prefilled).map_err(|e| AppError::failed("JSON", e))?;
    view.render(
        "people/form.html",
        accept_context(id.as_str(), form, &view.app.clock.today().to_string()),
    )
}

#[post("/referrals/<id>/accept", data = "<form>")]
pub async fn accept_submit(
    view: Page<'_>,
    caller: Caller,
    id: ReferralId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let person = person_input(&f)?;
    let decision = Decision {
        outcome: Some("accepted".into()),
        reason: None,
        person: Some(person.clone()),
        ..f.input(&[])?
    };
    match referrals::decide(view.app, &caller.actor(), &Reader::of(view.app, &caller), &id, decision).await {
        Ok(r) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{}", r.person_id.unwrap_or_default())),
            "Referral accepted: the person is on the register. Record when the referrer and family were told.".to_string(),
        ))),
        Err(e) => {
            let mut order: Vec<&str> = vec!["decided_on"];
            order.extend_from_slice(super::register::PERSON_FIELDS);
            let decided_on = f.get("decided_on").unwrap_or_default();
            let context = accept_context(id.as_str(), Value::Null, decided_on);
            person_again(&view, context, &f, &person, refusal(e, "nhs_number")?, &order)
        }
    }
}

fn back_with(id: &str, result: Result<String, AppError>) -> Result<Flash<Redirect>, AppError> {
    let back = Redirect::to(format!("/referrals/{id}"));
    match result {
        Ok(message) => Ok(Flash::success(back, message)),
        Err(AppError::Validation { fields, .. }) => {
            let message: Vec<String> = fields.values().flatten().cloned().collect();
            Ok(Flash::error(back, message.join(". ")))
        }
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

#[post("/referrals/<id>/decline", data = "<form>")]
pub async fn decline_submit(
    view: Page<'_>,
    caller: Caller,
    id: ReferralId,
    form: CsrfForm<Fields>,
) -> Result<Flash<Redirect>, AppError> {
    let decision = Decision {
        outcome: Some("declined".into()),
        person: None,
        ..form.0.input(&[])?
    };
    let result = referrals::decide(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
        decision,
    )
    .await
    .map(|_| "Referral declined. Record when the referrer and family were told.".to_string());
    back_with(id.as_str(), result)
}

#[post("/referrals/<id>/outcome-sent", data = "<form>")]
pub async fn outcome_sent_submit(
    view: Page<'_>,
    caller: Caller,
    id: ReferralId,
    form: CsrfForm<Fields>,
) -> Result<Flash<Redirect>, AppError> {
    let input: OutcomeSent = form.0.input(&[])?;
    let result = referrals::outcome_sent(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
        input,
    )
    .await
    .map(|r| {
        format!(
            "Recorded: the outcome was sent on {}.",
            r.outcome_sent_on
                .map(crate::domain::dates::long_date)
                .unwrap_or_default()
        )
    });
    back_with(id.as_str(), result)
}
