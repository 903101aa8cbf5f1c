//! The Assuring Transformation items recorded on a stay (provider, reason for admission,
//! diagnosis after admission, advocate, barriers to discharge, planned transfer, Section 17
//! leave, EHC plan, the hospital's CQC rating and the notification of an inadequate one), as one
//! JSON value (`domain::inpatients::StayItems`) on the stay and on each revision, so that a
//! return as at an earlier day reads the items as they stood then. Codes are checked against
//! `policies/assuring-transformation.toml` when written. And `return_contents.inpatients`: a
//! monthly return's spells in hospital at its end (a weekly return's rows are those already),
//! for the collection's export of either.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Admissions {
    Table,
    Items,
}

#[derive(DeriveIden)]
enum AdmissionRevisions {
    Table,
    Items,
}

#[derive(DeriveIden)]
enum ReturnContents {
    Table,
    Inpatients,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Admissions::Table)
                    .add_column(text_null(Admissions::Items))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AdmissionRevisions::Table)
                    .add_column(text_null(AdmissionRevisions::Items))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ReturnContents::Table)
                    .add_column(text_null(ReturnContents::Inpatients))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ReturnContents::Table)
                    .drop_column(ReturnContents::Inpatients)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AdmissionRevisions::Table)
                    .drop_column(AdmissionRevisions::Items)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Admissions::Table)
                    .drop_column(Admissions::Items)
                    .to_owned(),
            )
            .await
    }
}
