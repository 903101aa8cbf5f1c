//! One email to send (`services::mail`): written rendered, with a unique key saying what it is
//! (`invite:<review>:<user>:<sequence>`, `reminder:<review>:<user>:<day>`,
//! `digest:<user>:<monday>`), then delivered by the sender, which retries with a growing wait.

use crate::domain::ids::ReviewId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub key: String,
    /// `invite`, `cancel`, `reminder` or `digest`.
    pub kind: String,
    pub review_id: Option<ReviewId>,
    /// For an invitation or a cancellation: the calendar event's SEQUENCE.
    pub sequence: i32,
    /// The address it goes to (never logged).
    pub recipient: String,
    /// The whole message as sent (RFC 5322, with its attachment).
    pub message: String,
    /// `pending`, `sent` or `failed` (gave up after the last attempt).
    pub status: String,
    pub attempts: i32,
    /// The last failure, in the SMTP server's words (no address or name).
    pub last_error: Option<String>,
    /// Not sent before then; a sender that takes the message moves it on, so that another
    /// instance leaves it alone while it is being sent.
    pub next_attempt_at: TimeDateTimeWithTimeZone,
    pub created_at: TimeDateTimeWithTimeZone,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
