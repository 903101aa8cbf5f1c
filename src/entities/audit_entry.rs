//! One entry of the append-only, hash-chained audit trail.

use crate::domain::ids::{PersonId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: TimeDateTimeWithTimeZone,
    pub user_id: Option<UserId>,
    pub username: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub person_id: Option<PersonId>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
