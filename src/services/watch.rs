//! The commissioner's watch over the register today — who is in hospital, what is overdue, the
//! reviews coming up, red and amber people with no review booked — counted by aggregate queries
//! over the projection (`person_due`, `person_due_items`) and listed a page at a time, so that
//! neither the dashboard nor the full lists behind it read anyone's history. Overdue is a due
//! date the deadline engine stored, before today; nothing here decides what is due.

mod rows;

use super::App;
use super::audit::{self, Event};
use super::people::projection;
use super::review_list::UPCOMING_DAYS;
use super::scope::Scope;
use super::sessions::SignedIn;
use crate::domain::deadlines::DueKind;
use crate::domain::person::Status;
use crate::domain::review::ReviewStatus;
use crate::domain::risk::Rating;
use crate::entities::{person_due, person_due_item, review};
use crate::error::AppError;
use crate::policy::Permission;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QuerySelect, RelationDef,
    Select,
};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration};

pub use rows::{
    Due, Inpatient, Listed, Named, OverdueAction, OverdueItem, Unscheduled, UpcomingReview, Watch,
};

/// A part of the watch; each has a page listing it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    InHospital,
    /// Reviews (booked or still to book) and review reports past their due date.
    OverdueReviews,
    /// Oversight past its due date: visits, social worker allocations, and notifications of
    /// admissions to hospitals rated inadequate.
    OverdueVisits,
    OverdueActions,
    /// Reviews booked in the next `UPCOMING_DAYS`.
    Upcoming,
    /// Red and amber people with no review booked.
    Unscheduled,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::InHospital,
        Part::OverdueReviews,
        Part::OverdueVisits,
        Part::OverdueActions,
        Part::Upcoming,
        Part::Unscheduled,
    ];

    /// Its name in a link.
    pub fn slug(self) -> &'static str {
        match self {
            Part::InHospital => "in-hospital",
            Part::OverdueReviews => "overdue-reviews",
            Part::OverdueVisits => "overdue-visits",
            Part::OverdueActions => "overdue-actions",
            Part::Upcoming => "upcoming",
            Part::Unscheduled => "unscheduled",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// Where the whole list is read a page at a time (overdue actions: the actions page, where
    /// they are marked done).
    pub fn href(self) -> String {
        match self {
            Part::OverdueActions => "/actions?overdue=true".to_string(),
            other => format!("/today/{}", other.slug()),
        }
    }

    /// The kinds of the engine's items an overdue part counts (`DueItem::kind`).
    pub(super) fn kinds(self) -> &'static [DueKind] {
        match self {
            Part::OverdueReviews => &[DueKind::Review, DueKind::RedReview, DueKind::Report],
            Part::OverdueVisits => &[DueKind::Visit, DueKind::SocialWorker, DueKind::Notification],
            Part::OverdueActions => &[DueKind::Action],
            _ => &[],
        }
    }
}

/// The register today in numbers.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Counts {
    /// On the register by rating (`red`, `amber`, `green`, `blue`, `unrated`).
    pub ratings: BTreeMap<String, u64>,
    pub in_hospital: u64,
    pub overdue_reviews: u64,
    pub overdue_visits: u64,
    pub overdue_actions: u64,
    pub upcoming: u64,
    pub unscheduled: u64,
}

impl Counts {
    pub fn of(&self, part: Part) -> u64 {
        match part {
            Part::InHospital => self.in_hospital,
            Part::OverdueReviews => self.overdue_reviews,
            Part::OverdueVisits => self.overdue_visits,
            Part::OverdueActions => self.overdue_actions,
            Part::Upcoming => self.upcoming,
            Part::Unscheduled => self.unscheduled,
        }
    }
}

/// People on the register today, as their projection says (`person_due.status`, the register's
/// own rule, brought up to date for today before the dashboard reads). The projection carries
/// what the watch sorts by (sort name, rating, day in hospital), so the watch's queries join it
/// rather than the register's wide `people` rows.
fn on_register() -> Select<person_due::Entity> {
    Scope::Register
        .select::<person_due::Entity>()
        .filter(person_due::Column::Status.eq(Status::Active))
}

/// People the service works with today: on the register, or in hospital on an inpatient-only
/// entry (whose stays, visits and reviews are watched like anyone's; they have no rating).
fn in_care() -> Select<person_due::Entity> {
    Scope::Register
        .select::<person_due::Entity>()
        .filter(person_due::Column::Status.is_in([Status::Active, Status::InpatientOnly]))
}

/// The projection's row of the person a row names, for a join.
fn their_projection<E: EntityTrait>(person_id: E::Column) -> RelationDef {
    E::belongs_to(person_due::Entity)
        .from(person_id)
        .to(person_due::Column::PersonId)
        .into()
}

/// Items of these kinds past their due date, of people in care today.
fn overdue_items(today: Date, kinds: &[DueKind]) -> Select<person_due_item::Entity> {
    Scope::Register
        .select::<person_due_item::Entity>()
        .join(
            JoinType::InnerJoin,
            their_projection::<person_due_item::Entity>(person_due_item::Column::PersonId),
        )
        .filter(person_due::Column::Status.is_in([Status::Active, Status::InpatientOnly]))
        .filter(person_due_item::Column::Kind.is_in(kinds.iter().copied()))
        .filter(person_due_item::Column::Due.lt(today))
}

/// Reviews booked for the next `UPCOMING_DAYS` (today included), of people in care.
fn upcoming_reviews(today: Date) -> Select<review::Entity> {
    Scope::Register
        .select::<review::Entity>()
        .join(
            JoinType::InnerJoin,
            their_projection::<review::Entity>(review::Column::PersonId),
        )
        .filter(person_due::Column::Status.is_in([Status::Active, Status::InpatientOnly]))
        .filter(review::Column::Status.eq(ReviewStatus::Scheduled))
        .filter(review::Column::ScheduledFor.between(today, today + Duration::days(UPCOMING_DAYS)))
}

/// A review booked for the projection row's person: looked up person by person over
/// `reviews (person_id, status)`, so a list in the projection's order stops after its page
/// (`NOT IN` a list of every booked review's person read all of them first).
fn booked() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(review::Entity)
        .and_where(
            Expr::col((review::Entity, review::Column::PersonId))
                .equals((person_due::Entity, person_due::Column::PersonId)),
        )
        .and_where(review::Column::Status.eq(ReviewStatus::Scheduled))
        .to_owned()
}

/// Red and amber people on the register with no review booked.
fn unscheduled_people() -> Select<person_due::Entity> {
    on_register()
        .filter(person_due::Column::Rating.is_in([Rating::Red, Rating::Amber]))
        .filter(Expr::exists(booked()).not())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Every count of the watch, by aggregate queries made once for each version of the register
/// (`counted`).
pub async fn counts(app: &App, today: Date) -> Result<Counts, AppError> {
    let at = super::counted::Counted::at(&app.db, today).await?;
    app.counts
        .get(at, "the watch's counts", || counted(app, today))
        .await
}

async fn counted(app: &App, today: Date) -> Result<Counts, AppError> {
    let db = &app.db;
    let mut c = Counts {
        ratings: ["red", "amber", "green", "blue", "unrated"]
            .into_iter()
            .map(|k| (k.to_string(), 0))
            .collect(),
        ..Counts::default()
    };
    let by_rating: Vec<(Option<Rating>, i64, i64)> = Scope::Register
        .select::<person_due::Entity>()
        .filter(person_due::Column::Status.eq(Status::Active))
        .select_only()
        .column(person_due::Column::Rating)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(
            Expr::col((person_due::Entity, person_due::Column::InHospitalSince)).count(),
            "in_hospital",
        )
        .group_by(person_due::Column::Rating)
        .into_tuple()
        .all(db)
        .await?;
    for (rating, n, in_hospital) in by_rating {
        let key = rating.map_or("unrated", Rating::as_str).to_string();
        *c.ratings.entry(key).or_default() += count(n);
        c.in_hospital += count(in_hospital);
    }
    // Inpatient-only entries in hospital: counted among the inpatients, never by rating.
    c.in_hospital += Scope::Register
        .select::<person_due::Entity>()
        .filter(person_due::Column::Status.eq(Status::InpatientOnly))
        .filter(person_due::Column::InHospitalSince.is_not_null())
        .count(db)
        .await?;
    let by_kind: Vec<(DueKind, i64)> = overdue_items(today, DueKind::ALL)
        .select_only()
        .column(person_due_item::Column::Kind)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(person_due_item::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    for (kind, n) in by_kind {
        let of = |part: Part| part.kinds().contains(&kind);
        if of(Part::OverdueReviews) {
            c.overdue_reviews += count(n);
        } else if of(Part::OverdueVisits) {
            c.overdue_visits += count(n);
        } else if of(Part::OverdueActions) {
            c.overdue_actions += count(n);
        }
    }
    c.upcoming = upcoming_reviews(today).count(db).await?;
    c.unscheduled = unscheduled_people().count(db).await?;
    Ok(c)
}
/// One part's rows from `offset`, at most `limit` of them, with its total.
async fn read_part(
    app: &App,
    today: Date,
    counts: &Counts,
    part: Part,
    offset: u64,
    limit: u64,
    w: &mut Watch,
) -> Result<(), AppError> {
    let total = counts.of(part);
    let href = part.href();
    macro_rules! listed {
        ($rows:expr) => {
            Some(Listed {
                rows: $rows,
                total,
                href,
            })
        };
    }
    match part {
        Part::InHospital => {
            w.inpatients = listed!(rows::inpatients(app, today, offset, limit).await?)
        }
        Part::OverdueReviews | Part::OverdueVisits => {
            let rows = rows::overdue_things(app, today, part, offset, limit).await?;
            if part == Part::OverdueReviews {
                w.overdue_reviews = listed!(rows);
            } else {
                w.overdue_visits = listed!(rows);
            }
        }
        Part::OverdueActions => {
            w.overdue_actions = listed!(rows::overdue_actions(app, today, offset, limit).await?)
        }
        Part::Upcoming => w.upcoming = listed!(rows::upcoming(app, today, offset, limit).await?),
        Part::Unscheduled => {
            w.unscheduled = listed!(rows::unscheduled(app, today, offset, limit).await?)
        }
    }
    Ok(())
}

/// The first `first` rows of every part, with the counts they come from.
pub async fn first_rows(
    app: &App,
    today: Date,
    counts: &Counts,
    first: u64,
) -> Result<Watch, AppError> {
    let mut w = Watch::default();
    for part in Part::ALL {
        read_part(app, today, counts, part, 0, first, &mut w).await?;
    }
    Ok(w)
}

/// One page of one part, for whoever reads the whole register and every review; one audit
/// entry records the read.
pub async fn page(
    app: &App,
    who: &SignedIn,
    part: Part,
    page: u64,
    per_page: u64,
) -> Result<Watch, AppError> {
    let can = |p| app.policies.access.allows(who.role(), p);
    if !(can(Permission::PeopleRead) && can(Permission::ReviewsRead)) {
        return Err(AppError::Forbidden);
    }
    let today = app.clock.today();
    projection::catch_up(app).await?;
    let counts = counts(app, today).await?;
    let mut w = Watch::default();
    let offset = page.saturating_sub(1) * per_page;
    read_part(app, today, &counts, part, offset, per_page, &mut w).await?;
    audit::record_alone(
        app,
        &who.actor(),
        Event::new("dashboard.read", "dashboard", None).detail(serde_json::json!({
            "part": part.slug(), "page": page, "items_naming_people": w.named(),
        })),
    )
    .await?;
    Ok(w)
}
