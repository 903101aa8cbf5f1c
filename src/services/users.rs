//! Users and roles: create, list, deactivate and reactivate, the first administrator, and
//! passwords (a user's own change, an administrator's reset to a one-time password). Every
//! path that sets a password checks it with `domain::accounts::password_problem`.

use super::audit::{self, Event};
use super::input::Check;
use super::sessions::{self, SignedIn};
use super::{Actor, App};
use crate::auth::{password, token};
use crate::domain::accounts::{self, normalise_username};
use crate::domain::ids::UserId;
use crate::domain::panel::PanelKind;
use crate::domain::role::Role;
use crate::entities::{login_failure, session, user};
use crate::error::AppError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

mod email;
mod passwords;
pub use email::{EmailChange, set_email};
pub use passwords::{
    PasswordChange, PasswordReset, PasswordResetDone, change_own_password, generate_password,
    reset_password,
};

/// A user as the API and pages show them. Never the password hash.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UserView {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String")]
    pub created_at: OffsetDateTime,
    /// Set after an administrator's reset: until the user changes it, they can only change
    /// their password (`POST /api/v1/me/password`) or sign out.
    pub must_change_password: bool,
    /// A panel member's kind, which decides the seat they may take: `expert_by_experience` or
    /// `clinical_expert`; null for other roles, and for a panel member until the admin sets it.
    pub panel_kind: Option<PanelKind>,
    /// Where invitations and reminders go; null when none (nothing is sent to them).
    pub email: Option<String>,
}

impl UserView {
    pub fn from_model(m: &user::Model) -> Result<Self, AppError> {
        Ok(UserView {
            id: m.id.clone(),
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            role: m.role,
            active: m.active,
            created_at: m.created_at,
            must_change_password: m.must_change_password,
            panel_kind: m.panel_kind,
            email: m.email.clone(),
        })
    }
}

/// What creating a user takes. Fields are strings so that every problem can be reported by
/// field, rather than as a failure to read the body.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewUser {
    #[schemars(with = "crate::services::schema::Username")]
    pub username: String,
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub display_name: String,
    /// One of `commissioner`, `panel_chair`, `panel_member`, `analyst`, `admin`.
    #[schemars(with = "Role")]
    pub role: String,
    /// At least 12 characters, not a common password, not the username.
    #[schemars(with = "crate::services::schema::Password")]
    pub password: String,
    /// Required for a `panel_member` (`expert_by_experience` or `clinical_expert`); refused for
    /// other roles.
    #[serde(default)]
    #[schemars(with = "Option<PanelKind>")]
    pub panel_kind: Option<String>,
    /// Where invitations and reminders go (optional).
    #[serde(default)]
    #[schemars(with = "Option<crate::services::schema::Text<254>>")]
    pub email: Option<String>,
}

struct CheckedUser {
    username: String,
    display_name: String,
    role: Role,
    password: String,
    panel_kind: Option<PanelKind>,
    email: Option<String>,
}

/// The panel kind a user of `role` takes: required for a panel member, refused for the rest.
fn check_panel_kind(
    check: &mut Check,
    role: Option<Role>,
    given: Option<&str>,
) -> Option<PanelKind> {
    let given = given.map(str::trim).filter(|s| !s.is_empty());
    let mut fail = |m: &str| check.fail("panel_kind", m);
    match (role, given) {
        (Some(Role::PanelMember), Some(k)) => {
            let kind = PanelKind::parse(k);
            if kind.is_none() {
                fail("Choose expert_by_experience or clinical_expert");
            }
            kind
        }
        (Some(Role::PanelMember), None) => {
            fail(
                "Choose whether this panel member is an expert by experience or a clinical expert",
            );
            None
        }
        (_, Some(_)) => {
            fail("Only panel members have a panel kind: leave it empty for this role");
            None
        }
        (_, None) => None,
    }
}

/// Adds the password rule's verdict for `field`.
fn check_password(check: &mut Check, field: &str, password: &str, username: &str) {
    if let Some(problem) = accounts::password_problem(password, username) {
        check.fail(field, problem);
    }
}

fn check(input: NewUser) -> Result<CheckedUser, AppError> {
    let mut check = Check::default();
    let username = normalise_username(&input.username);
    if let Some(problem) = accounts::username_problem(&username) {
        check.fail("username", problem);
    }
    if let Some(problem) = accounts::display_name_problem(&input.display_name) {
        check.fail("display_name", problem);
    }
    let role = input.role.parse::<Role>().ok();
    if role.is_none() {
        check.fail(
            "role",
            "Choose one of commissioner, panel_chair, panel_member, analyst or admin",
        );
    }
    check_password(&mut check, "password", &input.password, &username);
    let panel_kind = check_panel_kind(&mut check, role, input.panel_kind.as_deref());
    let email = email::check_email(&mut check, input.email.as_deref());
    check.finish()?;
    let role = role.ok_or_else(|| AppError::field("role", "Choose a role"))?;
    Ok(CheckedUser {
        username,
        display_name: input.display_name.trim().to_string(),
        role,
        password: input.password,
        panel_kind,
        email,
    })
}

pub async fn create(app: &App, actor: &Actor, input: NewUser) -> Result<UserView, AppError> {
    let checked = check(input)?;
    let hash = password::hash_async(checked.password)
        .await
        .map_err(AppError::internal)?;
    let mut tx = audit::begin(app).await?;
    let taken = user::Entity::find()
        .filter(user::Column::Username.eq(checked.username.clone()))
        .count(tx.conn())
        .await?;
    if taken > 0 {
        return Err(username_taken());
    }
    let model = user::ActiveModel {
        id: Set(UserId::new()),
        username: Set(checked.username),
        display_name: Set(checked.display_name),
        role: Set(checked.role),
        password_hash: Set(hash),
        active: Set(true),
        calendar_secret: Set(token::random_hex(32)),
        created_at: Set(tx.now()),
        deactivated_at: Set(None),
        must_change_password: Set(false),
        panel_kind: Set(checked.panel_kind),
        email: Set(checked.email),
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
        Event::new("user.create", "user", Some(created.id.to_string()))
            .detail(serde_json::json!({"username": created.username, "role": created.role, "panel_kind": created.panel_kind})),
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
    active_where(
        db,
        sea_orm::Condition::all().add(user::Column::Role.is_in(roles.iter().copied())),
    )
    .await
}

/// Active panel members of this kind, by name (a member seat's picker).
pub async fn active_panel_members(
    db: &impl ConnectionTrait,
    kind: PanelKind,
) -> Result<Vec<UserView>, AppError> {
    let condition = sea_orm::Condition::all()
        .add(user::Column::Role.eq(Role::PanelMember))
        .add(user::Column::PanelKind.eq(kind));
    active_where(db, condition).await
}

async fn active_where(
    db: &impl ConnectionTrait,
    condition: sea_orm::Condition,
) -> Result<Vec<UserView>, AppError> {
    user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(condition)
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?
        .iter()
        .map(UserView::from_model)
        .collect()
}

/// `POST /api/v1/users/{id}/panel-kind`: the admin sets (or changes) a panel member's kind.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct PanelKindChange {
    /// `expert_by_experience` or `clinical_expert`.
    #[schemars(with = "PanelKind")]
    pub panel_kind: Option<String>,
}

/// Sets a panel member's kind. Reviews they already sit on keep them: the seat rule applies
/// when a panel is chosen or changed.
pub async fn set_panel_kind(
    app: &App,
    actor: &Actor,
    id: &UserId,
    input: PanelKindChange,
) -> Result<UserView, AppError> {
    let mut check = Check::default();
    let kind = check_panel_kind(
        &mut check,
        Some(Role::PanelMember),
        input.panel_kind.as_deref(),
    );
    check.finish()?;
    let kind = kind.ok_or_else(|| AppError::field("panel_kind", "Choose a panel kind"))?;
    let mut tx = audit::begin(app).await?;
    let existing = get(tx.conn(), id).await?;
    if existing.role != Role::PanelMember {
        return Err(AppError::Conflict(
            "Only panel members have a panel kind.".into(),
        ));
    }
    if existing.panel_kind == Some(kind) {
        return Err(AppError::Conflict(format!(
            "{} is already a {} panel member.",
            existing.display_name,
            kind.label().to_lowercase()
        )));
    }
    let before = existing.panel_kind;
    let mut model: user::ActiveModel = existing.into();
    model.panel_kind = Set(Some(kind));
    let updated = model.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::new("user.panel_kind", "user", Some(id.to_string()))
            .detail(serde_json::json!({"from": before, "to": kind.as_str()})),
    )
    .await?;
    tx.commit().await?;
    UserView::from_model(&updated)
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

pub async fn get(db: &impl ConnectionTrait, id: &UserId) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id.clone())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("User"))
}

/// A user as the API and pages show them.
pub async fn view(db: &impl ConnectionTrait, id: &UserId) -> Result<UserView, AppError> {
    UserView::from_model(&get(db, id).await?)
}

/// The secret in a user's calendar link (`/calendar/<secret>.ics`).
pub async fn calendar_secret(db: &impl ConnectionTrait, id: &UserId) -> Result<String, AppError> {
    Ok(get(db, id).await?.calendar_secret)
}

/// Deactivates (and ends every session of) or reactivates a user. Users are never deleted.
pub async fn set_active(
    app: &App,
    actor: &Actor,
    id: &UserId,
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
        revoke_sessions(tx.conn(), id, None, tx.now()).await?;
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
        None => (generate_password("admin"), true),
    };
    let input = NewUser {
        username: "admin".into(),
        display_name: "Administrator".into(),
        role: Role::Admin.as_str().into(),
        password: password.clone(),
        panel_kind: None,
        email: None,
    };
    create(app, &Actor::system(), input).await?;
    Ok(generated.then_some(password))
}

/// Ends every live session and token of a user but `keep` (the one in use, if any).
async fn revoke_sessions(
    conn: &impl ConnectionTrait,
    user_id: &str,
    keep: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
        .filter(session::Column::UserId.eq(user_id.to_string()))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep.to_string()));
    }
    update.exec(conn).await?;
    Ok(())
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
            panel_kind: None,
            email: None,
        })
        .err()
        .unwrap();
        let fields = err.fields().unwrap();
        for f in ["username", "display_name", "role", "password"] {
            assert!(fields.contains_key(f), "{f}");
        }
    }

    #[test]
    fn generated_passwords_pass_the_rule_and_differ() {
        let a = generate_password("ann.chair");
        assert_eq!(a.len(), 19, "{a}");
        for _ in 0..50 {
            let p = generate_password("ann.chair");
            assert_eq!(accounts::password_problem(&p, "ann.chair"), None, "{p}");
        }
        assert_ne!(a, generate_password("ann.chair"));
    }

    #[test]
    fn the_password_rule_knows_the_username() {
        let err = check(NewUser {
            username: "Kettle.Orbit".into(),
            display_name: "K O".into(),
            role: "analyst".into(),
            password: "kettle.orbit".into(),
            panel_kind: None,
            email: None,
        })
        .err()
        .unwrap();
        assert_eq!(
            err.fields().unwrap()["password"],
            vec!["A password cannot be the username".to_string()]
        );
    }

    #[test]
    fn check_normalises_username() {
        let ok = check(NewUser {
            username: " Ann.Chair ".into(),
            display_name: "Ann Chair".into(),
            role: "panel_chair".into(),
            password: "a long enough password".into(),
            panel_kind: None,
            email: None,
        })
        .ok()
        .unwrap();
        assert_eq!(ok.username, "ann.chair");
        assert_eq!(ok.role, Role::PanelChair);
    }

    #[test]
    fn a_panel_member_needs_a_kind_and_no_one_else_takes_one() {
        let user = |role: &str, kind: Option<&str>| NewUser {
            username: "sam.sharma".into(),
            display_name: "Sam Sharma".into(),
            role: role.into(),
            password: "a long enough password".into(),
            panel_kind: kind.map(Into::into),
            email: None,
        };
        let kind_error = |u| {
            check(u)
                .err()
                .and_then(|e| e.fields().map(|f| f.contains_key("panel_kind")))
        };
        assert_eq!(kind_error(user("panel_member", None)), Some(true));
        assert_eq!(kind_error(user("panel_member", Some("doctor"))), Some(true));
        assert_eq!(
            kind_error(user("panel_chair", Some("clinical_expert"))),
            Some(true)
        );
        let ok = check(user("panel_member", Some("clinical_expert")))
            .ok()
            .unwrap();
        assert_eq!(ok.panel_kind, Some(PanelKind::ClinicalExpert));
        assert_eq!(
            check(user("panel_chair", Some(" ")))
                .ok()
                .unwrap()
                .panel_kind,
            None
        );
    }
}
