//! The Users page's panel kind form: the admin says whether a panel member is an expert by
//! experience or a clinical expert (existing panel members have none until it is set).

use super::Page;
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::services::users::{self, PanelKindChange};
use crate::web::Caller;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::post;
use rocket::response::{Flash, Redirect};

#[post("/admin/users/<id>/panel-kind", data = "<form>")]
pub async fn set_panel_kind(
    view: Page<'_>,
    caller: Caller,
    id: UserId,
    form: CsrfForm<Fields>,
) -> Result<Flash<Redirect>, AppError> {
    let back = Redirect::to("/admin/users");
    let input: PanelKindChange = form.0.input(&[])?;
    match users::set_panel_kind(view.app, &caller.actor(), &id, input).await {
        Ok(u) => Ok(Flash::success(
            back,
            format!(
                "{} is now a {} panel member.",
                u.display_name,
                u.panel_kind.map_or("", |k| k.label()).to_lowercase()
            ),
        )),
        Err(AppError::Validation { .. }) => Ok(Flash::error(
            back,
            "Choose expert by experience or clinical expert, then Set.",
        )),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}
