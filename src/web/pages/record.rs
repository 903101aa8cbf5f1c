//! The person's record on the pages: the chronology with its note form, the documents on the
//! person page and in a review's pack with their upload forms, and the download.

use super::register::choices;
use super::{Answer, Html, Page, form_errors};
use crate::domain::ids::{PersonId, ReviewId};
use crate::domain::record::{DocumentKind, EventKind, NoteCategory};
use crate::error::{AppError, FieldErrors};
use crate::policy::Permission;
use crate::services::people::{self, Reader};
use crate::services::record::{self, DocumentView, NewNote, Target};
use crate::services::reviews::ReviewView;
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::api::record::{ChronologyParams, DocumentFile, UploadForm};
use crate::web::csrf::{CsrfForm, CsrfUpload};
use crate::web::form::Fields;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

fn kinds() -> Value {
    choices(DocumentKind::ALL, DocumentKind::as_str, DocumentKind::label)
}

/// A file's size in words.
fn size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The documents as `record/documents.html` lists them.
fn listed(items: Vec<DocumentView>) -> Vec<Value> {
    items
        .into_iter()
        .map(|d| {
            let mut v = json!(d);
            v["size"] = json!(size(d.size_bytes));
            v
        })
        .collect()
}

/// The person page's documents (the page has already read and audited the person).
pub async fn person_documents(
    view: &Page<'_>,
    caller: &Caller,
    id: &PersonId,
    active: bool,
) -> Result<Value, AppError> {
    let items = record::person_documents(view.app, caller, id).await?;
    Ok(json!({
        "heading": "Documents",
        "items": listed(items),
        "can_upload": active && view.can(Permission::PeopleWrite),
        "action": format!("/people/{id}/documents"),
        "kinds": kinds(),
        "max_mb": view.app.settings.document_limit_mb,
        "show_review": true,
        "chronology": format!("/people/{id}/chronology"),
    }))
}

/// A review page's pack documents (the page has already read and audited the review).
pub async fn pack_documents(
    view: &Page<'_>,
    caller: &Caller,
    review: &ReviewView,
    may_record: bool,
) -> Result<Value, AppError> {
    let items = record::pack_documents(view.app, caller, &review.id).await?;
    let open = review.status != crate::domain::review::ReviewStatus::Cancelled;
    Ok(json!({
        "heading": "Pack documents",
        "items": listed(items),
        "can_upload": open && (may_record || view.can(Permission::PeopleWrite)),
        "action": format!("/reviews/{}/documents", review.id),
        "kinds": kinds(),
        "max_mb": view.app.settings.document_limit_mb,
        "show_review": false,
    }))
}

async fn chronology_context(
    view: &Page<'_>,
    caller: &Caller,
    id: &PersonId,
    filters: &ChronologyParams,
) -> Result<Value, AppError> {
    let name = people::name_of(&view.app.db, &Reader::of(view.app, caller), id).await?;
    let mut errors = Value::Null;
    let query = filters.query()?;
    let c = match record::chronology(view.app, caller, id, &query).await {
        Ok(c) => c,
        Err(AppError::Validation { mut fields, .. }) => {
            // The filter's category is not the note form's (which has that id).
            if let Some(m) = fields.remove("category") {
                fields.insert("filter-category".into(), m);
            }
            errors = form_errors(&fields, &["kind", "filter-category", "from", "to"]);
            record::chronology(view.app, caller, id, &Default::default()).await?
        }
        Err(e) => return Err(e),
    };
    let link = |page: u64| {
        let mut q: Vec<String> = [
            ("kind", &filters.kind),
            ("category", &filters.category),
            ("from", &filters.from),
            ("to", &filters.to),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", urlencode(v))))
        .collect();
        q.push(format!("page={page}"));
        format!("/people/{id}/chronology?{}", q.join("&"))
    };
    let mut ctx = json!({
        "title": format!("Chronology: {}", name.full_name),
        "name": name.full_name,
        "person_id": id,
        "entries": c.entries,
        "total": c.total,
        "pagination": {
            "page": c.page, "pages": c.pages, "total": c.total, "label": "Chronology pages",
            "prev": (c.page > 1).then(|| link(c.page - 1)),
            "next": (c.page < c.pages).then(|| link(c.page + 1)),
        },
        "filters": filters,
        "kinds": choices(EventKind::ALL, EventKind::as_str, EventKind::label),
        "categories": choices(NoteCategory::ALL, NoteCategory::as_str, NoteCategory::label),
        "can_note": name.active && view.can(Permission::PeopleWrite),
        "note": {},
        "today": view.app.clock.today().to_string(),
    });
    if let Some(e) = errors.get("errors") {
        ctx["errors"] = e.clone();
        ctx["field_errors"] = errors["field_errors"].clone();
    }
    Ok(ctx)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[get("/people/<id>/chronology?<filters..>")]
pub async fn chronology_page(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    filters: ChronologyParams,
) -> Result<Html, AppError> {
    let ctx = chronology_context(&view, &caller, &id, &filters).await?;
    view.render("record/chronology.html", ctx)
}

#[post("/people/<id>/notes", data = "<form>")]
pub async fn add_note(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let input: NewNote = f.input(&[])?;
    let reader = Reader::of(view.app, &caller);
    match record::add_note(view.app, &caller.actor(), &reader, &id, input).await {
        Ok(_) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/people/{id}/chronology")),
            "Note added.",
        ))),
        Err(AppError::Validation { fields, .. }) => {
            let ctx = chronology_context(&view, &caller, &id, &ChronologyParams::default()).await?;
            Ok(Answer::Page(Fields::again(
                &view,
                "record/chronology.html",
                ctx,
                ("note", f.typed_by_name()),
                (&fields, &["noted_on", "category", "text"]),
            )?))
        }
        Err(e) => Err(e),
    }
}

/// The upload form again, with its errors and the title and kind as typed.
fn upload_again(
    view: &Page<'_>,
    back: String,
    action: String,
    form: &UploadForm<'_>,
    fields: &FieldErrors,
) -> Result<Html, AppError> {
    let mut ctx = json!({
        "title": "Upload a document",
        "back": back,
        "action": action,
        "kinds": kinds(),
        "max_mb": view.app.settings.document_limit_mb,
        "values": {"title": form.title, "kind": form.kind},
    });
    let errors = form_errors(fields, &["file", "title", "kind"]);
    ctx["errors"] = errors["errors"].clone();
    ctx["field_errors"] = errors["field_errors"].clone();
    view.render_status(Http::UnprocessableEntity, "record/upload.html", ctx)
}

async fn upload_to(
    view: Page<'_>,
    caller: Caller,
    target: Target,
    form: CsrfUpload<UploadForm<'_>>,
) -> Result<Answer, AppError> {
    let mut form = form.0;
    let (back, action) = match &target {
        Target::Person(id) => (format!("/people/{id}"), format!("/people/{id}/documents")),
        Target::Review(id) => (format!("/reviews/{id}"), format!("/reviews/{id}/documents")),
    };
    let result = match form.upload().await {
        Ok(upload) => record::upload(view.app, &caller, &target, upload).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("{back}#documents")),
            format!("Document uploaded: {}.", d.title),
        ))),
        Err(AppError::Validation { fields, .. }) => Ok(Answer::Page(upload_again(
            &view, back, action, &form, &fields,
        )?)),
        Err(e) => Err(e),
    }
}

#[post("/people/<id>/documents", data = "<form>")]
pub async fn upload_to_person(
    view: Page<'_>,
    caller: Caller,
    id: PersonId,
    form: CsrfUpload<UploadForm<'_>>,
) -> Result<Answer, AppError> {
    upload_to(view, caller, Target::Person(id), form).await
}

#[post("/reviews/<id>/documents", data = "<form>")]
pub async fn upload_to_review(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
    form: CsrfUpload<UploadForm<'_>>,
) -> Result<Answer, AppError> {
    upload_to(view, caller, Target::Review(id), form).await
}

#[get("/documents/<id>")]
pub async fn download(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<DocumentFile, AppError> {
    Ok(DocumentFile(
        record::download(view.app, &caller, &id.0).await?,
    ))
}
