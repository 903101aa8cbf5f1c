//! One stretch of a register entry's history over which its register answers do not change
//! (`[from_day, until_day)`): what the register as at a past day filters, sorts and pages by.

use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::risk::Rating;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_timeline")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: PersonId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_day: TimeDate,
    /// The first day no longer covered; 9999-12-31 for the stretch still running.
    pub until_day: TimeDate,
    /// `active` or `closed` (a withdrawn entry has no timeline).
    pub status: Status,
    pub rating: Option<Rating>,
    /// Red 0, blue 1, amber 2, green 3, unrated 9: the register's order.
    pub rating_rank: i32,
    pub in_hospital_since: Option<TimeDate>,
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
