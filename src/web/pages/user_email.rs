//! The Users page's email form: the admin sets or clears the address a user's invitations,
//! reminders and digests go to.

use super::Page;
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::services::users::{self, EmailChange};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::post;
use rocket::response::{Flash, Redirect};

#[post("/admin/users/<id>/email", data = "<form>")]
pub async fn set_email(
    view: Page<'_>,
    caller: Caller,
    id: UserId,
    form: CsrfForm<Fields>,
) -> Result<Flash<Redirect>, AppError> {
    let back = Redirect::to("/admin/users");
    let input: EmailChange = form.0.input(&[])?;
    match users::set_email(view.app, &caller.actor(), &id, input).await {
        Ok(u) => Ok(Flash::success(
            back,
            match &u.email {
                Some(e) => format!("Email for {} is now {e}.", u.display_name),
                None => format!("{} has no email address now.", u.display_name),
            },
        )),
        Err(AppError::Validation { fields, .. }) => Ok(Flash::error(
            back,
            fields
                .get("email")
                .and_then(|m| m.first().cloned())
                .unwrap_or_else(|| "Enter an email address such as name@example.nhs.uk".into()),
        )),
        Err(other) => Err(other),
    }
}
