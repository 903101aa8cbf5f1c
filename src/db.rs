//! Connecting to the database and migrating it. SQLite gets WAL, foreign keys and a busy
//! timeout on every pooled connection; PostgreSQL may be pointed at its own schema.

use crate::config::{DatabaseKind, Settings};
use migration::{Migrator, MigratorTrait};
use rocket::tokio::sync::{Mutex, OwnedMutexGuard};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::sync::Arc;
use std::time::Duration;

/// Writers on SQLite queue here, in this process, before they begin.
///
/// SQLite has one writer at a time. A second `BEGIN IMMEDIATE` does not wait in line: it is
/// refused and retried by SQLite's busy handler, which sleeps 1, 2, 5, 10… up to 100 ms between
/// tries. Every read of the register writes its audit entry, so readers at once could sleep for
/// tens of milliseconds behind writes that take a fraction of one. Queued on an async mutex
/// instead, each waits only for the writes ahead of it. PostgreSQL needs none: its writers wait on the audit chain's row lock, across
/// every instance.
#[derive(Clone, Default)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    pub fn for_kind(kind: DatabaseKind) -> Self {
        match kind {
            DatabaseKind::Sqlite => WriteGate(Some(Arc::new(Mutex::new(())))),
            _ => WriteGate(None),
        }
    }

    /// Waits for this process's writes ahead, on SQLite; held until the write commits or is
    /// dropped.
    pub async fn enter(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.0 {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        }
    }
}

pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(settings.database_url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if let Some(ms) = settings.slow_query_ms {
        options
            .sqlx_logging(true)
            .sqlx_logging_level(log::LevelFilter::Trace)
            .sqlx_slow_statements_logging_settings(
                log::LevelFilter::Warn,
                Duration::from_millis(ms),
            );
    }
    match settings.database_kind() {
        DatabaseKind::Sqlite => {
            options.max_connections(8).map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        }
        DatabaseKind::Postgres => {
            options.max_connections(16);
            if let Some(schema) = &settings.database_schema {
                options.set_schema_search_path(schema.clone());
            }
        }
        DatabaseKind::Unsupported => {
            return Err(DbErr::Custom("unsupported database URL".into()));
        }
    }
    Database::connect(options).await
}

/// Applies every pending migration; an error stops the start.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// After a bulk change (a seeded register, `tcr reindex`): gives the planner the tables' sizes
/// and spreads. On PostgreSQL, vacuums and analyses every table of the schema in use, so that the
/// visibility map also lets counts read their indexes alone (autovacuum does the same in time
/// where it is on, the default; a bulk load should not wait for it). On SQLite, `ANALYZE`:
/// without statistics SQLite takes any equality on an indexed column to match ten rows, so a
/// search would read every entry of a status (90,000 at 100,000 people) instead of its matches.
pub async fn after_bulk_change(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if db.get_database_backend() != DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
        return Ok(());
    }
    let tables = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
        ))
        .await?;
    for row in tables {
        let name: String = row.try_get("", "tablename")?;
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        db.execute_unprepared(&format!("VACUUM (ANALYZE) {quoted}"))
            .await?;
    }
    Ok(())
}

/// Keeps SQLite's statistics up to date as the register grows (at start, then with the
/// projection's catch-up every quarter of an hour): `PRAGMA optimize` analyses, on a sample,
/// the tables whose size has changed much since their last analysis or that have none. Quick
/// when nothing changed. PostgreSQL's autovacuum does this itself.
pub async fn keep_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend};
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA optimize=0x10002").await?;
    }
    Ok(())
}

/// True when the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rocket::async_test]
    async fn sqlite_writers_take_turns_and_postgres_ones_do_not_queue_here() {
        let gate = WriteGate::for_kind(DatabaseKind::Sqlite);
        let first = gate.enter().await;
        assert!(first.is_some());
        let waiting = rocket::tokio::time::timeout(Duration::from_millis(50), gate.enter()).await;
        assert!(waiting.is_err(), "a second writer went ahead of the first");
        drop(first);
        let second = rocket::tokio::time::timeout(Duration::from_millis(50), gate.enter()).await;
        assert!(second.is_ok_and(|turn| turn.is_some()));

        let pg = WriteGate::for_kind(DatabaseKind::Postgres);
        let (a, b) = (pg.enter().await, pg.enter().await);
        assert!(a.is_none() && b.is_none());
    }
}
