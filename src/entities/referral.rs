//! A referral to the single point of access and its decision.

use crate::domain::ids::{PersonId, ReferralId};
use crate::domain::referral::ReferralStatus;
use crate::domain::risk::Rating;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ReferralId,
    pub received_on: TimeDate,
    pub referrer_name: String,
    pub referrer_role: String,
    pub referrer_contact: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: TimeDate,
    pub nhs_number: Option<String>,
    pub reason: String,
    pub mdt_held_on: Option<TimeDate>,
    /// JSON object of the risk tool answers given with the referral.
    pub answers: Option<String>,
    pub score: Option<i32>,
    pub suggested_rating: Option<Rating>,
    pub tool_version: Option<String>,
    pub status: ReferralStatus,
    pub decided_on: Option<TimeDate>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub person_id: Option<PersonId>,
    pub outcome_sent_on: Option<TimeDate>,
    pub created_by: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
