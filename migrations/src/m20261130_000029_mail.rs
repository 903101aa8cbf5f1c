//! Email (issue 19): an optional address for each user (`users.email`), and the outbox every
//! invitation, reminder and digest passes through (`mail_outbox`). A message is written there
//! first — an invitation in the same transaction as the booking it announces, a reminder or a
//! digest claimed by its unique key, so that of several instances only one writes it — and a
//! sender delivers it later, retrying with a growing wait. The message is stored rendered, as
//! it will be sent; it names no one (initials and links only).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Email,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Key,
    Kind,
    ReviewId,
    Sequence,
    Recipient,
    Message,
    Status,
    Attempts,
    LastError,
    NextAttemptAt,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::Email, 254))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(string_len(MailOutbox::Id, 36).primary_key())
                    .col(string_len(MailOutbox::Key, 200).unique_key())
                    .col(string_len(MailOutbox::Kind, 16))
                    .col(string_len_null(MailOutbox::ReviewId, 36))
                    .col(integer(MailOutbox::Sequence))
                    .col(string_len(MailOutbox::Recipient, 254))
                    .col(text(MailOutbox::Message))
                    .col(string_len(MailOutbox::Status, 16))
                    .col(integer(MailOutbox::Attempts))
                    .col(text_null(MailOutbox::LastError))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_mail_outbox_pending")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::Status)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_mail_outbox_review")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::ReviewId)
                    .col(MailOutbox::Sequence)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailOutbox::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Email)
                    .to_owned(),
            )
            .await
    }
}
