//! The pages' download links: the register, reviews, actions and referrals as the page shows
//! them, a return, and the figures over time, as a spreadsheet or CSV. The same service
//! functions as the API's `?format=` (`services::export`, `services::figures`), under the pages'
//! paths so the session cookie signs them.

use super::Page;
use crate::domain::referral::ReferralStatus;
use crate::domain::review::ActionStatus;
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::export as exports;
use crate::services::people::Reader;
use crate::services::referrals::ReferralQuery;
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::api::export::{download, required_format};
use crate::web::api::people::ListParams;
use crate::web::api::returns::FileDownload;
use crate::web::api::types::Paging;
use rocket::get;
use serde_json::{Value, json};

/// The two download links of a page (`partials/downloads.html`), keeping its filters.
pub fn links(path: &str, filters: &[(&str, Option<&str>)]) -> Value {
    let link = |format| {
        let pairs = std::iter::once(("format", Some(format))).chain(filters.iter().copied());
        crate::web::link_with(path, pairs)
    };
    json!({"xlsx": link("xlsx"), "csv": link("csv")})
}

/// The register with the filters and sort of the register page.
#[get("/people/export?<format>&<filters..>")]
pub async fn people(
    view: Page<'_>,
    caller: Caller,
    format: Option<&str>,
    filters: ListParams<'_>,
) -> Result<FileDownload, AppError> {
    let format = required_format(format)?;
    let query = filters.check(Paging::parse(None, None)?)?;
    let reader = Reader::of(view.app, &caller);
    let file = exports::people(view.app, &caller.actor(), &reader, &query, format).await?;
    Ok(download(format, file))
}

/// The reviews one may read (`overdue=true`: those overdue).
#[get("/reviews/export?<format>&<status>&<overdue>")]
pub async fn reviews(
    view: Page<'_>,
    caller: Caller,
    format: Option<&str>,
    status: Option<&str>,
    overdue: Option<&str>,
) -> Result<FileDownload, AppError> {
    let format = required_format(format)?;
    let q = crate::web::api::reviews::review_query(status, overdue, None)?;
    let file = exports::reviews(view.app, &caller, &q, format).await?;
    Ok(download(format, file))
}

/// The actions tracker as the page lists it: open actions, by owner and overdue.
#[get("/actions/export?<format>&<who>&<overdue>")]
pub async fn actions(
    view: Page<'_>,
    caller: Caller,
    format: Option<&str>,
    who: Option<&str>,
    overdue: Option<&str>,
) -> Result<FileDownload, AppError> {
    let format = required_format(format)?;
    let paging = Paging::parse(None, None)?;
    let mut q = crate::web::api::reviews::action_query(overdue, None, who, paging)?;
    q.status = Some(ActionStatus::Open);
    let file = exports::actions(view.app, &caller, &q, format).await?;
    Ok(download(format, file))
}

/// The referrals: one section of the page (`awaiting`, `decided`) or both.
#[get("/referrals/export?<format>&<section>")]
pub async fn referrals(
    view: Page<'_>,
    caller: Caller,
    format: Option<&str>,
    section: Option<&str>,
) -> Result<FileDownload, AppError> {
    let format = required_format(format)?;
    let q = match section.map(str::trim).filter(|s| !s.is_empty()) {
        None => ReferralQuery::default(),
        Some("awaiting") => ReferralQuery {
            status: Some(ReferralStatus::AwaitingDecision),
            ..Default::default()
        },
        Some("decided") => ReferralQuery {
            decided: true,
            ..Default::default()
        },
        Some(_) => return Err(AppError::field("section", "Choose awaiting or decided")),
    };
    let reader = Reader::of(view.app, &caller);
    let file = exports::referrals(view.app, &caller.actor(), &reader, &q, format).await?;
    Ok(download(format, file))
}

/// A return: its summary and rows, or the summary alone for those who may not see who.
#[get("/returns/<id>/export?<format>")]
pub async fn return_file(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    format: Option<&str>,
) -> Result<FileDownload, AppError> {
    let format = required_format(format)?;
    let identifiable = view.can(Permission::ReturnsDownload);
    let file = exports::return_file(view.app, &caller.actor(), &id.0, identifiable, format).await?;
    Ok(download(format, file))
}

/// The figures over time of a range, as the API's `?format=` gives them (the same bytes).
#[get("/figures/export?<format>&<from>&<to>")]
pub async fn figures(
    view: Page<'_>,
    caller: Caller,
    format: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<FileDownload, AppError> {
    let format = required_format(format)?;
    crate::web::api::figures::sheets_file(view.app, &caller, from, to, format).await
}
