//! `/api/v1/referrals`: the single point of access.

use super::body::ApiJson;
use super::types::{ListOf, Paging};
use crate::auth::Caller;
use crate::domain::referral::ReferralStatus;
use crate::error::AppError;
use crate::services::people::Reader;
use crate::services::referrals::{self, Decision, NewReferral, OutcomeSent, ReferralView};
use crate::services::{App, input};
use crate::web::UuidParam;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post};

/// `?status=&overdue=` checked.
pub fn filters(
    status: Option<&str>,
    overdue: Option<&str>,
) -> Result<(Option<ReferralStatus>, Option<bool>), AppError> {
    let mut c = input::Check::default();
    let status = status
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| {
            let parsed = ReferralStatus::parse(s);
            if parsed.is_none() {
                c.fail("status", "Choose awaiting_decision, accepted or declined");
            }
            parsed
        });
    let overdue = match overdue.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            c.fail("overdue", "Use true or false");
            None
        }
    };
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

#[get("/api/v1/referrals?<status>&<overdue>&<page>&<per_page>")]
pub async fn list(
    app: &State<App>,
    caller: Caller,
    status: Option<&str>,
    overdue: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<ReferralView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let (status, overdue) = filters(status, overdue)?;
    let all = referrals::list(app, &caller.actor(), status, overdue).await?;
    Ok(Json(paging.slice(all)))
}

#[get("/api/v1/referrals/<id>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
) -> Result<Json<ReferralView>, AppError> {
    Ok(Json(
        referrals::get(app, &caller.actor(), &Reader::of(app, &caller), &id.0).await?,
    ))
}

#[post("/api/v1/referrals/<id>/decision", data = "<body>")]
pub async fn decide(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
    body: ApiJson<Decision>,
) -> Result<Json<ReferralView>, AppError> {
    Ok(Json(
        referrals::decide(
            app,
            &caller.actor(),
            &Reader::of(app, &caller),
            &id.0,
            body.0,
        )
        .await?,
    ))
}

#[post("/api/v1/referrals/<id>/outcome-sent", data = "<body>")]
pub async fn outcome_sent(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
    body: ApiJson<OutcomeSent>,
) -> Result<Json<ReferralView>, AppError> {
    Ok(Json(
        referrals::outcome_sent(
            app,
            &caller.actor(),
            &Reader::of(app, &caller),
            &id.0,
            body.0,
        )
        .await?,
    ))
}
