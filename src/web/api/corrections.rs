//! Corrections: `PATCH /api/v1/admissions/{id}` (a dated change, or with `correction_reason` a
//! correction), `POST /api/v1/risk-assessments/{id}/void`, `PATCH /api/v1/reviews/{id}/outcome`
//! and a sent review's addenda.

use super::body::ApiJson;
use super::types::{ListOf, Paging};
use crate::domain::ids::{ReviewId, StayId};
use crate::error::AppError;
use crate::services::App;
use crate::services::admissions::AdmissionView;
use crate::services::corrections::{self, AdmissionPatch, AssessmentRecord, Void};
use crate::services::people::Reader;
use crate::services::review_amend::{self, AddendumView, NewAddendum, OutcomeAmendment};
use crate::services::reviews::ReviewView;
use crate::web::Caller;
use crate::web::UuidParam;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post};

#[patch("/api/v1/admissions/<id>", data = "<body>")]
pub async fn update_admission(
    app: &State<App>,
    caller: Caller,
    id: StayId,
    body: ApiJson<AdmissionPatch>,
) -> Result<Json<AdmissionView>, AppError> {
    let reader = Reader::of(app, &caller);
    let view = corrections::patch_admission(app, &caller.actor(), &reader, &id, body.0).await?;
    Ok(Json(view))
}

#[post("/api/v1/risk-assessments/<id>/void", data = "<body>")]
pub async fn void_assessment(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
    body: ApiJson<Void>,
) -> Result<Json<AssessmentRecord>, AppError> {
    let reader = Reader::of(app, &caller);
    let view = corrections::void_assessment(app, &caller.actor(), &reader, &id.0, body.0).await?;
    Ok(Json(view))
}

#[patch("/api/v1/reviews/<id>/outcome", data = "<body>")]
pub async fn amend_outcome(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    body: ApiJson<OutcomeAmendment>,
) -> Result<Json<ReviewView>, AppError> {
    Ok(Json(review_amend::amend(app, &caller, &id, body.0).await?))
}

#[post("/api/v1/reviews/<id>/addenda", data = "<body>")]
pub async fn add_addendum(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    body: ApiJson<NewAddendum>,
) -> Result<(Status, Json<AddendumView>), AppError> {
    let view = review_amend::add_addendum(app, &caller, &id, body.0).await?;
    Ok((Status::Created, Json(view)))
}

#[get("/api/v1/reviews/<id>/addenda?<page>&<per_page>")]
pub async fn addenda(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<AddendumView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let all = review_amend::addenda(app, &caller, &id).await?;
    Ok(Json(paging.slice(all)))
}
