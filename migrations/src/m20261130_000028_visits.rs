//! Oversight visit findings, escalations and ethnicity (issue 19):
//!
//! - `visits`: what the visit found — whether the person was seen in person (and why not),
//!   their views, concerns, the restrictive practices observed (their words, space-separated)
//!   and the actions agreed. All nullable: visits recorded before this migration have none.
//! - `escalations`: a concern raised with the ICB's oversight panel about a person, from a
//!   visit or not: the day it was raised (valid time), the concern, its urgency, who raised it;
//!   open until closed with the day and the outcome.
//! - `people.ethnicity`: the NHS ethnic category code (`A`–`S`, `Z`, `99`), optional.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    Ethnicity,
}

#[derive(DeriveIden)]
enum Visits {
    Table,
    SeenInPerson,
    NotSeenReason,
    Views,
    Concerns,
    RestrictivePractices,
    ActionsAgreed,
}

#[derive(DeriveIden)]
enum Escalations {
    Table,
    Id,
    PersonId,
    VisitId,
    RaisedOn,
    Concern,
    Urgency,
    RaisedBy,
    RaisedAt,
    Status,
    ClosedOn,
    Outcome,
    ClosedBy,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for col in [
            boolean_null(Visits::SeenInPerson),
            text_null(Visits::NotSeenReason),
            text_null(Visits::Views),
            text_null(Visits::Concerns),
            text_null(Visits::RestrictivePractices),
            text_null(Visits::ActionsAgreed),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(Visits::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .add_column(string_len_null(People::Ethnicity, 2))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Escalations::Table)
                    .col(string_len(Escalations::Id, 36).primary_key())
                    .col(string_len(Escalations::PersonId, 36))
                    .col(string_len_null(Escalations::VisitId, 36))
                    .col(date(Escalations::RaisedOn))
                    .col(text(Escalations::Concern))
                    .col(string_len(Escalations::Urgency, 16))
                    .col(string_len(Escalations::RaisedBy, 64))
                    .col(timestamp_with_time_zone(Escalations::RaisedAt))
                    .col(string_len(Escalations::Status, 16))
                    .col(date_null(Escalations::ClosedOn))
                    .col(text_null(Escalations::Outcome))
                    .col(string_len_null(Escalations::ClosedBy, 64))
                    .col(timestamp_with_time_zone_null(Escalations::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_escalations_person")
                            .from(Escalations::Table, Escalations::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_escalations_person", Escalations::PersonId),
            ("ix_escalations_status", Escalations::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Escalations::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Escalations::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .drop_column(People::Ethnicity)
                    .to_owned(),
            )
            .await?;
        for col in [
            Visits::ActionsAgreed,
            Visits::RestrictivePractices,
            Visits::Concerns,
            Visits::Views,
            Visits::NotSeenReason,
            Visits::SeenInPerson,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Visits::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
