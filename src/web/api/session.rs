//! `POST /api/v1/login`, `POST /api/v1/logout`, `GET /api/v1/me`, `POST /api/v1/me/password`.

use super::body::ApiJson;
use super::types::{LoginRequest, LoginResponse, SessionUser};
use crate::error::AppError;
use crate::services::users::{self, PasswordChange, UserView};
use crate::services::{App, sessions};
use crate::web::Caller;
use crate::web::client::ClientAddress;
use rocket::serde::json::Json;
use rocket::{State, get, post};

#[post("/api/v1/login", data = "<body>")]
pub async fn login(
    app: &State<App>,
    address: ClientAddress,
    body: ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let ApiJson(req) = body;
    crate::services::input::lines(&[("username", "the username", &req.username)])?;
    let kind = sessions::Kind::Api;
    let (token, who) = sessions::login(app, &req.username, &req.password, kind, &address.0).await?;
    Ok(Json(LoginResponse {
        token,
        user: SessionUser::from(&who.user),
    }))
}

#[post("/api/v1/logout")]
pub async fn logout(app: &State<App>, caller: Caller) -> Result<Json<serde_json::Value>, AppError> {
    sessions::logout(app, &caller).await?;
    Ok(Json(serde_json::json!({"status": "signed_out"})))
}

#[get("/api/v1/me")]
pub async fn me(caller: Caller) -> Json<UserView> {
    Json(caller.who.user.clone())
}

/// The caller's own password; their other sessions and tokens end, this token stays.
#[post("/api/v1/me/password", data = "<body>")]
pub async fn change_password(
    app: &State<App>,
    caller: Caller,
    address: ClientAddress,
    body: ApiJson<PasswordChange>,
) -> Result<Json<UserView>, AppError> {
    let user = users::change_own_password(app, &caller, body.0, &address.0).await?;
    Ok(Json(user))
}
