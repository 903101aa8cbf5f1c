//! The register: people, their consent, risk assessments, the rating history (assessments,
//! admissions and discharges as dated events), hospital admissions and oversight visits.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    NhsNumber,
    GivenName,
    FamilyName,
    DateOfBirth,
    Sex,
    Postcode,
    LocalAuthority,
    LearningDisability,
    Autism,
    Ehcp,
    SocialWorker,
    Keyworker,
    Setting,
    Status,
    RegisteredOn,
    ClosedOn,
    ClosedReason,
    WithdrawnOn,
    WithdrawnReason,
    WithdrawnAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    Id,
    PersonId,
    Basis,
    RecordedOn,
    GivenBy,
    Relationship,
    GillickCompetent,
    CapacityAssessedOn,
    BestInterestsDecisionOn,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum RiskAssessments {
    Table,
    Id,
    PersonId,
    AssessedOn,
    Answers,
    Score,
    SuggestedRating,
    Rating,
    OverrideReason,
    ToolVersion,
    AssessedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum RatingEvents {
    Table,
    Seq,
    PersonId,
    Rating,
    EffectiveOn,
    Source,
    SourceId,
    Reason,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Admissions {
    Table,
    Id,
    PersonId,
    AdmittedOn,
    Hospital,
    SecurityLevel,
    LegalStatus,
    PlannedDischargeOn,
    DischargedOn,
    Destination,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Visits {
    Table,
    Id,
    PersonId,
    AdmissionId,
    VisitedOn,
    Visitor,
    RecordedBy,
    RecordedAt,
}

fn person_fk(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    name: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(People::Table, People::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .col(string_len(People::Id, 36).primary_key())
                    .col(string_len_uniq(People::NhsNumber, 10))
                    .col(string_len(People::GivenName, 100))
                    .col(string_len(People::FamilyName, 100))
                    .col(date(People::DateOfBirth))
                    .col(string_len(People::Sex, 16))
                    .col(string_len(People::Postcode, 8))
                    .col(string_len(People::LocalAuthority, 100))
                    .col(boolean(People::LearningDisability))
                    .col(boolean(People::Autism))
                    .col(boolean(People::Ehcp))
                    .col(string_len_null(People::SocialWorker, 200))
                    .col(string_len_null(People::Keyworker, 200))
                    .col(string_len(People::Setting, 32))
                    .col(string_len(People::Status, 16))
                    .col(date(People::RegisteredOn))
                    .col(date_null(People::ClosedOn))
                    .col(text_null(People::ClosedReason))
                    .col(date_null(People::WithdrawnOn))
                    .col(text_null(People::WithdrawnReason))
                    .col(timestamp_with_time_zone_null(People::WithdrawnAt))
                    .col(timestamp_with_time_zone(People::CreatedAt))
                    .col(timestamp_with_time_zone(People::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Consents::Table)
                    .col(string_len(Consents::Id, 36).primary_key())
                    .col(string_len_uniq(Consents::PersonId, 36))
                    .col(string_len(Consents::Basis, 16))
                    .col(date(Consents::RecordedOn))
                    .col(string_len_null(Consents::GivenBy, 200))
                    .col(string_len_null(Consents::Relationship, 100))
                    .col(boolean(Consents::GillickCompetent))
                    .col(date_null(Consents::CapacityAssessedOn))
                    .col(date_null(Consents::BestInterestsDecisionOn))
                    .col(string_len(Consents::RecordedBy, 64))
                    .col(timestamp_with_time_zone(Consents::RecordedAt))
                    .foreign_key(&mut person_fk(
                        Consents::Table,
                        Consents::PersonId,
                        "fk_consents_person",
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RiskAssessments::Table)
                    .col(string_len(RiskAssessments::Id, 36).primary_key())
                    .col(string_len(RiskAssessments::PersonId, 36))
                    .col(date(RiskAssessments::AssessedOn))
                    .col(text(RiskAssessments::Answers))
                    .col(integer(RiskAssessments::Score))
                    .col(string_len(RiskAssessments::SuggestedRating, 8))
                    .col(string_len(RiskAssessments::Rating, 8))
                    .col(text_null(RiskAssessments::OverrideReason))
                    .col(string_len(RiskAssessments::ToolVersion, 32))
                    .col(string_len(RiskAssessments::AssessedBy, 64))
                    .col(timestamp_with_time_zone(RiskAssessments::RecordedAt))
                    .foreign_key(&mut person_fk(
                        RiskAssessments::Table,
                        RiskAssessments::PersonId,
                        "fk_assessments_person",
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RatingEvents::Table)
                    .col(big_pk_auto(RatingEvents::Seq))
                    .col(string_len(RatingEvents::PersonId, 36))
                    .col(string_len(RatingEvents::Rating, 8))
                    .col(date(RatingEvents::EffectiveOn))
                    .col(string_len(RatingEvents::Source, 16))
                    .col(string_len(RatingEvents::SourceId, 36))
                    .col(text_null(RatingEvents::Reason))
                    .col(string_len(RatingEvents::RecordedBy, 64))
                    .col(timestamp_with_time_zone(RatingEvents::RecordedAt))
                    .foreign_key(&mut person_fk(
                        RatingEvents::Table,
                        RatingEvents::PersonId,
                        "fk_rating_events_person",
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Admissions::Table)
                    .col(string_len(Admissions::Id, 36).primary_key())
                    .col(string_len(Admissions::PersonId, 36))
                    .col(date(Admissions::AdmittedOn))
                    .col(string_len(Admissions::Hospital, 200))
                    .col(string_len(Admissions::SecurityLevel, 16))
                    .col(string_len(Admissions::LegalStatus, 16))
                    .col(date_null(Admissions::PlannedDischargeOn))
                    .col(date_null(Admissions::DischargedOn))
                    .col(string_len_null(Admissions::Destination, 200))
                    .col(string_len(Admissions::RecordedBy, 64))
                    .col(timestamp_with_time_zone(Admissions::RecordedAt))
                    .foreign_key(&mut person_fk(
                        Admissions::Table,
                        Admissions::PersonId,
                        "fk_admissions_person",
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Visits::Table)
                    .col(string_len(Visits::Id, 36).primary_key())
                    .col(string_len(Visits::PersonId, 36))
                    .col(string_len(Visits::AdmissionId, 36))
                    .col(date(Visits::VisitedOn))
                    .col(string_len(Visits::Visitor, 200))
                    .col(string_len(Visits::RecordedBy, 64))
                    .col(timestamp_with_time_zone(Visits::RecordedAt))
                    .foreign_key(&mut person_fk(
                        Visits::Table,
                        Visits::PersonId,
                        "fk_visits_person",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_visits_admission")
                            .from(Visits::Table, Visits::AdmissionId)
                            .to(Admissions::Table, Admissions::Id),
                    )
                    .to_owned(),
            )
            .await?;

        for (name, table, column) in [
            (
                "ix_assessments_person",
                RiskAssessments::Table.into_iden(),
                RiskAssessments::PersonId.into_iden(),
            ),
            (
                "ix_rating_events_person",
                RatingEvents::Table.into_iden(),
                RatingEvents::PersonId.into_iden(),
            ),
            (
                "ix_admissions_person",
                Admissions::Table.into_iden(),
                Admissions::PersonId.into_iden(),
            ),
            (
                "ix_visits_person",
                Visits::Table.into_iden(),
                Visits::PersonId.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
