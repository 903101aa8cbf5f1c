//! The whole of one part of the commissioner's dashboard (in hospital, overdue, upcoming,
//! unscheduled), a page at a time: where each part's "See all" leads.

use super::{Html, Page};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::watch::{self, Part};
use crate::web::Caller;
use crate::web::api::types::Paging;
use rocket::get;
use serde_json::json;

/// Rows on each page.
const PER_PAGE: u64 = 50;

#[get("/today/<part>?<page>")]
pub async fn part_page(
    view: Page<'_>,
    caller: Caller,
    part: &str,
    page: Option<&str>,
) -> Result<Html, AppError> {
    let part = Part::parse(part).ok_or_else(|| AppError::not_found("Page"))?;
    let paging = Paging::parse(page, None)?;
    let w = watch::page(view.app, &caller, part, paging.page, PER_PAGE).await?;
    let days = crate::services::reviews::UPCOMING_DAYS;
    let heading = match part {
        Part::InHospital => "In hospital".to_string(),
        Part::OverdueReviews => "Overdue reviews and reports".to_string(),
        Part::OverdueVisits => "Overdue visits".to_string(),
        Part::OverdueActions => "Overdue actions".to_string(),
        Part::Upcoming => format!("Reviews in the next {days} days"),
        Part::Unscheduled => "Red and amber with no review scheduled".to_string(),
    };
    let total = [
        w.inpatients.as_ref().map(|l| l.total),
        w.overdue_reviews.as_ref().map(|l| l.total),
        w.overdue_visits.as_ref().map(|l| l.total),
        w.overdue_actions.as_ref().map(|l| l.total),
        w.upcoming.as_ref().map(|l| l.total),
        w.unscheduled.as_ref().map(|l| l.total),
    ]
    .into_iter()
    .flatten()
    .sum::<u64>();
    let link = format!("/today/{}", part.slug());
    view.render(
        "today.html",
        json!({
            "title": heading, "heading": heading, "total": total, "w": w,
            "pagination": super::admin::pagination(&link, paging.page, PER_PAGE, total),
            "upcoming_days": days,
            "can_schedule": view.can(Permission::ReviewsSchedule),
            "can_visit": view.can(Permission::AdmissionsRecord),
            "can_edit": view.can(Permission::PeopleWrite),
            "can_update_actions": view.can(Permission::ActionsUpdate),
        }),
    )
}
