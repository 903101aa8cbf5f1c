//! Finding people at scale. `people.search_key`: the folded names and NHS number a search reads
//! (`domain::search::key`), and `people.sort_name`, the order by name; both filled for existing
//! rows by the service at start, since the fold is the application's and SQL cannot call it
//! portably. `person_due`: one row a person, the
//! deadline engine's answer and the current rating and stay as at `computed_for`, so the
//! register can filter and sort by them in SQL (refreshed with every write about the person).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    SearchKey,
    SortName,
    LocalAuthority,
}

#[derive(DeriveIden)]
enum PersonDue {
    Table,
    PersonId,
    Rating,
    RatingRank,
    InHospitalSince,
    NextReviewDue,
    EarliestDue,
    ComputedFor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .add_column(string_null(People::SearchKey))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .add_column(string_null(People::SortName))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_people_sort_name")
                    .table(People::Table)
                    .col(People::SortName)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_people_local_authority")
                    .table(People::Table)
                    .col(People::LocalAuthority)
                    .to_owned(),
            )
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
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_due_person")
                            .from(PersonDue::Table, PersonDue::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_person_due_earliest", PersonDue::EarliestDue),
            ("ix_person_due_next_review", PersonDue::NextReviewDue),
            ("ix_person_due_computed_for", PersonDue::ComputedFor),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PersonDue::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PersonDue::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_people_local_authority")
                    .table(People::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_people_sort_name")
                    .table(People::Table)
                    .to_owned(),
            )
            .await?;
        for column in [People::SortName, People::SearchKey] {
            manager
                .alter_table(
                    Table::alter()
                        .table(People::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
