//! A concern raised with the ICB's oversight panel about a person, open until closed with an
//! outcome.

use crate::domain::ids::PersonId;
use crate::domain::visits::{EscalationStatus, Urgency};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "escalations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub person_id: PersonId,
    /// The visit it was raised from, if any.
    pub visit_id: Option<String>,
    pub raised_on: TimeDate,
    #[sea_orm(column_type = "Text")]
    pub concern: String,
    pub urgency: Urgency,
    pub raised_by: String,
    pub raised_at: TimeDateTimeWithTimeZone,
    pub status: EscalationStatus,
    pub closed_on: Option<TimeDate>,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
