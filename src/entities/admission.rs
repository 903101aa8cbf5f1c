//! A spell in a mental health hospital: from admission to discharge, through any transfers
//! between hospitals. Its current episode (the stay in one hospital) is `episode_id` from
//! `episode_started_on`; earlier episodes are in its revisions (migration 000023).

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
    /// The hospital's organisation (ODS) code, when known.
    pub hospital_ods_code: Option<String>,
    /// The current episode: the admission's own id until a transfer.
    pub episode_id: StayId,
    /// The day the current episode began: the admission day until a transfer.
    pub episode_started_on: TimeDate,
    pub security_level: crate::domain::person::SecurityLevel,
    pub legal_status: crate::domain::person::LegalStatus,
    pub planned_discharge_on: Option<TimeDate>,
    pub discharged_on: Option<TimeDate>,
    pub destination: Option<String>,
    /// The Assuring Transformation items (`domain::inpatients::StayItems` as JSON; migration
    /// 000024); none when none are recorded.
    pub items: Option<String>,
    pub recorded_by: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
