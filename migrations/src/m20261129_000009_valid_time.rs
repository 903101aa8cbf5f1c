//! Valid time on every write (issue 13): the days the user gives, kept apart from when a row was
//! written. `reviews.scheduled_on` (the day a review was booked), `reviews.cancelled_on`,
//! `admission_revisions.effective_on` (the day the values after that revision took effect), and
//! for dropped actions the day dropped in `actions.completed_on`.
//!
//! Rows already on file get the best day there is: a review is taken as booked on the earliest
//! of the UK day it was recorded, its date, the day it was held and the day the review that
//! booked it was held; a cancelled review as cancelled on its booking day; a stay's change on
//! the UK day it was recorded; a dropped action on the UK day it was last updated. The UK day is
//! worked out here in Rust (the same rule as `tcr::clock::uk_date`, which this crate cannot
//! import), so both backends get the same days.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};
use std::collections::HashMap;
use time::{Date, Duration, Month, OffsetDateTime};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    Status,
    ScheduledFor,
    HeldOn,
    PreviousReviewId,
    CreatedAt,
    ScheduledOn,
    CancelledOn,
}

#[derive(DeriveIden)]
enum AdmissionRevisions {
    Table,
    Id,
    ValidUntil,
    EffectiveOn,
}

#[derive(DeriveIden)]
enum Actions {
    Table,
    Id,
    Status,
    CompletedOn,
    UpdatedAt,
}

/// Filled in for every row below; only a placeholder for the `NOT NULL` column to be added.
const PLACEHOLDER_DAY: &str = "2010-01-01";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One change per ALTER TABLE: SQLite allows no more.
        manager
            .alter_table(
                Table::alter()
                    .table(Reviews::Table)
                    .add_column(date(Reviews::ScheduledOn).default(PLACEHOLDER_DAY))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Reviews::Table)
                    .add_column(date_null(Reviews::CancelledOn))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AdmissionRevisions::Table)
                    .add_column(date(AdmissionRevisions::EffectiveOn).default(PLACEHOLDER_DAY))
                    .to_owned(),
            )
            .await?;
        backfill_reviews(manager).await?;
        backfill_revisions(manager).await?;
        backfill_dropped_actions(manager).await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // The placeholder served only to add the columns; every write gives the day.
            for (table, column) in [
                ("reviews", "scheduled_on"),
                ("admission_revisions", "effective_on"),
            ] {
                manager
                    .get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AdmissionRevisions::Table)
                    .drop_column(AdmissionRevisions::EffectiveOn)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Reviews::Table)
                    .drop_column(Reviews::CancelledOn)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Reviews::Table)
                    .drop_column(Reviews::ScheduledOn)
                    .to_owned(),
            )
            .await
    }
}

async fn backfill_reviews(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let rows = db
        .query_all(
            Query::select()
                .columns([
                    Reviews::Id,
                    Reviews::Status,
                    Reviews::ScheduledFor,
                    Reviews::HeldOn,
                    Reviews::PreviousReviewId,
                    Reviews::CreatedAt,
                ])
                .from(Reviews::Table),
        )
        .await?;
    struct Row {
        id: String,
        cancelled: bool,
        earliest: Date,
        previous: Option<String>,
    }
    let mut all = Vec::with_capacity(rows.len());
    let mut held: HashMap<String, Date> = HashMap::new();
    for r in rows {
        let id: String = r.try_get("", "id")?;
        let created: OffsetDateTime = r.try_get("", "created_at")?;
        let scheduled_for: Date = r.try_get("", "scheduled_for")?;
        let held_on: Option<Date> = r.try_get("", "held_on")?;
        if let Some(h) = held_on {
            held.insert(id.clone(), h);
        }
        let status: String = r.try_get("", "status")?;
        let earliest = [Some(uk_date(created)), Some(scheduled_for), held_on]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(scheduled_for);
        all.push(Row {
            id,
            cancelled: status == "cancelled",
            earliest,
            previous: r.try_get("", "previous_review_id")?,
        });
    }
    for row in all {
        // A review booked by holding another was booked on that day.
        let booked = row
            .previous
            .as_ref()
            .and_then(|p| held.get(p))
            .map_or(row.earliest, |h| Ord::min(row.earliest, *h));
        let mut update = Query::update();
        update
            .table(Reviews::Table)
            .value(Reviews::ScheduledOn, booked)
            .and_where(Expr::col(Reviews::Id).eq(row.id));
        if row.cancelled {
            update.value(Reviews::CancelledOn, booked);
        }
        db.execute(&update).await?;
    }
    Ok(())
}

async fn backfill_revisions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let rows = db
        .query_all(
            Query::select()
                .columns([AdmissionRevisions::Id, AdmissionRevisions::ValidUntil])
                .from(AdmissionRevisions::Table),
        )
        .await?;
    for r in rows {
        let id: String = r.try_get("", "id")?;
        let until: OffsetDateTime = r.try_get("", "valid_until")?;
        db.execute(
            Query::update()
                .table(AdmissionRevisions::Table)
                .value(AdmissionRevisions::EffectiveOn, uk_date(until))
                .and_where(Expr::col(AdmissionRevisions::Id).eq(id)),
        )
        .await?;
    }
    Ok(())
}

async fn backfill_dropped_actions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let rows = db
        .query_all(
            Query::select()
                .columns([Actions::Id, Actions::UpdatedAt])
                .from(Actions::Table)
                .and_where(Expr::col(Actions::Status).eq("dropped"))
                .and_where(Expr::col(Actions::CompletedOn).is_null()),
        )
        .await?;
    for r in rows {
        let id: String = r.try_get("", "id")?;
        let updated: OffsetDateTime = r.try_get("", "updated_at")?;
        db.execute(
            Query::update()
                .table(Actions::Table)
                .value(Actions::CompletedOn, uk_date(updated))
                .and_where(Expr::col(Actions::Id).eq(id)),
        )
        .await?;
    }
    Ok(())
}

/// The calendar day in the UK at an instant: British Summer Time runs from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October.
fn uk_date(at: OffsetDateTime) -> Date {
    let at = at.to_offset(time::UtcOffset::UTC);
    let changeover = |month| {
        let last = Date::from_calendar_date(
            at.year(),
            month,
            time::util::days_in_month(month, at.year()),
        )
        .unwrap_or(Date::MIN);
        let sunday = last - Duration::days(i64::from(last.weekday().number_days_from_sunday()));
        sunday.with_hms(1, 0, 0).map(|t| t.assume_utc())
    };
    match (changeover(Month::March), changeover(Month::October)) {
        (Ok(starts), Ok(ends)) if at >= starts && at < ends => (at + Duration::hours(1)).date(),
        _ => at.date(),
    }
}

#[cfg(test)]
mod tests {
    use super::uk_date;
    use time::macros::{date, datetime};

    #[test]
    fn uk_days_across_the_clock_changes() {
        for (at, want) in [
            (datetime!(2026-03-29 00:59:59 UTC), date!(2026 - 03 - 29)),
            (datetime!(2026-06-30 23:30 UTC), date!(2026 - 07 - 01)),
            (datetime!(2026-10-24 23:30 UTC), date!(2026 - 10 - 25)),
            (datetime!(2026-10-25 23:30 UTC), date!(2026 - 10 - 25)),
            (datetime!(2026-12-31 23:59 UTC), date!(2026 - 12 - 31)),
        ] {
            assert_eq!(uk_date(at), want, "{at}");
        }
    }
}
