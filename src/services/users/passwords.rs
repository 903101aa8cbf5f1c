//! Passwords: a generated one-time password, a user's own change and an administrator's reset,
//! each checked with `domain::accounts::password_problem` and ending the user's other sessions.

use super::*;

/// A random password that passes the password rule: four groups of four letters and digits
/// (no 0/o, 1/l/i, so it can be read out or copied by hand), about 82 bits.
pub fn generate_password(username: &str) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let mut candidate = String::new();
    for _ in 0..8 {
        candidate = (0..4)
            .map(|_| {
                (0..4)
                    .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("-");
        if accounts::password_problem(&candidate, username).is_none() {
            break;
        }
    }
    candidate
}

/// `POST /api/v1/me/password`: the signed-in user's own change.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 12 characters, not a common password, not the username.
    pub new_password: String,
}

/// `POST /api/v1/users/{id}/password`: an administrator's reset.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct PasswordReset {
    /// The one-time password to set; null or absent: a random one is generated.
    pub password: Option<String>,
}

/// The reset user, and their one-time password, shown this once.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PasswordResetDone {
    pub user: UserView,
    pub one_time_password: String,
}

/// The signed-in user changes their own password. The current one is checked like a sign-in
/// (limits first; a wrong one counts as a failed sign-in from `address`). Every other session
/// and token of the user ends; the one in use stays. Clears a one-time password.
pub async fn change_own_password(
    app: &App,
    who: &SignedIn,
    input: PasswordChange,
    address: &str,
) -> Result<UserView, AppError> {
    let mut check = Check::default();
    if input.current_password.is_empty() {
        check.fail("current_password", "Enter your current password");
    }
    check_password(
        &mut check,
        "new_password",
        &input.new_password,
        &who.user.username,
    );
    if !input.current_password.is_empty() && input.new_password == input.current_password {
        check.fail(
            "new_password",
            "Choose a new password, not your current one",
        );
    }
    check.finish()?;
    let key = sessions::failure_key(&who.user.username);
    sessions::check_limits(app, &key, address).await?;
    let account = get(&app.db, &who.user.id).await?;
    if !password::verify_async(input.current_password, account.password_hash.clone()).await {
        sessions::fail(app, &key, address, "password_change").await?;
        return Err(AppError::WrongCurrentPassword);
    }
    let hash = password::hash_async(input.new_password)
        .await
        .map_err(AppError::internal)?;
    let mut tx = audit::begin(app).await?;
    let mut model: user::ActiveModel = get(tx.conn(), &who.user.id).await?.into();
    model.password_hash = Set(hash);
    model.must_change_password = Set(false);
    let updated = model.update(tx.conn()).await?;
    revoke_sessions(tx.conn(), &who.user.id, Some(&who.session_id), tx.now()).await?;
    tx.record(
        &who.actor(),
        Event::new(
            "user.password_change",
            "user",
            Some(who.user.id.to_string()),
        ),
    )
    .await?;
    tx.commit().await?;
    UserView::from_model(&updated)
}

/// An administrator resets another user's password to a one-time password (the one given, or
/// a generated one): the user's sessions and tokens end, their failed sign-ins are forgotten
/// (so a locked-out user can sign in), and at their next sign-in they must choose their own.
pub async fn reset_password(
    app: &App,
    actor: &Actor,
    id: &UserId,
    input: PasswordReset,
) -> Result<PasswordResetDone, AppError> {
    if actor.user_id.as_deref() == Some(id) {
        return Err(AppError::Conflict(
            "Change your own password with Change password, not a reset.".into(),
        ));
    }
    let target = get(&app.db, id).await?;
    let generated = input.password.is_none();
    let one_time = match input.password {
        Some(given) => {
            let mut check = Check::default();
            check_password(&mut check, "password", &given, &target.username);
            check.finish()?;
            given
        }
        None => generate_password(&target.username),
    };
    let hash = password::hash_async(one_time.clone())
        .await
        .map_err(AppError::internal)?;
    let mut tx = audit::begin(app).await?;
    let mut model: user::ActiveModel = get(tx.conn(), id).await?.into();
    model.password_hash = Set(hash);
    model.must_change_password = Set(true);
    let updated = model.update(tx.conn()).await?;
    revoke_sessions(tx.conn(), id, None, tx.now()).await?;
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::UsernameKey.eq(updated.username.clone()))
        .exec(tx.conn())
        .await?;
    tx.record(
        actor,
        Event::new("user.password_reset", "user", Some(id.to_string()))
            .detail(serde_json::json!({"generated": generated})),
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordResetDone {
        user: UserView::from_model(&updated)?,
        one_time_password: one_time,
    })
}
