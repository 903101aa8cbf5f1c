//! Corrections: a risk assessment entered in error can be voided (who, when, why are kept on
//! the assessment; its rating event is removed so every view reads as if it was never
//! entered), and a held review whose report has gone gets addenda (dated, with their author).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RiskAssessments {
    Table,
    VoidedAt,
    VoidedBy,
    VoidReason,
}

#[derive(DeriveIden)]
enum ReviewAddenda {
    Table,
    Id,
    ReviewId,
    PersonId,
    Text,
    WrittenOn,
    Author,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for col in [
            timestamp_with_time_zone_null(RiskAssessments::VoidedAt),
            string_len_null(RiskAssessments::VoidedBy, 100),
            text_null(RiskAssessments::VoidReason),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(RiskAssessments::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ReviewAddenda::Table)
                    .col(string_len(ReviewAddenda::Id, 36).primary_key())
                    .col(string_len(ReviewAddenda::ReviewId, 36))
                    .col(string_len(ReviewAddenda::PersonId, 36))
                    .col(text(ReviewAddenda::Text))
                    .col(date(ReviewAddenda::WrittenOn))
                    .col(string_len(ReviewAddenda::Author, 100))
                    .col(timestamp_with_time_zone(ReviewAddenda::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_review_addenda_review")
                            .from(ReviewAddenda::Table, ReviewAddenda::ReviewId)
                            .to(Alias::new("reviews"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_addenda_review")
                    .table(ReviewAddenda::Table)
                    .col(ReviewAddenda::ReviewId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReviewAddenda::Table).to_owned())
            .await?;
        for col in [
            RiskAssessments::VoidedAt,
            RiskAssessments::VoidedBy,
            RiskAssessments::VoidReason,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(RiskAssessments::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
