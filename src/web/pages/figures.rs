//! The Figures page: each month of a range as at its end, as charts (SVG drawn on the server)
//! with the tables of their numbers, small numbers hidden for readers who may not see them; and
//! the same page as a PDF.

use super::register::with;
use super::{Html, Page, form_errors};
use crate::domain::figures::MAX_MONTHS;
use crate::domain::returns::{Period, ReturnKind};
use crate::error::AppError;
use crate::reports::figures::{self, NONE_NOTE, SUPPRESSION_NOTE};
use crate::reports::svg::svg;
use crate::services::figures as service;
use crate::web::Caller;
use crate::web::api::returns::FileDownload;
use rocket::get;
use rocket::http::Status;
use serde_json::{Value, json};

/// How far back the month lists go (the API takes any month).
const MONTHS_LISTED: usize = 48;

#[get("/figures?<from>&<to>")]
pub async fn figures_page(
    view: Page<'_>,
    caller: Caller,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Html, AppError> {
    let today = view.app.clock.today();
    let (months, disclosure) = match crate::web::api::figures::asked(view.app, &caller, from, to) {
        Ok(asked) => asked,
        Err(AppError::Validation { fields, .. }) => {
            let ctx = with(
                context(today, from, to),
                form_errors(&fields, &["from", "to"]),
            );
            return view.render_status(Status::UnprocessableEntity, "figures/show.html", ctx);
        }
        Err(e) => return Err(e),
    };
    let figures = service::page(view.app, &caller.actor(), &months, disclosure).await?;
    let report = figures::report(&figures);
    let (from, to) = (
        months.first().map(|m| m.label()),
        months.last().map(|m| m.label()),
    );
    let ctx = context(today, from.as_deref(), to.as_deref());
    let range = [("from", from.as_deref()), ("to", to.as_deref())];
    let more = json!({
        "range": report.range,
        "suppressed": report.suppressed,
        "suppression_note": SUPPRESSION_NOTE,
        // The page names nobody: marked as its files are.
        "marking": figures::marking(report.suppressed).words(),
        "none_note": NONE_NOTE,
        "pdf": crate::web::link_with("/figures.pdf", range.iter().copied()),
        "downloads": super::exports::links("/figures/export", &range),
        "sections": report.sections.iter().map(|s| json!({
            "id": s.id,
            "heading": s.heading,
            "lead": s.lead,
            "svg": svg(&s.chart, &format!("chart-{}", s.id)),
            "tables": s.tables,
            // A short table sits beside its chart where there is room; a month-by-month one
            // goes under it.
            "beside": s.tables.len() == 1 && s.tables[0].columns.len() <= 3,
        })).collect::<Vec<_>>(),
    });
    view.render("figures/show.html", with(ctx, more))
}

/// The figures as a PDF, as the page shows them.
#[get("/figures.pdf?<from>&<to>")]
pub async fn figures_pdf(
    view: Page<'_>,
    caller: Caller,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<FileDownload, AppError> {
    crate::web::api::figures::pdf_file(view.app, &caller, from, to).await
}

/// The range form: the months to choose from (newest first) and those chosen.
fn context(today: time::Date, from: Option<&str>, to: Option<&str>) -> Value {
    let mut month = Period::latest_ended(ReturnKind::Monthly, today);
    let mut choices = Vec::with_capacity(MONTHS_LISTED);
    for _ in 0..MONTHS_LISTED {
        choices.push(json!({"value": month.label(), "label": figures::month_words(month.last)}));
        month = month.previous();
    }
    json!({
        "title": "Figures over time",
        "months": choices,
        "most": MAX_MONTHS,
        "values": {"from": from.unwrap_or_default(), "to": to.unwrap_or_default()},
        "sections": [],
    })
}
