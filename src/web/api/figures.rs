//! `/api/v1/figures`: figures over time, month by month (numbers 1 to 7 as `*` for readers who
//! may not download returns).

use crate::domain::figures::{Disclosure, FiguresView};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::{App, figures as service};
use crate::web::Caller;
use rocket::serde::json::Json;
use rocket::{State, get};

#[get("/api/v1/figures?<from>&<to>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Json<FiguresView>, AppError> {
    let months = service::range(from, to, app.clock.today())?;
    let exact = app
        .policies
        .access
        .allows(caller.role(), Permission::ReturnsDownload);
    let disclosure = if exact {
        Disclosure::Exact
    } else {
        Disclosure::Suppressed
    };
    Ok(Json(
        service::months(app, &caller.actor(), &months, disclosure).await?,
    ))
}
