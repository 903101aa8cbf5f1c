//! A stay's hospital, security level, legal status and planned discharge until a change: in force until
//! `effective_on` (the day the next values took effect, as the user gave it); `valid_until` is
//! when the change was recorded.

use crate::domain::ids::StayId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admission_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub admission_id: StayId,
    pub valid_until: TimeDateTimeWithTimeZone,
    /// The day the values after these took effect.
    pub effective_on: TimeDate,
    /// The episode and hospital these values were of (a transfer ends an episode).
    pub episode_id: StayId,
    pub hospital: String,
    pub hospital_ods_code: Option<String>,
    pub security_level: crate::domain::person::SecurityLevel,
    pub legal_status: crate::domain::person::LegalStatus,
    pub planned_discharge_on: Option<TimeDate>,
    /// The Assuring Transformation items then (as on the stay).
    pub items: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
