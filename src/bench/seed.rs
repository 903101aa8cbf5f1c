//! Writing the synthetic register: [`seed_synthetic`] takes the chunks of people that
//! [`super::generate`] draws and inserts them, per table, with multi-row `INSERT`s from one or
//! two writers; [`project`] then fills the register's projection.

use super::generate;
use super::rng::NhsNumbers;
use crate::entities::{
    action, admission, consent, person, rating_event, referral, review, risk_assessment, visit,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, IntoActiveModel, Iterable, QuerySelect, TransactionTrait,
};
use std::collections::HashSet;
use time::Date;

/// Rows inserted, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedStats {
    pub people: u64,
    pub consents: u64,
    pub risk_assessments: u64,
    pub rating_events: u64,
    pub admissions: u64,
    pub visits: u64,
    pub reviews: u64,
    pub actions: u64,
    pub referrals: u64,
}

impl SeedStats {
    /// Rows inserted in all tables.
    pub fn total(&self) -> u64 {
        self.people
            + self.consents
            + self.risk_assessments
            + self.rating_events
            + self.admissions
            + self.visits
            + self.reviews
            + self.actions
            + self.referrals
    }

    pub(super) fn add(&mut self, o: SeedStats) {
        self.people += o.people;
        self.consents += o.consents;
        self.risk_assessments += o.risk_assessments;
        self.rating_events += o.rating_events;
        self.admissions += o.admissions;
        self.visits += o.visits;
        self.reviews += o.reviews;
        self.actions += o.actions;
        self.referrals += o.referrals;
    }
}

/// People generated (and written) at a time, to bound memory.
const CHUNK: usize = 4096;
/// Bound parameters per statement: SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` (3.32+).
const SQLITE_PARAMS: usize = 32_766;
/// PostgreSQL (and MySQL) allow at most this many bind parameters in one statement.
const POSTGRES_PARAMS: usize = 65_535;
/// Concurrent writers (connections, each with its own transaction) on PostgreSQL.
const POSTGRES_WRITERS: usize = 2;
/// SQLite page cache for the seeding connection, in KiB (the default is 2 MiB).
const SQLITE_CACHE_KIB: i64 = -262_144;

/// Brings a seeded register's projection up to date for `today` (what `tcr refresh-due` does),
/// so that what is measured next reads the projection rather than filling it.
pub async fn project(
    app: &crate::services::App,
    today: Date,
) -> Result<(), crate::error::AppError> {
    crate::services::people::projection::refresh_stale(
        &app.db,
        &app.policies.schedule,
        today,
        1000,
        u64::MAX,
    )
    .await?;
    crate::services::people::projection::fill_search_keys(&app.db).await?;
    crate::db::after_bulk_change(&app.db).await?;
    Ok(())
}

/// Seeds `people` synthetic people with their histories, dated back from `today` (registrations
/// over the last three years, rating events over the last two; upcoming reviews and the due
/// dates of open actions may fall after `today`). The same `seed` and `today` give the same rows.
/// Meant for an empty register: NHS numbers already on the register are skipped, nothing else
/// is checked against existing rows. On error nothing is written. On PostgreSQL it uses two
/// connections of the pool (one if a second cannot be had).
pub async fn seed_synthetic(
    db: &DatabaseConnection,
    people: usize,
    today: Date,
    seed: u64,
) -> Result<SeedStats, DbErr> {
    let backend = db.get_database_backend();
    let (limit, writers) = match backend {
        DbBackend::Sqlite => (SQLITE_PARAMS, 1),
        _ => (POSTGRES_PARAMS, POSTGRES_WRITERS),
    };
    let mut numbers = NhsNumbers::new(seed, taken_numbers(db).await?);
    let txs = begin_writers(db, writers).await?;
    // A bigger page cache for the seeding connection only, put back before the commit.
    let mut restore_cache = None;
    if backend == DbBackend::Sqlite {
        restore_cache = bigger_cache(&txs[0]).await?;
    }

    // One producer generates chunks in person order (so the rows do not depend on the number of
    // writers); the writers take them as they come, each in its own transaction.
    let (send, recv) = rocket::tokio::sync::mpsc::channel::<Rows>(writers);
    let recv = rocket::tokio::sync::Mutex::new(recv);
    let produce = async move {
        let mut next = 0;
        while next < people {
            let end = (next + CHUNK).min(people);
            let rows = generate::chunk(seed, next..end, today, &mut numbers)?;
            if send.send(rows).await.is_err() {
                break; // a writer failed and closed the queue
            }
            next = end;
        }
        Ok::<(), DbErr>(())
    };
    let (produced, written) = rocket::futures::future::join(
        produce,
        rocket::futures::future::join_all(txs.iter().map(|tx| write(tx, &recv, limit))),
    )
    .await;
    produced?;
    let mut stats = SeedStats::default();
    for w in written {
        stats.add(w?);
    }
    if let Some(kib) = restore_cache {
        txs[0]
            .execute_unprepared(&format!("PRAGMA cache_size = {kib}"))
            .await?;
    }
    for tx in txs {
        tx.commit().await?;
    }
    Ok(stats)
}

/// The NHS numbers already on the register.
async fn taken_numbers(db: &DatabaseConnection) -> Result<HashSet<String>, DbErr> {
    Ok(person::Entity::find()
        .select_only()
        .column(person::Column::NhsNumber)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// A transaction for each writer: `writers` of them, or fewer if the pool runs out.
async fn begin_writers(
    db: &DatabaseConnection,
    writers: usize,
) -> Result<Vec<DatabaseTransaction>, DbErr> {
    let mut txs = vec![db.begin().await?];
    while txs.len() < writers {
        match db.begin().await {
            Ok(tx) => txs.push(tx),
            Err(_) => break, // a small pool: make do with fewer writers
        }
    }
    Ok(txs)
}

/// Sets SQLite's page cache for this connection to [`SQLITE_CACHE_KIB`]; returns what it was.
async fn bigger_cache(tx: &DatabaseTransaction) -> Result<Option<i64>, DbErr> {
    let row = tx
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA cache_size",
        ))
        .await?;
    let previous = row.and_then(|r| r.try_get_by_index::<i64>(0).ok());
    tx.execute_unprepared(&format!("PRAGMA cache_size = {}", SQLITE_CACHE_KIB))
        .await?;
    Ok(previous)
}

// ---------------------------------------------------------------------------------------------
// Writing

type Queue = rocket::tokio::sync::Mutex<rocket::tokio::sync::mpsc::Receiver<Rows>>;

/// A writer: takes chunks off the queue and inserts them in `tx` until the queue is empty and
/// closed; on error, closes the queue so the producer and the other writers stop.
async fn write(tx: &DatabaseTransaction, queue: &Queue, limit: usize) -> Result<SeedStats, DbErr> {
    let mut stats = SeedStats::default();
    loop {
        let rows = queue.lock().await.recv().await;
        let Some(rows) = rows else {
            return Ok(stats);
        };
        match rows.insert(tx, limit).await {
            Ok(s) => stats.add(s),
            Err(e) => {
                queue.lock().await.close();
                return Err(e);
            }
        }
    }
}

/// One chunk's rows, per table.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) people: Vec<person::Model>,
    pub(super) consents: Vec<consent::Model>,
    pub(super) assessments: Vec<risk_assessment::Model>,
    /// Active models: `seq` is left to the database.
    pub(super) events: Vec<rating_event::ActiveModel>,
    pub(super) admissions: Vec<admission::Model>,
    pub(super) visits: Vec<visit::Model>,
    pub(super) reviews: Vec<review::Model>,
    pub(super) actions: Vec<action::Model>,
    pub(super) referrals: Vec<referral::Model>,
}

impl Rows {
    /// Parents before children, for the foreign keys.
    async fn insert(self, db: &impl ConnectionTrait, limit: usize) -> Result<SeedStats, DbErr> {
        fn active<M: IntoActiveModel<A>, A: ActiveModelTrait>(rows: Vec<M>) -> Vec<A> {
            rows.into_iter()
                .map(IntoActiveModel::into_active_model)
                .collect()
        }
        Ok(SeedStats {
            people: insert(db, active::<_, person::ActiveModel>(self.people), limit).await?,
            consents: insert(db, active::<_, consent::ActiveModel>(self.consents), limit).await?,
            risk_assessments: insert(
                db,
                active::<_, risk_assessment::ActiveModel>(self.assessments),
                limit,
            )
            .await?,
            rating_events: insert(db, self.events, limit).await?,
            admissions: insert(
                db,
                active::<_, admission::ActiveModel>(self.admissions),
                limit,
            )
            .await?,
            visits: insert(db, active::<_, visit::ActiveModel>(self.visits), limit).await?,
            reviews: insert(db, active::<_, review::ActiveModel>(self.reviews), limit).await?,
            actions: insert(db, active::<_, action::ActiveModel>(self.actions), limit).await?,
            referrals: insert(
                db,
                active::<_, referral::ActiveModel>(self.referrals),
                limit,
            )
            .await?,
        })
    }
}

/// Multi-row inserts of at most `limit / columns` rows each; returns the rows written.
async fn insert<A>(db: &impl ConnectionTrait, rows: Vec<A>, limit: usize) -> Result<u64, DbErr>
where
    A: ActiveModelTrait + Send,
{
    let columns = <<A as ActiveModelTrait>::Entity as EntityTrait>::Column::iter().count();
    let per_statement = (limit / columns.max(1)).max(1);
    let mut written = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(per_statement).collect();
        written += <A::Entity as EntityTrait>::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(written)
}
