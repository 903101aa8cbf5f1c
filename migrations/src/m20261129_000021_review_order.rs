//! What three lists need to stop after a page at 100,000 people (found with `TCR_SLOW_QUERY_MS`
//! under `tcr bench --load`):
//!
//! - `person_due_items` carries, for a booked review or a report owed, the review's day and
//!   when it was booked: the review lists' order. The overdue reviews are then read from a
//!   partial index in that order, stopping after the page, instead of sorting every overdue
//!   review (19,000 in the bench's register). Existing rows are filled from their reviews here.
//! - `person_due (status, rating_rank, rating_since, sort_name, person_id)`: the dashboard's red
//!   and amber people with no review booked, longest rated first.
//! - `reviews (person_id, status)`, replacing `(person_id)`: whether a person has a review
//!   booked, looked up person by person.
//! - `visits (admission_id, visited_on)`: a stay's visits, latest first (the person page).
//! - `referrals`: those awaiting a decision by receipt, and the decided latest first, each read
//!   in order for a page.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonDueItems {
    Table,
    ReviewId,
    ReviewOn,
    ReviewBookedAt,
    Owed,
}

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    ScheduledFor,
    CreatedAt,
}

/// (index, its statement): a partial index, and one with a descending column, in the SQL both
/// backends share.
const ORDERS: &[(&str, &str, &str)] = &[
    (
        "person_due_items",
        "ix_person_due_items_review_order",
        "CREATE INDEX ix_person_due_items_review_order ON person_due_items \
         (review_on, review_booked_at, review_id, due, held_on, person_id) WHERE review_on IS NOT NULL",
    ),
    (
        "referrals",
        "ix_referrals_waiting_order",
        "CREATE INDEX ix_referrals_waiting_order ON referrals (status, received_on, created_at, id)",
    ),
    (
        "referrals",
        "ix_referrals_decided_order",
        "CREATE INDEX ix_referrals_decided_order ON referrals (decided_on DESC, created_at, id)",
    ),
];

/// (table, index, columns, the index it replaces).
const INDEXES: &[(&str, &str, &[&str], Option<&str>)] = &[
    (
        "person_due",
        "ix_person_due_rated_since",
        &[
            "status",
            "rating_rank",
            "rating_since",
            "sort_name",
            "person_id",
        ],
        None,
    ),
    (
        "visits",
        "ix_visits_admission",
        &["admission_id", "visited_on"],
        None,
    ),
    (
        "reviews",
        "ix_reviews_person_status",
        &["person_id", "status"],
        Some("ix_reviews_person"),
    ),
];

/// The review's value for an item naming it.
fn of_review(column: Reviews) -> SimpleExpr {
    SimpleExpr::SubQuery(
        None,
        Box::new(
            Query::select()
                .column(column)
                .from(Reviews::Table)
                .and_where(
                    Expr::col((Reviews::Table, Reviews::Id))
                        .equals((PersonDueItems::Table, PersonDueItems::ReviewId)),
                )
                .to_owned()
                .into_sub_query_statement(),
        ),
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PersonDueItems::Table)
                    .add_column(date_null(PersonDueItems::ReviewOn))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PersonDueItems::Table)
                    .add_column(timestamp_with_time_zone_null(
                        PersonDueItems::ReviewBookedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(PersonDueItems::Table)
                    .value(PersonDueItems::ReviewOn, of_review(Reviews::ScheduledFor))
                    .value(
                        PersonDueItems::ReviewBookedAt,
                        of_review(Reviews::CreatedAt),
                    )
                    .and_where(
                        Expr::col(PersonDueItems::Owed).is_in(["scheduled_review", "report"]),
                    )
                    .to_owned(),
            )
            .await?;
        for (_, _, statement) in ORDERS {
            manager
                .get_connection()
                .execute_unprepared(statement)
                .await?;
        }
        for (table, name, columns, replaces) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(Alias::new(*table));
            for c in *columns {
                index.col(Alias::new(*c));
            }
            manager.create_index(index.to_owned()).await?;
            if let Some(old) = replaces {
                manager
                    .drop_index(
                        Index::drop()
                            .name(*old)
                            .table(Alias::new(*table))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, _, replaces) in INDEXES.iter().rev() {
            if let Some(old) = replaces {
                manager
                    .create_index(
                        Index::create()
                            .name(*old)
                            .table(Alias::new(*table))
                            .col(Alias::new("person_id"))
                            .to_owned(),
                    )
                    .await?;
            }
            manager
                .drop_index(
                    Index::drop()
                        .name(*name)
                        .table(Alias::new(*table))
                        .to_owned(),
                )
                .await?;
        }
        for (table, name, _) in ORDERS {
            manager
                .drop_index(
                    Index::drop()
                        .name(*name)
                        .table(Alias::new(*table))
                        .to_owned(),
                )
                .await?;
        }
        for column in [PersonDueItems::ReviewBookedAt, PersonDueItems::ReviewOn] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PersonDueItems::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
