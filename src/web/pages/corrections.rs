//! Correction pages: correcting a stay as recorded, voiding a risk assessment, amending a held
//! review's outcome, and adding an addendum once its report was sent. Each calls the same
//! service as its API route; a refusal re-renders the form with what was typed.

use super::Answer;
use super::register::{refusal, with};
use super::reviews::{outcome_order, review_context, row_inputs, typed_findings, typed_rows};
use super::short_forms::{
    ShortSpec, field, legal_select, security_select, short_context, short_fields, short_result,
};
use super::{Html, Page, form_errors};
use crate::domain::ids::{ReviewId, StayId};
use crate::error::AppError;
use crate::services::admissions;
use crate::services::corrections::{self, AdmissionCorrection, Void};
use crate::services::people::Reader;
use crate::services::review_amend::{self, AmendedAction, NewAddendum, OutcomeAmendment};
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Correcting a stay

fn correct_spec(admission_id: &str, person_id: &str, hospital: &str) -> ShortSpec {
    ShortSpec {
        title: format!("Correct the stay at {hospital}"),
        intro: "For a stay recorded wrongly from the start. The correction rewrites its history: \
            the rating, deadlines and returns made from now on follow it; returns already made keep \
            what they said. For a change that happened during the stay, use Change the stay instead."
            .into(),
        button: "Save the correction",
        action: format!("/admissions/{admission_id}/correct"),
        fields: json!([
            field("admitted_on", "Admission date", "date", ""),
            field("hospital", "Hospital", "text", ""),
            security_select("Security level"),
            legal_select("Legal status"),
            field(
                "correction_reason",
                "Why the record was wrong",
                "textarea",
                "Kept in the audit trail with the correction"
            ),
        ]),
        back: format!("/people/{person_id}"),
        warning: false,
    }
}

#[get("/admissions/<id>/correct")]
pub async fn correct_stay_page(
    view: Page<'_>,
    caller: Caller,
    id: StayId,
) -> Result<Html, AppError> {
    let a = admissions::get_for(&view.app.db, &Reader::of(view.app, &caller), &id).await?;
    let spec = correct_spec(id.as_str(), &a.person_id, &a.hospital);
    let values = json!({
        "admitted_on": a.admitted_on.to_string(), "hospital": a.hospital,
        "security_level": a.security_level.as_str(), "legal_status": a.legal_status.as_str(),
    });
    view.render("people/action.html", short_context(&spec, values))
}

#[post("/admissions/<id>/correct", data = "<form>")]
pub async fn correct_stay_submit(
    view: Page<'_>,
    caller: Caller,
    id: StayId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let reader = Reader::of(view.app, &caller);
    let a = admissions::get_for(&view.app.db, &reader, &id).await?;
    // The form names its reason `correction_reason`; the input calls it `reason`.
    let input: AdmissionCorrection = f
        .clone()
        .renamed("correction_reason", "reason")
        .input(&[])?;
    let result =
        corrections::correct_admission(view.app, &caller.actor(), &reader, &id, input).await;
    short_result(
        &view,
        &correct_spec(id.as_str(), &a.person_id, &a.hospital),
        &f,
        result,
        "The stay is corrected.".into(),
        format!("/people/{}", a.person_id),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Voiding a risk assessment

fn void_spec(assessment: &corrections::AssessmentRecord) -> ShortSpec {
    ShortSpec {
        title: "Void a risk assessment".into(),
        intro: format!(
            "The assessment of {} (rated {}, score {}, by {}) will no longer count: the rating \
             history, deadlines and returns made from now on read as if it was never entered. \
             It stays on the person's page, struck through, with your reason.",
            assessment.assessed_on,
            assessment.rating.as_str(),
            assessment.score,
            assessment.assessed_by
        ),
        button: "Void this assessment",
        action: format!("/risk-assessments/{}/void", assessment.id),
        fields: json!([field(
            "reason",
            "Why it was entered in error",
            "textarea",
            "For example, entered against the wrong person"
        )]),
        back: format!("/people/{}", assessment.person_id),
        warning: true,
    }
}

#[get("/risk-assessments/<id>/void")]
pub async fn void_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let a =
        corrections::find_assessment(&view.app.db, &Reader::of(view.app, &caller), &id.0).await?;
    if a.voided {
        return Err(AppError::Conflict(
            "This assessment has already been voided.".into(),
        ));
    }
    view.render(
        "people/action.html",
        short_context(&void_spec(&a), json!({})),
    )
}

#[post("/risk-assessments/<id>/void", data = "<form>")]
pub async fn void_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = short_fields(form);
    let reader = Reader::of(view.app, &caller);
    let a = corrections::find_assessment(&view.app.db, &reader, &id.0).await?;
    let input: Void = f.input(&[])?;
    let result =
        corrections::void_assessment(view.app, &caller.actor(), &reader, &id.0, input).await;
    short_result(
        &view,
        &void_spec(&a),
        &f,
        result,
        "The assessment is voided.".into(),
        format!("/people/{}", a.person_id),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Amending a review's outcome

#[get("/reviews/<id>/amend")]
pub async fn amend_page(view: Page<'_>, caller: Caller, id: ReviewId) -> Result<Html, AppError> {
    let ctx = review_context(&view, &caller, &id, json!({}), 0).await?;
    let rv = &ctx["review"];
    // The outcome as recorded; the plan's live actions (dropped ones stay as they are).
    let rows: Vec<serde_json::Value> = rv["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["status"] != "dropped")
        .map(|a| {
            let cell = |name: &str| a[name].as_str().unwrap_or_default();
            json!({"id": cell("id"), "who": cell("who"), "what": cell("what"),
                   "when": cell("when"), "how": cell("how")})
        })
        .collect();
    let form = json!({
        "held_on": rv["held_on"], "findings": rv["findings"],
        "recommendations": rv["recommendations"], "actions": rows,
        "attendance": if rv["attendance"].is_null() { json!({"panel": [], "others": []}) } else { rv["attendance"].clone() },
        "person_views": rv["person_views"], "family_views": rv["family_views"],
        "easy_words": rv["easy_words"],
    });
    let n = rows.len() + 1;
    render_amend(&view, ctx, form, n, None)
}

fn render_amend(
    view: &Page<'_>,
    mut ctx: serde_json::Value,
    form: serde_json::Value,
    rows: usize,
    status: Option<Http>,
) -> Result<Html, AppError> {
    if ctx["may_record"] != true {
        return Err(AppError::Forbidden);
    }
    if ctx["review"]["status"] != "held" || !ctx["review"]["report_sent_on"].is_null() {
        return Err(AppError::Conflict(
            "Only a held review's outcome can be amended, until its report is sent.".into(),
        ));
    }
    ctx["form"] = form;
    ctx["rows"] = json!((0..rows).collect::<Vec<_>>());
    ctx["title"] = json!(format!(
        "Amend the outcome: {}",
        ctx["title"].as_str().unwrap_or_default()
    ));
    match status {
        Some(s) => view.render_status(s, "reviews/amend.html", ctx),
        None => view.render("reviews/amend.html", ctx),
    }
}

#[post("/reviews/<id>/amend", data = "<form>")]
pub async fn amend_submit(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let typed = f.typed();
    let rows = typed_rows(&typed);
    let blank = json!({"held_on": "", "findings": {}, "recommendations": "", "reason": "",
                       "attendance": {"panel": [], "others": []}});
    let mut echo = f.refill(&blank, &[])?;
    echo["actions"] = json!(rows);
    if f.get("step") == Some("add_row") {
        let ctx = review_context(&view, &caller, &id, json!({}), 0).await?;
        return Ok(Answer::Page(render_amend(
            &view,
            ctx,
            echo,
            rows.len() + 1,
            None,
        )?));
    }
    let input = OutcomeAmendment {
        findings: Some(typed_findings(&typed)?),
        actions: Some(row_inputs::<AmendedAction>(&rows)?),
        ..f.input(&[])?
    };
    match review_amend::amend(view.app, &caller, &id, input).await {
        Ok(r) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/reviews/{}", r.id)),
            "The outcome is amended.".to_string(),
        ))),
        Err(e) => {
            let (fields, _) = refusal(e, "held_on")?;
            let ctx = review_context(&view, &caller, &id, json!({}), 0).await?;
            let order = outcome_order(&ctx, &["reason"]);
            let order: Vec<&str> = order.iter().map(String::as_str).collect();
            let ctx = with(ctx, form_errors(&fields, &order));
            Ok(Answer::Page(render_amend(
                &view,
                ctx,
                echo,
                rows.len().max(1),
                Some(Http::UnprocessableEntity),
            )?))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Addenda

#[post("/reviews/<id>/addenda", data = "<form>")]
pub async fn addendum_submit(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let input: NewAddendum = f.input(&[])?;
    match review_amend::add_addendum(view.app, &caller, &id, input).await {
        Ok(_) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/reviews/{}", id.as_str())),
            "The addendum is added.".to_string(),
        ))),
        Err(e) => {
            let (fields, _) = refusal(e, "text")?;
            let context = review_context(
                &view,
                &caller,
                &id,
                json!({"findings": {}, "actions": []}),
                0,
            )
            .await?;
            Ok(Answer::Page(Fields::again(
                &view,
                "reviews/show.html",
                context,
                ("addendum_text", json!(f.get("text").unwrap_or_default())),
                (&fields, &["text"]),
            )?))
        }
    }
}
