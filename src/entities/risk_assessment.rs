//! A completed risk tool: answers, score, suggested and confirmed rating, tool version.

use crate::domain::ids::PersonId;
use crate::domain::risk::Rating;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_assessments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub person_id: PersonId,
    pub assessed_on: TimeDate,
    /// JSON object: question id → answer.
    pub answers: String,
    pub score: i32,
    pub suggested_rating: Rating,
    pub rating: Rating,
    pub override_reason: Option<String>,
    pub tool_version: String,
    pub assessed_by: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
    /// Set when the assessment was voided as entered in error (its rating event is gone).
    pub voided_at: Option<TimeDateTimeWithTimeZone>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
