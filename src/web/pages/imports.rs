//! The Import page: upload a spreadsheet, map its columns, preview what each row would do, and
//! commit; the earlier imports, and the worklist of rows that still need consent.

use super::{Answer, Html, Page, form_errors};
use crate::error::AppError;
use crate::services::import::{self, Outcome, Upload};
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::api::returns::{FileDownload, csv_type};
use crate::web::csrf::CsrfForm;
use crate::web::csrf::{CsrfUpload, Protected};
use crate::web::form::Fields;
use rocket::data::Capped;
use rocket::form::FromForm;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

/// The upload form: the file and, for a workbook, the sheet to read.
#[derive(FromForm)]
pub struct UploadForm<'r> {
    csrf_token: String,
    sheet: Option<String>,
    file: Option<Capped<rocket::fs::TempFile<'r>>>,
}

impl Protected for UploadForm<'_> {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn list_page(view: &Page<'_>, status: Http, fields: Value) -> Result<Html, AppError> {
    let imports = import::list(view.app).await?;
    let mut ctx = json!({
        "title": "Import people from a spreadsheet",
        "imports": imports,
        "errors": [],
        "field_errors": {},
        "max_mb": crate::config::UPLOAD_LIMIT_MB,
        "keep_days": import::PREVIEW_KEPT_DAYS,
    });
    if let Some(errors) = fields.get("errors") {
        ctx["errors"] = errors.clone();
        ctx["field_errors"] = fields["field_errors"].clone();
    }
    view.render_status(status, "imports/list.html", ctx)
}

#[get("/import")]
pub async fn import_page(view: Page<'_>, _caller: Caller) -> Result<Html, AppError> {
    list_page(&view, Http::Ok, Value::Null).await
}

/// The file's bytes, or why there are none.
async fn bytes_of(form: &mut UploadForm<'_>) -> Result<(String, Vec<u8>), AppError> {
    let Some(file) = form.file.as_mut() else {
        return Err(AppError::field("file", "Choose a file to import"));
    };
    if !file.is_complete() {
        return Err(AppError::field(
            "file",
            format!(
                "The file is larger than {} MB: split it, or save it as .xlsx",
                crate::config::UPLOAD_LIMIT_MB
            ),
        ));
    }
    let name = file
        .raw_name()
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
        .unwrap_or_default();
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let bytes = match &mut file.value {
        rocket::fs::TempFile::Buffered { content } => content.to_vec(),
        f => match f.path() {
            Some(path) => rocket::tokio::fs::read(path)
                .await
                .map_err(|e| AppError::failed("reading an uploaded file", e))?,
            None => Vec::new(),
        },
    };
    Ok((name, bytes))
}

#[post("/import", data = "<form>")]
pub async fn upload(
    view: Page<'_>,
    caller: Caller,
    form: CsrfUpload<UploadForm<'_>>,
) -> Result<Answer, AppError> {
    let mut form = form.0;
    let result = match bytes_of(&mut form).await {
        Ok((file_name, bytes)) => {
            let sheet = form.sheet.clone().filter(|s| !s.trim().is_empty());
            import::preview(
                view.app,
                &caller.actor(),
                Upload {
                    file_name,
                    bytes,
                    sheet,
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/import/{}", v.id)),
            "The file was read. Check the columns and what each row would do, then import.",
        ))),
        Err(AppError::Validation { fields, .. }) => {
            let errors = form_errors(&fields, &["file", "sheet"]);
            Ok(Answer::Page(
                list_page(&view, Http::UnprocessableEntity, errors).await?,
            ))
        }
        Err(e) => Err(e),
    }
}

const PER_PAGE: u64 = 100;

#[get("/import/<id>?<outcome>&<page>")]
pub async fn show(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    outcome: Option<&str>,
    page: Option<u64>,
) -> Result<Html, AppError> {
    show_page(&view, &caller, &id.0, outcome, page, Http::Ok, Value::Null).await
}

async fn show_page(
    view: &Page<'_>,
    caller: &Caller,
    id: &str,
    outcome: Option<&str>,
    page: Option<u64>,
    status: Http,
    errors: Value,
) -> Result<Html, AppError> {
    let v = import::get(view.app, &caller.actor(), id, true).await?;
    let outcome = outcome.and_then(Outcome::parse);
    let page = page.unwrap_or(1).max(1);
    let (rows, total) = import::row_page(view.app, id, outcome, page, PER_PAGE).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let tabs: Vec<Value> = Outcome::ALL
        .iter()
        .map(|o| json!({"outcome": o.as_str(), "label": o.label(), "current": Some(*o) == outcome}))
        .collect();
    let mut ctx = json!({
        "title": format!("Import of {}", v.file_name),
        "import": v,
        "rows": rows,
        "total": total,
        "tabs": tabs,
        "outcome": outcome.map(Outcome::as_str),
        "page": page,
        "pages": pages,
        "prev": (page > 1).then(|| page - 1),
        "next": (page < pages).then(|| page + 1),
        "errors": [],
        "field_errors": {},
    });
    if let Some(e) = errors.get("errors") {
        ctx["errors"] = e.clone();
        ctx["field_errors"] = errors["field_errors"].clone();
    }
    // A refused mapping is shown as it was sent, not as it was saved.
    if let Some(sent) = errors.get("sent").and_then(Value::as_object)
        && let Some(rows) = ctx["import"]["mapping"].as_array_mut()
    {
        for row in rows {
            let field = row["field"].as_str().unwrap_or_default().to_string();
            row["header"] = sent.get(&field).cloned().unwrap_or(Value::Null);
        }
    }
    view.render_status(status, "imports/show.html", ctx)
}

/// The mapping form sends `mapping.<field>` = the header chosen (or nothing).
#[post("/import/<id>/mapping", data = "<form>")]
pub async fn remap(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let chosen: Vec<(String, String)> = crate::domain::import::Field::ALL
        .iter()
        .filter_map(|f| {
            let h = form.0.get(&format!("mapping.{}", f.name()))?;
            Some((f.name().to_string(), h.to_string()))
        })
        .collect();
    match import::remap(view.app, &caller.actor(), &id.0, &chosen).await {
        Ok(_) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/import/{}", id.0)),
            "Columns saved (and kept for the next file with these headers). The preview below uses them.",
        ))),
        Err(AppError::Validation { fields, .. }) => {
            let mut errors = form_errors(&fields, &[]);
            errors["sent"] = chosen
                .iter()
                .filter(|(_, h)| !h.is_empty())
                .map(|(f, h)| (f.clone(), Value::String(h.clone())))
                .collect::<serde_json::Map<_, _>>()
                .into();
            Ok(Answer::Page(
                show_page(
                    &view,
                    &caller,
                    &id.0,
                    None,
                    None,
                    Http::UnprocessableEntity,
                    errors,
                )
                .await?,
            ))
        }
        Err(e) => Err(e),
    }
}

#[post("/import/<id>/commit", data = "<_form>")]
pub async fn commit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    _form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let v = import::commit(view.app, &caller.actor(), &id.0).await?;
    let c = v.counts;
    Ok(Answer::Done(Flash::success(
        Redirect::to(format!("/import/{}", id.0)),
        format!(
            "Imported: {} added, {} updated, {} unchanged. Not imported: {} possible duplicates, {} need consent, {} refused.",
            c.added, c.updated, c.unchanged, c.duplicates, c.needs_consent, c.refused
        ),
    )))
}

#[get("/import/<id>/worklist.csv")]
pub async fn worklist(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<FileDownload, AppError> {
    let text = import::worklist(view.app, &caller.actor(), &id.0).await?;
    Ok(FileDownload {
        content_type: csv_type(),
        download: crate::services::returns::Download {
            file_name: format!("import-{}-worklist.csv", &id.0[..8.min(id.0.len())]),
            bytes: text.into_bytes(),
        },
    })
}
