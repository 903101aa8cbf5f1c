//! Signing in and out. Browser sessions and API tokens are both server-side rows holding only a
//! SHA-256 of the secret, so either can be revoked, and both obey the idle and absolute
//! timeouts. Failed sign-ins are stored (not kept in memory) with the username and client
//! address, so the limits of `policies/signin.toml` hold across instances.

use super::audit::{self, Event};
use super::users::UserView;
use super::{Actor, App};
use crate::auth::{password, token};
use crate::domain::accounts::normalise_username;
use crate::domain::accounts::sessions::{
    Failure, SessionState, SignInLimits, ends_at, retry_after, session_state,
};
use crate::domain::role::Role;
use crate::entities::{login_failure, session, user};
use crate::error::AppError;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use time::{Duration, OffsetDateTime};

pub use crate::domain::accounts::sessions::SessionKind as Kind;

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub user: UserView,
    /// When the session began and its last activity as recorded (at most once a minute):
    /// what the timeout warning counts down from (`domain::accounts::sessions::ends_at`).
    pub started_at: OffsetDateTime,
    pub active_at: OffsetDateTime,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id.clone()),
            username: self.user.username.clone(),
            role: self.user.role.as_str().into(),
        }
    }

    pub fn role(&self) -> Role {
        self.user.role
    }
}

/// The answer to a wrong username or password: the same for both.
pub fn bad_credentials() -> AppError {
    AppError::BadCredentials
}

/// The username as failures are counted: normalised, and no longer than a username can be.
pub fn failure_key(username: &str) -> String {
    normalise_username(username).chars().take(64).collect()
}

/// `429` with the wait when the sign-in limits say `key` may not be tried from `address` yet.
pub async fn check_limits(app: &App, key: &str, address: &str) -> Result<(), AppError> {
    let limits = &app.policies.signin;
    let now = app.clock.now();
    let rows = login_failure::Entity::find()
        .filter(
            Condition::any()
                .add(login_failure::Column::UsernameKey.eq(key))
                .add(login_failure::Column::Address.eq(address)),
        )
        .filter(login_failure::Column::At.gt(now - limits.window()))
        .all(&app.db)
        .await?;
    let failures: Vec<Failure> = rows
        .into_iter()
        .map(|r| Failure {
            username: r.username_key,
            address: r.address,
            at: r.at,
        })
        .collect();
    match retry_after(limits, &failures, key, address, now) {
        Some(wait) => Err(AppError::RateLimited { retry_after: wait }),
        None => Ok(()),
    }
}

/// Stores a failed sign-in (inside the caller's transaction), and forgets failures too old to
/// count, so the table stays small.
pub async fn record_failure(
    conn: &impl ConnectionTrait,
    limits: &SignInLimits,
    key: &str,
    address: &str,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    login_failure::ActiveModel {
        username_key: Set(key.to_string()),
        address: Set(address.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::At.lt(now - limits.window()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Who a failed attempt was at, for the audit trail: the account if the username exists
/// (a username that matches nobody may be a mistyped password: it is not recorded).
async fn failed_actor(conn: &impl ConnectionTrait, key: &str) -> Result<Actor, AppError> {
    let known = user::Entity::find()
        .filter(user::Column::Username.eq(key))
        .one(conn)
        .await?;
    Ok(match known {
        Some(u) => Actor {
            user_id: Some(u.id.clone()),
            username: u.username.clone(),
            role: u.role.as_str().into(),
        },
        None => Actor {
            user_id: None,
            username: "(unknown)".into(),
            role: "none".into(),
        },
    })
}

/// Records a failed sign-in (or a wrong current password when changing it) and its audit
/// entry, in one transaction.
pub async fn fail(app: &App, key: &str, address: &str, via: &str) -> Result<(), AppError> {
    let mut tx = audit::begin(app).await?;
    let now = tx.now();
    record_failure(tx.conn(), &app.policies.signin, key, address, now).await?;
    let actor = failed_actor(tx.conn(), key).await?;
    tx.record(
        &actor,
        Event::new("login.failed", "session", None).detail(serde_json::json!({"via": via})),
    )
    .await?;
    tx.commit().await
}

/// Checks a username and password from the client `address` and opens a session, returning
/// its secret (shown once). Refused with 429 while the sign-in limits say wait, before the
/// password is even looked at.
pub async fn login(
    app: &App,
    username: &str,
    password_given: &str,
    kind: Kind,
    address: &str,
) -> Result<(String, SignedIn), AppError> {
    let key = failure_key(username);
    check_limits(app, &key, address).await?;

    let found = user::Entity::find()
        .filter(user::Column::Username.eq(key.clone()))
        .one(&app.db)
        .await?;
    let stored = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_string());
    let matches = password::verify_async(password_given.to_string(), stored).await;
    let Some(account) = found.filter(|u| matches && u.active) else {
        fail(app, &key, address, kind.as_str()).await?;
        return Err(bad_credentials());
    };

    let mut tx = audit::begin(app).await?;
    // The user's own earlier slips from this address are forgiven; failures from other
    // addresses, and for other usernames from this one, still count.
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::UsernameKey.eq(key))
        .filter(login_failure::Column::Address.eq(address))
        .exec(tx.conn())
        .await?;
    let secret = token::random_hex(32);
    let session_id = uuid::Uuid::new_v4().to_string();
    session::ActiveModel {
        id: Set(session_id.clone()),
        token_hash: Set(token::sha256_hex(secret.as_bytes())),
        user_id: Set(account.id.clone()),
        kind: Set(kind),
        created_at: Set(tx.now()),
        last_seen_at: Set(tx.now()),
        revoked_at: Set(None),
    }
    .insert(tx.conn())
    .await?;
    let signed_in = SignedIn {
        session_id: session_id.clone(),
        user: UserView::from_model(&account)?,
        started_at: tx.now(),
        active_at: tx.now(),
    };
    tx.record(
        &signed_in.actor(),
        Event::new("login.ok", "session", Some(session_id))
            .detail(serde_json::json!({"via": kind.as_str()})),
    )
    .await?;
    tx.commit().await?;
    Ok((secret, signed_in))
}

/// The session row a secret names, whatever its state.
async fn session_named(app: &App, secret: &str) -> Result<Option<session::Model>, AppError> {
    if secret.len() != 64 {
        return Ok(None);
    }
    let hash = token::sha256_hex(secret.as_bytes());
    Ok(session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash))
        .one(&app.db)
        .await?)
}

/// Resolves a session secret to its user, or `None` when it is unknown, revoked, timed out, of
/// the other kind, or its user has been deactivated.
pub async fn authenticate(
    app: &App,
    secret: &str,
    kind: Kind,
) -> Result<Option<SignedIn>, AppError> {
    let Some(row) = session_named(app, secret).await? else {
        return Ok(None);
    };
    let now = app.clock.now();
    if row.revoked_at.is_some()
        || row.kind != kind
        || session_state(row.created_at, row.last_seen_at, now) != SessionState::Live
    {
        return Ok(None);
    }
    let Some(account) = user::Entity::find_by_id(row.user_id.clone())
        .one(&app.db)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(None);
    };
    let mut signed_in = SignedIn {
        session_id: row.id.clone(),
        user: UserView::from_model(&account)?,
        started_at: row.created_at,
        active_at: row.last_seen_at,
    };
    // Record activity at most once a minute: enough for a 30-minute idle timeout.
    if now - row.last_seen_at > Duration::minutes(1) {
        signed_in.active_at = now;
        let mut touch: session::ActiveModel = row.into();
        touch.last_seen_at = Set(now);
        touch.update(&app.db).await?;
    }
    Ok(Some(signed_in))
}

/// *Stay signed in*: records activity now, whatever the once-a-minute rule, and returns when
/// the session ends from here.
pub async fn keep_alive(app: &App, who: &SignedIn) -> Result<OffsetDateTime, AppError> {
    let Some(row) = session::Entity::find_by_id(who.session_id.clone())
        .one(&app.db)
        .await?
    else {
        return Err(AppError::Unauthenticated);
    };
    let now = app.clock.now();
    let end = ends_at(row.created_at, now);
    let mut touch: session::ActiveModel = row.into();
    touch.last_seen_at = Set(now);
    touch.update(&app.db).await?;
    Ok(end)
}

/// A browser session that has timed out (idle or absolute), not been revoked, and whose user
/// is still active and not owed a password change: the one case where a form that arrives
/// with it is kept, and where the sign-in page says why the user was signed out.
#[derive(Debug, Clone)]
pub struct Lapsed {
    pub user: Actor,
    /// Idle (30 minutes without activity) rather than the 12-hour limit.
    pub idle: bool,
}

/// The lapsed session a browser cookie's secret names, if it names one.
pub async fn lapsed(app: &App, secret: &str) -> Result<Option<Lapsed>, AppError> {
    let Some(row) = session_named(app, secret).await? else {
        return Ok(None);
    };
    let state = session_state(row.created_at, row.last_seen_at, app.clock.now());
    if row.revoked_at.is_some() || row.kind != Kind::Browser || state == SessionState::Live {
        return Ok(None);
    }
    let account = user::Entity::find_by_id(row.user_id.clone())
        .one(&app.db)
        .await?
        .filter(|u| u.active && !u.must_change_password);
    Ok(account.map(|u| Lapsed {
        user: Actor {
            user_id: Some(u.id.clone()),
            username: u.username.clone(),
            role: u.role.as_str().into(),
        },
        idle: state == SessionState::Idle,
    }))
}

/// Revokes the session; its secret is refused from now on.
pub async fn logout(app: &App, who: &SignedIn) -> Result<(), AppError> {
    let mut tx = audit::begin(app).await?;
    let Some(row) = session::Entity::find_by_id(who.session_id.clone())
        .one(tx.conn())
        .await?
    else {
        return Err(AppError::Unauthenticated);
    };
    let mut revoke: session::ActiveModel = row.into();
    revoke.revoked_at = Set(Some(tx.now()));
    revoke.update(tx.conn()).await?;
    tx.record(
        &who.actor(),
        Event::new("logout", "session", Some(who.session_id.clone())),
    )
    .await?;
    tx.commit().await
}
