//! The register list: search, filters and sorts. Today's register pages in SQL over the search
//! key and the projection (`person_due`), so a request reads one page of people whatever the
//! register's size. A past day (`as_of`) is answered from the dated facts as they stood then
//! (`past`: the timeline), so answers about a past day never move when later facts arrive.

use super::{PersonView, Reader, Whose, load_records, view};
use crate::domain::age::AgeBand;
use crate::domain::person::{Setting, Status};
use crate::domain::risk::Rating;
use crate::domain::search;
use crate::entities::{person, person_due};
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::{Actor, App};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use time::Date;

/// What the register can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Red, blue, amber, green, then unrated; then by name (the default).
    #[default]
    Rating,
    Name,
    NextReviewDue,
    DaysInHospital,
}

/// A sort and its direction (`-` before the name: descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    pub const CHOICES: &'static [(&'static str, &'static str)] = &[
        ("rating", "Rating, red first"),
        ("name", "Name, A to Z"),
        ("-name", "Name, Z to A"),
        ("next_review_due", "Next review due, soonest first"),
        ("-days_in_hospital", "Days in hospital, most first"),
        ("days_in_hospital", "Days in hospital, fewest first"),
    ];

    pub fn parse(s: &str) -> Option<Self> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let key = match name {
            "rating" => SortKey::Rating,
            "name" => SortKey::Name,
            "next_review_due" => SortKey::NextReviewDue,
            "days_in_hospital" => SortKey::DaysInHospital,
            _ => return None,
        };
        Some(Sort { key, descending })
    }

    pub fn as_string(self) -> String {
        let name = match self.key {
            SortKey::Rating => "rating",
            SortKey::Name => "name",
            SortKey::NextReviewDue => "next_review_due",
            SortKey::DaysInHospital => "days_in_hospital",
        };
        format!("{}{name}", if self.descending { "-" } else { "" })
    }
}

/// Filters and sort of the register list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub rating: Option<Rating>,
    pub q: Option<String>,
    pub status: Option<Status>,
    pub as_of: Option<Date>,
    /// Exactly as stored (the page offers the values present).
    pub local_authority: Option<String>,
    pub setting: Option<Setting>,
    pub age_band: Option<AgeBand>,
    /// Only people with something overdue.
    pub overdue: bool,
    pub sort: Sort,
    pub page: u64,
    pub per_page: u64,
}

/// The register as the reader may see it, at the end of `as_of` (default today), filtered and
/// sorted as asked. One audit entry records the list read.
pub async fn list(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    q: &ListQuery,
) -> Result<(Vec<PersonView>, u64), AppError> {
    let today = app.clock.today();
    let day = q.as_of.unwrap_or(today);
    let (items, total) = if day == today {
        today_page(app, reader, q, today).await?
    } else {
        super::past::page(app, reader, q, day).await?
    };
    let detail = serde_json::json!({
        "rating": q.rating.map(Rating::as_str), "status": q.status.unwrap_or(Status::Active).as_str(),
        "as_of": q.as_of.map(|d| d.to_string()), "searched": q.q.is_some(),
        "filtered": q.local_authority.is_some() || q.setting.is_some() || q.age_band.is_some() || q.overdue,
        "sort": q.sort.as_string(), "page": q.page, "shown": items.len(),
    });
    audit::record_alone(
        app,
        actor,
        Event::new("person.list", "person", None).detail(detail),
    )
    .await?;
    Ok((items, total))
}

/// At most this many stale projection rows are refreshed by a list before it reads them (the
/// server's background catch-up does the rest; see `projection`).
pub(super) const INLINE_REFRESH: u64 = 2_000;

async fn today_page(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    today: Date,
) -> Result<(Vec<PersonView>, u64), AppError> {
    super::projection::catch_up_before_reading(
        &app.db,
        &app.policies.schedule,
        today,
        INLINE_REFRESH,
    )
    .await?;
    let status = q.status.unwrap_or(Status::Active);
    if status == Status::Withdrawn {
        return withdrawn_page(app, reader, q, today).await;
    }
    let mut select = reader
        .scope
        .select::<person_due::Entity>()
        .filter(person_due::Column::Status.eq(status.as_str()));
    if !reader.all {
        let assigned = reader.assigned(&app.db).await?;
        select = select.filter(person_due::Column::PersonId.is_in(assigned));
    }
    if let Some(r) = q.rating {
        select = select.filter(person_due::Column::Rating.eq(r.as_str()));
    }
    for word in q.q.as_deref().map(search::tokens).unwrap_or_default() {
        select = select.filter(person_due::Column::SearchKey.like(format!("%{word}%")));
    }
    if let Some(la) = &q.local_authority {
        select = select.filter(person_due::Column::LocalAuthority.eq(la.as_str()));
    }
    if let Some(s) = q.setting {
        select = select.filter(person_due::Column::Setting.eq(s.as_str()));
    }
    if let Some(band) = q.age_band {
        let (after, up_to) = band.born_between(today);
        if let Some(a) = after {
            select = select.filter(person_due::Column::DateOfBirth.gt(a));
        }
        if let Some(u) = up_to {
            select = select.filter(person_due::Column::DateOfBirth.lte(u));
        }
    }
    if q.overdue {
        // `deadlines::is_overdue`: owed and past its due day.
        select = select.filter(person_due::Column::EarliestDue.lt(today));
    }
    let total = select.clone().count(&app.db).await?;
    let ids: Vec<String> = sorted(select, q.sort)
        .select_only()
        .column(person_due::Column::PersonId)
        .offset(q.page.saturating_sub(1) * q.per_page)
        .limit(q.per_page)
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok((rows(app, reader, &ids, today).await?, total))
}

/// These people's rows today, in this order.
async fn rows(
    app: &App,
    reader: &Reader,
    ids: &[String],
    today: Date,
) -> Result<Vec<PersonView>, AppError> {
    let people = reader
        .scope
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids.iter().map(String::as_str)))
        .all(&app.db)
        .await?;
    let records = load_records(
        &app.db,
        reader.scope,
        Whose::These(ids),
        &app.policies.schedule,
        false,
    )
    .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = people.iter().find(|p| &p.id == id) {
            out.push(view(p, &records, today)?);
        }
    }
    Ok(out)
}

/// Withdrawn entries (records administrators only; they have no projection): few, filtered
/// and sorted by name on the people table.
async fn withdrawn_page(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    today: Date,
) -> Result<(Vec<PersonView>, u64), AppError> {
    if reader.scope != crate::services::scope::Scope::Retained {
        return Ok((Vec::new(), 0));
    }
    let mut select = reader
        .scope
        .select::<person::Entity>()
        .filter(person::Column::Status.eq(Status::Withdrawn.as_str()));
    for word in q.q.as_deref().map(search::tokens).unwrap_or_default() {
        select = select.filter(person::Column::SearchKey.like(format!("%{word}%")));
    }
    if let Some(la) = &q.local_authority {
        select = select.filter(person::Column::LocalAuthority.eq(la.as_str()));
    }
    if let Some(st) = q.setting {
        select = select.filter(person::Column::Setting.eq(st.as_str()));
    }
    if let Some(band) = q.age_band {
        let (after, up_to) = band.born_between(today);
        if let Some(a) = after {
            select = select.filter(person::Column::DateOfBirth.gt(a));
        }
        if let Some(u) = up_to {
            select = select.filter(person::Column::DateOfBirth.lte(u));
        }
    }
    if q.rating.is_some() || q.overdue {
        // A withdrawn entry has no rating or dues on the register.
        return Ok((Vec::new(), 0));
    }
    let total = select.clone().count(&app.db).await?;
    let ids: Vec<String> = select
        .order_by(person::Column::SortName, sort_name_order(q.sort))
        .order_by_asc(person::Column::Id)
        .select_only()
        .column(person::Column::Id)
        .offset(q.page.saturating_sub(1) * q.per_page)
        .limit(q.per_page)
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok((rows(app, reader, &ids, today).await?, total))
}

/// The register's orders over today's projection: each able to stop after a page where an
/// index gives it (by rating, by name).
fn sorted(select: Select<person_due::Entity>, sort: Sort) -> Select<person_due::Entity> {
    let dir = |asc: bool| {
        if asc != sort.descending {
            Order::Asc
        } else {
            Order::Desc
        }
    };
    let select = match sort.key {
        SortKey::Name => select,
        SortKey::Rating => select.order_by(person_due::Column::RatingRank, dir(true)),
        // People with none come last whichever the direction.
        SortKey::NextReviewDue => select
            .order_by_asc(
                Expr::col((person_due::Entity, person_due::Column::NextReviewDue)).is_null(),
            )
            .order_by(person_due::Column::NextReviewDue, dir(true)),
        // Fewest days first is the latest admission first; people not in hospital come last.
        SortKey::DaysInHospital => select
            .order_by_asc(
                Expr::col((person_due::Entity, person_due::Column::InHospitalSince)).is_null(),
            )
            .order_by(person_due::Column::InHospitalSince, dir(false)),
    };
    select
        .order_by(person_due::Column::SortName, sort_name_order(sort))
        .order_by_asc(person_due::Column::PersonId)
}

/// The direction of the order by name: the sort's own when sorting by name, else A to Z.
pub(super) fn sort_name_order(sort: Sort) -> Order {
    if sort.key == SortKey::Name && sort.descending {
        Order::Desc
    } else {
        Order::Asc
    }
}

/// The local authorities named on the register, for the filter's choices (at most 200).
pub async fn local_authorities(app: &App) -> Result<Vec<String>, AppError> {
    let names = crate::services::scope::Scope::Register
        .select::<person::Entity>()
        .select_only()
        .column(person::Column::LocalAuthority)
        .distinct()
        .order_by_asc(person::Column::LocalAuthority)
        .limit(200)
        .into_tuple::<String>()
        .all(&app.db)
        .await?;
    Ok(names)
}
