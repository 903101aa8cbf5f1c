//! The outbox: writing a message once (its unique key decides — a second writer's insert
//! conflicts and does nothing), and delivering what is pending through SMTP. A sender takes a
//! message by moving its attempt count on (a conditional update only one instance wins), sends
//! it, and marks it sent, or leaves it for a later try after a growing wait. Addresses and
//! names are never logged.

use crate::domain::ids::ReviewId;
use crate::entities::mail_outbox;
use crate::error::AppError;
use crate::services::App;
use lettre::address::Envelope;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use time::{Duration, OffsetDateTime};

/// Attempts before a message is given up (`failed`): the waits add up to about a day.
pub const MAX_ATTEMPTS: i32 = 10;

/// How long a sender holds a message it took before another may take it again (a sender that
/// died mid-send).
const LEASE: Duration = Duration::minutes(5);

/// How long a sent or abandoned message keeps its address and its words: long enough to answer
/// "was I sent it?" for a quarter. After that only its key, kind, review and sequence stay, which
/// the claims (each reminder and digest once) and the calendar's rising SEQUENCE still need.
pub const KEPT_DAYS: i64 = 90;

/// Forgets the address, the words and the last error of messages sent or given up more than
/// `KEPT_DAYS` ago; how many. Safe on several instances at once (the same update twice).
pub async fn forget_old(app: &App) -> Result<u64, AppError> {
    let before = app.clock.now() - Duration::days(KEPT_DAYS);
    let _turn = app.writes.enter().await;
    let done = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Recipient, Expr::value(""))
        .col_expr(mail_outbox::Column::Message, Expr::value(""))
        .col_expr(mail_outbox::Column::LastError, Expr::value(None::<String>))
        .filter(mail_outbox::Column::Status.is_in(["sent", "failed"]))
        .filter(mail_outbox::Column::CreatedAt.lt(before))
        .filter(mail_outbox::Column::Recipient.ne(""))
        .exec(&app.db)
        .await?;
    Ok(done.rows_affected)
}

/// Email that did not go: those given up in the last `KEPT_DAYS` (newest first, at most
/// `limit`), and how many are waiting to be tried again. For the administrator, who can mend an
/// address: the recipient is shown, the words are not.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Trouble {
    pub failed: Vec<FailedEmail>,
    pub failed_total: u64,
    pub retrying: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FailedEmail {
    pub kind: String,
    /// The kind in words: "Invitation", "Cancellation", "Reminder", "Weekly digest".
    pub what: &'static str,
    pub review_id: Option<ReviewId>,
    pub recipient: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: OffsetDateTime,
}

/// What did not go, and what waits to be tried again.
pub async fn trouble(app: &App, limit: u64) -> Result<Trouble, AppError> {
    let since = app.clock.now() - Duration::days(KEPT_DAYS);
    let failed = || {
        mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Status.eq("failed"))
            .filter(mail_outbox::Column::CreatedAt.gte(since))
    };
    let retrying = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Status.eq("pending"))
        .filter(mail_outbox::Column::Attempts.gt(0))
        .count(&app.db)
        .await?;
    let failed_total = failed().count(&app.db).await?;
    let failed = failed()
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .limit(limit)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|m| FailedEmail {
            what: match m.kind.as_str() {
                "invite" => "Invitation",
                "cancel" => "Cancellation",
                "reminder" => "Reminder",
                "digest" => "Weekly digest",
                _ => "Email",
            },
            kind: m.kind,
            review_id: m.review_id,
            recipient: m.recipient,
            attempts: m.attempts,
            last_error: m.last_error,
            written_at: m.created_at,
        })
        .collect();
    Ok(Trouble {
        failed,
        failed_total,
        retrying,
    })
}

/// The wait after the `n`th failed attempt: one minute, doubling, at most four hours.
pub fn backoff(attempts: i32) -> Duration {
    let n = attempts.clamp(1, 20) as u32 - 1;
    Duration::minutes((1i64 << n.min(8)).min(240))
}

/// A message to write.
pub struct Queued {
    pub key: String,
    pub kind: &'static str,
    pub review_id: Option<ReviewId>,
    pub sequence: i32,
    pub recipient: String,
    pub message: String,
}

/// Writes the message unless one with its key is there already; true when written.
pub async fn put(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    q: Queued,
) -> Result<bool, AppError> {
    let row = mail_outbox::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        key: Set(q.key),
        kind: Set(q.kind.to_string()),
        review_id: Set(q.review_id),
        sequence: Set(q.sequence),
        recipient: Set(q.recipient),
        message: Set(q.message),
        status: Set("pending".into()),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_at: Set(now),
        created_at: Set(now),
        sent_at: Set(None),
    };
    let written = mail_outbox::Entity::insert(row)
        .on_conflict(
            OnConflict::column(mail_outbox::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(written > 0)
}

/// What one delivery run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: u64,
    pub retrying: u64,
    pub given_up: u64,
}

/// An SMTP failure in words fit for the table and the log: anything that looks like an
/// address is left out.
fn scrub(error: &str) -> String {
    let words: Vec<&str> = error
        .split_whitespace()
        .map(|w| if w.contains('@') { "<address>" } else { w })
        .collect();
    let mut text = words.join(" ");
    text.truncate(500);
    text
}

/// Sends what is pending and due, up to `limit` messages.
pub async fn deliver(app: &App, limit: u64) -> Result<Delivered, AppError> {
    let mut done = Delivered::default();
    let Some(url) = app.settings.smtp() else {
        return Ok(done);
    };
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| AppError::failed("reading TCR_SMTP_URL", e))?
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build();
    let from: Address = app
        .settings
        .mail_from
        .parse()
        .map_err(|e| AppError::failed("reading TCR_MAIL_FROM", e))?;
    let now = app.clock.now();
    let due = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Status.eq("pending"))
        .filter(mail_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(mail_outbox::Column::CreatedAt)
        .limit(limit)
        .all(&app.db)
        .await?;
    for m in due {
        if !take(app, &m, now).await? {
            continue;
        }
        let attempts = m.attempts + 1;
        let outcome = match m.recipient.parse::<Address>() {
            Ok(to) => match Envelope::new(Some(from.clone()), vec![to]) {
                Ok(envelope) => transport
                    .send_raw(&envelope, m.message.as_bytes())
                    .await
                    .map(|_| ())
                    .map_err(|e| scrub(&e.to_string())),
                Err(e) => Err(scrub(&e.to_string())),
            },
            Err(_) => Err("the address is not usable".to_string()),
        };
        let now = app.clock.now();
        let turn = app.writes.enter().await;
        let update = mail_outbox::Entity::update_many().filter(mail_outbox::Column::Id.eq(&m.id));
        match outcome {
            Ok(()) => {
                update
                    .col_expr(mail_outbox::Column::Status, Expr::value("sent"))
                    .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
                    .col_expr(mail_outbox::Column::LastError, Expr::value(None::<String>))
                    .exec(&app.db)
                    .await?;
                done.sent += 1;
            }
            Err(why) => {
                let give_up = attempts >= MAX_ATTEMPTS;
                tracing::warn!(
                    "email {} ({}) not sent, attempt {attempts}{}: {why}",
                    m.id,
                    m.kind,
                    if give_up { ", giving up" } else { "" }
                );
                update
                    .col_expr(
                        mail_outbox::Column::Status,
                        Expr::value(if give_up { "failed" } else { "pending" }),
                    )
                    .col_expr(
                        mail_outbox::Column::NextAttemptAt,
                        Expr::value(now + backoff(attempts)),
                    )
                    .col_expr(mail_outbox::Column::LastError, Expr::value(Some(why)))
                    .exec(&app.db)
                    .await?;
                if give_up {
                    done.given_up += 1;
                } else {
                    done.retrying += 1;
                }
            }
        }
        drop(turn);
    }
    Ok(done)
}

/// Takes a message to send: moves its attempt count on, only if no one else has since it was
/// read; true when this sender won it.
async fn take(app: &App, m: &mail_outbox::Model, now: OffsetDateTime) -> Result<bool, AppError> {
    let _turn = app.writes.enter().await;
    let taken = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Attempts, Expr::value(m.attempts + 1))
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(now + LEASE))
        .filter(mail_outbox::Column::Id.eq(&m.id))
        .filter(mail_outbox::Column::Status.eq("pending"))
        .filter(mail_outbox::Column::Attempts.eq(m.attempts))
        .exec(&app.db)
        .await?;
    Ok(taken.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_growing() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(5), Duration::minutes(16));
        assert_eq!(backoff(9), Duration::minutes(240));
        assert_eq!(backoff(50), Duration::minutes(240));
    }

    #[test]
    fn failures_keep_no_address() {
        assert_eq!(
            scrub("permanent error (550): 5.1.1 <a.b@nhs.net>: Recipient rejected"),
            "permanent error (550): 5.1.1 <address> Recipient rejected"
        );
    }
}
