//! `person_timeline`: each register entry's answers over time, as the dated facts give them
//! (status, rating, in hospital since, and the details the register filters by), one row for each
//! stretch of days over which none of them changes: `[from_day, until_day)`, the last stretch
//! open (`until_day` 9999-12-31). The register as at a past day then reads, for each person, the
//! one row covering that day, filtered, sorted and paged in SQL. Written by the service (the
//! answers are the domain's, which SQL cannot compute), for each person named by every write,
//! and for everyone by `tcr reindex`; the projection is emptied here so that the catch-up at
//! start fills both for an existing register.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProjectionState {
    Table,
    Name,
    FreshFor,
}

#[derive(DeriveIden)]
enum PersonTimeline {
    Table,
    PersonId,
    FromDay,
    UntilDay,
    Status,
    Rating,
    RatingRank,
    InHospitalSince,
    SearchKey,
    SortName,
    LocalAuthority,
    Setting,
    DateOfBirth,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PersonTimeline as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(string_len(T::PersonId, 36))
                    .col(date(T::FromDay))
                    .col(date(T::UntilDay))
                    .col(string_len(T::Status, 16))
                    .col(string_len_null(T::Rating, 8))
                    .col(integer(T::RatingRank))
                    .col(date_null(T::InHospitalSince))
                    .col(string(T::SearchKey))
                    .col(string(T::SortName))
                    .col(string(T::LocalAuthority))
                    .col(string_len(T::Setting, 32))
                    .col(date(T::DateOfBirth))
                    .primary_key(Index::create().col(T::PersonId).col(T::FromDay))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_timeline_person")
                            .from(T::Table, T::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The register's orders (by rating, by name, by days in hospital), each able to stop
        // after a page; and the stretches still running after a day, for counting.
        let indexes: [(&str, Vec<T>); 4] = [
            (
                "ix_person_timeline_rating",
                vec![
                    T::Status,
                    T::RatingRank,
                    T::SortName,
                    T::PersonId,
                    T::FromDay,
                    T::UntilDay,
                ],
            ),
            (
                "ix_person_timeline_name",
                vec![T::Status, T::SortName, T::PersonId, T::FromDay, T::UntilDay],
            ),
            (
                "ix_person_timeline_hospital",
                vec![T::Status, T::InHospitalSince, T::FromDay, T::UntilDay],
            ),
            (
                "ix_person_timeline_until",
                vec![T::UntilDay, T::FromDay, T::Status, T::Rating],
            ),
        ];
        for (name, cols) in indexes {
            let mut index = Index::create();
            index.name(name).table(T::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        // The last day for which the catch-up found every entry's projection fresh: a list reads
        // this one row instead of looking for stale entries among everyone.
        manager
            .create_table(
                Table::create()
                    .table(ProjectionState::Table)
                    .col(string_len(ProjectionState::Name, 32).primary_key())
                    .col(date(ProjectionState::FreshFor))
                    .to_owned(),
            )
            .await?;
        // Every entry's projection is now out of date (it has no timeline): emptied, so that
        // the service's catch-up at start recomputes both for everyone.
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM person_due")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProjectionState::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PersonTimeline::Table).to_owned())
            .await
    }
}
