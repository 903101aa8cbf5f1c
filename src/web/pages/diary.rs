//! The home page of a chair or panel member: their diary of reviews by date.

use super::{Html, Page};
use crate::error::AppError;
use crate::services::{diary, users};
use crate::web::Caller;
use serde_json::json;

pub async fn page(page: &Page<'_>, caller: &Caller) -> Result<Html, AppError> {
    let diary = diary::for_user(page.app, caller).await?;
    let secret = users::calendar_secret(&page.app.db, &caller.user.id).await?;
    page.render(
        "diary.html",
        json!({
            "title": "Your reviews",
            "diary": diary,
            "today": page.app.clock.today().to_string(),
            "calendar": format!("/calendar/{secret}.ics"),
        }),
    )
}
