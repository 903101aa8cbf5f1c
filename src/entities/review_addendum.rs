//! A note added to a held review after its report was sent: the outcome itself no longer
//! changes, so later corrections are written beside it, dated and signed.

use crate::domain::ids::{PersonId, ReviewId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_addenda")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub review_id: ReviewId,
    pub person_id: PersonId,
    pub text: String,
    /// The day it was written (today when recorded).
    pub written_on: TimeDate,
    /// The username of whoever wrote it.
    pub author: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
