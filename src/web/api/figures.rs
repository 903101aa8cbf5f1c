//! `/api/v1/figures`: figures over time, month by month (numbers 1 to 7 as `*` and the rest
//! rounded to the nearest 5 for readers who may not download returns), as JSON or, with
//! `format`, as a spreadsheet or CSV — the same file as the figures page's download.

use super::export::{self, ListOrFile};
use super::returns::FileDownload;
use crate::domain::figures::FiguresView;
use crate::error::AppError;
use crate::services::export::Format;
use crate::services::{App, figures as service};
use crate::web::Caller;
use rocket::serde::json::Json;
use rocket::{State, get};

#[get("/api/v1/figures?<from>&<to>&<format>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    from: Option<&str>,
    to: Option<&str>,
    format: Option<&str>,
) -> Result<ListOrFile<FiguresView>, AppError> {
    if let Some(format) = export::format(format)? {
        let file = sheets_file(app, &caller, from, to, format).await?;
        return Ok(ListOrFile::File(Box::new(file)));
    }
    let (months, disclosure) = asked(app, &caller, from, to)?;
    let view = service::months(app, &caller.actor(), &months, disclosure).await?;
    Ok(ListOrFile::List(Json(view)))
}

/// The months asked for (checked, or a 422 naming the field) and how this caller is given them.
pub fn asked(
    app: &App,
    caller: &Caller,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<
    (
        Vec<crate::domain::returns::Period>,
        crate::domain::figures::Disclosure,
    ),
    AppError,
> {
    let months = service::range(from, to, app.clock.today())?;
    Ok((months, service::disclosure(app, caller.role())))
}

/// The spreadsheet or CSV for the API and the page alike.
pub async fn sheets_file(
    app: &App,
    caller: &Caller,
    from: Option<&str>,
    to: Option<&str>,
    format: Format,
) -> Result<FileDownload, AppError> {
    let (months, disclosure) = asked(app, caller, from, to)?;
    let download = service::sheets(app, &caller.actor(), &months, disclosure, format).await?;
    Ok(export::download(format, download))
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
    let (months, disclosure) = asked(app, caller, from, to)?;
    Ok(FileDownload {
        content_type: super::returns::pdf_type(),
        download: service::pdf(app, &caller.actor(), &months, disclosure).await?,
    })
}
