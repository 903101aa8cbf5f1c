//! The consent on which a person is on the register.

use crate::domain::consent::ConsentBasis;
use crate::domain::ids::PersonId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub person_id: PersonId,
    pub basis: ConsentBasis,
    pub recorded_on: TimeDate,
    pub given_by: Option<String>,
    pub relationship: Option<String>,
    pub gillick_competent: bool,
    pub capacity_assessed_on: Option<TimeDate>,
    pub best_interests_decision_on: Option<TimeDate>,
    pub recorded_by: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
