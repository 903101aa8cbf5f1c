//! Administration pages: users (list, create, deactivate, reactivate, reset a password) and the
//! audit trail.

use super::Answer;
use super::session::CsrfOnly;
use super::{Html, Page, form_errors};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::users::{self, NewUser, PasswordReset};
use crate::web::Caller;
use crate::web::api::audit::trail_query;
use crate::web::api::types::Paging;
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

/// The panel kinds, for the new-user form and the Users page.
pub fn panel_kinds() -> Value {
    crate::domain::panel::PanelKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label()}))
        .collect()
}

fn roles() -> Value {
    Role::ALL
        .iter()
        .map(|r| json!({"value": r.as_str(), "label": r.label()}))
        .collect()
}

/// Links to the pages of a list, keeping its filters.
pub fn pagination(base: &str, page: u64, per_page: u64, total: u64) -> Value {
    let pages = total.div_ceil(per_page).max(1);
    let sep = if base.contains('?') { '&' } else { '?' };
    json!({
        "page": page, "pages": pages, "total": total,
        "prev": (page > 1).then(|| format!("{base}{sep}page={}", page - 1)),
        "next": (page < pages).then(|| format!("{base}{sep}page={}", page + 1)),
    })
}

#[get("/admin/users?<page>")]
pub async fn users_page(
    view: Page<'_>,
    _caller: Caller,
    page: Option<&str>,
) -> Result<Html, AppError> {
    let paging = Paging::parse(page, None)?;
    let (items, total) = users::list(&view.app.db, paging.page, paging.per_page).await?;
    let me = view.who.as_ref().map(|w| w.user.id.clone());
    let trouble = crate::services::mail::outbox::trouble(view.app, 20).await?;
    let rows: Vec<Value> = items
        .iter()
        .map(|u| {
            json!({
                "id": u.id, "username": u.username, "display_name": u.display_name,
                "role_label": u.role.label(), "active": u.active,
                "must_change_password": u.must_change_password,
                "created_on": u.created_at.date().to_string(),
                "is_me": me.as_deref() == Some(u.id.as_str()),
                "is_panel_member": u.role == Role::PanelMember,
                "panel_kind": u.panel_kind.map(|k| k.label()),
                "email": u.email,
            })
        })
        .collect();
    view.render(
        "admin/users.html",
        json!({
            "title": "Users",
            "users": rows,
            "can_manage": view.can(Permission::UsersManage),
            "panel_kinds": panel_kinds(),
            "mail_on": crate::services::mail::enabled(view.app),
            "mail_off": crate::services::mail::NOT_SET_UP,
            "mail_trouble": trouble,
            "mail_kept_days": crate::services::mail::KEPT_DAYS,
            "pagination": pagination("/admin/users", paging.page, paging.per_page, total),
        }),
    )
}

#[get("/admin/users/new")]
pub fn new_user_page(view: Page<'_>, _caller: Caller) -> Result<Html, AppError> {
    view.render(
        "admin/user_new.html",
        json!({"title": "Add a user", "roles": roles(), "panel_kinds": panel_kinds(), "form": {}}),
    )
}

#[post("/admin/users", data = "<form>")]
pub async fn create_user(
    view: Page<'_>,
    caller: Caller,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let CsrfForm(form) = form;
    // As typed, as the form always read them (the checks name stray spaces); the panel kind
    // is a choice.
    let input: NewUser = form.input_verbatim(&["username", "display_name", "role", "password"])?;
    let checked = crate::services::input::lines(&[
        ("username", "the username", &input.username),
        ("display_name", "the name", &input.display_name),
    ]);
    let created = match checked {
        Ok(()) => users::create(view.app, &caller.actor(), input).await,
        Err(e) => Err(e),
    };
    let fields = match created {
        Ok(user) => {
            let message = format!(
                "{} ({}) can now sign in as {}.",
                user.display_name,
                user.role.label(),
                user.username
            );
            return Ok(Answer::Done(Flash::success(
                Redirect::to("/admin/users"),
                message,
            )));
        }
        Err(AppError::Validation { fields, .. }) => fields,
        Err(AppError::Conflict(message)) => [("username".to_string(), vec![message])]
            .into_iter()
            .collect(),
        Err(other) => return Err(other),
    };
    let blank =
        json!({"username": "", "display_name": "", "role": "", "panel_kind": "", "email": ""});
    let mut values = form.refill(&blank, &[])?;
    // The password is never sent back.
    if let Some(values) = values.as_object_mut() {
        values.remove("password");
    }
    Ok(Answer::Page(Fields::again(
        &view,
        "admin/user_new.html",
        json!({"title": "Add a user", "roles": roles(), "panel_kinds": panel_kinds()}),
        ("form", values),
        (
            &fields,
            &[
                "display_name",
                "username",
                "email",
                "role",
                "panel_kind",
                "password",
            ],
        ),
    )?))
}

async fn set_active(
    view: &Page<'_>,
    caller: &Caller,
    id: &UserId,
    active: bool,
) -> Result<Flash<Redirect>, AppError> {
    let back = Redirect::to("/admin/users");
    match users::set_active(view.app, &caller.actor(), id, active).await {
        Ok(user) => {
            let done = if active {
                "reactivated"
            } else {
                "deactivated and signed out everywhere"
            };
            Ok(Flash::success(
                back,
                format!("{} has been {done}.", user.display_name),
            ))
        }
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

#[post("/admin/users/<id>/deactivate", data = "<form>")]
pub async fn deactivate_user(
    view: Page<'_>,
    caller: Caller,
    id: UserId,
    form: CsrfForm<CsrfOnly>,
) -> Result<Flash<Redirect>, AppError> {
    let _ = form;
    set_active(&view, &caller, &id, false).await
}

#[post("/admin/users/<id>/reactivate", data = "<form>")]
pub async fn reactivate_user(
    view: Page<'_>,
    caller: Caller,
    id: UserId,
    form: CsrfForm<CsrfOnly>,
) -> Result<Flash<Redirect>, AppError> {
    let _ = form;
    set_active(&view, &caller, &id, true).await
}

/// Sets a generated one-time password and shows it this once (the response is `no-store`).
#[post("/admin/users/<id>/reset-password", data = "<form>")]
pub async fn reset_password(
    view: Page<'_>,
    caller: Caller,
    id: UserId,
    form: CsrfForm<CsrfOnly>,
) -> Result<Answer, AppError> {
    let _ = form;
    let input = PasswordReset { password: None };
    match users::reset_password(view.app, &caller.actor(), &id, input).await {
        Ok(done) => Ok(Answer::Page(view.render(
            "admin/password_reset.html",
            json!({
                "title": "One-time password",
                "reset": {
                    "display_name": done.user.display_name,
                    "username": done.user.username,
                    "password": done.one_time_password,
                },
            }),
        )?)),
        Err(AppError::Conflict(message)) => Ok(Answer::Done(Flash::error(
            Redirect::to("/admin/users"),
            message,
        ))),
        Err(other) => Err(other),
    }
}

#[get("/admin/audit?<person_id>&<nhs_number>&<user>&<from>&<to>&<page>")]
#[allow(clippy::too_many_arguments)]
pub async fn audit_page(
    view: Page<'_>,
    caller: Caller,
    person_id: Option<&str>,
    nhs_number: Option<&str>,
    user: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    page: Option<&str>,
) -> Result<Html, AppError> {
    let typed = [
        ("nhs_number", nhs_number),
        ("user", user),
        ("from", from),
        ("to", to),
        ("person_id", person_id),
    ];
    let filters: serde_json::Map<String, Value> = typed
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v.unwrap_or(""))))
        .collect();
    let query = Paging::parse(page, None)
        .and_then(|paging| trail_query(person_id, nhs_number, user, from, to, paging));
    let query = match query {
        Ok(q) => q,
        Err(AppError::Validation { fields, .. }) => {
            let mut context = form_errors(&fields, &["nhs_number", "user", "from", "to", "page"]);
            if let Some(obj) = context.as_object_mut() {
                obj.insert("title".into(), json!("Audit trail"));
                obj.insert("filters".into(), Value::Object(filters));
                obj.insert("entries".into(), json!([]));
            }
            return view.render_status(Status::UnprocessableEntity, "admin/audit.html", context);
        }
        Err(other) => return Err(other),
    };
    let (rows, total) =
        crate::services::audit::read_trail_in_words(view.app, &caller, &query).await?;
    let entries: Vec<Value> = rows
        .iter()
        .map(|(r, sentence)| {
            json!({
                "seq": r.seq, "sentence": sentence, "action": r.action,
                "entity_id": r.entity_id, "person_id": r.person_id,
            })
        })
        .collect();
    let base = crate::web::link_with("/admin/audit", typed);
    view.render(
        "admin/audit.html",
        json!({
            "title": "Audit trail",
            "entries": entries,
            "filters": filters,
            "pagination": pagination(&base, query.page, query.per_page, total),
        }),
    )
}

#[get("/admin/audit/verify")]
pub async fn audit_verify_page(view: Page<'_>, caller: Caller) -> Result<Html, AppError> {
    let result = crate::services::audit::verify(view.app, &caller.actor()).await?;
    view.render(
        "admin/audit_verify.html",
        json!({"title": "Check the audit trail", "result": result}),
    )
}
