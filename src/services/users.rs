//! Users and roles: create, list, deactivate and reactivate, and the first administrator.

use super::audit::{self, Event};
use super::{Actor, App};
use crate::auth::{password, token};
use crate::domain::accounts::{self, normalise_username};
use crate::domain::role::Role;
use crate::entities::{session, user};
use crate::error::{AppError, rule};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use validator::{Validate, ValidationError};

/// A user as the API and pages show them. Never the password hash.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String")]
    pub created_at: OffsetDateTime,
}

impl UserView {
    pub fn from_model(m: &user::Model) -> Result<Self, AppError> {
        Ok(UserView {
            id: m.id.clone(),
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            role: m
                .role
                .parse()
                .map_err(|_| AppError::Internal(format!("user {} has an unknown role", m.id)))?,
            active: m.active,
            created_at: m.created_at,
        })
    }
}

/// What creating a user takes. Fields are strings so that every problem can be reported by
/// field, rather than as a failure to read the body.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema, Validate)]
pub struct NewUser {
    #[validate(custom(function = "valid_username"))]
    #[schemars(with = "crate::services::schema::Username")]
    pub username: String,
    #[validate(custom(function = "valid_display_name"))]
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub display_name: String,
    /// One of `commissioner`, `panel_chair`, `panel_member`, `analyst`, `admin`.
    #[validate(custom(function = "valid_role"))]
    #[schemars(with = "Role")]
    pub role: String,
    /// At least 12 characters.
    #[validate(custom(function = "valid_password"))]
    #[schemars(with = "crate::services::schema::Password")]
    pub password: String,
}

fn valid_username(s: &str) -> Result<(), ValidationError> {
    rule(accounts::username_problem(&normalise_username(s)))
}
fn valid_display_name(s: &str) -> Result<(), ValidationError> {
    rule(accounts::display_name_problem(s))
}
fn valid_role(s: &str) -> Result<(), ValidationError> {
    rule(
        s.parse::<Role>()
            .err()
            .map(|_| "Choose one of commissioner, panel_chair, panel_member, analyst or admin"),
    )
}
fn valid_password(s: &str) -> Result<(), ValidationError> {
    rule(accounts::password_problem(s))
}

struct CheckedUser {
    username: String,
    display_name: String,
    role: Role,
    password: String,
}

fn check(input: NewUser) -> Result<CheckedUser, AppError> {
    input.validate()?;
    let role = input
        .role
        .parse::<Role>()
        .map_err(|_| AppError::field("role", "Choose a role"))?;
    Ok(CheckedUser {
        username: normalise_username(&input.username),
        display_name: input.display_name.trim().to_string(),
        role,
        password: input.password,
    })
}

pub async fn create(app: &App, actor: &Actor, input: NewUser) -> Result<UserView, AppError> {
    let checked = check(input)?;
    let hash = password::hash_async(checked.password)
        .await
        .map_err(AppError::Internal)?;
    let mut tx = audit::begin(app).await?;
    let taken = user::Entity::find()
        .filter(user::Column::Username.eq(checked.username.clone()))
        .count(tx.conn())
        .await?;
    if taken > 0 {
        return Err(username_taken());
    }
    let model = user::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        username: Set(checked.username),
        display_name: Set(checked.display_name),
        role: Set(checked.role.as_str().into()),
        password_hash: Set(hash),
        active: Set(true),
        calendar_secret: Set(token::random_hex(32)),
        created_at: Set(tx.now()),
        deactivated_at: Set(None),
    };
    let created = match model.insert(tx.conn()).await {
        Ok(m) => m,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(username_taken());
        }
        Err(e) => return Err(e.into()),
    };
    tx.record(
        actor,
        Event::new("user.create", "user", Some(created.id.clone()))
            .detail(serde_json::json!({"username": created.username, "role": created.role})),
    )
    .await?;
    tx.commit().await?;
    UserView::from_model(&created)
}

fn username_taken() -> AppError {
    AppError::Conflict("That username is already taken.".into())
}

pub async fn list(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<UserView>, u64), AppError> {
    let select = user::Entity::find();
    let total = select.clone().count(db).await?;
    let models = select
        .order_by_asc(user::Column::Username)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let items = models
        .iter()
        .map(UserView::from_model)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// Active users holding one of these roles, by name (the panel pickers).
pub async fn active_with_roles(
    db: &impl ConnectionTrait,
    roles: &[Role],
) -> Result<Vec<UserView>, AppError> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.is_in(names))
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?
        .iter()
        .map(UserView::from_model)
        .collect()
}

/// The user whose calendar link carries this secret, if active.
pub async fn by_calendar_secret(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<user::Model>, AppError> {
    if secret.len() != 64 {
        return Ok(None);
    }
    Ok(user::Entity::find()
        .filter(user::Column::CalendarSecret.eq(secret))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?)
}

pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("User"))
}

/// Deactivates (and ends every session of) or reactivates a user. Users are never deleted.
pub async fn set_active(
    app: &App,
    actor: &Actor,
    id: &str,
    active: bool,
) -> Result<UserView, AppError> {
    let mut tx = audit::begin(app).await?;
    let existing = get(tx.conn(), id).await?;
    if !active && actor.user_id.as_deref() == Some(id) {
        return Err(AppError::Conflict(
            "You cannot deactivate your own account; ask another administrator.".into(),
        ));
    }
    if existing.active == active {
        return Err(AppError::Conflict(if active {
            "That user is already active.".into()
        } else {
            "That user is already deactivated.".into()
        }));
    }
    let mut model: user::ActiveModel = existing.into();
    model.active = Set(active);
    model.deactivated_at = Set(if active { None } else { Some(tx.now()) });
    let updated = model.update(tx.conn()).await?;
    if !active {
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(tx.now())))
            .filter(session::Column::UserId.eq(id.to_string()))
            .filter(session::Column::RevokedAt.is_null())
            .exec(tx.conn())
            .await?;
    }
    let action = if active {
        "user.reactivate"
    } else {
        "user.deactivate"
    };
    tx.record(actor, Event::new(action, "user", Some(id.to_string())))
        .await?;
    tx.commit().await?;
    UserView::from_model(&updated)
}

/// On the first start of an empty database, creates `admin`. Returns the generated password
/// when none was configured, so the caller can print it once.
pub async fn ensure_first_admin(
    app: &App,
    configured: Option<&str>,
) -> Result<Option<String>, AppError> {
    if user::Entity::find().count(&app.db).await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match configured {
        Some(p) => (p.to_string(), false),
        None => (token::random_hex(12), true),
    };
    let input = NewUser {
        username: "admin".into(),
        display_name: "Administrator".into(),
        role: Role::Admin.as_str().into(),
        password: password.clone(),
    };
    create(app, &Actor::system(), input).await?;
    Ok(generated.then_some(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reports_every_bad_field_at_once() {
        let err = check(NewUser {
            username: "x".into(),
            display_name: " ".into(),
            role: "root".into(),
            password: "short".into(),
        })
        .err()
        .unwrap();
        let fields = err.fields().unwrap();
        for f in ["username", "display_name", "role", "password"] {
            assert!(fields.contains_key(f), "{f}");
        }
    }

    #[test]
    fn check_normalises_username() {
        let ok = check(NewUser {
            username: " Ann.Chair ".into(),
            display_name: "Ann Chair".into(),
            role: "panel_chair".into(),
            password: "a long enough password".into(),
        })
        .ok()
        .unwrap();
        assert_eq!(ok.username, "ann.chair");
        assert_eq!(ok.role, Role::PanelChair);
    }
}
