//! `/api/v1/referrals`: the single point of access.

use super::body::ApiJson;
use super::export::{self, ListOrFile};
use super::types::{ListOf, Paging};
use crate::domain::ids::ReferralId;
use crate::domain::referral::ReferralStatus;
use crate::error::AppError;
use crate::services::people::Reader;
use crate::services::referrals::{
    self, Decision, NewReferral, OutcomeSent, ReferralQuery, ReferralView,
};
use crate::services::{self, App, input};
use crate::web::Caller;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post};

/// `?status=&overdue=` checked.
pub fn filters(
    status: Option<&str>,
    overdue: Option<&str>,
) -> Result<(Option<ReferralStatus>, Option<bool>), AppError> {
    let mut c = input::Check::default();
    let status = c.optional_choice(
        "status",
        status,
        ReferralStatus::parse,
        "Choose awaiting_decision, accepted or declined",
    );
    let overdue = c.optional_flag("overdue", overdue);
    c.finish()?;
    Ok((status, overdue))
}

#[post("/api/v1/referrals", data = "<body>")]
pub async fn create(
    app: &State<App>,
    caller: Caller,
    body: ApiJson<NewReferral>,
) -> Result<(Status, Json<ReferralView>), AppError> {
    let view = referrals::create(app, &caller.actor(), &Reader::of(app, &caller), body.0).await?;
    Ok((Status::Created, Json(view)))
}

#[get("/api/v1/referrals?<status>&<overdue>&<page>&<per_page>&<format>")]
pub async fn list(
    app: &State<App>,
    caller: Caller,
    status: Option<&str>,
    overdue: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
    format: Option<&str>,
) -> Result<ListOrFile<ListOf<ReferralView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let format = export::format(format)?;
    let (status, overdue) = filters(status, overdue)?;
    let q = ReferralQuery {
        status,
        overdue,
        page: paging.page,
        per_page: paging.per_page,
        ..ReferralQuery::default()
    };
    let (actor, reader) = (caller.actor(), Reader::of(app, &caller));
    if let Some(format) = format {
        let download = services::export::referrals(app, &actor, &reader, &q, format).await?;
        return Ok(export::file(format, download));
    }
    let (items, total) = referrals::list(app, &actor, &reader, &q).await?;
    Ok(ListOrFile::List(Json(paging.wrap(items, total))))
}

#[get("/api/v1/referrals/<id>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    id: ReferralId,
) -> Result<Json<ReferralView>, AppError> {
    Ok(Json(
        referrals::get(app, &caller.actor(), &Reader::of(app, &caller), &id).await?,
    ))
}

#[post("/api/v1/referrals/<id>/decision", data = "<body>")]
pub async fn decide(
    app: &State<App>,
    caller: Caller,
    id: ReferralId,
    body: ApiJson<Decision>,
) -> Result<Json<ReferralView>, AppError> {
    Ok(Json(
        referrals::decide(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?,
    ))
}

#[post("/api/v1/referrals/<id>/outcome-sent", data = "<body>")]
pub async fn outcome_sent(
    app: &State<App>,
    caller: Caller,
    id: ReferralId,
    body: ApiJson<OutcomeSent>,
) -> Result<Json<ReferralView>, AppError> {
    Ok(Json(
        referrals::outcome_sent(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0)
            .await?,
    ))
}
