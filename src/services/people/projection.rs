//! The register's projection for today (`person_due`, and the things owed item by item in
//! `person_due_items`), the search key (`people.search_key`) and the words a search seeks
//! (`person_due_words`): what the register, the review lists and the dashboard filter, count and
//! sort by in SQL, kept equal to the deadline engine's answer. "Overdue" is then `due < today` in
//! a query; no rule is worked out in SQL. Each entry's timeline (`person_timeline`, the register
//! as at past days) is written with them.
//!
//! One place refreshes them all: [`refresh`], which every audited write calls for the people its
//! audit entries name, inside the same transaction (`services::audit::AuditedTx::commit`). Dues
//! also move with time alone (a day passes, an 18th birthday changes the review), so rows
//! computed for an earlier day are refreshed by [`refresh_stale`]: at start and every quarter of
//! an hour by the server, by `tcr refresh-due`, and (a bounded number) by a register list
//! before it reads them.

use super::{Records, Whose, load_records};
use crate::domain::deadlines::{self, Owed};
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::ratings::rating_of;
use crate::domain::search;
use crate::entities::{person, person_due, person_due_item, person_due_word, projection_state};
use crate::error::AppError;
use crate::policy::Schedule;
use crate::services::admissions::in_hospital_on;
use crate::services::scope::Scope;
use items::item_row;
pub use items::owed_of;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, StreamTrait, TransactionTrait,
};
use time::Date;

mod items;

/// The projection's row for one person and the things they owe, from their records: the same
/// engine, rating rule and stays that the register's rows show.
fn row(
    p: &person::Model,
    records: &Records,
    today: Date,
) -> (person_due::Model, Vec<person_due_item::Model>) {
    let rows = records.rows(&p.id);
    let owed = super::super::due::owed(p, &rows, &records.schedule, today);
    let stays = records.stays.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
    let rating = rating_of(&super::standing(p), rows.ratings, stays, today);
    let summary = person_due::Model {
        person_id: p.id.clone(),
        status: super::status_on(p, today),
        rating: rating.map(|(r, _)| r),
        rating_rank: rating.map_or(9, |(r, _)| i32::from(r.rank())),
        rating_since: rating.map(|(_, since)| since),
        in_hospital_since: rows
            .stays
            .iter()
            .filter(|s| in_hospital_on(s, today))
            .map(|s| s.admitted_on)
            .max(),
        next_review_due: deadlines::next_review_due(&owed),
        earliest_due: owed.iter().map(|i| i.due).min(),
        computed_for: today,
        search_key: search::key(&p.given_name, &p.family_name, &p.nhs_number),
        sort_name: search::sort_name(&p.given_name, &p.family_name),
        local_authority: p.local_authority.clone(),
        setting: p.setting,
        date_of_birth: p.date_of_birth,
    };
    let items = owed
        .iter()
        .zip(0..)
        .map(|(i, seq)| {
            let mut row = item_row(&p.id, seq, i);
            if matches!(i.owed, Owed::ScheduledReview { .. } | Owed::Report { .. })
                && let Some(r) = rows
                    .reviews
                    .iter()
                    .find(|r| row.review_id.as_ref() == Some(&r.id))
            {
                row.review_on = Some(r.scheduled_for);
                row.review_booked_at = Some(r.created_at);
            }
            row
        })
        .collect();
    (summary, items)
}

/// What the projection should hold for these people today, worked out from scratch by the
/// engine without writing anything: for checking the stored rows (tests, `tcr reindex`).
pub async fn computed<C: ConnectionTrait + StreamTrait>(
    db: &C,
    schedule: &Schedule,
    ids: &[PersonId],
    today: Date,
) -> Result<Vec<(person_due::Model, Vec<person_due_item::Model>)>, AppError> {
    let people = Scope::Register
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<PersonId> = people.iter().map(|p| p.id.clone()).collect();
    let records = load_records(db, Scope::Register, Whose::These(&ids), schedule, true).await?;
    Ok(people.iter().map(|p| row(p, &records, today)).collect())
}

/// A withdrawn entry's projection rows, items and timeline go (withdrawn means gone).
async fn forget<C: ConnectionTrait + StreamTrait>(
    db: &C,
    gone: &[person::Model],
) -> Result<(), AppError> {
    if gone.is_empty() {
        return Ok(());
    }
    let gone: Vec<PersonId> = gone.iter().map(|p| p.id.clone()).collect();
    person_due_item::Entity::delete_many()
        .filter(person_due_item::Column::PersonId.is_in(&gone))
        .exec(db)
        .await?;
    person_due::Entity::delete_many()
        .filter(person_due::Column::PersonId.is_in(&gone))
        .exec(db)
        .await?;
    super::timeline::write(db, &gone, Vec::new()).await?;
    Ok(())
}

/// Each entry's search key and sort name, written where they changed.
async fn write_search_keys<C: ConnectionTrait + StreamTrait>(
    db: &C,
    live: &[person::Model],
) -> Result<(), AppError> {
    for p in live {
        let key = search::key(&p.given_name, &p.family_name, &p.nhs_number);
        let order = search::sort_name(&p.given_name, &p.family_name);
        if p.search_key.as_deref() != Some(key.as_str())
            || p.sort_name.as_deref() != Some(order.as_str())
        {
            write_keys(db, &p.id, key, order).await?;
        }
    }
    Ok(())
}

type ProjectionRows = (
    Vec<person_due::ActiveModel>,
    Vec<person_due_item::ActiveModel>,
    Vec<(PersonId, String)>,
);

/// Each entry's row and items for `today`, and the entries whose search words must be
/// rewritten (their key moved since it was stored).
async fn rows_for<C: ConnectionTrait + StreamTrait>(
    db: &C,
    live: &[person::Model],
    live_ids: &[PersonId],
    records: &Records,
    today: Date,
) -> Result<ProjectionRows, AppError> {
    let stored_keys: std::collections::HashMap<PersonId, String> = Scope::Register
        .select::<person_due::Entity>()
        .select_only()
        .columns([person_due::Column::PersonId, person_due::Column::SearchKey])
        .filter(person_due::Column::PersonId.is_in(live_ids))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut rows: Vec<person_due::ActiveModel> = Vec::with_capacity(live.len());
    let mut items: Vec<person_due_item::ActiveModel> = Vec::new();
    let mut rewords: Vec<(PersonId, String)> = Vec::new();
    for p in live {
        let (summary, owed) = row(p, records, today);
        if stored_keys.get(&p.id) != Some(&summary.search_key) {
            rewords.push((p.id.clone(), summary.search_key.clone()));
        }
        rows.push(summary.into());
        items.extend(owed.into_iter().map(Into::into));
    }
    Ok((rows, items, rewords))
}

/// Brings these people's projection rows, items and search keys up to date for `today`, on the
/// caller's connection or transaction. A withdrawn entry loses its rows (withdrawn means gone).
pub async fn refresh<C: ConnectionTrait + StreamTrait>(
    db: &C,
    schedule: &Schedule,
    ids: &[PersonId],
    today: Date,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    // Counts kept over the projection are not reused past this change.
    crate::services::counted::moved(db).await?;
    let people = Scope::Retained
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let (gone, live): (Vec<_>, Vec<_>) = people
        .into_iter()
        .partition(|p| p.status == Status::Withdrawn);
    forget(db, &gone).await?;
    if live.is_empty() {
        return Ok(());
    }
    let live_ids: Vec<PersonId> = live.iter().map(|p| p.id.clone()).collect();
    let records =
        load_records(db, Scope::Register, Whose::These(&live_ids), schedule, true).await?;
    write_search_keys(db, &live).await?;
    let revisions = super::load_revisions(db, Scope::Register, Whose::These(&live_ids)).await?;
    let stretches = live
        .iter()
        .flat_map(|p| super::timeline::stretches(p, &records, &revisions))
        .collect();
    super::timeline::write(db, &live_ids, stretches).await?;
    let (rows, items, rewords) = rows_for(db, &live, &live_ids, &records, today).await?;
    person_due::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(person_due::Column::PersonId)
                .update_columns([
                    person_due::Column::Status,
                    person_due::Column::SearchKey,
                    person_due::Column::SortName,
                    person_due::Column::LocalAuthority,
                    person_due::Column::Setting,
                    person_due::Column::DateOfBirth,
                    person_due::Column::Rating,
                    person_due::Column::RatingRank,
                    person_due::Column::RatingSince,
                    person_due::Column::InHospitalSince,
                    person_due::Column::NextReviewDue,
                    person_due::Column::EarliestDue,
                    person_due::Column::ComputedFor,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    write_words(db, &rewords).await?;
    person_due_item::Entity::delete_many()
        .filter(person_due_item::Column::PersonId.is_in(live_ids))
        .exec(db)
        .await?;
    insert_in_chunks(db, items).await
}

/// Inserts rows 1,000 at a time: well inside either backend's limit on bound parameters (the
/// widest row here binds 13).
async fn insert_in_chunks<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), AppError>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(1_000).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The word index of entries whose search key is new or changed (`search::words`): their
/// old words go, their new ones are written.
async fn write_words(
    db: &impl ConnectionTrait,
    keys: &[(PersonId, String)],
) -> Result<(), AppError> {
    if keys.is_empty() {
        return Ok(());
    }
    person_due_word::Entity::delete_many()
        .filter(person_due_word::Column::PersonId.is_in(keys.iter().map(|(id, _)| id)))
        .exec(db)
        .await?;
    let mut words: Vec<person_due_word::ActiveModel> = Vec::new();
    for (id, key) in keys {
        for w in search::words(key) {
            words.push(person_due_word::ActiveModel {
                word: Set(w.to_string()),
                person_id: Set(id.clone()),
            });
        }
    }
    insert_in_chunks(db, words).await
}

async fn write_keys(
    db: &impl ConnectionTrait,
    id: &PersonId,
    key: String,
    order: String,
) -> Result<(), AppError> {
    person::Entity::update_many()
        .col_expr(person::Column::SearchKey, Expr::value(key))
        .col_expr(person::Column::SortName, Expr::value(order))
        .filter(person::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Entries whose projection is missing or was computed for an earlier day, or whose search key
/// is not filled in yet: at most `limit` of them.
async fn stale(
    db: &impl ConnectionTrait,
    today: Date,
    limit: u64,
) -> Result<Vec<PersonId>, AppError> {
    let fresh = Query::select()
        .column(person_due::Column::PersonId)
        .from(person_due::Entity)
        .and_where(person_due::Column::ComputedFor.gte(today))
        .to_owned();
    let ids = Scope::Register
        .select::<person::Entity>()
        .select_only()
        .column(person::Column::Id)
        .filter(
            sea_orm::Condition::any()
                .add(person::Column::Id.not_in_subquery(fresh))
                .add(person::Column::SearchKey.is_null())
                .add(person::Column::SortName.is_null()),
        )
        .order_by_asc(person::Column::Id)
        .limit(limit)
        .into_tuple::<PersonId>()
        .all(db)
        .await?;
    Ok(ids)
}

/// Refreshes stale rows in batches of `batch`, each batch its own transaction, until none is
/// left or `max` rows were done. Returns how many were refreshed.
pub async fn refresh_stale(
    db: &sea_orm::DatabaseConnection,
    schedule: &Schedule,
    today: Date,
    batch: u64,
    max: u64,
) -> Result<u64, AppError> {
    let mut done = 0;
    while done < max {
        let ids = stale(db, today, batch.min(max - done)).await?;
        if ids.is_empty() {
            mark_fresh(db, today).await?;
            break;
        }
        let tx = db.begin().await?;
        refresh(&tx, schedule, &ids, today).await?;
        tx.commit().await?;
        done += ids.len() as u64;
    }
    Ok(done)
}

const REGISTER: &str = "register";

/// Notes that no entry's projection was computed for a day before `today`. Writes refresh the
/// rows they touch for their day, so this stays true until the day changes.
async fn mark_fresh(db: &impl ConnectionTrait, today: Date) -> Result<(), AppError> {
    projection_state::Entity::insert(projection_state::ActiveModel {
        name: Set(REGISTER.to_string()),
        fresh_for: Set(today),
    })
    .on_conflict(
        OnConflict::column(projection_state::Column::Name)
            .update_column(projection_state::Column::FreshFor)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Before a list reads the projection: nothing to do once the catch-up has found it fresh for
/// today (one row read); otherwise refreshes at most `max` stale entries.
pub async fn catch_up_before_reading(
    db: &sea_orm::DatabaseConnection,
    schedule: &Schedule,
    today: Date,
    max: u64,
) -> Result<(), AppError> {
    let state = projection_state::Entity::find_by_id(REGISTER.to_string())
        .one(db)
        .await?;
    if state.is_some_and(|s| s.fresh_for >= today) {
        return Ok(());
    }
    refresh_stale(db, schedule, today, 500, max).await?;
    Ok(())
}

/// At most this many stale rows are refreshed by a read of the projection before it reads
/// (the server's background catch-up does the rest).
const BEFORE_READ: u64 = 2_000;

/// Before a list or the dashboard reads the projection: the stale rows refreshed, a bounded
/// number of them.
pub async fn catch_up(app: &crate::services::App) -> Result<(), AppError> {
    catch_up_before_reading(
        &app.db,
        &app.policies.schedule,
        app.clock.today(),
        BEFORE_READ,
    )
    .await
}

/// Deletes the projection and works it out again from the facts for every entry on file, in
/// batches of 500 by id, each batch its own transaction (`tcr reindex`). Rows of entries no
/// longer within the register go first. Returns how many entries were recomputed.
pub async fn rebuild_all(
    db: &sea_orm::DatabaseConnection,
    schedule: &Schedule,
    today: Date,
) -> Result<u64, AppError> {
    const BATCH: u64 = 500;
    let live = || {
        Scope::Register
            .select::<person::Entity>()
            .select_only()
            .column(person::Column::Id)
            .into_query()
    };
    person_due_item::Entity::delete_many()
        .filter(person_due_item::Column::PersonId.not_in_subquery(live()))
        .exec(db)
        .await?;
    person_due::Entity::delete_many()
        .filter(person_due::Column::PersonId.not_in_subquery(live()))
        .exec(db)
        .await?;
    crate::entities::person_timeline::Entity::delete_many()
        .filter(crate::entities::person_timeline::Column::PersonId.not_in_subquery(live()))
        .exec(db)
        .await?;
    crate::services::counted::moved(db).await?;
    let mut done = 0;
    let mut after = PersonId::default();
    loop {
        let ids: Vec<PersonId> = Scope::Register
            .select::<person::Entity>()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.gt(&after))
            .order_by_asc(person::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = ids.last().cloned() else {
            mark_fresh(db, today).await?;
            return Ok(done);
        };
        let tx = db.begin().await?;
        person_due_item::Entity::delete_many()
            .filter(person_due_item::Column::PersonId.is_in(&ids))
            .exec(&tx)
            .await?;
        person_due::Entity::delete_many()
            .filter(person_due::Column::PersonId.is_in(&ids))
            .exec(&tx)
            .await?;
        refresh(&tx, schedule, &ids, today).await?;
        tx.commit().await?;
        done += ids.len() as u64;
        after = last;
    }
}

/// Checks the timeline of every entry against the facts (`timeline::check`) on every day from
/// `from` to `to`: the lines name who is wrong, none when all is well. For tests and for
/// `tcr reindex --check`.
pub async fn verify(
    db: &sea_orm::DatabaseConnection,
    schedule: &Schedule,
    days: (Date, Date),
) -> Result<Vec<String>, AppError> {
    use crate::entities::person_timeline;
    let mut wrong = Vec::new();
    let mut after = PersonId::default();
    loop {
        let people = Scope::Retained
            .select::<person::Entity>()
            .filter(person::Column::Id.gt(&after))
            .order_by_asc(person::Column::Id)
            .limit(500)
            .all(db)
            .await?;
        let Some(last) = people.last() else {
            return Ok(wrong);
        };
        after = last.id.clone();
        let ids: Vec<PersonId> = people.iter().map(|p| p.id.clone()).collect();
        let records = load_records(db, Scope::Retained, Whose::These(&ids), schedule, true).await?;
        let revisions = super::load_revisions(db, Scope::Retained, Whose::These(&ids)).await?;
        let stored = Scope::Retained
            .select::<person_timeline::Entity>()
            .filter(person_timeline::Column::PersonId.is_in(ids))
            .order_by_asc(person_timeline::Column::FromDay)
            .all(db)
            .await?;
        for p in &people {
            let mine: Vec<_> = stored
                .iter()
                .filter(|s| s.person_id == p.id)
                .cloned()
                .collect();
            wrong.extend(super::timeline::check(p, &records, &revisions, &mine, days));
        }
    }
}

/// Fills the search key and sort name of entries that have none (written before migration 000014, or by a
/// generator writing rows directly), in batches. Idempotent.
pub async fn fill_search_keys(db: &sea_orm::DatabaseConnection) -> Result<u64, AppError> {
    let mut done = 0;
    loop {
        let batch: Vec<(PersonId, String, String, String)> = Scope::Retained
            .select::<person::Entity>()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::GivenName,
                person::Column::FamilyName,
                person::Column::NhsNumber,
            ])
            .filter(
                sea_orm::Condition::any()
                    .add(person::Column::SearchKey.is_null())
                    .add(person::Column::SortName.is_null()),
            )
            .limit(1_000)
            .into_tuple()
            .all(db)
            .await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let tx = db.begin().await?;
        for (id, given, family, nhs) in &batch {
            let key = search::key(given, family, nhs);
            write_keys(&tx, id, key, search::sort_name(given, family)).await?;
        }
        tx.commit().await?;
        done += batch.len() as u64;
    }
}

/// The server's catch-up of stale rows, and of the database's statistics: from lift-off, then
/// every quarter of an hour, in batches. Several instances may run it at once: refreshing a row
/// twice gives the same row.
pub struct CatchUp;

#[rocket::async_trait]
impl rocket::fairing::Fairing for CatchUp {
    fn info(&self) -> rocket::fairing::Info {
        rocket::fairing::Info {
            name: "register projection catch-up",
            kind: rocket::fairing::Kind::Liftoff,
        }
    }

    async fn on_liftoff(&self, rocket: &rocket::Rocket<rocket::Orbit>) {
        let Some(app) = rocket.state::<crate::services::App>().cloned() else {
            return;
        };
        rocket::tokio::spawn(async move {
            loop {
                let today = app.clock.today();
                if let Err(e) =
                    refresh_stale(&app.db, &app.policies.schedule, today, 500, u64::MAX).await
                {
                    tracing::warn!(
                        "register projection catch-up failed: {}",
                        e.public_message()
                    );
                }
                // The planner's statistics, as the register grows (SQLite; one writer at a time).
                let turn = app.writes.enter().await;
                if let Err(e) = crate::db::keep_statistics(&app.db).await {
                    tracing::warn!("keeping the database's statistics failed: {e}");
                }
                drop(turn);
                rocket::tokio::time::sleep(std::time::Duration::from_secs(15 * 60)).await;
            }
        });
    }
}
