//! Imports from spreadsheets (issue 18): each uploaded file (`imports`: its name, format, SHA-256,
//! its column headers, the mapping of its columns, the counts, who previewed and who committed it; the file itself
//! only until it is committed), each row's outcome (`import_rows`: what happened and why, the
//! entry it added or updated; the identifying details only of rows that did not enter the
//! register, for the worklist of who still needs consent), and the mappings saved for the next
//! file with the same columns (`import_mappings`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Imports {
    Table,
    Id,
    FileName,
    Format,
    Sha256,
    Sheet,
    Headers,
    Content,
    Mapping,
    Status,
    Counts,
    CreatedBy,
    CreatedAt,
    CommittedBy,
    CommittedAt,
}

#[derive(DeriveIden)]
enum ImportRows {
    Table,
    ImportId,
    Line,
    Outcome,
    PersonId,
    Reasons,
    Changes,
    Detail,
}

#[derive(DeriveIden)]
enum ImportMappings {
    Table,
    HeadersKey,
    Mapping,
    SavedBy,
    SavedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Imports::Table)
                    .col(string_len(Imports::Id, 36).primary_key())
                    .col(string_len(Imports::FileName, 255))
                    .col(string_len(Imports::Format, 8))
                    .col(string_len(Imports::Sha256, 64))
                    .col(string_len_null(Imports::Sheet, 100))
                    .col(text(Imports::Headers))
                    .col(blob_null(Imports::Content))
                    .col(text(Imports::Mapping))
                    .col(string_len(Imports::Status, 16))
                    .col(text(Imports::Counts))
                    .col(string_len(Imports::CreatedBy, 100))
                    .col(timestamp_with_time_zone(Imports::CreatedAt))
                    .col(string_len_null(Imports::CommittedBy, 100))
                    .col(timestamp_with_time_zone_null(Imports::CommittedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_imports_created")
                    .table(Imports::Table)
                    .col(Imports::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportRows::Table)
                    .col(string_len(ImportRows::ImportId, 36))
                    .col(integer(ImportRows::Line))
                    .col(string_len(ImportRows::Outcome, 16))
                    .col(string_len_null(ImportRows::PersonId, 36))
                    .col(text(ImportRows::Reasons))
                    .col(text(ImportRows::Changes))
                    .col(text_null(ImportRows::Detail))
                    .primary_key(
                        Index::create()
                            .col(ImportRows::ImportId)
                            .col(ImportRows::Line),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_rows_import")
                            .from(ImportRows::Table, ImportRows::ImportId)
                            .to(Imports::Table, Imports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportMappings::Table)
                    .col(string_len(ImportMappings::HeadersKey, 64).primary_key())
                    .col(text(ImportMappings::Mapping))
                    .col(string_len(ImportMappings::SavedBy, 100))
                    .col(timestamp_with_time_zone(ImportMappings::SavedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ImportRows::Table.into_iden(),
            Imports::Table.into_iden(),
            ImportMappings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
