//! `/api/v1/reviews`, `/api/v1/actions`, `/api/v1/people/{id}/reviews` and `/due`.

use super::body::ApiJson;
use super::export::{self, ListOrFile};
use super::types::{ListOf, Paging};
use crate::domain::ids::{ActionId, PersonId, ReviewId};
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::error::AppError;
use crate::services::due::DueItem;
use crate::services::people::{self, Reader};
use crate::services::reviews::{
    self, ActionUpdate, ActionView, Cancel, NewReview, Outcome, ReportSent, ReviewQuery, ReviewView,
};
use crate::services::worklists::{self, ActionItem, ActionQuery, Owner};
use crate::services::{self, App, input};
use crate::web::Caller;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post};
use serde::Serialize;

#[post("/api/v1/people/<id>/reviews", data = "<body>")]
pub async fn schedule(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<NewReview>,
) -> Result<(Status, Json<ReviewView>), AppError> {
    let view =
        reviews::schedule(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?;
    Ok((Status::Created, Json(view)))
}

#[get("/api/v1/reviews?<status>&<overdue>&<person_id>&<page>&<per_page>&<format>")]
#[allow(clippy::too_many_arguments)]
pub async fn list(
    app: &State<App>,
    caller: Caller,
    status: Option<&str>,
    overdue: Option<&str>,
    person_id: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
    format: Option<&str>,
) -> Result<ListOrFile<ListOf<ReviewView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let format = export::format(format)?;
    let q = review_query(status, overdue, person_id)?;
    if let Some(format) = format {
        let download = services::export::reviews(app, &caller, &q, format).await?;
        return Ok(export::file(format, download));
    }
    let (items, total) =
        reviews::list(app, &caller, &q, Some((paging.page, paging.per_page))).await?;
    Ok(ListOrFile::List(Json(paging.wrap(items, total))))
}

/// `?status=&overdue=&person_id=` checked.
pub fn review_query(
    status: Option<&str>,
    overdue: Option<&str>,
    person_id: Option<&str>,
) -> Result<ReviewQuery, AppError> {
    let mut c = input::Check::default();
    let status = c.optional_choice(
        "status",
        status,
        ReviewStatus::parse,
        "Choose scheduled, held or cancelled",
    );
    let overdue = c.optional_flag("overdue", overdue);
    c.finish()?;
    Ok(ReviewQuery {
        status,
        overdue,
        person_id: person_id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(PersonId::from_text),
    })
}

#[get("/api/v1/reviews/<id>/report.pdf")]
pub async fn report_pdf(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
) -> Result<super::returns::FileDownload, AppError> {
    report_file(app, &caller, &id, reviews::ReportVersion::Report).await
}

#[get("/api/v1/reviews/<id>/easy-read.pdf")]
pub async fn easy_read_pdf(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
) -> Result<super::returns::FileDownload, AppError> {
    report_file(app, &caller, &id, reviews::ReportVersion::EasyRead).await
}

/// A held review's report as a PDF download (the review's page links to the same).
pub async fn report_file(
    app: &App,
    caller: &Caller,
    id: &ReviewId,
    version: reviews::ReportVersion,
) -> Result<super::returns::FileDownload, AppError> {
    Ok(super::returns::FileDownload {
        content_type: super::returns::pdf_type(),
        download: reviews::report(app, caller, id, version).await?,
    })
}

#[get("/api/v1/reviews/<id>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
) -> Result<Json<ReviewView>, AppError> {
    Ok(Json(reviews::get(app, &caller, &id).await?))
}

#[post("/api/v1/reviews/<id>/outcome", data = "<body>")]
pub async fn outcome(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    body: ApiJson<Outcome>,
) -> Result<Json<ReviewView>, AppError> {
    Ok(Json(reviews::hold(app, &caller, &id, body.0).await?))
}

#[post("/api/v1/reviews/<id>/report-sent", data = "<body>")]
pub async fn report_sent(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    body: ApiJson<ReportSent>,
) -> Result<Json<ReviewView>, AppError> {
    Ok(Json(reviews::report_sent(app, &caller, &id, body.0).await?))
}

#[post("/api/v1/reviews/<id>/cancel", data = "<body>")]
pub async fn cancel(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    body: ApiJson<Cancel>,
) -> Result<Json<ReviewView>, AppError> {
    Ok(Json(reviews::cancel(app, &caller, &id, body.0).await?))
}

#[patch("/api/v1/actions/<id>", data = "<body>")]
pub async fn update_action(
    app: &State<App>,
    caller: Caller,
    id: ActionId,
    body: ApiJson<ActionUpdate>,
) -> Result<Json<ActionView>, AppError> {
    Ok(Json(
        reviews::update_action(app, &caller, &id, body.0).await?,
    ))
}

#[get("/api/v1/actions?<overdue>&<status>&<who>&<page>&<per_page>&<format>")]
#[allow(clippy::too_many_arguments)]
pub async fn actions(
    app: &State<App>,
    caller: Caller,
    overdue: Option<&str>,
    status: Option<&str>,
    who: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
    format: Option<&str>,
) -> Result<ListOrFile<ListOf<ActionItem>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let format = export::format(format)?;
    let query = action_query(overdue, status, who, paging)?;
    if let Some(format) = format {
        let download = services::export::actions(app, &caller, &query, format).await?;
        return Ok(export::file(format, download));
    }
    let (items, total) = worklists::list_actions(app, &caller, &query).await?;
    Ok(ListOrFile::List(Json(paging.wrap(items, total))))
}

/// `?overdue=&status=&who=` checked, with paging.
pub fn action_query(
    overdue: Option<&str>,
    status: Option<&str>,
    who: Option<&str>,
    paging: Paging,
) -> Result<ActionQuery, AppError> {
    let mut c = input::Check::default();
    let overdue = c.optional_flag("overdue", overdue);
    let status = c.optional_choice(
        "status",
        status,
        ActionStatus::parse,
        "Choose open, done or dropped",
    );
    let who = one_line(&mut c, "who", who);
    c.finish()?;
    Ok(ActionQuery {
        overdue,
        status,
        who,
        page: paging.page,
        per_page: paging.per_page,
    })
}

/// A short one-line filter, trimmed; at most 100 characters.
fn one_line(c: &mut input::Check, field: &str, raw: Option<&str>) -> Option<String> {
    let v = raw.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > 100 {
        c.fail(field, "Enter at most 100 characters");
    } else if crate::domain::text::control_problem(v, crate::domain::text::Lines::One).is_some() {
        c.fail(field, "Enter one line of text");
    }
    Some(v.to_string())
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Owners {
    pub items: Vec<Owner>,
}

#[get("/api/v1/actions/owners?<q>")]
pub async fn action_owners(
    app: &State<App>,
    caller: Caller,
    q: Option<&str>,
) -> Result<Json<Owners>, AppError> {
    let mut c = input::Check::default();
    let q = one_line(&mut c, "q", q);
    c.finish()?;
    Ok(Json(Owners {
        items: worklists::owners(app, &caller, q.as_deref()).await?,
    }))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct DueList {
    pub items: Vec<DueItem>,
}

#[get("/api/v1/people/<id>/due?<as_of>")]
pub async fn due(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    as_of: Option<&str>,
) -> Result<Json<DueList>, AppError> {
    let as_of = as_of.map(|s| Some(s.to_string()));
    let mut c = crate::services::input::Check::default();
    let today = app.clock.today();
    let day = match as_of {
        Some(raw) => c.dated(
            "as_of",
            "the day",
            &raw,
            crate::domain::dates::DateKind::Event,
            today,
        ),
        None => Some(today),
    };
    c.finish()?;
    let day = day.unwrap_or(today);
    let reader = Reader::of(app, &caller);
    let items = people::due(app, &caller.actor(), &reader, &id, day).await?;
    Ok(Json(DueList { items }))
}
