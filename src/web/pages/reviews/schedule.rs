//! Scheduling a review from a person's page: the form, and what it says when refused.

use crate::domain::ids::PersonId;
use crate::domain::review::ReviewKind;
use crate::error::AppError;
use crate::services::people::{self, Reader};
use crate::services::reviews::{self, NewReview, ReviewView};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use crate::web::pages::Answer;
use crate::web::pages::register::{refusal, with};
use crate::web::pages::{Html, Page};
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

fn kinds() -> Value {
    ReviewKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label()}))
        .collect()
}

async fn schedule_context(
    view: &Page<'_>,
    caller: &Caller,
    person_id: &PersonId,
    form: Value,
) -> Result<Value, AppError> {
    let reader = Reader::of(view.app, caller);
    let due = people::due(
        view.app,
        &caller.actor(),
        &reader,
        person_id,
        view.app.clock.today(),
    )
    .await?;
    let person = people::name_of(&view.app.db, &reader, person_id).await?;
    Ok(with(
        crate::web::pages::review_moves::pickers(view.app).await?,
        json!({
            "title": format!("Schedule a review: {}", person.full_name),
            "person_id": person_id, "due": due, "kinds": kinds(), "form": form,
            "mail_on": crate::services::mail::enabled(view.app),
            "mail_off": crate::services::mail::NOT_SET_UP,
        }),
    ))
}

#[get("/people/<id>/reviews/new")]
pub async fn schedule_page(view: Page<'_>, caller: Caller, id: PersonId) -> Result<Html, AppError> {
    let ctx = schedule_context(
        &view,
        &caller,
        &id,
        json!({"kind": "", "scheduled_for": "", "scheduled_on": view.app.clock.today().to_string(),
            "chair_id": caller.user.id, "expert_by_experience_id": "", "clinical_expert_id": "",
            "starts_at": "", "place": ""}),
    )
    .await?;
    view.render("reviews/schedule.html", ctx)
}

/// The schedule form's fields, in the order its errors are listed.
const SCHEDULE_FIELDS: &[&str] = &[
    "kind",
    "scheduled_for",
    "confirm_day_off",
    "scheduled_on",
    "starts_at",
    "place",
    "chair_id",
    "expert_by_experience_id",
    "clinical_expert_id",
];

/// What the flash says once a review is scheduled: when, and by when it is due.
fn scheduled_message(r: &ReviewView) -> String {
    let on = crate::domain::dates::long_date;
    let at = r
        .starts_at
        .as_ref()
        .map(|t| format!(" at {t}"))
        .unwrap_or_default();
    match &r.due_by {
        Some(due) => format!(
            "Review scheduled for {}{at}; it is due by {}.",
            on(r.scheduled_for),
            on(*due)
        ),
        None => format!("Review scheduled for {}{at}.", on(r.scheduled_for)),
    }
}

#[post("/people/<id>/reviews", data = "<form>")]
pub async fn schedule_submit(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let scheduled_for = f.get("scheduled_for").unwrap_or_default();
    let input = NewReview {
        ask_day_off: crate::web::pages::review_moves::ask_day_off(
            scheduled_for,
            f.get("confirm_day_off").unwrap_or_default(),
        ),
        ..f.input(&[])?
    };
    let result = reviews::schedule(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id,
        input,
    )
    .await;
    match result {
        Ok(r) => {
            let mut message = scheduled_message(&r);
            let missed = crate::services::mail::not_invited(view.app, &r).await?;
            if !missed.is_empty() {
                message.push_str(&format!(
                    " No email invitation goes to {}: no email address.",
                    missed.join(" or ")
                ));
            }
            Ok(Answer::Done(Flash::success(
                Redirect::to(format!("/reviews/{}", r.id)),
                message,
            )))
        }
        Err(e) => {
            let (fields, _) = refusal(e, "expert_by_experience_id")?;
            let question =
                crate::web::pages::review_moves::day_off_question(view.app, &fields, scheduled_for);
            let blank: serde_json::Map<String, Value> = SCHEDULE_FIELDS
                .iter()
                .filter(|n| **n != "confirm_day_off")
                .map(|n| (n.to_string(), json!("")))
                .collect();
            let context = with(
                schedule_context(&view, &caller, &id, Value::Null).await?,
                json!({"day_off": question}),
            );
            Ok(Answer::Page(Fields::again(
                &view,
                "reviews/schedule.html",
                context,
                ("form", f.refill(&blank, &[])?),
                (&fields, SCHEDULE_FIELDS),
            )?))
        }
    }
}
