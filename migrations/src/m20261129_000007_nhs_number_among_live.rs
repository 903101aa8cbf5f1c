//! An NHS number is unique among entries whose consent stands, not among withdrawn ones: a person
//! who withdrew and later consents again joins the register as a new entry, and refusing them
//! with "already on the register" would reveal the withdrawn record. The column's own UNIQUE
//! constraint becomes a partial unique index over entries that are not withdrawn.
//!
//! PostgreSQL drops the constraint in place. SQLite cannot drop a column constraint, so the table
//! is rebuilt (new table, copy, drop, rename) with foreign key checks off on one connection, all
//! inside one transaction, as SQLite's documentation lays out for schema changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PARTIAL_INDEX: &str = "CREATE UNIQUE INDEX ux_people_nhs_number_live ON people (nhs_number) \
     WHERE status <> 'withdrawn'";

/// The column as the first migration declared it on SQLite.
const SQLITE_UNIQUE_COLUMN: &str = "\"nhs_number\" varchar(10) NOT NULL UNIQUE";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// SQLite's rebuild manages its own transaction (foreign keys cannot be switched off
    /// inside one); PostgreSQL's statements run in the migrator's transaction.
    fn use_transaction(&self) -> Option<bool> {
        None
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                let constraints = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT c.conname FROM pg_constraint c \
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) \
                         WHERE c.conrelid = 'people'::regclass AND c.contype = 'u' \
                         AND a.attname = 'nhs_number'",
                    ))
                    .await?;
                for row in constraints {
                    let name: String = row.try_get("", "conname")?;
                    db.execute_unprepared(&format!(
                        "ALTER TABLE people DROP CONSTRAINT \"{}\"",
                        name.replace('"', "\"\"")
                    ))
                    .await?;
                }
                db.execute_unprepared(PARTIAL_INDEX).await?;
            }
            DbBackend::Sqlite => {
                let row = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people'",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Migration("table people not found".into()))?;
                let sql: String = row.try_get("", "sql")?;
                if !sql.contains(SQLITE_UNIQUE_COLUMN) {
                    return Err(DbErr::Migration(
                        "people.nhs_number is not declared as expected; not rebuilding".into(),
                    ));
                }
                let create = sql
                    .replacen(
                        "CREATE TABLE \"people\"",
                        "CREATE TABLE \"people_rebuilt\"",
                        1,
                    )
                    .replacen(
                        SQLITE_UNIQUE_COLUMN,
                        "\"nhs_number\" varchar(10) NOT NULL",
                        1,
                    );
                // One string, so every statement runs on the same pooled connection.
                db.execute_unprepared(&format!(
                    "PRAGMA foreign_keys = OFF;
                     BEGIN;
                     {create};
                     INSERT INTO people_rebuilt SELECT * FROM people;
                     DROP TABLE people;
                     ALTER TABLE people_rebuilt RENAME TO people;
                     {PARTIAL_INDEX};
                     COMMIT;
                     PRAGMA foreign_keys = ON;"
                ))
                .await?;
                let broken = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "PRAGMA foreign_key_check",
                    ))
                    .await?;
                if !broken.is_empty() {
                    return Err(DbErr::Migration(
                        "foreign keys broken after rebuilding people".into(),
                    ));
                }
            }
            other => {
                return Err(DbErr::Migration(format!("unsupported backend {other:?}")));
            }
        }
        Ok(())
    }
}
