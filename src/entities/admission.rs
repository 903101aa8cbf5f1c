//! A mental health hospital admission.

use crate::domain::ids::{PersonId, StayId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: StayId,
    pub person_id: PersonId,
    pub admitted_on: TimeDate,
    pub hospital: String,
    pub security_level: crate::domain::person::SecurityLevel,
    pub legal_status: crate::domain::person::LegalStatus,
    pub planned_discharge_on: Option<TimeDate>,
    pub discharged_on: Option<TimeDate>,
    pub destination: Option<String>,
    pub recorded_by: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
