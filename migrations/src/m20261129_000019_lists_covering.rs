//! Indexes that let the register's lists and the dashboard read an index alone, or stop after a
//! page, at 100,000 people (each found with `TCR_SLOW_QUERY_MS` under `tcr bench --load`):
//!
//! - `person_due`: a search reads every key with what its matches sort by (the old search index
//!   lacked the day in hospital and the next review, so every key cost a table lookup); the
//!   dashboard's counts by rating (and who, for its red and amber people with no review
//!   booked); its inpatients, longest in first; and, for the rows that join it, each
//!   person's status and sort name without reading the row; the local authorities the
//!   register page offers as a filter.
//! - `person_due_items`: overdue counts by kind, and the overdue reviews, with the person or
//!   review each names.
//! - `reviews`: a status's reviews in the list's order, with their people (the door's check);
//!   held reviews whose report is not yet sent.
//! - `actions`: open actions by due date, and actions by owner, with their people.
//!
//! The indexes they extend are dropped.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, new index, its columns, the index it replaces).
const INDEXES: &[(&str, &str, &[&str], Option<&str>)] = &[
    (
        "person_due",
        "ix_person_due_search_keys",
        &[
            "status",
            "search_key",
            "rating_rank",
            "sort_name",
            "person_id",
            "in_hospital_since",
            "next_review_due",
        ],
        Some("ix_person_due_search"),
    ),
    (
        "person_due",
        "ix_person_due_counts",
        &["status", "rating", "in_hospital_since", "person_id"],
        None,
    ),
    (
        "person_due",
        "ix_person_due_local_authority",
        &["local_authority", "status"],
        None,
    ),
    (
        "person_due",
        "ix_person_due_joined",
        &["person_id", "status", "sort_name"],
        None,
    ),
    (
        "person_due",
        "ix_person_due_inpatients",
        &["status", "in_hospital_since", "sort_name", "person_id"],
        Some("ix_person_due_in_hospital"),
    ),
    (
        "person_due_items",
        "ix_person_due_items_kind_due_person",
        &["kind", "due", "person_id"],
        Some("ix_person_due_items_kind_due"),
    ),
    (
        "person_due_items",
        "ix_person_due_items_owed_due_review",
        &["owed", "due", "review_id"],
        Some("ix_person_due_items_owed_due"),
    ),
    (
        "reviews",
        "ix_reviews_status_listing",
        &["status", "scheduled_for", "created_at", "id", "person_id"],
        Some("ix_reviews_status_scheduled_for"),
    ),
    (
        "reviews",
        "ix_reviews_reports_owed",
        &["status", "report_sent_on", "person_id"],
        None,
    ),
    (
        "actions",
        "ix_actions_status_due",
        &["status", "due_on", "person_id", "id"],
        None,
    ),
    ("actions", "ix_actions_who", &["who", "person_id"], None),
];

fn create(table: &str, name: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table));
    for c in columns {
        index.col(Alias::new(*c));
    }
    index.to_owned()
}

fn drop(table: &str, name: &str) -> IndexDropStatement {
    Index::drop().name(name).table(Alias::new(table)).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, columns, replaces) in INDEXES {
            manager.create_index(create(table, name, columns)).await?;
            if let Some(old) = replaces {
                manager.drop_index(drop(table, old)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, columns, replaces) in INDEXES.iter().rev() {
            if let Some(old) = replaces {
                // The index replaced held the new one's leading columns.
                let kept = if *old == "ix_person_due_search" {
                    &columns[..5]
                } else {
                    &columns[..2]
                };
                manager.create_index(create(table, old, kept)).await?;
            }
            manager.drop_index(drop(table, name)).await?;
        }
        Ok(())
    }
}
