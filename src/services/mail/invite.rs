//! Invitations: written to the outbox inside the transaction that books, moves or cancels a
//! review, so that a booking rolled back sends nothing. Each panel member with an address gets
//! a REQUEST (a new or updated invitation, with the review's SEQUENCE) or a CANCEL (the review
//! is cancelled, or they left its panel).

use super::message::{self, Invitation, ReviewNote};
use super::outbox::{self, Queued};
use crate::domain::ical::Method;
use crate::domain::ids::UserId;
use crate::entities::{mail_outbox, person, review, user};
use crate::error::AppError;
use crate::services::App;
use crate::services::audit::AuditedTx;
use crate::services::scope::Scope;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// What happened to a review.
pub enum Change<'a> {
    Booked,
    /// Moved, or its time, place or panel changed: the review as it was.
    Moved(&'a review::Model),
    Cancelled,
}

/// The seats of a review: (seat in words, member).
pub(super) fn seats(r: &review::Model) -> Vec<(&'static str, UserId)> {
    [
        ("chair", &r.chair_id),
        ("expert by experience", &r.expert_by_experience_id),
        ("clinical expert", &r.clinical_expert_id),
    ]
    .into_iter()
    .filter_map(|(seat, id)| id.as_deref().map(|id| (seat, UserId::from_text(id))))
    .collect()
}

/// The review in an email's words: its kind, the person's initials, day, time, place, link.
pub(super) async fn note(
    app: &App,
    db: &impl ConnectionTrait,
    r: &review::Model,
) -> Result<ReviewNote, AppError> {
    // Reached from a booking, move or cancellation already read in scope (or a withdrawal
    // cancelling everything in the same transaction): reach the entry as it stands.
    let initials = match Scope::Retained
        .by_id::<person::Entity>(r.person_id.clone())
        .one(db)
        .await?
    {
        Some(p) => crate::domain::email::initials(&p.given_name, &p.family_name),
        None => "?".into(),
    };
    Ok(ReviewNote {
        review_id: r.id.to_string(),
        what: format!(
            "{} {}",
            r.review_type.as_str().to_uppercase(),
            r.kind.label().to_lowercase()
        ),
        initials,
        day: r.scheduled_for,
        starts_at: r.starts_at.clone(),
        place: r.place.clone(),
        link: app
            .settings
            .public_base()
            .map(|b| format!("{b}/reviews/{}", r.id)),
    })
}

/// The addresses of these users who are active and have one.
pub(super) async fn addresses(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = UserId>,
) -> Result<HashMap<UserId, String>, AppError> {
    let ids: Vec<UserId> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| u.email.map(|e| (u.id, e)))
        .collect())
}

fn moved(before: &review::Model, after: &review::Model) -> bool {
    before.scheduled_for != after.scheduled_for
        || before.starts_at != after.starts_at
        || before.place != after.place
        || seats(before) != seats(after)
}

/// Writes the invitations (or cancellations) a change to a review calls for, in the caller's
/// transaction. Nothing when email is not set up.
pub async fn review_changed(
    app: &App,
    tx: &AuditedTx,
    r: &review::Model,
    change: Change<'_>,
) -> Result<(), AppError> {
    if app.settings.smtp().is_none() {
        return Ok(());
    }
    // (seat, member, method)
    let mut to_tell: Vec<(&'static str, UserId, Method)> = Vec::new();
    match change {
        Change::Booked => {
            to_tell.extend(seats(r).into_iter().map(|(s, u)| (s, u, Method::Request)));
        }
        Change::Moved(before) => {
            if !moved(before, r) {
                return Ok(());
            }
            let now = seats(r);
            to_tell.extend(now.iter().cloned().map(|(s, u)| (s, u, Method::Request)));
            for (s, u) in seats(before) {
                if !now.iter().any(|(_, n)| *n == u) {
                    to_tell.push((s, u, Method::Cancel));
                }
            }
        }
        Change::Cancelled => {
            to_tell.extend(seats(r).into_iter().map(|(s, u)| (s, u, Method::Cancel)));
        }
    }
    let db = tx.conn();
    let emails = addresses(db, to_tell.iter().map(|(_, u, _)| u.clone())).await?;
    if emails.is_empty() {
        return Ok(());
    }
    let sequence = next_sequence(db, r).await?;
    let note = note(app, db, r).await?;
    for (seat, member, method) in to_tell {
        let Some(to) = emails.get(&member) else {
            continue;
        };
        let inv = Invitation {
            review: note.clone(),
            seat,
            method,
            sequence: sequence as u32,
            stamp: tx.now(),
        };
        let Ok(rendered) = message::invitation(&inv, &app.settings.mail_from, to) else {
            tracing::warn!("an invitation for review {} could not be written", r.id);
            continue;
        };
        let kind = if method == Method::Cancel {
            "cancel"
        } else {
            "invite"
        };
        outbox::put(
            db,
            tx.now(),
            Queued {
                key: format!("{kind}:{}:{member}:{sequence}", r.id),
                kind,
                review_id: Some(r.id.clone()),
                sequence,
                recipient: to.clone(),
                message: rendered.text,
            },
        )
        .await?;
    }
    Ok(())
}

/// The review's next SEQUENCE: one more than any sent about it, 0 for the first.
async fn next_sequence(db: &impl ConnectionTrait, r: &review::Model) -> Result<i32, AppError> {
    Ok(mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ReviewId.eq(r.id.clone()))
        .order_by_desc(mail_outbox::Column::Sequence)
        .one(db)
        .await?
        .map_or(0, |m| m.sequence + 1))
}
