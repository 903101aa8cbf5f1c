//! The register list: search, filters and sorts. Today's register pages in SQL over the search
//! key and the projection (`person_due`), so a request reads one page of people whatever the
//! register's size. A past day (`as_of`) is answered from the dated facts as they stood then
//! (`past`: the timeline), so answers about a past day never move when later facts arrive.

use super::{PersonView, Reader};
use crate::domain::age::AgeBand;
use crate::domain::ids::PersonId;
use crate::domain::person::{Setting, Status};
use crate::domain::risk::Rating;
use crate::domain::search;
use crate::entities::{person, person_due, person_due_word};
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::{Actor, App};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
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
    let (ids, total) = found(app, reader, q, today).await?;
    let items = rows(app, reader, q, &ids, today).await?;
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

/// How many people an export reads the rows of at once.
const EXPORT_BATCH: usize = 1_000;

/// Every entry the list would show for these filters and sort, in its order, not a page: the
/// same query as [`list`]'s, asked for all its ids at once (a narrow read), then the rows read
/// a batch at a time. Not audited: the export records its own entry.
pub(crate) async fn whole(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
) -> Result<Vec<PersonView>, AppError> {
    let all = ListQuery {
        page: 1,
        per_page: u64::from(u32::MAX),
        ..q.clone()
    };
    let today = app.clock.today();
    let (ids, _) = found(app, reader, &all, today).await?;
    let mut items = Vec::with_capacity(ids.len());
    for batch in ids.chunks(EXPORT_BATCH) {
        items.extend(rows(app, reader, q, batch, today).await?);
    }
    Ok(items)
}

/// The ids of one page of the list, in order, and how many match in all: today's from the
/// projection, a past day's from the dated facts. `today` is read once by the caller, so the
/// ids and their rows are of the same day.
async fn found(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    today: Date,
) -> Result<(Vec<PersonId>, u64), AppError> {
    match q.as_of.filter(|d| *d != today) {
        None => today_ids(app, reader, q, today).await,
        Some(day) => super::past::ids(app, reader, q, day).await,
    }
}

/// The list's rows for these ids, in this order, as at the list's day.
async fn rows(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    ids: &[PersonId],
    today: Date,
) -> Result<Vec<PersonView>, AppError> {
    match q.as_of.filter(|d| *d != today) {
        None => super::today::rows(app, reader, ids, today).await,
        Some(day) => super::past::views(app, reader.scope, ids, day).await,
    }
}

/// At most this many stale projection rows are refreshed by a list before it reads them (the
/// server's background catch-up does the rest; see `projection`).
pub(super) const INLINE_REFRESH: u64 = 2_000;

async fn today_ids(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    today: Date,
) -> Result<(Vec<PersonId>, u64), AppError> {
    super::projection::catch_up_before_reading(
        &app.db,
        &app.policies.schedule,
        today,
        INLINE_REFRESH,
    )
    .await?;
    let status = q.status.unwrap_or(Status::Active);
    if status == Status::Withdrawn {
        return withdrawn_ids(app, reader, q, today).await;
    }
    let mut select = reader
        .scope
        .select::<person_due::Entity>()
        .filter(person_due::Column::Status.eq(status));
    if !reader.all {
        let assigned = reader.assigned(&app.db).await?;
        select = select.filter(person_due::Column::PersonId.is_in(assigned));
    }
    if let Some(r) = q.rating {
        // By its rank, one to one with the rating: the start of the index the order reads.
        select = select.filter(person_due::Column::RatingRank.eq(i32::from(r.rank())));
    }
    let typed = q.q.as_deref().map(search::tokens).unwrap_or_default();
    if !typed.is_empty() {
        // PostgreSQL's planner takes a subquery over the words to match most of the register
        // and reads the register in the order's index, looking each entry up in the words (40 ms
        // a page): it is given the matches by id. SQLite's, with statistics, starts from the words
        // itself, and reading the matches out first cost it more (sqlx hands rows over one at a
        // time) than it saved: 127 against 230 ms p95 under 8 clients for a common family name.
        let listed = if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            matching(app, reader, &typed).await?
        } else {
            None
        };
        select = match listed {
            Some(ids) => select.filter(person_due::Column::PersonId.is_in(ids)),
            None => typed
                .iter()
                .fold(select, |s, word| s.filter(starts_a_word(word))),
        };
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
    one_page(
        app,
        select,
        |s| sorted(s, q.sort),
        Some(person_due::Column::NextReviewDue),
        q,
        Searched::InIndex,
    )
    .await
}

/// At most this many matches of a search are listed by id (`matching`).
const LISTED: usize = 2_000;

/// Today's register: the entries with a word starting with each typed word (`search::matches`),
/// read from the word index alone, one range of it a typed word; `None` when a typed word starts
/// the words of more than [`LISTED`] entries. Listed by id, the matches are what the list's
/// query starts from, whatever the planner guesses; a broader search leaves the seeking to the
/// query ([`starts_a_word`]).
async fn matching(
    app: &App,
    reader: &Reader,
    typed: &[String],
) -> Result<Option<Vec<PersonId>>, AppError> {
    let mut found: Option<std::collections::BTreeSet<PersonId>> = None;
    for word in typed {
        let ids: Vec<PersonId> = reader
            .scope
            .select::<person_due_word::Entity>()
            .select_only()
            .column(person_due_word::Column::PersonId)
            .filter(words_starting(word))
            .limit(LISTED as u64 * 2 + 1)
            .into_tuple()
            .all(&app.db)
            .await?;
        let read = ids.len();
        let ids: std::collections::BTreeSet<PersonId> = ids.into_iter().collect();
        if read > LISTED * 2 || ids.len() > LISTED {
            return Ok(None);
        }
        found = Some(match found {
            None => ids,
            Some(before) => before.intersection(&ids).cloned().collect(),
        });
    }
    Ok(found.map(|ids| ids.into_iter().collect()))
}

/// The words starting with the typed one: a range of the word index (`search::matches`; they
/// lie in `typed ..< prefix_end(typed)`).
fn words_starting(typed: &str) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(person_due_word::Column::Word.gte(typed))
        .add(person_due_word::Column::Word.lt(search::prefix_end(typed)))
}

/// Today's register: entries with a word starting with the typed one, sought in the word index.
fn starts_a_word(typed: &str) -> sea_orm::sea_query::SimpleExpr {
    person_due::Column::PersonId.in_subquery(
        sea_orm::sea_query::Query::select()
            .column(person_due_word::Column::PersonId)
            .from(person_due_word::Entity)
            .cond_where(words_starting(typed))
            .to_owned(),
    )
}

/// Where there is no word index (a past day, the withdrawn): the same rule over the whole key.
pub(super) fn key_matches(key: impl ColumnTrait, typed: &str) -> sea_orm::Condition {
    let [starts, after_space] = search::like_patterns(typed);
    sea_orm::Condition::any()
        .add(key.like(starts))
        .add(key.like(after_space))
}

/// How a list's search finds its matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Searched {
    /// Sought in the word index (today's register): counted and paged in SQL like any filter.
    InIndex,
    /// Key by key with `LIKE` (a past day's register), which no index can seek.
    KeyByKey,
}

/// The ids of one page of a filtered list, and how many match in all. Usually two indexed
/// queries: a `COUNT` (kept per register version), and the page in order, which stops after it.
/// A search sought in the word index is the same two queries: the planner starts from the
/// matches (with statistics, `db::after_bulk_change`), counts them and sorts them in the
/// database, and only a page of rows comes back. A search key by key reads what each match
/// sorts by from a narrow index instead; the matches are ordered here (`order`, the same order)
/// and sliced. Ordering them in SQL would read the table row by row in the order's index, ten
/// times slower on a large register.
pub(super) async fn one_page<E>(
    app: &App,
    select: Select<E>,
    sorted: impl Fn(Select<E>) -> Select<E>,
    next_review_due: Option<E::Column>,
    q: &ListQuery,
    searched: Searched,
) -> Result<(Vec<PersonId>, u64), AppError>
where
    E: sea_orm::EntityTrait,
{
    let db = &app.db;
    let skip = usize::try_from(q.page.saturating_sub(1) * q.per_page).unwrap_or(usize::MAX);
    let take = usize::try_from(q.per_page).unwrap_or(usize::MAX);
    let col = |name: &str| Expr::col(sea_orm::sea_query::Alias::new(name));
    let searching = searched == Searched::KeyByKey
        && q.q
            .as_deref()
            .is_some_and(|s| !search::tokens(s).is_empty());
    if searching {
        let due = match next_review_due {
            Some(c) => Expr::col(c),
            None => Expr::cust("NULL"),
        };
        let rows: Vec<KeyRow> = select
            .select_only()
            .column_as(col("person_id"), "person_id")
            .column_as(col("sort_name"), "sort_name")
            .column_as(col("rating_rank"), "rating_rank")
            .column_as(col("in_hospital_since"), "in_hospital_since")
            .column_as(due, "next_review_due")
            .into_tuple()
            .all(db)
            .await?;
        let mut keys: Vec<Key> = rows
            .into_iter()
            .map(|(id, name, rank, since, due)| Key {
                id,
                name,
                rank: u8::try_from(rank).unwrap_or(9),
                next_review_due: due,
                in_hospital_since: since,
            })
            .collect();
        keys.sort_by(|a, b| order(a, b, q.sort));
        let total = keys.len() as u64;
        let ids = keys
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|k| k.id)
            .collect();
        return Ok((ids, total));
    }
    // Counted once for each version of the projection (`counted`): the statement, with its
    // values, names the count.
    let at = crate::services::counted::Counted::at(db, app.clock.today()).await?;
    let count = select
        .clone()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "n");
    let what = count.build(db.get_database_backend()).to_string();
    let total = app
        .counts
        .get(at, &what, || async {
            let n: Option<i64> = count.into_tuple().one(db).await?;
            Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
        })
        .await?;
    let ids = sorted(select)
        .select_only()
        .column_as(col("person_id"), "person_id")
        .offset(skip as u64)
        .limit(q.per_page)
        .into_tuple()
        .all(db)
        .await?;
    Ok((ids, total))
}

/// A key as read: id, sort name, rating rank, in hospital since, next review due.
type KeyRow = (PersonId, String, i32, Option<Date>, Option<Date>);

/// What one person sorts by.
pub(super) struct Key {
    pub id: PersonId,
    /// `search::sort_name`.
    pub name: String,
    pub rank: u8,
    pub next_review_due: Option<Date>,
    pub in_hospital_since: Option<Date>,
}

/// The register's orders over keys: the same as [`sorted`]'s in SQL.
pub(super) fn order(a: &Key, b: &Key, sort: Sort) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let flip = |o: Ordering| if sort.descending { o.reverse() } else { o };
    let by_name = || {
        let o = a.name.cmp(&b.name);
        if sort.key == SortKey::Name {
            flip(o)
        } else {
            o
        }
        .then_with(|| a.id.cmp(&b.id))
    };
    match sort.key {
        SortKey::Name => by_name(),
        SortKey::Rating => flip(a.rank.cmp(&b.rank)).then_with(by_name),
        SortKey::NextReviewDue => {
            let (x, y) = (&a.next_review_due, &b.next_review_due);
            x.is_none()
                .cmp(&y.is_none())
                .then_with(|| flip(x.cmp(y)))
                .then_with(by_name)
        }
        SortKey::DaysInHospital => {
            let (x, y) = (a.in_hospital_since, b.in_hospital_since);
            x.is_none()
                .cmp(&y.is_none())
                .then_with(|| flip(y.cmp(&x)))
                .then_with(by_name)
        }
    }
}

/// Withdrawn entries (records administrators only; they have no projection): few, filtered
/// and sorted by name on the people table.
async fn withdrawn_ids(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    today: Date,
) -> Result<(Vec<PersonId>, u64), AppError> {
    if reader.scope != crate::services::scope::Scope::Retained {
        return Ok((Vec::new(), 0));
    }
    let mut select = reader
        .scope
        .select::<person::Entity>()
        .filter(person::Column::Status.eq(Status::Withdrawn));
    for word in q.q.as_deref().map(search::tokens).unwrap_or_default() {
        select = select.filter(key_matches(person::Column::SearchKey, &word));
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
    let ids: Vec<PersonId> = select
        .order_by(person::Column::SortName, sort_name_order(q.sort))
        .order_by_asc(person::Column::Id)
        .select_only()
        .column(person::Column::Id)
        .offset(q.page.saturating_sub(1) * q.per_page)
        .limit(q.per_page)
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok((ids, total))
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
    // From the projection, which holds every entry not withdrawn with its local authority
    // (refreshed in the transaction of every edit), over its narrow index: the `people` rows
    // are wide, and reading them all cost the register page some 100 ms at 100,000 people.
    // Read once for each version of the register (`counted`): every entry is read.
    let at = crate::services::counted::Counted::at(&app.db, app.clock.today()).await?;
    app.counts
        .get(at, "the register's local authorities", || async {
            let names = crate::services::scope::Scope::Register
                .select::<person_due::Entity>()
                .select_only()
                .column(person_due::Column::LocalAuthority)
                .group_by(person_due::Column::LocalAuthority)
                .order_by_asc(person_due::Column::LocalAuthority)
                .limit(200)
                .into_tuple::<String>()
                .all(&app.db)
                .await?;
            Ok(names)
        })
        .await
}
