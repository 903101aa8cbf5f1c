//! `/api/v1/people/{id}/notes`, `/chronology`, `/documents`, `/api/v1/reviews/{id}/documents`
//! and `/api/v1/documents/{id}`: the person's record. Also the upload form and the download
//! response the pages share.

use super::body::ApiJson;
use super::types::{ListOf, Paging};
use crate::domain::ids::{PersonId, ReviewId};
use crate::error::AppError;
use crate::services::App;
use crate::services::people::Reader;
use crate::services::record::{
    self, Chronology, ChronologyQuery, DocumentView, Download, NewNote, NoteView, Target, Upload,
};
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::csrf::Protected;
use rocket::data::Capped;
use rocket::form::{Form, FromForm};
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header, Status as Http};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::serde::json::Json;
use rocket::{State, get, post};
use std::io::Cursor;

/// A document upload (`multipart/form-data`): the file, its title and kind; the pages send
/// their CSRF token with it.
#[derive(FromForm)]
pub struct UploadForm<'r> {
    pub csrf_token: Option<String>,
    pub title: Option<String>,
    pub kind: Option<String>,
    pub file: Option<Capped<TempFile<'r>>>,
}

impl Protected for UploadForm<'_> {
    fn csrf_token(&self) -> &str {
        self.csrf_token.as_deref().unwrap_or("")
    }
}

impl UploadForm<'_> {
    /// The file's name and bytes with the form's fields; a file cut short by the request
    /// limit is refused by its field, and no file at all is left for the service to name.
    pub async fn upload(&mut self) -> Result<Upload, AppError> {
        let title = self.title.clone();
        let kind = self.kind.clone();
        let Some(file) = self.file.as_mut() else {
            return Ok(Upload {
                title,
                kind,
                ..Upload::default()
            });
        };
        if !file.is_complete() {
            return Err(AppError::field(
                "file",
                format!(
                    "The file is larger than {} MB: make it smaller, or split it",
                    crate::config::UPLOAD_LIMIT_MB
                ),
            ));
        }
        let file_name = file
            .raw_name()
            .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
            .unwrap_or_default();
        let bytes = match &mut file.value {
            TempFile::Buffered { content } => content.to_vec(),
            f => match f.path() {
                Some(path) => rocket::tokio::fs::read(path)
                    .await
                    .map_err(|e| AppError::failed("reading an uploaded file", e))?,
                None => Vec::new(),
            },
        };
        Ok(Upload {
            file_name,
            bytes,
            title,
            kind,
        })
    }
}

/// A document's bytes as a download: never shown in the browser, never sniffed, not cached.
pub struct DocumentFile(pub Download);

impl<'r> Responder<'r, 'static> for DocumentFile {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let d = self.0;
        let content_type =
            ContentType::parse_flexible(&d.content_type).unwrap_or(ContentType::Binary);
        Response::build()
            .header(content_type)
            .header(Header::new(
                // The name was made safe on upload (`domain::record::safe_file_name`).
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", d.file_name),
            ))
            .header(Header::new("X-Content-Type-Options", "nosniff"))
            .header(Header::new("Cache-Control", "no-store"))
            .sized_body(d.bytes.len(), Cursor::new(d.bytes))
            .ok()
    }
}

#[get("/api/v1/people/<id>/notes?<page>&<per_page>")]
pub async fn notes(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<NoteView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let all = record::notes(app, &caller.actor(), &Reader::of(app, &caller), &id).await?;
    Ok(Json(paging.slice(all)))
}

#[post("/api/v1/people/<id>/notes", data = "<body>")]
pub async fn add_note(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<NewNote>,
) -> Result<(Http, Json<NoteView>), AppError> {
    let note =
        record::add_note(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?;
    Ok((Http::Created, Json(note)))
}

/// The chronology's filters as sent: `?kind=&category=&from=&to=&page=`.
#[derive(Debug, Default, Clone, FromForm, serde::Serialize)]
pub struct ChronologyParams {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<String>,
}

impl ChronologyParams {
    /// The filters checked by the service; the page number here.
    pub fn query(&self) -> Result<ChronologyQuery, AppError> {
        let page = Paging::parse(self.page.as_deref(), None)?.page;
        Ok(ChronologyQuery {
            kind: self.kind.clone(),
            category: self.category.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            page: Some(page),
        })
    }
}

#[get("/api/v1/people/<id>/chronology?<filters..>")]
pub async fn chronology(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    filters: ChronologyParams,
) -> Result<Json<Chronology>, AppError> {
    let query = filters.query()?;
    Ok(Json(record::chronology(app, &caller, &id, &query).await?))
}

#[get("/api/v1/people/<id>/documents?<page>&<per_page>")]
pub async fn person_documents(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<DocumentView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let all = record::documents_of_person(app, &caller, &id).await?;
    Ok(Json(paging.slice(all)))
}

#[post("/api/v1/people/<id>/documents", data = "<form>")]
pub async fn upload_to_person(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    form: Form<UploadForm<'_>>,
) -> Result<(Http, Json<DocumentView>), AppError> {
    let upload = form.into_inner().upload().await?;
    let view = record::upload(app, &caller, &Target::Person(id), upload).await?;
    Ok((Http::Created, Json(view)))
}

#[get("/api/v1/reviews/<id>/documents?<page>&<per_page>")]
pub async fn review_documents(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<DocumentView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let (_, all) = record::documents_of_review(app, &caller, &id).await?;
    Ok(Json(paging.slice(all)))
}

#[post("/api/v1/reviews/<id>/documents", data = "<form>")]
pub async fn upload_to_review(
    app: &State<App>,
    caller: Caller,
    id: ReviewId,
    form: Form<UploadForm<'_>>,
) -> Result<(Http, Json<DocumentView>), AppError> {
    let upload = form.into_inner().upload().await?;
    let view = record::upload(app, &caller, &Target::Review(id), upload).await?;
    Ok((Http::Created, Json(view)))
}

#[get("/api/v1/documents/<id>")]
pub async fn download(
    app: &State<App>,
    caller: Caller,
    id: UuidParam,
) -> Result<DocumentFile, AppError> {
    Ok(DocumentFile(record::download(app, &caller, &id.0).await?))
}
