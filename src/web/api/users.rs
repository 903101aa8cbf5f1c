//! `/api/v1/users`: administrators list, create, deactivate and reactivate users, and reset a
//! user's password to a one-time password.

use super::body::ApiJson;
use super::types::{ListOf, Paging};
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::services::App;
use crate::services::users::{
    self, NewUser, PanelKindChange, PasswordReset, PasswordResetDone, UserView,
};
use crate::web::Caller;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post};

#[get("/api/v1/users?<page>&<per_page>")]
pub async fn list(
    app: &State<App>,
    _caller: Caller,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<UserView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let (items, total) = users::list(&app.db, paging.page, paging.per_page).await?;
    Ok(Json(paging.wrap(items, total)))
}

#[post("/api/v1/users", data = "<body>")]
pub async fn create(
    app: &State<App>,
    caller: Caller,
    body: ApiJson<NewUser>,
) -> Result<(Status, Json<UserView>), AppError> {
    let ApiJson(input) = body;
    crate::services::input::lines(&[
        ("username", "the username", &input.username),
        ("display_name", "the name", &input.display_name),
    ])?;
    let user = users::create(app, &caller.actor(), input).await?;
    Ok((Status::Created, Json(user)))
}

#[get("/api/v1/users/<id>")]
pub async fn get(
    app: &State<App>,
    _caller: Caller,
    id: UserId,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(users::view(&app.db, &id).await?))
}

#[post("/api/v1/users/<id>/deactivate")]
pub async fn deactivate(
    app: &State<App>,
    caller: Caller,
    id: UserId,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        users::set_active(app, &caller.actor(), &id, false).await?,
    ))
}

#[post("/api/v1/users/<id>/reactivate")]
pub async fn reactivate(
    app: &State<App>,
    caller: Caller,
    id: UserId,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        users::set_active(app, &caller.actor(), &id, true).await?,
    ))
}

#[post("/api/v1/users/<id>/password", data = "<body>")]
pub async fn reset_password(
    app: &State<App>,
    caller: Caller,
    id: UserId,
    body: ApiJson<PasswordReset>,
) -> Result<Json<PasswordResetDone>, AppError> {
    Ok(Json(
        users::reset_password(app, &caller.actor(), &id, body.0).await?,
    ))
}

#[post("/api/v1/users/<id>/email", data = "<body>")]
pub async fn set_email(
    app: &State<App>,
    caller: Caller,
    id: UserId,
    body: ApiJson<crate::services::users::EmailChange>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        users::set_email(app, &caller.actor(), &id, body.0).await?,
    ))
}

#[post("/api/v1/users/<id>/panel-kind", data = "<body>")]
pub async fn set_panel_kind(
    app: &State<App>,
    caller: Caller,
    id: UserId,
    body: ApiJson<PanelKindChange>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        users::set_panel_kind(app, &caller.actor(), &id, body.0).await?,
    ))
}
