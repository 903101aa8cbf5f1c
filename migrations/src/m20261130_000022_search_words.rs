//! The register's search by index: each entry's words (the folded given and family names and
//! the NHS number's digits, `domain::search::words`), one row a word, so that a search seeks
//! the words starting with what was typed instead of reading every entry's search key with
//! `LIKE '%word%'` (0.2–0.3 s under load at 100,000 people).
//!
//! A row belongs to the entry's projection row and goes with it (`ON DELETE CASCADE`): a
//! withdrawn entry has no words. The words are compared byte by byte (`COLLATE "C"` on
//! PostgreSQL, SQLite's default), so that a prefix is a range of the index whatever the
//! database's locale. Existing rows are filled here from the stored search keys.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonDueWords {
    Table,
    Word,
    PersonId,
}

#[derive(DeriveIden)]
enum PersonDue {
    Table,
    PersonId,
}

const BY_PERSON: &str = "ix_person_due_words_person";

/// Every word of every stored key, once: SQLite splits the key with a recursive query,
/// PostgreSQL with `string_to_array`.
const FILL_SQLITE: &str = "INSERT OR IGNORE INTO person_due_words (word, person_id) \
     WITH RECURSIVE split(person_id, word, rest) AS ( \
       SELECT person_id, '', search_key || ' ' FROM person_due \
       UNION ALL \
       SELECT person_id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1) \
       FROM split WHERE rest <> '' \
     ) SELECT word, person_id FROM split WHERE word <> ''";

const FILL_POSTGRES: &str = "INSERT INTO person_due_words (word, person_id) \
     SELECT DISTINCT w, person_id FROM person_due, unnest(string_to_array(search_key, ' ')) AS w \
     WHERE w <> '' ON CONFLICT DO NOTHING";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PersonDueWords as W;
        let postgres = manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        let mut word = ColumnDef::new(W::Word);
        word.string().not_null();
        if postgres {
            word.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(&mut word)
                    .col(ColumnDef::new(W::PersonId).string().not_null())
                    .primary_key(Index::create().col(W::Word).col(W::PersonId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(W::Table, W::PersonId)
                            .to(PersonDue::Table, PersonDue::PersonId)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_PERSON)
                    .table(W::Table)
                    .col(W::PersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(if postgres { FILL_POSTGRES } else { FILL_SQLITE })
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PersonDueWords::Table).to_owned())
            .await
    }
}
