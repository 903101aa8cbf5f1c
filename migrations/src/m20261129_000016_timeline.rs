//! `person_timeline`: each register entry's answers over time, as the dated facts give them
//! (status, rating, in hospital since, and the details the register filters by), one row for each
//! stretch of days over which none of them changes: `[from_day, until_day)`, the last stretch
//! open (`until_day` 9999-12-31). The register as at a past day then reads, for each person, the
//! one row covering that day, filtered, sorted and paged in SQL. Written by the service (the
//! answers are the domain's, which SQL cannot compute), for each person named by every write,
//! and for everyone by `tcr reindex`. Today's projection (`person_due`) is made anew here with
//! the entry's status and filter details, empty, so that the catch-up at start fills both for an
//! existing register. `projection_state` says for which day the catch-up found it all fresh.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PersonDue {
    Table,
    PersonId,
    Status,
    Rating,
    RatingRank,
    RatingSince,
    InHospitalSince,
    NextReviewDue,
    EarliestDue,
    ComputedFor,
    SearchKey,
    SortName,
    LocalAuthority,
    Setting,
    DateOfBirth,
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
                vec![T::Status, T::UntilDay, T::FromDay, T::RatingRank],
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
        // Today's projection gains the entry's status and the details the register filters and
        // sorts by, so that today's list reads this one table through its indexes and stops
        // after a page. Being derived, it is dropped and made anew (empty): the service's
        // catch-up at start fills it, and the timeline with it, for an existing register.
        manager
            .drop_table(Table::drop().table(PersonDue::Table).to_owned())
            .await?;
        create_person_due(manager).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Back to migration 000015's shape (empty; the catch-up refills it).
        manager
            .drop_table(Table::drop().table(PersonDue::Table).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonDue::Table)
                    .col(string_len(PersonDue::PersonId, 36).primary_key())
                    .col(string_len_null(PersonDue::Rating, 8))
                    .col(integer(PersonDue::RatingRank))
                    .col(date_null(PersonDue::InHospitalSince))
                    .col(date_null(PersonDue::NextReviewDue))
                    .col(date_null(PersonDue::EarliestDue))
                    .col(date(PersonDue::ComputedFor))
                    .col(date_null(PersonDue::RatingSince))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ProjectionState::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PersonTimeline::Table).to_owned())
            .await
    }
}

async fn create_person_due(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use PersonDue as D;
    manager
        .create_table(
            Table::create()
                .table(D::Table)
                .col(string_len(D::PersonId, 36).primary_key())
                .col(string_len(D::Status, 16))
                .col(string_len_null(D::Rating, 8))
                .col(integer(D::RatingRank))
                .col(date_null(D::RatingSince))
                .col(date_null(D::InHospitalSince))
                .col(date_null(D::NextReviewDue))
                .col(date_null(D::EarliestDue))
                .col(date(D::ComputedFor))
                .col(string(D::SearchKey))
                .col(string(D::SortName))
                .col(string(D::LocalAuthority))
                .col(string_len(D::Setting, 32))
                .col(date(D::DateOfBirth))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_person_due_person")
                        .from(D::Table, D::PersonId)
                        .to(People::Table, People::Id),
                )
                .to_owned(),
        )
        .await?;
    // Each of the register's orders, able to stop after a page; overdue; the catch-up.
    // A search (`LIKE '%word%'`) reads every key: from this narrow index rather than the table.
    let indexes: [(&str, Vec<D>); 7] = [
        (
            "ix_person_due_search",
            vec![
                D::Status,
                D::SearchKey,
                D::RatingRank,
                D::SortName,
                D::PersonId,
            ],
        ),
        (
            "ix_person_due_by_rating",
            vec![D::Status, D::RatingRank, D::SortName, D::PersonId],
        ),
        (
            "ix_person_due_by_name",
            vec![D::Status, D::SortName, D::PersonId],
        ),
        (
            "ix_person_due_status_next_review",
            vec![D::Status, D::NextReviewDue],
        ),
        (
            "ix_person_due_in_hospital",
            vec![D::Status, D::InHospitalSince],
        ),
        (
            "ix_person_due_status_earliest",
            vec![D::Status, D::EarliestDue],
        ),
        ("ix_person_due_day", vec![D::ComputedFor]),
    ];
    for (name, cols) in indexes {
        let mut index = Index::create();
        index.name(name).table(D::Table);
        for c in cols {
            index.col(c);
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}
