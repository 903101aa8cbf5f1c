//! The actions tracker: open actions across reviews, filtered by owner and overdue, each marked
//! done or dropped in place.

use super::flash_result;
use crate::domain::ids::ActionId;
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::reviews::{self, ActionUpdate};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use crate::web::pages::Answer;
use crate::web::pages::register::refusal;
use crate::web::pages::{Html, Page, form_errors};
use rocket::http::Status as Http;
use rocket::{get, post};
use serde_json::{Value, json};

/// The open actions, soonest due first, naming each person, filtered by owner and overdue and
/// paged in SQL; `Err` carries the page of refused filters.
async fn actions_context(
    view: &Page<'_>,
    caller: &Caller,
    who: Option<&str>,
    overdue: Option<&str>,
    page: Option<&str>,
) -> Result<Result<Value, Value>, AppError> {
    let filters =
        json!({"who": who.unwrap_or(""), "overdue": overdue.is_some_and(|o| o == "true")});
    let owners = crate::services::worklists::owners(view.app, caller, None).await?;
    let base = json!({
        "title": "Actions", "filters": filters, "owners": owners,
        "today": view.app.clock.today().to_string(),
        "may_update": view.can(Permission::ActionsUpdate), "typed": {},
    });
    let query = crate::web::api::types::Paging::parse(page, None).and_then(|p| {
        let mut q = crate::web::api::reviews::action_query(overdue, None, who, p)?;
        q.status = Some(crate::domain::review::ActionStatus::Open);
        Ok(q)
    });
    let query = match query {
        Ok(q) => q,
        Err(AppError::Validation { fields, .. }) => {
            return Ok(Err(crate::web::pages::register::with(
                base,
                crate::web::pages::register::with(
                    form_errors(&fields, &["who", "overdue", "page"]),
                    json!({"actions": []}),
                ),
            )));
        }
        Err(other) => return Err(other),
    };
    let (items, total) = crate::services::worklists::list_actions(view.app, caller, &query).await?;
    // The rows whose plan this user keeps: a chair's own reviews', or every one.
    let reviews: Vec<&str> = items.iter().map(|a| a.action.review_id.as_str()).collect();
    let kept = crate::services::reviews::plans_kept_by(view.app, caller, &reviews).await?;
    let link = crate::web::link_with("/actions", [("who", who), ("overdue", overdue)]);
    Ok(Ok(crate::web::pages::register::with(
        base,
        json!({
            "actions": items, "kept": kept,
            "downloads": crate::web::pages::exports::links("/actions/export", &[("who", who), ("overdue", overdue)]),
            "pagination": crate::web::pages::admin::pagination(&link, query.page, query.per_page, total),
            "errors": [], "field_errors": {},
        }),
    )))
}

#[get("/actions?<who>&<overdue>&<page>")]
pub async fn actions_page(
    view: Page<'_>,
    caller: Caller,
    who: Option<&str>,
    overdue: Option<&str>,
    page: Option<&str>,
) -> Result<Html, AppError> {
    match actions_context(&view, &caller, who, overdue, page).await? {
        Ok(ctx) => view.render("reviews/actions.html", ctx),
        Err(ctx) => view.render_status(Http::UnprocessableEntity, "reviews/actions.html", ctx),
    }
}

#[post("/actions/<id>", data = "<form>")]
pub async fn action_submit(
    view: Page<'_>,
    caller: Caller,
    id: ActionId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let back = match f.get("back") {
        Some(b) if b.starts_with('/') && !b.starts_with("//") => b.to_string(),
        _ => "/actions".into(),
    };
    let input: ActionUpdate = f.input(&[])?;
    let result = reviews::update_action(view.app, &caller, &id, input)
        .await
        .map(|a| format!("Action for {} marked {}.", a.who, a.status.as_str()));
    match result {
        // On the actions page a refusal shows there, by the action's own fields, with what
        // was typed kept.
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) if back == "/actions" => {
            let (fields, _) = refusal(e, "note")?;
            let fields: crate::error::FieldErrors = fields
                .into_iter()
                .map(|(k, v)| (format!("{k}-{}", id.as_str()), v))
                .collect();
            let order = [
                format!("completed_on-{}", id.as_str()),
                format!("note-{}", id.as_str()),
            ];
            let order: Vec<&str> = order.iter().map(String::as_str).collect();
            let listed = match actions_context(&view, &caller, None, None, None).await? {
                Ok(ctx) | Err(ctx) => ctx,
            };
            let blank = json!({"status": "", "completed_on": "", "note": ""});
            let mut typed = f.refill(&blank, &[])?;
            typed["id"] = json!(id.as_str());
            Ok(Answer::Page(Fields::again(
                &view,
                "reviews/actions.html",
                listed,
                ("typed", typed),
                (&fields, &order),
            )?))
        }
        other => flash_result(back, other).map(Answer::Done),
    }
}
