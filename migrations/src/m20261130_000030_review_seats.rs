//! An index on each of a review's three seats, so that a panel member's reviews (and through
//! them the people they may read) are found by the seat, not by reading every review.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SEATS: [(&str, &str); 3] = [
    ("idx_reviews_chair", "chair_id"),
    ("idx_reviews_expert", "expert_by_experience_id"),
    ("idx_reviews_clinician", "clinical_expert_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in SEATS {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Alias::new("reviews"))
                        .col(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in SEATS {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Alias::new("reviews"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
