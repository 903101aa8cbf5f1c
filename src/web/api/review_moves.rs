//! `PATCH /api/v1/reviews/{id}`: reschedule a review or change its panel, with a reason.

use super::body::ApiJson;
use crate::domain::ids::ReviewId;
use crate::error::AppError;
use crate::services::App;
use crate::services::review_moves::{self, ReviewChange};
use crate::services::reviews::ReviewView;
use crate::web::Caller;
use rocket::serde::json::Json;
use rocket::{State, patch};

#[patch("/api/v1/reviews/<id>", data = "<body>")]
pub async fn change(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    body: ApiJson<ReviewChange>,
) -> Result<Json<ReviewView>, AppError> {
    Ok(Json(review_moves::change(app, &caller, &id, body.0).await?))
}
