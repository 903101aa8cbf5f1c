//! The reviews list: upcoming, overdue, held without a report, and later, each section paged.

use crate::error::AppError;
use crate::policy::Permission;
use crate::services::reviews::{self, Section};
use crate::web::Caller;
use crate::web::pages::{Html, Page};
use rocket::get;
use serde_json::{Value, json};

/// Reviews in each section of the reviews page, a page at a time.
const SECTION_PAGE: u64 = 25;

/// The reviews page: every section's first page with its count, or (`section`) one section's
/// `page`, with the same pagination as the register.
#[get("/reviews?<section>&<page>")]
pub async fn reviews_page(
    view: Page<'_>,
    caller: Caller,
    section: Option<&str>,
    page: Option<&str>,
) -> Result<Html, AppError> {
    let paging = crate::web::api::types::Paging::parse(page, None)?;
    let only = match section.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some((
            Section::parse(raw).ok_or_else(|| {
                AppError::field("section", "Choose overdue, upcoming, unreported or later")
            })?,
            paging.page,
        )),
    };
    let deadlines = view.can(Permission::ReviewsRead);
    let agenda = reviews::Agenda::read(view.app, &caller, deadlines, only, SECTION_PAGE).await?;
    let days = reviews::UPCOMING_DAYS;
    let sections: Vec<Value> = agenda
        .sections
        .iter()
        .map(|s| {
            let (heading, caption, empty) = match s.section {
                Section::Overdue => (
                    "Overdue".to_string(),
                    "Overdue reviews".to_string(),
                    "None overdue.".to_string(),
                ),
                Section::Upcoming => (
                    format!("In the next {days} days"),
                    format!("Reviews in the next {days} days"),
                    format!("None in the next {days} days."),
                ),
                Section::Unreported => (
                    "Held, report not yet sent".to_string(),
                    "Reviews held without a report sent".to_string(),
                    "Every held review's report has been sent.".to_string(),
                ),
                Section::Later => (
                    "Later".to_string(),
                    "Reviews scheduled later".to_string(),
                    "None.".to_string(),
                ),
            };
            let link = format!("/reviews?section={}", s.section.as_str());
            let mut pages =
                crate::web::pages::admin::pagination(&link, s.page, s.per_page, s.total);
            pages["label"] = json!(format!("Pages of {}", caption.to_lowercase()));
            json!({
                "id": s.section.as_str(), "heading": heading, "caption": caption,
                "empty": empty, "items": s.items, "total": s.total, "pagination": pages,
            })
        })
        .collect();
    // The overdue section's file holds the overdue reviews; otherwise every review one reads.
    let overdue = only.is_some_and(|(s, _)| s == Section::Overdue);
    let downloads = crate::web::pages::exports::links(
        "/reviews/export",
        &[("overdue", overdue.then_some("true"))],
    );
    view.render(
        "reviews/list.html",
        json!({"title": "Reviews", "sections": sections, "deadlines": agenda.deadlines,
               "one_section": only.is_some(), "downloads": downloads}),
    )
}
