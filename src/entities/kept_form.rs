//! A page form kept after its session lapsed: sealed (AES-256-GCM) fields, for one user and one
//! path, until it is sent, discarded or an hour passes.

use crate::domain::ids::UserId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kept_forms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: UserId,
    /// Where the form was posted.
    pub path: String,
    /// The page the form was on, to go back to if the user discards it.
    pub return_to: String,
    /// Nonce (12 bytes) then ciphertext of the urlencoded body.
    pub sealed: Vec<u8>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
