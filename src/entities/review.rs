//! A CETR or CTR: scheduled with its panel, then held with its outcome (or cancelled).

use crate::domain::age::ReviewType;
use crate::domain::ids::{PersonId, ReviewId, UserId};
use crate::domain::review::ReviewKind;
use crate::domain::review::ReviewStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ReviewId,
    pub person_id: PersonId,
    pub kind: ReviewKind,
    pub review_type: ReviewType,
    pub status: ReviewStatus,
    pub scheduled_for: TimeDate,
    /// When it starts, `HH:MM` local time (Europe/London), if given.
    pub starts_at: Option<String>,
    /// Where it is held: a place, or a joining link for a video call.
    pub place: Option<String>,
    /// The day it was booked, as the user gave it (valid time).
    pub scheduled_on: TimeDate,
    pub due_by: Option<TimeDate>,
    pub chair_id: Option<UserId>,
    pub expert_by_experience_id: Option<UserId>,
    pub clinical_expert_id: Option<UserId>,
    pub held_on: Option<TimeDate>,
    /// JSON object: line of enquiry → finding.
    pub findings: Option<String>,
    pub recommendations: Option<String>,
    pub report_sent_on: Option<TimeDate>,
    pub cancelled_reason: Option<String>,
    /// The day it was cancelled, as the user gave it.
    pub cancelled_on: Option<TimeDate>,
    /// The held review that scheduled this one.
    pub previous_review_id: Option<ReviewId>,
    pub created_by: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
