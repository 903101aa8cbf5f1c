//! A stay's security level, legal status and planned discharge until a change (`valid_until`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admission_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub admission_id: String,
    pub valid_until: TimeDateTimeWithTimeZone,
    pub security_level: String,
    pub legal_status: String,
    pub planned_discharge_on: Option<TimeDate>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
