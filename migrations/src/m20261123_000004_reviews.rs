//! Reviews (CETR/CTR) with their panels and outcomes, and the action plans they agree.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    PersonId,
    Kind,
    ReviewType,
    Status,
    ScheduledFor,
    DueBy,
    ChairId,
    ExpertByExperienceId,
    ClinicalExpertId,
    HeldOn,
    Findings,
    Recommendations,
    ReportSentOn,
    CancelledReason,
    PreviousReviewId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Actions {
    Table,
    Id,
    ReviewId,
    PersonId,
    Who,
    What,
    DueOn,
    How,
    Status,
    CompletedOn,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Reviews::Table)
                    .col(string_len(Reviews::Id, 36).primary_key())
                    .col(string_len(Reviews::PersonId, 36))
                    .col(string_len(Reviews::Kind, 16))
                    .col(string_len(Reviews::ReviewType, 8))
                    .col(string_len(Reviews::Status, 16))
                    .col(date(Reviews::ScheduledFor))
                    .col(date_null(Reviews::DueBy))
                    .col(string_len_null(Reviews::ChairId, 36))
                    .col(string_len_null(Reviews::ExpertByExperienceId, 36))
                    .col(string_len_null(Reviews::ClinicalExpertId, 36))
                    .col(date_null(Reviews::HeldOn))
                    .col(text_null(Reviews::Findings))
                    .col(text_null(Reviews::Recommendations))
                    .col(date_null(Reviews::ReportSentOn))
                    .col(text_null(Reviews::CancelledReason))
                    .col(string_len_null(Reviews::PreviousReviewId, 36))
                    .col(string_len(Reviews::CreatedBy, 64))
                    .col(timestamp_with_time_zone(Reviews::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_reviews_person")
                            .from(Reviews::Table, Reviews::PersonId)
                            .to(Alias::new("people"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Actions::Table)
                    .col(string_len(Actions::Id, 36).primary_key())
                    .col(string_len(Actions::ReviewId, 36))
                    .col(string_len(Actions::PersonId, 36))
                    .col(string_len(Actions::Who, 200))
                    .col(text(Actions::What))
                    .col(date(Actions::DueOn))
                    .col(text(Actions::How))
                    .col(string_len(Actions::Status, 16))
                    .col(date_null(Actions::CompletedOn))
                    .col(text_null(Actions::Note))
                    .col(timestamp_with_time_zone(Actions::CreatedAt))
                    .col(timestamp_with_time_zone(Actions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_actions_review")
                            .from(Actions::Table, Actions::ReviewId)
                            .to(Reviews::Table, Reviews::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "ix_reviews_person",
                Reviews::Table.into_iden(),
                Reviews::PersonId.into_iden(),
            ),
            (
                "ix_reviews_scheduled_for",
                Reviews::Table.into_iden(),
                Reviews::ScheduledFor.into_iden(),
            ),
            (
                "ix_actions_review",
                Actions::Table.into_iden(),
                Actions::ReviewId.into_iden(),
            ),
            (
                "ix_actions_person",
                Actions::Table.into_iden(),
                Actions::PersonId.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
