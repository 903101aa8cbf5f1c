//! Referrals to the single point of access, and their decisions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Referrals {
    Table,
    Id,
    ReceivedOn,
    ReferrerName,
    ReferrerRole,
    ReferrerContact,
    GivenName,
    FamilyName,
    DateOfBirth,
    NhsNumber,
    Reason,
    MdtHeldOn,
    Answers,
    Score,
    SuggestedRating,
    ToolVersion,
    Status,
    DecidedOn,
    DecisionReason,
    DecidedBy,
    PersonId,
    OutcomeSentOn,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Referrals::Table)
                    .col(string_len(Referrals::Id, 36).primary_key())
                    .col(date(Referrals::ReceivedOn))
                    .col(string_len(Referrals::ReferrerName, 200))
                    .col(string_len(Referrals::ReferrerRole, 200))
                    .col(string_len(Referrals::ReferrerContact, 200))
                    .col(string_len(Referrals::GivenName, 100))
                    .col(string_len(Referrals::FamilyName, 100))
                    .col(date(Referrals::DateOfBirth))
                    .col(string_len_null(Referrals::NhsNumber, 10))
                    .col(text(Referrals::Reason))
                    .col(date_null(Referrals::MdtHeldOn))
                    .col(text_null(Referrals::Answers))
                    .col(integer_null(Referrals::Score))
                    .col(string_len_null(Referrals::SuggestedRating, 8))
                    .col(string_len_null(Referrals::ToolVersion, 32))
                    .col(string_len(Referrals::Status, 24))
                    .col(date_null(Referrals::DecidedOn))
                    .col(text_null(Referrals::DecisionReason))
                    .col(string_len_null(Referrals::DecidedBy, 64))
                    .col(string_len_null(Referrals::PersonId, 36))
                    .col(date_null(Referrals::OutcomeSentOn))
                    .col(string_len(Referrals::CreatedBy, 64))
                    .col(timestamp_with_time_zone(Referrals::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_referrals_status")
                    .table(Referrals::Table)
                    .col(Referrals::Status)
                    .to_owned(),
            )
            .await
    }
}
