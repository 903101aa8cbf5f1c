//! `admission_revisions`: a stay's security level, legal status and planned discharge as they
//! stood until each change, so a weekly return for an earlier week shows them as they were.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AdmissionRevisions {
    Table,
    Id,
    AdmissionId,
    ValidUntil,
    SecurityLevel,
    LegalStatus,
    PlannedDischargeOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AdmissionRevisions::Table)
                    .col(string_len(AdmissionRevisions::Id, 36).primary_key())
                    .col(string_len(AdmissionRevisions::AdmissionId, 36))
                    .col(timestamp_with_time_zone(AdmissionRevisions::ValidUntil))
                    .col(string_len(AdmissionRevisions::SecurityLevel, 16))
                    .col(string_len(AdmissionRevisions::LegalStatus, 32))
                    .col(date_null(AdmissionRevisions::PlannedDischargeOn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_admission_revisions_admission")
                            .from(AdmissionRevisions::Table, AdmissionRevisions::AdmissionId)
                            .to(Alias::new("admissions"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AdmissionRevisions::Table).to_owned())
            .await
    }
}
