//! `kept_forms`: a page form that arrived after its sender's session had lapsed, kept encrypted
//! for an hour so that the same user can send it again after signing in (issue 14). Only the
//! sealed body is stored: the fields typed, encrypted with a key derived from the server's
//! secret key, bound to the user and the path it was sent to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KeptForms {
    Table,
    Id,
    UserId,
    Path,
    ReturnTo,
    Sealed,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KeptForms::Table)
                    .col(string_len(KeptForms::Id, 36).primary_key())
                    .col(string_len(KeptForms::UserId, 36))
                    .col(string_len(KeptForms::Path, 2048))
                    .col(string_len(KeptForms::ReturnTo, 2048))
                    .col(blob(KeptForms::Sealed))
                    .col(timestamp_with_time_zone(KeptForms::CreatedAt))
                    .col(timestamp_with_time_zone(KeptForms::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_kept_forms_user")
                            .from(KeptForms::Table, KeptForms::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_kept_forms_user")
                    .table(KeptForms::Table)
                    .col(KeptForms::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_kept_forms_expires")
                    .table(KeptForms::Table)
                    .col(KeptForms::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(KeptForms::Table).to_owned())
            .await
    }
}
