//! Reviews that move, panels by role: a review's start time (`HH:MM`, local time) and its place
//! or joining link; a panel member's kind (`expert_by_experience` or `clinical_expert`), which
//! decides the seat they may take; and indexes on the three seats, so a reviewer's diary reads
//! only their own reviews. Existing panel members have no kind until the admin sets one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reviews {
    Table,
    StartsAt,
    Place,
    ChairId,
    ExpertByExperienceId,
    ClinicalExpertId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    PanelKind,
}

const SEAT_INDEXES: [&str; 3] = [
    "ix_reviews_chair",
    "ix_reviews_expert_by_experience",
    "ix_reviews_clinical_expert",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Reviews::Table)
                    .add_column(string_len_null(Reviews::StartsAt, 5))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Reviews::Table)
                    .add_column(text_null(Reviews::Place))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::PanelKind, 32))
                    .to_owned(),
            )
            .await?;
        for (name, column) in SEAT_INDEXES.into_iter().zip([
            Reviews::ChairId,
            Reviews::ExpertByExperienceId,
            Reviews::ClinicalExpertId,
        ]) {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Reviews::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in SEAT_INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Reviews::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::PanelKind)
                    .to_owned(),
            )
            .await?;
        for column in [Reviews::Place, Reviews::StartsAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reviews::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
