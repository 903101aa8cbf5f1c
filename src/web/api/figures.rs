//! `/api/v1/figures`: figures over time, month by month (numbers 1 to 7 as `*` for readers who
//! may not download returns).

use super::returns::FileDownload;
use crate::domain::figures::FiguresView;
use crate::error::AppError;
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
    let disclosure = service::disclosure(app, caller.role());
    Ok(Json(
        service::months(app, &caller.actor(), &months, disclosure).await?,
    ))
}

/// The figures as a PDF with their charts (the Figures page's PDF).
#[get("/api/v1/figures.pdf?<from>&<to>")]
pub async fn pdf(
    app: &State<App>,
    caller: Caller,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<FileDownload, AppError> {
    pdf_file(app, &caller, from, to).await
}

/// The PDF for the API and the page alike.
pub async fn pdf_file(
    app: &App,
    caller: &Caller,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<FileDownload, AppError> {
    let months = service::range(from, to, app.clock.today())?;
    let disclosure = service::disclosure(app, caller.role());
    Ok(FileDownload {
        content_type: super::returns::pdf_type(),
        download: service::pdf(app, &caller.actor(), &months, disclosure).await?,
    })
}
