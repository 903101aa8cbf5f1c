//! One entry of a person's rating history; the current rating is derived from these.

use crate::domain::ids::PersonId;
use crate::domain::risk::Rating;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rating_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub person_id: PersonId,
    pub rating: Rating,
    pub effective_on: TimeDate,
    /// `assessment`, `admission` or `discharge`.
    pub source: String,
    pub source_id: String,
    pub reason: Option<String>,
    pub recorded_by: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
