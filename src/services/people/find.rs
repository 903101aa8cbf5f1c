//! The register list: search, filters and sorts. Today's register pages in SQL over the search
//! key and the projection (`person_due`), so a request reads one page of people whatever the
//! register's size. A past day (`as_of`) is answered from the dated facts as they stood then
//! (the projection is today's), so answers about a past day never move when later facts arrive.

use super::{PersonView, Reader, Whose, details_as_at, load_records, load_revisions, view};
use crate::domain::age::{AgeBand, age_on};
use crate::domain::person::{Setting, Status};
use crate::domain::risk::Rating;
use crate::domain::search;
use crate::entities::{person, person_due};
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::{Actor, App};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, JoinType, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Select,
};
use std::collections::HashMap;
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
        past_page(app, reader, q, day).await?
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
const INLINE_REFRESH: u64 = 2_000;

async fn today_page(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    today: Date,
) -> Result<(Vec<PersonView>, u64), AppError> {
    super::projection::refresh_stale(&app.db, &app.policies.schedule, today, 500, INLINE_REFRESH)
        .await?;
    let assigned = reader.assigned(&app.db).await?;
    let mut select = reader
        .scope
        .select::<person::Entity>()
        .join(JoinType::LeftJoin, person_due::Relation::Person.def().rev());
    if !reader.all {
        // The people of one's reviews; withdrawn entries only where the scope reaches them.
        select = select.filter(
            Condition::any()
                .add(person::Column::Id.is_in(assigned.iter().map(String::as_str)))
                .add(person::Column::Status.eq(Status::Withdrawn.as_str())),
        );
    }
    select = select.filter(status_is(q.status.unwrap_or(Status::Active), today));
    if let Some(r) = q.rating {
        select = select.filter(person_due::Column::Rating.eq(r.as_str()));
    }
    for word in q.q.as_deref().map(search::tokens).unwrap_or_default() {
        select = select.filter(person::Column::SearchKey.like(format!("%{word}%")));
    }
    if let Some(la) = &q.local_authority {
        select = select.filter(person::Column::LocalAuthority.eq(la.as_str()));
    }
    if let Some(s) = q.setting {
        select = select.filter(person::Column::Setting.eq(s.as_str()));
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
    if q.overdue {
        // `deadlines::is_overdue`: owed and past its due day.
        select = select.filter(person_due::Column::EarliestDue.lt(today));
    }
    let select = sorted(select, q.sort);
    let total = select.clone().count(&app.db).await?;
    let people = select
        .offset(q.page.saturating_sub(1) * q.per_page)
        .limit(q.per_page)
        .all(&app.db)
        .await?;
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let records = load_records(
        &app.db,
        reader.scope,
        Whose::These(&ids),
        &app.policies.schedule,
        false,
    )
    .await?;
    let items = people
        .iter()
        .map(|p| view(p, &records, today))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((items, total))
}

/// An entry's status today in SQL: `domain::person::on_register_on` for active, withdrawal
/// final whenever read.
pub(crate) fn status_is(status: Status, today: Date) -> Condition {
    let withdrawn = person::Column::Status.eq(Status::Withdrawn.as_str());
    match status {
        Status::Withdrawn => Condition::all().add(withdrawn),
        Status::Closed => Condition::all()
            .add(withdrawn.not())
            .add(person::Column::ClosedOn.lte(today)),
        Status::Active => Condition::all()
            .add(withdrawn.not())
            .add(person::Column::RegisteredOn.lte(today))
            .add(
                Condition::any()
                    .add(person::Column::ClosedOn.is_null())
                    .add(person::Column::ClosedOn.gt(today)),
            ),
    }
}

fn sorted(select: Select<person::Entity>, sort: Sort) -> Select<person::Entity> {
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
    let by_name = if sort.key == SortKey::Name {
        dir(true)
    } else {
        Order::Asc
    };
    select
        .order_by(person::Column::SortName, by_name)
        .order_by_asc(person::Column::Id)
}

/// The register as it stood at the end of a past (or future) day, from the dated facts: each
/// person's details as they stood then (revisions), their rating, stays and dues then. Reads
/// the whole register's history (issue 15 will bound it); filters and sorts as today's list.
async fn past_page(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    day: Date,
) -> Result<(Vec<PersonView>, u64), AppError> {
    let status = q.status.unwrap_or(Status::Active);
    let people = reader.scope.select::<person::Entity>().all(&app.db).await?;
    let revisions = load_revisions(&app.db, reader.scope, None).await?;
    let records = load_records(
        &app.db,
        reader.scope,
        Whose::All,
        &app.policies.schedule,
        false,
    )
    .await?;
    let words = q.q.as_deref().map(search::tokens).unwrap_or_default();
    let assigned = reader.assigned(&app.db).await?;
    let mut matched: Vec<(PersonView, Option<Date>)> = Vec::new();
    for p in people.iter().filter(|p| reader.may_read(p, &assigned)) {
        let p = details_as_at(p, &revisions, day);
        if p.registered_on > day {
            continue;
        }
        let v = view(&p, &records, day)?;
        let key = search::key(&p.given_name, &p.family_name, &p.nhs_number);
        let keep = v.status == status
            && q.rating.is_none_or(|r| v.rating == Some(r))
            && search::matches(&key, &words)
            && q.local_authority
                .as_deref()
                .is_none_or(|la| p.local_authority == la)
            && q.setting.is_none_or(|s| v.setting == s)
            && q.age_band
                .is_none_or(|b| AgeBand::of(age_on(p.date_of_birth, day).unwrap_or(0)) == b)
            && (!q.overdue || !v.overdue.is_empty());
        if keep {
            let since = records
                .admissions
                .get(&p.id)
                .into_iter()
                .flatten()
                .filter(|s| crate::services::admissions::in_hospital_on(s, day))
                .map(|s| s.admitted_on)
                .max();
            matched.push((v, since));
        }
    }
    sort_in_memory(&mut matched, q.sort);
    let total = matched.len() as u64;
    let start = Ord::min(q.page.saturating_sub(1) * q.per_page, total) as usize;
    let items = matched
        .into_iter()
        .skip(start)
        .take(q.per_page as usize)
        .map(|(v, _)| v)
        .collect();
    Ok((items, total))
}

/// The same order as [`sorted`], over views of a past day.
fn sort_in_memory(rows: &mut [(PersonView, Option<Date>)], sort: Sort) {
    let name = |v: &PersonView| {
        (
            search::sort_name(&v.given_name, &v.family_name),
            v.id.clone(),
        )
    };
    let flip = |o: std::cmp::Ordering| if sort.descending { o.reverse() } else { o };
    let mut cache: HashMap<String, _> = HashMap::new();
    for (v, _) in rows.iter() {
        cache.insert(v.id.clone(), name(v));
    }
    rows.sort_by(|(a, sa), (b, sb)| {
        let (na, nb) = (&cache[&a.id], &cache[&b.id]);
        let by_name = na.cmp(nb);
        match sort.key {
            SortKey::Name => flip(by_name),
            SortKey::Rating => {
                let rank = |v: &PersonView| v.rating.map_or(9, Rating::rank);
                flip(rank(a).cmp(&rank(b))).then(by_name)
            }
            SortKey::NextReviewDue => {
                let (x, y) = (&a.next_review_due, &b.next_review_due);
                x.is_none()
                    .cmp(&y.is_none())
                    .then_with(|| flip(x.cmp(y)))
                    .then(by_name)
            }
            SortKey::DaysInHospital => sa
                .is_none()
                .cmp(&sb.is_none())
                .then_with(|| flip(sb.cmp(sa)))
                .then(by_name),
        }
    });
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
