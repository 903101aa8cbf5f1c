//! The register as it stood at the end of a past (or future) day: each person's details, status,
//! rating and stay as the dated facts give them then.
//!
//! Filters, sorts and paging run in SQL over the timeline (`person_timeline`: for each person the
//! one stretch covering the day), so a request reads one page of people, not the register's
//! history. Two questions need the deadline engine as at that day and are answered by running it
//! over the people the SQL filters leave, a batch at a time, keeping only what sorts them: people
//! with something overdue then, and the order by next review due. Withdrawn entries (records
//! administrators only) have no timeline and go the same way.

use super::find::{Key, ListQuery, Sort, SortKey, order, sort_name_order};
use super::{PersonView, Reader, Whose, details_as_at, load_records, load_revisions, view};
use crate::domain::age::{AgeBand, age_on};
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::risk::Rating;
use crate::domain::search;
use crate::entities::{person, person_timeline};
use crate::error::AppError;
use crate::services::App;
use crate::services::scope::Scope;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select};
use time::Date;

/// How many people the engine is run over at once on the slow paths.
const BATCH: usize = 1_000;

/// The ids of one page of the register as at `day`, in the list's order, and how many match.
pub(super) async fn ids(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    day: Date,
) -> Result<(Vec<PersonId>, u64), AppError> {
    let status = q.status.unwrap_or(Status::Active);
    // Entries never yet projected (written before the timeline existed) get theirs first.
    super::projection::catch_up_before_reading(
        &app.db,
        &app.policies.schedule,
        app.clock.today(),
        super::find::INLINE_REFRESH,
    )
    .await?;
    let assigned = reader.assigned(&app.db).await?;
    if status == Status::Withdrawn {
        if reader.scope != Scope::Retained {
            return Ok((Vec::new(), 0));
        }
        let ids = Scope::Retained
            .select::<person::Entity>()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Status.eq(Status::Withdrawn))
            .into_tuple::<PersonId>()
            .all(&app.db)
            .await?;
        return by_engine(app, reader, q, day, ids).await;
    }
    let mut select = reader
        .scope
        .select::<person_timeline::Entity>()
        .filter(person_timeline::Column::FromDay.lte(day))
        .filter(person_timeline::Column::UntilDay.gt(day))
        .filter(person_timeline::Column::Status.eq(status));
    if !reader.all {
        select = select.filter(person_timeline::Column::PersonId.is_in(&assigned));
    }
    select = filtered(select, q, day);
    if q.overdue || q.sort.key == SortKey::NextReviewDue {
        let ids = select
            .select_only()
            .column(person_timeline::Column::PersonId)
            .into_tuple::<PersonId>()
            .all(&app.db)
            .await?;
        return by_engine(app, reader, q, day, ids).await;
    }
    super::find::one_page(
        app,
        select,
        |s| sorted(s, q.sort),
        None,
        q,
        super::find::Searched::KeyByKey,
    )
    .await
}

/// The filters of the list that the timeline holds, as at `day`.
fn filtered(
    mut select: Select<person_timeline::Entity>,
    q: &ListQuery,
    day: Date,
) -> Select<person_timeline::Entity> {
    if let Some(r) = q.rating {
        // By its rank, one to one with the rating: the start of the index the order reads.
        select = select.filter(person_timeline::Column::RatingRank.eq(i32::from(r.rank())));
    }
    for word in q.q.as_deref().map(search::tokens).unwrap_or_default() {
        select = select.filter(super::find::key_matches(
            person_timeline::Column::SearchKey,
            &word,
        ));
    }
    if let Some(la) = &q.local_authority {
        select = select.filter(person_timeline::Column::LocalAuthority.eq(la.as_str()));
    }
    if let Some(s) = q.setting {
        select = select.filter(person_timeline::Column::Setting.eq(s.as_str()));
    }
    if let Some(band) = q.age_band {
        let (after, up_to) = band.born_between(day);
        if let Some(a) = after {
            select = select.filter(person_timeline::Column::DateOfBirth.gt(a));
        }
        if let Some(u) = up_to {
            select = select.filter(person_timeline::Column::DateOfBirth.lte(u));
        }
    }
    select
}

/// The register's orders (as today's list), over the stretches covering the day.
fn sorted(select: Select<person_timeline::Entity>, sort: Sort) -> Select<person_timeline::Entity> {
    let dir = |asc: bool| {
        if asc != sort.descending {
            Order::Asc
        } else {
            Order::Desc
        }
    };
    let select = match sort.key {
        SortKey::Name | SortKey::NextReviewDue => select,
        SortKey::Rating => select.order_by(person_timeline::Column::RatingRank, dir(true)),
        SortKey::DaysInHospital => select
            .order_by_asc(
                Expr::col((
                    person_timeline::Entity,
                    person_timeline::Column::InHospitalSince,
                ))
                .is_null(),
            )
            .order_by(person_timeline::Column::InHospitalSince, dir(false)),
    };
    select
        .order_by(person_timeline::Column::SortName, sort_name_order(sort))
        .order_by_asc(person_timeline::Column::PersonId)
}

/// Runs the engine as at `day` over these people, a batch at a time, keeping those the list's
/// filters keep (each checked on the details as they stood then); sorts and pages them.
async fn by_engine(
    app: &App,
    reader: &Reader,
    q: &ListQuery,
    day: Date,
    candidates: Vec<PersonId>,
) -> Result<(Vec<PersonId>, u64), AppError> {
    let status = q.status.unwrap_or(Status::Active);
    let words = q.q.as_deref().map(search::tokens).unwrap_or_default();
    let mut keys: Vec<Key> = Vec::new();
    for batch in candidates.chunks(BATCH) {
        let people = reader
            .scope
            .select::<person::Entity>()
            .filter(person::Column::Id.is_in(batch))
            .all(&app.db)
            .await?;
        let revisions = load_revisions(&app.db, reader.scope, Whose::These(batch)).await?;
        let records = load_records(
            &app.db,
            reader.scope,
            Whose::These(batch),
            &app.policies.schedule,
            true,
        )
        .await?;
        for p in &people {
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
                keys.push(Key {
                    id: p.id.clone(),
                    name: search::sort_name(&p.given_name, &p.family_name),
                    rank: v.rating.map_or(9, Rating::rank),
                    next_review_due: v.next_review_due,
                    in_hospital_since: records
                        .admissions
                        .get(&p.id)
                        .into_iter()
                        .flatten()
                        .filter(|s| crate::services::admissions::in_hospital_on(s, day))
                        .map(|s| s.admitted_on)
                        .max(),
                });
            }
        }
    }
    keys.sort_by(|a, b| order(a, b, q.sort));
    let total = keys.len() as u64;
    let start = Ord::min(q.page.saturating_sub(1) * q.per_page, total) as usize;
    let ids: Vec<PersonId> = keys
        .into_iter()
        .skip(start)
        .take(q.per_page as usize)
        .map(|k| k.id)
        .collect();
    Ok((ids, total))
}

/// The rows of these people as at the end of `day`, in this order.
pub(super) async fn views(
    app: &App,
    scope: Scope,
    ids: &[PersonId],
    day: Date,
) -> Result<Vec<PersonView>, AppError> {
    let people = scope
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .all(&app.db)
        .await?;
    let revisions = load_revisions(&app.db, scope, Whose::These(ids)).await?;
    let records = load_records(
        &app.db,
        scope,
        Whose::These(ids),
        &app.policies.schedule,
        false,
    )
    .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = people.iter().find(|p| &p.id == id) {
            out.push(view(&details_as_at(p, &revisions, day), &records, day)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, name: &str, rank: u8, due: Option<&str>, since: Option<Date>) -> Key {
        Key {
            id: PersonId::from_text(id),
            name: name.into(),
            rank,
            next_review_due: due.map(|d| crate::domain::input::parse_date(d).unwrap()),
            in_hospital_since: since,
        }
    }

    fn ids(mut keys: Vec<Key>, sort: Sort) -> Vec<PersonId> {
        keys.sort_by(|a, b| order(a, b, sort));
        keys.into_iter().map(|k| k.id).collect()
    }

    #[test]
    fn orders_match_the_lists_of_today() {
        use time::macros::date;
        let keys = || {
            vec![
                key("a", "lee sam", 2, Some("2026-12-01"), None),
                key("b", "ali bo", 0, None, Some(date!(2026 - 10 - 01))),
                key(
                    "c",
                    "cole di",
                    0,
                    Some("2026-11-01"),
                    Some(date!(2026 - 11 - 01)),
                ),
                key("d", "ali bo", 9, None, None),
            ]
        };
        let by = |s: &str| Sort::parse(s).expect("sort");
        assert_eq!(ids(keys(), by("rating")), ["b", "c", "a", "d"]);
        assert_eq!(ids(keys(), by("name")), ["b", "d", "c", "a"]);
        assert_eq!(ids(keys(), by("-name")), ["a", "c", "b", "d"]);
        assert_eq!(ids(keys(), by("next_review_due")), ["c", "a", "b", "d"]);
        // Fewest days first: the latest admission first; nobody in hospital last.
        assert_eq!(ids(keys(), by("days_in_hospital")), ["c", "b", "d", "a"]);
        assert_eq!(ids(keys(), by("-days_in_hospital")), ["b", "c", "d", "a"]);
    }
}
