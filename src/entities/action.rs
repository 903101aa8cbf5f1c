//! One action of a review's plan: WHO does WHAT, by WHEN, and HOW.

use crate::domain::ids::{ActionId, PersonId, ReviewId};
use crate::domain::review::ActionStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ActionId,
    pub review_id: ReviewId,
    pub person_id: PersonId,
    pub who: String,
    pub what: String,
    /// WHEN: the day it is due.
    pub due_on: TimeDate,
    pub how: String,
    pub status: ActionStatus,
    /// The day it was done or dropped.
    pub completed_on: Option<TimeDate>,
    pub note: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
