//! A dated note on a person's record: what happened, on which day, under which heading, and who
//! wrote it when. Never edited: a correction is a new note.

use crate::domain::ids::PersonId;
use crate::domain::record::NoteCategory;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub person_id: PersonId,
    /// The day it happened, as the user gave it (valid time).
    pub noted_on: TimeDate,
    pub category: NoteCategory,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub written_by: String,
    pub written_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
