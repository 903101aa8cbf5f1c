//! `/api/v1/people/{id}/escalations`, `/api/v1/escalations`: concerns escalated to the ICB's
//! oversight panel, and their closing.

use super::body::ApiJson;
use super::types::{ListOf, Paging};
use crate::domain::ids::PersonId;
use crate::domain::visits::EscalationStatus;
use crate::error::AppError;
use crate::services::escalations::{self, CloseEscalation, EscalationView, NewEscalation};
use crate::services::people::Reader;
use crate::services::{App, input};
use crate::web::{Caller, UuidParam};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post};

/// `?status=` checked: `open`, `closed`, or absent for all.
pub fn status_filter(status: Option<&str>) -> Result<Option<EscalationStatus>, AppError> {
    let mut c = input::Check::default();
    let status = c.optional_choice(
        "status",
        status,
        EscalationStatus::parse,
        "Choose open or closed",
    );
    c.finish()?;
    Ok(status)
}

#[post("/api/v1/people/<id>/escalations", data = "<body>")]
pub async fn raise(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<NewEscalation>,
) -> Result<(Status, Json<EscalationView>), AppError> {
    let view =
        escalations::raise(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?;
    Ok((Status::Created, Json(view)))
}

#[get("/api/v1/escalations?<status>&<page>&<per_page>")]
pub async fn list(
    app: &State<App>,
    caller: Caller,
    status: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<EscalationView>>, AppError> {
    let status = status_filter(status)?;
    let paging = Paging::parse(page, per_page)?;
    let all = escalations::list(app, &caller.actor(), &Reader::of(app, &caller), status).await?;
    Ok(Json(paging.slice(all)))
}

#[get("/api/v1/escalations/<id>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
) -> Result<Json<EscalationView>, AppError> {
    let view = escalations::get(app, &caller.actor(), &Reader::of(app, &caller), &id.0).await?;
    Ok(Json(view))
}

#[post("/api/v1/escalations/<id>/close", data = "<body>")]
pub async fn close(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
    body: ApiJson<CloseEscalation>,
) -> Result<Json<EscalationView>, AppError> {
    let view = escalations::close(
        app,
        &caller.actor(),
        &Reader::of(app, &caller),
        &id.0,
        body.0,
    )
    .await?;
    Ok(Json(view))
}
