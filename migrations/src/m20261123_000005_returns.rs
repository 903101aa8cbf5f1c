//! Generated returns, frozen: their figures and the SHA-256 of their PDF in `returns` (what
//! analysts and lists read), the identifiable rows, changes and PDF bytes in `return_contents`.
//! And `person_revisions`: a register entry's details as they stood before each edit, so that a
//! return for an earlier period shows names, dates of birth, settings and keyworkers as they
//! were then.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Returns {
    Table,
    Id,
    Kind,
    Period,
    AsAt,
    Organisation,
    Figures,
    ChangesSummary,
    RowCount,
    Sha256,
    ContentSha256,
    PrintedBy,
    PrintedAt,
    GeneratedBy,
    GeneratedByName,
    GeneratedRole,
    GeneratedAt,
}

#[derive(DeriveIden)]
enum PersonRevisions {
    Table,
    Id,
    PersonId,
    ValidUntil,
    Data,
}

#[derive(DeriveIden)]
enum ReturnContents {
    Table,
    ReturnId,
    Rows,
    Changes,
    Pdf,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Returns::Table)
                    .col(string_len(Returns::Id, 36).primary_key())
                    .col(string_len(Returns::Kind, 16))
                    .col(string_len(Returns::Period, 10))
                    .col(date(Returns::AsAt))
                    .col(text(Returns::Organisation))
                    .col(text(Returns::Figures))
                    .col(text(Returns::ChangesSummary))
                    .col(big_integer(Returns::RowCount))
                    .col(string_len(Returns::Sha256, 64))
                    .col(string_len(Returns::ContentSha256, 64))
                    .col(text(Returns::PrintedBy))
                    .col(timestamp_with_time_zone(Returns::PrintedAt))
                    .col(string_len_null(Returns::GeneratedBy, 36))
                    .col(string_len(Returns::GeneratedByName, 200))
                    .col(string_len(Returns::GeneratedRole, 32))
                    .col(timestamp_with_time_zone(Returns::GeneratedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_returns_kind_period")
                    .table(Returns::Table)
                    .col(Returns::Kind)
                    .col(Returns::Period)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReturnContents::Table)
                    .col(string_len(ReturnContents::ReturnId, 36).primary_key())
                    .col(text(ReturnContents::Rows))
                    .col(text(ReturnContents::Changes))
                    .col(blob(ReturnContents::Pdf))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_return_contents_return")
                            .from(ReturnContents::Table, ReturnContents::ReturnId)
                            .to(Returns::Table, Returns::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonRevisions::Table)
                    .col(string_len(PersonRevisions::Id, 36).primary_key())
                    .col(string_len(PersonRevisions::PersonId, 36))
                    .col(timestamp_with_time_zone(PersonRevisions::ValidUntil))
                    .col(text(PersonRevisions::Data))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_revisions_person")
                            .from(PersonRevisions::Table, PersonRevisions::PersonId)
                            .to(Alias::new("people"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_person_revisions_person")
                    .table(PersonRevisions::Table)
                    .col(PersonRevisions::PersonId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PersonRevisions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ReturnContents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Returns::Table).to_owned())
            .await
    }
}
