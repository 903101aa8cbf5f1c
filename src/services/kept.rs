//! Forms that don't lose work: a page form that arrives after its sender's session has lapsed is
//! kept here, sealed, for the same user, until they send it again, discard it, or an hour
//! passes. The body is encrypted at rest with AES-256-GCM under a key derived (HKDF-SHA256) from
//! the server's secret key, with the row's id, user and path as associated data, so a sealed
//! body cannot be read without the key nor moved to another user or form. Nothing is held in
//! process memory: any instance can keep a form and any other can hand it back.

use super::audit::{self, Event};
use super::sessions::SignedIn;
use super::{Actor, App};
use crate::entities::kept_form;
use crate::error::AppError;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use time::{Duration, OffsetDateTime};

/// How long a kept form waits for its user.
pub const KEEP_FOR: Duration = Duration::hours(1);

const NONCE_LEN: usize = 12;

/// The key kept forms are sealed with, managed as Rocket state.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl SealKey {
    /// Derived from the server's secret key (every instance behind a load balancer shares it),
    /// under a label of its own so it is never the key of the private cookies.
    pub fn derive(secret: &[u8]) -> SealKey {
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit of 8160: `expand` cannot fail here.
        let _ = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"tcr kept forms"), secret)
            .expand(b"aes-256-gcm v1", &mut key);
        SealKey(key)
    }

    /// A key of this process only, when no secret key is configured (a debug build): kept forms
    /// then last only as long as the process, like its private cookies.
    pub fn random() -> SealKey {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        SealKey(key)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new((&self.0).into())
    }
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

fn associated(id: &str, user_id: &str, path: &str) -> Vec<u8> {
    [id, user_id, path].join("\n").into_bytes()
}

fn seal(key: &SealKey, id: &str, user_id: &str, path: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let aad = associated(id, user_id, path);
    let sealed = key
        .cipher()
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: body,
                aad: &aad,
            },
        )
        .ok()?;
    Some([nonce.as_slice(), &sealed].concat())
}

fn open(key: &SealKey, row: &kept_form::Model) -> Option<Vec<u8>> {
    if row.sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, sealed) = row.sealed.split_at(NONCE_LEN);
    let aad = associated(&row.id, row.user_id.as_str(), &row.path);
    key.cipher()
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: &aad,
            },
        )
        .ok()
}

/// A kept form as its user gets it back: where it goes, the page it came from, and the
/// urlencoded body exactly as it was sent.
#[derive(Debug, Clone)]
pub struct Kept {
    pub id: String,
    pub path: String,
    pub return_to: String,
    pub body: Vec<u8>,
    pub expires_at: OffsetDateTime,
}

/// Forgets every kept form whose hour has passed, whoever it was for.
async fn purge(conn: &impl ConnectionTrait, now: OffsetDateTime) -> Result<(), AppError> {
    kept_form::Entity::delete_many()
        .filter(kept_form::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?;
    Ok(())
}

/// Keeps `body`, sent to `path` from the page `return_to` by `user` after their session
/// lapsed, and returns its id. The audit entry names the path, never the fields.
pub async fn keep(
    app: &App,
    key: &SealKey,
    user: &Actor,
    path: &str,
    return_to: &str,
    body: &[u8],
) -> Result<String, AppError> {
    let Some(user_id) = user.user_id.clone() else {
        return Err(AppError::Unauthenticated);
    };
    let id = uuid::Uuid::new_v4().to_string();
    let sealed = seal(key, &id, user_id.as_str(), path, body)
        .ok_or_else(|| AppError::internal("sealing a kept form failed"))?;
    let mut tx = audit::begin(app).await?;
    let now = tx.now();
    purge(tx.conn(), now).await?;
    kept_form::ActiveModel {
        id: Set(id.clone()),
        user_id: Set(user_id),
        path: Set(path.to_string()),
        return_to: Set(return_to.to_string()),
        sealed: Set(sealed),
        created_at: Set(now),
        expires_at: Set(now + KEEP_FOR),
    }
    .insert(tx.conn())
    .await?;
    tx.record(
        user,
        Event::new("form.kept", "kept_form", Some(id.clone()))
            .detail(serde_json::json!({"path": path})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn gone() -> AppError {
    AppError::NotFound(
        "There is no kept form here: it was sent or discarded, or its hour has passed.".into(),
    )
}

/// The user's own kept form, unexpired and intact; anything else is "not found", so nobody
/// learns whether another user's form exists.
async fn find(
    conn: &impl ConnectionTrait,
    key: &SealKey,
    who: &SignedIn,
    id: &str,
    now: OffsetDateTime,
) -> Result<(kept_form::Model, Kept), AppError> {
    let row = kept_form::Entity::find_by_id(id.to_string())
        .filter(kept_form::Column::UserId.eq(who.user.id.clone()))
        .filter(kept_form::Column::ExpiresAt.gt(now))
        .one(conn)
        .await?
        .ok_or_else(gone)?;
    let body = open(key, &row).ok_or_else(gone)?;
    let kept = Kept {
        id: row.id.clone(),
        path: row.path.clone(),
        return_to: row.return_to.clone(),
        body,
        expires_at: row.expires_at,
    };
    Ok((row, kept))
}

/// Reads the signed-in user's kept form without using it up.
pub async fn get(app: &App, key: &SealKey, who: &SignedIn, id: &str) -> Result<Kept, AppError> {
    let (_, kept) = find(&app.db, key, who, id, app.clock.now()).await?;
    Ok(kept)
}

/// What the user did with their kept form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Sent again to where it was going.
    Send,
    Discard,
}

/// Uses up the signed-in user's kept form (it is deleted, with its audit entry) and returns it.
pub async fn take(
    app: &App,
    key: &SealKey,
    who: &SignedIn,
    id: &str,
    how: Use,
) -> Result<Kept, AppError> {
    let mut tx = audit::begin(app).await?;
    let now = tx.now();
    let (row, kept) = find(tx.conn(), key, who, id, now).await?;
    kept_form::Entity::delete_by_id(row.id)
        .exec(tx.conn())
        .await?;
    let action = match how {
        Use::Send => "form.sent",
        Use::Discard => "form.discarded",
    };
    tx.record(
        &who.actor(),
        Event::new(action, "kept_form", Some(kept.id.clone()))
            .detail(serde_json::json!({"path": kept.path})),
    )
    .await?;
    tx.commit().await?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &SealKey, id: &str, user: &str, path: &str, body: &[u8]) -> kept_form::Model {
        let now = OffsetDateTime::UNIX_EPOCH;
        kept_form::Model {
            id: id.into(),
            user_id: crate::domain::ids::UserId::from_text(user),
            path: path.into(),
            return_to: "/".into(),
            sealed: seal(key, id, user, path, body).unwrap(),
            created_at: now,
            expires_at: now + KEEP_FOR,
        }
    }

    #[test]
    fn sealed_bodies_open_only_with_their_key_user_and_path() {
        let key = SealKey::derive(b"a secret key of the server");
        let body = b"recommendations=Keep+the+placement&csrf_token=abc";
        let kept = row(&key, "k1", "u1", "/reviews/1/outcome", body);
        assert!(!kept.sealed.windows(11).any(|w| w == b"placement"));
        assert_eq!(open(&key, &kept).as_deref(), Some(&body[..]));
        // Another key, user, path or id: nothing.
        let other = SealKey::derive(b"another server's secret key");
        assert_eq!(open(&other, &kept), None);
        for moved in [
            kept_form::Model {
                user_id: crate::domain::ids::UserId::from_text("u2"),
                ..kept.clone()
            },
            kept_form::Model {
                path: "/people".into(),
                ..kept.clone()
            },
            kept_form::Model {
                id: "k2".into(),
                ..kept.clone()
            },
            kept_form::Model {
                sealed: kept.sealed[..5].to_vec(),
                ..kept.clone()
            },
        ] {
            assert_eq!(open(&key, &moved), None);
        }
        // The same key from the same secret, on any instance.
        let again = SealKey::derive(b"a secret key of the server");
        assert_eq!(open(&again, &kept).as_deref(), Some(&body[..]));
    }
}
