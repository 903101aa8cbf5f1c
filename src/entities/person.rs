//! A person on the register (or who was: closed and withdrawn entries are kept).

use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: PersonId,
    /// Unique among entries that are not withdrawn (a partial index: migration 000007).
    pub nhs_number: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: TimeDate,
    pub sex: crate::domain::person::Sex,
    pub postcode: String,
    pub local_authority: String,
    pub learning_disability: bool,
    pub autism: bool,
    pub ehcp: bool,
    pub social_worker: Option<String>,
    /// The day the social worker named (or their absence) took effect.
    pub social_worker_from: Option<TimeDate>,
    pub keyworker: Option<String>,
    /// The NHS ethnic category, when known (migration 000028).
    pub ethnicity: Option<crate::domain::ethnicity::Ethnicity>,
    pub setting: crate::domain::person::Setting,
    pub status: Status,
    pub registered_on: TimeDate,
    pub closed_on: Option<TimeDate>,
    pub closed_reason: Option<String>,
    pub withdrawn_on: Option<TimeDate>,
    pub withdrawn_reason: Option<String>,
    pub withdrawn_at: Option<TimeDateTimeWithTimeZone>,
    /// The day an inpatient-only entry began (status `inpatient_only`), kept when they later
    /// join the register (migration 000023).
    pub inpatient_only_from: Option<TimeDate>,
    /// The day their objection to identifiable sharing was recorded, while it stands.
    pub objects_since: Option<TimeDate>,
    /// Folded names and NHS number for searching (`domain::search::key`); filled at start for
    /// rows written before migration 000014.
    pub search_key: Option<String>,
    /// Folded family and given names: the register's order by name (`domain::search::sort_name`).
    pub sort_name: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
