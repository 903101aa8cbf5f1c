//! One index on `person_timeline` for the register as at a past day, in place of
//! `ix_person_timeline_until`, which it extends: the stretches covering a day (status, then
//! `until_day` and `from_day`) with everything a search and a count read (rating rank, search key,
//! sort name, person, in hospital since), so that a past day's search reads the index alone
//! instead of looking up each stretch still running after the day in the table (0.7 s at
//! 100,000 people).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonTimeline {
    Table,
    Status,
    UntilDay,
    FromDay,
    RatingRank,
    SearchKey,
    SortName,
    PersonId,
    InHospitalSince,
}

const OLD: &str = "ix_person_timeline_until";
const NEW: &str = "ix_person_timeline_covering";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PersonTimeline as T;
        manager
            .create_index(
                Index::create()
                    .name(NEW)
                    .table(T::Table)
                    .col(T::Status)
                    .col(T::UntilDay)
                    .col(T::FromDay)
                    .col(T::RatingRank)
                    .col(T::SearchKey)
                    .col(T::SortName)
                    .col(T::PersonId)
                    .col(T::InHospitalSince)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(OLD).table(T::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PersonTimeline as T;
        manager
            .create_index(
                Index::create()
                    .name(OLD)
                    .table(T::Table)
                    .col(T::Status)
                    .col(T::UntilDay)
                    .col(T::FromDay)
                    .col(T::RatingRank)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(NEW).table(T::Table).to_owned())
            .await
    }
}
