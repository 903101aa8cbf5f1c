//! Connecting to the database and migrating it. SQLite gets WAL, foreign keys and a busy
//! timeout on every pooled connection; PostgreSQL may be pointed at its own schema.

use crate::config::{DatabaseKind, Settings};
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(settings.database_url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
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

/// True when the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}
