//! The signed-in user's own account: changing their password (from the header's user menu, and
//! the only page open to a user with a one-time password until they do).

use super::Answer;
use super::{Html, Page, form_errors};
use crate::error::{AppError, FieldErrors};
use crate::services::users::{self, PasswordChange};
use crate::web::Caller;
use crate::web::client::ClientAddress;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::json;

pub const PASSWORD_PAGE: &str = "/account/password";
const FIELDS: &[&str] = &["current_password", "new_password", "confirm_password"];

fn render(
    view: &Page<'_>,
    caller: &Caller,
    status: Status,
    fields: &FieldErrors,
) -> Result<Html, AppError> {
    let mut context = form_errors(fields, FIELDS);
    if let Some(obj) = context.as_object_mut() {
        obj.insert("title".into(), json!("Change your password"));
        obj.insert(
            "must_change".into(),
            json!(caller.user.must_change_password),
        );
        obj.insert("email".into(), json!(caller.user.email));
    }
    view.render_status(status, "account/password.html", context)
}

#[get("/account/password")]
pub fn password_page(view: Page<'_>, caller: Caller) -> Result<Html, AppError> {
    render(&view, &caller, Status::Ok, &FieldErrors::new())
}

fn one(field: &str, message: &str) -> FieldErrors {
    FieldErrors::from([(field.into(), vec![message.into()])])
}

/// The form again with what was wrong: field errors, a wrong current password, or the sign-in
/// limits' wait (with `Retry-After`). Anything else is not the user's to fix.
fn refused(view: &Page<'_>, caller: &Caller, error: AppError) -> Result<Html, AppError> {
    let (fields, retry_after) = match &error {
        AppError::Validation { fields, .. } => (fields.clone(), None),
        AppError::WrongCurrentPassword => (one("current_password", &error.public_message()), None),
        AppError::RateLimited { retry_after } => (
            one("current_password", &error.public_message()),
            Some(*retry_after),
        ),
        _ => return Err(error),
    };
    let mut html = render(view, caller, error.status(), &fields)?;
    html.retry_after = retry_after;
    Ok(html)
}

#[post("/account/password", data = "<form>")]
pub async fn change_password(
    view: Page<'_>,
    caller: Caller,
    address: ClientAddress,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let CsrfForm(form) = form;
    if form.get("new_password").unwrap_or_default()
        != form.get("confirm_password").unwrap_or_default()
    {
        let fields = one("confirm_password", "Enter the same new password twice");
        let html = render(&view, &caller, Status::UnprocessableEntity, &fields)?;
        return Ok(Answer::Page(html));
    }
    let input: PasswordChange = form.input_verbatim(&["current_password", "new_password"])?;
    match users::change_own_password(view.app, &caller, input, &address.0).await {
        Ok(_) => {
            let done = "Your password has been changed. You have been signed out everywhere else.";
            Ok(Answer::Done(Flash::success(Redirect::to("/"), done)))
        }
        Err(error) => Ok(Answer::Page(refused(&view, &caller, error)?)),
    }
}
