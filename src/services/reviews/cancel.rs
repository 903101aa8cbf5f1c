//! Cancelling a review, or all of a person's when they leave the register.

use super::*;

pub async fn cancel(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    input: Cancel,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let reason = c.paragraph("reason", "the reason", &input.reason, 2_000);
    let cancelled_on = c
        .optional_dated(
            "cancelled_on",
            "the day it was cancelled",
            &input.cancelled_on,
            DateKind::Event,
            today,
        )
        .unwrap_or(today);
    c.finish()?;
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), &ReviewReader::of(app, who), id).await?;
    if current.status != ReviewStatus::Scheduled {
        return Err(AppError::Conflict(
            "Only a scheduled review can be cancelled.".into(),
        ));
    }
    if cancelled_on < current.scheduled_on {
        return Err(AppError::field(
            "cancelled_on",
            format!(
                "The day it was cancelled cannot be before the day it was booked ({})",
                crate::domain::dates::long_date(current.scheduled_on)
            ),
        ));
    }
    let person_id = current.person_id.clone();
    let mut row: review::ActiveModel = current.into();
    row.status = Set(ReviewStatus::Cancelled);
    row.cancelled_reason = Set(Some(reason));
    row.cancelled_on = Set(Some(cancelled_on));
    let updated = row.update(tx.conn()).await?;
    crate::services::mail::review_changed(
        app,
        &tx,
        &updated,
        crate::services::mail::Change::Cancelled,
    )
    .await?;
    tx.record(
        &who.actor(),
        Event::person("review.cancel", &person_id).detail(serde_json::json!({
            "review_id": id,
            "cancelled_on": cancelled_on.to_string(),
        })),
    )
    .await?;
    let result = view(tx.conn(), Scope::of(app, who), &updated, app).await?;
    tx.commit().await?;
    Ok(result)
}

/// Cancels a person's scheduled reviews inside the caller's transaction (consent withdrawn on
/// `day`): each is cancelled that day, or on the day it was booked if that was later.
pub async fn cancel_all_for(
    app: &App,
    tx: &audit::AuditedTx,
    person_id: &PersonId,
    reason: &str,
    day: Date,
) -> Result<u64, AppError> {
    // The person's entry is being withdrawn in this same transaction: reach past the door.
    let open = Scope::Retained
        .select::<review::Entity>()
        .filter(review::Column::PersonId.eq(person_id))
        .filter(review::Column::Status.eq(ReviewStatus::Scheduled))
        .all(tx.conn())
        .await?;
    let count = open.len() as u64;
    for r in open {
        let cancelled_on = day.max(r.scheduled_on);
        let mut row: review::ActiveModel = r.into();
        row.cancelled_on = Set(Some(cancelled_on));
        row.status = Set(ReviewStatus::Cancelled);
        row.cancelled_reason = Set(Some(reason.to_string()));
        let updated = row.update(tx.conn()).await?;
        crate::services::mail::review_changed(
            app,
            tx,
            &updated,
            crate::services::mail::Change::Cancelled,
        )
        .await?;
    }
    Ok(count)
}
