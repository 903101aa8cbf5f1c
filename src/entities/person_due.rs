//! The register's projection for today: one row a person, refreshed by every write about them
//! (`services::people::projection::refresh`) and by the catch-up of stale rows; the
//! things owed, item by item, are in `person_due_item`.

use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::risk::Rating;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_due")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: PersonId,
    /// `active` or `closed` today (a withdrawn entry has no row).
    pub status: Status,
    /// The current rating (`red`…), none before the first assessment.
    pub rating: Option<Rating>,
    /// Red 0, blue 1, amber 2, green 3, unrated 9: the register's order.
    pub rating_rank: i32,
    /// The day the current rating took its value.
    pub rating_since: Option<TimeDate>,
    /// The day the current stay in hospital began.
    pub in_hospital_since: Option<TimeDate>,
    pub next_review_due: Option<TimeDate>,
    /// The earliest due date of anything owed: overdue when before today.
    pub earliest_due: Option<TimeDate>,
    /// The day this answer is for.
    pub computed_for: TimeDate,
    /// The entry's details the register searches, filters and sorts by, as they are now.
    pub search_key: String,
    pub sort_name: String,
    pub local_authority: String,
    pub setting: crate::domain::person::Setting,
    pub date_of_birth: TimeDate,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
}

impl ActiveModelBehavior for ActiveModel {}
