//! `/api/v1/returns`: the monthly and weekly returns, generated, frozen and downloaded.

use super::body::ApiJson;
use super::export::ListOrFile;
use super::types::{ListOf, Paging};
use crate::domain::returns::ReturnKind;
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::returns::{self, Download, NewReturn, ReturnView};
use crate::services::{App, input};
use crate::web::Caller;
use crate::web::UuidParam;
use rocket::http::{ContentType, Header, Status};
use rocket::response::{self, Responder};
use rocket::{Request, Response, State, get, post};
use std::io::Cursor;

/// A file to save: its media type, a download name, and no caching (it is identifiable).
pub struct FileDownload {
    pub content_type: ContentType,
    pub download: Download,
}

impl<'r> Responder<'r, 'static> for FileDownload {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Response::build()
            .header(self.content_type)
            .header(Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", self.download.file_name),
            ))
            .header(Header::new("Cache-Control", "no-store"))
            .sized_body(self.download.bytes.len(), Cursor::new(self.download.bytes))
            .ok()
    }
}

pub fn pdf_type() -> ContentType {
    ContentType::PDF
}

pub fn csv_type() -> ContentType {
    ContentType::new("text", "csv").with_params(("charset", "utf-8"))
}

/// `?kind=` checked.
pub fn kind_filter(kind: Option<&str>) -> Result<Option<ReturnKind>, AppError> {
    let mut c = input::Check::default();
    let kind = c.optional_choice("kind", kind, ReturnKind::parse, "Choose monthly or weekly");
    c.finish()?;
    Ok(kind)
}

#[post("/api/v1/returns", data = "<body>")]
pub async fn create(
    app: &State<App>,
    caller: Caller,
    body: ApiJson<NewReturn>,
) -> Result<(Status, Json<ReturnView>), AppError> {
    let view = returns::generate(app, &caller.actor(), &caller.user.display_name, &body.0).await?;
    Ok((Status::Created, Json(view)))
}

#[get("/api/v1/returns?<kind>&<page>&<per_page>")]
pub async fn list(
    app: &State<App>,
    _caller: Caller,
    kind: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<ReturnView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let kind = kind_filter(kind)?;
    Ok(Json(paging.slice(returns::list(app, kind).await?)))
}

#[get("/api/v1/returns/<id>?<format>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
    format: Option<&str>,
) -> Result<ListOrFile<ReturnView>, AppError> {
    let identifiable = app
        .policies
        .access
        .allows(caller.role(), Permission::ReturnsDownload);
    let actor = caller.actor();
    if let Some(format) = super::export::format(format)? {
        let download =
            crate::services::export::return_file(app, &actor, &id.0, identifiable, format).await?;
        return Ok(super::export::file(format, download));
    }
    Ok(ListOrFile::List(Json(
        returns::get(app, &actor, &id.0, identifiable).await?,
    )))
}

#[get("/api/v1/returns/<id>/pdf")]
pub async fn pdf(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
) -> Result<FileDownload, AppError> {
    Ok(FileDownload {
        content_type: pdf_type(),
        download: returns::pdf(app, &caller.actor(), &id.0).await?,
    })
}

#[get("/api/v1/returns/<id>/at.csv")]
pub async fn at_csv(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
) -> Result<FileDownload, AppError> {
    Ok(FileDownload {
        content_type: csv_type(),
        download: returns::at_csv(app, &caller.actor(), &id.0).await?,
    })
}

#[get("/api/v1/returns/<id>/csv")]
pub async fn csv(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
) -> Result<FileDownload, AppError> {
    Ok(FileDownload {
        content_type: csv_type(),
        download: returns::csv(app, &caller.actor(), &id.0).await?,
    })
}

use rocket::serde::json::Json;
