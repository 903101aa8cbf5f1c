//! `POST /api/v1/login`, `POST /api/v1/logout`, `GET /api/v1/me`.

use super::body::ApiJson;
use super::types::{LoginRequest, LoginResponse, SessionUser};
use crate::auth::Caller;
use crate::error::AppError;
use crate::services::users::UserView;
use crate::services::{App, sessions};
use rocket::serde::json::Json;
use rocket::{State, get, post};

#[post("/api/v1/login", data = "<body>")]
pub async fn login(
    app: &State<App>,
    body: ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let ApiJson(req) = body;
    crate::services::input::lines(&[("username", "the username", &req.username)])?;
    let (token, who) =
        sessions::login(app, &req.username, &req.password, sessions::Kind::Api).await?;
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
