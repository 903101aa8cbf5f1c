//! `GET /health`: no sign-in, no personal data; 503 when the database does not answer.

use super::types::Health;
use crate::services::App;
use rocket::serde::json::Json;
use rocket::{State, get, http::Status};

#[get("/health")]
pub async fn health(app: &State<App>) -> (Status, Json<Health>) {
    let up = crate::db::ping(&app.db).await;
    let body = Health {
        status: if up { "ok" } else { "degraded" }.into(),
        database: if up { "ok" } else { "unavailable" }.into(),
    };
    (
        if up {
            Status::Ok
        } else {
            Status::ServiceUnavailable
        },
        Json(body),
    )
}
