//! The deadline engine's answer item by item (`person_due_items`), beside the one-row summary of
//! `person_due`: what is owed for each person today and when it is due, so that the review
//! lists, the dashboard's counts and its overdue lists compare stored dues with today in SQL.
//! `person_due` gains the day the current rating took its value (`rating_since`).
//!
//! Both are a projection that the service writes from the engine (`services::people::
//! projection`), so this migration cannot fill them in: it empties `person_due`, which makes
//! every entry stale, and the service's catch-up recomputes every row with its items.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PersonDue {
    Table,
    RatingSince,
}

#[derive(DeriveIden)]
enum PersonDueItems {
    Table,
    PersonId,
    Seq,
    Owed,
    Kind,
    ReviewKind,
    Why,
    ReviewId,
    ActionId,
    StayId,
    HeldOn,
    Due,
}

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Status,
    ScheduledFor,
}

const INDEXES: [&str; 4] = [
    "ix_person_due_items_kind_due",
    "ix_person_due_items_owed_due",
    "ix_person_due_items_review",
    "ix_person_due_items_action",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PersonDue::Table)
                    .add_column(date_null(PersonDue::RatingSince))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonDueItems::Table)
                    .col(string_len(PersonDueItems::PersonId, 36))
                    .col(integer(PersonDueItems::Seq))
                    .col(string_len(PersonDueItems::Owed, 24))
                    .col(string_len(PersonDueItems::Kind, 16))
                    .col(string_len_null(PersonDueItems::ReviewKind, 16))
                    .col(string_len_null(PersonDueItems::Why, 16))
                    .col(string_len_null(PersonDueItems::ReviewId, 36))
                    .col(string_len_null(PersonDueItems::ActionId, 36))
                    .col(string_len_null(PersonDueItems::StayId, 36))
                    .col(date_null(PersonDueItems::HeldOn))
                    .col(date(PersonDueItems::Due))
                    .primary_key(
                        Index::create()
                            .col(PersonDueItems::PersonId)
                            .col(PersonDueItems::Seq),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_due_items_person")
                            .from(PersonDueItems::Table, PersonDueItems::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let [kind_due, owed_due, review, action] = INDEXES;
        for (name, cols) in [
            (kind_due, vec![PersonDueItems::Kind, PersonDueItems::Due]),
            (owed_due, vec![PersonDueItems::Owed, PersonDueItems::Due]),
            (review, vec![PersonDueItems::ReviewId]),
            (action, vec![PersonDueItems::ActionId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(PersonDueItems::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        // The review lists' sections (scheduled by date, held awaiting the report).
        manager
            .create_index(
                Index::create()
                    .name("ix_reviews_status_scheduled_for")
                    .table(Reviews::Table)
                    .col(Reviews::Status)
                    .col(Reviews::ScheduledFor)
                    .to_owned(),
            )
            .await?;
        // Every row is recomputed with its items by the service (see the module's comment).
        manager
            .get_connection()
            .execute(&Query::delete().from_table(PersonDue::Table).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_reviews_status_scheduled_for")
                    .table(Reviews::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PersonDueItems::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PersonDue::Table)
                    .drop_column(PersonDue::RatingSince)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
