//! A held review's report and its easy-read version, downloaded from the review's page.

use crate::domain::ids::ReviewId;
use crate::error::AppError;
use crate::services::reviews::ReportVersion;
use crate::web::Caller;
use crate::web::api::returns::FileDownload;
use crate::web::pages::Page;
use rocket::get;

#[get("/reviews/<id>/report.pdf")]
pub async fn report_pdf(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
) -> Result<FileDownload, AppError> {
    download(view, caller, id, ReportVersion::Report).await
}

#[get("/reviews/<id>/easy-read.pdf")]
pub async fn easy_read_pdf(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
) -> Result<FileDownload, AppError> {
    download(view, caller, id, ReportVersion::EasyRead).await
}

async fn download(
    view: Page<'_>,
    caller: Caller,
    id: ReviewId,
    version: ReportVersion,
) -> Result<FileDownload, AppError> {
    crate::web::api::reviews::report_file(view.app, &caller, &id, version).await
}
