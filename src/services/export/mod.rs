//! Lists and returns taken out as files (`?format=xlsx` or `csv`): the whole filtered list, not
//! a page, read through the list's own query (so the same filters, the same people in reach,
//! the withdrawn left out by `Scope::Register`, whoever asks), turned into the reports' sheets
//! (`sheets.rs`) and written by `reports::xlsx` or `reports::csv`. Every export is one audit
//! entry with its filters and row count, never a name.

use super::audit::{self, Event};
use super::people::{ListQuery, Reader};
use super::referrals::ReferralQuery;
use super::returns::Download;
use super::review_list::ReviewQuery;
use super::sessions::SignedIn;
use super::worklists::ActionQuery;
use super::{Actor, App};
use crate::domain::person::Status;
use crate::domain::referral::ReferralStatus;
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::domain::risk::Rating;
use crate::error::AppError;
pub use crate::reports::sheet::Format;
use crate::reports::sheet::Sheet;
use std::future::Future;
use time::Date;

mod sheets;

/// How many rows an export reads at once from a list that pages in SQL.
const PAGE: u64 = 1_000;

/// Every page of a list, read in turn until the last: the list's own page query, so the file
/// holds what paging through the screen would show.
async fn every_page<T, F, Fut>(mut read: F) -> Result<Vec<T>, AppError>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, u64), AppError>>,
{
    let mut all = Vec::new();
    for page in 1.. {
        let (items, total) = read(page).await?;
        let got = items.len() as u64;
        all.extend(items);
        if got < PAGE || all.len() as u64 >= total {
            break;
        }
    }
    Ok(all)
}

/// The sheets as a file: a workbook of them all, or the first as CSV (each export's CSV is one
/// table). `created` is the data's own day, so the same data gives the same workbook.
pub(crate) fn file(
    format: Format,
    sheets: &[Sheet],
    stem: &str,
    created: Date,
) -> Result<Download, AppError> {
    let bytes = match format {
        Format::Xlsx => crate::reports::xlsx::render(sheets, created)?,
        Format::Csv => sheets
            .first()
            .map(crate::reports::csv::sheet)
            .unwrap_or_default()
            .into_bytes(),
    };
    Ok(Download {
        file_name: format!("{stem}.{}", format.as_str()),
        bytes,
    })
}

/// One entry for the export: what was asked (the filters, as the list's entry words them) and
/// how many rows went out.
async fn record(
    app: &App,
    actor: &Actor,
    mut event: Event,
    format: Format,
    rows: usize,
) -> Result<(), AppError> {
    let mut detail = match std::mem::take(&mut event.detail) {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    detail.insert("format".into(), format.as_str().into());
    detail.insert("rows".into(), rows.into());
    audit::record_alone(app, actor, event.detail(serde_json::Value::Object(detail))).await
}

/// The register as filtered and sorted on screen (or as it stood at the end of `as_of`).
pub async fn people(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    q: &ListQuery,
    format: Format,
) -> Result<Download, AppError> {
    let items = super::people::whole(app, &reader.register_only(), q).await?;
    let day = q.as_of.unwrap_or_else(|| app.clock.today());
    let download = file(
        format,
        &[sheets::people(&items)],
        &format!("tcr-register-{day}"),
        day,
    )?;
    // The search words may be a name: only whether there were any.
    let filters = serde_json::json!({
        "rating": q.rating.map(Rating::as_str), "status": q.status.unwrap_or(Status::Active).as_str(),
        "as_of": q.as_of.map(|d| d.to_string()), "searched": q.q.is_some(),
        "local_authority": q.local_authority, "setting": q.setting.map(|s| s.as_str()),
        "age_band": q.age_band.map(|b| b.as_str()), "overdue": q.overdue, "sort": q.sort.as_string(),
    });
    let event = Event::new("person.export", "person", None).detail(filters);
    record(app, actor, event, format, items.len()).await?;
    Ok(download)
}

/// The reviews the user may read, filtered as the list is.
pub async fn reviews(
    app: &App,
    who: &SignedIn,
    q: &ReviewQuery,
    format: Format,
) -> Result<Download, AppError> {
    let items =
        every_page(|page| super::review_list::read(app, who, q, Some((page, PAGE)))).await?;
    let today = app.clock.today();
    let download = file(
        format,
        &[sheets::reviews(&items)],
        &format!("tcr-reviews-{today}"),
        today,
    )?;
    let filters = serde_json::json!({
        "status": q.status.map(ReviewStatus::as_str), "overdue": q.overdue,
        "by_person": q.person_id.is_some(),
    });
    let event = Event::new("review.export", "review", None).detail(filters);
    record(app, &who.actor(), event, format, items.len()).await?;
    Ok(download)
}

/// The actions tracker, filtered as the list is; overdue as the list says it.
pub async fn actions(
    app: &App,
    who: &SignedIn,
    q: &ActionQuery,
    format: Format,
) -> Result<Download, AppError> {
    let items = every_page(|page| {
        let q = ActionQuery {
            page,
            per_page: PAGE,
            ..q.clone()
        };
        async move { super::worklists::actions_page(app, who, &q).await }
    })
    .await?;
    let today = app.clock.today();
    let download = file(
        format,
        &[sheets::actions(&items)],
        &format!("tcr-actions-{today}"),
        today,
    )?;
    let filters = serde_json::json!({
        "overdue": q.overdue, "status": q.status.map(ActionStatus::as_str), "by_owner": q.who.is_some(),
    });
    let event = Event::new("action.export", "action", None).detail(filters);
    record(app, &who.actor(), event, format, items.len()).await?;
    Ok(download)
}

/// The referrals, filtered as the list is.
pub async fn referrals(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    q: &ReferralQuery,
    format: Format,
) -> Result<Download, AppError> {
    let reader = &reader.register_only();
    let items = every_page(|page| {
        let q = ReferralQuery {
            page,
            per_page: PAGE,
            ..*q
        };
        async move { super::referrals::page(app, reader, &q).await }
    })
    .await?;
    let today = app.clock.today();
    let stem = format!("tcr-referrals-{today}");
    let download = file(format, &[sheets::referrals(&items)], &stem, today)?;
    let filters = serde_json::json!({
        "status": q.status.map(ReferralStatus::as_str), "overdue": q.overdue, "decided": q.decided,
    });
    let event = Event::new("referral.export", "referral", None).detail(filters);
    record(app, actor, event, format, items.len()).await?;
    Ok(download)
}

/// A return: its summary and its rows; for those who may not see who (the analyst), the summary
/// alone. Its CSV is its rows (the return's own CSV), or the summary's lines.
pub async fn return_file(
    app: &App,
    actor: &Actor,
    id: &str,
    identifiable: bool,
    format: Format,
) -> Result<Download, AppError> {
    let (figures, stem) = super::returns::frozen(app, id, identifiable).await?;
    let mut sheets = crate::reports::return_sheet::sheets(&figures, identifiable);
    // The per-person rows when they are in it, else the summary's.
    let rows = sheets.last().map_or(0, |s| s.rows.len());
    if format == Format::Csv {
        sheets.reverse();
    }
    let download = file(format, &sheets, &stem, figures.as_at)?;
    let event = Event::new("return.export", "return", Some(id.to_string()))
        .detail(serde_json::json!({ "identifiable": identifiable }));
    record(app, actor, event, format, rows).await?;
    Ok(download)
}
