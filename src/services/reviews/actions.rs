//! Updating an action of a plan: its status, completion and note.

use super::*;

pub async fn update_action(
    app: &App,
    who: &SignedIn,
    id: &ActionId,
    input: ActionUpdate,
) -> Result<ActionView, AppError> {
    let today = app.clock.today();
    let (status, completed_on, note) = check_update(&input, today)?;
    let mut tx = audit::begin(app).await?;
    let reader = ReviewReader::of(app, who);
    let current = reader
        .scope
        .by_id::<action::Entity>(id)
        .one(tx.conn())
        .await?
        .ok_or_else(|| AppError::not_found("Action"))?;
    let review = find(tx.conn(), &reader, &current.review_id)
        .await
        .map_err(|e| match e {
            // The same answer as for an action that does not exist.
            AppError::NotFound(_) => AppError::not_found("Action"),
            other => other,
        })?;
    // A chair keeps the action plans of the reviews they chair (SPEC: roles); reading every
    // review does not make every plan theirs.
    if !may_record(app, who, &review) {
        return Err(AppError::Forbidden);
    }
    if status == ActionStatus::Open && current.status == ActionStatus::Open {
        return Err(AppError::Conflict("This action is already open.".into()));
    }
    let closed_on = closed_on(status, completed_on, today, review.held_on)?;
    let person_id = current.person_id.clone();
    let mut row: action::ActiveModel = current.into();
    row.status = Set(status);
    row.completed_on = Set(closed_on);
    row.note = Set(note);
    row.updated_at = Set(tx.now());
    let updated = row.update(tx.conn()).await?;
    tx.record(
        &who.actor(),
        Event::person("action.update", &person_id).detail(serde_json::json!({
            "action_id": id,
            "status": status.as_str(),
            "completed_on": closed_on.map(|d| d.to_string()),
        })),
    )
    .await?;
    tx.commit().await?;
    action_view(&updated, today)
}

/// The status, the day done or dropped as given, and the note: a done action needs its day,
/// a dropped or reopened one its reason.
fn check_update(
    input: &ActionUpdate,
    today: Date,
) -> Result<(ActionStatus, Option<Date>, Option<String>), AppError> {
    let mut c = Check::default();
    let status = c.choice(
        "status",
        "the status",
        &input.status,
        ActionStatus::parse,
        "open, done or dropped".into(),
    );
    let completed_on = c.optional_dated(
        "completed_on",
        if status == Some(ActionStatus::Dropped) {
            "the date it was dropped"
        } else {
            "the date it was done"
        },
        &input.completed_on,
        DateKind::Event,
        today,
    );
    let note = c.optional_paragraph("note", "the note", &input.note, 5_000);
    if status == Some(ActionStatus::Done) && completed_on.is_none() && !c.has("completed_on") {
        c.fail("completed_on", "Give the date the action was done");
    }
    if status == Some(ActionStatus::Dropped) && note.is_none() {
        c.fail("note", "Give the reason the action was dropped");
    }
    if status == Some(ActionStatus::Open) && note.is_none() {
        c.fail("note", "Give the reason the action is reopened");
    }
    c.finish()?;
    let status = status.ok_or_else(|| AppError::internal("checked input incomplete"))?;
    Ok((status, completed_on, note))
}

/// The day it was done (given) or dropped (given, or today); an open action has none. Never
/// before the review that agreed it.
fn closed_on(
    status: ActionStatus,
    completed_on: Option<Date>,
    today: Date,
    held_on: Option<Date>,
) -> Result<Option<Date>, AppError> {
    let closed_on = match status {
        ActionStatus::Done => completed_on,
        ActionStatus::Dropped => Some(completed_on.unwrap_or(today)),
        ActionStatus::Open => None,
    };
    if let (Some(closed), Some(held)) = (closed_on, held_on)
        && closed < held
    {
        let done = if status == ActionStatus::Dropped {
            "dropped"
        } else {
            "done"
        };
        return Err(AppError::field(
            "completed_on",
            format!("An action cannot be {done} before the review that agreed it ({held})"),
        ));
    }
    Ok(closed_on)
}
