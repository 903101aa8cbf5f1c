//! A commissioner's oversight visit to someone in hospital.

use crate::domain::ids::{PersonId, StayId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub person_id: PersonId,
    pub admission_id: StayId,
    pub visited_on: TimeDate,
    pub visitor: String,
    /// Whether the person was seen in person; null for visits recorded before migration 000028.
    pub seen_in_person: Option<bool>,
    pub not_seen_reason: Option<String>,
    /// The person's views, in their words or as told.
    pub views: Option<String>,
    pub concerns: Option<String>,
    /// Words of `domain::visits::Restrictive`, space-separated.
    pub restrictive_practices: Option<String>,
    pub actions_agreed: Option<String>,
    pub recorded_by: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
