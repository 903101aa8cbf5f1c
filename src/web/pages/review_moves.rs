//! Reviews that move: the page to reschedule a review or change its panel (with a reason), the
//! page to cancel one (a confirmation with a reason), and the question every booking page asks
//! before a review goes on a weekend or bank holiday.

use super::register::{Answer, refusal, with};
use super::{Html, Page, form_errors, some};
use crate::domain::dates::long_date;
use crate::domain::panel::PanelKind;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::services::review_moves::{self, ReviewChange};
use crate::services::reviews::{self, Cancel, ReviewView};
use crate::services::{App, users};
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::csrf::{CsrfForm, Protected};
use rocket::form::FromForm;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

/// Whether the booking should ask before a weekend or bank holiday: unless the box confirming
/// this very date was ticked.
pub(super) fn ask_day_off(scheduled_for: &str, confirmed: &str) -> bool {
    confirmed.trim().is_empty() || confirmed.trim() != scheduled_for.trim()
}

/// When the service asked about a weekend or bank holiday: the question the template shows by
/// the confirm box.
pub(super) fn day_off_question(app: &App, fields: &FieldErrors, raw: &str) -> Value {
    let day =
        crate::services::input::parse_date(raw).filter(|_| fields.contains_key("confirm_day_off"));
    match day.and_then(|d| review_moves::day_off(app, d).map(|why| (d, why))) {
        Some((d, why)) => json!({
            "question": format!("{} {} {} is {why}. Book it anyway?", d.day(), d.month(), d.year()),
            "day": d.to_string(),
        }),
        None => Value::Null,
    }
}

/// The people each seat's picker lists: chairs (panel chairs and commissioners), and panel
/// members of the seat's own kind only.
pub(super) async fn pickers(app: &App) -> Result<Value, AppError> {
    let chairs = users::active_with_roles(&app.db, &[Role::PanelChair, Role::Commissioner]).await?;
    let experts = users::active_panel_members(&app.db, PanelKind::ExpertByExperience).await?;
    let clinicians = users::active_panel_members(&app.db, PanelKind::ClinicalExpert).await?;
    Ok(json!({"chairs": chairs, "experts": experts, "clinicians": clinicians}))
}

fn scheduled_only(r: &ReviewView) -> Result<(), AppError> {
    if r.status == crate::domain::review::ReviewStatus::Scheduled {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "Only a scheduled review can be moved, have its panel changed or be cancelled: this one has been held or cancelled.".into(),
        ))
    }
}

#[derive(FromForm)]
pub struct ChangeForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    scheduled_for: String,
    #[field(default = String::new())]
    starts_at: String,
    #[field(default = String::new())]
    place: String,
    #[field(default = String::new())]
    chair_id: String,
    #[field(default = String::new())]
    expert_by_experience_id: String,
    #[field(default = String::new())]
    clinical_expert_id: String,
    #[field(default = String::new())]
    reason: String,
    #[field(default = String::new())]
    confirm_day_off: String,
}

impl Protected for ChangeForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

const CHANGE_FIELDS: &[&str] = &[
    "scheduled_for",
    "confirm_day_off",
    "starts_at",
    "place",
    "chair_id",
    "expert_by_experience_id",
    "clinical_expert_id",
    "reason",
];

async fn change_context(
    view: &Page<'_>,
    review: &ReviewView,
    form: Value,
) -> Result<Value, AppError> {
    Ok(with(
        pickers(view.app).await?,
        json!({
            "title": format!("Move or change the panel: {}", review.kind.label().to_lowercase()),
            "review": review, "form": form,
        }),
    ))
}

#[get("/reviews/<id>/change")]
pub async fn change_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let r = reviews::get(view.app, &caller, &id.0).await?;
    scheduled_only(&r)?;
    let member =
        |m: &Option<reviews::PanelMember>| m.as_ref().map_or(String::new(), |m| m.id.clone());
    let form = json!({
        "scheduled_for": r.scheduled_for.to_string(), "starts_at": r.starts_at, "place": r.place,
        "chair_id": member(&r.chair), "expert_by_experience_id": member(&r.expert_by_experience),
        "clinical_expert_id": member(&r.clinical_expert), "reason": "",
    });
    let ctx = change_context(&view, &r, form).await?;
    view.render("reviews/change.html", ctx)
}

#[post("/reviews/<id>/change", data = "<form>")]
pub async fn change_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ChangeForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let echo = json!({"scheduled_for": f.scheduled_for, "starts_at": f.starts_at, "place": f.place,
        "chair_id": f.chair_id, "expert_by_experience_id": f.expert_by_experience_id,
        "clinical_expert_id": f.clinical_expert_id, "reason": f.reason});
    let input = ReviewChange {
        scheduled_for: Some(some(&f.scheduled_for)),
        starts_at: Some(some(&f.starts_at)),
        place: Some(some(&f.place)),
        chair_id: Some(some(&f.chair_id)),
        expert_by_experience_id: Some(some(&f.expert_by_experience_id)),
        clinical_expert_id: Some(some(&f.clinical_expert_id)),
        reason: some(&f.reason),
        ask_day_off: ask_day_off(&f.scheduled_for, &f.confirm_day_off),
    };
    let fields = match review_moves::change(view.app, &caller, &id.0, input).await {
        Ok(r) => return Ok(Answer::Done(changed(&r))),
        Err(e) => refusal(e, "scheduled_for")?.0,
    };
    let question = day_off_question(view.app, &fields, &f.scheduled_for);
    let r = reviews::get(view.app, &caller, &id.0).await?;
    let ctx = with(
        change_context(&view, &r, echo).await?,
        with(
            form_errors(&fields, CHANGE_FIELDS),
            json!({"day_off": question}),
        ),
    );
    Ok(Answer::Page(view.render_status(
        Http::UnprocessableEntity,
        "reviews/change.html",
        ctx,
    )?))
}

/// The message after a change, warning when the review now falls after its due date.
fn changed(r: &ReviewView) -> Flash<Redirect> {
    let mut message = format!(
        "The review is on {}{}.",
        long_date(r.scheduled_for),
        r.starts_at
            .as_ref()
            .map(|t| format!(" at {t}"))
            .unwrap_or_default()
    );
    if let Some(due) = review_moves::after_due(r, r.scheduled_for) {
        message.push_str(&format!(
            " This is after its due date ({}): it shows as overdue to the commissioner.",
            long_date(due)
        ));
    }
    Flash::success(Redirect::to(format!("/reviews/{}", r.id)), message)
}

#[derive(FromForm)]
pub struct CancelForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    reason: String,
    #[field(default = String::new())]
    cancelled_on: String,
}

impl Protected for CancelForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[get("/reviews/<id>/cancel")]
pub async fn cancel_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let r = reviews::get(view.app, &caller, &id.0).await?;
    scheduled_only(&r)?;
    let form = json!({"reason": "", "cancelled_on": view.app.clock.today().to_string()});
    view.render(
        "reviews/cancel.html",
        json!({"title": "Cancel this review", "review": r, "form": form}),
    )
}

/// Cancelling: a refused reason or day is shown by its field with what was typed kept.
#[post("/reviews/<id>/cancel", data = "<form>")]
pub async fn cancel_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<CancelForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let input = Cancel {
        reason: some(&f.reason),
        cancelled_on: some(&f.cancelled_on),
    };
    match reviews::cancel(view.app, &caller, &id.0, input).await {
        Ok(r) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/reviews/{}", r.id)),
            format!(
                "The review is cancelled (from {}).",
                r.cancelled_on.map(long_date).unwrap_or_default()
            ),
        ))),
        Err(AppError::Validation { fields, .. }) => {
            let r = reviews::get(view.app, &caller, &id.0).await?;
            let ctx = with(
                json!({"title": "Cancel this review", "review": r,
                    "form": {"reason": f.reason, "cancelled_on": f.cancelled_on}}),
                form_errors(&fields, &["reason", "cancelled_on"]),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "reviews/cancel.html",
                ctx,
            )?))
        }
        Err(AppError::Conflict(m)) => Ok(Answer::Done(Flash::error(
            Redirect::to(format!("/reviews/{}", id.0)),
            m,
        ))),
        Err(other) => Err(other),
    }
}
