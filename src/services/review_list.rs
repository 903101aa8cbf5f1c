//! Lists of reviews, filtered, ordered and paged in SQL: `GET /api/v1/reviews`, a person's
//! reviews, and the reviews page's sections (the agenda). Whether a review or its report is
//! overdue is the deadline engine's answer stored in the projection (`person_due_items`),
//! compared with today in the query; each review on a page is then shown as
//! `reviews::view_with` works it out, so a request reads one page of reviews whatever the
//! register's size.

use super::App;
use super::audit::{self, Event};
use super::people::projection;
use super::reviews::{ReviewReader, ReviewView, lookups, view_with};
use super::sessions::SignedIn;
use crate::domain::ids::{PersonId, ReviewId};
use crate::domain::review::ReviewStatus;
use crate::entities::{person_due_item, review};
use crate::error::AppError;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Serialize;
use time::{Date, Duration};

/// How far ahead "upcoming" looks, on the reviews page and the dashboard.
pub const UPCOMING_DAYS: i64 = 14;

/// Filters of the review list.
#[derive(Debug, Clone, Default)]
pub struct ReviewQuery {
    pub status: Option<ReviewStatus>,
    /// A booked review past its due date, or a held one whose report is.
    pub overdue: Option<bool>,
    pub person_id: Option<PersonId>,
}

/// The reviews concerned by items of these kinds (`scheduled_review`, `report`) past their
/// due date at the end of `today`: `deadlines::is_overdue` over the stored dues.
fn overdue_ids(today: Date, owed: &[&str]) -> SelectStatement {
    Query::select()
        .column(person_due_item::Column::ReviewId)
        .from(person_due_item::Entity)
        .and_where(person_due_item::Column::Owed.is_in(owed.iter().copied()))
        .and_where(person_due_item::Column::Due.lt(today))
        .and_where(person_due_item::Column::ReviewId.is_not_null())
        .to_owned()
}

/// One page of the overdue reviews of the whole register, in the list's order, and how many
/// there are: read from the projection's items, which carry each review's day and booking
/// (`person_due_items.review_on`, `review_booked_at`), so the index gives the page and stops.
/// The same reviews, in the same order, as `in_order` over `overdue_ids`.
///
/// The items of a review are those with its day (`review_on`: a booked review, or a report
/// owed); of those, a booked review's has no day held. The query names no `owed`, so no index
/// led by it can draw the planner away from the one in the list's order.
async fn overdue_page(
    app: &App,
    reader: &ReviewReader,
    today: Date,
    reports_too: bool,
    (page, per_page): (u64, u64),
) -> Result<(Vec<review::Model>, u64), AppError> {
    use person_due_item::Column as I;
    let mut items = reader
        .scope
        .select::<person_due_item::Entity>()
        .filter(I::ReviewOn.is_not_null())
        .filter(I::Due.lt(today));
    if !reports_too {
        items = items.filter(I::HeldOn.is_null());
    }
    let total = super::counted::rows(app, items.clone()).await?;
    let ids: Vec<Option<ReviewId>> = items
        .order_by_asc(I::ReviewOn)
        .order_by_asc(I::ReviewBookedAt)
        .order_by_asc(I::ReviewId)
        .select_only()
        .column(I::ReviewId)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .into_tuple()
        .all(&app.db)
        .await?;
    let ids: Vec<ReviewId> = ids.into_iter().flatten().collect();
    let mut rows = readable(reader)
        .filter(review::Column::Id.is_in(ids.iter()))
        .all(&app.db)
        .await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok((rows, total))
}

/// One page of a list of reviews, and how many it holds (counted once a register version).
async fn one_page(
    app: &App,
    select: Select<review::Entity>,
    window: (u64, u64),
) -> Result<(Vec<review::Model>, u64), AppError> {
    parted_page(app, vec![select], window).await
}

/// One page of a list made of parts that follow one another (each in order, none overlapping),
/// and how many they hold in all: each part counted (kept per register version), and only the
/// parts the page falls in read, each stopping after what the page needs of it.
async fn parted_page(
    app: &App,
    parts: Vec<Select<review::Entity>>,
    (page, per_page): (u64, u64),
) -> Result<(Vec<review::Model>, u64), AppError> {
    let mut skip = page.saturating_sub(1) * per_page;
    let mut rows = Vec::new();
    let mut total = 0;
    for part in parts {
        let holds = super::counted::rows(app, part.clone()).await?;
        total += holds;
        let wanted = per_page.saturating_sub(rows.len() as u64);
        if skip >= holds {
            skip -= holds;
            continue;
        }
        if wanted > 0 {
            let take = std::cmp::min(wanted, holds - skip);
            rows.extend(part.offset(skip).limit(take).all(&app.db).await?);
        }
        skip = 0;
    }
    Ok((rows, total))
}

/// The reviews the reader may read (`ReviewReader::may_read`, in SQL).
fn readable(reader: &ReviewReader) -> Select<review::Entity> {
    let select = reader.scope.select::<review::Entity>();
    match (reader.all, &reader.member) {
        (true, _) => select,
        (false, Some(member)) => {
            select.filter(review::Column::Id.in_subquery(super::worklists::sits_on(member)))
        }
        (false, None) => select.filter(Expr::val(1).eq(0)),
    }
}

/// Soonest first; of two on the same day, the one booked first.
fn in_order(select: Select<review::Entity>) -> Select<review::Entity> {
    select
        .order_by_asc(review::Column::ScheduledFor)
        .order_by_asc(review::Column::CreatedAt)
        .order_by_asc(review::Column::Id)
}

/// The views of a page of reviews, built from their people's rows alone.
async fn views(
    app: &App,
    reader: &ReviewReader,
    rows: &[review::Model],
) -> Result<Vec<ReviewView>, AppError> {
    let lk = looked_up(app, reader, rows.iter()).await?;
    rows.iter().map(|r| view_with(r, &lk, app)).collect()
}

/// What the views of these reviews are built from, each person looked up once.
async fn looked_up<'a>(
    app: &App,
    reader: &ReviewReader,
    rows: impl Iterator<Item = &'a review::Model>,
) -> Result<super::reviews::Lookups, AppError> {
    let mut people: Vec<PersonId> = rows.map(|r| r.person_id.clone()).collect();
    people.sort();
    people.dedup();
    lookups(&app.db, reader.scope, &people).await
}

/// The reviews the user may read, soonest first, filtered as asked: one page (`(page,
/// per_page)`) or all of them, and how many match in all. The read is audited.
pub async fn list(
    app: &App,
    who: &SignedIn,
    q: &ReviewQuery,
    window: Option<(u64, u64)>,
) -> Result<(Vec<ReviewView>, u64), AppError> {
    let (items, total) = read(app, who, q, window).await?;
    audit::record_alone(
        app,
        &who.actor(),
        Event::new("review.list", "review", None).detail(serde_json::json!({
            "status": q.status.map(ReviewStatus::as_str), "overdue": q.overdue,
            "by_person": q.person_id.is_some(), "shown": items.len(), "total": total,
        })),
    )
    .await?;
    Ok((items, total))
}

/// The reviews a list shows, and how many match, without an audit entry: for [`list`], and for
/// a page that records its own (the person page).
pub(crate) async fn read(
    app: &App,
    who: &SignedIn,
    q: &ReviewQuery,
    window: Option<(u64, u64)>,
) -> Result<(Vec<ReviewView>, u64), AppError> {
    let today = app.clock.today();
    let reader = ReviewReader::of(app, who);
    let mut select = readable(&reader);
    if let Some(p) = &q.person_id {
        select = select.filter(review::Column::PersonId.eq(p));
    }
    if let Some(s) = q.status {
        select = select.filter(review::Column::Status.eq(s));
    }
    if let Some(o) = q.overdue {
        projection::catch_up(app).await?;
        let late = overdue_ids(today, &["scheduled_review", "report"]);
        select = select.filter(if o {
            review::Column::Id.in_subquery(late)
        } else {
            review::Column::Id.not_in_subquery(late)
        });
    }
    let select = in_order(select);
    let whole_register = reader.all && q.status.is_none() && q.person_id.is_none();
    let (rows, total) = match window {
        Some(window) if whole_register && q.overdue == Some(true) => {
            overdue_page(app, &reader, today, true, window).await?
        }
        Some(window) => one_page(app, select, window).await?,
        None => {
            let rows = select.all(&app.db).await?;
            let total = rows.len() as u64;
            (rows, total)
        }
    };
    let items = views(app, &reader, &rows).await?;
    Ok((items, total))
}

/// A part of the reviews page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Booked and past its due date (for those who answer for deadlines).
    Overdue,
    /// Booked within `UPCOMING_DAYS`, or on a day already past whose outcome is not yet
    /// recorded while not overdue.
    Upcoming,
    /// Held, with the report not yet sent.
    Unreported,
    /// Booked later than `UPCOMING_DAYS` ahead.
    Later,
}

impl Section {
    /// In the order the page shows them.
    pub const ALL: [Section; 4] = [
        Section::Overdue,
        Section::Upcoming,
        Section::Unreported,
        Section::Later,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Overdue => "overdue",
            Section::Upcoming => "upcoming",
            Section::Unreported => "unreported",
            Section::Later => "later",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The section's reviews, in SQL, as parts that follow one another in the list's order. A
    /// review overdue for the ICB but still to come is in the upcoming ones as well: the date
    /// says when the panel meets. For those who answer for deadlines the upcoming ones are two
    /// parts: booked on a day already past and not overdue (their outcome awaited), then from
    /// today on; each part is then read in index order and stops after the page, instead of
    /// every past booking being checked against every overdue item for each page.
    fn parts(self, today: Date, deadlines: bool) -> Vec<Condition> {
        let soon = today + Duration::days(UPCOMING_DAYS);
        let scheduled = || review::Column::Status.eq(ReviewStatus::Scheduled);
        let late = || overdue_ids(today, &["scheduled_review"]);
        match self {
            Section::Overdue => vec![
                Condition::all()
                    .add(scheduled())
                    .add(review::Column::Id.in_subquery(late())),
            ],
            Section::Upcoming if deadlines => vec![
                Condition::all()
                    .add(scheduled())
                    .add(review::Column::ScheduledFor.lt(today))
                    .add(review::Column::Id.not_in_subquery(late())),
                Condition::all()
                    .add(scheduled())
                    .add(review::Column::ScheduledFor.gte(today))
                    .add(review::Column::ScheduledFor.lte(soon)),
            ],
            Section::Upcoming => vec![
                Condition::all()
                    .add(scheduled())
                    .add(review::Column::ScheduledFor.lte(soon)),
            ],
            Section::Later => vec![
                Condition::all()
                    .add(scheduled())
                    .add(review::Column::ScheduledFor.gt(soon)),
            ],
            Section::Unreported => vec![
                Condition::all()
                    .add(review::Column::Status.eq(ReviewStatus::Held))
                    .add(review::Column::ReportSentOn.is_null()),
            ],
        }
    }
}

/// One page of one section, and how many it holds in all.
#[derive(Debug, Serialize)]
pub struct SectionPage {
    pub section: Section,
    pub items: Vec<ReviewView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Reviews as the reviews page lists them, by section, each paged. Cancelled and fully
/// reported reviews are left out.
#[derive(Debug, Default, Serialize)]
pub struct Agenda {
    pub sections: Vec<SectionPage>,
    /// Whether the overdue section is shown (whoever reads every review); a panel member's
    /// list goes by date alone.
    pub deadlines: bool,
}

impl Agenda {
    /// Every section's first page, or (`only`) one section's page; one audit entry records
    /// the read.
    pub async fn read(
        app: &App,
        who: &SignedIn,
        deadlines: bool,
        only: Option<(Section, u64)>,
        per_page: u64,
    ) -> Result<Self, AppError> {
        let today = app.clock.today();
        let reader = ReviewReader::of(app, who);
        if deadlines {
            projection::catch_up(app).await?;
        }
        let wanted: Vec<(Section, u64)> = match only {
            Some(one) => vec![one],
            None => Section::ALL.into_iter().map(|s| (s, 1)).collect(),
        };
        let mut agenda = Agenda {
            sections: Vec::new(),
            deadlines,
        };
        let mut read = Vec::with_capacity(wanted.len());
        for (section, page) in wanted {
            if section == Section::Overdue && !deadlines {
                continue;
            }
            let (rows, total) = if section == Section::Overdue && reader.all {
                // A booked review is owed only while booked: its item says it is overdue.
                overdue_page(app, &reader, today, false, (page, per_page)).await?
            } else {
                let parts = section
                    .parts(today, deadlines)
                    .into_iter()
                    .map(|c| in_order(readable(&reader).filter(c)))
                    .collect();
                parted_page(app, parts, (page, per_page)).await?
            };
            read.push((section, rows, total, page));
        }
        // The people every section's reviews name, looked up once for the whole page.
        let lk = looked_up(app, &reader, read.iter().flat_map(|(_, rows, _, _)| rows)).await?;
        for (section, rows, total, page) in read {
            agenda.sections.push(SectionPage {
                section,
                items: rows
                    .iter()
                    .map(|r| view_with(r, &lk, app))
                    .collect::<Result<_, _>>()?,
                total,
                page,
                per_page,
            });
        }
        let shown: usize = agenda.sections.iter().map(|s| s.items.len()).sum();
        audit::record_alone(
            app,
            &who.actor(),
            Event::new("review.list", "review", None).detail(serde_json::json!({
                "sections": agenda.sections.iter().map(|s| s.section.as_str()).collect::<Vec<_>>(),
                "shown": shown,
            })),
        )
        .await?;
        Ok(agenda)
    }
}
