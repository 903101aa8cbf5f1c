//! A user's email address, where invitations, reminders and digests go (`services::mail`):
//! optional, set when the account is created or later by an administrator.

use super::{UserView, get};
use crate::domain::email::address_problem;
use crate::domain::ids::UserId;
use crate::entities::user;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::App;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;

/// An address to set; empty clears it.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct EmailChange {
    #[serde(default)]
    #[schemars(with = "Option<crate::services::schema::Text<254>>")]
    pub email: Option<String>,
}

/// The address given, checked; `None` when left empty.
pub(super) fn check_email(check: &mut Check, given: Option<&str>) -> Option<String> {
    let given = given.map(str::trim).filter(|s| !s.is_empty())?;
    match address_problem(given) {
        Some(problem) => {
            check.fail("email", problem);
            None
        }
        None => Some(given.to_string()),
    }
}

/// Sets or clears a user's address.
pub async fn set_email(
    app: &App,
    actor: &Actor,
    id: &UserId,
    input: EmailChange,
) -> Result<UserView, AppError> {
    let mut check = Check::default();
    let email = check_email(&mut check, input.email.as_deref());
    check.finish()?;
    let mut tx = audit::begin(app).await?;
    let existing = get(tx.conn(), id).await?;
    let had = existing.email.is_some();
    let mut model: user::ActiveModel = existing.into();
    let set = email.is_some();
    model.email = Set(email);
    let updated = model.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::new("user.email", "user", Some(id.to_string()))
            .detail(serde_json::json!({"had": had, "set": set})),
    )
    .await?;
    tx.commit().await?;
    UserView::from_model(&updated)
}
