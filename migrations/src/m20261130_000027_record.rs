//! The person's record (issue 19): dated notes on a person (`person_notes`: the day it happened,
//! a category, the text, who wrote it and when; append-only — a correction is a new note), and
//! documents uploaded to a person or to a review's pack (`documents`: the file's name, title,
//! kind, the content type decided from its bytes, its size and SHA-256, who uploaded it and
//! when), with the bytes kept apart (`document_contents`) when they are stored in the database
//! rather than in the directory named by `TCR_DOCUMENTS_DIR`, so that no list reads them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonNotes {
    Table,
    Id,
    PersonId,
    NotedOn,
    Category,
    Text,
    WrittenBy,
    WrittenAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    PersonId,
    ReviewId,
    FileName,
    Title,
    Kind,
    ContentType,
    SizeBytes,
    Sha256,
    Storage,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden)]
enum DocumentContents {
    Table,
    DocumentId,
    PersonId,
    Content,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PersonNotes::Table)
                    .col(string_len(PersonNotes::Id, 36).primary_key())
                    .col(string_len(PersonNotes::PersonId, 36))
                    .col(date(PersonNotes::NotedOn))
                    .col(string_len(PersonNotes::Category, 32))
                    .col(text(PersonNotes::Text))
                    .col(string_len(PersonNotes::WrittenBy, 100))
                    .col(timestamp_with_time_zone(PersonNotes::WrittenAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_person_notes_person")
                    .table(PersonNotes::Table)
                    .col(PersonNotes::PersonId)
                    .col(PersonNotes::NotedOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Documents::Table)
                    .col(string_len(Documents::Id, 36).primary_key())
                    .col(string_len(Documents::PersonId, 36))
                    .col(string_len_null(Documents::ReviewId, 36))
                    .col(string_len(Documents::FileName, 255))
                    .col(string_len(Documents::Title, 200))
                    .col(string_len(Documents::Kind, 32))
                    .col(string_len(Documents::ContentType, 100))
                    .col(big_integer(Documents::SizeBytes))
                    .col(string_len(Documents::Sha256, 64))
                    .col(string_len(Documents::Storage, 16))
                    .col(string_len(Documents::UploadedBy, 100))
                    .col(timestamp_with_time_zone(Documents::UploadedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_documents_person", Documents::PersonId),
            ("ix_documents_review", Documents::ReviewId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Documents::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(DocumentContents::Table)
                    .col(string_len(DocumentContents::DocumentId, 36).primary_key())
                    .col(string_len(DocumentContents::PersonId, 36))
                    .col(blob(DocumentContents::Content))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_contents_document")
                            .from(DocumentContents::Table, DocumentContents::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DocumentContents::Table.into_iden(),
            Documents::Table.into_iden(),
            PersonNotes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
