//! A person who signs in to tcr. Never deleted: the audit trail refers to them.

use crate::domain::ids::UserId;
use crate::domain::panel::PanelKind;
use crate::domain::role::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: UserId,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    #[sea_orm(unique)]
    pub calendar_secret: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub deactivated_at: Option<TimeDateTimeWithTimeZone>,
    /// Set by an administrator's password reset: until the user chooses their own password,
    /// they can only change it or sign out.
    pub must_change_password: bool,
    /// A panel member's kind: `expert_by_experience` or `clinical_expert` (none for other
    /// roles, and none for a panel member until the admin sets it).
    pub panel_kind: Option<PanelKind>,
    /// Where invitations, reminders and digests go (`services::mail`); none, none sent.
    pub email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
