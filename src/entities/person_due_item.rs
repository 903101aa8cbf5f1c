//! The deadline engine's answer for today, one row for each thing owed by a person: written with
//! the person's `person_due` row by `services::people::projection::refresh`. Overdue is
//! `due < today` in a query; the rule that set `due` stays in the engine.

use crate::domain::deadlines::DueKind;
use crate::domain::ids::{ActionId, PersonId, ReviewId, StayId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_due_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: PersonId,
    /// The item's place in the engine's answer (soonest due first).
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    /// What is owed: `scheduled_review`, `unscheduled_review`, `report`, `visit`,
    /// `social_worker` or `action`.
    pub owed: String,
    /// The API's word for it: `review`, `red_review`, `report`, `visit`, `social_worker` or
    /// `action`.
    pub kind: DueKind,
    /// The kind of review booked, owed, or whose report is owed.
    pub review_kind: Option<String>,
    /// Why a review not yet booked is owed: `admission`, `inpatient`, `red` or `follow_up`.
    pub why: Option<String>,
    pub review_id: Option<ReviewId>,
    pub action_id: Option<ActionId>,
    pub stay_id: Option<StayId>,
    /// The day the review whose report is owed was held.
    pub held_on: Option<TimeDate>,
    pub due: TimeDate,
    /// For a booked review or a report owed: the review's day and when it was booked, the
    /// order the review lists show them in.
    pub review_on: Option<TimeDate>,
    pub review_booked_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
}

impl ActiveModelBehavior for ActiveModel {}
