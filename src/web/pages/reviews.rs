//! The review page: its pack, the outcome form (action rows added without JavaScript), and the
//! report-sent form; the forms' shared parts. The reviews list, scheduling from a person's page,
//! and the actions tracker are in the submodules.

pub mod actions;
pub mod list;
pub mod reports;
pub mod schedule;

use super::Answer;
use super::register::{refusal, with};
use super::{Html, Page, form_errors};
use crate::domain::ids::ReviewId;
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::people::{self, Reader};
use crate::services::reviews::{self, Outcome, ReportSent};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::{Fields, trimmed};
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Blank action rows shown on the outcome form; "Add another action" adds one more.
const START_ROWS: usize = 3;

pub(super) async fn review_context(
    view: &Page<'_>,
    caller: &Caller,
    id: &ReviewId,
    form: Value,
    rows: usize,
) -> Result<Value, AppError> {
    let (review, previous) = reviews::with_previous(view.app, caller, id).await?;
    let reader = Reader::of(view.app, caller);
    // The pack: withheld once the person has left care (closed, or consent withdrawn); for an
    // inpatient-only entry the outcome also asks for their agreement.
    let (pack, inpatient_only) =
        match people::dossier(view.app, &caller.actor(), &reader, &review.person_id).await {
            Ok(d) if d.person.status.in_care() => (
                Some(json!({
                    "person": d.person, "history": d.history, "admissions": d.admissions,
                })),
                d.person.status == crate::domain::person::Status::InpatientOnly,
            ),
            Ok(_) | Err(AppError::NotFound(_)) => (None, false),
            Err(e) => return Err(e),
        };
    let may_record = crate::services::reviews::may_record_chaired_by(
        view.app,
        caller,
        review.chair.as_ref().map(|c| c.id.as_str()),
    );
    let addenda = crate::services::review_amend::addenda_of(
        &view.app.db,
        crate::services::scope::Scope::of(view.app, caller),
        &review.id,
    )
    .await?;
    // Owners already named, offered on the action plan's WHO so that spellings converge.
    let owners = if may_record {
        crate::services::worklists::owners(view.app, caller, None).await?
    } else {
        Vec::new()
    };
    let docs = super::record::pack_documents(view, caller, &review, may_record).await?;
    Ok(json!({
        "docs": docs,
        "inpatient_only": inpatient_only,
        "addenda": addenda,
        "title": format!("{} for {}", review.kind.label(), review.person_name),
        "owners": owners,
        "review": review,
        "previous": previous,
        "pack": pack,
        "lines": review.lines_of_enquiry,
        "seats": crate::domain::enquiry::Seat::ALL.iter().map(|s| json!({"value": s, "label": s.label()})).collect::<Vec<_>>(),
        "attendee_roles": crate::domain::enquiry::AttendeeRole::ALL.iter().map(|r| json!({"value": r, "label": r.label()})).collect::<Vec<_>>(),
        "recipients": crate::domain::enquiry::Recipient::ALL.iter().map(|r| json!({"value": r, "label": r.label()})).collect::<Vec<_>>(),
        "sent_by_choices": crate::domain::enquiry::SentBy::ALL.iter().map(|r| json!({"value": r, "label": r.label()})).collect::<Vec<_>>(),
        "rows": (0..rows).collect::<Vec<_>>(),
        "form": form,
        "today": view.app.clock.today().to_string(),
        "may_record": may_record,
        "may_schedule": view.can(Permission::ReviewsSchedule),
        "may_update_actions": may_record && view.can(Permission::ActionsUpdate),
    }))
}

#[get("/reviews/<id>")]
pub async fn review_page(view: Page<'_>, caller: Caller, id: ReviewId) -> Result<Html, AppError> {
    let ctx = review_context(
        &view,
        &caller,
        &id,
        json!({"findings": {}, "actions": []}),
        START_ROWS,
    )
    .await?;
    view.render("reviews/show.html", ctx)
}

/// The action rows of an outcome form with something typed in them, as typed: rows left
/// wholly empty are not actions.
pub(super) fn typed_rows(typed: &Value) -> Vec<Value> {
    typed["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|row| {
            ["who", "what", "when", "how"]
                .iter()
                .any(|cell| row[*cell].as_str().is_some_and(|s| !s.trim().is_empty()))
        })
        .map(|row| {
            let mut row = row.clone();
            for cell in ["who", "what", "when", "how"] {
                if row.get(cell).is_none() {
                    row[cell] = json!("");
                }
            }
            row
        })
        .collect()
}

/// The findings as typed, each line of enquiry's text passed on whole (the service names an
/// empty one).
pub(super) fn typed_findings(typed: &Value) -> Result<BTreeMap<String, String>, AppError> {
    Fields::from_object(match &typed["findings"] {
        Value::Null => json!({}),
        findings => findings.clone(),
    })
}

/// Each typed row as the service reads it.
pub(super) fn row_inputs<T: serde::de::DeserializeOwned>(
    rows: &[Value],
) -> Result<Vec<T>, AppError> {
    rows.iter()
        .map(|row| Fields::from_object(trimmed(row.clone())))
        .collect()
}

/// The outcome form's fields in the order the page shows them, for its error summary: the
/// date, the views, each line of enquiry of the review (from the page's `lines`), the
/// recommendations and the easy words, then `extra`.
pub(super) fn outcome_order(ctx: &Value, extra: &[&str]) -> Vec<String> {
    let mut order: Vec<String> = ["held_on", "person_views", "family_views"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    order.extend(
        ctx["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l["key"].as_str())
            .map(|k| format!("findings.{k}")),
    );
    order.extend(
        ["recommendations", "easy_words"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string()),
    );
    order
}

#[post("/reviews/<id>/outcome", data = "<form>")]
pub async fn outcome_submit(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let typed = f.typed();
    let rows = typed_rows(&typed);
    let blank = json!({"held_on": "", "findings": {}, "recommendations": "",
                       "attendance": {"panel": [], "others": []}});
    let mut echo = f.refill(&blank, &[])?;
    echo["actions"] = json!(rows);
    if f.get("step") == Some("add_row") {
        let ctx = review_context(&view, &caller, &id, echo, rows.len() + 1).await?;
        return Ok(Answer::Page(view.render("reviews/show.html", ctx)?));
    }
    let input = Outcome {
        findings: Some(typed_findings(&typed)?),
        actions: Some(row_inputs(&rows)?),
        ..f.input(&["person_agreed"])?
    };
    match reviews::hold(view.app, &caller, &id, input).await {
        Ok(r) => {
            let next = r
                .next_review
                .as_ref()
                .map(|n| {
                    format!(
                        " The {} is scheduled, due by {}.",
                        n.kind.label().to_lowercase(),
                        n.due_by
                            .map(crate::domain::dates::long_date)
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            Ok(Answer::Done(Flash::success(
                Redirect::to(format!("/reviews/{}", r.id)),
                format!("Outcome recorded with {} action(s).{next}", r.actions.len()),
            )))
        }
        Err(e) => {
            let (fields, consent) = refusal(e, "held_on")?;
            let ctx = review_context(&view, &caller, &id, echo, rows.len().max(START_ROWS)).await?;
            let order = outcome_order(&ctx, &[]);
            let order: Vec<&str> = order.iter().map(String::as_str).collect();
            let ctx = with(
                ctx,
                with(
                    form_errors(&fields, &order),
                    json!({"consent_rule": consent}),
                ),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "reviews/show.html",
                ctx,
            )?))
        }
    }
}

fn flash_result(
    back: String,
    result: Result<String, AppError>,
) -> Result<Flash<Redirect>, AppError> {
    let to = Redirect::to(back);
    match result {
        Ok(m) => Ok(Flash::success(to, m)),
        Err(AppError::Validation { fields, .. }) => Ok(Flash::error(
            to,
            fields
                .values()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(". "),
        )),
        Err(AppError::Conflict(m)) => Ok(Flash::error(to, m)),
        Err(other) => Err(other),
    }
}

#[post("/reviews/<id>/report-sent", data = "<form>")]
pub async fn report_sent_submit(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let mut input: ReportSent = f.input(&[])?;
    // The page asks to whom and how (the API's first contract took only the day).
    input.sent_to.get_or_insert_with(Vec::new);
    input.sent_by.get_or_insert_with(String::new);
    let echo = f.refill(&json!({"sent_on": "", "sent_to": [], "sent_by": ""}), &[])?;
    match reviews::report_sent(view.app, &caller, &id, input).await {
        Ok(_) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/reviews/{}", id.as_str())),
            "The report is recorded as sent.",
        ))),
        Err(AppError::Validation { fields, .. }) => {
            let ctx = review_context(&view, &caller, &id, json!({}), START_ROWS).await?;
            let mut ctx = with(
                ctx,
                form_errors(&fields, &["sent_on", "sent_to", "sent_by"]),
            );
            ctx["sent_form"] = echo;
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "reviews/show.html",
                ctx,
            )?))
        }
        Err(e) => Ok(Answer::Done(flash_result(
            format!("/reviews/{}", id.as_str()),
            Err(e),
        )?)),
    }
}
