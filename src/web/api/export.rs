//! `?format=xlsx` or `?format=csv` on the lists and a return: the checked format, and the file
//! it answers with. Without `format` a route answers as it always has (JSON).

use super::returns::{FileDownload, csv_type};
use crate::error::AppError;
use crate::services::export::Format;
use crate::services::input;
use crate::services::returns::Download;
use rocket::http::ContentType;
use rocket::serde::json::Json;

/// A list's answer (or a return's): its JSON, or the whole of it as a file.
#[derive(rocket::Responder)]
pub enum ListOrFile<T> {
    List(Json<T>),
    /// Boxed: the download holds its bytes inline.
    File(Box<FileDownload>),
}

/// `?format=` checked; a refusal names the field like any other filter's.
pub fn format(raw: Option<&str>) -> Result<Option<Format>, AppError> {
    let mut c = input::Check::default();
    let format = c.optional_choice("format", raw, Format::parse, "Choose xlsx or csv");
    c.finish()?;
    Ok(format)
}

/// An .xlsx file's media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The file of an export, typed for its format.
pub fn download(format: Format, download: Download) -> FileDownload {
    let content_type = match format {
        Format::Xlsx => ContentType::parse_flexible(XLSX).unwrap_or(ContentType::Binary),
        Format::Csv => csv_type(),
    };
    FileDownload {
        content_type,
        download,
    }
}

/// A list route's answer when a format is asked: the file.
pub fn file<T>(format: Format, d: Download) -> ListOrFile<T> {
    ListOrFile::File(Box::new(download(format, d)))
}

/// A page's export link: the format must be given.
pub fn required_format(raw: Option<&str>) -> Result<Format, AppError> {
    format(raw)?.ok_or_else(|| AppError::field("format", "Choose xlsx or csv"))
}
