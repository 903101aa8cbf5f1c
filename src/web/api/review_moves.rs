//! `PATCH /api/v1/reviews/{id}`: reschedule a review or change its panel, with a reason.

use super::body::ApiJson;
use crate::error::AppError;
use crate::services::App;
use crate::services::review_moves::{self, ReviewChange};
use crate::services::reviews::ReviewView;
use crate::web::Caller;
use crate::web::UuidParam;
use rocket::serde::json::Json;
use rocket::{State, patch};

#[patch("/api/v1/reviews/<id>", data = "<body>")]
pub async fn change(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
    body: ApiJson<ReviewChange>,
) -> Result<Json<ReviewView>, AppError> {
    Ok(Json(
        review_moves::change(app, &caller, &id.0, body.0).await?,
    ))
}
