//! Inpatients for NHS England's Assuring Transformation collection (issue 17):
//!
//! - `people.inpatient_only_from`: the day an inpatient-only entry began (status
//!   `inpatient_only`: recorded without register consent, never on the register until they
//!   consent); kept when they later join it.
//! - `people.objects_since`: the day the person's objection to identifiable sharing was
//!   recorded, while it stands: their rows in every return produced after it are de-identified.
//! - Spells: an admission row is a **spell** in hospital, whatever transfers it holds. Its
//!   current **episode** (the stay in one hospital) is `episode_id` from `episode_started_on`;
//!   `hospital_ods_code` is the hospital's organisation code. A transfer writes the episode's
//!   values into `admission_revisions` (which now also keep the hospital, its code and the
//!   episode), so earlier days read the earlier hospital. Rows written before this migration
//!   are one-episode spells: their episode is the admission itself.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    InpatientOnlyFrom,
    ObjectsSince,
}

#[derive(DeriveIden)]
enum Admissions {
    Table,
    Id,
    AdmittedOn,
    Hospital,
    EpisodeId,
    EpisodeStartedOn,
    HospitalOdsCode,
}

#[derive(DeriveIden)]
enum AdmissionRevisions {
    Table,
    AdmissionId,
    EpisodeId,
    Hospital,
    HospitalOdsCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for col in [
            date_null(People::InpatientOnlyFrom),
            date_null(People::ObjectsSince),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(People::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        for col in [
            string_len_null(Admissions::EpisodeId, 36),
            date_null(Admissions::EpisodeStartedOn),
            string_len_null(Admissions::HospitalOdsCode, 12),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(Admissions::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        for col in [
            string_len_null(AdmissionRevisions::EpisodeId, 36),
            string_len_null(AdmissionRevisions::Hospital, 200),
            string_len_null(AdmissionRevisions::HospitalOdsCode, 12),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(AdmissionRevisions::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        // Every earlier admission is a spell of one episode: the admission itself.
        manager
            .exec_stmt(
                Query::update()
                    .table(Admissions::Table)
                    .value(Admissions::EpisodeId, Expr::col(Admissions::Id))
                    .value(
                        Admissions::EpisodeStartedOn,
                        Expr::col(Admissions::AdmittedOn),
                    )
                    .to_owned(),
            )
            .await?;
        // Their revisions were of that one episode, in that one hospital.
        let stay =
            |column: Admissions| {
                SimpleExpr::SubQuery(
                    None,
                    Box::new(
                        Query::select()
                            .column((Admissions::Table, column))
                            .from(Admissions::Table)
                            .and_where(Expr::col((Admissions::Table, Admissions::Id)).equals((
                                AdmissionRevisions::Table,
                                AdmissionRevisions::AdmissionId,
                            )))
                            .to_owned()
                            .into_sub_query_statement(),
                    ),
                )
            };
        manager
            .exec_stmt(
                Query::update()
                    .table(AdmissionRevisions::Table)
                    .value(
                        AdmissionRevisions::EpisodeId,
                        Expr::col(AdmissionRevisions::AdmissionId),
                    )
                    .value(AdmissionRevisions::Hospital, stay(Admissions::Hospital))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, col) in [
            (
                AdmissionRevisions::Table.into_iden(),
                AdmissionRevisions::HospitalOdsCode.into_iden(),
            ),
            (
                AdmissionRevisions::Table.into_iden(),
                AdmissionRevisions::Hospital.into_iden(),
            ),
            (
                AdmissionRevisions::Table.into_iden(),
                AdmissionRevisions::EpisodeId.into_iden(),
            ),
            (
                Admissions::Table.into_iden(),
                Admissions::HospitalOdsCode.into_iden(),
            ),
            (
                Admissions::Table.into_iden(),
                Admissions::EpisodeStartedOn.into_iden(),
            ),
            (
                Admissions::Table.into_iden(),
                Admissions::EpisodeId.into_iden(),
            ),
            (People::Table.into_iden(), People::ObjectsSince.into_iden()),
            (
                People::Table.into_iden(),
                People::InpatientOnlyFrom.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
