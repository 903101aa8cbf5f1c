//! Reviews that move: the page to reschedule a review or change its panel (with a reason), the
//! page to cancel one (a confirmation with a reason), and the question every booking page asks
//! before a review goes on a weekend or bank holiday.

use super::Answer;
use super::register::{refusal, with};
use super::{Html, Page};
use crate::domain::dates::long_date;
use crate::domain::ids::ReviewId;
use crate::domain::panel::PanelKind;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::services::review_moves::{self, ReviewChange};
use crate::services::reviews::{self, Cancel, ReviewView};
use crate::services::{App, users};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
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
pub async fn change_page(view: Page<'_>, caller: Caller, id: ReviewId) -> Result<Html, AppError> {
    let r = reviews::get(view.app, &caller, &id).await?;
    scheduled_only(&r)?;
    let member =
        |m: &Option<reviews::PanelMember>| m.as_ref().map_or(String::new(), |m| m.id.to_string());
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
    id: ReviewId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    // The page sends the whole review: a field left empty is cleared (`null`), not unchanged.
    let mut object = f.object(&[])?;
    for name in &CHANGE_FIELDS[..7] {
        if *name != "confirm_day_off" && object.get(*name).is_none() {
            object[*name] = Value::Null;
        }
    }
    let scheduled_for = f.get("scheduled_for").unwrap_or_default();
    let input = ReviewChange {
        ask_day_off: ask_day_off(scheduled_for, f.get("confirm_day_off").unwrap_or_default()),
        ..Fields::from_object(object)?
    };
    let fields = match review_moves::change(view.app, &caller, &id, input).await {
        Ok(r) => return Ok(Answer::Done(changed(&r))),
        Err(e) => refusal(e, "scheduled_for")?.0,
    };
    let question = day_off_question(view.app, &fields, scheduled_for);
    let r = reviews::get(view.app, &caller, &id).await?;
    let blank: serde_json::Map<String, Value> = CHANGE_FIELDS
        .iter()
        .filter(|n| **n != "confirm_day_off")
        .map(|n| (n.to_string(), json!("")))
        .collect();
    let context = with(
        change_context(&view, &r, Value::Null).await?,
        json!({"day_off": question}),
    );
    Ok(Answer::Page(Fields::again(
        &view,
        "reviews/change.html",
        context,
        ("form", f.refill(&blank, &[])?),
        (&fields, CHANGE_FIELDS),
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

#[get("/reviews/<id>/cancel")]
pub async fn cancel_page(view: Page<'_>, caller: Caller, id: ReviewId) -> Result<Html, AppError> {
    let r = reviews::get(view.app, &caller, &id).await?;
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
    id: ReviewId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let input: Cancel = f.input(&[])?;
    match reviews::cancel(view.app, &caller, &id, input).await {
        Ok(r) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/reviews/{}", r.id)),
            format!(
                "The review is cancelled (from {}).",
                r.cancelled_on.map(long_date).unwrap_or_default()
            ),
        ))),
        Err(AppError::Validation { fields, .. }) => {
            let r = reviews::get(view.app, &caller, &id).await?;
            let blank = json!({"reason": "", "cancelled_on": ""});
            Ok(Answer::Page(Fields::again(
                &view,
                "reviews/cancel.html",
                json!({"title": "Cancel this review", "review": r}),
                ("form", f.refill(&blank, &[])?),
                (&fields, &["reason", "cancelled_on"]),
            )?))
        }
        Err(AppError::Conflict(m)) => Ok(Answer::Done(Flash::error(
            Redirect::to(format!("/reviews/{}", id.as_str())),
            m,
        ))),
        Err(other) => Err(other),
    }
}
